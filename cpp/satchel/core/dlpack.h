// DLPack: tensors cross to and from other libraries (NumPy, PyTorch, CuPy, JAX)
// as capsules holding a DLManagedTensor (the legacy struct) or, for consumers of
// DLPack 1.x, a DLManagedTensorVersioned (dlpack_abi.h). Capsules are made and
// taken here, whatever the element type; dlpack.h binds them to a unit's
// tensor class.
#pragma once

#include <Python.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "../tensor.h"
#include "dlpack_abi.h"
#include "export.h"

namespace satchel::dlpack {

SATCHEL_CORE std::string describe(Device d);    // "cpu:0"
SATCHEL_CORE std::string describe(DataType t);  // "float32", "bfloat16", "int8x4"

// BufferError unless a consumer asking for dl_device can have a tensor on `device`.
SATCHEL_CORE void check_export_device(Device device, const std::optional<std::pair<int32_t, int32_t>>& dl_device);

// A new capsule sharing t's memory (elements of dtype, itemsize bytes, on
// device): versioned with `flags` for consumers of DLPack 1.x, else legacy. The
// capsule keeps t's storage alive until its consumer's deleter runs.
SATCHEL_CORE PyObject* export_capsule(const TensorBase& t, int64_t itemsize, DataType dtype, Device device,
                                      bool versioned, uint64_t flags);

struct Imported {
  TensorBase tensor;  // sharing the producer's memory, which it keeps alive
  bool read_only;
  bool copied;
};

// The memory of obj, a DLPack producer (asked for a capsule with copy) or an
// unconsumed capsule, which must hold elements of `want` (dtype_name) on
// `expected`; `unit` names the taker in errors. Marks the capsule consumed.
SATCHEL_CORE Imported import_capsule(PyObject* obj, std::optional<bool> copy, Device expected, DataType want,
                                     const char* dtype_name, const char* unit);

}  // namespace satchel::dlpack
