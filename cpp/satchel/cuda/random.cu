// The kernel of every distribution on CUDA (rng.h declares it): one thread per
// Philox block, grid-stride, the functors of distributions.h. Compiled once, with
// -fmad=false: a * b + c rounds twice here as on the host, so draws are the CPU's
// bit for bit.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "error.h"
#include "rng.h"

namespace satchel::cuda::rng {

namespace {

constexpr int kThreads = 256;

template <class T, class Dist>
__global__ void fill_kernel(T* out, int64_t n, random::Draw d, Dist dist) {
  constexpr int K = Dist::per_block;
  const int64_t blocks = (n + K - 1) / K;
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t b = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; b < blocks; b += step) {
    T v[K];
    dist(d, uint64_t(b), v);
    if ((b + 1) * K <= n) {
#pragma unroll
      for (int k = 0; k < K; ++k) out[b * K + k] = v[k];
    } else {
      for (int k = 0; b * K + k < n; ++k) out[b * K + k] = v[k];
    }
  }
}

}  // namespace

template <class T, class Dist>
void fill(T* out, int64_t n, const random::Draw& d, const Dist& dist, cudaStream_t stream) {
  constexpr int K = Dist::per_block;
  const int64_t blocks = (n + K - 1) / K;
  int device = 0, sms = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
  const int64_t grid = std::max<int64_t>(1, std::min<int64_t>((blocks + kThreads - 1) / kThreads, int64_t(sms) * 8));
  fill_kernel<<<unsigned(grid), kThreads, 0, stream>>>(out, n, d, dist);
  check(cudaGetLastError(), "random kernel launch");
}

#define SATCHEL_FILL(T, ...) template void fill<T, __VA_ARGS__>(T*, int64_t, const random::Draw&, const __VA_ARGS__&, cudaStream_t);
#define SATCHEL_FLOATING(T, C)                          \
  SATCHEL_FILL(T, dist::Uniform<T, C>)                  \
  SATCHEL_FILL(T, dist::Normal<T, C, false>)            \
  SATCHEL_FILL(T, dist::Normal<T, C, true>)             \
  SATCHEL_FILL(T, dist::NormalPerElement<T, C>)         \
  SATCHEL_FILL(T, dist::Exponential<T, C>)              \
  SATCHEL_FILL(T, dist::Geometric<T, C>)                \
  SATCHEL_FILL(T, dist::Cauchy<T, C>)                   \
  SATCHEL_FILL(T, dist::Poisson<T, C>)
#define SATCHEL_EVERY(T)                          \
  SATCHEL_FILL(T, dist::Bernoulli<T>)             \
  SATCHEL_FILL(T, dist::BernoulliPerElement<T, T>)
#define SATCHEL_NUMERIC(T) SATCHEL_EVERY(T) SATCHEL_FILL(T, dist::RandInt<T>)

SATCHEL_FLOATING(half, float)
SATCHEL_FLOATING(float, float)
SATCHEL_FLOATING(double, double)
SATCHEL_EVERY(bool)
SATCHEL_NUMERIC(half)
SATCHEL_NUMERIC(float)
SATCHEL_NUMERIC(double)
SATCHEL_NUMERIC(uint8_t)
SATCHEL_NUMERIC(int8_t)
SATCHEL_NUMERIC(int16_t)
SATCHEL_NUMERIC(int32_t)
SATCHEL_NUMERIC(int64_t)

}  // namespace satchel::cuda::rng
