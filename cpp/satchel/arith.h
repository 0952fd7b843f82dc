// Arithmetic that the spec's pointwise bodies call beyond + - * /: Python's floor
// division and remainder, C's fmod, exact integer powers, gcd and lcm, shifts,
// signs, rounding, clamping. Written once for every element type and device.
// Integers never trap: every case C leaves undefined (a zero divisor, the most
// negative value divided by -1, a shift past the width) has a defined result,
// and integer arithmetic wraps around modulo 2^bits.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "math.h"

namespace satchel::math {

namespace detail {

// An unsigned type at least as wide as T and as int, so that products of two
// wrap (modulo its width, which keeps them modulo T's) without integer promotion
// turning them into signed overflow.
template <class T>
using wide_unsigned_t = std::conditional_t<sizeof(T) <= 4, uint32_t, uint64_t>;

// a - q * b, wrapping around (in unsigned arithmetic, which is defined to).
template <class T>
SATCHEL_HD T sub_mul(T a, T q, T b) {
  using W = wide_unsigned_t<T>;
  return T(W(a) - W(q) * W(b));
}

// |x| as an unsigned number: the most negative value's magnitude too.
template <class T>
SATCHEL_HD std::make_unsigned_t<T> magnitude(T x) {
  using U = std::make_unsigned_t<T>;
  if constexpr (std::is_signed_v<T>) return x < 0 ? U(U(0) - U(x)) : U(x);
  else return x;
}

}  // namespace detail

// Python's a // b: the floor of the quotient. Floats as NumPy's npy_divmod (the
// floor of (a - fmod(a, b)) / b, so it agrees with remainder; a / b for b == 0:
// inf or NaN); integers give 0 for b == 0, and the most negative value // -1
// wraps to itself, as NumPy's.
template <detail::Element T>
SATCHEL_HD T floor_divide(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (b == T(0)) return a / b;
    const T mod = std::fmod(a, b);
    T div = (a - mod) / b;
    if (mod != T(0) && ((b < T(0)) != (mod < T(0)))) div -= T(1);
    if (div == T(0)) return std::copysign(T(0), a / b);
    const T down = std::floor(div);
    return div - down > T(0.5) ? down + T(1) : down;
  } else if constexpr (std::is_signed_v<T>) {
    const T q = T(divide(a, b));
    const T r = detail::sub_mul(a, q, b);
    return (b != 0 && r != 0 && (r < 0) != (b < 0)) ? T(q - 1) : q;
  } else {
    return T(divide(a, b));
  }
}

// Python's a % b: the sign of b. Floats as NumPy's (NaN for b == 0, a zero
// result with b's sign); integers give 0 for b == 0, as NumPy's.
template <detail::Element T>
SATCHEL_HD T remainder(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T mod = std::fmod(a, b);
    if (b == T(0)) return mod;
    if (mod != T(0)) return (b < T(0)) != (mod < T(0)) ? mod + b : mod;
    return std::copysign(T(0), b);
  } else {
    return b == T(0) ? T(0) : detail::sub_mul(a, floor_divide(a, b), b);
  }
}

// C's fmod: the sign of a (truncated division); integers give 0 for b == 0.
template <detail::Element T>
SATCHEL_HD T fmod(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return std::fmod(a, b);
  else return b == T(0) ? T(0) : detail::sub_mul(a, T(divide(a, b)), b);
}

// a to the power b. Floats as C's pow (IEEE special cases). Integers exactly,
// wrapping around, by repeated squaring; a negative exponent gives what 1 / a^-b
// truncated toward zero is: 1 for a == 1, +-1 for a == -1, else 0 (a == 0 too,
// as a zero divisor gives 0 in div).
template <detail::Element T>
SATCHEL_HD T pow(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::pow(a, b);
  } else {
    if constexpr (std::is_signed_v<T>) {
      if (b < 0) return a == T(1) ? T(1) : a == T(-1) ? T((b & 1) ? -1 : 1) : T(0);
    }
    using W = detail::wide_unsigned_t<T>;
    W result = 1, base = W(a);
    for (auto e = std::make_unsigned_t<T>(b); e; e >>= 1) {
      if (e & 1u) result *= base;
      base *= base;
    }
    return T(result);
  }
}

// The greatest common divisor of |a| and |b| (0 for two zeros); the most
// negative value's magnitude wraps to itself, as NumPy's gcd gives.
template <detail::Element T>
SATCHEL_HD T gcd(T a, T b) {
  auto x = detail::magnitude(a), y = detail::magnitude(b);
  while (y != 0) {
    const auto t = decltype(x)(x % y);
    x = y;
    y = t;
  }
  return T(x);
}

// |a / gcd(a, b) * b|, wrapping around; 0 when either is 0.
template <detail::Element T>
SATCHEL_HD T lcm(T a, T b) {
  using W = detail::wide_unsigned_t<T>;
  const auto g = detail::magnitude(gcd(a, b));
  return g == 0 ? T(0) : T(W(detail::magnitude(a) / g) * W(detail::magnitude(b)));
}

// Shifts as PyTorch defines them where C does not: by a negative amount or by
// the width or more, a left shift gives 0 and a right shift the sign fill (0 or
// -1). Right shifts of signed values are arithmetic.
template <detail::Element T>
SATCHEL_HD T shift_left(T a, T b) {
  constexpr int bits = 8 * sizeof(T);
  const bool out = (std::is_signed_v<T> && b < T(0)) || b >= T(bits);
  return out ? T(0) : T(detail::wide_unsigned_t<T>(a) << (int(b) & (bits - 1)));
}

template <detail::Element T>
SATCHEL_HD T shift_right(T a, T b) {
  constexpr int bits = 8 * sizeof(T);
  const bool out = (std::is_signed_v<T> && b < T(0)) || b >= T(bits);
  const T fill = std::is_signed_v<T> && a < T(0) ? T(-1) : T(0);
  return out ? fill : T(a >> (int(b) & (bits - 1)));
}

// ~a, which for a bool is not (C++'s ~true is -2, which is true).
template <detail::Element T>
SATCHEL_HD T bitwise_not(T a) {
  if constexpr (std::is_same_v<T, bool>) return !a;
  else return T(~a);
}

// -1, 0 or 1 as x is negative, zero (either sign) or positive; NaN stays NaN.
template <detail::Element T>
SATCHEL_HD T sign(T x) {
  const T s = T(int(x > T(0)) - int(x < T(0)));
  if constexpr (std::is_floating_point_v<T>) return x != x ? x : s;
  else return s;
}

// Whether the sign bit is set: -0.0 and NaNs with the bit set too, as C's signbit.
template <detail::Element T>
SATCHEL_HD bool signbit(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::signbit(x);
  else if constexpr (std::is_signed_v<T>) return x < T(0);
  else return false;
}

// 0 for x < 0, 1 for x > 0, y at x == 0 (either zero); NaN stays NaN, as NumPy's.
template <detail::Element T>
SATCHEL_HD T heaviside(T x, T y) {
  const T step = x == T(0) ? y : T(x > T(0));
  if constexpr (std::is_floating_point_v<T>) return x != x ? x : step;
  else return step;
}

// x bounded below by lo and above by hi (hi where lo > hi, as PyTorch and
// NumPy); a NaN, of x or of a bound, propagates.
template <class T>
SATCHEL_HD T clamp(T x, T lo, T hi) {
  return minimum(maximum(x, lo), hi);
}

// max and min that ignore a NaN unless both are NaN (C's fmax and fmin).
template <detail::Element T>
SATCHEL_HD T fmax(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) return std::fmax(x, y);
  else return maximum(x, y);
}

template <detail::Element T>
SATCHEL_HD T fmin(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) return std::fmin(x, y);
  else return minimum(x, y);
}

// Rounding to a whole number: integers are whole already, as NumPy's.
// round is to nearest, ties to even (rint in the default rounding mode).
template <detail::Element T>
SATCHEL_HD T ceil(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::ceil(x);
  else return x;
}

template <detail::Element T>
SATCHEL_HD T floor(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::floor(x);
  else return x;
}

template <detail::Element T>
SATCHEL_HD T trunc(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::trunc(x);
  else return x;
}

template <detail::Element T>
SATCHEL_HD T round(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::rint(x);
  else return x;
}

// Classification; an integer is always finite.
template <detail::Element T>
SATCHEL_HD bool is_inf(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::isinf(x);
  else return false;
}

template <detail::Element T>
SATCHEL_HD bool is_finite(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::isfinite(x);
  else return true;
}

}  // namespace satchel::math
