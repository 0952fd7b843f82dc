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

// log x, branch-free (fdlibm's e_log.c and e_logf.c): x = 2^k m with m in
// [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f), log(1 + f) by a minimax
// polynomial in s^2, and k ln2 in two parts. Error within 1 ulp.
template <class F>
[[gnu::always_inline]] inline F log_vectorisable(F x) {  // inlined, or the loop calling it stays scalar
  using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  constexpr int mantissa = std::numeric_limits<F>::digits - 1;
  constexpr Bits one = std::bit_cast<Bits>(F(1));
  constexpr Bits mantissa_mask = (Bits(1) << mantissa) - 1;
  // Integer arithmetic on the bits, without bools or selects, so that it vectorises.
  using Int = std::make_signed_t<Bits>;
  constexpr int top = 8 * sizeof(Bits) - 1;
  constexpr Bits min_normal = std::bit_cast<Bits>(std::numeric_limits<F>::min());
  const Bits raw = std::bit_cast<Bits>(x);
  const Bits subnormal = (raw - min_normal) >> top;  // 1 for 0 < x < min_normal (and 0), else 0
  const F factor = std::bit_cast<F>(one + subnormal * (Bits(mantissa) << mantissa));  // 2^mantissa or 1
  const Bits bits = std::bit_cast<Bits>(x * factor);  // normal
  const Bits fraction = bits & mantissa_mask;
  const Bits high = ((std::bit_cast<Bits>(F(1.41421356237309504880)) & mantissa_mask) - fraction) >> top;
  const F k = F(Int(bits >> mantissa) - Int(one >> mantissa) + Int(high) - Int(subnormal * mantissa));
  const F m = std::bit_cast<F>(fraction | (one - (high << mantissa)));  // [sqrt(1/2), sqrt(2))
  const F f = m - F(1);
  const F s = f / (F(2) + f);
  const F z = s * s;
  const F w = z * z;
  F r;
  if constexpr (sizeof(F) == 4) {
    r = z * std::fma(w, 0.28498786688f, 0.66666662693f) + w * std::fma(w, 0.24279078841f, 0.40000972152f);
  } else {
    const double t1 = w * std::fma(w, std::fma(w, 1.531383769920937332e-01, 2.222219843214978396e-01),
                                   3.999999999940941908e-01);
    const double t2 = z * std::fma(w, std::fma(w, std::fma(w, 1.479819860511658591e-01, 1.818357216161805012e-01),
                                               2.857142874366239149e-01), 6.666666666666735130e-01);
    r = t1 + t2;
  }
  const F ln2_hi = sizeof(F) == 4 ? F(6.9313812256e-01) : F(6.93147180369123816490e-01);
  const F ln2_lo = sizeof(F) == 4 ? F(9.0580006145e-06) : F(1.90821492927058770002e-10);
  const F hfsq = F(0.5) * f * f;
  const F y = k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f);
  const F inf = std::numeric_limits<F>::infinity();
  const bool finite_positive = (x > F(0)) & (x < inf);  // every test made on every lane, then selects only
  const bool zero = x == F(0);
  const F special = zero ? -inf : (x == inf ? inf : std::numeric_limits<F>::quiet_NaN());
  return finite_positive ? y : special;  // NaN in: the quiet NaN out
}

// tanh x, branch-free (Cephes' tanhf and tanh): near 0 x + x^3 P(x^2) (a rational
// P for double), elsewhere 1 - 2 / (e^2|x| + 1) with the sign of x. Error
// within 2 ulps.
template <class F>
[[gnu::always_inline]] inline F tanh_vectorisable(F x) {
  const F a = x < F(0) ? -x : x;
  const F z = x * x;
  F near;
  if constexpr (sizeof(F) == 4) {
    float p = std::fma(-5.70498872745e-3f, z, 2.06390887954e-2f);
    p = std::fma(p, z, -5.37397155531e-2f);
    p = std::fma(p, z, 1.33314422036e-1f);
    p = std::fma(p, z, -3.33332819422e-1f);
    near = std::fma(p * z, x, x);
  } else {
    const double p = std::fma(std::fma(-9.64399179425052238628e-1, z, -9.92877231001918586564e1), z,
                              -1.61468768441708447952e3);
    const double q = std::fma(std::fma(z + 1.12811678491632931402e2, z, 2.23548839060100448583e3), z,
                              4.84406305325125486048e3);
    near = std::fma(x * z, p / q, x);
  }
  const F e = sizeof(F) == 4 ? F(expf_vectorisable(float(F(2) * a))) : F(exp_vectorisable(double(F(2) * a)));
  const F far = F(1) - F(2) / (e + F(1));
  const F y = a < F(0.625) ? near : (x < F(0) ? -far : far);
  return x != x ? x : y;
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

template <class T>
SATCHEL_HD T log(T x) {
#if !defined(__CUDA_ARCH__)
  if constexpr (std::is_floating_point_v<T>) return detail::log_vectorisable(x);
#endif
  return std::log(x);
}

template <class T>
SATCHEL_HD T tanh(T x) {
#if !defined(__CUDA_ARCH__)
  if constexpr (std::is_floating_point_v<T>) return detail::tanh_vectorisable(x);
#endif
  return std::tanh(x);
}

using std::sqrt;

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
