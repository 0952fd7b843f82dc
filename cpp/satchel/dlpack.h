// DLPack on a unit's tensor class: __dlpack__ and __dlpack_device__, and
// T.from_dlpack. The capsules themselves are the core's (core/dlpack.h).
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>

#include <optional>
#include <string>
#include <utility>

#include "core/bools.h"
#include "core/dlpack.h"
#include "core/errors.h"
#include "pyerror.h"
#include "dtype.h"
#include "tensor.h"
#include "views.h"

namespace satchel::dlpack {

// t.__dlpack__(max_version=, dl_device=, copy=) once the device has checked the
// stream: a versioned capsule for consumers of DLPack 1.x, else the legacy one.
template <class TensorT>
nb::capsule export_tensor(const TensorT& t, Device device, const std::optional<std::pair<int, int>>& max_version,
                          const std::optional<std::pair<int32_t, int32_t>>& dl_device, std::optional<bool> copy) {
  using T = typename TensorT::value_type;
  check_export_device(device, dl_device);
  const bool copied = copy.value_or(false);
  const TensorT src = copied ? native::clone(t) : t;
  return nb::steal<nb::capsule>(export_capsule(src, sizeof(T), DType<T>::dlpack, device,
                                               max_version && max_version->first >= 1, copied ? kIsCopied : 0));
}

// t.__dlpack__(*, stream, max_version, dl_device, copy) and t.__dlpack_device__()
// on a tensor class. device(t) says where t's memory is; ready(t, stream) checks
// the consumer's stream and orders the tensor's pending writes before it.
template <class TensorT, class DeviceOf, class Ready>
void bind(nb::class_<TensorT>& cls, DeviceOf device, Ready ready, const char* device_doc) {
  cls.def("__dlpack__", [device, ready](const TensorT& t, nb::handle stream,
                                        const std::optional<std::pair<int, int>>& max_version,
                                        const std::optional<std::pair<int32_t, int32_t>>& dl_device,
                                        std::optional<bool> copy) {
    ready(t, stream);
    return export_tensor(t, device(t), max_version, dl_device, copy);
  }, nb::kw_only(), nb::arg("stream") = nb::none(), nb::arg("max_version") = nb::none(),
     nb::arg("dl_device") = nb::none(), nb::arg("copy") = nb::none(),
     "A DLPack capsule sharing this tensor's memory (a copy with copy=True); versioned where max_version >= (1, 0).");
  cls.def("__dlpack_device__", [device](const TensorT& t) {
    const Device d = device(t);
    return nb::make_tuple(d.type, d.id);
  }, device_doc);
}

// T.from_dlpack(obj, copy=): obj's memory on `expected`, shared; copied where
// copy=True (unless the producer copied) or the producer's memory is read-only.
template <class TensorT>
TensorT from_dlpack(nb::object obj, std::optional<bool> copy, Device expected, const char* unit) {
  using T = typename TensorT::value_type;
  Imported in = import_capsule(obj.ptr(), copy, expected, DType<T>::dlpack, DType<T>::name, unit);
  const TensorT t(std::move(in.tensor));
  // Device memory is not read here: CUDA imports are trusted to hold 0s and 1s.
  if constexpr (std::is_same_v<T, bool>)
    if (expected.type == kCPU) check_bools(t, "from_dlpack");
  if (in.read_only && copy == false)
    throw BufferError("from_dlpack: the producer's memory is read-only and copy=False forbids a copy");
  if ((in.read_only || copy == true) && !in.copied) return native::clone(t);
  return t;
}

}  // namespace satchel::dlpack

namespace satchel::native {

template <class TensorT>
TensorT from_dlpack(nanobind::object obj, std::optional<bool> copy) {
  static const std::string unit = std::string("satchel.cpu.") + DType<typename TensorT::value_type>::name;
  return dlpack::from_dlpack<TensorT>(std::move(obj), copy, {dlpack::kCPU, 0}, unit.c_str());
}

}  // namespace satchel::native
