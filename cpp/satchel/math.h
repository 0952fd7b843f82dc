// Functions that the spec's pointwise and reduction bodies call. Each is written
// once for every element type (integers, floats, bool) and every device.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "config.h"

namespace satchel::math {

namespace detail {

// y * 2^n for integral n in twice F's exponent range, one normal factor at a time
// so that neither overflows before y shrinks it nor rounds twice in the
// subnormal range.
template <class F>
F scale2(F y, F n) {
  using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  using Int = std::make_signed_t<Bits>;
  constexpr int mantissa = std::numeric_limits<F>::digits - 1;
  constexpr Int bias = std::numeric_limits<F>::max_exponent - 1;
  const Int a = Int(n) / 2;
  const Int b = Int(n) - a;
  return y * std::bit_cast<F>(Bits(a + bias) << mantissa) * std::bit_cast<F>(Bits(b + bias) << mantissa);
}

// e^x in float, branch-free so that loops over it vectorise (libm's expf is an
// opaque call): x = n ln2 + r with |r| <= ln2/2, e^r by Cephes' polynomial
// (error within 1 ulp), then scaled by 2^n.
inline float expf_vectorisable(float x) {
  const float hi = 88.7228394f;   // e^hi is the largest float
  const float lo = -103.972084f;  // e^lo rounds to 0
  const float xc = x < lo ? lo : (x > hi ? hi : x);
  const float shift = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float n = (xc * 1.44269504088896341f + shift) - shift;
  float r = std::fma(n, -0.693359375f, xc);
  r = std::fma(n, 2.12194440e-4f, r);
  float p = 1.9875691500e-4f;
  p = std::fma(p, r, 1.3981999507e-3f);
  p = std::fma(p, r, 8.3334519073e-3f);
  p = std::fma(p, r, 4.1665795894e-2f);
  p = std::fma(p, r, 1.6666665459e-1f);
  p = std::fma(p, r, 5.0000001201e-1f);
  const float er = std::fma(p, r * r, r) + 1.0f;
  const float y = scale2(er, n);
  const float clamped = x > hi ? std::numeric_limits<float>::infinity() : (x < lo ? 0.0f : y);
  return x != x ? x : clamped;
}

// e^x in double, branch-free like expf_vectorisable: x = n ln2 + r with
// |r| <= ln2/2 (ln2 in two parts), e^r by its Taylor polynomial of degree 13
// (truncation error below 10^-17; no division, which costs more than all the
// multiplications), then scaled by 2^n.
inline double exp_vectorisable(double x) {
  const double hi = 709.782712893383973;   // e^hi is the largest double
  const double lo = -745.133219101941108;  // e^lo rounds to the smallest subnormal
  const double xc = x < lo ? lo : (x > hi ? hi : x);
  const double shift = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  const double n = (xc * 1.4426950408889634073599 + shift) - shift;
  double r = std::fma(n, -6.93147180369123816490e-1, xc);  // ln2's high part: n * it is exact
  r = std::fma(n, -1.90821492927058770002e-10, r);
  double p = 1.0 / 6227020800;  // 1/13!, then Horner down to 1/0! (written out: a loop here stays scalar)
  p = std::fma(p, r, 1.0 / 479001600);
  p = std::fma(p, r, 1.0 / 39916800);
  p = std::fma(p, r, 1.0 / 3628800);
  p = std::fma(p, r, 1.0 / 362880);
  p = std::fma(p, r, 1.0 / 40320);
  p = std::fma(p, r, 1.0 / 5040);
  p = std::fma(p, r, 1.0 / 720);
  p = std::fma(p, r, 1.0 / 120);
  p = std::fma(p, r, 1.0 / 24);
  p = std::fma(p, r, 1.0 / 6);
  p = std::fma(p, r, 0.5);
  p = std::fma(p, r, 1.0);
  p = std::fma(p, r, 1.0);
  const double y = scale2(p, n);
  const double clamped = x > hi ? std::numeric_limits<double>::infinity() : (x < lo ? 0.0 : y);
  return x != x ? x : clamped;
}

}  // namespace detail

template <class T>
SATCHEL_HD T exp(T x) {
#if !defined(__CUDA_ARCH__)
  if constexpr (std::is_same_v<T, float>) return detail::expf_vectorisable(x);
  if constexpr (std::is_same_v<T, double>) return detail::exp_vectorisable(x);
#endif
  return std::exp(x);
}

using std::log;
using std::sqrt;
using std::tanh;

// Integers divide as C does but never trap: x / 0 is 0 (as NumPy gives) and the
// most negative value / -1 wraps around to itself.
template <class A, class B>
SATCHEL_HD auto divide(A a, B b) {
  using R = decltype(a / b);
  if constexpr (std::is_integral_v<R>) {
    if (b == 0) return R(0);
    if constexpr (std::is_signed_v<B>) {
      if (b == B(-1)) return R(-a);
    }
  }
  return a / b;
}

template <class T>
SATCHEL_HD T absolute(T a) {
  if constexpr (std::is_unsigned_v<T>) {
    return a;
  } else if constexpr (std::is_integral_v<T>) {
    return a < 0 ? T(-a) : a;
  } else {
    return std::fabs(a);
  }
}

// 1 / (1 + exp(-a)), written as exp(a) / (1 + exp(a)) for negative a so that
// exp never overflows: very negative a gives its tiny result, not 1 / inf = 0.
template <class T>
SATCHEL_HD T sigmoid(T a) {
  if (a < T(0)) {
    const T e = exp(a);
    return e / (T(1) + e);
  }
  return T(1) / (T(1) + exp(-a));
}

template <class T>
SATCHEL_HD bool is_nan(T a) {
  if constexpr (std::is_floating_point_v<T>) return a != a;
  return false;
}

// min and max that propagate NaN, as NumPy's do.
template <class T>
SATCHEL_HD T minimum(T x, T y) {
  return is_nan(x) || x < y ? x : y;
}

template <class T>
SATCHEL_HD T maximum(T x, T y) {
  return is_nan(x) || x > y ? x : y;
}

}  // namespace satchel::math
