// The order-statistic natives of CUDA units: the CPU's checks and shapes
// (../order.h); each row sorted (sort.h), then its median or quantile picked by
// order.cu. (A full sort, where the CPU selects.)
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "../order.h"
#include "order_rows.h"
#include "sorting.h"
#include "transfer.h"

namespace satchel::cuda {

namespace detail {

template <class TensorT>
std::pair<TensorT, IndexOf<TensorT>> medians(const char* op, const TensorT& self, int64_t dim, bool keepdim,
                                             satchel::order::Median kind) {
  using T = typename TensorT::value_type;
  const SortPlan plan = satchel::detail::sort_plan(op, self, dim);
  satchel::detail::check_not_empty(op, plan, self);
  const auto [sorted, sorted_index] = sorted_rows(self, plan, false, 0, plan.length, self.sizes(), true);
  const Dims shape = satchel::detail::kth_shape(self, plan, keepdim);
  TensorT values = cuda::empty<TensorT>(shape);
  IndexOf<TensorT> indices = cuda::empty<IndexOf<TensorT>>(shape);
  order::medians<T>(sorted.data(), sorted_index.data(), {plan.count, plan.length, inner_of(self, plan)}, kind,
                    values.data(), indices.data(), current_stream());
  return {values, indices};
}

}  // namespace detail

namespace native {

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> median(const TensorT& self, int64_t dim, bool keepdim) {
  return detail::medians("median", self, dim, keepdim, satchel::order::Median::plain);
}

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> nanmedian(const TensorT& self, int64_t dim, bool keepdim) {
  return detail::medians("nanmedian", self, dim, keepdim, satchel::order::Median::nan_ignoring);
}

template <class TensorT>
typename TensorT::value_type medianall(const TensorT& self) {
  const TensorT values = detail::medians("medianall", satchel::detail::as_row(self), 0, false,
                                         satchel::order::Median::plain).first;
  return to_host(values).data()[0];
}

template <class TensorT>
TensorT quantile(const TensorT& self, double q, std::optional<int64_t> dim, bool keepdim, std::string interpolation) {
  using T = typename TensorT::value_type;
  satchel::detail::check_q(q);
  const satchel::order::Interpolation how = satchel::detail::interpolation_of(interpolation);
  const TensorT rows = dim ? self : satchel::detail::as_row(self);
  const detail::SortPlan plan = satchel::detail::sort_plan("quantile", rows, dim.value_or(0));
  satchel::detail::check_not_empty("quantile", plan, self);
  const Dims shape = dim ? satchel::detail::kth_shape(self, plan, keepdim)
                         : keepdim ? Dims(self.dim(), 1) : Dims{};
  TensorT out = cuda::empty<TensorT>(shape);
  const TensorT sorted = detail::sorted_rows(rows, plan, false, 0, plan.length, rows.sizes(), true).first;
  order::quantiles<T>(sorted.data(), {plan.count, plan.length, detail::inner_of(rows, plan)}, q, how, out.data(),
                      current_stream());
  return out;
}

}  // namespace native

}  // namespace satchel::cuda
