// Build-wide definitions shared by host and device code.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define SATCHEL_HD __host__ __device__ __forceinline__
#else
#define SATCHEL_HD inline
#endif

namespace satchel {

enum class Device { cpu, cuda };

// At most this many dimensions; fixed so tensor metadata never allocates.
inline constexpr int kMaxDims = 16;

// Below this many elements a kernel stays on one core and keeps the GIL: the
// cost of waking threads is larger than the work.
inline constexpr int64_t kParallelGrain = 32768;

}  // namespace satchel
