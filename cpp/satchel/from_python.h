// The native op `tensor`: a new tensor copied from a Python number, a nested
// sequence or any object with the buffer protocol.
#pragma once

#include <pybind11/pybind11.h>

#include <cstring>
#include <string>

#include "bind.h"
#include "cast.h"
#include "pointwise.h"

namespace satchel {
namespace detail {

// Copies a strided buffer of source type S into contiguous dst.
template <class T, class S>
void copy_buffer(const py::buffer_info& info, T* dst) {
  Dims idx(int(info.ndim));
  const int64_t n = info.size;
  const char* p = static_cast<const char*>(info.ptr);
  for (int64_t i = 0; i < n; ++i) {
    S v;
    std::memcpy(&v, p, sizeof v);
    dst[i] = convert<T>(v);
    for (int d = int(info.ndim) - 1; d >= 0; --d) {
      p += info.strides[d];
      if (++idx[d] < info.shape[d]) break;
      p -= info.strides[d] * info.shape[d];
      idx[d] = 0;
    }
  }
}

// What a buffer's elements are: '?' bool, 'i' signed, 'u' unsigned, 'f' float, 0 unknown.
inline char element_kind(const py::buffer_info& info) {
  std::string f = info.format;
  if (!f.empty() && (f[0] == '@' || f[0] == '=' || f[0] == '<')) f = f.substr(1);
  if (f.size() != 1) return 0;
  if (f[0] == '?') return '?';
  if (std::string("efd").find(f[0]) != std::string::npos) return 'f';
  if (std::string("bhilqn").find(f[0]) != std::string::npos) return 'i';
  if (std::string("BHILQN").find(f[0]) != std::string::npos) return 'u';
  return 0;
}

template <class T>
constexpr char element_kind() {
  if constexpr (std::is_same_v<T, bool>) return '?';
  else if constexpr (is_floating<T>) return 'f';
  else if constexpr (std::is_signed_v<T>) return 'i';
  else return 'u';
}

template <class T>
void copy_any_buffer(const py::buffer_info& info, T* dst) {
  switch (element_kind(info) * 16 + int(info.itemsize)) {
    case '?' * 16 + 1: return copy_buffer<T, bool>(info, dst);
    case 'f' * 16 + 2: return copy_buffer<T, half>(info, dst);
    case 'f' * 16 + 4: return copy_buffer<T, float>(info, dst);
    case 'f' * 16 + 8: return copy_buffer<T, double>(info, dst);
    case 'i' * 16 + 1: return copy_buffer<T, int8_t>(info, dst);
    case 'i' * 16 + 2: return copy_buffer<T, int16_t>(info, dst);
    case 'i' * 16 + 4: return copy_buffer<T, int32_t>(info, dst);
    case 'i' * 16 + 8: return copy_buffer<T, int64_t>(info, dst);
    case 'u' * 16 + 1: return copy_buffer<T, uint8_t>(info, dst);
    case 'u' * 16 + 2: return copy_buffer<T, uint16_t>(info, dst);
    case 'u' * 16 + 4: return copy_buffer<T, uint32_t>(info, dst);
    case 'u' * 16 + 8: return copy_buffer<T, uint64_t>(info, dst);
  }
  throw py::type_error("tensor: cannot read buffer elements of format '" + info.format + "'");
}

inline bool is_sequence(py::handle h) {
  return PySequence_Check(h.ptr()) && !PyUnicode_Check(h.ptr()) && !PyBytes_Check(h.ptr());
}

inline std::string index_text(const Dims& idx, int depth) {
  std::string s = "[";
  for (int i = 0; i < depth; ++i) s += (i ? ", " : "") + std::to_string(idx[i]);
  return s + "]";
}

template <class T>
void fill_from_sequence(py::handle h, const Dims& shape, int depth, Dims& idx, T*& out) {
  if (depth == shape.size()) {
    if (is_sequence(h))
      throw py::value_error("tensor: ragged nested sequence: element " + index_text(idx, depth) +
                            " is a sequence where a number was expected");
    try {
      *out++ = h.cast<T>();
    } catch (const py::cast_error&) {
      throw py::type_error("tensor: element " + index_text(idx, depth) + " is " + py::repr(h).cast<std::string>() +
                           ", not a number of dtype " + DType<T>::name);
    }
    return;
  }
  if (!is_sequence(h) || py::len(h) != std::size_t(shape[depth]))
    throw py::value_error("tensor: ragged nested sequence: element " + index_text(idx, depth) +
                          " should be a sequence of length " + std::to_string(shape[depth]));
  const py::sequence seq = py::reinterpret_borrow<py::sequence>(h);
  for (int64_t i = 0; i < shape[depth]; ++i) {
    idx[depth] = i;
    fill_from_sequence(seq[std::size_t(i)], shape, depth + 1, idx, out);
  }
}

}  // namespace detail

namespace native {

template <class TensorT>
TensorT tensor(py::object data) {
  using T = typename TensorT::value_type;
  if (py::isinstance<TensorT>(data)) return contiguous_copy(data.cast<const TensorT&>());
  if (PyObject_CheckBuffer(data.ptr()) && !PyBytes_Check(data.ptr())) {
    const py::buffer_info info = py::reinterpret_borrow<py::buffer>(data).request();
    Dims shape(int(info.ndim));
    for (int d = 0; d < shape.size(); ++d) shape[d] = info.shape[d];
    TensorT t = TensorT::empty(shape);
    if (t.numel()) detail::copy_any_buffer(info, t.data());
    return t;
  }
  Dims shape;
  for (py::object h = data; detail::is_sequence(h);) {
    const std::size_t n = py::len(h);
    shape.push_back(int64_t(n));
    if (n == 0) break;
    h = py::reinterpret_borrow<py::sequence>(h)[0];
  }
  TensorT t = TensorT::empty(shape);
  Dims idx(shape.size());
  T* out = t.data();
  detail::fill_from_sequence(data, shape, 0, idx, out);
  return t;
}

// x itself when it is a tensor of a satchel unit, else a TypeError naming what it is.
inline const py::object& satchel_tensor(const py::object& x, const char* op) {
  const py::handle cls = py::type::handle_of(x);
  const std::string module = py::hasattr(cls, "__module__") ? py::str(cls.attr("__module__")).cast<std::string>() : "";
  if (module.rfind("satchel._units.", 0) != 0 || !py::hasattr(cls, "dtype") || !py::hasattr(cls, "device"))
    throw py::type_error(std::string(op) + ": expected a tensor of a satchel unit, got " +
                         py::str(cls).cast<std::string>() + " (tensor() takes numbers, sequences and buffers)");
  return x;
}

// T.from_tensor(x): a copy of x (any unit) in T's dtype, converted through the host.
template <class TensorT>
TensorT from_tensor(py::object x) {
  if (satchel_tensor(x, "from_tensor").attr("device").cast<std::string>() != "cpu") x = x.attr("cpu")();
  return tensor<TensorT>(x);
}

// Zero-copy view of a buffer whose elements are exactly T; the storage holds a
// reference to the exporting object (released under the GIL).
template <class TensorT>
TensorT from_numpy(py::object array) {
  using T = typename TensorT::value_type;
  if (!PyObject_CheckBuffer(array.ptr()))
    throw py::type_error("from_numpy: " + py::str(py::type::of(array)).cast<std::string>() +
                         " does not support the buffer protocol");
  const py::buffer_info info = py::reinterpret_borrow<py::buffer>(array).request(true);
  if (detail::element_kind(info) != detail::element_kind<T>() || info.itemsize != py::ssize_t(sizeof(T)))
    throw py::type_error(std::string("from_numpy: elements of format '") + info.format + "' (" +
                         std::to_string(info.itemsize) + " bytes) are not " + DType<T>::name +
                         "; tensor() copies and converts");
  Dims sizes(int(info.ndim)), strides(int(info.ndim));
  for (int d = 0; d < sizes.size(); ++d) {
    if (info.strides[d] % py::ssize_t(sizeof(T)) != 0)
      throw py::value_error("from_numpy: stride " + std::to_string(info.strides[d]) + " of dim " +
                            std::to_string(d) + " is not a multiple of the item size");
    sizes[d] = info.shape[d];
    strides[d] = info.strides[d] / py::ssize_t(sizeof(T));
  }
  auto* owner = new py::object(array);
  std::shared_ptr<void> memory(info.ptr, [owner](void*) {
    py::gil_scoped_acquire gil;
    delete owner;
  });
  return TensorT(Storage{std::move(memory), 0}, 0, sizes, strides);
}

}  // namespace native
}  // namespace satchel
