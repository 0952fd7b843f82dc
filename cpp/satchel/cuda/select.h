// where and masked_fill on CUDA tensors: the device form of core/select.h,
// compiled once (select.cu, by nvcc) into the library every CUDA unit links.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "../core/select.h"

namespace satchel::cuda {

// A select operand: device memory, or (data null) a number of the element's
// bytes held in `value`, as a where(c, x, 0) or masked_fill passes one.
struct Choice {
  Strided at;
  uint64_t value = 0;
};

// out = condition ? a : b on `stream`, as core/select.h's select_into.
void select_into(char* out, const Dims& sizes, const Dims& strides, const Strided& condition, const Choice& a,
                 const Choice& b, int64_t itemsize, cudaStream_t stream);

}  // namespace satchel::cuda
