// The typed side of iteration: the shape and layout of a pointwise op's result
// from its operands (tensors or numbers). The walking itself is the core's
// (core/iter.h).
#pragma once

#include <array>
#include <cstddef>

#include "core/iter.h"
#include "shape.h"

namespace satchel {

template <std::size_t N>
Dims broadcast_shapes(const std::array<const Dims*, N>& shapes) {
  return broadcast_shapes(shapes.data(), int(N));
}

// The shape of a pointwise op's result and the strides of a new tensor for it:
// those of the first input of that shape when it is dense (a transpose, say),
// as NumPy and PyTorch lay results out, so that x.t() + y.t() walks all three in
// memory order where a row-major result would read x and y down their columns;
// else row-major. Inputs are Operands (tensors or numbers).
struct ResultLayout {
  Dims sizes;
  Dims strides;
};

template <class First, class... Rest>
ResultLayout result_layout(const First& first, const Rest&... rest) {
  std::array<const Dims*, 1 + sizeof...(Rest)> shapes{&first.sizes(), &rest.sizes()...};
  const bool same = ((rest.sizes() == first.sizes()) && ...);
  ResultLayout r{same ? first.sizes() : broadcast_shapes(shapes), {}};
  const Dims* like = nullptr;
  const auto consider = [&](const auto& input) {
    if (!like && !input.is_scalar() && input.sizes() == r.sizes) like = &input.strides();
  };
  consider(first);
  (consider(rest), ...);
  r.strides = like ? strides_like(r.sizes, *like) : contiguous_strides(r.sizes);
  return r;
}

}  // namespace satchel
