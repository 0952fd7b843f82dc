// Sorting and searching on CUDA (sort.h): keys encoded by a kernel, sorted with
// their positions by CUB (one row: DeviceRadixSort; several: a segment a row,
// DeviceSegmentedSort's stable sort), then written out by a kernel that reads
// back from the input the elements a key does not pin down (a float's zeros and NaNs).
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_segmented_sort.cuh>

#include <limits>
#include <stdexcept>
#include <string>

#include "../sort_keys.h"
#include "error.h"
#include "sort.h"

namespace satchel::cuda::sorting {

namespace {

constexpr int kThreads = 256;

inline unsigned blocks(int64_t n) { return unsigned((n + kThreads - 1) / kThreads); }

inline std::size_t aligned(std::size_t bytes) { return (bytes + 255) / 256 * 256; }

template <class T>
using Bits = typename SortKey<T>::Bits;

template <class T>
struct Layout {  // where each buffer of the workspace starts
  std::size_t keys_a, keys_b, idx_a, idx_b, offsets, temp, total;
  explicit Layout(const Rows& rows, std::size_t temp_bytes) {
    const std::size_t n = std::size_t(rows.count * rows.length);
    keys_a = 0;
    keys_b = keys_a + aligned(n * sizeof(Bits<T>));
    idx_a = keys_b + aligned(n * sizeof(Bits<T>));
    idx_b = idx_a + aligned(n * sizeof(int64_t));
    offsets = idx_b + aligned(n * sizeof(int64_t));
    temp = offsets + aligned(std::size_t(rows.count + 1) * sizeof(int64_t));
    total = temp + aligned(temp_bytes);
  }
};

template <class T>
__global__ void encode_rows(const T* x, Strided in, int64_t n, int64_t length, Bits<T> flip, Bits<T>* keys,
                            int64_t* idx) {
  const int64_t f = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (f >= n) return;
  keys[f] = Bits<T>(SortKey<T>::encode(x[in.offset(f)]) ^ flip);
  idx[f] = f % length;
}

__global__ void row_offsets(int64_t* offsets, int64_t count, int64_t length) {
  const int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r <= count) offsets[r] = r * length;
}

template <class T>
__global__ void write_rows(const T* x, Strided in, Rows rows, const Bits<T>* keys, const int64_t* idx, Bits<T> flip,
                           T* values, int64_t* indices) {
  const int64_t width = rows.take - rows.from;
  const int64_t q = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (q >= rows.count * width) return;
  const int64_t r = q / width, j = rows.from + q % width;
  const int64_t src = r * rows.length + j;
  const int64_t pos = idx[src];
  const int64_t out = ((r / rows.inner) * width + (j - rows.from)) * rows.inner + r % rows.inner;
  if (values) {
    const Bits<T> k = Bits<T>(keys[src] ^ flip);
    values[out] = SortKey<T>::decode_exact(k) ? SortKey<T>::decode(k) : x[in.offset(r * rows.length + pos)];
  }
  indices[out] = pos;
}

// CUB's sort of n keys with their positions: its temporary storage's size where temp is null.
template <class T>
void cub_sort(void* temp, std::size_t& temp_bytes, const Rows& rows, const Bits<T>* keys_in, Bits<T>* keys_out,
              const int64_t* idx_in, int64_t* idx_out, const int64_t* offsets, cudaStream_t stream) {
  const int64_t n = rows.count * rows.length;
  if (n > std::numeric_limits<int>::max())
    throw std::invalid_argument("sort on CUDA: " + std::to_string(n) + " elements, more than 2^31 - 1");
  if (rows.count == 1) {
    check(cub::DeviceRadixSort::SortPairs(temp, temp_bytes, keys_in, keys_out, idx_in, idx_out, int(n), 0,
                                          int(8 * sizeof(Bits<T>)), stream),
          "cub::DeviceRadixSort::SortPairs");
  } else {
    check(cub::DeviceSegmentedSort::StableSortPairs(temp, temp_bytes, keys_in, keys_out, idx_in, idx_out, int(n),
                                                    int(rows.count), offsets, offsets + 1, stream),
          "cub::DeviceSegmentedSort::StableSortPairs");
  }
}

template <class T>
__global__ void sequence_keys(const T* seq, Strided sin, int64_t total, int64_t n, const int64_t* sorter,
                              Strided sorter_in, uint64_t* keys, int64_t* bad) {
  const int64_t f = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (f >= total) return;
  const int64_t r = f / n;
  int64_t at = f % n;
  if (sorter) {
    at = sorter[sorter_in.offset(f)];
    if (at < 0 || at >= n) {
      bad[0] = 1, bad[1] = at;
      keys[f] = 0;
      return;
    }
  }
  keys[f] = SortKey<T>::encode(seq[sin.offset(r * n + at)]);
}

template <class T>
__global__ void search_values(const uint64_t* keys, int64_t n, const T* v, Strided vin, int64_t numel,
                              int64_t per_row, bool right, int64_t* out) {
  const int64_t f = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (f >= numel) return;
  const uint64_t* row = keys + (per_row ? f / per_row : 0) * n;
  const uint64_t key = SortKey<T>::encode(v[vin.offset(f)]);
  int64_t lo = 0, count = n;
  while (count > 0) {
    const int64_t half = count / 2;
    if (right ? row[lo + half] <= key : row[lo + half] < key) lo += half + 1, count -= half + 1;
    else count = half;
  }
  out[f] = lo;
}

template <class T>
__global__ void isin_values(const T* x, Strided xin, int64_t numel, const T* sorted, int64_t m, bool invert,
                            bool* out) {
  const int64_t f = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (f >= numel) return;
  const Bits<T> key = SortKey<T>::encode(x[xin.offset(f)]);
  int64_t lo = 0, count = m;
  while (count > 0) {
    const int64_t half = count / 2;
    if (SortKey<T>::encode(sorted[lo + half]) < key) lo += half + 1, count -= half + 1;
    else count = half;
  }
  const bool found = !SortKey<T>::is_nan_key(key) && lo < m && SortKey<T>::encode(sorted[lo]) == key;
  out[f] = found != invert;
}

}  // namespace

template <class T>
void isin(const T* x, const Strided& xin, int64_t numel, const T* sorted, int64_t m, bool invert, bool* out,
          cudaStream_t stream) {
  if (numel) isin_values<T><<<blocks(numel), kThreads, 0, stream>>>(x, xin, numel, sorted, m, invert, out);
  check(cudaGetLastError(), "isin");
}

template <class T>
std::size_t sort_workspace(const Rows& rows) {
  std::size_t temp_bytes = 0;
  cub_sort<T>(nullptr, temp_bytes, rows, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  return Layout<T>(rows, temp_bytes).total;
}

template <class T>
void sort(const T* x, const Strided& in, const Rows& rows, T* values, int64_t* indices, void* workspace,
          std::size_t bytes, cudaStream_t stream) {
  const int64_t n = rows.count * rows.length;
  if (n == 0 || rows.take == rows.from) return;
  std::size_t temp_bytes = 0;
  cub_sort<T>(nullptr, temp_bytes, rows, nullptr, nullptr, nullptr, nullptr, nullptr, stream);
  const Layout<T> at(rows, temp_bytes);
  char* w = static_cast<char*>(workspace);
  auto* keys_a = reinterpret_cast<Bits<T>*>(w + at.keys_a);
  auto* keys_b = reinterpret_cast<Bits<T>*>(w + at.keys_b);
  auto* idx_a = reinterpret_cast<int64_t*>(w + at.idx_a);
  auto* idx_b = reinterpret_cast<int64_t*>(w + at.idx_b);
  auto* offsets = reinterpret_cast<int64_t*>(w + at.offsets);
  const Bits<T> flip = rows.descending ? Bits<T>(~Bits<T>(0)) : Bits<T>(0);
  encode_rows<T><<<blocks(n), kThreads, 0, stream>>>(x, in, n, rows.length, flip, keys_a, idx_a);
  row_offsets<<<blocks(rows.count + 1), kThreads, 0, stream>>>(offsets, rows.count, rows.length);
  check(cudaGetLastError(), "sort: encoding keys");
  cub_sort<T>(w + at.temp, temp_bytes, rows, keys_a, keys_b, idx_a, idx_b, offsets, stream);
  write_rows<T><<<blocks(rows.count * (rows.take - rows.from)), kThreads, 0, stream>>>(x, in, rows, keys_b, idx_b,
                                                                                       flip, values, indices);
  check(cudaGetLastError(), "sort: writing results");
}

std::size_t search_workspace(int64_t keys) { return aligned(std::size_t(keys) * sizeof(uint64_t)) + 2 * sizeof(int64_t); }

template <class T>
bool search(const T* seq, const Strided& sin, int64_t rows, int64_t n, const int64_t* sorter,
            const Strided& sorter_in, const T* v, const Strided& vin, int64_t numel, int64_t per_row, bool right,
            int64_t* out, void* workspace, cudaStream_t stream, int64_t& bad_position) {
  auto* keys = static_cast<uint64_t*>(workspace);
  auto* bad = reinterpret_cast<int64_t*>(static_cast<char*>(workspace) + aligned(std::size_t(rows * n) * 8));
  check(cudaMemsetAsync(bad, 0, 2 * sizeof(int64_t), stream), "searchsorted: cudaMemsetAsync");
  if (rows * n)
    sequence_keys<T><<<blocks(rows * n), kThreads, 0, stream>>>(seq, sin, rows * n, n, sorter, sorter_in, keys, bad);
  if (numel) search_values<T><<<blocks(numel), kThreads, 0, stream>>>(keys, n, v, vin, numel, per_row, right, out);
  check(cudaGetLastError(), "searchsorted: searching");
  if (!sorter) return true;
  int64_t host_bad[2] = {0, 0};
  check(cudaMemcpyAsync(host_bad, bad, sizeof(host_bad), cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  bad_position = host_bad[1];
  return host_bad[0] == 0;
}

#define SATCHEL_CUDA_SORT(T)                                                                                       \
  template std::size_t sort_workspace<T>(const Rows&);                                                            \
  template void sort<T>(const T*, const Strided&, const Rows&, T*, int64_t*, void*, std::size_t, cudaStream_t);   \
  template bool search<T>(const T*, const Strided&, int64_t, int64_t, const int64_t*, const Strided&, const T*, \
                          const Strided&, int64_t, int64_t, bool, int64_t*, void*, cudaStream_t, int64_t&);  \
  template void isin<T>(const T*, const Strided&, int64_t, const T*, int64_t, bool, bool*, cudaStream_t);
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
