// Functions that the spec's pointwise and reduction bodies call. Each is written
// once for every element type (integers, floats, bool) and every device.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#include "config.h"

namespace satchel::math {

using std::exp;
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
