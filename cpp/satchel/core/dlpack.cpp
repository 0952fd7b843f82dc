#include "dlpack.h"

#include <memory>
#include <stdexcept>
#include <type_traits>

#include "errors.h"

namespace satchel::dlpack {

namespace {

template <class M>
constexpr const char* kName = std::is_same_v<M, ManagedVersioned> ? "dltensor_versioned" : "dltensor";
template <class M>
constexpr const char* kUsedName = std::is_same_v<M, ManagedVersioned> ? "used_dltensor_versioned" : "used_dltensor";

// What an exported capsule owns: a view of the tensor, which keeps its storage
// alive, and the shape and strides the DLTensor points at.
template <class M>
struct Export {
  M managed{};
  TensorBase tensor;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxDims];
};

template <class M>
PyObject* make_capsule(const TensorBase& t, int64_t itemsize, DataType dtype, Device device, uint64_t flags) {
  auto* e = new Export<M>{{}, t, {}, {}};
  DLTensor& dl = e->managed.tensor;
  dl.data = t.bytes(itemsize);
  dl.device = device;
  dl.ndim = t.dim();
  dl.dtype = dtype;
  for (int d = 0; d < t.dim(); ++d) {
    e->shape[d] = t.size(d);
    e->strides[d] = t.stride(d);
  }
  dl.shape = e->shape;
  dl.strides = e->strides;
  e->managed.context = e;
  e->managed.deleter = [](M* m) { delete static_cast<Export<M>*>(m->context); };
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
    throw PythonError();
  }
  return capsule;
}

template <class M>
Imported take(PyObject* capsule, Device expected, DataType want, const char* dtype_name, const char* unit) {
  M* m = static_cast<M*>(PyCapsule_GetPointer(capsule, kName<M>));
  if (!m) throw PythonError();
  uint64_t flags = 0;
  if constexpr (std::is_same_v<M, ManagedVersioned>) {
    if (m->version.major != 1)
      throw BufferError("from_dlpack: DLPack " + std::to_string(m->version.major) + "." +
                        std::to_string(m->version.minor) + " is not supported (1.x is)");
    flags = m->flags;
  }
  const DLTensor& dl = m->tensor;
  if (dl.device.type != expected.type || dl.device.id != expected.id)
    throw BufferError("from_dlpack: the memory is on " + describe(dl.device) + "; " + unit + " takes memory on " +
                      describe(expected));
  if (dl.dtype.code != want.code || dl.dtype.bits != want.bits || dl.dtype.lanes != want.lanes)
    throw TypeError("from_dlpack: the elements are " + describe(dl.dtype) + ", not " + dtype_name + " (" + unit +
                    "); satchel.from_dlpack picks the unit of the producer's dtype");
  if (dl.ndim < 0 || dl.ndim > kMaxDims)
    throw std::invalid_argument("from_dlpack: " + std::to_string(dl.ndim) + " dimensions (satchel has at most " +
                                std::to_string(kMaxDims) + ")");
  Dims sizes(dl.ndim);
  for (int d = 0; d < dl.ndim; ++d) sizes[d] = dl.shape[d];
  Dims strides = contiguous_strides(sizes);
  if (dl.strides)
    for (int d = 0; d < dl.ndim; ++d) strides[d] = dl.strides[d];
  void* data = static_cast<char*>(dl.data) + dl.byte_offset;
  // The producer's deleter runs when the last view goes; it may need the GIL.
  std::shared_ptr<void> memory(data, [m](void*) {
    const PyGILState_STATE gil = PyGILState_Ensure();
    if (m->deleter) m->deleter(m);
    PyGILState_Release(gil);
  });
  PyCapsule_SetName(capsule, kUsedName<M>);
  return {TensorBase(Storage{std::move(memory), 0}, 0, sizes, strides), (flags & kReadOnly) != 0,
          (flags & kIsCopied) != 0};
}

// A new reference to satchel._dlpack.capsule(obj, copy): the producer's capsule.
PyObject* capsule_of(PyObject* obj, std::optional<bool> copy) {
  PyObject* module = PyImport_ImportModule("satchel._dlpack");
  if (!module) throw PythonError();
  PyObject* fn = PyObject_GetAttrString(module, "capsule");
  Py_DECREF(module);
  if (!fn) throw PythonError();
  PyObject* flag = copy ? PyBool_FromLong(*copy) : Py_NewRef(Py_None);
  PyObject* capsule = PyObject_CallFunctionObjArgs(fn, obj, flag, nullptr);
  Py_DECREF(flag);
  Py_DECREF(fn);
  if (!capsule) throw PythonError();
  return capsule;
}

}  // namespace

std::string describe(Device d) {
  const std::string type = d.type == kCPU ? "cpu" : d.type == kCUDA ? "cuda" : "DLPack device type " + std::to_string(d.type);
  return type + ":" + std::to_string(d.id);
}

std::string describe(DataType t) {
  static const char* const kinds[] = {"int", "uint", "float", "opaque", "bfloat", "complex", "bool"};
  if (t.code == 6 && t.bits == 8 && t.lanes == 1) return "bool";
  std::string s = t.code < 7 ? kinds[t.code] : "type code " + std::to_string(t.code) + " of ";
  s += std::to_string(t.bits);
  if (t.lanes != 1) s += "x" + std::to_string(t.lanes);
  return s;
}

void check_export_device(Device device, const std::optional<std::pair<int32_t, int32_t>>& dl_device) {
  if (dl_device && (dl_device->first != device.type || dl_device->second != device.id))
    throw BufferError("__dlpack__: cannot export a tensor on " + describe(device) + " to " +
                      describe(Device{dl_device->first, dl_device->second}));
}

PyObject* export_capsule(const TensorBase& t, int64_t itemsize, DataType dtype, Device device, bool versioned,
                         uint64_t flags) {
  if (versioned) return make_capsule<ManagedVersioned>(t, itemsize, dtype, device, flags);
  return make_capsule<Managed>(t, itemsize, dtype, device, 0);
}

Imported import_capsule(PyObject* obj, std::optional<bool> copy, Device expected, DataType want,
                        const char* dtype_name, const char* unit) {
  PyObject* capsule = PyCapsule_CheckExact(obj) ? Py_NewRef(obj) : capsule_of(obj, copy);
  const std::unique_ptr<PyObject, void (*)(PyObject*)> held(capsule, [](PyObject* p) { Py_DECREF(p); });
  const char* name = PyCapsule_GetName(capsule);
  const std::string kind = name ? name : "";
  if (kind == kName<ManagedVersioned>) return take<ManagedVersioned>(capsule, expected, want, dtype_name, unit);
  if (kind == kName<Managed>) return take<Managed>(capsule, expected, want, dtype_name, unit);
  throw std::invalid_argument("from_dlpack: expected an unconsumed DLPack capsule, got one named '" + kind + "'");
}

}  // namespace satchel::dlpack
