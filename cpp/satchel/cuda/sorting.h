// The sorting and searching natives of CUDA tensors: the CPU's checks and
// shapes (../sorting.h), the work by cuda/sort.cu on the device. topk and
// kthvalue sort whole rows and keep the k they need (no selection kernel yet),
// which costs a full sort but gives the CPU's results, ties included.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "../core/views.h"
#include "../sorting.h"
#include "runtime.h"
#include "sort.h"

namespace satchel::cuda {

namespace detail {

using satchel::detail::IndexOf;
using satchel::detail::SortPlan;

// self's elements with plan.dim moved last (rows of the moved view are the rows to sort).
inline sorting::Strided rows_view(const TensorBase& self, const SortPlan& plan) {
  if (plan.dim < 0) return sorting::Strided(Dims{}, Dims{});
  Dims perm;
  for (int d = 0; d < self.dim(); ++d)
    if (d != plan.dim) perm.push_back(d);
  perm.push_back(plan.dim);
  const TensorBase moved = view::permute(self, perm);
  return sorting::Strided(moved.sizes(), moved.strides());
}

inline int64_t inner_of(const TensorBase& self, const SortPlan& plan) {
  int64_t inner = 1;
  for (int d = plan.dim + 1; plan.dim >= 0 && d < self.dim(); ++d) inner *= self.size(d);
  return inner;
}

// Positions [from, take) of self's rows sorted along plan.dim into new tensors of `shape`.
template <class TensorT>
std::pair<TensorT, IndexOf<TensorT>> sorted_rows(const TensorT& self, const SortPlan& plan, bool descending,
                                                 int64_t from, int64_t take, const Dims& shape, bool want_values) {
  using T = typename TensorT::value_type;
  TensorT values = want_values ? cuda::empty<TensorT>(shape) : TensorT();
  IndexOf<TensorT> indices = cuda::empty<IndexOf<TensorT>>(shape);
  const sorting::Rows rows{plan.count, plan.length, inner_of(self, plan), from, take, descending};
  if (plan.count * plan.length == 0 || take == from) return {values, indices};
  const std::size_t bytes = sorting::sort_workspace<T>(rows);
  const Storage workspace = allocate_device(bytes);
  sorting::sort<T>(self.data(), rows_view(self, plan), rows, want_values ? values.data() : nullptr, indices.data(),
                   workspace.data(), bytes, current_stream());
  return {values, indices};
}

}  // namespace detail

namespace native {

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> sort(const TensorT& self, int64_t dim, bool descending, bool stable) {
  const detail::SortPlan plan = satchel::detail::sort_plan("sort", self, dim);
  return detail::sorted_rows(self, plan, descending, 0, plan.length, self.sizes(), true);
}

template <class TensorT>
detail::IndexOf<TensorT> argsort(const TensorT& self, int64_t dim, bool descending, bool stable) {
  const detail::SortPlan plan = satchel::detail::sort_plan("argsort", self, dim);
  return detail::sorted_rows(self, plan, descending, 0, plan.length, self.sizes(), false).second;
}

template <class TensorT>
TensorT msort(const TensorT& self) {
  const detail::SortPlan plan = satchel::detail::sort_plan("msort", self, 0);
  return detail::sorted_rows(self, plan, false, 0, plan.length, self.sizes(), true).first;
}

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> topk(const TensorT& self, int64_t k, int64_t dim, bool largest,
                                                  bool sorted) {
  const detail::SortPlan plan = satchel::detail::sort_plan("topk", self, dim);
  satchel::detail::check_k("topk", k, 0, plan);
  return detail::sorted_rows(self, plan, largest, 0, k, satchel::detail::topk_shape(self, plan, k), true);
}

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> kthvalue(const TensorT& self, int64_t k, int64_t dim, bool keepdim) {
  const detail::SortPlan plan = satchel::detail::sort_plan("kthvalue", self, dim);
  satchel::detail::check_k("kthvalue", k, 1, plan);
  return detail::sorted_rows(self, plan, false, k - 1, k, satchel::detail::kth_shape(self, plan, keepdim), true);
}

template <class TensorT>
detail::IndexOf<TensorT> searchsorted(const TensorT& sorted_sequence, const TensorT& values, bool right,
                                      std::optional<std::string> side,
                                      std::optional<detail::IndexOf<TensorT>> sorter) {
  using T = typename TensorT::value_type;
  const TensorT& seq = sorted_sequence;
  right = satchel::detail::check_search("searchsorted", seq, values, side, right,
                                              sorter ? &sorter->sizes() : nullptr);
  detail::IndexOf<TensorT> out = cuda::empty<detail::IndexOf<TensorT>>(values.sizes());
  const int64_t n = seq.size(seq.dim() - 1);
  const int64_t rows = n ? seq.numel() / n : 0;
  const int64_t per_row = seq.dim() == 1 ? 0 : values.size(values.dim() - 1);
  const Storage workspace = allocate_device(sorting::search_workspace(rows * n));
  const sorting::Strided sorter_in = sorter ? sorting::Strided(sorter->sizes(), sorter->strides()) : sorting::Strided();
  int64_t bad = 0;
  if (!sorting::search<T>(seq.data(), sorting::Strided(seq.sizes(), seq.strides()), rows, n,
                          sorter ? sorter->data() : nullptr, sorter_in, values.data(),
                          sorting::Strided(values.sizes(), values.strides()), values.numel(), per_row, right,
                          out.data(), workspace.data(), current_stream(), bad))
    satchel::detail::bad_sorter(bad, n);
  return out;
}

template <class TensorT>
Tensor<bool, Device::cuda> isin(const TensorT& elements, const TensorT& test_elements, bool invert) {
  using T = typename TensorT::value_type;
  auto out = cuda::empty<Tensor<bool, Device::cuda>>(elements.sizes());
  if (elements.numel() == 0) return out;
  // The test elements sorted (one row), then a binary search for each element.
  const int64_t m = test_elements.numel();
  TensorT sorted = cuda::empty<TensorT>(Dims{m});
  if (m) {
    detail::IndexOf<TensorT> positions = cuda::empty<detail::IndexOf<TensorT>>(Dims{m});
    const sorting::Rows rows{1, m, 1, 0, m, false};
    const std::size_t bytes = sorting::sort_workspace<T>(rows);
    const Storage workspace = allocate_device(bytes);
    sorting::sort<T>(test_elements.data(), sorting::Strided(test_elements.sizes(), test_elements.strides()), rows,
                     sorted.data(), positions.data(), workspace.data(), bytes, current_stream());
  }
  sorting::isin<T>(elements.data(), sorting::Strided(elements.sizes(), elements.strides()), elements.numel(),
                   sorted.data(), m, invert, out.data(), current_stream());
  return out;
}

template <class TensorT>
detail::IndexOf<TensorT> bucketize(const TensorT& self, const TensorT& boundaries, bool right) {
  satchel::detail::check_boundaries(boundaries);
  return searchsorted(boundaries, self, right, std::nullopt, std::nullopt);
}

}  // namespace native

}  // namespace satchel::cuda
