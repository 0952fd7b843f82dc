// DLPack: tensors cross to and from other libraries (NumPy, PyTorch, CuPy, JAX)
// as capsules holding a DLManagedTensor (the legacy struct) or, for consumers of
// DLPack 1.x, a DLManagedTensorVersioned. The structs below are the layout of
// DLPack's dlpack.h (v1.0), which is an ABI; only what satchel uses is named.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "dtype.h"
#include "half.h"
#include "pyerror.h"
#include "tensor.h"
#include "views.h"

namespace satchel::dlpack {

struct Device {
  int32_t type;  // kCPU, kCUDA, ...
  int32_t id;
};
inline constexpr int32_t kCPU = 1;
inline constexpr int32_t kCUDA = 2;

struct DataType {
  uint8_t code;  // 0 int, 1 uint, 2 float, 6 bool
  uint8_t bits;
  uint16_t lanes;
};

struct DLTensor {
  void* data;
  Device device;
  int32_t ndim;
  DataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; null means row-major contiguous
  uint64_t byte_offset;
};

struct Managed {  // DLManagedTensor
  DLTensor tensor;
  void* context;
  void (*deleter)(Managed*);
};

struct Version {
  uint32_t major;
  uint32_t minor;
};

struct ManagedVersioned {  // DLManagedTensorVersioned
  Version version;
  void* context;
  void (*deleter)(ManagedVersioned*);
  uint64_t flags;
  DLTensor tensor;
};
inline constexpr uint64_t kReadOnly = 1;
inline constexpr uint64_t kIsCopied = 2;

template <class M>
inline constexpr const char* kName = std::is_same_v<M, ManagedVersioned> ? "dltensor_versioned" : "dltensor";
template <class M>
inline constexpr const char* kUsedName =
    std::is_same_v<M, ManagedVersioned> ? "used_dltensor_versioned" : "used_dltensor";

template <class T>
constexpr DataType data_type() {
  if constexpr (std::is_same_v<T, bool>) return {6, 8, 1};
  else if constexpr (std::is_same_v<T, half> || std::is_floating_point_v<T>) return {2, uint8_t(8 * sizeof(T)), 1};
  else return {uint8_t(std::is_signed_v<T> ? 0 : 1), uint8_t(8 * sizeof(T)), 1};
}

inline std::string describe(Device d) {
  const std::string type = d.type == kCPU ? "cpu" : d.type == kCUDA ? "cuda" : "DLPack device type " + std::to_string(d.type);
  return type + ":" + std::to_string(d.id);
}

inline std::string describe(DataType t) {  // "float32", "bfloat16", "int8x4"
  static const char* const kinds[] = {"int", "uint", "float", "opaque", "bfloat", "complex", "bool"};
  if (t.code == 6 && t.bits == 8 && t.lanes == 1) return "bool";
  std::string s = t.code < 7 ? kinds[t.code] : "type code " + std::to_string(t.code) + " of ";
  s += std::to_string(t.bits);
  if (t.lanes != 1) s += "x" + std::to_string(t.lanes);
  return s;
}

// What an exported capsule owns: a view of the tensor, which keeps its storage
// alive, and the shape and strides the DLTensor points at.
template <class TensorT, class M>
struct Export {
  M managed{};
  TensorT tensor;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxDims];
};

template <class M, class TensorT>
nb::capsule make_capsule(const TensorT& t, Device device, uint64_t flags) {
  using T = typename TensorT::value_type;
  auto* e = new Export<TensorT, M>{{}, t, {}, {}};
  DLTensor& dl = e->managed.tensor;
  dl.data = const_cast<T*>(t.data());
  dl.device = device;
  dl.ndim = t.dim();
  dl.dtype = data_type<T>();
  for (int d = 0; d < t.dim(); ++d) {
    e->shape[d] = t.size(d);
    e->strides[d] = t.stride(d);
  }
  dl.shape = e->shape;
  dl.strides = e->strides;
  e->managed.context = e;
  e->managed.deleter = [](M* m) { delete static_cast<Export<TensorT, M>*>(m->context); };
  if constexpr (std::is_same_v<M, ManagedVersioned>) {
    e->managed.version = {1, 0};
    e->managed.flags = flags;
  }
  // A capsule nobody consumed still owns the tensor; a consumer renames it.
  PyObject* capsule = PyCapsule_New(&e->managed, kName<M>, [](PyObject* c) {
    if (PyCapsule_IsValid(c, kName<M>)) {
      M* m = static_cast<M*>(PyCapsule_GetPointer(c, kName<M>));
      m->deleter(m);
    }
  });
  if (!capsule) {
    delete e;
    throw nb::python_error();
  }
  return nb::steal<nb::capsule>(capsule);
}

// t.__dlpack__(max_version=, dl_device=, copy=) once the device has checked the
// stream: a versioned capsule for consumers of DLPack 1.x, else the legacy one.
template <class TensorT>
nb::capsule export_tensor(const TensorT& t, Device device, const std::optional<std::pair<int, int>>& max_version,
                          const std::optional<std::pair<int32_t, int32_t>>& dl_device, std::optional<bool> copy) {
  if (dl_device && (dl_device->first != device.type || dl_device->second != device.id))
    throw buffer_error("__dlpack__: cannot export a tensor on " + describe(device) + " to " +
                       describe(Device{dl_device->first, dl_device->second}));
  const TensorT src = copy.value_or(false) ? native::clone(t) : t;
  if (max_version && max_version->first >= 1)
    return make_capsule<ManagedVersioned>(src, device, copy.value_or(false) ? kIsCopied : 0);
  return make_capsule<Managed>(src, device, 0);
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

template <class TensorT>
struct Imported {
  TensorT tensor;
  bool read_only;
  bool copied;
};

template <class M, class TensorT>
Imported<TensorT> take(nb::handle capsule, Device expected, const char* unit) {
  using T = typename TensorT::value_type;
  M* m = static_cast<M*>(PyCapsule_GetPointer(capsule.ptr(), kName<M>));
  if (!m) throw nb::python_error();
  uint64_t flags = 0;
  if constexpr (std::is_same_v<M, ManagedVersioned>) {
    if (m->version.major != 1)
      throw buffer_error("from_dlpack: DLPack " + std::to_string(m->version.major) + "." +
                         std::to_string(m->version.minor) + " is not supported (1.x is)");
    flags = m->flags;
  }
  const DLTensor& dl = m->tensor;
  if (dl.device.type != expected.type || dl.device.id != expected.id)
    throw buffer_error("from_dlpack: the memory is on " + describe(dl.device) + "; " + unit + " takes memory on " +
                       describe(expected));
  const DataType want = data_type<T>();
  if (dl.dtype.code != want.code || dl.dtype.bits != want.bits || dl.dtype.lanes != want.lanes)
    throw type_error("from_dlpack: the elements are " + describe(dl.dtype) + ", not " + DType<T>::name + " (" +
                     unit + "); satchel.from_dlpack picks the unit of the producer's dtype");
  if (dl.ndim < 0 || dl.ndim > kMaxDims)
    throw value_error("from_dlpack: " + std::to_string(dl.ndim) + " dimensions (satchel has at most " +
                      std::to_string(kMaxDims) + ")");
  Dims sizes(dl.ndim);
  for (int d = 0; d < dl.ndim; ++d) sizes[d] = dl.shape[d];
  Dims strides = contiguous_strides(sizes);
  if (dl.strides)
    for (int d = 0; d < dl.ndim; ++d) strides[d] = dl.strides[d];
  T* data = reinterpret_cast<T*>(static_cast<char*>(dl.data) + dl.byte_offset);
  // The producer's deleter runs when the last view goes; it may need the GIL.
  std::shared_ptr<void> memory(data, [m](void*) {
    nb::gil_scoped_acquire gil;
    if (m->deleter) m->deleter(m);
  });
  PyCapsule_SetName(capsule.ptr(), kUsedName<M>);
  return {TensorT(Storage{std::move(memory), 0}, 0, sizes, strides), (flags & kReadOnly) != 0,
          (flags & kIsCopied) != 0};
}

template <class TensorT>
TensorT finish(Imported<TensorT> in, std::optional<bool> copy) {
  if (in.read_only && copy == false)
    throw buffer_error("from_dlpack: the producer's memory is read-only and copy=False forbids a copy");
  if ((in.read_only || copy == true) && !in.copied) return native::clone(in.tensor);
  return in.tensor;
}

// T.from_dlpack(obj, copy=): obj's memory on `expected`, shared; copied where
// copy=True (unless the producer copied) or the producer's memory is read-only.
template <class TensorT>
TensorT from_dlpack(nb::object obj, std::optional<bool> copy, Device expected, const char* unit) {
  if (!PyCapsule_CheckExact(obj.ptr()))
    obj = nb::module_::import_("satchel._dlpack").attr("capsule")(obj, copy);
  const nb::handle capsule = obj;
  const char* name = PyCapsule_GetName(capsule.ptr());
  const std::string kind = name ? name : "";
  if (kind == kName<ManagedVersioned>) return finish(take<ManagedVersioned, TensorT>(capsule, expected, unit), copy);
  if (kind == kName<Managed>) return finish(take<Managed, TensorT>(capsule, expected, unit), copy);
  throw value_error("from_dlpack: expected an unconsumed DLPack capsule, got one named '" + kind + "'");
}

}  // namespace satchel::dlpack

namespace satchel::native {

template <class TensorT>
TensorT from_dlpack(nanobind::object obj, std::optional<bool> copy) {
  static const std::string unit = std::string("satchel.cpu.") + DType<typename TensorT::value_type>::name;
  return dlpack::from_dlpack<TensorT>(std::move(obj), copy, {dlpack::kCPU, 0}, unit.c_str());
}

}  // namespace satchel::native
