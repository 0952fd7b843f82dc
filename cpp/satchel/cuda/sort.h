// Sorting and searching rows of CUDA tensors, compiled once (sort.cu, by nvcc)
// into a library every CUDA unit links. Keys are sort_keys.h's, as on the CPU,
// so the order (NaN last, -0.0 equal to 0.0, ties by position) is the same;
// CUB's stable radix sorts order them (one segment a row).
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "../config.h"
#include "../half.h"
#include "../shape.h"

namespace satchel::cuda::sorting {

// A view's elements by their row-major position in its shape.
struct Strided {
  int nd = 0;
  int64_t sizes[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};

  Strided() = default;
  Strided(const Dims& s, const Dims& st) : nd(s.size()) {
    for (int d = 0; d < nd; ++d) sizes[d] = s[d], strides[d] = st[d];
  }
  SATCHEL_HD int64_t offset(int64_t flat) const {
    int64_t off = 0;
    for (int d = nd - 1; d >= 0 && flat; --d) {
      off += (flat % sizes[d]) * strides[d];
      flat /= sizes[d];
    }
    return off;
  }
};

// count rows of length elements: row r of the input, whose elements are x's at
// in.offset(r * length + j), sorted ascending (descending: keys complemented);
// positions [from, take) of each sorted row written to values (unless null) and
// indices, contiguous in the input's shape with the row's dim of take - from,
// `inner` being the product of the sizes after that dim.
struct Rows {
  int64_t count, length, inner, from, take;
  bool descending;
};

// The device memory sort needs (workspace), in bytes.
template <class T>
std::size_t sort_workspace(const Rows& rows);

template <class T>
void sort(const T* x, const Strided& in, const Rows& rows, T* values, int64_t* indices, void* workspace,
          std::size_t bytes, cudaStream_t stream);

// Each of `numel` values (v at vin.offset(f)) searched in sequence row
// f / per_row (row 0 when per_row is 0) of `n` elements, seq's at
// sin.offset(row * n + i), through sorter's positions where sorter is not null;
// out contiguous. workspace: search_workspace(rows * n) bytes. False when sorter
// holds a position out of [0, n), one of which it sets bad_position to (with a
// sorter it waits for the stream, to know).
std::size_t search_workspace(int64_t keys);

template <class T>
bool search(const T* seq, const Strided& sin, int64_t rows, int64_t n, const int64_t* sorter,
            const Strided& sorter_in, const T* v, const Strided& vin, int64_t numel, int64_t per_row, bool right,
            int64_t* out, void* workspace, cudaStream_t stream, int64_t& bad_position);

// out[f]: whether x's element f (at xin.offset(f)) equals one of sorted[0 .. m)
// (sorted ascending, as sort leaves it), or with invert whether it equals none.
template <class T>
void isin(const T* x, const Strided& xin, int64_t numel, const T* sorted, int64_t m, bool invert, bool* out,
          cudaStream_t stream);

#define SATCHEL_CUDA_SORT(T)                                                                                       \
  extern template std::size_t sort_workspace<T>(const Rows&);                                                     \
  extern template void sort<T>(const T*, const Strided&, const Rows&, T*, int64_t*, void*, std::size_t,           \
                               cudaStream_t);                                                                      \
  extern template bool search<T>(const T*, const Strided&, int64_t, int64_t, const int64_t*, const Strided&,      \
                                 const T*, const Strided&, int64_t, int64_t, bool, int64_t*, void*, cudaStream_t,  \
                                 int64_t&);                                                                        \
  extern template void isin<T>(const T*, const Strided&, int64_t, const T*, int64_t, bool, bool*, cudaStream_t);
SATCHEL_CUDA_SORT(bool)
SATCHEL_CUDA_SORT(uint8_t)
SATCHEL_CUDA_SORT(int8_t)
SATCHEL_CUDA_SORT(int16_t)
SATCHEL_CUDA_SORT(int32_t)
SATCHEL_CUDA_SORT(int64_t)
SATCHEL_CUDA_SORT(half)
SATCHEL_CUDA_SORT(float)
SATCHEL_CUDA_SORT(double)
#undef SATCHEL_CUDA_SORT

}  // namespace satchel::cuda::sorting
