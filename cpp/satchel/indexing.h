// Python basic indexing of tensors (NumPy's rules): t[1], t[-1], t[2:8:3],
// t[::-1], t[..., None], t[1, :, 2]. Every result is a view of t; an index for
// every dimension gives a 0-d tensor. Assigning through an index writes a
// number, a tensor or anything `tensor()` accepts, broadcast to the view.
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "from_python.h"
#include "operand.h"
#include "pointwise.h"
#include "views.h"

namespace satchel {

// The view t[key].
template <class TensorT>
TensorT index_view(const TensorT& t, nb::handle key) {
  // The key's items: a tuple's, or the key itself (not copied: t[3] is a hot path).
  const bool tuple = PyTuple_Check(key.ptr());
  const Py_ssize_t count = tuple ? PyTuple_GET_SIZE(key.ptr()) : 1;
  const auto item = [&](Py_ssize_t i) { return nb::handle(tuple ? PyTuple_GET_ITEM(key.ptr(), i) : key.ptr()); };
  // How many dims the key consumes, to know what an Ellipsis stands for.
  int consumed = 0;
  bool ellipsis = false;
  for (Py_ssize_t i = 0; i < count; ++i) {
    const nb::handle h = item(i);
    if (h.is_none()) continue;
    if (h.ptr() == Py_Ellipsis) {
      if (ellipsis) throw index_error("an index can only have a single ellipsis ('...')");
      ellipsis = true;
      continue;
    }
    if (PyBool_Check(h.ptr()) || !(PySlice_Check(h.ptr()) || PyIndex_Check(h.ptr())))
      throw type_error(std::string("satchel tensors are indexed by ints, slices, None and ..., not ") +
                       Py_TYPE(h.ptr())->tp_name);
    ++consumed;
  }
  if (consumed > t.dim())
    throw index_error("too many indices for a tensor of " + std::to_string(t.dim()) + " dimensions: " +
                      std::to_string(consumed) + " were indexed");
  int64_t offset = t.storage_offset();
  Dims sizes, strides;
  int d = 0;  // the next dim of t
  for (Py_ssize_t i = 0; i < count; ++i) {
    const nb::handle h = item(i);
    if (h.is_none()) {
      sizes.push_back(1);
      strides.push_back(d < t.dim() ? t.stride(d) * t.size(d) : 1);
    } else if (h.ptr() == Py_Ellipsis) {
      for (const int stop = d + t.dim() - consumed; d < stop; ++d) {
        sizes.push_back(t.size(d));
        strides.push_back(t.stride(d));
      }
    } else if (PySlice_Check(h.ptr())) {
      Py_ssize_t start, stop, step;
      if (PySlice_Unpack(h.ptr(), &start, &stop, &step) < 0) throw nb::python_error();
      const Py_ssize_t n = PySlice_AdjustIndices(Py_ssize_t(t.size(d)), &start, &stop, step);
      if (n > 0) offset += int64_t(start) * t.stride(d);
      sizes.push_back(n);
      strides.push_back(int64_t(step) * t.stride(d));
      ++d;
    } else {
      const int64_t index = PyLong_AsLongLong(nb::steal(PyNumber_Index(h.ptr())).ptr());
      if (index == -1 && PyErr_Occurred()) throw nb::python_error();
      const int64_t size = t.size(d);
      if (index < -size || index >= size)
        throw index_error("index " + std::to_string(index) + " is out of range for dim " + std::to_string(d) +
                          " of size " + std::to_string(size));
      offset += (index < 0 ? index + size : index) * t.stride(d);
      ++d;
    }
  }
  for (; d < t.dim(); ++d) {
    sizes.push_back(t.size(d));
    strides.push_back(t.stride(d));
  }
  return TensorT(t.storage(), offset, sizes, strides);
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
