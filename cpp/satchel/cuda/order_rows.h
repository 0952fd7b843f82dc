// Order statistics of sorted rows on CUDA, compiled once (order.cu, in the
// sorting library): the rows are sort.h's results, contiguous in the input's
// shape; each result is order_stats.h's pick, a thread a row.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "../half.h"
#include "../order_stats.h"

namespace satchel::cuda::order {

// count rows of length elements, row r's first at (r / inner) * length * inner
// + r % inner and the next ones inner apart (the results, contiguous, row r at r).
struct Rows {
  int64_t count, length, inner;
};

// The median's value and index of each row (positions in `sorted_index`).
template <class T>
void medians(const T* sorted, const int64_t* sorted_index, const Rows& rows, satchel::order::Median kind, T* values,
             int64_t* indices, cudaStream_t stream);

template <class T>
void quantiles(const T* sorted, const Rows& rows, double q, satchel::order::Interpolation how, T* out,
               cudaStream_t stream);

}  // namespace satchel::cuda::order
