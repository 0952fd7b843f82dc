// The matrix products on CUDA tensors, compiled once (gemm.cu, by nvcc) into a
// library every CUDA unit links: half, float and double by cuBLAS, loaded when
// first needed (so nothing else needs it), integers by a tiled kernel of our own.
#pragma once

#include <cuda_runtime_api.h>

#include "../core/product.h"

namespace satchel::cuda {

// p on `stream` of the current device. Every operand of a cuBLAS type must be
// readable by the BLAS in place (core/blas_view.h): the natives copy those that are not.
template <class T>
void gemm(const linalg::Product& p, compute_t<T> alpha, compute_t<T> beta, cudaStream_t stream);

#define SATCHEL_CUDA_GEMM(T) \
  extern template void gemm<T>(const linalg::Product&, compute_t<T>, compute_t<T>, cudaStream_t);
SATCHEL_CUDA_GEMM(half)
SATCHEL_CUDA_GEMM(float)
SATCHEL_CUDA_GEMM(double)
SATCHEL_CUDA_GEMM(int8_t)
SATCHEL_CUDA_GEMM(int16_t)
SATCHEL_CUDA_GEMM(int32_t)
SATCHEL_CUDA_GEMM(int64_t)
SATCHEL_CUDA_GEMM(uint8_t)
#undef SATCHEL_CUDA_GEMM

}  // namespace satchel::cuda
