// Advanced indexing of CUDA tensors (t[key] and t[key] = v with arrays or masks),
// which every CUDA unit's bindings reach (indexing.h declares them): through the
// host, since the key's arrays are host objects (NumPy's or lists) and the
// result's shape is the host's to know.
#pragma once

#include <nanobind/nanobind.h>

#include "../core/overlap.h"
#include "../indexing.h"
#include "runtime.h"
#include "transfer.h"

namespace satchel {

template <class TensorT>
TensorT device_index_gather(const TensorT& t, PyObject* key) {
  return cuda::to_device(index_gather(cuda::to_host(t), key));
}

template <class TensorT>
void device_index_scatter(const TensorT& t, PyObject* key, nb::handle value) {
  using T = typename TensorT::value_type;
  overlap::check_writable(t);
  cuda::HostTensor<T> h = cuda::to_host(t);
  index_scatter(h, key, nb::isinstance<TensorT>(value) ? cuda::to_host(nb::cast<const TensorT&>(value))
                                                        : value_tensor<cuda::HostTensor<T>>(value));
  const TensorT d = cuda::to_device(h);
  cuda::Copies<T>::into(t, Operand<TensorT>(d));
}

}  // namespace satchel
