// The kernels of gather.h: one thread per element of the index (a grid-stride loop).
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "error.h"
#include "gather.h"

namespace satchel::cuda {

namespace {

constexpr int kThreads = 256;

int blocks_for(int64_t n) { return int(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535)); }

struct Offsets {
  int64_t x, y, index;
};

// Element q's offsets in x (but along dim), y and the index.
__device__ Offsets offsets_of(const Along& a, int64_t q) {
  Offsets o{0, 0, 0};
  for (int d = a.nd - 1; d >= 0; --d) {
    const int64_t n = a.sizes[d];
    const int64_t c = q % n;
    q /= n;
    if (d != a.dim) o.x += c * a.x_strides[d];
    o.y += c * a.y_strides[d];
    o.index += c * a.index_strides[d];
  }
  return o;
}

__global__ void find_out_of_range(Along a, int64_t lo, int64_t hi, unsigned long long* first) {
  for (int64_t q = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; q < a.numel; q += int64_t(gridDim.x) * blockDim.x) {
    const int64_t v = a.index[offsets_of(a, q).index];
    if (v < lo || v >= hi) atomicMin(first, static_cast<unsigned long long>(q));
  }
}

template <class E>
__global__ void copy_along(Along a, E* x, E* y, bool x_to_y) {
  const int64_t step = a.nd ? a.x_strides[a.dim] : 0;
  for (int64_t q = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; q < a.numel; q += int64_t(gridDim.x) * blockDim.x) {
    const Offsets o = offsets_of(a, q);
    int64_t v = a.index[o.index];
    if (v < 0) v += a.dim_size;
    E* xp = x + o.x + v * step;
    if (x_to_y)
      y[o.y] = *xp;
    else
      *xp = y[o.y];
  }
}

// x += v where no atomic add of T's width exists: a compare-and-swap loop on the
// aligned 32-bit word holding x (1 and 2 bytes) or on x itself (8 bytes).
template <class T>
__device__ void cas_add(T* p, compute_t<T> v) {
  if constexpr (sizeof(T) == 8) {
    auto* word = reinterpret_cast<unsigned long long*>(p);
    unsigned long long old = *word, assumed;
    do {
      assumed = old;
      T cur;
      memcpy(&cur, &assumed, 8);
      const T next = T(compute_t<T>(cur) + v);
      unsigned long long bits;
      memcpy(&bits, &next, 8);
      old = atomicCAS(word, assumed, bits);
    } while (old != assumed);
  } else {
    static_assert(sizeof(T) <= 2, "4-byte types use atomicAdd");
    const auto addr = reinterpret_cast<uintptr_t>(p);
    auto* word = reinterpret_cast<unsigned int*>(addr & ~uintptr_t(3));
    const unsigned shift = unsigned(addr & 3) * 8;
    const unsigned mask = ((1u << (sizeof(T) * 8)) - 1u) << shift;
    unsigned old = *word, assumed;
    do {
      assumed = old;
      const unsigned bits = (assumed & mask) >> shift;
      T cur;
      memcpy(&cur, &bits, sizeof(T));
      const T next = T(compute_t<T>(cur) + v);
      unsigned next_bits = 0;
      memcpy(&next_bits, &next, sizeof(T));
      old = atomicCAS(word, assumed, (assumed & ~mask) | (next_bits << shift));
    } while (old != assumed);
  }
}

template <class T>
__device__ void atomic_add(T* p, compute_t<T> v) {
  if constexpr (std::is_same_v<T, float>)
    atomicAdd(p, v);
  else if constexpr (std::is_same_v<T, int32_t>)
    atomicAdd(p, int32_t(v));  // wraps as the sum in int64 then narrowed would
  else
    cas_add(p, v);
}

template <class T>
__global__ void add_along(Along a, T* x, const T* y, compute_t<T> alpha) {
  using C = compute_t<T>;
  const int64_t step = a.nd ? a.x_strides[a.dim] : 0;
  for (int64_t q = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; q < a.numel; q += int64_t(gridDim.x) * blockDim.x) {
    const Offsets o = offsets_of(a, q);
    int64_t v = a.index[o.index];
    if (v < 0) v += a.dim_size;
    atomic_add(x + o.x + v * step, C(alpha * C(y[o.y])));
  }
}

}  // namespace

int64_t first_out_of_range(const Along& a, int64_t lo, int64_t hi, void* scratch, cudaStream_t stream) {
  if (a.numel == 0) return 0;
  auto* first = static_cast<unsigned long long*>(scratch);
  const unsigned long long none = static_cast<unsigned long long>(a.numel);
  check(cudaMemcpyAsync(first, &none, 8, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync (host to device)");
  find_out_of_range<<<blocks_for(a.numel), kThreads, 0, stream>>>(a, lo, hi, first);
  check(cudaGetLastError(), "find_out_of_range");
  unsigned long long at = none;
  check(cudaMemcpyAsync(&at, first, 8, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync (device to host)");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return int64_t(at);
}

void along_copy(const Along& a, char* x, char* y, int itemsize, bool x_to_y, cudaStream_t stream) {
  if (a.numel == 0) return;
  const int blocks = blocks_for(a.numel);
  switch (itemsize) {
    case 1: copy_along<uint8_t><<<blocks, kThreads, 0, stream>>>(a, reinterpret_cast<uint8_t*>(x), reinterpret_cast<uint8_t*>(y), x_to_y); break;
    case 2: copy_along<uint16_t><<<blocks, kThreads, 0, stream>>>(a, reinterpret_cast<uint16_t*>(x), reinterpret_cast<uint16_t*>(y), x_to_y); break;
    case 4: copy_along<uint32_t><<<blocks, kThreads, 0, stream>>>(a, reinterpret_cast<uint32_t*>(x), reinterpret_cast<uint32_t*>(y), x_to_y); break;
    case 8: copy_along<uint64_t><<<blocks, kThreads, 0, stream>>>(a, reinterpret_cast<uint64_t*>(x), reinterpret_cast<uint64_t*>(y), x_to_y); break;
    default: throw std::logic_error("along_copy: no element of " + std::to_string(itemsize) + " bytes");
  }
  check(cudaGetLastError(), "copy_along");
}

template <class T>
void along_add(const Along& a, T* x, const T* y, compute_t<T> alpha, cudaStream_t stream) {
  if (a.numel == 0) return;
  add_along<T><<<blocks_for(a.numel), kThreads, 0, stream>>>(a, x, y, alpha);
  check(cudaGetLastError(), "add_along");
}

#define SATCHEL_CUDA_ALONG_ADD(T) template void along_add<T>(const Along&, T*, const T*, compute_t<T>, cudaStream_t);
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
