// The process-wide state of the host side that users tune: how many threads
// kernels use and the host allocator's cache (satchel._units._host binds them).
#pragma once

#include <cstddef>

#include "export.h"

namespace satchel::host {

// Threads a kernel may use: n >= 1, or 0 for OpenMP's default (OMP_NUM_THREADS, else every core).
SATCHEL_CORE void set_threads(int n);
SATCHEL_CORE int threads();

// Bytes of freed big blocks the allocator keeps for reuse (at most cache_limit()),
// and giving them back to the system.
SATCHEL_CORE std::size_t cached_bytes();
SATCHEL_CORE std::size_t cache_limit();
SATCHEL_CORE void empty_cache();

}  // namespace satchel::host
