// Python basic indexing of a unit's tensors: the core's views (core/index.h),
// typed. Assigning through an index writes a number, a tensor or anything
// `tensor()` accepts, broadcast to the view.
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "core/index.h"
#include "from_python.h"
#include "operand.h"
#include "pointwise.h"
#include "views.h"

namespace satchel {

// The view t[key].
template <class TensorT>
TensorT index_view(const TensorT& t, nb::handle key) {
  return TensorT(view_of_key(t, key.ptr()));
}

// target = value, for t[key] = value on any device: value is a tensor of the
// unit, a Python number, or anything tensor_of (the device's tensor()) takes;
// copy(target, operand) writes it, broadcast.
template <class TensorT, class TensorOf, class Copy>
void assign(const TensorT& target, nb::handle value, TensorOf tensor_of, Copy copy) {
  using T = typename TensorT::value_type;
  if (nb::isinstance<TensorT>(value)) {
    copy(target, Operand<TensorT>(nb::cast<const TensorT&>(value)));
    return;
  }
  T scalar;
  if ((PyBool_Check(value.ptr()) || PyLong_Check(value.ptr()) || PyFloat_Check(value.ptr())) &&
      load_element(value, true, scalar)) {
    copy(target, Operand<TensorT>(scalar));
    return;
  }
  const TensorT src = tensor_of(nb::borrow(value));
  copy(target, Operand<TensorT>(src));
}

// t[key] = value.
template <class TensorT>
void index_assign(const TensorT& t, nb::handle key, nb::handle value) {
  using T = typename TensorT::value_type;
  assign(index_view(t, key), value, native::tensor<TensorT>,
         [](const TensorT& target, const Operand<TensorT>& src) { map_into<T>(detail::Identity{}, target, src); });
}

}  // namespace satchel
