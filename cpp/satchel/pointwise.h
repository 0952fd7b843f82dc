// Elementwise kernels on the CPU: out[i] = fn(inputs[i]...), with broadcasting.
// `fn` is a functor generated from the spec's pointwise body; it takes the unit's
// compute type C. The inputs (tensors or numbers) have one element type T; out's
// element type O is T or, for an op whose result is another unit's (comparisons
// give bool), that unit's.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "gil.h"
#include "cast.h"
#include "half.h"
#include "iter.h"
#include "math.h"
#include "operand.h"
#include "tensor.h"

namespace satchel {

namespace detail {

// A functor whose body has a form over SIMD registers (its static `lanes`
// accepts the register of C: math.h's register_t) runs contiguous runs of its
// one input through math::over_lanes.
template <class Fn, class C>
concept HasLanes = requires(C c, math::register_t<C> v) {
  { Fn::lanes(c) } -> std::same_as<C>;
  { Fn::lanes(v) } -> std::same_as<math::register_t<C>>;
};

template <class Fn, class C>
void lanes_run(const C* in, C* out, int64_t n) {
  math::over_lanes([](auto v) { return Fn::lanes(v); }, in, out, n);
}

// A functor that returns its one input (the generator marks copy_'s body so).
template <class Fn>
concept IsIdentity = requires { typename Fn::identity; };

// One run of the innermost dimension. Inputs whose bit is set in `Broadcast`
// have stride 0 (a scalar or an expanded dimension): they are read once, so the
// loop over the others stays a plain vectorisable loop; with every input so (or
// none, as fill_), the run is one value. A copy between tensors of one type
// moves bytes. Half elements, whose one-by-one conversions would keep a loop
// scalar, go through float in blocks.
template <class O, class T, class C, unsigned Broadcast, class Fn, std::size_t... I>
void contiguous_run(const Fn& fn, O* out, [[maybe_unused]] const std::array<const T*, sizeof...(I)>& in, int64_t n,
                    std::index_sequence<I...>) {
  const std::array<C, sizeof...(I)> fixed{C(in[I][0])...};
  constexpr bool lanes = HasLanes<Fn, C> && sizeof...(I) == 1 && Broadcast == 0;
  if constexpr (Broadcast == (1u << sizeof...(I)) - 1) {
    std::fill_n(out, n, O(fn(fixed[I]...)));
  } else if constexpr (IsIdentity<Fn> && std::is_same_v<T, O>) {
    // An input that overlaps out, other than as out itself, was copied first.
    if (out != in[0]) std::memcpy(out, in[0], std::size_t(n) * sizeof(O));
  } else if constexpr (is_storage_only<T> || is_storage_only<O>) {
    using R = decltype(fn(C(in[I][0])...));
    constexpr int64_t kBlock = 256;
    [[maybe_unused]] C staged[sizeof...(I) ? sizeof...(I) : 1][kBlock];
    R result[kBlock];
    for (int64_t b = 0; b < n; b += kBlock) {
      const int64_t m = std::min(kBlock, n - b);
      ((Broadcast >> I & 1u ? void() : convert_run(in[I] + b, staged[I], m)), ...);
      if constexpr (lanes)
        lanes_run<Fn>(staged[0], result, m);
      else
        for (int64_t i = 0; i < m; ++i) result[i] = fn((Broadcast >> I & 1u ? fixed[I] : staged[I][i])...);
      convert_run(result, out + b, m);
    }
  } else if constexpr (lanes && std::is_same_v<T, C> && std::is_same_v<O, C>) {
    lanes_run<Fn>(in[0], out, n);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = O(fn((Broadcast >> I & 1u ? fixed[I] : C(in[I][i]))...));
  }
}

template <class O, class T, class C, class Fn, std::size_t... I>
void strided_run(const Fn& fn, char* out, int64_t out_stride, [[maybe_unused]] std::array<const char*, sizeof...(I)> in,
                 const std::array<int64_t, sizeof...(I)>& stride, int64_t n, std::index_sequence<I...>) {
  for (int64_t i = 0; i < n; ++i) {
    *reinterpret_cast<O*>(out) = O(fn(C(*reinterpret_cast<const T*>(in[I]))...));
    out += out_stride;
    ((in[I] += stride[I]), ...);
  }
}

template <class O, class T, class C, unsigned Mask, class Fn, std::size_t... I>
bool try_contiguous(unsigned mask, const Fn& fn, O* out, const std::array<const T*, sizeof...(I)>& in,
                    int64_t n, std::index_sequence<I...> seq) {
  if (mask != Mask) return false;
  contiguous_run<O, T, C, Mask>(fn, out, in, n, seq);
  return true;
}

template <class O, class T, class C, class Fn, std::size_t... I, unsigned... M>
void dispatch_contiguous(unsigned mask, const Fn& fn, O* out, const std::array<const T*, sizeof...(I)>& in,
                         int64_t n, std::index_sequence<I...> seq, std::integer_sequence<unsigned, M...>) {
  (try_contiguous<O, T, C, M>(mask, fn, out, in, n, seq) || ...);
}

template <class O, class T, class C, class Fn, std::size_t N>
void run_segment(const Fn& fn, char* const* ptr, const int64_t* stride, int64_t n) {
  constexpr int64_t item = sizeof(T);
  std::array<const T*, N> in;
  std::array<const char*, N> in_bytes;
  std::array<int64_t, N> in_stride;
  bool unit = stride[0] == int64_t(sizeof(O));
  unsigned mask = 0;
  for (std::size_t k = 0; k < N; ++k) {
    in[k] = reinterpret_cast<const T*>(ptr[k + 1]);
    in_bytes[k] = ptr[k + 1];
    in_stride[k] = stride[k + 1];
    if (stride[k + 1] == 0) mask |= 1u << k;
    else unit = unit && stride[k + 1] == item;
  }
  if (unit)
    dispatch_contiguous<O, T, C>(mask, fn, reinterpret_cast<O*>(ptr[0]), in, n, std::make_index_sequence<N>{},
                                 std::make_integer_sequence<unsigned, (1u << N)>{});
  else
    strided_run<O, T, C>(fn, ptr[0], stride[0], in_bytes, in_stride, n, std::make_index_sequence<N>{});
}

struct Identity {
  using identity = std::true_type;
  template <class V>
  V operator()(V v) const {
    return v;
  }
};

}  // namespace detail

template <class C, class TensorT, class Fn, class... In>
void map_into(const Fn& fn, const TensorT& out, const In&... inputs);

// A contiguous copy of t.
template <class TensorT>
TensorT contiguous_copy(const TensorT& t) {
  using T = typename TensorT::value_type;
  TensorT c = TensorT::empty(t.sizes());
  map_into<T>(detail::Identity{}, c, Operand<TensorT>(t));
  return c;
}

// Writes fn(inputs...) into out; inputs broadcast to out's shape. An input that
// overlaps out without being exactly out is copied first, so in-place updates
// never read what they already wrote; an out that holds one address twice
// (expanded) is refused, as its result would depend on the order of writes.
template <class C, class TensorT, class Fn, class... In>
void map_into(const Fn& fn, const TensorT& out, const In&... inputs) {
  using O = typename TensorT::value_type;
  using T = typename InputElement<O, In...>::type;
  constexpr std::size_t N = sizeof...(In);
  const Dims& shape = out.sizes();
  const bool same_shape = ((inputs.is_scalar() || inputs.sizes() == shape) && ...);
  if constexpr (N > 0) {
    std::array<const Dims*, N + 1> shapes{&shape, &inputs.sizes()...};
    if (!same_shape && broadcast_shapes(shapes) != shape) {
      std::string msg = "cannot write a result of broadcast shape";
      std::array<const Dims*, N> in_shapes{&inputs.sizes()...};
      msg += " " + to_string(broadcast_shapes(in_shapes)) + " into a tensor of shape " + to_string(shape);
      throw std::invalid_argument(msg);
    }
  }
  if (!out.is_contiguous()) overlap::check_writable(out);  // (a contiguous tensor never repeats an address)
  if ((inputs.overlaps_differently(out) || ...)) {
    map_into<C>(fn, out, inputs.detached(contiguous_copy<typename In::tensor_type>)...);
    return;
  }
  if (out.numel() == 0) return;
  [[maybe_unused]] const auto bytes = [](const auto& input) {  // unused by fill, which has no inputs
    return const_cast<char*>(reinterpret_cast<const char*>(input.data()));
  };
  const auto run = [&fn](char* const* p, const int64_t* s, int64_t n) { detail::run_segment<O, T, C, Fn, N>(fn, p, s, n); };
  if (same_shape && out.is_contiguous() && ((inputs.is_scalar() || inputs.tensor().is_contiguous()) && ...)) {
    // One flat run (numbers step 0): no layout to build, which small tensors notice.
    const std::array<char*, N + 1> base{reinterpret_cast<char*>(out.data()), bytes(inputs)...};
    const std::array<int64_t, N + 1> step{int64_t(sizeof(O)), (inputs.is_scalar() ? int64_t(0) : int64_t(sizeof(T)))...};
    const int64_t n = out.numel();
    ReleaseGil unlocked(n);
    parallel_chunks(n, worker_count(n), [&](int64_t b, int64_t e, int) {
      std::array<char*, N + 1> p;
      for (std::size_t k = 0; k <= N; ++k) p[k] = base[k] + b * step[k];
      run(p.data(), step.data(), e - b);
    });
    return;
  }
  Layout layout(N + 1);
  layout.add(0, reinterpret_cast<char*>(out.data()), out.sizes(), out.strides(), sizeof(O), shape);
  int k = 1;
  (layout.add(k++, bytes(inputs), inputs.sizes(), inputs.strides(), sizeof(T), shape), ...);
  layout.collapse(shape);
  ReleaseGil unlocked(layout.numel);
  const std::array<int64_t, N + 1> itemsize{int64_t(sizeof(O)), (void(inputs), int64_t(sizeof(T)))...};
  const int64_t width = layout.tile_width(itemsize.data());
  parallel_units(layout, width, worker_count(layout.numel),
                 [&](int64_t b, int64_t e, int) { layout.walk(width, b, e, run); });
}

// A new tensor (of class TensorT, maybe another unit's) holding fn(inputs...)
// over the inputs' broadcast shape, laid out by result_layout.
template <class C, class TensorT, class Fn, class First, class... Rest>
TensorT map(const Fn& fn, const First& first, const Rest&... rest) {
  const ResultLayout layout = result_layout(first, rest...);
  TensorT out = TensorT::empty(layout.sizes, layout.strides);
  map_into<C>(fn, out, first, rest...);
  return out;
}

}  // namespace satchel
