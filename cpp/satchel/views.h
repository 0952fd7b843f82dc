// The view natives as typed functions of a unit: each is the core's view
// (core/views.h) of the same element type. Those that may copy (reshape,
// flatten, contiguous, clone) copy through contiguous_copy.
#pragma once

#include <cstdint>
#include <optional>

#include "core/views.h"
#include "pointwise.h"
#include "tensor.h"

namespace satchel::native {

template <class TensorT>
TensorT narrow(const TensorT& self, int64_t dim, int64_t start, int64_t length) {
  return TensorT(view::narrow(self, dim, start, length));
}

template <class TensorT>
TensorT select(const TensorT& self, int64_t dim, int64_t index) {
  return TensorT(view::select(self, dim, index));
}

template <class TensorT>
TensorT transpose(const TensorT& self, int64_t dim0, int64_t dim1) {
  return TensorT(view::transpose(self, dim0, dim1));
}

template <class TensorT>
TensorT t(const TensorT& self) {
  return TensorT(view::t(self));
}

template <class TensorT>
TensorT permute(const TensorT& self, const Dims& dims) {
  return TensorT(view::permute(self, dims));
}

template <class TensorT>
TensorT unfold(const TensorT& self, int64_t dim, int64_t size, int64_t step) {
  return TensorT(view::unfold(self, dim, size, step));
}

template <class TensorT>
TensorT expand(const TensorT& self, const Dims& size) {
  return TensorT(view::expand(self, size));
}

template <class TensorT>
TensorT view(const TensorT& self, const Dims& shape) {
  return TensorT(view::view(self, shape));
}

template <class TensorT>
TensorT squeeze(const TensorT& self, std::optional<int64_t> dim) {
  return TensorT(view::squeeze(self, dim));
}

template <class TensorT>
TensorT unsqueeze(const TensorT& self, int64_t dim) {
  return TensorT(view::unsqueeze(self, dim));
}

// A view with the given shape when the strides allow one, else a reshaped copy.
template <class TensorT>
TensorT reshape(const TensorT& self, const Dims& shape) {
  const Dims sizes = view::infer_shape("reshape", shape, self.numel());
  if (std::optional<TensorBase> v = view::reshape_view(self, sizes)) return TensorT(std::move(*v));
  const TensorT c = contiguous_copy(self);
  return TensorT(c.storage(), c.storage_offset(), sizes, contiguous_strides(sizes));
}

template <class TensorT>
TensorT flatten(const TensorT& self) {
  return reshape(self, Dims{self.numel()});
}

// self when it is contiguous, else a contiguous copy.
template <class TensorT>
TensorT contiguous(const TensorT& self) {
  return self.is_contiguous() ? self : contiguous_copy(self);
}

template <class TensorT>
TensorT clone(const TensorT& self) {
  return contiguous_copy(self);
}

}  // namespace satchel::native
