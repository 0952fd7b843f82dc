// Element conversions between dtypes, defined for every value: floats convert to
// integers by truncation toward zero, saturating at the integer's range, NaN
// giving 0; integers wrap around modulo 2^bits, as C++ casts them; anything
// nonzero is true.
#pragma once

#include <limits>
#include <type_traits>

#include "dtype.h"

namespace satchel {

template <class To, class From>
SATCHEL_HD To convert(From v) {
  using F = std::conditional_t<std::is_same_v<From, half>, float, From>;
  const F x = F(v);
  if constexpr (std::is_same_v<To, bool>) {
    return x != F(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<F>) {
    if (x != x) return To(0);
    if (x <= F(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (x >= F(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return To(x);
  } else if constexpr (std::is_same_v<To, half>) {
    if constexpr (std::is_same_v<F, double>) return half(x);  // rounded once
    else return half(float(x));
  } else {
    return To(x);
  }
}

}  // namespace satchel
