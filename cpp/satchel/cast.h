// Element conversions between dtypes, defined for every value: floats convert to
// integers by truncation toward zero, saturating at the integer's range, NaN
// giving 0; integers wrap around modulo 2^bits, as C++ casts them; anything
// nonzero is true.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "dtype.h"

namespace satchel {

template <class To, class From>
SATCHEL_HD To convert(From v) {
  using F = compute_t<From>;
  const F x = F(v);
  if constexpr (std::is_same_v<To, bool>) {
    return x != F(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<F>) {
    // The range by bits, not numeric_limits, whose functions device code may not call.
    constexpr To lowest = std::is_signed_v<To> ? To(uint64_t(1) << (8 * sizeof(To) - 1)) : To(0);
    constexpr To highest = To(~lowest);
    if (x != x) return To(0);
    if (x <= F(lowest)) return lowest;
    if (x >= F(highest)) return highest;
    return To(x);
  } else if constexpr (std::is_same_v<To, half>) {
    if constexpr (std::is_same_v<F, double>) return half(x);  // rounded once
    else return half(float(x));
  } else {
    return To(x);
  }
}

// A run of n elements converted as To(in[i]) does, through the element type's
// block conversions where it has them (half.h's widen and narrow: one
// instruction per 8 or 16 elements with F16C, where one by one would keep loops scalar).
template <class From, class To>
void convert_run(const From* in, To* out, int64_t n) {
  if constexpr (requires { widen(in, out, n); }) widen(in, out, n);
  else if constexpr (requires { narrow(in, out, n); }) narrow(in, out, n);
  else for (int64_t i = 0; i < n; ++i) out[i] = To(in[i]);
}

}  // namespace satchel
