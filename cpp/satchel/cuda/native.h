// The natives of the spec (ops with `native: <name>`) for CUDA tensors: what the
// generated CUDA units call as satchel::cuda::native::<name>. A native the spec
// adds without one here fails to compile in the CUDA units, not at run time.
#pragma once

#include <nanobind/nanobind.h>

#include <optional>
#include <string>

#include "../create.h"
#include "../from_python.h"
#include "../io.h"
#include "../views.h"
#include "random.h"
#include "transfer.h"

namespace satchel::cuda::native {

// Views only compute an offset, sizes and strides, so the CPU's templates serve.
// Those that may copy (reshape, flatten, contiguous, clone) reach the device copy
// through contiguous_copy (runtime.h).
using satchel::native::clone;
using satchel::native::contiguous;
using satchel::native::expand;
using satchel::native::flatten;
using satchel::native::narrow;
using satchel::native::permute;
using satchel::native::reshape;
using satchel::native::select;
using satchel::native::squeeze;
using satchel::native::t;
using satchel::native::transpose;
using satchel::native::unfold;
using satchel::native::unsqueeze;
using satchel::native::view;

template <class TensorT>
TensorT empty(const Dims& size) {
  return cuda::empty<TensorT>(size);
}

template <class TensorT>
TensorT full(const Dims& size, typename TensorT::value_type value) {
  using T = typename TensorT::value_type;
  TensorT t = cuda::empty<TensorT>(size);
  Copies<T>::into(t, Operand<TensorT>(value));
  return t;
}

template <class TensorT>
TensorT zeros(const Dims& size) {
  return full<TensorT>(size, typename TensorT::value_type(0));
}

template <class TensorT>
TensorT ones(const Dims& size) {
  return full<TensorT>(size, typename TensorT::value_type(1));
}

// The rest are made on the host by the CPU's natives, then copied over.

template <class TensorT>
TensorT arange(Number start, std::optional<Number> end, Number step) {
  using T = typename TensorT::value_type;
  return to_device(satchel::native::arange<HostTensor<T>>(start, end, step));
}

template <class TensorT>
TensorT tensor(nb::object data) {
  using T = typename TensorT::value_type;
  if (nb::isinstance<TensorT>(data)) return Copies<T>::contiguous(nb::cast<const TensorT&>(data));
  if (nb::isinstance<HostTensor<T>>(data)) return to_device(nb::cast<const HostTensor<T>&>(data));
  // A tensor of another device unit (another dtype on the GPU): through the host.
  if (nb::hasattr(data, "device") && nb::hasattr(data, "cpu") && nb::isinstance<nb::str>(data.attr("device")) &&
      nb::cast<std::string>(data.attr("device")) != "cpu")
    data = data.attr("cpu")();
  return to_device(satchel::native::tensor<HostTensor<T>>(data));
}

template <class TensorT>
TensorT from_tensor(nb::object x) {
  return tensor<TensorT>(satchel::native::satchel_tensor(x, "from_tensor"));
}

template <class TensorT>
TensorT from_numpy(nb::object array) {  // device memory cannot alias host memory: a copy
  return tensor<TensorT>(std::move(array));
}

// Shares the memory of a DLPack producer (or capsule) on the current device.
template <class TensorT>
TensorT from_dlpack(nb::object obj, std::optional<bool> copy) {
  static const std::string unit = std::string("satchel.cuda.") + DType<typename TensorT::value_type>::name;
  return dlpack::from_dlpack<TensorT>(std::move(obj), copy, {dlpack::kCUDA, runtime().current_device()}, unit.c_str());
}

template <class TensorT>
TensorT read1d_file(const std::string& path, int64_t size, bool binary) {
  using T = typename TensorT::value_type;
  return to_device(satchel::native::read1d_file<HostTensor<T>>(path, size, binary));
}

template <class TensorT>
void write1d_file(const TensorT& self, const std::string& path, bool binary) {
  using T = typename TensorT::value_type;
  if (self.dim() != 1)  // before copying anything
    throw std::invalid_argument("write1d_file: expected a 1-D tensor, got shape " + to_string(self.sizes()));
  satchel::native::write1d_file<HostTensor<T>>(to_host(self), path, binary);
}

}  // namespace satchel::cuda::native
