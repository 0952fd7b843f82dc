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

// to_host for a tensor of another unit's dtype (lu_solve's int32 pivots), whatever
// its strides: a unit's device copy kernels are of its own dtype only, so the span
// of memory the elements cover comes over whole and the host packs it.
template <class T>
HostTensor<T> to_host_packed(const DeviceTensor<T>& d) {
  if (d.numel() == 0) return HostTensor<T>::empty(d.sizes());
  int64_t lo = 0, hi = 0;  // the span's first and last elements, from d's first
  for (int i = 0; i < d.dim(); ++i) {
    const int64_t reach = (d.size(i) - 1) * d.stride(i);
    (reach < 0 ? lo : hi) += reach;
  }
  const HostTensor<T> span = HostTensor<T>::empty(Dims{hi - lo + 1});
  const cudaStream_t stream = current_stream();
  ReleaseGil unlocked(span.numel());
  check(cudaMemcpyAsync(span.data(), d.data() + lo, std::size_t(span.numel()) * sizeof(T), cudaMemcpyDeviceToHost,
                        stream),
        "cudaMemcpyAsync (device to host)");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return contiguous_copy(HostTensor<T>(span.storage(), -lo, d.sizes(), d.strides()));
}

}  // namespace satchel::cuda
