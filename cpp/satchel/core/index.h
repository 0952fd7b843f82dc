// Python basic indexing of tensors (NumPy's rules): t[1], t[-1], t[2:8:3],
// t[::-1], t[..., None], t[1, :, 2]. Every result is a view of t; an index for
// every dimension gives a 0-d tensor. Keys with arrays or masks are advanced
// indexing (fancy.h).
#pragma once

#include <Python.h>

#include <cstring>

#include "../tensor.h"
#include "export.h"

namespace satchel {

// Whether an item of a key is basic: an int (a Python int, not a bool, or a
// NumPy integer scalar), a slice, None or `...`. Arrays (anything with the
// buffer protocol but NumPy's scalars), sequences and bools are advanced.
inline bool is_basic_item(PyObject* h) {
  if (PyLong_CheckExact(h) || h == Py_None || h == Py_Ellipsis || PySlice_Check(h)) return true;
  if (PyBool_Check(h) || !PyIndex_Check(h)) return false;
  const char* type = Py_TYPE(h)->tp_name;
  return !PyObject_CheckBuffer(h) || (!std::strncmp(type, "numpy.", 6) && std::strcmp(type, "numpy.ndarray") != 0);
}

// out = the view t[key] and true, or false (out untouched, nothing raised: the
// fast path pays no exception) when some item of key is advanced; std::out_of_range
// (IndexError) or PythonError for a bad basic key.
SATCHEL_CORE bool view_of_key(const TensorBase& t, PyObject* key, TensorBase& out);

}  // namespace satchel
