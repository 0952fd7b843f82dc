// The floating-point functions the spec's pointwise bodies call beyond exp, log,
// tanh and sigmoid (math.h): trigonometric, hyperbolic, logarithms and
// exponentials near 0 and in other bases, error and gamma functions, and a few
// compositions (logaddexp, xlogy, lerp). Each takes one element (float16
// computes in float): the C library's function where there is one, which is
// what nvcc's device library provides too, so one text serves host and device.
// libmvec.h adds register forms on the host where glibc's vector library is.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#include "math.h"
#include "libmvec.h"

namespace satchel::math {

// One-element wrappers over std:: (they take only floats and doubles).
#define SATCHEL_FROM_STD(name)                    \
  template <detail::Element T>                    \
    requires std::is_floating_point_v<T>          \
  SATCHEL_HD T name(T x) {                        \
    return std::name(x);                          \
  }
SATCHEL_FROM_STD(sin)
SATCHEL_FROM_STD(cos)
SATCHEL_FROM_STD(tan)
SATCHEL_FROM_STD(asin)
SATCHEL_FROM_STD(acos)
SATCHEL_FROM_STD(atan)
SATCHEL_FROM_STD(sinh)
SATCHEL_FROM_STD(cosh)
SATCHEL_FROM_STD(asinh)
SATCHEL_FROM_STD(acosh)
SATCHEL_FROM_STD(atanh)
SATCHEL_FROM_STD(log1p)
SATCHEL_FROM_STD(expm1)
SATCHEL_FROM_STD(log2)
SATCHEL_FROM_STD(log10)
SATCHEL_FROM_STD(exp2)
SATCHEL_FROM_STD(erf)
SATCHEL_FROM_STD(erfc)
#undef SATCHEL_FROM_STD

template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T atan2(T y, T x) {
  return std::atan2(y, x);
}

template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T hypot(T x, T y) {
  return std::hypot(x, y);
}

template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T copysign(T x, T y) {
  return std::copysign(x, y);
}

// log |Gamma(x)|: inf at the poles (0 and the negative integers). On the host
// glibc's reentrant form: lgamma itself writes the global signgam from every thread.
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T lgamma(T x) {
#if defined(__CUDA_ARCH__)
  return std::lgamma(x);
#else
  int sign;
  if constexpr (std::is_same_v<T, float>) return lgammaf_r(x, &sign);
  else return lgamma_r(x, &sign);
#endif
}

// 1 / sqrt(x), correctly rounded sqrt then one division.
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T rsqrt(T x) {
  return T(1) / std::sqrt(x);
}

// x - trunc(x), with x's sign (NaN for infinities, as PyTorch's frac).
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T frac(T x) {
  return x - std::trunc(x);
}

// Elementwise and over SIMD registers alike: a product by a constant rounded to T.
template <class V>
  requires detail::has_lanes_v<V>
SATCHEL_HD V deg2rad(V x) {
  return x * detail::element_t<V>(0.017453292519943295769);
}

template <class V>
  requires detail::has_lanes_v<V>
SATCHEL_HD V rad2deg(V x) {
  return x * detail::element_t<V>(57.295779513082320877);
}

template <class V>
  requires detail::has_lanes_v<V>
SATCHEL_HD V reciprocal(V x) {
  return detail::element_t<V>(1) / x;
}

// log(e^x + e^y) without overflow, as NumPy's: equal arguments (infinities of one
// sign too) give x + log 2, a NaN propagates. float goes through double, where
// the sum of the larger and the log1p cancels without losing float's digits.
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T logaddexp(T x, T y) {
  if constexpr (std::is_same_v<T, float>) return T(logaddexp(double(x), double(y)));
  if (x == y) return x + T(0.693147180559945309417232121458176568);
  const T d = x - y;
  if (d > T(0)) return x + std::log1p(exp(-d));
  if (d <= T(0)) return y + std::log1p(exp(d));
  return d;  // NaN
}

// log2(2^x + 2^y) without overflow, as NumPy's logaddexp2 (float through double).
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T logaddexp2(T x, T y) {
  if constexpr (std::is_same_v<T, float>) return T(logaddexp2(double(x), double(y)));
  if (x == y) return x + T(1);
  const T d = x - y;
  constexpr T log2e = T(1.44269504088896340735992468100189214);
  if (d > T(0)) return x + std::log1p(std::exp2(-d)) * log2e;
  if (d <= T(0)) return y + std::log1p(std::exp2(d)) * log2e;
  return d;  // NaN
}

// sin(pi x) / (pi x), 1 at 0, as NumPy's sinc (float through double).
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T sinc(T x) {
  if constexpr (std::is_same_v<T, float>) return T(sinc(double(x)));
  if (x == T(0)) return T(1);
  const T y = T(3.14159265358979323846264338327950288) * x;
  return std::sin(y) / y;
}

// log(x / (1 - x)), x first clamped to [eps, 1 - eps] unless eps is NaN (None).
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T logit(T x, T eps) {
  if (eps == eps) x = x < eps ? eps : x > T(1) - eps ? T(1) - eps : x;
  // Near 1/2 the quotient is near 1 and its rounding error is all log's result
  // has; there 2x - 1 is exact and log1p keeps the precision.
  const T d = T(2) * x - T(1);
  if (std::fabs(d) < T(0.5)) return std::log1p(d / (T(1) - x));
  return std::log(x / (T(1) - x));
}

// The inverse of erf on [-1, 1]. On the host: Giles' single-precision
// approximation ("Approximating the erfinv function", GPU Computing Gems, 2011),
// then Newton steps on erf (on log erfc's beyond 1/2, where 1 - |x| is exact)
// to the precision of double; CUDA has its own.
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T erfinv(T x) {
#if defined(__CUDA_ARCH__)
  return ::erfinv(x);
#else
  if constexpr (std::is_same_v<T, float>) {
    return T(erfinv(double(x)));
  } else {
    const double a = std::fabs(x);
    if (!(a < 1.0)) return a == 1.0 ? std::copysign(std::numeric_limits<double>::infinity(), x)
                                    : std::numeric_limits<double>::quiet_NaN();
    if (a == 0.0) return x;  // (keeps -0)
    double w = -std::log((1.0 - a) * (1.0 + a)), p;
    if (w < 5.0) {
      w -= 2.5;
      p = 2.81022636e-08;
      p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
      p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
      p = 0.246640727 + p * w; p = 1.50140941 + p * w;
    } else {
      w = std::sqrt(w) - 3.0;
      p = -0.000200214257;
      p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
      p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
      p = 1.00167406 + p * w; p = 2.83297682 + p * w;
    }
    double r = p * a;
    constexpr double two_over_sqrt_pi = 1.12837916709551257389615890312154517;
    for (int step = 0; step < 4; ++step) {
      const double slope = two_over_sqrt_pi * std::exp(-r * r);
      double delta;
      if (a <= 0.5) {
        delta = (std::erf(r) - a) / slope;
      } else {  // Newton on log erfc, nearly straight in the tail, where the approximation is least good
        const double e = std::erfc(r);
        delta = -std::log(e / (1.0 - a)) * e / slope;
      }
      r -= delta;
      if (std::fabs(delta) <= 1e-17 * r) break;
    }
    return std::copysign(r, x);
  }
#endif
}

// x * log(y), 0 where x is 0 (unless y is NaN), as PyTorch's and SciPy's xlogy.
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T xlogy(T x, T y) {
  if (y != y) return y;
  return x == T(0) ? T(0) : x * log(y);
}

// self + weight * (end - self), from whichever end is nearer so that weight 1
// gives end exactly (PyTorch's lerp).
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T lerp(T self, T end, T weight) {
  const T d = end - self;
  return std::fabs(weight) < T(0.5) ? self + weight * d : end - d * (T(1) - weight);
}

// NaN, +inf and -inf replaced by nan, posinf and neginf.
template <detail::Element T>
  requires std::is_floating_point_v<T>
SATCHEL_HD T nan_to_num(T x, T nan, T posinf, T neginf) {
  return x != x ? nan : x == std::numeric_limits<T>::infinity() ? posinf
                      : x == -std::numeric_limits<T>::infinity() ? neginf : x;
}

}  // namespace satchel::math
