// The one kernel launcher of CUDA's random draws, compiled once (random.cu) for
// each distribution and element type the natives (random.h) use.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../distributions.h"

namespace satchel::cuda::rng {

// out[0, n) from the blocks of d, on stream.
template <class T, class Dist>
void fill(T* out, int64_t n, const random::Draw& d, const Dist& dist, cudaStream_t stream);

}  // namespace satchel::cuda::rng
