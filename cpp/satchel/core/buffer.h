// The buffer protocol, both ways, whatever the element type: exporting a
// tensor's memory (memoryview, np.asarray) and reading another object's.
#pragma once

#include <Python.h>

#include <cstdint>
#include <string>

#include "../tensor.h"
#include "export.h"

namespace satchel::buffer {

// Fills view with t's memory (elements of itemsize bytes and format), writable,
// with its strides; a consumer that cannot take strides gets a contiguous tensor
// or BufferError. Returns 0, or -1 with the Python error set.
SATCHEL_CORE int export_view(PyObject* self, const TensorBase& t, int64_t itemsize, const char* format,
                             Py_buffer* view, int flags) noexcept;
SATCHEL_CORE void release_view(PyObject* self, Py_buffer* view) noexcept;

// A buffer-protocol view of a Python object, released when it goes.
class SATCHEL_CORE Import {
 public:
  Import(PyObject* obj, int flags);  // PythonError if obj refuses
  ~Import();
  Import(const Import&) = delete;
  Import& operator=(const Import&) = delete;

  const void* ptr() const { return view_.buf; }
  int ndim() const { return view_.ndim; }
  Py_ssize_t itemsize() const { return view_.itemsize; }
  Py_ssize_t shape(int d) const { return view_.shape[d]; }
  Py_ssize_t stride(int d) const { return view_.strides[d]; }
  std::string format() const { return view_.format ? view_.format : "B"; }
  int64_t size() const;
  bool is_c_contiguous() const;
  // What its elements are: '?' bool, 'i' signed, 'u' unsigned, 'f' float, 0 unknown.
  char kind() const;

 private:
  Py_buffer view_;
};

}  // namespace satchel::buffer
