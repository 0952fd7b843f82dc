// Joins (cat, stack, hstack, ...) copy each tensor into its slice of a new one;
// splits (split, chunk, unbind, ...) and broadcasts are views. The shapes are the
// core's (core/joining.h); the copies the device's (device.h), so these natives
// serve every device.
#pragma once

#include <string>
#include <vector>

#include "core/joining.h"
#include "core/views.h"
#include "device.h"

namespace satchel::detail {

template <class TensorT>
std::vector<const TensorBase*> bases(const std::vector<TensorT>& tensors) {
  std::vector<const TensorBase*> out;
  out.reserve(tensors.size());
  for (const TensorT& t : tensors) out.push_back(&t);
  return out;
}

template <class TensorT>
std::vector<TensorT> typed(std::vector<TensorBase>&& views) {
  std::vector<TensorT> out;
  out.reserve(views.size());
  for (TensorBase& v : views) out.emplace_back(std::move(v));
  return out;
}

template <class TensorT>
TensorT joined(const char* op, const std::vector<TensorT>& tensors, int64_t dim) {
  int d = 0;
  std::vector<bool> skip;
  const Dims shape = join::cat_shape(op, bases(tensors), dim, d, skip);
  TensorT out = new_empty(tensors[0], shape, contiguous_strides(shape));
  int64_t at = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (skip[i] || tensors[i].size(d) == 0) continue;
    const int64_t n = tensors[i].size(d);
    copy_into(TensorT(view::narrow(out, d, at, n)), Operand<TensorT>(tensors[i]));
    at += n;
  }
  return out;
}

template <class TensorT>
std::vector<TensorT> at_least(const std::vector<TensorT>& tensors, int n) {
  std::vector<TensorT> out;
  out.reserve(tensors.size());
  for (const TensorT& t : tensors) out.emplace_back(join::at_least(t, n));
  return out;
}

}  // namespace satchel::detail

namespace satchel::native {

template <class TensorT>
TensorT cat(const std::vector<TensorT>& tensors, int64_t dim) {
  return detail::joined("cat", tensors, dim);
}

template <class TensorT>
TensorT stack(const std::vector<TensorT>& tensors, int64_t dim) {
  if (tensors.empty()) throw std::invalid_argument("stack: expected a non-empty list of tensors");
  for (std::size_t i = 1; i < tensors.size(); ++i)
    if (tensors[i].sizes() != tensors[0].sizes())
      throw std::invalid_argument("stack: tensor " + std::to_string(i) + " has shape " + to_string(tensors[i].sizes()) +
                                  ", not tensor 0's " + to_string(tensors[0].sizes()));
  const int d = view::wrap_dim("stack", dim, tensors[0].dim(), tensors[0].dim() + 1);
  std::vector<TensorT> lifted;
  lifted.reserve(tensors.size());
  for (const TensorT& t : tensors) lifted.emplace_back(view::unsqueeze(t, d));
  return detail::joined("stack", lifted, d);
}

template <class TensorT>
TensorT hstack(const std::vector<TensorT>& tensors) {
  const std::vector<TensorT> lifted = detail::at_least(tensors, 1);
  return detail::joined("hstack", lifted, !lifted.empty() && lifted[0].dim() == 1 ? 0 : 1);
}

template <class TensorT>
TensorT vstack(const std::vector<TensorT>& tensors) {
  return detail::joined("vstack", detail::at_least(tensors, 2), 0);
}

template <class TensorT>
TensorT dstack(const std::vector<TensorT>& tensors) {
  return detail::joined("dstack", detail::at_least(tensors, 3), 2);
}

template <class TensorT>
std::vector<TensorT> split(const TensorT& self, int64_t split_size, int64_t dim) {
  const int d = view::wrap_dim("split", dim, self.dim());
  return detail::typed<TensorT>(join::split_views("split", self, join::split_sizes(self.size(d), split_size), d));
}

template <class TensorT>
std::vector<TensorT> split_with_sizes(const TensorT& self, const Dims& split_sizes, int64_t dim) {
  return detail::typed<TensorT>(
      join::split_views("split_with_sizes", self, join::Pieces(split_sizes.begin(), split_sizes.end()), dim));
}

template <class TensorT>
std::vector<TensorT> chunk(const TensorT& self, int64_t chunks, int64_t dim) {
  const int d = view::wrap_dim("chunk", dim, self.dim());
  return detail::typed<TensorT>(join::split_views("chunk", self, join::chunk_sizes(self.size(d), chunks), d));
}

template <class TensorT>
std::vector<TensorT> tensor_split(const TensorT& self, int64_t sections, int64_t dim) {
  const int d = view::wrap_dim("tensor_split", dim, self.dim());
  return detail::typed<TensorT>(
      join::split_views("tensor_split", self, join::section_sizes(self.size(d), sections), d));
}

template <class TensorT>
std::vector<TensorT> unbind(const TensorT& self, int64_t dim) {
  const int d = view::wrap_dim("unbind", dim, self.dim());
  std::vector<TensorT> out;
  out.reserve(self.size(d));
  for (int64_t i = 0; i < self.size(d); ++i) out.emplace_back(view::select(self, d, i));
  return out;
}

template <class TensorT>
std::vector<TensorT> broadcast_tensors(const std::vector<TensorT>& tensors) {
  std::vector<const Dims*> shapes;
  for (const TensorT& t : tensors) shapes.push_back(&t.sizes());
  const Dims shape = tensors.empty() ? Dims{} : broadcast_shapes(shapes.data(), int(shapes.size()));
  std::vector<TensorT> out;
  out.reserve(tensors.size());
  for (const TensorT& t : tensors) out.emplace_back(view::expand(t, shape));
  return out;
}

template <class TensorT>
std::vector<TensorT> meshgrid(const std::vector<TensorT>& tensors, const std::string& indexing) {
  if (indexing != "ij" && indexing != "xy")
    throw std::invalid_argument("meshgrid: indexing must be 'ij' or 'xy', not '" + indexing + "'");
  const bool xy = indexing == "xy";
  const Dims grid = join::grid_shape(detail::bases(tensors), xy);
  std::vector<TensorT> out;
  out.reserve(tensors.size());
  for (std::size_t k = 0; k < tensors.size(); ++k) out.emplace_back(join::grid_view(tensors[k], int(k), grid, xy));
  return out;
}

}  // namespace satchel::native
