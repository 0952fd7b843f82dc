// Build-wide definitions shared by host and device code.
#pragma once

#include <cstdint>
#include <type_traits>

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

// The type arithmetic on T runs in: T itself, unless T is storage only and
// says otherwise (half.h: half computes in float).
template <class T>
struct compute_type {
  using type = T;
};
template <class T>
using compute_t = typename compute_type<T>::type;
template <class T>
inline constexpr bool is_storage_only = !std::is_same_v<T, compute_t<T>>;

}  // namespace satchel
