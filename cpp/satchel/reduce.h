// Reductions of whole tensors to one number: combine(map(elements)...) folded in
// the accumulator type Acc. `combine` must be associative with `init` as its
// identity; without an init the first element seeds every partial result, which
// is right for idempotent combines (min, max).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gil.h"
#include "cast.h"
#include "iter.h"
#include "narrow.h"
#include "tensor.h"

namespace satchel {

namespace detail {

// Independent lanes let the compiler vectorise a fold it may not reorder; 32
// of them keep enough additions in flight to stream from memory (8 were half as
// fast on maxall).
inline constexpr int kLanes = 32;
// Folds that widen (float to double) run too slowly per byte for the hardware
// prefetcher to keep ahead of them, so they prefetch. 1 KiB ahead is as fast as
// 4 KiB on 10^8 floats and wastes less at the end of each run: sumall(x[::2]) on
// 2000x2000 floats takes 170 us against 240 us with 4 KiB.
inline constexpr int kPrefetchBytes = 1024;

// Element i of a run as Acc, through C. Bools are read as bytes compared with 0:
// the compiler does not vectorise conversions from bool.
template <class Acc, class C, class T>
[[gnu::always_inline]] inline Acc element(const T* p, int64_t i) {
  if constexpr (std::is_same_v<T, bool>) return Acc(reinterpret_cast<const uint8_t*>(p)[i] != 0);
  else return Acc(C(p[i]));
}

template <class Acc, class C, class T, class Map, class Combine, std::size_t... I>
Acc fold_run(const Map& map, const Combine& combine, Acc seed, char* const* ptr, const int64_t* stride, int64_t n,
             std::index_sequence<I...>) {
  constexpr int64_t item = sizeof(T);
  const bool contiguous = n >= kLanes && ((stride[I] == item) && ...);  // shorter runs: the plain fold below
  if constexpr (is_storage_only<T>) {  // through compute_t<T> in blocks, so that the fold vectorises
    if (contiguous) {
      constexpr int64_t kBlock = 1024;
      using S = compute_t<T>;
      S staged[sizeof...(I)][kBlock];
      constexpr std::array<int64_t, sizeof...(I)> unit{(void(I), int64_t(sizeof(S)))...};
      Acc acc = seed;
      for (int64_t b = 0; b < n; b += kBlock) {
        const int64_t m = std::min(kBlock, n - b);
        (convert_run(reinterpret_cast<const T*>(ptr[I]) + b, staged[I], m), ...);
        char* const block[] = {reinterpret_cast<char*>(staged[I])...};
        acc = combine(acc, fold_run<Acc, C, S>(map, combine, seed, block, unit.data(), m, std::index_sequence<I...>{}));
      }
      return acc;
    }
  }
  if constexpr (constexpr int64_t block = kNarrowBlock<T, Acc, Map, Combine>; block > 0) {
    if (contiguous) {
      using Lane = std::conditional_t<std::is_signed_v<Acc>, int32_t, uint32_t>;
      const std::array<const T*, sizeof...(I)> p{reinterpret_cast<const T*>(ptr[I])...};
      Acc acc = seed;
      for (int64_t b = 0; b < n; b += block) {
        const int64_t e = std::min(n, b + block);
        Lane lane[2 * kLanes] = {};
        int64_t i = b;
        for (; i + 2 * kLanes <= e; i += 2 * kLanes)
          for (int j = 0; j < 2 * kLanes; ++j) lane[j] += Lane(map(element<Acc, C>(p[I], i + j)...));
        for (; i < e; ++i) lane[0] += Lane(map(element<Acc, C>(p[I], i)...));
        for (const Lane l : lane) acc = combine(acc, Acc(l));
      }
      return acc;
    }
  }
  if (contiguous) {
    const std::array<const T*, sizeof...(I)> p{reinterpret_cast<const T*>(ptr[I])...};
    // Bools fold in bytes: GCC does not vectorise arrays of bool. Narrow lanes
    // come in 128 bytes, four registers, so that folds whose step is slower than
    // an addition (a compare and a masked move for bools) still keep up.
    using Lane = std::conditional_t<std::is_same_v<Acc, bool>, uint8_t, Acc>;
    constexpr int lanes = std::max<int>(kLanes, 128 / sizeof(Lane));
    Lane lane[lanes];
    for (Lane& l : lane) l = seed;
    const auto step = [&](int64_t i) {
      for (int j = 0; j < lanes; ++j) lane[j] = combine(Acc(lane[j]), map(element<Acc, C>(p[I], i + j)...));
    };
    int64_t i = 0;
    // Prefetching stops short of the run's end: past it may lie memory the
    // tensor skips (the other rows of x[::2]), which would cost bandwidth.
    for (constexpr int64_t ahead = kPrefetchBytes / int64_t(sizeof(T)); i + lanes + ahead <= n; i += lanes) {
      for (int c = 0; c < lanes * int(sizeof(T)); c += 64)
        (__builtin_prefetch(reinterpret_cast<const char*>(p[I] + i) + kPrefetchBytes + c), ...);
      step(i);
    }
    for (; i + lanes <= n; i += lanes) step(i);
    for (; i < n; ++i) lane[0] = combine(lane[0], map(element<Acc, C>(p[I], i)...));
    for (int w = lanes / 2; w > 0; w /= 2)
      for (int j = 0; j < w; ++j) lane[j] = combine(lane[j], lane[j + w]);
    return lane[0];
  }
  std::array<const char*, sizeof...(I)> q{ptr[I]...};
  Acc acc = seed;
  for (int64_t i = 0; i < n; ++i) {
    acc = combine(acc, map(Acc(C(*reinterpret_cast<const T*>(q[I])))...));
    ((q[I] += stride[I]), ...);
  }
  return acc;
}

}  // namespace detail

template <class Acc, class C, class Map, class Combine, class TensorT, class... More>
Acc reduce(const char* op, const Map& map, const Combine& combine, std::optional<Acc> init,
           const TensorT& first, const More&... more) {
  using T = typename TensorT::value_type;
  constexpr std::size_t N = 1 + sizeof...(More);
  if (((more.sizes() != first.sizes()) || ...)) {
    std::string msg = std::string(op) + ": tensors must have the same shape, got " + to_string(first.sizes());
    ((msg += " and " + to_string(more.sizes())), ...);
    throw std::invalid_argument(msg);
  }
  if (first.numel() == 0) {
    if (init) return *init;
    throw std::invalid_argument(std::string(op) + ": the tensor is empty, so it has no result");
  }
  const Acc seed = init ? *init : map(Acc(C(*first.data())), Acc(C(*more.data()))...);
  const Dims& shape = first.sizes();
  Layout layout(N);
  int k = 0;
  layout.add(k++, reinterpret_cast<char*>(first.data()), first.sizes(), first.strides(), sizeof(T), shape);
  (layout.add(k++, reinterpret_cast<char*>(more.data()), more.sizes(), more.strides(), sizeof(T), shape), ...);
  layout.collapse(shape);
  ReleaseGil unlocked(layout.numel);
  const int workers = worker_count(layout.numel);
  std::vector<Acc> partial(workers, seed);
  std::array<int64_t, N> itemsize;
  itemsize.fill(sizeof(T));
  const int64_t width = layout.tile_width(itemsize.data());  // dot(x.T, y): in tiles, as pointwise ops
  parallel_units(layout, width, workers, [&](int64_t b, int64_t e, int w) {
    Acc acc = seed;
    layout.walk(width, b, e, [&](char* const* p, const int64_t* s, int64_t n) {
      acc = combine(acc, detail::fold_run<Acc, C, T>(map, combine, seed, p, s, n, std::make_index_sequence<N>{}));
    });
    partial[w] = acc;
  });
  Acc result = seed;
  for (const Acc& p : partial) result = combine(result, p);
  return result;
}

}  // namespace satchel
