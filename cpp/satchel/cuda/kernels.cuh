// The device half of the CUDA runtime, included only by the kernels.cu of each
// unit (compiled by nvcc): map / map_into (elementwise kernels over the same
// broadcast-and-collapse Layout as the CPU's iter.h), reduce (CUB), and the
// definitions of Copies<T>. The functors they run are the unit's, generated from
// the spec's bodies with SATCHEL_HD (__host__ __device__).
#pragma once

#include <cxxabi.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>

#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>

#include "../iter.h"
#include "../math.h"
#include "runtime.h"

namespace satchel::cuda {

namespace detail {

inline constexpr int kBlock = 256;   // threads per block
inline constexpr int kUnroll = 4;    // elements in flight per thread (contiguous kernel)

// Blocks for n elements at per_thread elements a thread, capped at one full wave
// of the current device; kernels loop over the rest (grid-stride).
inline unsigned grid_for(int64_t n, int per_thread) {
  constexpr int kMaxDevices = 64;
  static int sm_count[kMaxDevices] = {};
  int device = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  int& sms = sm_count[device < kMaxDevices ? device : 0];
  if (sms == 0) check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
  const int64_t per_block = int64_t(kBlock) * per_thread;
  const int64_t wanted = (n + per_block - 1) / per_block;
  const int64_t wave = int64_t(sms) * (2048 / kBlock);
  return unsigned(std::max<int64_t>(1, std::min(wanted, wave)));
}

template <class Fn>
std::string functor_name() {
  int status = 0;
  char* name = abi::__cxa_demangle(typeid(Fn).name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : typeid(Fn).name();
  std::free(name);
  return out;
}

template <class Fn>
void check_launch() {
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) throw Error(error_text("kernel launch of " + functor_name<Fn>(), e));
}

struct Identity {
  template <class V>
  SATCHEL_HD V operator()(V v) const {
    return v;
  }
};

// Arrays of N entries that stay legal for N == 0 (fill has no inputs).
template <std::size_t N>
inline constexpr std::size_t kSlots = N ? N : 1;

// out[i] = fn(in...[i]) over n elements. Input k is in[k][i] (step 1), in[k][0]
// broadcast (step 0), or the number value[k] when in[k] is null.
template <class T, class C, class Fn, std::size_t N>
struct ContiguousArgs {
  Fn fn;
  T* out;
  const T* in[kSlots<N>];
  int step[kSlots<N>];
  C value[kSlots<N>];
  int64_t n;
};

// The same over collapsed dims with element strides (out is operand 0).
template <class T, class C, class Fn, std::size_t N>
struct StridedArgs {
  Fn fn;
  T* out;
  const T* in[kSlots<N>];
  C value[kSlots<N>];
  int64_t n;
  int nd;
  int64_t sizes[kMaxDims];
  int64_t strides[N + 1][kMaxDims];
};

template <class T, class C, class Fn, std::size_t N, std::size_t... I>
__device__ __forceinline__ C apply_contiguous(const ContiguousArgs<T, C, Fn, N>& a, const C* fixed, int64_t i,
                                              std::index_sequence<I...>) {
  return a.fn((a.step[I] ? C(a.in[I][i]) : fixed[I])...);
}

template <class T, class C, class Fn, std::size_t N>
__global__ void __launch_bounds__(kBlock) contiguous_kernel(const ContiguousArgs<T, C, Fn, N> a) {
  C fixed[kSlots<N>];
#pragma unroll
  for (int k = 0; k < int(N); ++k) fixed[k] = a.in[k] ? C(a.in[k][0]) : a.value[k];
  const int64_t n = a.n;
  const int64_t step = int64_t(gridDim.x) * kBlock * kUnroll;
  for (int64_t base = int64_t(blockIdx.x) * kBlock * kUnroll + threadIdx.x; base < n; base += step) {
    // All loads, then all stores: in-place ops (out == an input) stay correct.
    C r[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t i = base + int64_t(u) * kBlock;
      if (i < n) r[u] = apply_contiguous(a, fixed, i, std::make_index_sequence<N>{});
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t i = base + int64_t(u) * kBlock;
      if (i < n) a.out[i] = T(r[u]);
    }
  }
}

template <class T, class C, class Fn, std::size_t N, std::size_t... I>
__device__ __forceinline__ C apply_strided(const StridedArgs<T, C, Fn, N>& a, const int64_t* off,
                                           std::index_sequence<I...>) {
  return a.fn((a.in[I] ? C(a.in[I][off[I + 1]]) : a.value[I])...);
}

template <class T, class C, class Fn, std::size_t N>
__global__ void __launch_bounds__(kBlock) strided_kernel(const StridedArgs<T, C, Fn, N> a) {
  const int64_t step = int64_t(gridDim.x) * kBlock;
  for (int64_t i = int64_t(blockIdx.x) * kBlock + threadIdx.x; i < a.n; i += step) {
    int64_t off[N + 1] = {};
    int64_t rest = i;
    for (int d = a.nd - 1; d >= 0; --d) {
      const int64_t size = a.sizes[d];
      const int64_t idx = rest % size;
      rest /= size;
#pragma unroll
      for (std::size_t k = 0; k <= N; ++k) off[k] += idx * a.strides[k][d];
    }
    a.out[off[0]] = T(apply_strided(a, off, std::make_index_sequence<N>{}));
  }
}

// Reductions read element i of each (contiguous) input through this functor,
// applied by CUB to a counting iterator.
template <class Acc, class C, class T, class Map, std::size_t N>
struct MapAt {
  Map map;
  const T* p[N];

  SATCHEL_HD Acc operator()(int64_t i) const { return at(i, std::make_index_sequence<N>{}); }

  template <std::size_t... I>
  SATCHEL_HD Acc at(int64_t i, std::index_sequence<I...>) const {
    return map(Acc(C(p[I][i]))...);
  }
};

template <class TensorT>
TensorT contiguous_or_self(const TensorT& t) {
  return t.is_contiguous() ? t : Copies<typename TensorT::value_type>::contiguous(t);
}

}  // namespace detail

template <class C, class TensorT, class Fn, class... In>
void map_into(const Fn& fn, const TensorT& out, const In&... inputs);

// Writes fn(inputs...) into out; inputs (tensors or numbers) broadcast to out's
// shape. An input overlapping out without being exactly out is copied first.
// The kernel is queued on the current stream.
template <class C, class TensorT, class Fn, class... In>
void map_into(const Fn& fn, const TensorT& out, const In&... inputs) {
  using T = typename TensorT::value_type;
  static_assert(TensorT::device == Device::cuda);
  constexpr std::size_t N = sizeof...(In);
  const Dims& shape = out.sizes();
  if constexpr (N > 0) {
    std::array<const Dims*, N + 1> shapes{&shape, &inputs.sizes()...};
    if (broadcast_shapes(shapes) != shape) {
      std::array<const Dims*, N> in_shapes{&inputs.sizes()...};
      throw std::invalid_argument("cannot write a result of broadcast shape " + to_string(broadcast_shapes(in_shapes)) +
                                  " into a tensor of shape " + to_string(shape));
    }
  }
  if ((inputs.overlaps_differently(out) || ...)) {
    map_into<C>(fn, out, inputs.detached([](const TensorT& t) { return Copies<T>::contiguous(t); })...);
    return;
  }
  const cudaStream_t stream = current_stream();
  if (out.numel() == 0) return;

  Layout<N + 1> layout;
  layout.add(0, reinterpret_cast<char*>(out.data()), out.sizes(), out.strides(), sizeof(T), shape);
  const T* in_ptr[detail::kSlots<N>] = {};
  C value[detail::kSlots<N>] = {};
  std::size_t k = 0;
  (
      [&](const auto& input) {
        if (input.is_scalar()) value[k] = C(*input.data());
        else in_ptr[k] = input.data();
        layout.add(k + 1, const_cast<char*>(reinterpret_cast<const char*>(in_ptr[k])), input.sizes(),
                   input.strides(), sizeof(T), shape);
        ++k;
      }(inputs),
      ...);
  layout.collapse(shape);

  const int64_t item = sizeof(T);
  const int nd = layout.sizes.size();
  bool contiguous = nd == 1 && layout.strides[0][0] == item;
  for (std::size_t j = 1; j <= N; ++j)
    contiguous = contiguous && (layout.strides[j][0] == 0 || layout.strides[j][0] == item);
  if (contiguous) {
    detail::ContiguousArgs<T, C, Fn, N> a{fn};
    a.out = reinterpret_cast<T*>(layout.base[0]);
    for (int j = 0; j < int(N); ++j) {
      a.in[j] = in_ptr[j];
      a.step[j] = in_ptr[j] && layout.strides[j + 1][0] == item;
      a.value[j] = value[j];
    }
    a.n = layout.numel;
    detail::contiguous_kernel<T, C, Fn, N>
        <<<detail::grid_for(a.n, detail::kUnroll), detail::kBlock, 0, stream>>>(a);
  } else {
    detail::StridedArgs<T, C, Fn, N> a{fn};
    a.out = reinterpret_cast<T*>(layout.base[0]);
    for (int j = 0; j < int(N); ++j) {
      a.in[j] = in_ptr[j];
      a.value[j] = value[j];
    }
    a.n = layout.numel;
    a.nd = nd;
    for (int d = 0; d < nd; ++d) {
      a.sizes[d] = layout.sizes[d];
      for (std::size_t j = 0; j <= N; ++j) a.strides[j][d] = layout.strides[j][d] / item;
    }
    detail::strided_kernel<T, C, Fn, N><<<detail::grid_for(a.n, 1), detail::kBlock, 0, stream>>>(a);
  }
  detail::check_launch<Fn>();
}

// A new device tensor holding fn(inputs...) over the inputs' broadcast shape.
template <class C, class TensorT, class Fn, class First, class... Rest>
TensorT map(const Fn& fn, const First& first, const Rest&... rest) {
  std::array<const Dims*, 1 + sizeof...(Rest)> shapes{&first.sizes(), &rest.sizes()...};
  TensorT out = empty<TensorT>(broadcast_shapes(shapes));
  map_into<C>(fn, out, first, rest...);
  return out;
}

// combine(map(elements)...) folded in Acc over tensors of one shape, by CUB's
// device-wide reduction; as reduce.h on the CPU, without an init the first
// element seeds the fold (right for idempotent combines: min, max). Strided
// inputs are first copied to contiguous memory. Waits for the result.
template <class Acc, class C, class Map, class Combine, class TensorT, class... More>
Acc reduce(const char* op, const Map& map, const Combine& combine, std::optional<Acc> init, const TensorT& first,
           const More&... more) {
  using T = typename TensorT::value_type;
  static_assert(TensorT::device == Device::cuda);
  constexpr std::size_t N = 1 + sizeof...(More);
  if (((more.sizes() != first.sizes()) || ...)) {
    std::string msg = std::string(op) + ": tensors must have the same shape, got " + to_string(first.sizes());
    ((msg += " and " + to_string(more.sizes())), ...);
    throw std::invalid_argument(msg);
  }
  const cudaStream_t stream = current_stream();
  const int64_t n = first.numel();
  if (n == 0) {
    if (init) return *init;
    throw std::invalid_argument(std::string(op) + ": the tensor is empty, so it has no result");
  }
  const std::array<TensorT, N> held{detail::contiguous_or_self(first), detail::contiguous_or_self(more)...};
  detail::MapAt<Acc, C, T, Map, N> at{map};
  for (std::size_t k = 0; k < N; ++k) at.p[k] = held[k].data();
  Acc seed;
  if (init) {
    seed = *init;
  } else {
    T firsts[N];
    for (std::size_t k = 0; k < N; ++k)
      check(cudaMemcpyAsync(&firsts[k], held[k].data(), sizeof(T), cudaMemcpyDeviceToHost, stream),
            "cudaMemcpyAsync (device to host)");
    check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    detail::MapAt<Acc, C, T, Map, N> host_at{map};
    for (std::size_t k = 0; k < N; ++k) host_at.p[k] = &firsts[k];
    seed = host_at(0);
  }
  const thrust::counting_iterator<int64_t> index(0);
  std::size_t temp_bytes = 0;
  check(cub::DeviceReduce::TransformReduce(nullptr, temp_bytes, index, static_cast<Acc*>(nullptr), n, combine, at,
                                           seed, stream),
        "cub::DeviceReduce::TransformReduce");
  const std::size_t result_at = (temp_bytes + 255) / 256 * 256;
  const Storage temp = allocate_device(result_at + sizeof(Acc));
  char* base = static_cast<char*>(temp.data());
  Acc* result = reinterpret_cast<Acc*>(base + result_at);
  check(cub::DeviceReduce::TransformReduce(base, temp_bytes, index, result, n, combine, at, seed, stream),
        "cub::DeviceReduce::TransformReduce");
  Acc value;
  check(cudaMemcpyAsync(&value, result, sizeof(Acc), cudaMemcpyDeviceToHost, stream),
        "cudaMemcpyAsync (device to host)");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return value;
}

template <class T>
void Copies<T>::into(const DeviceTensor<T>& dst, const Operand<DeviceTensor<T>>& src) {
  map_into<T>(detail::Identity{}, dst, src);
}

template <class T>
DeviceTensor<T> Copies<T>::contiguous(const DeviceTensor<T>& t) {
  DeviceTensor<T> c = empty<DeviceTensor<T>>(t.sizes());
  map_into<T>(detail::Identity{}, c, Operand<DeviceTensor<T>>(t));
  return c;
}

}  // namespace satchel::cuda
