// Creation of tensors from a shape (native ops empty, zeros, ones, full, arange).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "cast.h"
#include "dtype.h"
#include "operand.h"
#include "pointwise.h"

namespace satchel::native {

template <class T>
struct Constant {
  T value;
  T operator()() const { return value; }
};

template <class TensorT>
TensorT empty(const Dims& size) {
  return TensorT::empty(size);
}

template <class TensorT>
TensorT full(const Dims& size, typename TensorT::value_type value) {
  using T = typename TensorT::value_type;
  TensorT t = TensorT::empty(size);
  map_into<T>(Constant<T>{value}, t);
  return t;
}

template <class TensorT>
TensorT zeros(const Dims& size) {
  return full<TensorT>(size, typename TensorT::value_type(0));
}

template <class TensorT>
TensorT ones(const Dims& size) {
  return full<TensorT>(size, typename TensorT::value_type(1));
}

}  // namespace satchel::native

namespace satchel::detail {

// arange's values start + i * step, i < n, converted to T in parallel.
template <class TensorT, class Value>
TensorT arange_fill(int64_t n, Value value) {
  using T = typename TensorT::value_type;
  TensorT t = TensorT::empty(Dims{n});
  T* p = t.data();
  ReleaseGil unlocked(n);
  parallel_chunks(n, worker_count(n), [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) p[i] = value(i);
  });
  return t;
}

template <class T, class V>
void check_arange_range(V first, V last) {
  const V lo = std::min(first, last), hi = std::max(first, last);
  bool fits;
  if constexpr (std::is_integral_v<T> && std::is_integral_v<V>)  // V is int64: exact, past 2^53 too
    fits = lo >= V(std::numeric_limits<T>::lowest()) && hi <= V(std::numeric_limits<T>::max());
  else if constexpr (std::is_integral_v<T>)  // doubles truncate, so below max + 1 fits (2^63 for int64)
    fits = lo >= DType<T>::lowest && hi < DType<T>::highest + 1.0;
  else
    fits = double(lo) >= DType<T>::lowest && double(hi) <= DType<T>::highest;
  if (!fits)
    throw std::invalid_argument("arange: values from " + std::to_string(first) + " to " + std::to_string(last) +
                                " do not fit in " + DType<T>::name);
}

}  // namespace satchel::detail

namespace satchel::native {

// Ints count in integers (exact past 2^53, where doubles skip and repeat);
// with any float, in doubles, as NumPy.
template <class TensorT>
TensorT arange(Number start, std::optional<Number> end, Number step) {
  using T = typename TensorT::value_type;
  if (!end) {
    end = start;
    start = Number{true, 0, 0};
  }
  if (step.as_double() == 0) throw std::invalid_argument("arange: step must not be zero");
  if (start.is_int && end->is_int && step.is_int) {
    const __int128 span = __int128(end->integer) - start.integer;
    const __int128 stride = step.integer;
    const __int128 count = (span > 0) == (stride > 0) && span != 0
                               ? (span + stride + (stride > 0 ? -1 : 1)) / stride
                               : 0;
    if (count > std::numeric_limits<int64_t>::max()) throw std::invalid_argument("arange: too many elements");
    const int64_t n = int64_t(count);
    if (n == 0) return TensorT::empty(Dims{0});
    const int64_t last = int64_t(start.integer + (count - 1) * stride);  // between start and end: an int64
    detail::check_arange_range<T>(start.integer, last);
    // The values are int64s, so modulo 2^64 arithmetic gives each exactly.
    const uint64_t first = uint64_t(start.integer), delta = uint64_t(step.integer);
    return detail::arange_fill<TensorT>(n, [=](int64_t i) { return convert<T>(int64_t(first + uint64_t(i) * delta)); });
  }
  const double from = start.as_double(), to = end->as_double(), by = step.as_double();
  if (!std::isfinite(from) || !std::isfinite(to) || !std::isfinite(by))
    throw std::invalid_argument("arange: start, end and step must be finite");
  const double count = std::ceil((to - from) / by);
  if (count > 9.0e18) throw std::invalid_argument("arange: too many elements");
  const int64_t n = count > 0 ? int64_t(count) : 0;
  if (n > 0) detail::check_arange_range<T>(from, from + double(n - 1) * by);
  return detail::arange_fill<TensorT>(n, [=](int64_t i) { return T(from + double(i) * by); });
}

}  // namespace satchel::native
