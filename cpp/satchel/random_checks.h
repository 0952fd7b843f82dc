// The arguments of the random natives, checked (a ValueError naming the argument
// and its value) and turned into their distributions' functors; CPU and CUDA
// natives share them.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "distributions.h"
#include "dtype.h"
#include "half.h"

namespace satchel::rchecks {

inline std::string show(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

[[noreturn]] inline void fail(const char* op, const char* name, const std::string& must, double v) {
  throw std::invalid_argument(std::string(op) + ": " + name + " must be " + must + ", got " + show(v));
}

inline void finite(const char* op, const char* name, double v) {
  if (!std::isfinite(v)) fail(op, name, "finite", v);
}
inline void nonnegative(const char* op, const char* name, double v) {
  if (!(v >= 0) || !std::isfinite(v)) fail(op, name, "finite and >= 0", v);
}
inline void positive(const char* op, const char* name, double v) {
  if (!(v > 0) || !std::isfinite(v)) fail(op, name, "finite and > 0", v);
}
inline double probability(const char* op, double p) {
  if (!(p >= 0 && p <= 1)) fail(op, "p", "in [0, 1]", p);
  return p;
}

template <class T>
void nonnegative_all(const char* op, const char* name, const T* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!(double(compute_t<T>(v[i])) >= 0) || !std::isfinite(double(compute_t<T>(v[i]))))
      throw std::invalid_argument(std::string(op) + ": " + name + " must be finite and >= 0, got " +
                                  show(double(compute_t<T>(v[i]))) + " at element " + std::to_string(i));
}

template <class T>
void probabilities(const char* op, const T* p, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = double(compute_t<T>(p[i]));
    if (!(v >= 0 && v <= 1))
      throw std::invalid_argument(std::string(op) + ": self (the probabilities) must be in [0, 1], got " + show(v) +
                                  " at element " + std::to_string(i));
  }
}

// Poisson rates: finite, >= 0 and at most 2^53, past which no draw is a whole double.
template <class T>
void rates(const char* op, const T* v, int64_t n) {
  nonnegative_all(op, "self (the rates)", v, n);
  for (int64_t i = 0; i < n; ++i)
    if (double(compute_t<T>(v[i])) > 9007199254740992.0)
      throw std::invalid_argument(std::string(op) + ": self (the rates) must be at most 2^53, got " +
                                  show(double(compute_t<T>(v[i]))) + " at element " + std::to_string(i));
}

// The largest T below x (x finite).
template <class T>
T below(T x) {
  if constexpr (std::is_same_v<T, half>) {
    if ((x.bits & 0x7fff) == 0) return half::from_bits(0x8001);
    return half::from_bits(uint16_t(x.bits & 0x8000 ? x.bits + 1 : x.bits - 1));
  } else {
    return std::nextafter(x, -std::numeric_limits<T>::infinity());
  }
}

// Whether [from, to) holds no element of T once both are rounded to it.
template <class T>
bool empty_range(double from, double to) {
  using C = compute_t<T>;
  return !(C(T(C(from))) < C(T(C(to))));
}

// [from, to) of T: both finite, from <= to, within T's range.
template <class T>
dist::Uniform<T, compute_t<T>> uniform(const char* op, double from, double to) {
  using C = compute_t<T>;
  finite(op, "from_", from);
  finite(op, "to", to);
  if (!(from <= to))
    throw std::invalid_argument(std::string(op) + ": from_ must be <= to, got from_=" + show(from) + ", to=" + show(to));
  if (from < DType<T>::lowest || to > DType<T>::highest || !std::isfinite(to - from))
    throw std::invalid_argument(std::string(op) + ": [from_, to) = [" + show(from) + ", " + show(to) +
                                ") must lie within " + DType<T>::name + "'s range");
  const T hi = T(C(to));
  return {C(T(C(from))), C(to - from), C(hi), below(hi)};
}

// [low, high) as RandInt's low and range; for floats, integers exactly representable.
template <class T>
dist::RandInt<T> int_range(const char* op, __int128 low, __int128 high, const char* low_name, const char* high_name) {
  if (!(low < high))
    throw std::invalid_argument(std::string(op) + ": " + low_name + " must be < " + high_name + ", got " + low_name +
                                "=" + std::to_string(int64_t(low)) + ", " + high_name + "=" +
                                std::to_string(int64_t(high)));
  __int128 lo, hi;  // the values T holds exactly
  if constexpr (std::is_integral_v<T>) {
    lo = std::numeric_limits<T>::lowest();
    hi = std::numeric_limits<T>::max();
  } else {
    hi = __int128(1) << dist::kDigits<T>;
    lo = -hi;
  }
  if (low < lo || high - 1 > hi)
    throw std::invalid_argument(std::string(op) + ": [" + low_name + ", " + high_name + ") = [" +
                                std::to_string(int64_t(low)) + ", " + std::to_string(int64_t(high)) +
                                ") must lie within [" + std::to_string(int64_t(lo)) + ", " + std::to_string(int64_t(hi)) +
                                "], the integers " + DType<T>::name + " holds exactly");
  return {int64_t(low), uint64_t(high - low)};  // (2^64: 0, RandInt's every value)
}

template <class T>
dist::RandInt<T> randint(const char* op, int64_t low, int64_t high) {
  return int_range<T>(op, low, high, "low", "high");
}

// random_(): [0, the largest integer T holds exactly]; random_(to): [0, to), as
// PyTorch's; random_(from_, to): [from_, to).
template <class T>
dist::RandInt<T> random_range(std::optional<int64_t> from, std::optional<int64_t> to) {
  if (from && to) return int_range<T>("random_", *from, *to, "from_", "to");
  if (from || to) return int_range<T>("random_", 0, from ? *from : *to, "0", "to");
  if constexpr (std::is_integral_v<T>)
    return int_range<T>("random_", 0, __int128(std::numeric_limits<T>::max()) + 1, "0", "to");
  else
    return int_range<T>("random_", 0, (__int128(1) << dist::kDigits<T>) + 1, "0", "to");
}

}  // namespace satchel::rchecks
