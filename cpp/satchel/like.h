// The *_like constructors: new tensors of self's unit, device and shape, laid out
// in self's dim order when self is dense (as PyTorch's preserve_format), so that
// x.t() and zeros_like(x.t()) walk together. Device-generic (device.h).
#pragma once

#include "device.h"

namespace satchel::native {

template <class TensorT>
TensorT empty_like(const TensorT& self) {
  return new_empty(self, self.sizes(), strides_like(self.sizes(), self.strides()));
}

template <class TensorT>
TensorT full_like(const TensorT& self, Scalar<typename TensorT::value_type> fill_value) {
  TensorT t = empty_like(self);
  copy_into(t, Operand<TensorT>(fill_value.value));
  return t;
}

template <class TensorT>
TensorT zeros_like(const TensorT& self) {
  return full_like(self, Scalar<typename TensorT::value_type>{typename TensorT::value_type(0)});
}

template <class TensorT>
TensorT ones_like(const TensorT& self) {
  return full_like(self, Scalar<typename TensorT::value_type>{typename TensorT::value_type(1)});
}

}  // namespace satchel::native
