// flip, roll, rot90, repeat, tile, repeat_interleave and the scatters into slices
// copy through the core's views (core/rearranging.h); movedim is a view. The
// copies are the device's (device.h), so these natives serve every device.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "core/rearranging.h"
#include "core/views.h"
#include "device.h"
#include "views.h"

namespace satchel::detail {

// A new contiguous tensor holding the elements of `source` (any strides).
template <class TensorT>
TensorT copy_of(const TensorT& like, const TensorBase& source) {
  TensorT out = new_empty(like, source.sizes(), contiguous_strides(source.sizes()));
  const TensorT src(source);
  copy_into(out, Operand<TensorT>(src));
  return out;
}

template <class TensorT>
TensorT tiled(const TensorT& self, const view::Tiling& t) {
  TensorT out = new_empty(self, t.result, contiguous_strides(t.result));
  if (!out.numel()) return out;
  const TensorT src(t.source);
  copy_into(TensorT(out.storage(), 0, t.grid, contiguous_strides(t.grid)), Operand<TensorT>(src));
  return out;
}

}  // namespace satchel::detail

namespace satchel::native {

template <class TensorT>
TensorT flip(const TensorT& self, const Dims& dims) {
  return detail::copy_of(self, view::flipped("flip", self, dims));
}

template <class TensorT>
TensorT fliplr(const TensorT& self) {
  if (self.dim() < 2)
    throw std::invalid_argument("fliplr: expected a tensor of at least 2 dims, got shape " + to_string(self.sizes()));
  return detail::copy_of(self, view::flipped("fliplr", self, Dims{1}));
}

template <class TensorT>
TensorT flipud(const TensorT& self) {
  if (self.dim() < 1) throw std::invalid_argument("flipud: expected a tensor of at least 1 dim, got a 0-d tensor");
  return detail::copy_of(self, view::flipped("flipud", self, Dims{0}));
}

// Along each dim the result is two slices of the source swapped: rolled one dim
// at a time, each a copy of two pieces.
template <class TensorT>
TensorT roll(const TensorT& self, const Dims& shifts, const Dims& dims) {
  if (dims.empty()) {
    if (shifts.size() != 1)
      throw std::invalid_argument("roll: without dims, shifts must be one number, got " + to_string(shifts));
    const TensorT rolled = roll(reshape(self, Dims{self.numel()}), shifts, Dims{0});
    return TensorT(rolled.storage(), 0, self.sizes(), contiguous_strides(self.sizes()));
  }
  if (shifts.size() != dims.size())
    throw std::invalid_argument("roll: shifts " + to_string(shifts) + " and dims " + to_string(dims) +
                                " have different lengths");
  TensorT current = self;
  for (int i = 0; i < dims.size(); ++i) {
    const int d = view::wrap_dim("roll", dims[i], self.dim());
    const int64_t size = self.size(d);
    TensorT out = new_empty(self, self.sizes(), contiguous_strides(self.sizes()));
    const int64_t s = size ? ((shifts[i] % size) + size) % size : 0;
    if (s == 0) {
      copy_into(out, Operand<TensorT>(current));
    } else {  // out[s:] = current[:size - s], out[:s] = current[size - s:]
      const TensorT head(view::narrow(current, d, 0, size - s)), tail(view::narrow(current, d, size - s, s));
      copy_into(TensorT(view::narrow(out, d, s, size - s)), Operand<TensorT>(head));
      copy_into(TensorT(view::narrow(out, d, 0, s)), Operand<TensorT>(tail));
    }
    current = std::move(out);
  }
  return current;
}

template <class TensorT>
TensorT rot90(const TensorT& self, int64_t k, const Dims& dims) {
  if (dims.size() != 2) throw std::invalid_argument("rot90: dims must be 2 dims, got " + to_string(dims));
  if (self.dim() < 2) throw std::invalid_argument("rot90: expected a tensor of at least 2 dims, got shape " + to_string(self.sizes()));
  const int a = view::wrap_dim("rot90", dims[0], self.dim()), b = view::wrap_dim("rot90", dims[1], self.dim());
  if (a == b) throw std::invalid_argument("rot90: dims " + to_string(dims) + " name one dim twice");
  switch (((k % 4) + 4) % 4) {
    case 1: return detail::copy_of(self, view::transpose(view::flipped("rot90", self, Dims{b}), a, b));
    case 2: return detail::copy_of(self, view::flipped("rot90", self, Dims{a, b}));
    case 3: return detail::copy_of(self, view::transpose(view::flipped("rot90", self, Dims{a}), a, b));
    default: return detail::copy_of(self, self);
  }
}

template <class TensorT>
TensorT repeat(const TensorT& self, const Dims& repeats) {
  return detail::tiled(self, view::repeat_tiling(self, repeats));
}

template <class TensorT>
TensorT tile(const TensorT& self, const Dims& dims) {
  Dims repeats = dims;
  while (repeats.size() < self.dim()) repeats.insert(0, 1);
  return detail::tiled(self, view::repeat_tiling(self, repeats));
}

template <class TensorT>
TensorT repeat_interleave(const TensorT& self, int64_t repeats, std::optional<int64_t> dim) {
  if (!dim) {
    return repeat_interleave(reshape(self, Dims{self.numel()}), repeats, int64_t(0));
  }
  const int d = view::wrap_dim("repeat_interleave", *dim, self.dim());
  return detail::tiled(self, view::interleave_tiling(self, repeats, d));
}

template <class TensorT>
TensorT movedim(const TensorT& self, const Dims& source, const Dims& destination) {
  return TensorT(view::permute(self, view::movedim_order(self, source, destination)));
}

template <class TensorT>
TensorT narrow_copy(const TensorT& self, int64_t dim, int64_t start, int64_t length) {
  return detail::copy_of(self, view::narrow(self, dim, start, length));
}

template <class TensorT>
TensorT unflatten(const TensorT& self, int64_t dim, const Dims& sizes) {
  const int d = view::wrap_dim("unflatten", dim, self.dim());
  if (sizes.empty()) throw std::invalid_argument("unflatten: sizes must not be empty");
  const Dims part = view::infer_shape("unflatten", sizes, self.size(d));
  Dims shape;
  for (int i = 0; i < self.dim(); ++i) {
    if (i != d) shape.push_back(self.size(i));
    else for (int64_t s : part) shape.push_back(s);
  }
  return reshape(self, shape);
}

// A copy of self with src written over one of its views.
template <class TensorT>
TensorT scatter_into_view(const char* op, const TensorT& self, const TensorT& src, const TensorBase& part) {
  if (src.sizes() != part.sizes())
    throw std::invalid_argument(std::string(op) + ": src has shape " + to_string(src.sizes()) + ", the slice " +
                                to_string(part.sizes()));
  TensorT out = detail::copy_of(self, self);
  const TensorBase target(out.storage(), out.storage_offset() + (part.storage_offset() - self.storage_offset()),
                          part.sizes(), part.strides());
  copy_into(TensorT(target), Operand<TensorT>(src));
  return out;
}

template <class TensorT>
TensorT select_scatter(const TensorT& self, const TensorT& src, int64_t dim, int64_t index) {
  const TensorT c = contiguous(self);
  return scatter_into_view("select_scatter", c, src, view::select(c, dim, index));
}

template <class TensorT>
TensorT slice_scatter(const TensorT& self, const TensorT& src, int64_t dim, std::optional<int64_t> start,
                      std::optional<int64_t> end, int64_t step) {
  const TensorT c = contiguous(self);
  return scatter_into_view("slice_scatter", c, src, view::slice(c, dim, start, end, step));
}

template <class TensorT>
TensorT as_strided(const TensorT& self, const Dims& size, const Dims& stride, std::optional<int64_t> storage_offset) {
  return TensorT(view::as_strided(self, size, stride, storage_offset, sizeof(typename TensorT::value_type)));
}

}  // namespace satchel::native
