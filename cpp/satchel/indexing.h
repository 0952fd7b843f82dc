// Python indexing of a unit's tensors: basic keys give the core's views
// (core/index.h), typed; keys with integer arrays or masks copy (core/fancy.h).
// Assigning through an index writes a number, a tensor or anything `tensor()`
// accepts, broadcast to t[key].
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "core/fancy.h"
#include "core/index.h"
#include "core/overlap.h"
#include "from_python.h"
#include "gil.h"
#include "operand.h"
#include "pointwise.h"
#include "views.h"

namespace satchel {

// t[key] for a key with arrays or masks (host memory): a new tensor.
template <class TensorT>
TensorT index_gather(const TensorT& t, PyObject* key) {
  using T = typename TensorT::value_type;
  fancy::Plan plan = fancy::plan_of_key(t, key);
  TensorT out = TensorT::empty(plan.result);
  plan.with_y(out.strides());
  ReleaseGil unlocked(out.numel());
  plan.slices.copy(plan.view.bytes(sizeof(T)), reinterpret_cast<char*>(out.data()), sizeof(T), true);
  return out;
}

// Advanced indexing of device tensors (cuda/indexing.h).
template <class TensorT>
TensorT device_index_gather(const TensorT& t, PyObject* key);
template <class TensorT>
void device_index_scatter(const TensorT& t, PyObject* key, nb::handle value);

// t[key]: the view, or for an advanced key the copy.
template <class TensorT>
TensorT index_view(const TensorT& t, nb::handle key) {
  TensorBase view;
  if (view_of_key(t, key.ptr(), view)) return TensorT(std::move(view));
  if constexpr (TensorT::device == Device::cpu)
    return index_gather(t, key.ptr());
  else
    return device_index_gather(t, key.ptr());
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

// value as a tensor of the unit: itself, a 0-d tensor of a Python number, or tensor(value).
template <class TensorT>
TensorT value_tensor(nb::handle value) {
  using T = typename TensorT::value_type;
  if (nb::isinstance<TensorT>(value)) return nb::cast<const TensorT&>(value);
  T scalar;
  if ((PyBool_Check(value.ptr()) || PyLong_Check(value.ptr()) || PyFloat_Check(value.ptr())) &&
      load_element(value, true, scalar))
    return native::full<TensorT>(Dims{}, scalar);
  return native::tensor<TensorT>(nb::borrow(value));
}

// t[key] = src for a key with arrays or masks (host memory): src broadcast to
// t[key]'s shape, written at the elements the key names (of duplicates, one
// value stays). A src that shares memory with t is copied first.
template <class TensorT>
void index_scatter(const TensorT& t, PyObject* key, TensorT src) {
  using T = typename TensorT::value_type;
  fancy::Plan plan = fancy::plan_of_key(t, key);
  if (overlap::span_of(src, sizeof(T)).intersects(overlap::span_of(t, sizeof(T)))) src = contiguous_copy(src);
  overlap::check_writable(plan.view);
  plan.with_y(view::expand(src, plan.result).strides());
  ReleaseGil unlocked(checked_numel(plan.result));
  plan.slices.copy(plan.view.bytes(sizeof(T)), reinterpret_cast<char*>(src.data()), sizeof(T), false);
}

// t[key] = value.
template <class TensorT>
void index_assign(const TensorT& t, nb::handle key, nb::handle value) {
  using T = typename TensorT::value_type;
  TensorBase view;
  if (!view_of_key(t, key.ptr(), view)) return index_scatter(t, key.ptr(), value_tensor<TensorT>(value));
  assign(TensorT(std::move(view)), value, native::tensor<TensorT>,
         [](const TensorT& target, const Operand<TensorT>& src) { map_into<T>(detail::Identity{}, target, src); });
}

}  // namespace satchel
