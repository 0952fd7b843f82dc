// What both halves of a CUDA unit share: its .cu files (nvcc) and its .cpp files (the
// host compiler). The runtime table of satchel._units._cuda_runtime, the
// current device and stream, device tensors from the caching allocator, and
// Copies<T>, the copy kernels a unit's copies.cu instantiates for its dtype.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <cuda_runtime_api.h>

#include "../half.h"
#include "../operand.h"
#include "../tensor.h"
#include "api.h"
#include "error.h"
#include "select.h"

namespace satchel::cuda {

template <class T>
using DeviceTensor = Tensor<T, Device::cuda>;
template <class T>
using HostTensor = Tensor<T, Device::cpu>;

// The runtime table this unit attached to when it was imported (bind.h).
inline const RuntimeApi*& runtime_slot() {
  static const RuntimeApi* api = nullptr;
  return api;
}

// The runtime, with this unit's copy of the CUDA runtime on the current device.
// Every device operation starts here, so without a GPU each raises the one
// error "no CUDA device: ...".
inline const RuntimeApi& runtime() {
  const RuntimeApi* api = runtime_slot();
  if (!api) throw Error(std::string("no CUDA device: the module ") + kRuntimeModule + " was not loaded");
  if (const char* why = api->unavailable()) throw Error(std::string("no CUDA device: ") + why);
  thread_local int device = -1;
  const int current = api->current_device();
  if (current != device) {
    check(cudaSetDevice(current), "cudaSetDevice");
    device = current;
  }
  return *api;
}

inline cudaStream_t current_stream() { return runtime().current_stream(); }

// nbytes of device memory from the caching allocator, given back when the last
// tensor viewing it goes.
inline Storage allocate_device(std::size_t nbytes) {
  const RuntimeApi& rt = runtime();
  cudaError_t error = cudaSuccess;
  void* p = rt.allocate(nbytes, &error);
  if (!p) {
    const std::string what = "cudaMalloc(" + std::to_string(nbytes) + " bytes on cuda:" +
                             std::to_string(rt.current_device()) + ")";
    if (error == cudaErrorMemoryAllocation) throw OutOfMemory(error_text(what, error));
    throw Error(error_text(what, error));
  }
  const RuntimeApi* api = &rt;
  return Storage{std::shared_ptr<void>(p, [api](void* q) { api->release(q); }), nbytes};
}

// The index of the device holding t's memory (the current one for an empty tensor).
template <class TensorT>
int device_of(const TensorT& t) {
  const RuntimeApi& rt = runtime();
  if (!t.data()) return rt.current_device();
  cudaPointerAttributes attributes{};
  check(cudaPointerGetAttributes(&attributes, t.data()), "cudaPointerGetAttributes");
  return attributes.device;
}

// A new device tensor whose elements fill a block in the order `strides` give
// (a permutation of contiguous strides: strides_like); not initialised.
template <class TensorT>
TensorT empty(const Dims& sizes, const Dims& strides) {
  using T = typename TensorT::value_type;
  static_assert(TensorT::device == Device::cuda);
  const int64_t n = checked_numel(sizes);
  if (uint64_t(n) > std::numeric_limits<std::size_t>::max() / sizeof(T))
    throw std::overflow_error("shape " + to_string(sizes) + " needs more bytes than fit in memory");
  return TensorT(allocate_device(std::size_t(n) * sizeof(T)), 0, sizes, strides);
}

// A new contiguous device tensor; its elements are not initialised.
template <class TensorT>
TensorT empty(const Dims& sizes) {
  return empty<TensorT>(sizes, contiguous_strides(sizes));
}

// Elementwise copies of a unit's dtype: defined in kernels.cuh, instantiated in
// the unit's copies.cu, called from its host files (natives, transfers, indexing).
template <class T>
struct Copies {
  // dst = src, src (a tensor or a number) broadcast to dst's shape.
  static void into(const DeviceTensor<T>& dst, const Operand<DeviceTensor<T>>& src);
  // A contiguous copy of t.
  static DeviceTensor<T> contiguous(const DeviceTensor<T>& t);
};

}  // namespace satchel::cuda

namespace satchel {

// The device form of pointwise.h's contiguous_copy. Device-generic natives (the
// views' reshape, contiguous, clone) call contiguous_copy unqualified, so for
// CUDA tensors argument-dependent lookup picks this more specialised overload.
template <class T>
Tensor<T, Device::cuda> contiguous_copy(const Tensor<T, Device::cuda>& t) {
  return cuda::Copies<T>::contiguous(t);
}

// The device forms of device.h's new_empty, copy_into and select_elements, which
// the device-generic natives (cat, flip, where, ...) reach the same way.
template <class T>
Tensor<T, Device::cuda> new_empty(const Tensor<T, Device::cuda>&, const Dims& sizes, const Dims& strides) {
  return cuda::empty<Tensor<T, Device::cuda>>(sizes, strides);
}

template <class T>
void copy_into(const Tensor<T, Device::cuda>& dst, const Operand<Tensor<T, Device::cuda>>& src) {
  cuda::Copies<T>::into(dst, src);
}

namespace detail {

template <class T>
cuda::Choice choice(const Operand<Tensor<T, Device::cuda>>& x) {
  static_assert(sizeof(T) <= sizeof(uint64_t));
  if (!x.is_scalar()) return {{reinterpret_cast<const char*>(x.data()), x.sizes(), x.strides()}, 0};
  cuda::Choice c{{nullptr, x.sizes(), x.strides()}, 0};
  std::memcpy(&c.value, x.data(), sizeof(T));  // the low bytes: the kernel reads it as its element type
  return c;
}

}  // namespace detail

template <class T>
void select_elements(const Tensor<T, Device::cuda>& out, const Tensor<bool, Device::cuda>& condition,
                     const Operand<Tensor<T, Device::cuda>>& a, const Operand<Tensor<T, Device::cuda>>& b) {
  const Strided c{reinterpret_cast<const char*>(condition.data()), condition.sizes(), condition.strides()};
  cuda::select_into(reinterpret_cast<char*>(out.data()), out.sizes(), out.strides(), c, detail::choice(a),
                    detail::choice(b), sizeof(T), cuda::current_stream());
}

}  // namespace satchel
