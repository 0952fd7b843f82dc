// Order statistics of one sorted row (NaN last, equal elements in their
// original order), shared by the CPU natives (order.h) and the CUDA kernels
// (cuda/order.cu): which sorted position a median is, and a quantile's value.
#pragma once

#include <cmath>
#include <cstdint>

#include "config.h"

namespace satchel::order {

enum class Median : int { plain, nan_ignoring };  // median, nanmedian
enum class Interpolation : int { linear, lower, higher, midpoint, nearest };

// Elements v[0], v[step], ... of a sorted row.
template <class T>
struct SortedRow {
  const T* v;
  int64_t n, step;

  SATCHEL_HD T at(int64_t i) const { return v[i * step]; }
  SATCHEL_HD static bool is_nan(T x) { return !(x == x); }
  // How many lead the first NaN (all of them where there is none).
  SATCHEL_HD int64_t numbers() const {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (is_nan(at(mid))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
};

// The sorted position of the lower median (n > 0): the first NaN where there is
// one (median, as PyTorch), or the lower median of the numbers (nanmedian; the
// first NaN where all are NaN).
template <class T>
SATCHEL_HD int64_t median_position(const SortedRow<T>& row, Median kind) {
  const int64_t m = row.numbers();
  if (kind == Median::plain) return m < row.n ? m : (row.n - 1) / 2;
  return m ? (m - 1) / 2 : 0;
}

// The q-quantile (q in [0, 1], n > 0) as NumPy's and PyTorch's quantile give it,
// NaN where the row has one; computed in double.
template <class T>
SATCHEL_HD double quantile_value(const SortedRow<T>& row, double q, Interpolation how) {
  if (row.numbers() < row.n) return double(row.at(row.n - 1));
  const double pos = q * double(row.n - 1);
  const int64_t lo = int64_t(std::floor(pos)), hi = int64_t(std::ceil(pos));
  const double a = double(row.at(lo)), b = double(row.at(hi));
  switch (how) {
    case Interpolation::lower: return a;
    case Interpolation::higher: return b;
    case Interpolation::nearest: return double(row.at(int64_t(std::nearbyint(pos))));  // (ties to even)
    case Interpolation::midpoint:
    case Interpolation::linear: break;
  }
  // NumPy's two-sided lerp (NaN between equal infinities too, as NumPy and PyTorch give)
  const double t = how == Interpolation::linear ? pos - double(lo) : lo == hi ? 0.0 : 0.5;
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

}  // namespace satchel::order
