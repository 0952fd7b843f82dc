// Copies between host and device memory, on the current stream.
#pragma once

#include <cstring>

#include "../gil.h"
#include "../pointwise.h"
#include "runtime.h"

namespace satchel::cuda {

// A device copy of a host tensor (contiguous, whatever h's strides).
template <class T>
DeviceTensor<T> to_device(const HostTensor<T>& h) {
  const HostTensor<T> c = h.is_contiguous() ? h : contiguous_copy(h);
  DeviceTensor<T> d = empty<DeviceTensor<T>>(c.sizes());
  if (c.numel()) {
    // From pageable memory the call returns once the source has been staged, so c may go.
    check(cudaMemcpyAsync(d.data(), c.data(), std::size_t(c.numel()) * sizeof(T), cudaMemcpyHostToDevice,
                          current_stream()),
          "cudaMemcpyAsync (host to device)");
  }
  return d;
}

// A host copy of a device tensor (contiguous), once every queued kernel writing it has run.
template <class T>
HostTensor<T> to_host(const DeviceTensor<T>& d) {
  const DeviceTensor<T> c = d.is_contiguous() ? d : Copies<T>::contiguous(d);
  HostTensor<T> h = HostTensor<T>::empty(c.sizes());
  const cudaStream_t stream = current_stream();
  ReleaseGil unlocked(c.numel());
  if (c.numel())
    check(cudaMemcpyAsync(h.data(), c.data(), std::size_t(c.numel()) * sizeof(T), cudaMemcpyDeviceToHost, stream),
          "cudaMemcpyAsync (device to host)");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return h;
}

}  // namespace satchel::cuda
