// Sums of narrow integers in 32-bit lanes: a fact both devices' reductions use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace satchel::detail {

// For sums of products of narrow integers (the generator tells: Map::product_of,
// Combine::adds), how many elements 32-bit lanes can add up without overflow,
// each term being at most max|T|^product_of; 0 where that is not worth it.
// (On the CPU, dot of int8 adds in 32-bit lanes 3x faster than in 64-bit ones.)
template <class T, class Acc, class Map, class Combine>
constexpr int64_t narrow_block() {
  if constexpr (std::is_integral_v<T> && sizeof(T) <= 2 && std::is_integral_v<Acc> && sizeof(Acc) == 8 &&
                requires { typename Map::product_of; typename Combine::adds; }) {
    const uint64_t top = std::max<uint64_t>(uint64_t(std::numeric_limits<T>::max()),
                                            uint64_t(-int64_t(std::numeric_limits<T>::min())));
    uint64_t term = 1;
    for (int k = 0; k < Map::product_of::value; ++k) term *= std::max<uint64_t>(top, 1);
    const uint64_t room = uint64_t(std::is_signed_v<Acc> ? std::numeric_limits<int32_t>::max()
                                                          : std::numeric_limits<uint32_t>::max()) / term;
    int64_t block = 1 << 20;  // a power of two, so that whole blocks are whole steps of the lanes
    while (block > 0 && uint64_t(block) > room) block /= 2;
    return block >= 1024 ? block : 0;
  }
  return 0;
}

// The same as a constant, which device code may read (it may not call host functions).
template <class T, class Acc, class Map, class Combine>
inline constexpr int64_t kNarrowBlock = narrow_block<T, Acc, Map, Combine>();

}  // namespace satchel::detail
