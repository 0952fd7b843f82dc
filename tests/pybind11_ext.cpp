// A pybind11 extension as a satchel user would write one; tests/test_pybind11.py
// compiles it and shows that it reads and writes satchel CPU tensors in place,
// zero-copy, two ways:
//   buffer_iota_<dtype>(t, start)               the buffer protocol: py::buffer,
//                                               request(true), strides in bytes
//   dlpack_iota_<dtype>(t, start, max_version)  DLPack: calls t.__dlpack__() (or takes
//                                               a capsule), strides in elements
// Each sets element i (counted in row-major order of the indices) to start + i and
// returns what it saw: the data pointer, shape, strides and (unless record=False)
// the old values.
#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace py = pybind11;

// ---- DLPack: the structs of dlpack.h (v1.0), which is an ABI -------------------

struct DLDevice {
  int32_t device_type;
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;  // kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBool 6
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; null means row-major contiguous
  uint64_t byte_offset;
};
struct DLManagedTensor {  // in a capsule named "dltensor"
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor*);
};
struct DLPackVersion {
  uint32_t major;
  uint32_t minor;
};
struct DLManagedTensorVersioned {  // in a capsule named "dltensor_versioned" (DLPack 1.x)
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(DLManagedTensorVersioned*);
  uint64_t flags;
  DLTensor dl_tensor;
};
constexpr int32_t kDLCPU = 1;
constexpr uint64_t kDLReadOnly = 1;  // DLPACK_FLAG_BITMASK_READ_ONLY

// ---- the element types this module takes ----------------------------------------

template <class T>
struct Elem;
template <>
struct Elem<float> {
  static constexpr const char* name = "float32";
  static constexpr uint8_t code = 2;
  static bool format_ok(char c) { return c == 'f'; }
  static constexpr const char* format = "f";
};
template <>
struct Elem<int64_t> {
  static constexpr const char* name = "int64";
  static constexpr uint8_t code = 0;
  static bool format_ok(char c) { return c == 'q' || (c == 'l' && sizeof(long) == 8); }
  static constexpr const char* format = "q";
};

// Whether a buffer's format (struct module syntax) is T, in native byte order.
template <class T>
bool is_format_of(const py::buffer_info& info) {
  std::string f = info.format;
  if (!f.empty() && (f[0] == '@' || f[0] == '=')) f.erase(0, 1);
  return info.itemsize == py::ssize_t(sizeof(T)) && f.size() == 1 && Elem<T>::format_ok(f[0]);
}

// Visits every element of a strided array in row-major order of the indices:
// f(element, i). step[d] is dim d's stride counted in P's: bytes for char, elements for T.
template <class T, class P, class F>
void walk(P* base, const std::vector<int64_t>& shape, const std::vector<int64_t>& step, F f) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    P* p = base;
    for (size_t d = 0; d < shape.size(); ++d) p += index[d] * step[d];
    f(*reinterpret_cast<T*>(p), i);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

template <class T>
py::dict iota(void* data, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, bool in_bytes,
              T start, bool record) {
  py::list before;
  auto set = [&](T& e, int64_t i) {
    if (record) before.append(e);
    e = T(start + T(i));
  };
  if (in_bytes) walk<T>(static_cast<char*>(data), shape, strides, set);
  else walk<T>(static_cast<T*>(data), shape, strides, set);
  py::dict seen;
  seen["data"] = reinterpret_cast<uintptr_t>(data);
  py::list shape_seen, strides_seen;
  for (size_t d = 0; d < shape.size(); ++d) {
    shape_seen.append(shape[d]);
    strides_seen.append(strides[d]);
  }
  seen["shape"] = py::tuple(shape_seen);
  seen["strides"] = py::tuple(strides_seen);
  seen["before"] = before;
  return seen;
}

// ---- the buffer protocol ----------------------------------------------------------

template <class T>
py::dict buffer_iota(py::buffer b, T start, bool record) {
  py::buffer_info info = b.request(/*writable=*/true);  // PyBUF_STRIDES | PyBUF_FORMAT | PyBUF_WRITABLE
  if (!is_format_of<T>(info))
    throw py::type_error(std::string("buffer_iota_") + Elem<T>::name + ": expected " + Elem<T>::name +
                         " elements (format '" + Elem<T>::format + "'), got format '" + info.format + "' of " +
                         std::to_string(info.itemsize) + " bytes");
  std::vector<int64_t> shape(info.shape.begin(), info.shape.end());
  std::vector<int64_t> strides(info.strides.begin(), info.strides.end());  // bytes
  return iota<T>(info.ptr, shape, strides, /*in_bytes=*/true, start, record);
}

// ---- DLPack -------------------------------------------------------------------------

template <class T, class M>
py::dict consume(py::handle capsule, const char* name, const char* used_name, T start, bool record) {
  auto* m = static_cast<M*>(PyCapsule_GetPointer(capsule.ptr(), name));
  if (!m) throw py::error_already_set();
  const DLTensor& dl = m->dl_tensor;
  const std::string fn = std::string("dlpack_iota_") + Elem<T>::name;
  if constexpr (std::is_same_v<M, DLManagedTensorVersioned>) {
    if (m->version.major != 1)
      throw py::buffer_error(fn + ": DLPack " + std::to_string(m->version.major) + " is not supported (1.x is)");
    if (m->flags & kDLReadOnly) throw py::buffer_error(fn + ": the tensor is read-only");
  }
  if (dl.device.device_type != kDLCPU)
    throw py::buffer_error(fn + ": expected CPU memory, got DLPack device type " +
                           std::to_string(dl.device.device_type));
  if (dl.dtype.code != Elem<T>::code || dl.dtype.bits != 8 * sizeof(T) || dl.dtype.lanes != 1)
    throw py::type_error(fn + ": expected " + Elem<T>::name + " elements, got DLPack type code " +
                         std::to_string(dl.dtype.code) + ", " + std::to_string(dl.dtype.bits) + " bits, " +
                         std::to_string(dl.dtype.lanes) + " lanes");
  // Ours now: renamed, the capsule's destructor leaves the tensor alone, and the
  // producer's deleter runs exactly once, here, when we are done with the memory.
  if (PyCapsule_SetName(capsule.ptr(), used_name) != 0) throw py::error_already_set();
  struct Release {
    M* m;
    ~Release() {
      if (m->deleter) m->deleter(m);
    }
  } release{m};
  std::vector<int64_t> shape(dl.shape, dl.shape + dl.ndim);
  std::vector<int64_t> strides(dl.ndim);  // elements
  int64_t step = 1;
  for (int d = dl.ndim - 1; d >= 0; step *= shape[d], --d) strides[d] = dl.strides ? dl.strides[d] : step;
  void* data = static_cast<char*>(dl.data) + dl.byte_offset;
  py::dict seen = iota<T>(data, shape, strides, /*in_bytes=*/false, start, record);
  seen["capsule"] = name;
  if constexpr (std::is_same_v<M, DLManagedTensorVersioned>)
    seen["version"] = py::make_tuple(m->version.major, m->version.minor);
  return seen;
}

template <class T>
py::dict dlpack_iota(py::object obj, T start, py::object max_version, bool record) {
  py::object capsule = obj;
  if (!PyCapsule_CheckExact(obj.ptr()))
    capsule = max_version.is_none() ? obj.attr("__dlpack__")()
                                    : obj.attr("__dlpack__")(py::arg("max_version") = max_version);
  const char* name = PyCapsule_GetName(capsule.ptr());
  if (!name) throw py::error_already_set();
  if (std::strcmp(name, "dltensor") == 0)
    return consume<T, DLManagedTensor>(capsule, "dltensor", "used_dltensor", start, record);
  if (std::strcmp(name, "dltensor_versioned") == 0)
    return consume<T, DLManagedTensorVersioned>(capsule, "dltensor_versioned", "used_dltensor_versioned", start, record);
  throw py::value_error(std::string("expected an unconsumed DLPack capsule, got one named '") + name + "'");
}

PYBIND11_MODULE(satchel_pybind11_ext, m) {
  m.def("buffer_iota_float32", &buffer_iota<float>, py::arg("t"), py::arg("start"), py::kw_only(),
        py::arg("record") = true);
  m.def("buffer_iota_int64", &buffer_iota<int64_t>, py::arg("t"), py::arg("start"), py::kw_only(),
        py::arg("record") = true);
  m.def("dlpack_iota_float32", &dlpack_iota<float>, py::arg("t"), py::arg("start"),
        py::arg("max_version") = py::none(), py::kw_only(), py::arg("record") = true);
  m.def("dlpack_iota_int64", &dlpack_iota<int64_t>, py::arg("t"), py::arg("start"),
        py::arg("max_version") = py::none(), py::kw_only(), py::arg("record") = true);
}
