// The process-wide CUDA state every CUDA unit shares: one caching allocator and
// the current device and stream. It lives in the module
// satchel._units._cuda_runtime (runtime_module.cpp), which hands units this
// table of functions through a capsule.
//
// Each unit links its own static copy of the CUDA runtime (so it imports where
// there is no driver). All copies use the driver's primary context of a device,
// so device pointers and streams pass freely between them; only "the current
// device" is per copy, which runtime.h keeps in step with the table's.
#pragma once

#include <cstddef>

#include <cuda_runtime_api.h>

namespace satchel::cuda {

struct RuntimeApi {
  static constexpr int kVersion = 1;
  int version;
  // Null when a device can be used, else why not (the text after "no CUDA device: ").
  const char* (*unavailable)();
  int (*current_device)();
  cudaStream_t (*current_stream)();
  // At least nbytes on the current device, for use on the current stream; null
  // (with *error set) when the device is out of memory even after the cache was emptied.
  void* (*allocate)(std::size_t nbytes, cudaError_t* error);
  // Returns a block to the cache; a later request of the same size class on the
  // same device and stream reuses it. Never calls CUDA, so it is safe at exit.
  void (*release)(void* ptr);
};

inline constexpr const char* kRuntimeModule = "satchel._units._cuda_runtime";
inline constexpr const char* kRuntimeCapsule = "satchel._units._cuda_runtime._api";

}  // namespace satchel::cuda
