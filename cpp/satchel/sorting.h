// The sorting and searching natives (sort, argsort, msort, topk, kthvalue,
// searchsorted, bucketize) as typed functions of a unit. The element type only
// encodes and decodes keys (sort_keys.h); sorting and selecting rows of keys is
// the core's (core/sorting.h), compiled once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/iter.h"
#include "core/sorting.h"
#include "core/views.h"
#include "gil.h"
#include "pointwise.h"
#include "sort_keys.h"
#include "tensor.h"

namespace satchel {

namespace detail {

template <class TensorT>
using IndexOf = Tensor<int64_t, TensorT::device>;

// self's rows along dim (a 0-d tensor is one row of one element).
struct SortPlan {
  int dim;          // -1 for a 0-d tensor
  int64_t length;   // of each row
  int64_t count;    // rows
};

inline SortPlan sort_plan(const char* op, const TensorBase& self, int64_t dim) {
  const int d = view::wrap_dim(op, dim, self.dim(), std::max(self.dim(), 1));
  if (self.dim() == 0) return {-1, 1, 1};
  const int64_t length = self.size(d);
  return {d, length, length ? self.numel() / length : 0};
}

// The rows of t along plan.dim (a 0-d tensor's one element).
inline sorting::Lines lines_of(const TensorBase& t, const SortPlan& plan) {
  return plan.dim < 0 ? sorting::Lines(Dims{1}, Dims{0}, 0) : sorting::Lines(t.sizes(), t.strides(), plan.dim);
}

// k of topk (from 0) or kthvalue (from 1) within the size of the plan's dim.
inline void check_k(const char* op, int64_t k, int64_t lowest, const SortPlan& plan) {
  if (k < lowest || k > plan.length)
    throw std::invalid_argument(std::string(op) + ": k (" + std::to_string(k) + ") is out of range for dim " +
                                std::to_string(std::max(plan.dim, 0)) + " of size " + std::to_string(plan.length) +
                                " (expected " + std::to_string(lowest) + " to " + std::to_string(plan.length) + ")");
}

// topk's results: self's shape with k along dim (a 0-d self: 0-d, or (0) for k = 0).
inline Dims topk_shape(const TensorBase& self, const SortPlan& plan, int64_t k) {
  Dims shape = self.sizes();
  if (plan.dim >= 0) shape[plan.dim] = k;
  else if (k == 0) shape = Dims{0};
  return shape;
}

// kthvalue's: self's shape without dim, or with it of size 1 where keepdim.
inline Dims kth_shape(const TensorBase& self, const SortPlan& plan, bool keepdim) {
  Dims shape = self.sizes();
  if (plan.dim >= 0) {
    if (keepdim) shape[plan.dim] = 1;
    else shape.erase(plan.dim);
  }
  return shape;
}

// Checks searchsorted's arguments; returns whether it searches to the right.
inline bool check_search(const char* op, const TensorBase& seq, const TensorBase& values,
                         const std::optional<std::string>& side, bool right, const Dims* sorter_sizes) {
  if (side) {
    if (*side != "left" && *side != "right")
      throw std::invalid_argument(std::string(op) + ": side must be 'left' or 'right', not '" + *side + "'");
    if (right && *side == "left")
      throw std::invalid_argument(std::string(op) + ": side='left' and right=True ask for opposite sides");
    right = *side == "right";
  }
  if (seq.dim() == 0)
    throw std::invalid_argument(std::string(op) + ": sorted_sequence must have at least one dim, not 0");
  if (seq.dim() > 1) {  // one row of the sequence for each row of values
    bool leading = values.dim() == seq.dim();
    for (int d = 0; leading && d + 1 < seq.dim(); ++d) leading = values.size(d) == seq.size(d);
    if (!leading)
      throw std::invalid_argument(std::string(op) + ": the leading dims of sorted_sequence " +
                                  to_string(seq.sizes()) + " and values " + to_string(values.sizes()) +
                                  " must match (or sorted_sequence be 1-D)");
  }
  if (sorter_sizes && *sorter_sizes != seq.sizes())
    throw std::invalid_argument(std::string(op) + ": sorter's shape " + to_string(*sorter_sizes) +
                                " is not sorted_sequence's " + to_string(seq.sizes()));
  return right;
}

[[noreturn]] inline void bad_sorter(int64_t at, int64_t n) {
  throw std::out_of_range("searchsorted: sorter holds " + std::to_string(at) + ", out of range for a "
                          "sorted_sequence of " + std::to_string(n) + " elements along its last dim");
}

inline void check_boundaries(const TensorBase& boundaries) {
  if (boundaries.dim() != 1)
    throw std::invalid_argument("bucketize: boundaries must be 1-D, not of shape " + to_string(boundaries.sizes()));
}

// t's rows along its last dim (a 0-d t: one row of one element).
inline SortPlan row_plan(const TensorBase& t) {
  if (t.dim() == 0) return {-1, 1, 1};
  const int64_t length = t.size(t.dim() - 1);
  return {t.dim() - 1, length, length ? t.numel() / length : 0};
}

// Encodes the rows of self, keys complemented when `flip` (descending order).
template <class T>
struct KeyReader {
  const T* base;
  sorting::Lines lines;
  uint64_t flip;

  void operator()(int64_t r, int64_t b, int64_t e, uint64_t* keys) const {
    const T* p = base + lines.offset(r);
    const int64_t s = lines.step();
    for (int64_t i = b; i < e; ++i) keys[i - b] = uint64_t(SortKey<T>::encode(p[i * s])) ^ flip;
  }
};

template <class T>
uint64_t flip_mask(bool flip) {
  return flip ? uint64_t(typename SortKey<T>::Bits(~typename SortKey<T>::Bits(0))) : 0;
}

// Writes sorted keys back as values (read from self where a key does not say
// which float it was) and their positions as indices, into rows of out and ix
// (either may be absent) that start at position `at` of a row.
template <class T>
struct RowWriter {
  const T* in;
  sorting::Lines in_lines;
  uint64_t flip;
  T* out;  // or null
  sorting::Lines out_lines;
  int64_t* ix;  // or null
  sorting::Lines ix_lines;
  int64_t at;

  void operator()(int64_t r, int64_t b, int64_t e, const uint64_t* keys, const int64_t* pos) const {
    using Key = SortKey<T>;
    if (out) {
      const T* src = in + in_lines.offset(r);
      T* o = out + out_lines.offset(r);
      const int64_t is = in_lines.step(), os = out_lines.step();
      for (int64_t i = b; i < e; ++i) {
        const auto k = typename Key::Bits(keys[i - b] ^ flip);
        o[(i - at) * os] = Key::decode_exact(k) ? Key::decode(k) : src[pos[i - b] * is];
      }
    }
    if (ix) {
      int64_t* o = ix + ix_lines.offset(r);
      const int64_t os = ix_lines.step();
      for (int64_t i = b; i < e; ++i) o[(i - at) * os] = pos[i - b];
    }
  }
};

// Rows along a dim that is not the innermost are strided: every element on a
// cache line and a page of its own. Big ones sort in a copy with that dim moved
// innermost (a tiled copy), whose results are copied back the same way.
inline constexpr int64_t kMovedSort = int64_t(1) << 16;

// The permutation moving dim last, and the one moving it back.
inline std::pair<Dims, Dims> moving_last(int ndim, int dim) {
  Dims there, back(ndim);
  for (int d = 0; d < ndim; ++d)
    if (d != dim) there.push_back(d);
  there.push_back(dim);
  for (int d = 0; d < ndim; ++d) back[there[d]] = d;
  return {there, back};
}

// The sorted values and/or indices of self along dim.
template <class TensorT>
std::pair<TensorT, IndexOf<TensorT>> sorted(const char* op, const TensorT& self, int64_t dim, bool descending,
                                            bool want_values) {
  using T = typename TensorT::value_type;
  const SortPlan plan = sort_plan(op, self, dim);
  if (plan.dim >= 0 && plan.dim != self.dim() - 1 && plan.length > 1 && self.numel() >= kMovedSort &&
      std::abs(self.stride(plan.dim)) != 1) {
    const auto [there, back] = moving_last(self.dim(), plan.dim);
    const TensorT moved = contiguous_copy(TensorT(view::permute(self, there)));
    auto [values, indices] = sorted(op, moved, -1, descending, want_values);
    using Index = IndexOf<TensorT>;
    return {want_values ? contiguous_copy(TensorT(view::permute(values, back))) : TensorT(),
            contiguous_copy(Index(view::permute(indices, back)))};
  }
  TensorT values = want_values ? TensorT::empty(self.sizes()) : TensorT();
  IndexOf<TensorT> indices = IndexOf<TensorT>::empty(self.sizes());
  const uint64_t flip = flip_mask<T>(descending);
  const KeyReader<T> read{self.data(), lines_of(self, plan), flip};
  const sorting::Lines out_lines = lines_of(indices, plan);  // (values' too: both contiguous)
  const RowWriter<T> write{self.data(), read.lines, flip, want_values ? values.data() : nullptr, out_lines,
                           indices.data(), out_lines, 0};
  ReleaseGil unlocked(self.numel() * 8);
  sorting::sort_rows({plan.count, plan.length, SortKey<T>::bits}, read, write);
  return {values, indices};
}

// The first k of each row of self along dim in (key, position) order, keys
// flipped where `flip`; positions [from, k) land in the results' rows.
template <class TensorT>
std::pair<TensorT, IndexOf<TensorT>> selected(const TensorT& self, const SortPlan& plan, int64_t k, int64_t from,
                                              bool flip_keys, bool sorted, const Dims& shape) {
  using T = typename TensorT::value_type;
  TensorT values = TensorT::empty(shape);
  IndexOf<TensorT> indices = IndexOf<TensorT>::empty(shape);
  const uint64_t flip = flip_mask<T>(flip_keys);
  // The results' rows along plan.dim, in shape's layout with k - from elements each.
  Dims kept = self.sizes();
  if (plan.dim >= 0) kept[plan.dim] = k - from;
  const Dims strides = contiguous_strides(kept);
  const sorting::Lines out_lines = plan.dim < 0 ? lines_of(values, plan) : sorting::Lines(kept, strides, plan.dim);
  const KeyReader<T> read{self.data(), lines_of(self, plan), flip};
  const RowWriter<T> write{self.data(), read.lines, flip, values.data(), out_lines, indices.data(), out_lines, from};
  ReleaseGil unlocked(self.numel() * 4);
  sorting::select_rows({plan.count, plan.length, SortKey<T>::bits}, k, from, sorted, read, write);
  return {values, indices};
}

}  // namespace detail

namespace native {

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> sort(const TensorT& self, int64_t dim, bool descending, bool stable) {
  return detail::sorted("sort", self, dim, descending, true);  // (always stable)
}

template <class TensorT>
detail::IndexOf<TensorT> argsort(const TensorT& self, int64_t dim, bool descending, bool stable) {
  return detail::sorted("argsort", self, dim, descending, false).second;
}

template <class TensorT>
TensorT msort(const TensorT& self) {
  return detail::sorted("msort", self, 0, false, true).first;
}

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> topk(const TensorT& self, int64_t k, int64_t dim, bool largest,
                                                  bool sorted) {
  const detail::SortPlan plan = detail::sort_plan("topk", self, dim);
  detail::check_k("topk", k, 0, plan);
  return detail::selected(self, plan, k, 0, largest, sorted, detail::topk_shape(self, plan, k));
}

template <class TensorT>
std::pair<TensorT, detail::IndexOf<TensorT>> kthvalue(const TensorT& self, int64_t k, int64_t dim, bool keepdim) {
  const detail::SortPlan plan = detail::sort_plan("kthvalue", self, dim);
  detail::check_k("kthvalue", k, 1, plan);
  return detail::selected(self, plan, k, k - 1, false, false, detail::kth_shape(self, plan, keepdim));
}

}  // namespace native

namespace detail {

// The keys of the rows of seq along its last dim (through sorter's positions
// where given), one row after another.
template <class T>
std::vector<uint64_t> sequence_keys(const TensorBase& seq_base, const T* data,
                                    const std::optional<Tensor<int64_t, Device::cpu>>& sorter) {
  const int last = seq_base.dim() - 1;
  const int64_t n = seq_base.size(last);
  const int64_t rows = n ? seq_base.numel() / n : 0;
  std::vector<uint64_t> keys(std::size_t(seq_base.numel()));
  const sorting::Lines lines(seq_base.sizes(), seq_base.strides(), last);
  std::optional<sorting::Lines> by;
  if (sorter) by.emplace(sorter->sizes(), sorter->strides(), last);
  for (int64_t r = 0; r < rows; ++r) {
    const T* p = data + lines.offset(r);
    const int64_t* q = sorter ? sorter->data() + by->offset(r) : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      int64_t at = i;
      if (q) {
        at = q[i * by->step()];
        if (at < 0 || at >= n) bad_sorter(at, n);
      }
      keys[std::size_t(r * n + i)] = SortKey<T>::encode(p[at * lines.step()]);
    }
  }
  return keys;
}

}  // namespace detail

namespace native {

template <class TensorT>
detail::IndexOf<TensorT> searchsorted(const TensorT& sorted_sequence, const TensorT& values, bool right,
                                      std::optional<std::string> side,
                                      std::optional<detail::IndexOf<TensorT>> sorter) {
  using T = typename TensorT::value_type;
  const TensorT& seq = sorted_sequence;
  right = detail::check_search("searchsorted", seq, values, side, right, sorter ? &sorter->sizes() : nullptr);
  const bool shared = seq.dim() == 1;  // one sequence for every value
  detail::IndexOf<TensorT> out = detail::IndexOf<TensorT>::empty(values.sizes());
  if (values.numel() == 0) return out;
  ReleaseGil unlocked(values.numel() * 16);
  const std::vector<uint64_t> keys = detail::sequence_keys<T>(seq, seq.data(), sorter);
  const int64_t n = seq.size(seq.dim() - 1);
  // Values by rows along their last dim (a 0-d values: one row of one), each
  // searched in its sequence row (row 0 where the sequence is shared).
  const detail::SortPlan plan = detail::row_plan(values);
  const sorting::Lines in = detail::lines_of(values, plan), to = detail::lines_of(out, plan);
  const T* v = values.data();
  int64_t* o = out.data();
  parallel_chunks(values.numel(), worker_count(values.numel() * 4), [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) {
      const int64_t r = i / plan.length, j = i % plan.length;
      const uint64_t* row = keys.data() + (shared ? 0 : r * n);
      const uint64_t key = SortKey<T>::encode(v[in.offset(r) + j * in.step()]);
      o[to.offset(r) + j * to.step()] = sorting::search(row, n, key, right);
    }
  });
  return out;
}

template <class TensorT>
Tensor<bool, TensorT::device> isin(const TensorT& elements, const TensorT& test_elements, bool invert) {
  using T = typename TensorT::value_type;
  using Key = SortKey<T>;
  Tensor<bool, TensorT::device> out = Tensor<bool, TensorT::device>::empty(elements.sizes());
  if (elements.numel() == 0) return out;
  ReleaseGil unlocked((elements.numel() + test_elements.numel()) * 16);
  // The test elements' keys, sorted (NaN's key dropped: NaN equals nothing).
  std::vector<uint64_t> keys;
  keys.reserve(std::size_t(test_elements.numel()));
  const detail::SortPlan tests = detail::row_plan(test_elements);
  const sorting::Lines tl = detail::lines_of(test_elements, tests);
  for (int64_t r = 0; r < tests.count; ++r)
    for (int64_t j = 0; j < tests.length; ++j) {
      const auto k = Key::encode(test_elements.data()[tl.offset(r) + j * tl.step()]);
      if (!Key::is_nan_key(k)) keys.push_back(k);
    }
  std::sort(keys.begin(), keys.end());
  const detail::SortPlan plan = detail::row_plan(elements);
  const sorting::Lines in = detail::lines_of(elements, plan), to = detail::lines_of(out, plan);
  const T* x = elements.data();
  bool* o = out.data();
  const auto n = int64_t(keys.size());
  parallel_chunks(plan.count, worker_count(elements.numel() * 4), [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) {
      const T* p = x + in.offset(r);
      bool* q = o + to.offset(r);
      for (int64_t j = 0; j < plan.length; ++j) {
        const auto k = Key::encode(p[j * in.step()]);
        const int64_t at = sorting::search(keys.data(), n, k, false);
        const bool found = !Key::is_nan_key(k) && at < n && keys[std::size_t(at)] == k;
        q[j * to.step()] = found != invert;
      }
    }
  }, 1);
  return out;
}

template <class TensorT>
detail::IndexOf<TensorT> bucketize(const TensorT& self, const TensorT& boundaries, bool right) {
  detail::check_boundaries(boundaries);
  return searchsorted(boundaries, self, right, std::nullopt, std::nullopt);
}

}  // namespace native

}  // namespace satchel
