#include "index.h"

#include <stdexcept>
#include <string>

#include "errors.h"

namespace satchel {

bool view_of_key(const TensorBase& t, PyObject* key, TensorBase& out) {
  // The key's items: a tuple's, or the key itself (not copied: t[3] is a hot path).
  const bool tuple = PyTuple_Check(key);
  const Py_ssize_t count = tuple ? PyTuple_GET_SIZE(key) : 1;
  const auto item = [&](Py_ssize_t i) { return tuple ? PyTuple_GET_ITEM(key, i) : key; };
  // How many dims the key consumes, to know what an Ellipsis stands for.
  int consumed = 0;
  bool ellipsis = false;
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* h = item(i);
    if (h == Py_None) continue;
    if (h == Py_Ellipsis) {
      if (ellipsis) throw std::out_of_range("an index can only have a single ellipsis ('...')");
      ellipsis = true;
      continue;
    }
    if (!is_basic_item(h)) return false;
    ++consumed;
  }
  if (consumed > t.dim())
    throw std::out_of_range("too many indices for a tensor of " + std::to_string(t.dim()) + " dimensions: " +
                            std::to_string(consumed) + " were indexed");
  int64_t offset = t.storage_offset();
  Dims sizes, strides;
  int d = 0;  // the next dim of t
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* h = item(i);
    if (h == Py_None) {
      sizes.push_back(1);
      strides.push_back(d < t.dim() ? t.stride(d) * t.size(d) : 1);
    } else if (h == Py_Ellipsis) {
      for (const int stop = d + t.dim() - consumed; d < stop; ++d) {
        sizes.push_back(t.size(d));
        strides.push_back(t.stride(d));
      }
    } else if (PySlice_Check(h)) {
      Py_ssize_t start, stop, step;
      if (PySlice_Unpack(h, &start, &stop, &step) < 0) throw PythonError();
      const Py_ssize_t n = PySlice_AdjustIndices(Py_ssize_t(t.size(d)), &start, &stop, step);
      if (n > 0) offset += int64_t(start) * t.stride(d);
      sizes.push_back(n);
      strides.push_back(int64_t(step) * t.stride(d));
      ++d;
    } else {
      PyObject* as_index = PyNumber_Index(h);
      if (!as_index) throw PythonError();
      const int64_t index = PyLong_AsLongLong(as_index);
      Py_DECREF(as_index);
      if (index == -1 && PyErr_Occurred()) throw PythonError();
      const int64_t size = t.size(d);
      if (index < -size || index >= size)
        throw std::out_of_range("index " + std::to_string(index) + " is out of range for dim " + std::to_string(d) +
                                " of size " + std::to_string(size));
      offset += (index < 0 ? index + size : index) * t.stride(d);
      ++d;
    }
  }
  for (; d < t.dim(); ++d) {
    sizes.push_back(t.size(d));
    strides.push_back(t.stride(d));
  }
  out = TensorBase(t.storage(), offset, sizes, strides);
  return true;
}

}  // namespace satchel
