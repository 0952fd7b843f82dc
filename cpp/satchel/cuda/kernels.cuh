// The device half of the CUDA runtime, included only by the .cu files of each
// unit (compiled by nvcc): map / map_into (elementwise kernels over the same
// broadcast-and-collapse Layout as the CPU's iter.h), reduce (one kernel: block
// sums by cub::BlockReduce, folded by the block that finishes last), and the
// definitions of Copies<T>; dims.cuh adds reductions along dims, scans and
// positional bodies. The functors they run are the unit's, generated from
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
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <cub/block/block_reduce.cuh>

#include "satchel/dtypes.h"  // generated: the dtypes' facts (a pointwise body's lowest and highest)

#include "../iter.h"
#include "../math.h"
#include "../named.h"
#include "../narrow.h"
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

inline constexpr int kMaxDevices = 64;  // per-device caches below hold this many

inline int current_device() {
  int device = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  if (device >= kMaxDevices) throw Error("satchel supports " + std::to_string(kMaxDevices) + " CUDA devices");
  return device;
}

// Blocks for n elements at per_thread elements a thread, capped at `waves` full
// waves of the current device; kernels loop over the rest (grid-stride).
// Elementwise kernels take four: in one run on an H100, copy_ and add on 2^28
// floats reached 83-85% of its bandwidth with one wave, 85-87% with four (PyTorch
// 88%). Reductions take one, where they reach 88% too, and so leave their last
// block fewer partials to fold.
inline constexpr int kMapWaves = 4;
inline constexpr int kReduceWaves = 1;

inline unsigned grid_for(int64_t n, int per_thread, int waves) {
  static std::atomic<int> sm_count[kMaxDevices];  // reductions run without the GIL: threads share this
  const int device = current_device();
  int sms = sm_count[device].load(std::memory_order_relaxed);
  if (sms == 0) {
    check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
    sm_count[device].store(sms, std::memory_order_relaxed);
  }
  const int64_t per_block = int64_t(kBlock) * per_thread;
  const int64_t wanted = (n + per_block - 1) / per_block;
  const int64_t cap = int64_t(waves) * sms * (2048 / kBlock);
  return unsigned(std::max<int64_t>(1, std::min(wanted, cap)));
}

// Where a reduction's last pass writes its result: pinned host memory, a block
// per thread, which kernels address directly (unified addressing), so no copy
// follows the kernel. A copy into pageable memory is staged by the driver, which
// costs more than reducing a small tensor.
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

// How many blocks of a reduction have finished, one count per host thread and
// device: the block that finishes last folds all the blocks' partials and sets
// the count back to 0. That saves a second kernel launch, which costs more than
// reducing a small tensor. No two reductions share a count: each host thread
// runs its reductions one at a time (reduce waits for each).
inline unsigned* finished_blocks() {
  struct Counts {
    unsigned* p[kMaxDevices] = {};
    ~Counts() {
      for (unsigned* q : p) (void)cudaFree(q);
    }
  };
  thread_local Counts counts;
  unsigned*& count = counts.p[current_device()];
  if (!count) {
    check(cudaMalloc(&count, sizeof(unsigned)), "cudaMalloc (reduction count)");
    check(cudaMemset(count, 0, sizeof(unsigned)), "cudaMemset (reduction count)");
  }
  return count;
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

// Another block's partial, read past this SM's L1 cache, which that block's
// write did not update.
template <class Acc>
__device__ __forceinline__ Partial<Acc> load_partial(const Partial<Acc>* p) {
  const volatile Partial<Acc>* v = p;
  return {v->value, v->has};
}

// Block b folds its threads' strided share of the n elements (packets of V, the
// last n % V one by one) into partials[b]; the block that finishes last folds
// those into *out (a lone block writes *out directly).
template <int V, class Acc, class C, class T, class Map, class Combine, std::size_t N>
__global__ void __launch_bounds__(kBlock) reduce_kernel(const Map map, const Combine combine,
                                                        const Inputs<T, N> in, const int64_t n,
                                                        Partial<Acc>* partials, unsigned* finished,
                                                        Partial<Acc>* out) {
  using P = Packet<T, V>;
  constexpr int U = kUnroll<V>;
  // Sums of narrow integers add each step's terms in 32 bits, as reduce.h does,
  // and only the step's total in Acc (on an H100, 2^28 int8: sumall 129 -> 123 us,
  // dot 201 -> 193 us).
  constexpr bool kNarrow = ::satchel::detail::kNarrowBlock<T, Acc, Map, Combine> >= U * V;
  using Lane = std::conditional_t<std::is_signed_v<Acc>, int32_t, uint32_t>;
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
    if constexpr (kNarrow) {  // the U * V terms in a 32-bit lane, then one wide addition
      Lane lane = 0;
#pragma unroll
      for (int u = 0; u < U; ++u) {
        if (base + int64_t(u) * kBlock >= packets) break;
#pragma unroll
        for (int e = 0; e < V; ++e) lane += Lane(at(loaded[u], e));
      }
      mine = {mine.has ? combine(mine.value, Acc(lane)) : Acc(lane), true};
    } else {
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
  const CombinePartials<Acc, Combine> op{combine};
  const Partial<Acc> total = BlockReduce(temp).Reduce(mine, op);
  if (gridDim.x == 1) {
    if (threadIdx.x == 0) *out = total;
    return;
  }
  __shared__ bool last;
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = total;
    __threadfence();  // the partial is visible to every block before the count is
    last = atomicAdd(finished, 1u) == gridDim.x - 1;
  }
  __syncthreads();  // also frees temp for the fold below
  if (!last) return;
  Partial<Acc> folded{Acc(), false};
  for (unsigned b = threadIdx.x; b < gridDim.x; b += kBlock) folded = op(folded, load_partial(partials + b));
  const Partial<Acc> result = BlockReduce(temp).Reduce(folded, op);
  if (threadIdx.x == 0) {
    *out = result;
    *finished = 0;
  }
}

template <class TensorT>
TensorT contiguous_or_self(const TensorT& t) {
  return t.is_contiguous() ? t : Copies<typename TensorT::value_type>::contiguous(t);
}

}  // namespace detail

template <class C, class TensorT, class Fn, class... In>
void map_into(const Fn& fn, const TensorT& out, const In&... inputs);

// Writes fn(inputs...) into out; inputs (tensors or numbers) broadcast to out's
// shape. An input overlapping out without being exactly out is copied first;
// an out holding one address twice (expanded) is refused.
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
  if (!out.is_contiguous()) overlap::check_writable(out);  // (a contiguous tensor never repeats an address)
  if ((inputs.overlaps_differently(out) || ...)) {
    map_into<C>(fn, out, inputs.detached([](const DeviceTensor<T>& t) { return Copies<T>::contiguous(t); })...);
    return;
  }
  const cudaStream_t stream = current_stream();
  if (out.numel() == 0) return;

  Layout layout(N + 1);
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
    if (aligned && V > 1) {
      const unsigned grid = detail::grid_for(a.n, V * detail::kUnroll<V>, detail::kMapWaves);
      detail::contiguous_kernel<V><<<grid, detail::kBlock, 0, stream>>>(a);
    } else {
      const unsigned grid = detail::grid_for(a.n, detail::kUnroll<1>, detail::kMapWaves);
      detail::contiguous_kernel<1><<<grid, detail::kBlock, 0, stream>>>(a);
    }
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
    const unsigned grid = detail::grid_for(a.n, 1, detail::kMapWaves);
    detail::strided_kernel<T, Out, C, Fn, N><<<grid, detail::kBlock, 0, stream>>>(a);
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
  const int per_thread = vector ? V * detail::kUnroll<V> : detail::kUnroll<1>;
  const unsigned blocks = detail::grid_for(n, per_thread, detail::kReduceWaves);
  Partial* const total = detail::pinned_result<Partial>();
  const Storage temp = blocks > 1 ? allocate_device(blocks * sizeof(Partial)) : Storage{};
  Partial* const partials = static_cast<Partial*>(temp.data());
  unsigned* const finished = blocks > 1 ? detail::finished_blocks() : nullptr;
  if (vector)
    detail::reduce_kernel<V, Acc, C>
        <<<blocks, detail::kBlock, 0, stream>>>(map, combine, in, n, partials, finished, total);
  else
    detail::reduce_kernel<1, Acc, C>
        <<<blocks, detail::kBlock, 0, stream>>>(map, combine, in, n, partials, finished, total);
  detail::check_launch<Map>();
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

// Reductions along dims, scans and positional bodies, over the kernels above.
#include "dims.cuh"
