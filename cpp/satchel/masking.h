// where and masked_fill: each element chosen from one of two operands by a bool
// tensor, all broadcast together. The moving is the device's select_elements
// (device.h, cuda/runtime.h), so these natives serve every device.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "core/overlap.h"
#include "device.h"
#include "iter.h"

namespace satchel::detail {

// The condition as select_elements may read it while writing out: a copy when
// their memory meets (a bool unit's masked_fill_ by a view of itself). A mask of
// another unit over self's own bytes (imported twice) is refused, not copied: a
// unit copies only its own dtype.
template <class BoolT, class TensorT>
BoolT apart_from(const BoolT& condition, const TensorT& out) {
  using O = typename TensorT::value_type;
  if (!overlap::span_of(condition, 1).intersects(overlap::span_of(out, sizeof(O)))) return condition;
  if constexpr (std::is_same_v<BoolT, TensorT>)
    return contiguous_copy(condition);
  else
    throw std::invalid_argument("masked_fill_: mask shares memory with self");
}

}  // namespace satchel::detail

namespace satchel::native {

template <class TensorT, class BoolT>
TensorT where(const BoolT& condition, const TensorT& self, const TensorT& other) {
  const std::array<const Dims*, 3> shapes{&condition.sizes(), &self.sizes(), &other.sizes()};
  const Dims shape = broadcast_shapes(shapes);
  const Dims* like = self.sizes() == shape ? &self.strides() : other.sizes() == shape ? &other.strides() : nullptr;
  TensorT out = new_empty(self, shape, like ? strides_like(shape, *like) : contiguous_strides(shape));
  select_elements(out, condition, Operand<TensorT>(self), Operand<TensorT>(other));
  return out;
}

template <class TensorT, class BoolT>
TensorT masked_fill(const TensorT& self, const BoolT& mask, Scalar<typename TensorT::value_type> value) {
  const std::array<const Dims*, 2> shapes{&self.sizes(), &mask.sizes()};
  const Dims shape = broadcast_shapes(shapes);
  TensorT out = new_empty(self, shape, self.sizes() == shape ? strides_like(shape, self.strides()) : contiguous_strides(shape));
  select_elements(out, mask, Operand<TensorT>(value.value), Operand<TensorT>(self));
  return out;
}

template <class TensorT, class BoolT>
TensorT& masked_fill_(TensorT& self, const BoolT& mask, Scalar<typename TensorT::value_type> value) {
  const std::array<const Dims*, 2> shapes{&self.sizes(), &mask.sizes()};
  if (broadcast_shapes(shapes) != self.sizes())
    throw std::invalid_argument("masked_fill_: mask of shape " + to_string(mask.sizes()) +
                                " does not broadcast to self's shape " + to_string(self.sizes()));
  if (!self.is_contiguous()) overlap::check_writable(self);
  select_elements(self, detail::apart_from(mask, self), Operand<TensorT>(value.value), Operand<TensorT>(self));
  return self;
}

}  // namespace satchel::native
