// nanobind glue every unit uses: type casters for half, shapes and operands, the
// tensor class itself (buffer protocol, shape, printing) and error translation.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>
#include <utility>

#include "core/buffer.h"
#include "core/errors.h"
#include "dlpack.h"
#include "half.h"
#include "io.h"
#include "named.h"
#include "operand.h"
#include "pyerror.h"
#include "tensor.h"

namespace satchel {

// Python numbers as elements of type T. A bool takes True, False, NumPy's bools
// and the ints 0 and 1, so that 2, 0.5 and None are neither true nor false.
template <class T>
bool load_element(nb::handle src, bool convert, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    PyObject* p = src.ptr();
    const char* type = Py_TYPE(p)->tp_name;
    if (p == Py_True || p == Py_False || !std::strcmp(type, "numpy.bool") || !std::strcmp(type, "numpy.bool_")) {
      out = PyObject_IsTrue(p) == 1;
      return true;
    }
    if (!convert || !PyLong_Check(p)) return false;
    int overflow = 0;
    const long v = PyLong_AsLongAndOverflow(p, &overflow);
    if (v == -1 && PyErr_Occurred()) PyErr_Clear();
    if (overflow || (v != 0 && v != 1)) return false;
    out = v == 1;
    return true;
  } else {
    return nb::try_cast<T>(src, out, convert);
  }
}

}  // namespace satchel

namespace nanobind::detail {

template <>
struct type_caster<satchel::half> {
  NB_TYPE_CASTER(satchel::half, const_name("float"))
  bool from_python(handle src, uint32_t flags, cleanup_list* cleanup) noexcept {
    make_caster<double> d;  // a Python float is a double: round it to half once
    if (!d.from_python(src, flags, cleanup)) return false;
    value = satchel::half(d.value);
    return true;
  }
  static handle from_cpp(satchel::half h, rv_policy, cleanup_list*) noexcept { return PyFloat_FromDouble(float(h)); }
};

// A shape: an int or a sequence of ints; returned as a tuple. from_python may
// not raise, so an error (a size beyond int64, too many dimensions) is kept and
// raised when the function is called.
template <>
struct type_caster<satchel::Dims> {
  using Value = satchel::Dims;
  static constexpr auto Name = const_name("tuple[int, ...]");
  template <typename T_>
  using Cast = Value&;
  template <typename T_>
  static constexpr bool can_cast() { return true; }

  bool from_python(handle src, uint32_t, cleanup_list*) noexcept {
    try {
      return load(src);
    } catch (...) {
      error_ = std::current_exception();
      return true;
    }
  }
  static handle from_cpp(const Value& d, rv_policy, cleanup_list*) noexcept {
    PyObject* t = PyTuple_New(d.size());
    for (int i = 0; t && i < d.size(); ++i) PyTuple_SET_ITEM(t, i, PyLong_FromLongLong(d[i]));
    return t;
  }
  explicit operator Value&() {
    if (error_) std::rethrow_exception(error_);
    return value;
  }

 private:
  static int64_t size(handle h) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    if (overflow) throw std::overflow_error("size " + std::string(str(h).c_str()) + " does not fit in int64");
    if (v == -1 && PyErr_Occurred()) throw python_error();
    return v;
  }
  bool load(handle src) {
    if (PyLong_Check(src.ptr())) {
      value = satchel::Dims{size(src)};
      return true;
    }
    if (!PySequence_Check(src.ptr()) || PyUnicode_Check(src.ptr()) || PyBytes_Check(src.ptr())) return false;
    const sequence seq = borrow<sequence>(src);
    const size_t n = len(seq);
    value.resize(int(std::min<size_t>(n, size_t(satchel::kMaxDims) + 1)));  // raises beyond kMaxDims
    for (size_t i = 0; i < n; ++i) {
      const object item = seq[i];
      if (!PyIndex_Check(item.ptr())) return false;
      value[int(i)] = size(item);
    }
    return true;
  }

  Value value;
  std::exception_ptr error_;
};

// An int or a float, the int kept exact: one beyond int64 is a float, as in a
// double it would be anyway.
template <>
struct type_caster<satchel::Number> {
  NB_TYPE_CASTER(satchel::Number, const_name("float"))
  bool from_python(handle src, uint32_t flags, cleanup_list*) noexcept {
    PyObject* p = src.ptr();
    const bool convert = flags & uint32_t(cast_flags::convert);
    object index;
    if (!PyLong_Check(p) && !PyFloat_Check(p) && convert && PyIndex_Check(p)) {  // NumPy's integers
      index = steal(PyNumber_Index(p));
      if (!index.is_valid()) return PyErr_Clear(), false;
      p = index.ptr();
    }
    if (PyLong_Check(p)) {
      int overflow = 0;
      value.integer = PyLong_AsLongLongAndOverflow(p, &overflow);
      value.is_int = !overflow;
      if (value.is_int) return true;
    } else if (!PyFloat_Check(p) && !convert) {
      return false;
    }
    value.real = PyFloat_AsDouble(p);  // a float, a huge int, anything with __float__
    if (value.real == -1.0 && PyErr_Occurred()) return PyErr_Clear(), false;
    return true;
  }
  static handle from_cpp(const satchel::Number& n, rv_policy, cleanup_list*) noexcept {
    return n.is_int ? PyLong_FromLongLong(n.integer) : PyFloat_FromDouble(n.real);
  }
};

// A number of the unit's dtype.
template <class T>
struct type_caster<satchel::Scalar<T>> {
  NB_TYPE_CASTER(satchel::Scalar<T>, make_caster<T>::Name)
  bool from_python(handle src, uint32_t flags, cleanup_list*) noexcept {
    return satchel::load_element<T>(src, flags & uint32_t(cast_flags::convert), value.value);
  }
};

// A pointwise input: a tensor of the unit or a Python number of its dtype.
template <class TensorT>
struct type_caster<satchel::Operand<TensorT>> {
  using T = typename TensorT::value_type;
  using Value = satchel::Operand<TensorT>;
  static constexpr auto Name = make_caster<TensorT>::Name + const_name(" | ") + make_caster<T>::Name;
  template <typename T_>
  using Cast = Value;
  template <typename T_>
  static constexpr bool can_cast() { return true; }

  bool from_python(handle src, uint32_t flags, cleanup_list* cleanup) noexcept {
    // Numbers first: a failed tensor load walks nanobind's conversion machinery.
    is_tensor_ = !(PyFloat_Check(src.ptr()) || PyLong_Check(src.ptr()));
    if (is_tensor_ && tensor_.from_python(src, flags_for_local_caster<const TensorT&>(flags), cleanup)) return true;
    is_tensor_ = false;
    return satchel::load_element<T>(src, flags & uint32_t(cast_flags::convert), scalar_);
  }
  explicit operator Value() {
    if (is_tensor_) return Value(tensor_.operator TensorT&());
    return Value(scalar_);
  }

 private:
  make_caster<TensorT> tensor_;
  T scalar_{};
  bool is_tensor_ = false;
};

}  // namespace nanobind::detail

namespace satchel {

// The named tuple class of Tag (Tag::name with Tag::fields, in module Tag::module),
// made once per unit: add_named_tuple puts it in the unit's module.
template <class Tag>
nb::handle named_tuple_class() {
  static const nb::handle cls = [] {
    nb::list fields;
    for (const char* f : Tag::fields) fields.append(f);
    return nb::module_::import_("collections")
        .attr("namedtuple")(Tag::name, fields, nb::arg("module") = Tag::module)
        .release();
  }();
  return cls;
}

template <class Tag>
void add_named_tuple(nb::module_& m) {
  m.attr(Tag::name) = named_tuple_class<Tag>();
}

}  // namespace satchel

namespace nanobind::detail {

template <class Tag, class... T>
struct type_caster<satchel::Named<Tag, T...>> {
  using Value = satchel::Named<Tag, T...>;
  static constexpr auto Name = const_name("tuple");
  template <typename T_>
  using Cast = Value;
  template <typename T_>
  static constexpr bool can_cast() { return true; }
  bool from_python(handle, uint32_t, cleanup_list*) noexcept { return false; }  // results only
  static handle from_cpp(const Value& v, rv_policy, cleanup_list* cleanup) noexcept {
    return convert(v, cleanup, std::index_sequence_for<T...>{});
  }

 private:
  template <std::size_t... I>
  static handle convert(const Value& v, cleanup_list* cleanup, std::index_sequence<I...>) noexcept {
    object items[] = {steal(make_caster<T>::from_cpp(std::get<I>(v.values), rv_policy::copy, cleanup))...};
    for (const object& item : items)
      if (!item.is_valid()) return handle();
    return PyObject_CallFunctionObjArgs(satchel::named_tuple_class<Tag>().ptr(), items[I].ptr()..., nullptr);
  }
};

}  // namespace nanobind::detail

namespace satchel {

// What every unit's module sets up: the runtime's errors raised as the matching
// Python exceptions, and no leak report at exit for tensors Python still held.
inline void setup_module() {
  nb::set_leak_warnings(false);
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const PythonError&) {  // already set
    } catch (const TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const BufferError& e) {
      PyErr_SetString(PyExc_BufferError, e.what());
    } catch (const FileError& e) {
      errno = e.error;
      PyErr_SetFromErrnoWithFilename(PyExc_OSError, e.path.c_str());
    } catch (const LinAlgError& e) {  // one Python class for every unit's
      PyObject* module = PyImport_ImportModule("satchel._errors");
      PyObject* type = module ? PyObject_GetAttrString(module, "LinAlgError") : nullptr;
      PyErr_Clear();
      PyErr_SetString(type ? type : PyExc_ValueError, e.what());
      Py_XDECREF(type);
      Py_XDECREF(module);
    }
  });
}

// The docstrings of a unit's functions: they live in satchel._units.docs,
// generated from the spec, rather than in the C++, so that editing one
// recompiles nothing. nanobind copies each as it binds it.
class Docs {
 public:
  Docs() : docs_(nb::module_::import_("satchel._units.docs").attr("DOCS")) {}
  const char* operator[](const char* name) const {
    PyObject* doc = PyDict_GetItemString(docs_.ptr(), name);  // borrowed: the dict keeps it
    const char* text = doc ? PyUnicode_AsUTF8(doc) : nullptr;
    if (!text) throw import_error(std::string("satchel._units.docs has no docstring for ") + name + ": rebuild satchel");
    return text;
  }

 private:
  nb::dict docs_;
};

// Basic indexing (indexing.h, which every unit includes after this file).
template <class TensorT>
TensorT index_view(const TensorT& t, nb::handle key);
template <class TensorT>
void index_assign(const TensorT& t, nb::handle key, nb::handle value);

template <class TensorT>
nb::object to_python_list(const TensorT& t, int d, const typename TensorT::value_type* p) {
  if (d == t.dim()) return nb::cast(*p);
  nb::list out;
  for (int64_t i = 0; i < t.size(d); ++i) out.append(to_python_list(t, d + 1, p + i * t.stride(d)));
  return out;
}

namespace detail {

// The class's tp_new (inherited by Python subclasses): only the unit's functions
// make tensors, since an object Python allocated itself would have no tensor
// behind it for the slots below to read. A C slot, not a Python __new__, so
// that object.__new__(cls) stays refused as unsafe too.
inline PyObject* refuse_new(PyTypeObject* type, PyObject*, PyObject*) {
  PyErr_Format(PyExc_TypeError, "%s cannot be created directly; make tensors with the unit's functions "
               "(empty, tensor, from_numpy, ...)", type->tp_name);
  return nullptr;
}

// The buffer protocol (memoryview, np.asarray): the tensor's memory, writable,
// with its strides (core/buffer.h).
template <class TensorT>
int get_buffer(PyObject* self, Py_buffer* view, int flags) noexcept {
  using T = typename TensorT::value_type;
  return buffer::export_view(self, *nb::inst_ptr<TensorT>(self), sizeof(T), DType<T>::format, view, flags);
}

// t[key] straight from the type's mp_subscript slot, the view made in the class
// without looking it up: CPython would otherwise look __getitem__ up and call it
// through nanobind's dispatch, which costs more than the view itself (t[3]: ~80
// ns -> ~58, NumPy's a[3] ~55). Advanced keys take the same slot (no exception
// on the way: t[idx] stays within NumPy's time). A key index_view refuses goes
// to the bound __getitem__, which raises its error as every binding does.
template <class TensorT>
inline PyObject* tensor_type = nullptr;  // the class: results are made without looking it up
template <class TensorT>
inline PyObject* bound_getitem = nullptr;

template <class TensorT>
PyObject* subscript(PyObject* self, PyObject* key) {
  try {
    TensorT view = index_view(*nb::inst_ptr<TensorT>(self), key);
    nb::object out = nb::inst_alloc(tensor_type<TensorT>);
    new (nb::inst_ptr<TensorT>(out)) TensorT(std::move(view));
    nb::inst_mark_ready(out);
    return out.release().ptr();
  } catch (...) {
    PyObject* args[] = {self, key};
    return PyObject_Vectorcall(bound_getitem<TensorT>, args, 2, nullptr);
  }
}

// len(t), the same way.
template <class TensorT>
Py_ssize_t length(PyObject* self) {
  const TensorT& t = *nb::inst_ptr<TensorT>(self);
  if (t.dim() == 0) {
    PyErr_SetString(PyExc_TypeError, "len() of a 0-d tensor");
    return -1;
  }
  return Py_ssize_t(t.size(0));
}

// Called once the class's __getitem__ and __len__ are bound (binding them resets the slots).
template <class TensorT>
void install_fast_slots(nb::handle cls) {
  auto* type = reinterpret_cast<PyHeapTypeObject*>(cls.ptr());
  tensor_type<TensorT> = cls.ptr();
  bound_getitem<TensorT> = nb::object(cls.attr("__getitem__")).release().ptr();
  type->as_mapping.mp_subscript = subscript<TensorT>;
  type->as_mapping.mp_length = length<TensorT>;
  type->as_sequence.sq_length = length<TensorT>;
  PyType_Modified(&type->ht_type);
}

// Instances are pooled: a tensor that dies parks its Python object for the next
// one, which skips the allocator and nanobind's instance map: t[3] ~57 -> ~45 ns,
// t[2:8] ~107 -> ~91 ns, add of two small tensors ~167 -> ~150 ns.
template <class TensorT>
nb::class_<TensorT> tensor_class(nb::module_& m, const char* name) {
  if constexpr (TensorT::device == Device::cpu) {
    static const PyType_Slot slots[] = {{Py_bf_getbuffer, reinterpret_cast<void*>(get_buffer<TensorT>)},
                                        {Py_bf_releasebuffer, reinterpret_cast<void*>(buffer::release_view)},
                                        {0, nullptr}};
    return nb::class_<TensorT>(m, name, nb::type_slots(slots), nb::pooled());
  } else {
    return nb::class_<TensorT>(m, name, nb::pooled());
  }
}

}  // namespace detail

// The Python class of a unit's tensors, with what every unit has whatever its
// ops: shape and strides, conversion to Python values, the buffer protocol.
template <class TensorT>
nb::class_<TensorT> bind_tensor(nb::module_& m, const char* name, const char* dtype, const char* device) {
  using T = typename TensorT::value_type;
  nb::class_<TensorT> cls = detail::tensor_class<TensorT>(m, name);
  cls.attr("dtype") = dtype;
  cls.attr("device") = device;
  cls.attr("__hash__") = nb::none();  // mutable and compared by value, as NumPy arrays
  reinterpret_cast<PyTypeObject*>(cls.ptr())->tp_new = detail::refuse_new;
  // NumPy operands neither win nor convert: `t + array`, `array + t` and
  // `np.float64(2) + t` defer to the tensor's operators, which refuse arrays
  // with TypeError, rather than give an ndarray (README: NumPy).
  cls.attr("__array_ufunc__") = nb::none();
  if constexpr (TensorT::device == Device::cpu) {
    cls.def("tolist", [](const TensorT& t) { return to_python_list(t, 0, t.data()); },
            "The elements as nested Python lists (a number for a 0-d tensor).");
    cls.def("item", [](const TensorT& t) {
      if (t.numel() != 1)
        throw value_error("item: the tensor has " + std::to_string(t.numel()) + " elements, not 1");
      const T* p = t.data();
      return nb::cast(*p);
    }, "The only element of a one-element tensor, as a Python number.");
    cls.def("__getitem__", [](const TensorT& t, nb::handle key) { return index_view(t, key); },
            "t[key] by NumPy's rules: a view for ints, slices, None and ...; a copy where the key has "
            "integer arrays or boolean masks.");
    cls.def("__setitem__", [](const TensorT& t, nb::handle key, nb::handle value) { index_assign(t, key, value); },
            "t[key] = value: writes value (a number or tensor, broadcast to t[key]) into the elements t[key] names.");
    // Device copies: the device's unit of this dtype makes them (satchel.cuda.float32.from_host).
    cls.def("cpu", [](nb::object self) { return self; }, "This tensor: it is in host memory already.");
    dlpack::bind(cls, [](const TensorT&) { return dlpack::Device{dlpack::kCPU, 0}; },
                 [](const TensorT&, nb::handle stream) {
                   if (!stream.is_none())
                     throw nb::value_error("__dlpack__: stream must be None for a tensor in host memory");
                 }, "(kDLCPU, 0).");
    cls.def("to", [](nb::object self, const std::string& target) {
      return nb::module_::import_("satchel._registry").attr("to")(self, target);
    }, nb::arg("target"), "This tensor as another dtype or on another device: a copy, or itself if it is one already.");
  }
  cls.def_prop_ro("shape", [](const TensorT& t) { return t.sizes(); }, "The size of each dimension.");
  cls.def_prop_ro("ndim", &TensorT::dim, "The number of dimensions.");
  cls.def_prop_ro("strides", [](const TensorT& t) { return t.strides(); },
                  "The step of each dimension, in elements (NumPy counts bytes).");
  cls.def("numel", &TensorT::numel, "The number of elements.");
  cls.def("storage_offset", &TensorT::storage_offset, "Index of the first element in the storage.");
  cls.def("is_contiguous", &TensorT::is_contiguous, "Whether the elements lie in row-major order without gaps.");
  // As NumPy: `if t == u:` must not quietly mean "t is not empty".
  cls.def("__bool__", [](nb::handle self) {
    const int64_t n = nb::cast<const TensorT&>(self).numel();
    if (n != 1)
      throw value_error("the truth value of a tensor of " + std::to_string(n) +
                        " elements is ambiguous; reduce it first (e.g. minall(t) for all, maxall(t) for any)");
    const int truth = PyObject_IsTrue(self.attr("item")().ptr());
    if (truth < 0) throw nb::python_error();
    return truth == 1;
  }, "The truth of the only element of a one-element tensor.");
  cls.def("__len__", [](const TensorT& t) {
    if (t.dim() == 0) throw nb::type_error("len() of a 0-d tensor");
    return t.size(0);
  });
  // Iterating gives t[0], t[1], ...; a 0-d tensor has no first dimension to iterate, as in NumPy.
  cls.def("__iter__", [](nb::handle self) {
    if (nb::cast<const TensorT&>(self).dim() == 0) throw nb::type_error("iteration over a 0-d tensor");
    return nb::steal(PySeqIter_New(self.ptr()));
  });
  cls.def("__repr__", [](nb::handle self) {
    return nb::module_::import_("satchel._printing").attr("format_tensor")(self);
  });
  if constexpr (TensorT::device == Device::cpu) detail::install_fast_slots<TensorT>(cls);  // CUDA: cuda/bind.h
  // float(t), int(t), format, round, `in`, __array__, pickling and copying: written
  // once in Python over the unit's functions (satchel/_protocols.py).
  nb::module_::import_("satchel._protocols").attr("install")(cls);
  return cls;
}

}  // namespace satchel
