// The native op `tensor`: a new tensor copied from a Python number, a nested
// sequence or any object with the buffer protocol.
#pragma once

#include <nanobind/nanobind.h>

#include <cstring>
#include <string>

#include "bind.h"
#include "core/bools.h"
#include "core/buffer.h"
#include "cast.h"
#include "pointwise.h"

namespace satchel {
namespace detail {

// One element of a buffer of source type S. A bool is read as its byte, since
// the buffer's may be other than 0 and 1 (a uint8 array viewed as bool): any
// nonzero byte is true.
template <class S>
auto read_element(const char* p) {
  if constexpr (std::is_same_v<S, bool>) {
    return *reinterpret_cast<const unsigned char*>(p) != 0;
  } else {
    S v;
    std::memcpy(&v, p, sizeof v);  // the buffer may be unaligned
    return v;
  }
}

// Copies a buffer of source type S into contiguous dst, converting each element;
// the view keeps the memory, so big copies let other threads run meanwhile.
template <class T, class S>
void copy_buffer(const buffer::Import& info, T* dst) {
  const int64_t n = info.size();
  const char* p = static_cast<const char*>(info.ptr());
  ReleaseGil unlocked(n);
  if (info.is_c_contiguous()) {
    parallel_chunks(n, worker_count(n), [&](int64_t b, int64_t e, int) {
      if constexpr (std::is_same_v<T, S> && !std::is_same_v<S, bool>) {
        std::memcpy(dst + b, p + b * int64_t(sizeof(S)), std::size_t(e - b) * sizeof(S));
      } else {
        for (int64_t i = b; i < e; ++i) dst[i] = convert<T>(read_element<S>(p + i * int64_t(sizeof(S))));
      }
    });
    return;
  }
  Dims idx(info.ndim());
  for (int64_t i = 0; i < n; ++i) {
    dst[i] = convert<T>(read_element<S>(p));
    for (int d = info.ndim() - 1; d >= 0; --d) {
      p += info.stride(d);
      if (++idx[d] < info.shape(d)) break;
      p -= info.stride(d) * info.shape(d);
      idx[d] = 0;
    }
  }
}

template <class T>
void copy_any_buffer(const buffer::Import& info, T* dst) {
  switch (info.kind() * 16 + int(info.itemsize())) {
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
  throw type_error("tensor: cannot read buffer elements of format '" + info.format() + "'");
}

inline bool is_sequence(nb::handle h) {
  return PySequence_Check(h.ptr()) && !PyUnicode_Check(h.ptr()) && !PyBytes_Check(h.ptr());
}

inline std::string index_text(const Dims& idx, int depth) {
  std::string s = "[";
  for (int i = 0; i < depth; ++i) s += (i ? ", " : "") + std::to_string(idx[i]);
  return s + "]";
}

template <class T>
void fill_from_sequence(nb::handle h, const Dims& shape, int depth, Dims& idx, T*& out) {
  if (depth == shape.size()) {
    if (is_sequence(h))
      throw value_error("tensor: ragged nested sequence: element " + index_text(idx, depth) +
                        " is a sequence where a number was expected");
    if (!load_element(h, true, *out))
      throw type_error("tensor: element " + index_text(idx, depth) + " is " + nb::repr(h).c_str() +
                       ", not a number of dtype " + DType<T>::name);
    ++out;
    return;
  }
  if (!is_sequence(h) || nb::len(h) != std::size_t(shape[depth]))
    throw value_error("tensor: ragged nested sequence: element " + index_text(idx, depth) +
                      " should be a sequence of length " + std::to_string(shape[depth]));
  const nb::sequence seq = nb::borrow<nb::sequence>(h);
  for (int64_t i = 0; i < shape[depth]; ++i) {
    idx[depth] = i;
    fill_from_sequence(seq[std::size_t(i)], shape, depth + 1, idx, out);
  }
}

}  // namespace detail

namespace native {

template <class TensorT>
TensorT tensor(nb::object data) {
  using T = typename TensorT::value_type;
  if (nb::isinstance<TensorT>(data)) return contiguous_copy(nb::cast<const TensorT&>(data));
  if (PyObject_CheckBuffer(data.ptr()) && !PyBytes_Check(data.ptr())) {
    const buffer::Import info(data.ptr(), PyBUF_STRIDES | PyBUF_FORMAT);
    Dims shape(info.ndim());
    for (int d = 0; d < shape.size(); ++d) shape[d] = info.shape(d);
    TensorT t = TensorT::empty(shape);
    if (t.numel()) detail::copy_any_buffer(info, t.data());
    return t;
  }
  Dims shape;
  for (nb::object h = data; detail::is_sequence(h);) {
    const std::size_t n = nb::len(h);
    shape.push_back(int64_t(n));
    if (n == 0) break;
    h = nb::borrow<nb::sequence>(h)[0];
  }
  TensorT t = TensorT::empty(shape);
  Dims idx(shape.size());
  T* out = t.data();
  detail::fill_from_sequence(data, shape, 0, idx, out);
  return t;
}

// x itself when it is a tensor of a satchel unit, else a TypeError naming what it is.
inline const nb::object& satchel_tensor(const nb::object& x, const char* op) {
  const nb::handle cls = x.type();
  const std::string module = nb::hasattr(cls, "__module__") ? nb::str(cls.attr("__module__")).c_str() : "";
  if (module.rfind("satchel._units.", 0) != 0 || !nb::hasattr(cls, "dtype") || !nb::hasattr(cls, "device"))
    throw type_error(std::string(op) + ": expected a tensor of a satchel unit, got " + nb::str(cls).c_str() +
                     " (tensor() takes numbers, sequences and buffers)");
  return x;
}

// T.from_tensor(x): a copy of x (any unit) in T's dtype, converted through the host.
template <class TensorT>
TensorT from_tensor(nb::object x) {
  if (nb::cast<std::string>(satchel_tensor(x, "from_tensor").attr("device")) != "cpu") x = x.attr("cpu")();
  return tensor<TensorT>(x);
}

// Zero-copy view of a buffer whose elements are exactly T; the storage holds a
// reference to the exporting object (released under the GIL).
template <class TensorT>
TensorT from_numpy(nb::object array) {
  using T = typename TensorT::value_type;
  if (!PyObject_CheckBuffer(array.ptr()))
    throw type_error("from_numpy: " + std::string(nb::str(array.type()).c_str()) +
                     " does not support the buffer protocol");
  const buffer::Import info(array.ptr(), PyBUF_STRIDES | PyBUF_FORMAT | PyBUF_WRITABLE);
  if (info.kind() != DType<T>::kind || info.itemsize() != Py_ssize_t(sizeof(T)))
    throw type_error("from_numpy: elements of format '" + info.format() + "' (" +
                     std::to_string(info.itemsize()) + " bytes) are not " + DType<T>::name +
                     "; tensor() copies and converts");
  Dims sizes(info.ndim()), strides(info.ndim());
  for (int d = 0; d < sizes.size(); ++d) {
    if (info.stride(d) % Py_ssize_t(sizeof(T)) != 0)
      throw value_error("from_numpy: stride " + std::to_string(info.stride(d)) + " of dim " + std::to_string(d) +
                        " is not a multiple of the item size");
    sizes[d] = info.shape(d);
    strides[d] = info.stride(d) / Py_ssize_t(sizeof(T));
  }
  // The exporter keeps the memory while we hold it: a reference, dropped under the GIL.
  auto* owner = new nb::object(array);
  std::shared_ptr<void> memory(const_cast<void*>(info.ptr()), [owner](void*) {
    nb::gil_scoped_acquire gil;
    delete owner;
  });
  TensorT t(Storage{std::move(memory), 0}, 0, sizes, strides);
  if constexpr (std::is_same_v<T, bool>) check_bools(t, "from_numpy");
  return t;
}

}  // namespace native
}  // namespace satchel
