// Creation of tensors from a shape (native ops empty, zeros, ones, full, arange).
#pragma once

#include <cmath>
#include <optional>
#include <stdexcept>

#include <algorithm>
#include <string>

#include "dtype.h"
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

template <class TensorT>
TensorT arange(double start, std::optional<double> end, double step) {
  using T = typename TensorT::value_type;
  if (!end) {
    end = start;
    start = 0;
  }
  if (step == 0) throw std::invalid_argument("arange: step must not be zero");
  if (!std::isfinite(start) || !std::isfinite(*end) || !std::isfinite(step))
    throw std::invalid_argument("arange: start, end and step must be finite");
  const double count = std::ceil((*end - start) / step);
  if (count > 9.0e18) throw std::invalid_argument("arange: too many elements");
  const int64_t n = count > 0 ? int64_t(count) : 0;
  if (n > 0) {
    const double last = start + double(n - 1) * step;
    // Integers truncate, so what is below max + 1 fits; max itself may not be a
    // double (int64's max_value() is 2^63, one past the range).
    const double top = std::max(start, last);
    const bool too_high = std::is_integral_v<T> ? top >= DType<T>::highest + 1.0 : top > DType<T>::highest;
    if (std::min(start, last) < DType<T>::lowest || too_high)
      throw std::invalid_argument("arange: values from " + std::to_string(start) + " to " + std::to_string(last) +
                                  " do not fit in " + DType<T>::name);
  }
  TensorT t = TensorT::empty(Dims{n});
  T* p = t.data();
  ReleaseGil unlocked(n);
  parallel_chunks(n, worker_count(n), [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) p[i] = T(start + double(i) * step);
  });
  return t;
}

}  // namespace satchel::native
