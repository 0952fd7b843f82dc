// The order-statistic natives (median, nanmedian, medianall, quantile) of CPU
// units. Medians select (the core's select_rows, as kthvalue) rather than sort;
// a row holding NaN is then settled on its own. Quantiles sort each row.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "order_stats.h"
#include "reduce_dims.h"
#include "sorting.h"

namespace satchel {

namespace detail {

// A dim to order along must hold something.
inline void check_not_empty(const char* op, const SortPlan& plan, const TensorBase& self) {
  if (plan.length == 0)
    throw std::invalid_argument(std::string(op) + ": dim " + std::to_string(std::max(plan.dim, 0)) + " of shape " +
                                to_string(self.sizes()) + " is empty, and has no " +
                                (op[0] == 'q' ? "quantile" : "median"));
}

inline order::Interpolation interpolation_of(const std::string& how) {
  using I = order::Interpolation;
  if (how == "linear") return I::linear;
  if (how == "lower") return I::lower;
  if (how == "higher") return I::higher;
  if (how == "midpoint") return I::midpoint;
  if (how == "nearest") return I::nearest;
  throw std::invalid_argument("quantile: interpolation must be 'linear', 'lower', 'higher', 'midpoint' or "
                              "'nearest', not '" + how + "'");
}

inline void check_q(double q) {
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("quantile: q (" + std::to_string(q) + ") must be in [0, 1]");
}

// self's elements as one dim (a view, or a contiguous copy).
template <class TensorT>
TensorT as_row(const TensorT& self) {
  return flat(self.is_contiguous() ? self : contiguous_copy(self));
}

// The lower medians of self's rows along dim; results contiguous, row r at r.
template <class TensorT>
std::pair<TensorT, IndexOf<TensorT>> medians(const char* op, const TensorT& self, int64_t dim, bool keepdim,
                                             order::Median kind) {
  using T = typename TensorT::value_type;
  const SortPlan plan = sort_plan(op, self, dim);
  check_not_empty(op, plan, self);
  const int64_t k = (plan.length - 1) / 2 + 1;
  auto result = selected(self, plan, k, k - 1, false, false, kth_shape(self, plan, keepdim));
  if constexpr (DType<T>::kind == 'f') {
    // Rows holding NaN: the first NaN (median), or the lower median of the rest (nanmedian).
    T* values = result.first.data();
    int64_t* indices = result.second.data();
    const KeyReader<T> read{self.data(), lines_of(self, plan), 0};
    ReleaseGil unlocked(self.numel());
    parallel_chunks(plan.count, worker_count(self.numel()), [&](int64_t b, int64_t e, int) {
      for (int64_t r = b; r < e; ++r) {
        const T* p = self.data() + read.lines.offset(r);
        const int64_t s = read.lines.step();
        int64_t nans = 0, first = -1;
        for (int64_t i = 0; i < plan.length; ++i)
          if (!(p[i * s] == p[i * s]) && nans++ == 0) first = i;
        if (!nans) continue;
        const int64_t numbers = plan.length - nans;
        if (kind == order::Median::plain || numbers == 0) {
          values[r] = p[first * s];
          indices[r] = first;
          continue;
        }
        const int64_t kr = (numbers - 1) / 2 + 1;  // (NaN keys are the largest: the rest come first)
        sorting::select_rows(
            {1, plan.length, SortKey<T>::bits}, kr, kr - 1, false,
            [&](int64_t, int64_t from, int64_t to, uint64_t* keys) { read(r, from, to, keys); },
            [&](int64_t, int64_t, int64_t, const uint64_t*, const int64_t* pos) {
              values[r] = p[pos[0] * s];
              indices[r] = pos[0];
            });
      }
    });
  }
  return result;
}

}  // namespace detail

namespace native {

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> median(const TensorT& self, int64_t dim, bool keepdim) {
  return detail::medians("median", self, dim, keepdim, order::Median::plain);
}

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> nanmedian(const TensorT& self, int64_t dim, bool keepdim) {
  return detail::medians("nanmedian", self, dim, keepdim, order::Median::nan_ignoring);
}

template <class TensorT>
typename TensorT::value_type medianall(const TensorT& self) {
  return detail::medians("medianall", detail::as_row(self), 0, false, order::Median::plain).first.data()[0];
}

template <class TensorT>
TensorT quantile(const TensorT& self, double q, std::optional<int64_t> dim, bool keepdim, std::string interpolation) {
  using T = typename TensorT::value_type;
  detail::check_q(q);
  const order::Interpolation how = detail::interpolation_of(interpolation);
  const TensorT rows = dim ? self : detail::as_row(self);
  const detail::SortPlan plan = detail::sort_plan("quantile", rows, dim.value_or(0));
  detail::check_not_empty("quantile", plan, self);
  Dims shape = dim ? detail::kth_shape(self, plan, keepdim) : keepdim ? Dims(self.dim(), 1) : Dims{};
  TensorT out = TensorT::empty(shape);
  const TensorT sorted = detail::sorted("quantile", rows, plan.dim < 0 ? 0 : plan.dim, false, true).first;
  const sorting::Lines lines = detail::lines_of(sorted, plan);
  T* o = out.data();
  ReleaseGil unlocked(rows.numel());
  parallel_chunks(plan.count, worker_count(plan.count * 8), [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r)
      o[r] = T(order::quantile_value(order::SortedRow<T>{sorted.data() + lines.offset(r), plan.length, lines.step()},
                                     q, how));
  });
  return out;
}

}  // namespace native

}  // namespace satchel
