// The device half of the CUDA runtime, included only by the kernels.cu of each
// unit (compiled by nvcc): map / map_into (elementwise kernels over the same
// broadcast-and-collapse Layout as the CPU's iter.h), reduce (two passes, block
// sums by cub::BlockReduce), and the definitions of Copies<T>. The functors they run are the unit's, generated from
// the spec's bodies with SATCHEL_HD (__host__ __device__).
#pragma once

#include <cxxabi.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>

#include <cub/block/block_reduce.cuh>

#include "../iter.h"
#include "../math.h"
#include "runtime.h"

namespace satchel::cuda {

namespace detail {

inline constexpr int kBlock = 256;  // threads per block

// Contiguous kernels move 16 bytes per access (kVector<T> elements) when every
// pointer is 16-byte aligned, else one element; each thread keeps kUnroll<V>
// accesses in flight per input, enough to cover memory latency at full occupancy.
template <class T>
inline constexpr int kVector = sizeof(T) < 16 ? int(16 / sizeof(T)) : 1;
template <int V>
inline constexpr int kUnroll = V == 1 ? 4 : 2;

template <class T, int V>
struct alignas(sizeof(T) * V) Packet {
  T v[V];
};

inline bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

// Blocks for n elements at per_thread elements a thread, capped at one full wave
// of the current device; kernels loop over the rest (grid-stride).
inline unsigned grid_for(int64_t n, int per_thread) {
  constexpr int kMaxDevices = 64;
  static std::atomic<int> sm_count[kMaxDevices];  // reductions run without the GIL: threads share this
  int device = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  int sms = sm_count[device < kMaxDevices ? device : 0].load(std::memory_order_relaxed);
  if (sms == 0) {
    check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
    sm_count[device < kMaxDevices ? device : 0].store(sms, std::memory_order_relaxed);
  }
  const int64_t per_block = int64_t(kBlock) * per_thread;
  const int64_t wanted = (n + per_block - 1) / per_block;
  const int64_t wave = int64_t(sms) * (2048 / kBlock);
  return unsigned(std::max<int64_t>(1, std::min(wanted, wave)));
}

// Where a reduction's result lands on the host: pinned memory, a block per
// thread. A copy into pageable memory is staged by the driver, which costs more
// than reducing a small tensor.
template <class Partial>
Partial* pinned_result() {
  static_assert(sizeof(Partial) <= 64);
  struct Block {
    void* p = nullptr;
    Block() { check(cudaHostAlloc(&p, 64, cudaHostAllocPortable), "cudaHostAlloc"); }
    ~Block() { (void)cudaFreeHost(p); }
  };
  thread_local const Block block;
  return static_cast<Partial*>(block.p);
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
// broadcast (step 0), or the number value[k] when in[k] is null. Out is T, or the
// element type of another unit's result (bool for comparisons).
template <class T, class Out, class C, class Fn, std::size_t N>
struct ContiguousArgs {
  Fn fn;
  Out* out;
  const T* in[kSlots<N>];
  int step[kSlots<N>];
  C value[kSlots<N>];
  int64_t n;
};

// The same over collapsed dims with element strides (out is operand 0).
template <class T, class Out, class C, class Fn, std::size_t N>
struct StridedArgs {
  Fn fn;
  Out* out;
  const T* in[kSlots<N>];
  C value[kSlots<N>];
  int64_t n;
  int nd;
  int64_t sizes[kMaxDims];
  int64_t strides[N + 1][kMaxDims];
};

template <class T, class Out, class C, class Fn, std::size_t N, int V, std::size_t... I>
__device__ __forceinline__ C apply_packet(const ContiguousArgs<T, Out, C, Fn, N>& a, const Packet<T, V>* in,
                                          const C* fixed, int e, std::index_sequence<I...>) {
  return a.fn((a.step[I] ? C(in[I].v[e]) : fixed[I])...);
}

// Packets of V elements, then (V > 1) the last n % V elements one by one.
template <int V, class T, class Out, class C, class Fn, std::size_t N>
__global__ void __launch_bounds__(kBlock) contiguous_kernel(const ContiguousArgs<T, Out, C, Fn, N> a) {
  using P = Packet<T, V>;
  constexpr int U = kUnroll<V>;
  C fixed[kSlots<N>];
#pragma unroll
  for (int k = 0; k < int(N); ++k) fixed[k] = a.in[k] ? C(a.in[k][0]) : a.value[k];
  const int64_t packets = a.n / V;
  const int64_t step = int64_t(gridDim.x) * kBlock * U;
  for (int64_t base = int64_t(blockIdx.x) * kBlock * U + threadIdx.x; base < packets; base += step) {
    // All loads, then all stores: in-place ops (out == an input) stay correct.
    P in[U][kSlots<N>];
#pragma unroll
    for (int u = 0; u < U; ++u) {
      const int64_t p = base + int64_t(u) * kBlock;
#pragma unroll
      for (int k = 0; k < int(N); ++k)
        if (p < packets && a.step[k]) in[u][k] = reinterpret_cast<const P*>(a.in[k])[p];
    }
#pragma unroll
    for (int u = 0; u < U; ++u) {
      const int64_t p = base + int64_t(u) * kBlock;
      if (p >= packets) break;
      Packet<Out, V> r;
#pragma unroll
      for (int e = 0; e < V; ++e) r.v[e] = Out(apply_packet(a, in[u], fixed, e, std::make_index_sequence<N>{}));
      reinterpret_cast<Packet<Out, V>*>(a.out)[p] = r;
    }
  }
  if (V > 1 && blockIdx.x == 0) {
    const int64_t i = packets * V + threadIdx.x;  // V - 1 < kBlock elements at most
    if (i < a.n) {
      P one[kSlots<N>];
#pragma unroll
      for (int k = 0; k < int(N); ++k)
        if (a.step[k]) one[k].v[0] = a.in[k][i];
      a.out[i] = Out(apply_packet(a, one, fixed, 0, std::make_index_sequence<N>{}));
    }
  }
}

template <class T, class Out, class C, class Fn, std::size_t N, std::size_t... I>
__device__ __forceinline__ C apply_strided(const StridedArgs<T, Out, C, Fn, N>& a, const int64_t* off,
                                           std::index_sequence<I...>) {
  return a.fn((a.in[I] ? C(a.in[I][off[I + 1]]) : a.value[I])...);
}

template <class T, class Out, class C, class Fn, std::size_t N>
__global__ void __launch_bounds__(kBlock) strided_kernel(const StridedArgs<T, Out, C, Fn, N> a) {
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
    a.out[off[0]] = Out(apply_strided(a, off, std::make_index_sequence<N>{}));
  }
}

// A fold's partial result; `has` is false where a thread or block saw no element.
template <class Acc>
struct Partial {
  Acc value;
  bool has;
};

template <class Acc, class Combine>
struct CombinePartials {
  Combine combine;
  SATCHEL_HD Partial<Acc> operator()(const Partial<Acc>& a, const Partial<Acc>& b) const {
    if (!a.has) return b;
    if (!b.has) return a;
    return {combine(a.value, b.value), true};
  }
};

template <class Acc, class C, class T, class Map, int V, std::size_t N, std::size_t... I>
__device__ __forceinline__ Acc map_packet(const Map& map, const Packet<T, V>* in, int e, std::index_sequence<I...>) {
  return map(Acc(C(in[I].v[e]))...);
}

// The inputs of a reduction (a plain array: std::array is host code for nvcc).
template <class T, std::size_t N>
struct Inputs {
  const T* p[N];
};

// Pass one: block b folds its threads' strided share of the n elements (packets
// of V, the last n % V one by one) into out[b].
template <int V, class Acc, class C, class T, class Map, class Combine, std::size_t N>
__global__ void __launch_bounds__(kBlock) reduce_kernel(const Map map, const Combine combine,
                                                        const Inputs<T, N> in, const int64_t n,
                                                        Partial<Acc>* out) {
  using P = Packet<T, V>;
  constexpr int U = kUnroll<V>;
  const auto at = [&](const P* packet, int e) {
    return map_packet<Acc, C, T, Map, V, N>(map, packet, e, std::make_index_sequence<N>{});
  };
  const int64_t packets = n / V;
  const int64_t step = int64_t(gridDim.x) * kBlock * U;
  Partial<Acc> mine{Acc(), false};
  for (int64_t base = int64_t(blockIdx.x) * kBlock * U + threadIdx.x; base < packets; base += step) {
    P loaded[U][N];
#pragma unroll
    for (int u = 0; u < U; ++u) {
      const int64_t p = base + int64_t(u) * kBlock;
#pragma unroll
      for (std::size_t k = 0; k < N; ++k)
        if (p < packets) loaded[u][k] = reinterpret_cast<const P*>(in.p[k])[p];
    }
    // base < packets: the first packet exists, so the fold needs no flag inside.
    Acc acc = mine.has ? combine(mine.value, at(loaded[0], 0)) : at(loaded[0], 0);
#pragma unroll
    for (int e = 1; e < V; ++e) acc = combine(acc, at(loaded[0], e));
#pragma unroll
    for (int u = 1; u < U; ++u) {
      if (base + int64_t(u) * kBlock >= packets) break;
#pragma unroll
      for (int e = 0; e < V; ++e) acc = combine(acc, at(loaded[u], e));
    }
    mine = {acc, true};
  }
  if (V > 1 && blockIdx.x == 0) {
    const int64_t i = packets * V + threadIdx.x;  // V - 1 < kBlock elements at most
    if (i < n) {
      P one[N];
#pragma unroll
      for (std::size_t k = 0; k < N; ++k) one[k].v[0] = in.p[k][i];
      const Acc v = at(one, 0);
      mine = {mine.has ? combine(mine.value, v) : v, true};
    }
  }
  using BlockReduce = cub::BlockReduce<Partial<Acc>, kBlock>;
  __shared__ typename BlockReduce::TempStorage temp;
  const Partial<Acc> total = BlockReduce(temp).Reduce(mine, CombinePartials<Acc, Combine>{combine});
  if (threadIdx.x == 0) out[blockIdx.x] = total;
}

// Pass two: one block folds the count partials of pass one into *out.
template <class Acc, class Combine>
__global__ void __launch_bounds__(kBlock) reduce_partials(const Combine combine, const Partial<Acc>* in,
                                                          const int count, Partial<Acc>* out) {
  const CombinePartials<Acc, Combine> op{combine};
  Partial<Acc> mine{Acc(), false};
  for (int i = threadIdx.x; i < count; i += kBlock) mine = op(mine, in[i]);
  using BlockReduce = cub::BlockReduce<Partial<Acc>, kBlock>;
  __shared__ typename BlockReduce::TempStorage temp;
  const Partial<Acc> total = BlockReduce(temp).Reduce(mine, op);
  if (threadIdx.x == 0) *out = total;
}

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
  using Out = typename TensorT::value_type;
  using T = typename InputElement<Out, In...>::type;
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
    map_into<C>(fn, out, inputs.detached([](const DeviceTensor<T>& t) { return Copies<T>::contiguous(t); })...);
    return;
  }
  const cudaStream_t stream = current_stream();
  if (out.numel() == 0) return;

  Layout<N + 1> layout;
  layout.add(0, reinterpret_cast<char*>(out.data()), out.sizes(), out.strides(), sizeof(Out), shape);
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
  const int64_t out_item = sizeof(Out);
  const int nd = layout.sizes.size();
  bool contiguous = nd == 1 && layout.strides[0][0] == out_item;
  for (std::size_t j = 1; j <= N; ++j)
    contiguous = contiguous && (layout.strides[j][0] == 0 || layout.strides[j][0] == item);
  if (contiguous) {
    detail::ContiguousArgs<T, Out, C, Fn, N> a{fn};
    a.out = reinterpret_cast<Out*>(layout.base[0]);
    for (int j = 0; j < int(N); ++j) {
      a.in[j] = in_ptr[j];
      a.step[j] = in_ptr[j] && layout.strides[j + 1][0] == item;
      a.value[j] = value[j];
    }
    a.n = layout.numel;
    bool aligned = detail::aligned16(a.out);
    for (int j = 0; j < int(N); ++j) aligned = aligned && (!a.step[j] || detail::aligned16(a.in[j]));
    constexpr int V = std::min(detail::kVector<T>, detail::kVector<Out>);  // packets of both fit 16 bytes
    if (aligned && V > 1)
      detail::contiguous_kernel<V><<<detail::grid_for(a.n, V * detail::kUnroll<V>), detail::kBlock, 0, stream>>>(a);
    else
      detail::contiguous_kernel<1><<<detail::grid_for(a.n, detail::kUnroll<1>), detail::kBlock, 0, stream>>>(a);
  } else {
    detail::StridedArgs<T, Out, C, Fn, N> a{fn};
    a.out = reinterpret_cast<Out*>(layout.base[0]);
    for (int j = 0; j < int(N); ++j) {
      a.in[j] = in_ptr[j];
      a.value[j] = value[j];
    }
    a.n = layout.numel;
    a.nd = nd;
    for (int d = 0; d < nd; ++d) {
      a.sizes[d] = layout.sizes[d];
      for (std::size_t j = 0; j <= N; ++j) a.strides[j][d] = layout.strides[j][d] / (j ? item : out_item);
    }
    detail::strided_kernel<T, Out, C, Fn, N><<<detail::grid_for(a.n, 1), detail::kBlock, 0, stream>>>(a);
  }
  detail::check_launch<Fn>();
}

// A new device tensor holding fn(inputs...) over the inputs' broadcast shape,
// laid out by result_layout (so that a transposed x.t() + y.t() reads and writes
// coalesced).
template <class C, class TensorT, class Fn, class First, class... Rest>
TensorT map(const Fn& fn, const First& first, const Rest&... rest) {
  const ResultLayout layout = result_layout(first, rest...);
  TensorT out = empty<TensorT>(layout.sizes, layout.strides);
  map_into<C>(fn, out, first, rest...);
  return out;
}

// combine(map(elements)...) folded in Acc over tensors of one shape; as reduce.h
// on the CPU, an init is folded in once and without one the tensor must not be
// empty. Strided inputs are first copied to contiguous memory. The order of the
// fold depends on the device's size, not on the run. Waits for the result.
template <class Acc, class C, class Map, class Combine, class TensorT, class... More>
Acc reduce(const char* op, const Map& map, const Combine& combine, std::optional<Acc> init, const TensorT& first,
           const More&... more) {
  using T = typename TensorT::value_type;
  using Partial = detail::Partial<Acc>;
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
  detail::Inputs<T, N> in;
  bool aligned = true;
  for (std::size_t k = 0; k < N; ++k) {
    in.p[k] = held[k].data();
    aligned = aligned && detail::aligned16(in.p[k]);
  }
  constexpr int V = detail::kVector<T>;
  const bool vector = aligned && V > 1;
  const unsigned blocks = vector ? detail::grid_for(n, V * detail::kUnroll<V>) : detail::grid_for(n, detail::kUnroll<1>);
  const Storage temp = allocate_device((blocks + 1) * sizeof(Partial));
  Partial* partials = static_cast<Partial*>(temp.data());
  if (vector)
    detail::reduce_kernel<V, Acc, C><<<blocks, detail::kBlock, 0, stream>>>(map, combine, in, n, partials);
  else
    detail::reduce_kernel<1, Acc, C><<<blocks, detail::kBlock, 0, stream>>>(map, combine, in, n, partials);
  detail::check_launch<Map>();
  Partial* result = partials;
  if (blocks > 1) {
    result = partials + blocks;
    detail::reduce_partials<Acc><<<1, detail::kBlock, 0, stream>>>(combine, partials, int(blocks), result);
    detail::check_launch<Combine>();
  }
  Partial* total = detail::pinned_result<Partial>();
  check(cudaMemcpyAsync(total, result, sizeof(Partial), cudaMemcpyDeviceToHost, stream),
        "cudaMemcpyAsync (device to host)");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return init ? combine(*init, total->value) : total->value;
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
