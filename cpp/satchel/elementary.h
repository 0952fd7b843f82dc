// The floating-point functions the spec's pointwise bodies call beyond exp, log,
// tanh and sigmoid (math.h): trigonometric, hyperbolic, logarithms and
// exponentials near 0 and in other bases, error and gamma functions, and a few
// compositions (logaddexp, xlogy, lerp). Each takes one element (float16
// computes in float): the C library's function where there is one, which is
// what nvcc's device library provides too, so one text serves host and device.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#include "math.h"

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
