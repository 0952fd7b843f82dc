// The structs of DLPack's dlpack.h (v1.0), which is an ABI; only what satchel
// uses is named. No Python here: the generated dtype traits name DataTypes.
#pragma once

#include <cstdint>

namespace satchel::dlpack {

struct Device {
  int32_t type;  // kCPU, kCUDA, ...
  int32_t id;
};
inline constexpr int32_t kCPU = 1;
inline constexpr int32_t kCUDA = 2;

struct DataType {
  uint8_t code;  // 0 int, 1 uint, 2 float, 4 bfloat, 5 complex, 6 bool
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

}  // namespace satchel::dlpack
