// Element-wise moves along a dim on CUDA (torch's gather and scatter, and
// index_select / index_add as the same over an index broadcast along the other
// dims), compiled once (gather.cu, by nvcc) into a library every CUDA unit
// links: copies by element size, adds per dtype with atomics (a compare-and-swap
// loop where the hardware has no atomic add of that width).
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "../config.h"
#include "../half.h"

namespace satchel::cuda {

// For each element p of index (nd dims of `sizes`): x's offset sum_{d != dim}
// p_d * x_strides[d] + index[p] * x_strides[dim] (negative indices counted from
// dim_size), y's sum_d p_d * y_strides[d]. Strides count elements.
struct Along {
  int nd = 0;
  int dim = 0;
  int64_t dim_size = 0;
  int64_t numel = 0;
  int64_t sizes[kMaxDims] = {};
  int64_t x_strides[kMaxDims] = {};
  int64_t y_strides[kMaxDims] = {};
  int64_t index_strides[kMaxDims] = {};
  const int64_t* index = nullptr;
};

// The row-major position of the first element of a's index outside [lo, hi), or
// a.numel when all are in range: one host sync, so that nothing is written
// before an IndexError. scratch: 8 bytes of device memory.
int64_t first_out_of_range(const Along& a, int64_t lo, int64_t hi, void* scratch, cudaStream_t stream);

// y[...] = x[...] (x_to_y) or x[...] = y[...], elements of itemsize bytes.
void along_copy(const Along& a, char* x, char* y, int itemsize, bool x_to_y, cudaStream_t stream);

// x[...] += alpha * y[...] with atomic adds: every duplicate index adds.
template <class T>
void along_add(const Along& a, T* x, const T* y, compute_t<T> alpha, cudaStream_t stream);

#define SATCHEL_CUDA_ALONG_ADD(T) \
  extern template void along_add<T>(const Along&, T*, const T*, compute_t<T>, cudaStream_t);
SATCHEL_CUDA_ALONG_ADD(bool)
SATCHEL_CUDA_ALONG_ADD(half)
SATCHEL_CUDA_ALONG_ADD(float)
SATCHEL_CUDA_ALONG_ADD(double)
SATCHEL_CUDA_ALONG_ADD(int8_t)
SATCHEL_CUDA_ALONG_ADD(int16_t)
SATCHEL_CUDA_ALONG_ADD(int32_t)
SATCHEL_CUDA_ALONG_ADD(int64_t)
SATCHEL_CUDA_ALONG_ADD(uint8_t)
#undef SATCHEL_CUDA_ALONG_ADD

}  // namespace satchel::cuda
