// Medians and quantiles of sorted rows (order_rows.h), a thread a row.
#include "error.h"
#include "order_rows.h"

namespace satchel::cuda::order {

namespace {

constexpr int kThreads = 256;

inline unsigned blocks(int64_t n) { return unsigned((n + kThreads - 1) / kThreads); }

__device__ int64_t row_start(const Rows& rows, int64_t r) {
  return (r / rows.inner) * rows.length * rows.inner + r % rows.inner;
}

template <class T>
__global__ void median_rows(const T* sorted, const int64_t* sorted_index, Rows rows, satchel::order::Median kind,
                            T* values, int64_t* indices) {
  const int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= rows.count) return;
  const int64_t start = row_start(rows, r);
  const satchel::order::SortedRow<T> row{sorted + start, rows.length, rows.inner};
  const int64_t at = satchel::order::median_position(row, kind);
  values[r] = row.at(at);
  indices[r] = sorted_index[start + at * rows.inner];
}

template <class T>
__global__ void quantile_rows(const T* sorted, Rows rows, double q, satchel::order::Interpolation how, T* out) {
  const int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= rows.count) return;
  out[r] = T(satchel::order::quantile_value(
      satchel::order::SortedRow<T>{sorted + row_start(rows, r), rows.length, rows.inner}, q, how));
}

}  // namespace

template <class T>
void medians(const T* sorted, const int64_t* sorted_index, const Rows& rows, satchel::order::Median kind, T* values,
             int64_t* indices, cudaStream_t stream) {
  if (rows.count) median_rows<T><<<blocks(rows.count), kThreads, 0, stream>>>(sorted, sorted_index, rows, kind, values,
                                                                              indices);
  check(cudaGetLastError(), "median");
}

template <class T>
void quantiles(const T* sorted, const Rows& rows, double q, satchel::order::Interpolation how, T* out,
               cudaStream_t stream) {
  if (rows.count) quantile_rows<T><<<blocks(rows.count), kThreads, 0, stream>>>(sorted, rows, q, how, out);
  check(cudaGetLastError(), "quantile");
}

#define SATCHEL_CUDA_MEDIANS(T)                                                                            \
  template void medians<T>(const T*, const int64_t*, const Rows&, satchel::order::Median, T*, int64_t*, \
                           cudaStream_t);
#define SATCHEL_CUDA_QUANTILES(T) \
  template void quantiles<T>(const T*, const Rows&, double, satchel::order::Interpolation, T*, cudaStream_t);
SATCHEL_CUDA_MEDIANS(uint8_t)
SATCHEL_CUDA_MEDIANS(int8_t)
SATCHEL_CUDA_MEDIANS(int16_t)
SATCHEL_CUDA_MEDIANS(int32_t)
SATCHEL_CUDA_MEDIANS(int64_t)
SATCHEL_CUDA_MEDIANS(half)
SATCHEL_CUDA_MEDIANS(float)
SATCHEL_CUDA_MEDIANS(double)
SATCHEL_CUDA_QUANTILES(half)
SATCHEL_CUDA_QUANTILES(float)
SATCHEL_CUDA_QUANTILES(double)
#undef SATCHEL_CUDA_MEDIANS
#undef SATCHEL_CUDA_QUANTILES

}  // namespace satchel::cuda::order
