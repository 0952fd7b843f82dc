// pybind11 glue every unit uses: type casters for half, shapes and operands, the
// tensor class itself (buffer protocol, shape, printing) and error translation.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "dlpack.h"
#include "half.h"
#include "io.h"
#include "operand.h"
#include "tensor.h"

namespace py = pybind11;

template <>
struct pybind11::format_descriptor<satchel::half> {
  static std::string format() { return "e"; }
};

namespace pybind11::detail {

template <>
struct type_caster<satchel::half> {
  PYBIND11_TYPE_CASTER(satchel::half, const_name("float"));
  bool load(handle src, bool convert) {
    make_caster<double> d;  // a Python float is a double: round it to half once
    if (!d.load(src, convert)) return false;
    value = satchel::half(static_cast<double>(d));
    return true;
  }
  static handle cast(satchel::half h, return_value_policy, handle) { return PyFloat_FromDouble(float(h)); }
};

// A shape: an int or a sequence of ints; returned as a tuple.
template <>
struct type_caster<satchel::Dims> {
  PYBIND11_TYPE_CASTER(satchel::Dims, const_name("tuple[int, ...]"));
  // A size as int64; one that does not fit raises OverflowError.
  static int64_t size(handle h) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    if (overflow)
      throw std::overflow_error("size " + std::string(str(h)) + " does not fit in int64");
    if (v == -1 && PyErr_Occurred()) throw error_already_set();
    return v;
  }
  bool load(handle src, bool) {
    if (PyLong_Check(src.ptr())) {
      value = satchel::Dims{size(src)};
      return true;
    }
    if (!PySequence_Check(src.ptr()) || PyUnicode_Check(src.ptr()) || PyBytes_Check(src.ptr())) return false;
    const sequence seq = reinterpret_borrow<sequence>(src);
    value.resize(int(seq.size()));
    for (size_t i = 0; i < seq.size(); ++i) {
      const object item = seq[i];
      if (!PyIndex_Check(item.ptr())) return false;
      value[int(i)] = size(item);
    }
    return true;
  }
  static handle cast(const satchel::Dims& d, return_value_policy, handle) {
    tuple t(d.size());
    for (int i = 0; i < d.size(); ++i) PyTuple_SET_ITEM(t.ptr(), i, PyLong_FromLongLong(d[i]));
    return t.release();
  }
};

// A pointwise input: a tensor of the unit or a Python number of its dtype.
template <class TensorT>
struct type_caster<satchel::Operand<TensorT>> {
  using T = typename TensorT::value_type;
  static constexpr auto name = make_caster<TensorT>::name + const_name(" | ") + make_caster<T>::name;
  template <class>
  using cast_op_type = satchel::Operand<TensorT>;

  bool load(handle src, bool convert) {
    // Numbers first: a failed tensor load walks pybind11's conversion machinery.
    is_tensor_ = !(PyFloat_Check(src.ptr()) || PyLong_Check(src.ptr()));
    if (is_tensor_ && tensor_.load(src, convert)) return true;
    is_tensor_ = false;
    if constexpr (std::is_same_v<T, bool>) {
      // Only numbers bool holds exactly (True, False, 0, 1), as integer units take only
      // numbers in their range: converting would make 2, 0.5 and None true or false.
      const bool zero_or_one = PyLong_Check(src.ptr()) && (src.equal(int_(0)) || src.equal(int_(1)));
      return scalar_.load(src, zero_or_one);
    }
    return scalar_.load(src, convert);
  }
  operator satchel::Operand<TensorT>() {
    if (is_tensor_) return satchel::Operand<TensorT>(static_cast<TensorT&>(tensor_));
    return satchel::Operand<TensorT>(static_cast<T>(scalar_));
  }

 private:
  make_caster<TensorT> tensor_;
  make_caster<T> scalar_;
  bool is_tensor_ = false;
};

}  // namespace pybind11::detail

namespace satchel {

// The error types of the runtime, raised in Python as the matching exceptions.
inline void register_errors() {
  py::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const FileError& e) {
      errno = e.error;
      PyErr_SetFromErrnoWithFilename(PyExc_OSError, e.path.c_str());
    }
  });
}

// Basic indexing (indexing.h, which every unit includes after this file).
template <class TensorT>
TensorT index_view(const TensorT& t, const py::handle& key);
template <class TensorT>
void index_assign(const TensorT& t, const py::handle& key, const py::object& value);

template <class TensorT>
py::object to_python_list(const TensorT& t, int d, const typename TensorT::value_type* p) {
  if (d == t.dim()) return py::cast(*p);
  py::list out(t.size(d));
  for (int64_t i = 0; i < t.size(d); ++i)
    PyList_SET_ITEM(out.ptr(), i, to_python_list(t, d + 1, p + i * t.stride(d)).release().ptr());
  return out;
}

// The Python class of a unit's tensors, with what every unit has whatever its
// ops: shape and strides, conversion to Python values, the buffer protocol.
template <class TensorT>
py::class_<TensorT> bind_tensor(py::module_& m, const char* name, const char* dtype, const char* device) {
  using T = typename TensorT::value_type;
  py::class_<TensorT> cls(m, name, py::buffer_protocol());
  cls.attr("dtype") = dtype;
  cls.attr("device") = device;
  if constexpr (TensorT::device == Device::cpu) {
    cls.def_buffer([](TensorT& t) {
      std::vector<py::ssize_t> shape(t.sizes().begin(), t.sizes().end());
      std::vector<py::ssize_t> strides;
      for (int64_t s : t.strides()) strides.push_back(s * py::ssize_t(sizeof(T)));
      return py::buffer_info(t.data(), sizeof(T), py::format_descriptor<T>::format(), t.dim(), shape, strides);
    });
    cls.def("tolist", [](const TensorT& t) { return to_python_list(t, 0, t.data()); },
            "The elements as nested Python lists (a number for a 0-d tensor).");
    cls.def("item", [](const TensorT& t) {
      if (t.numel() != 1)
        throw py::value_error("item: the tensor has " + std::to_string(t.numel()) + " elements, not 1");
      const T* p = t.data();
      return py::cast(*p);
    }, "The only element of a one-element tensor, as a Python number.");
    cls.def("__getitem__", [](const TensorT& t, py::handle key) { return index_view(t, key); },
            "t[key]: a view of t by NumPy's basic indexing (ints, slices, None, ...).");
    cls.def("__setitem__", [](const TensorT& t, py::handle key, py::object value) { index_assign(t, key, value); },
            "t[key] = value: writes value (a number or tensor, broadcast) into the view t[key].");
    // Device copies: the device's unit of this dtype makes them (satchel.cuda.float32.from_host).
    cls.def("cpu", [](py::object self) { return self; }, "This tensor: it is in host memory already.");
    dlpack::bind(cls, [](const TensorT&) { return dlpack::Device{dlpack::kCPU, 0}; },
                 [](const TensorT&, const py::object& stream) {
                   if (!stream.is_none())
                     throw py::value_error("__dlpack__: stream must be None for a tensor in host memory");
                 }, "(kDLCPU, 0).");
    cls.def("to", [](py::object self, const std::string& target) {
      return py::module_::import("satchel._registry").attr("to")(self, target);
    }, py::arg("target"), "This tensor as another dtype or on another device: a copy, or itself if it is one already.");
  }
  cls.def_property_readonly("shape", [](const TensorT& t) { return t.sizes(); }, "The size of each dimension.");
  cls.def_property_readonly("ndim", &TensorT::dim, "The number of dimensions.");
  cls.def_property_readonly("strides", [](const TensorT& t) { return t.strides(); },
                            "The step of each dimension, in elements (NumPy counts bytes).");
  cls.def("numel", &TensorT::numel, "The number of elements.");
  cls.def("storage_offset", &TensorT::storage_offset, "Index of the first element in the storage.");
  cls.def("is_contiguous", &TensorT::is_contiguous, "Whether the elements lie in row-major order without gaps.");
  // As NumPy: `if t == u:` must not quietly mean "t is not empty".
  cls.def("__bool__", [](const py::object& self) {
    const int64_t n = self.cast<const TensorT&>().numel();
    if (n != 1)
      throw py::value_error("the truth value of a tensor of " + std::to_string(n) +
                            " elements is ambiguous; reduce it first (e.g. minall(t) for all, maxall(t) for any)");
    return self.attr("item")().cast<bool>();
  }, "The truth of the only element of a one-element tensor.");
  cls.def("__len__", [](const TensorT& t) {
    if (t.dim() == 0) throw py::type_error("len() of a 0-d tensor");
    return t.size(0);
  });
  cls.def("__repr__", [](py::object self) { return py::module_::import("satchel._printing").attr("format_tensor")(self); });
  return cls;
}

}  // namespace satchel
