// What a CUDA unit adds to its Python module beyond its ops: attaching to the
// shared runtime, CUDA errors as satchel.cuda.CudaError, host <-> device copies
// (from_host, t.cpu(), t.to(device)), conversions through the host (tolist,
// item; __array__ is satchel/_protocols.py's) and indexing.
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "../bind.h"
#include "../indexing.h"
#include "native.h"
#include "transfer.h"

namespace satchel::cuda {

// Attaches this unit to the runtime table of satchel._units._cuda_runtime. The
// module imports on any machine; only using a device needs one.
inline void attach_runtime() {
  const nb::module_ rt = nb::module_::import_(kRuntimeModule);
  const nb::object capsule = rt.attr("_api");
  const auto* api = static_cast<const RuntimeApi*>(PyCapsule_GetPointer(capsule.ptr(), kRuntimeCapsule));
  if (!api || api->version != RuntimeApi::kVersion) {
    PyErr_Clear();
    throw import_error(std::string(kRuntimeModule) + " does not match this unit: rebuild satchel");
  }
  runtime_slot() = api;
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      const nb::object error = nb::module_::import_(kRuntimeModule).attr("CudaError");
      PyErr_SetString(error.ptr(), e.what());
    }
  });
}

template <class TensorT>
void bind_unit(nb::module_& m, nb::class_<TensorT>& cls, const char* dtype) {
  using T = typename TensorT::value_type;
  using Host = HostTensor<T>;
  attach_runtime();
  // The CPU unit of the same dtype: its tensor class is what crosses to and from the device.
  const std::string host_module = std::string("satchel._units.cpu_") + dtype;
  const std::string host_name = std::string("satchel.cpu.") + dtype;
  try {  // for the docstrings' types; units of one device only may be built, so it may fail
    nb::module_::import_(host_module.c_str());
  } catch (const nb::python_error&) {
  }

  // The docstrings live as long as the module: nanobind keeps the pointer.
  static const std::string from_host_doc = "A copy on the current CUDA device of a tensor of " + host_name + ".";
  static const std::string cpu_doc = "A copy in host memory: a tensor of " + host_name + ".";
  m.def("from_host", [host_module, host_name](nb::handle tensor) {
    nb::module_::import_(host_module.c_str());
    if (!nb::isinstance<Host>(tensor))
      throw type_error("from_host: expected a tensor of " + host_name + ", got " + nb::repr(tensor.type()).c_str());
    return to_device(nb::cast<const Host&>(tensor));
  }, nb::arg("tensor"), from_host_doc.c_str());

  cls.def("cpu", [host_module](const TensorT& t) {
    nb::module_::import_(host_module.c_str());  // registers the class of the result
    return to_host(t);
  }, cpu_doc.c_str());
  cls.def("to", [](nb::object self, const std::string& target) -> nb::object {
    if (target == "cuda") return self;
    if (target == "cpu") return self.attr("cpu")();
    // Another dtype: converted on the host, then copied back.
    return nb::module_::import_("satchel._registry").attr("to")(self.attr("cpu")().attr("to")(target), "cuda");
  }, nb::arg("target"), "This tensor as another dtype or on another device: itself for \"cuda\", a host copy for \"cpu\".");
  cls.def("tolist", [](nb::handle self) { return self.attr("cpu")().attr("tolist")(); },
          "The elements as nested Python lists (a number for a 0-d tensor), through the host.");
  cls.def("item", [](const TensorT& t) {
    if (t.numel() != 1)
      throw value_error("item: the tensor has " + std::to_string(t.numel()) + " elements, not 1");
    return nb::cast(to_host(t).data()[0]);
  }, "The only element of a one-element tensor, as a Python number.");
  dlpack::bind(cls, [](const TensorT& t) { return dlpack::Device{dlpack::kCUDA, device_of(t)}; },
               [](const TensorT&, nb::handle stream) {
                 // The consumer reads on `stream` (None: the legacy default stream, -1:
                 // no ordering wanted); waiting for our stream makes the data ready on any.
                 if (!stream.is_none() && !PyLong_Check(stream.ptr()))
                   throw nb::type_error("__dlpack__: stream must be an int or None");
                 const int64_t s = stream.is_none() ? 1 : nb::cast<int64_t>(stream);
                 if (s == 0) throw nb::value_error("__dlpack__: stream 0 is ambiguous; pass 1 for the legacy default stream");
                 if (s != -1) check(cudaStreamSynchronize(current_stream()), "cudaStreamSynchronize");
               }, "(kDLCUDA, the index of the device holding the tensor).");
  cls.def("__getitem__", [](const TensorT& t, nb::handle key) { return index_view(t, key); },
          "t[key] by NumPy's rules: a view for ints, slices, None and ...; a copy where the key has "
          "integer arrays or boolean masks (made through the host).");
  cls.def("__setitem__", [](const TensorT& t, nb::handle key, nb::handle value) {
    TensorBase view;
    if (!view_of_key(t, key.ptr(), view)) return device_index_scatter(t, key.ptr(), value);
    satchel::assign(TensorT(std::move(view)), value, native::tensor<TensorT>, Copies<T>::into);
  }, "t[key] = value: writes value (a number or tensor, broadcast to t[key]) into the elements t[key] names.");
  satchel::detail::install_fast_slots<TensorT>(cls);
}

}  // namespace satchel::cuda
