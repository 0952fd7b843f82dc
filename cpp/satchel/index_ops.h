// The natives of index tensors and masks (torch's names and rules): index_select,
// gather, take, take_along_dim, masked_select, nonzero and argwhere read; scatter,
// scatter_add, index_add, index_fill and index_copy write, in place (`_`) or into a
// copy of self. Indices are int64 tensors; every index is checked before anything
// is written (IndexError naming the index, the dim and its size). The offsets
// and the copies are the core's (core/gather.h), for every dtype at once; only
// the adds are typed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/gather.h"
#include "core/overlap.h"
#include "core/views.h"
#include "gil.h"
#include "operand.h"
#include "pointwise.h"
#include "tensor.h"
#include "views.h"

namespace satchel {

namespace index_detail {

template <class TensorT>
using LongOf = Tensor<int64_t, TensorT::device>;

inline std::string shape_text(const Dims& d) { return to_string(d); }

// Dim d's size and stride, with a 0-d tensor seen as one element.
inline int64_t size_at(const TensorBase& t, int d) { return t.dim() ? t.size(d) : 1; }
inline int64_t stride_at(const TensorBase& t, int d) { return t.dim() ? t.stride(d) : 0; }

// A 1-D (or 0-d) index of the dim-wise ops, checked against dim's size.
// A 1-D (or 0-d) index, of one element for a 0-d self.
inline void check_vector(const char* op, const TensorBase& self, const TensorBase& index) {
  if (index.dim() > 1)
    throw std::invalid_argument(std::string(op) + ": index must be a vector (0-d or 1-D), got shape " +
                                to_string(index.sizes()));
  if (self.dim() == 0 && index.numel() != 1)
    throw std::invalid_argument(std::string(op) + ": a 0-d self takes an index of one element, got shape " +
                                to_string(index.sizes()));
}

inline gather::View<int64_t> vector_index(const char* op, const TensorBase& self, const TensorBase& index, int dim,
                                          bool negative) {
  check_vector(op, self, index);
  const int64_t size = size_at(self, dim);
  const gather::View<int64_t> v = gather::view_of<int64_t>(index);
  gather::check_range(op, v, dim, size, negative);
  return v;
}

// Slices of t along dim at the positions index lists (x), against a y of the
// same dims but dim's size the index's length.
inline gather::Slices dim_slices(const TensorBase& t, int dim, const gather::View<int64_t>& index) {
  gather::Slices s;
  for (int d = 0; d < t.dim(); ++d) {
    if (d < dim) s.pre.push_back(t.size(d)), s.pre_x.push_back(t.stride(d));
    if (d > dim) s.post.push_back(t.size(d)), s.post_x.push_back(t.stride(d));
  }
  const int64_t n = checked_numel(index.sizes), size = size_at(t, dim), stride = stride_at(t, dim);
  s.mid = Dims{n};
  s.offsets.resize(std::size_t(n));
  const int64_t step = index.sizes.size() ? index.strides[0] : 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = index.data[i * step];
    s.offsets[std::size_t(i)] = (v < 0 ? v + size : v) * stride;
  }
  return s;
}

// y's strides for dim_slices: y's dims before dim, its dim, after.
inline void set_y(gather::Slices& s, const TensorBase& y, int dim) {
  s.pre_y = Dims{}, s.post_y = Dims{};
  for (int d = 0; d < y.dim(); ++d) {
    if (d < dim) s.pre_y.push_back(y.stride(d));
    if (d > dim) s.post_y.push_back(y.stride(d));
  }
  s.mid_y = Dims{stride_at(y, dim)};
}

// y's expected shape in index_add/index_copy: self's with dim's size the index's length.
inline void check_source(const char* op, const TensorBase& self, int dim, int64_t n, const TensorBase& source) {
  Dims want = self.sizes();
  if (self.dim()) want[dim] = n;
  const bool ok = source.sizes() == want || (!self.dim() && source.numel() == n && source.dim() <= 1);
  if (!ok)
    throw std::invalid_argument(std::string(op) + ": source must have shape " + to_string(want) + " (self's, dim " +
                                std::to_string(dim) + " of the index's length), got " + to_string(source.sizes()));
}

// gather/scatter: index has self's (and src's) number of dims and, but along dim,
// sizes no larger than self's (and than src's everywhere, for scatter).
inline void check_along(const char* op, const TensorBase& self, int dim, const TensorBase& index,
                        const TensorBase* src) {
  if (index.dim() != self.dim())
    throw std::invalid_argument(std::string(op) + ": index must have as many dims as self (" +
                                std::to_string(self.dim()) + "), got shape " + to_string(index.sizes()));
  if (src && src->dim() != index.dim())
    throw std::invalid_argument(std::string(op) + ": src must have as many dims as index (" +
                                std::to_string(index.dim()) + "), got shape " + to_string(src->sizes()));
  for (int d = 0; d < index.dim(); ++d) {
    if (d != dim && index.size(d) > self.size(d))
      throw std::invalid_argument(std::string(op) + ": index " + to_string(index.sizes()) + " is larger than self " +
                                  to_string(self.sizes()) + " in dim " + std::to_string(d));
    if (src && index.size(d) > src->size(d))
      throw std::invalid_argument(std::string(op) + ": index " + to_string(index.sizes()) + " is larger than src " +
                                  to_string(src->sizes()) + " in dim " + std::to_string(d));
  }
}

// src itself, or a copy where it shares memory with the tensor written.
template <class TensorT>
TensorT detached(const TensorT& src, const TensorBase& written) {
  using T = typename TensorT::value_type;
  return overlap::span_of(src, sizeof(T)).intersects(overlap::span_of(written, sizeof(T))) ? contiguous_copy(src)
                                                                                              : src;
}

template <class TensorT>
char* bytes_of(const TensorT& t) {
  return reinterpret_cast<char*>(t.data());
}

// x[xo] += alpha * y[yo] in the compute type, over the core's pairs.
template <class T>
auto adder(T* x, const T* y, compute_t<T> alpha) {
  using C = compute_t<T>;
  return [=](const int64_t* xo, const int64_t* yo, int64_t n, int64_t run) {
    for (int64_t k = 0; k < n; ++k)
      for (int64_t r = 0; r < run; ++r) x[xo[k] + r] = T(C(x[xo[k] + r]) + alpha * C(y[yo[k] + r]));
  };
}

}  // namespace index_detail

namespace native {

template <class TensorT, class IndexT>
TensorT index_select(const TensorT& self, int64_t dim, const IndexT& index) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("index_select", dim, self.dim());
  const gather::View<int64_t> idx =
      index_detail::vector_index("index_select", self, index, d, false);
  Dims sizes = self.sizes();
  if (self.dim()) sizes[d] = index.numel();
  TensorT out = TensorT::empty(sizes);
  gather::Slices s = index_detail::dim_slices(self, d, idx);
  index_detail::set_y(s, out, d);
  ReleaseGil unlocked(out.numel());
  s.copy(index_detail::bytes_of(self), index_detail::bytes_of(out), sizeof(T), true);
  return out;
}

template <class TensorT, class IndexT>
TensorT& index_copy_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& source) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("index_copy_", dim, self.dim());
  const gather::View<int64_t> idx =
      index_detail::vector_index("index_copy_", self, index, d, false);
  index_detail::check_source("index_copy_", self, d, index.numel(), source);
  overlap::check_writable(self);
  const TensorT src = index_detail::detached(source, self);
  gather::Slices s = index_detail::dim_slices(self, d, idx);
  index_detail::set_y(s, src, d);
  ReleaseGil unlocked(src.numel());
  s.copy(index_detail::bytes_of(self), index_detail::bytes_of(src), sizeof(T), false);
  return self;
}

template <class TensorT, class IndexT>
TensorT index_copy(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& source) {
  TensorT out = contiguous_copy(self);
  return index_copy_(out, dim, index, source);
}

template <class TensorT, class IndexT>
TensorT& index_fill_(TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("index_fill_", dim, self.dim());
  const gather::View<int64_t> idx =
      index_detail::vector_index("index_fill_", self, index, d, true);
  overlap::check_writable(self);
  gather::Slices s = index_detail::dim_slices(self, d, idx);
  s.pre_y = Dims(s.pre.size(), 0), s.mid_y = Dims{0}, s.post_y = Dims(s.post.size(), 0);  // one value everywhere
  T v = value.value;
  ReleaseGil unlocked(self.numel());
  s.copy(index_detail::bytes_of(self), reinterpret_cast<char*>(&v), sizeof(T), false);
  return self;
}

template <class TensorT, class IndexT>
TensorT index_fill(const TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  TensorT out = contiguous_copy(self);
  return index_fill_(out, dim, index, value);
}

// Serial: duplicate indices add to one slice in turn.
template <class TensorT, class IndexT>
TensorT& index_add_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& source,
                    Scalar<typename TensorT::value_type> alpha) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("index_add_", dim, self.dim());
  const gather::View<int64_t> idx =
      index_detail::vector_index("index_add_", self, index, d, false);
  index_detail::check_source("index_add_", self, d, index.numel(), source);
  overlap::check_writable(self);
  const TensorT src = index_detail::detached(source, self);
  gather::Slices s = index_detail::dim_slices(self, d, idx);
  index_detail::set_y(s, src, d);
  ReleaseGil unlocked(src.numel());
  s.walk(false, index_detail::adder<T>(self.data(), src.data(), compute_t<T>(alpha.value)));
  return self;
}

template <class TensorT, class IndexT>
TensorT index_add(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& source,
                  Scalar<typename TensorT::value_type> alpha) {
  TensorT out = contiguous_copy(self);
  return index_add_(out, dim, index, source, alpha);
}

template <class TensorT, class IndexT>
TensorT gather(const TensorT& self, int64_t dim, const IndexT& index) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("gather", dim, self.dim());
  index_detail::check_along("gather", self, d, index, nullptr);
  const gather::View<int64_t> idx = gather::view_of<int64_t>(index);
  const int64_t size = index_detail::size_at(self, d);
  gather::check_range("gather", idx, d, size, false);
  TensorT out = TensorT::empty(index.sizes());
  const gather::Along a{idx, d, size, self.strides(), out.strides()};
  ReleaseGil unlocked(out.numel());
  a.copy(index_detail::bytes_of(self), index_detail::bytes_of(out), sizeof(T), true);
  return out;
}

template <class TensorT, class IndexT>
gather::Along scatter_plan(const char* op, const TensorT& self, int64_t dim, const IndexT& index,
                           const TensorT* src) {
  const int d = gather::wrap_dim(op, dim, self.dim());
  index_detail::check_along(op, self, d, index, src);
  const gather::View<int64_t> idx = gather::view_of<int64_t>(index);
  const int64_t size = index_detail::size_at(self, d);
  gather::check_range(op, idx, d, size, false);
  overlap::check_writable(self);
  return {idx, d, size, self.strides(),
          src ? src->strides() : Dims(index.dim(), 0)};
}

template <class TensorT, class IndexT>
TensorT& scatter_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  using T = typename TensorT::value_type;
  const gather::Along a = scatter_plan("scatter_", self, dim, index, &src);
  const TensorT s = index_detail::detached(src, self);
  ReleaseGil unlocked(index.numel());
  a.copy(index_detail::bytes_of(self), index_detail::bytes_of(s), sizeof(T), false);
  return self;
}

template <class TensorT, class IndexT>
TensorT scatter(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  TensorT out = contiguous_copy(self);
  return scatter_(out, dim, index, src);
}

template <class TensorT, class IndexT>
TensorT& scatter_value_(TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  using T = typename TensorT::value_type;
  const gather::Along a = scatter_plan("scatter_value_", self, dim, index, static_cast<const TensorT*>(nullptr));
  T v = value.value;
  ReleaseGil unlocked(index.numel());
  a.copy(index_detail::bytes_of(self), reinterpret_cast<char*>(&v), sizeof(T), false);
  return self;
}

template <class TensorT, class IndexT>
TensorT scatter_value(const TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  TensorT out = contiguous_copy(self);
  return scatter_value_(out, dim, index, value);
}

// Split by the elements of self's dim each thread owns, so duplicates add in turn.
template <class TensorT, class IndexT>
TensorT& scatter_add_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  using T = typename TensorT::value_type;
  const gather::Along a = scatter_plan("scatter_add_", self, dim, index, &src);
  const TensorT s = index_detail::detached(src, self);
  ReleaseGil unlocked(index.numel());
  a.walk(true, true, index_detail::adder<T>(self.data(), s.data(), compute_t<T>(1)));
  return self;
}

template <class TensorT, class IndexT>
TensorT scatter_add(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  TensorT out = contiguous_copy(self);
  return scatter_add_(out, dim, index, src);
}

// self's elements at the row-major positions index names (negatives from the end), in index's shape.
template <class TensorT, class IndexT>
TensorT take(const TensorT& self, const IndexT& index) {
  using T = typename TensorT::value_type;
  const TensorT flat = reshape(self, Dims{self.numel()});
  const gather::View<int64_t> idx = gather::view_of<int64_t>(index);
  gather::check_range("take", idx, 0, self.numel(), true);
  TensorT out = TensorT::empty(index.sizes());
  gather::Slices s;
  s.mid = index.sizes();
  s.mid_y = out.strides();
  s.offsets.resize(std::size_t(index.numel()));
  const int64_t n = self.numel(), stride = flat.stride(0);
  gather::walk_dense(index.sizes(), index.strides(), [&](const int64_t* xo, const int64_t* yo, int64_t k, int64_t) {
    for (int64_t i = 0; i < k; ++i) {
      const int64_t v = idx.data[xo[i]];
      s.offsets[std::size_t(yo[i])] = (v < 0 ? v + n : v) * stride;
    }
  });
  ReleaseGil unlocked(out.numel());
  s.copy(index_detail::bytes_of(flat), index_detail::bytes_of(out), sizeof(T), true);
  return out;
}

// gather along dim with self and indices broadcast but along dim; without dim, take of the flattened.
template <class TensorT, class IndexT>
TensorT take_along_dim(const TensorT& self, const IndexT& indices, std::optional<int64_t> dim) {
  if (!dim) return take(self, reshape(indices, Dims{indices.numel()}));
  const int d = gather::wrap_dim("take_along_dim", *dim, self.dim());
  if (self.dim() != indices.dim())
    throw std::invalid_argument("take_along_dim: indices must have as many dims as self (" +
                                std::to_string(self.dim()) + "), got shape " + to_string(indices.sizes()));
  if (self.dim() == 0) return take(self, indices);
  Dims a = self.sizes(), b = indices.sizes();
  a[d] = 1, b[d] = 1;
  const Dims* both[2] = {&a, &b};
  Dims shape = broadcast_shapes(both, 2);
  Dims self_shape = shape, index_shape = shape;
  self_shape[d] = self.size(d), index_shape[d] = indices.size(d);
  const TensorT x(view::expand(self, self_shape));
  const IndexT i(view::expand(indices, index_shape));
  // gather's checks, with negative indices counted from the end as torch's take_along_dim does
  const gather::View<int64_t> idx = gather::view_of<int64_t>(i);
  gather::check_range("take_along_dim", idx, d, x.size(d), true);
  using T = typename TensorT::value_type;
  TensorT out = TensorT::empty(index_shape);
  const gather::Along along{idx, d, x.size(d), x.strides(), out.strides()};
  ReleaseGil unlocked(out.numel());
  along.copy(index_detail::bytes_of(x), index_detail::bytes_of(out), sizeof(T), true);
  return out;
}

// The elements of self where mask (broadcast with self) is true, row-major, as a 1-D tensor.
template <class TensorT, class MaskT>
TensorT masked_select(const TensorT& self, const MaskT& mask) {
  using T = typename TensorT::value_type;
  const Dims* both[2] = {&self.sizes(), &mask.sizes()};
  const Dims shape = broadcast_shapes(both, 2);
  const TensorBase x = view::expand(self, shape), m = view::expand(mask, shape);
  gather::Slices s;
  s.offsets = gather::true_offsets(gather::view_of<uint8_t>(m), x.strides());
  const int64_t n = int64_t(s.offsets.size());
  TensorT out = TensorT::empty(Dims{n});
  s.mid = Dims{n}, s.mid_y = Dims{1};
  ReleaseGil unlocked(n);
  s.copy(x.bytes(sizeof(T)), index_detail::bytes_of(out), sizeof(T), true);
  return out;
}

// The coordinates of self's nonzero elements (NaN is nonzero, -0.0 is not), one row each, row-major.
template <class TensorT>
index_detail::LongOf<TensorT> nonzero(const TensorT& self) {
  using T = typename TensorT::value_type;
  using C = compute_t<T>;
  using LongT = index_detail::LongOf<TensorT>;
  std::vector<uint8_t> flags(std::size_t(self.numel()));
  const T* x = self.data();
  gather::walk_dense(self.sizes(), self.strides(), [&](const int64_t* xo, const int64_t* yo, int64_t n, int64_t) {
    for (int64_t k = 0; k < n; ++k) flags[std::size_t(yo[k])] = C(x[xo[k]]) != C(0);
  });
  const gather::View<uint8_t> mask{flags.data(), self.sizes(), contiguous_strides(self.sizes())};
  const int64_t count = gather::count_true(mask);
  const std::vector<int64_t> at = gather::true_positions(mask);
  LongT out = LongT::empty(Dims{count, self.dim()});
  std::copy(at.begin(), at.end(), out.data());
  return out;
}

template <class TensorT>
index_detail::LongOf<TensorT> argwhere(const TensorT& self) {
  return nonzero(self);
}

}  // namespace native

}  // namespace satchel
