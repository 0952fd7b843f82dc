// The BLAS the core is linked with (OpenBLAS, from the scipy-openblas32 package):
// the few routines the products use, for float and double, and its threads.
// Only blas.cpp sees the library's header, so nothing else depends on its names.
#pragma once

#include <cstdint>

#include "export.h"

namespace satchel::blas {

// Indices are 32-bit (LP64 OpenBLAS): callers keep dims and strides within blas_view.h's kMaxBlasIndex.

// Row-major C (m x n, leading dim ldc) = alpha * op(A) op(B) + beta * C, where
// op(X) is X or, with trans_x, its transpose; beta = 0 writes C without reading it.
SATCHEL_CORE void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                       int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
SATCHEL_CORE void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                       int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

// y = alpha * op(A) x + beta * y for a row-major A (m x n), vector strides incx, incy.
SATCHEL_CORE void gemv(bool trans, int64_t m, int64_t n, float alpha, const float* a, int64_t lda, const float* x,
                       int64_t incx, float beta, float* y, int64_t incy);
SATCHEL_CORE void gemv(bool trans, int64_t m, int64_t n, double alpha, const double* a, int64_t lda,
                       const double* x, int64_t incx, double beta, double* y, int64_t incy);

// The sum of x[i] * y[i] over n elements with strides incx, incy.
SATCHEL_CORE float dot(int64_t n, const float* x, int64_t incx, const float* y, int64_t incy);
SATCHEL_CORE double dot(int64_t n, const double* x, int64_t incx, const double* y, int64_t incy);

// Before a LAPACK call (the products above see to it themselves): the BLAS set
// to run its threaded work on satchel's threads, as many as satchel's cap.
SATCHEL_CORE void prepare();

// A scope whose BLAS and LAPACK calls run on one thread. For getrf: OpenBLAS's
// parallel LU waits on its own jobs by spinning, which on satchel's threads runs
// 30 times slower than on one thread (a 512 x 512 LU: 90 ms against 3 ms). A
// product called meanwhile from another thread runs on one thread too.
class SATCHEL_CORE Serial {
 public:
  Serial();
  ~Serial();
  Serial(const Serial&) = delete;
  Serial& operator=(const Serial&) = delete;
};

// The threads the BLAS last ran with (it follows host::threads(): the same cap
// as satchel's own kernels, and OpenMP's threads rather than a pool of its own).
SATCHEL_CORE int threads();

// Which BLAS this is and how it was built (OpenBLAS's config string).
SATCHEL_CORE const char* config();

}  // namespace satchel::blas
