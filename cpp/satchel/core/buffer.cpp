#include "buffer.h"

#include <algorithm>

#include "errors.h"

namespace satchel::buffer {

namespace {

// Whether the elements lie in column-major order without gaps.
bool is_f_contiguous(const TensorBase& t) {
  int64_t expected = 1;
  for (int d = 0; d < t.dim(); ++d) {
    if (t.size(d) != 1 && t.stride(d) != expected) return t.numel() == 0;
    expected *= t.size(d);
  }
  return true;
}

}  // namespace

int export_view(PyObject* self, const TensorBase& t, int64_t itemsize, const char* format, Py_buffer* view,
                int flags) noexcept {
  const bool c = t.is_contiguous();
  const char* refused = nullptr;
  if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !c) refused = "C-contiguous";
  else if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !is_f_contiguous(t)) refused = "Fortran-contiguous";
  else if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !c && !is_f_contiguous(t)) refused = "contiguous";
  else if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !c) refused = "C-contiguous (the consumer takes no strides)";
  if (refused) {
    PyErr_Format(PyExc_BufferError, "the tensor is not %s: call .contiguous() first", refused);
    view->obj = nullptr;
    return -1;
  }
  auto* dims = new Py_ssize_t[2 * std::max(t.dim(), 1)];
  for (int d = 0; d < t.dim(); ++d) {
    dims[d] = t.size(d);
    dims[t.dim() + d] = t.stride(d) * Py_ssize_t(itemsize);
  }
  view->buf = t.bytes(itemsize);
  view->obj = Py_NewRef(self);
  view->len = Py_ssize_t(t.numel()) * Py_ssize_t(itemsize);
  view->itemsize = itemsize;
  view->readonly = 0;
  view->format = (flags & PyBUF_FORMAT) ? const_cast<char*>(format) : nullptr;
  view->ndim = t.dim();
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? dims : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? dims + t.dim() : nullptr;
  view->suboffsets = nullptr;
  view->internal = dims;
  return 0;
}

void release_view(PyObject*, Py_buffer* view) noexcept { delete[] static_cast<Py_ssize_t*>(view->internal); }

Import::Import(PyObject* obj, int flags) {
  if (PyObject_GetBuffer(obj, &view_, flags) != 0) throw PythonError();
}

Import::~Import() { PyBuffer_Release(&view_); }

int64_t Import::size() const {
  int64_t n = 1;
  for (int d = 0; d < ndim(); ++d) n *= shape(d);
  return n;
}

bool Import::is_c_contiguous() const {
  Py_ssize_t expected = itemsize();
  for (int d = ndim() - 1; d >= 0; --d) {
    if (shape(d) != 1 && stride(d) != expected) return size() == 0;
    expected *= shape(d);
  }
  return true;
}

char Import::kind() const {
  std::string f = format();
  if (!f.empty() && (f[0] == '@' || f[0] == '=' || f[0] == '<')) f = f.substr(1);
  if (f.size() != 1) return 0;
  if (f[0] == '?') return '?';
  if (std::string("efd").find(f[0]) != std::string::npos) return 'f';
  if (std::string("bhilqn").find(f[0]) != std::string::npos) return 'i';
  if (std::string("BHILQN").find(f[0]) != std::string::npos) return 'u';
  return 0;
}

}  // namespace satchel::buffer
