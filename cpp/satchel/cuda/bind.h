// What a CUDA unit adds to its Python module beyond its ops: attaching to the
// shared runtime, CUDA errors as satchel.cuda.CudaError, host <-> device copies
// (from_host, t.cpu(), t.to(device)), conversions through the host (tolist,
// item, __array__) and indexing.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "../bind.h"
#include "../indexing.h"
#include "native.h"
#include "transfer.h"

namespace satchel::cuda {

// Attaches this unit to the runtime table of satchel._units._cuda_runtime. The
// module imports on any machine; only using a device needs one.
inline void attach_runtime() {
  const py::module_ rt = py::module_::import(kRuntimeModule);
  const py::capsule capsule = rt.attr("_api");
  const auto* api = static_cast<const RuntimeApi*>(capsule.get_pointer());
  if (!api || api->version != RuntimeApi::kVersion)
    throw py::import_error(std::string(kRuntimeModule) + " does not match this unit: rebuild satchel");
  runtime_slot() = api;
  py::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      const py::object error = py::module_::import(kRuntimeModule).attr("CudaError");
      PyErr_SetString(error.ptr(), e.what());
    }
  });
}

// t[key] = value on the device: value is a number, a tensor of this unit, or
// anything tensor() accepts (copied to the device first).
template <class TensorT>
void assign(const TensorT& target, const py::object& value) {
  using T = typename TensorT::value_type;
  if (py::isinstance<TensorT>(value)) {
    Copies<T>::into(target, Operand<TensorT>(value.cast<const TensorT&>()));
    return;
  }
  if (PyBool_Check(value.ptr()) || PyLong_Check(value.ptr()) || PyFloat_Check(value.ptr())) {
    py::detail::make_caster<T> scalar;
    if (scalar.load(value, true)) {
      Copies<T>::into(target, Operand<TensorT>(static_cast<T>(scalar)));
      return;
    }
  }
  const TensorT src = native::tensor<TensorT>(value);
  Copies<T>::into(target, Operand<TensorT>(src));
}

template <class TensorT>
void bind_unit(py::module_& m, py::class_<TensorT>& cls, const char* dtype) {
  using T = typename TensorT::value_type;
  using Host = HostTensor<T>;
  attach_runtime();
  // The CPU unit of the same dtype: its tensor class is what crosses to and from the device.
  const std::string host_module = std::string("satchel._units.cpu_") + dtype;
  const std::string host_name = std::string("satchel.cpu.") + dtype;
  try {  // for the docstrings' types; units of one device only may be built, so it may fail
    py::module_::import(host_module.c_str());
  } catch (const py::error_already_set&) {
  }

  m.def("from_host", [host_module, host_name](const py::object& tensor) {
    py::module_::import(host_module.c_str());
    if (!py::isinstance<Host>(tensor))
      throw py::type_error("from_host: expected a tensor of " + host_name + ", got " +
                           py::repr(py::type::handle_of(tensor)).cast<std::string>());
    return to_device(tensor.cast<const Host&>());
  }, py::arg("tensor"), ("A copy on the current CUDA device of a tensor of " + host_name + ".").c_str());

  cls.def("cpu", [host_module](const TensorT& t) {
    py::module_::import(host_module.c_str());  // registers the class of the result
    return to_host(t);
  }, ("A copy in host memory: a tensor of " + host_name + ".").c_str());
  cls.def("to", [](const py::object& self, const std::string& target) -> py::object {
    if (target == "cuda") return self;
    if (target == "cpu") return self.attr("cpu")();
    // Another dtype: converted on the host, then copied back.
    return py::module_::import("satchel._registry").attr("to")(self.attr("cpu")().attr("to")(target), "cuda");
  }, py::arg("target"), "This tensor as another dtype or on another device: itself for \"cuda\", a host copy for \"cpu\".");
  cls.def("tolist", [](const py::object& self) { return self.attr("cpu")().attr("tolist")(); },
          "The elements as nested Python lists (a number for a 0-d tensor), through the host.");
  cls.def("item", [](const TensorT& t) {
    if (t.numel() != 1)
      throw py::value_error("item: the tensor has " + std::to_string(t.numel()) + " elements, not 1");
    return py::cast(to_host(t).data()[0]);
  }, "The only element of a one-element tensor, as a Python number.");
  cls.def("__array__", [](const py::object& self, const py::object& dtype, const py::object&) {
    return py::module_::import("numpy").attr("asarray")(self.attr("cpu")(), dtype);
  }, py::arg("dtype") = py::none(), py::arg("copy") = py::none(), "A NumPy array of a host copy.");
  dlpack::bind(cls, [](const TensorT& t) { return dlpack::Device{dlpack::kCUDA, device_of(t)}; },
               [](const TensorT&, const py::object& stream) {
                 // The consumer reads on `stream` (None: the legacy default stream, -1:
                 // no ordering wanted); waiting for our stream makes the data ready on any.
                 if (!stream.is_none() && !PyLong_Check(stream.ptr()))
                   throw py::type_error("__dlpack__: stream must be an int or None");
                 const int64_t s = stream.is_none() ? 1 : stream.cast<int64_t>();
                 if (s == 0) throw py::value_error("__dlpack__: stream 0 is ambiguous; pass 1 for the legacy default stream");
                 if (s != -1) check(cudaStreamSynchronize(current_stream()), "cudaStreamSynchronize");
               }, "(kDLCUDA, the index of the device holding the tensor).");
  cls.def("__getitem__", [](const TensorT& t, py::handle key) { return index_view(t, key); },
          "t[key]: a view of t by NumPy's basic indexing (ints, slices, None, ...).");
  cls.def("__setitem__", [](const TensorT& t, py::handle key, const py::object& value) {
    assign(index_view(t, key), value);
  }, "t[key] = value: writes value (a number or tensor, broadcast) into the view t[key].");
}

}  // namespace satchel::cuda
