#include "blas.h"

#include <cblas.h>
#include <omp.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "host.h"

namespace satchel::blas {

namespace {

// OpenBLAS hands the jobs of a threaded call to this function instead of its own
// pool of threads (openblas_set_threads_callback_function), so BLAS work runs on
// satchel's OpenMP threads and the two never compete for the cores. The jobs of
// one call wait on each other, so all must run at once: where OpenMP gives fewer
// threads than jobs (a call from inside a parallel region), plain threads take
// the rest rather than leave them queued behind a job that waits for them.
void run_jobs(int /*sync*/, openblas_dojob_callback dojob, int jobs, size_t size, void* data, int dojob_data) {
  const auto job = [&](int i) { dojob(i, static_cast<char*>(data) + size_t(i) * size, dojob_data); };
  const auto run_with_team = [&](int first_job, int team) {
    std::vector<std::thread> rest;
    for (int i = team; i < jobs; ++i) rest.emplace_back(job, i);
    job(first_job);
    for (std::thread& t : rest) t.join();
  };
  if (omp_in_parallel()) {
    run_with_team(0, 1);
    return;
  }
#pragma omp parallel num_threads(jobs)
  {
    const int t = omp_get_thread_num(), team = omp_get_num_threads();
    if (t == 0) run_with_team(0, team);
    else job(t);
  }
}

std::atomic<int> blas_threads{0};
std::atomic<int> serial_scopes{0};  // Serial scopes open: the BLAS keeps one thread meanwhile

}  // namespace

// Before every call: the callback once, and the BLAS's thread count kept equal
// to satchel's (set_num_threads may have changed it since the last call), but
// within a Serial scope.
void prepare() {
  static std::once_flag once;
  std::call_once(once, [] { scipy_openblas_set_threads_callback_function(run_jobs); });
  const int want = serial_scopes.load(std::memory_order_relaxed) ? 1 : host::threads();
  if (blas_threads.load(std::memory_order_relaxed) != want) {
    scipy_openblas_set_num_threads(want);
    blas_threads.store(want, std::memory_order_relaxed);
  }
}

Serial::Serial() {
  serial_scopes.fetch_add(1, std::memory_order_relaxed);
  prepare();
}

Serial::~Serial() { serial_scopes.fetch_sub(1, std::memory_order_relaxed); }

namespace {

CBLAS_TRANSPOSE op(bool trans) { return trans ? CblasTrans : CblasNoTrans; }

}  // namespace

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  prepare();
  scipy_cblas_sgemm(CblasRowMajor, op(ta), op(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
                  const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  prepare();
  scipy_cblas_dgemm(CblasRowMajor, op(ta), op(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemv(bool trans, int64_t m, int64_t n, float alpha, const float* a, int64_t lda, const float* x,
                 int64_t incx, float beta, float* y, int64_t incy) {
  prepare();
  scipy_cblas_sgemv(CblasRowMajor, op(trans), m, n, alpha, a, lda, x, incx, beta, y, incy);
}

void gemv(bool trans, int64_t m, int64_t n, double alpha, const double* a, int64_t lda, const double* x,
                  int64_t incx, double beta, double* y, int64_t incy) {
  prepare();
  scipy_cblas_dgemv(CblasRowMajor, op(trans), m, n, alpha, a, lda, x, incx, beta, y, incy);
}

float dot(int64_t n, const float* x, int64_t incx, const float* y, int64_t incy) {
  prepare();
  return scipy_cblas_sdot(n, x, incx, y, incy);
}

double dot(int64_t n, const double* x, int64_t incx, const double* y, int64_t incy) {
  prepare();
  return scipy_cblas_ddot(n, x, incx, y, incy);
}

int threads() {
  prepare();
  return scipy_openblas_get_num_threads();
}

const char* config() { return scipy_openblas_get_config(); }

}  // namespace satchel::blas
