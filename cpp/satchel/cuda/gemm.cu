// The products on CUDA (gemm.h): cuBLAS for half, float and double, found with
// dlopen so that a machine without it still imports every unit and runs the
// rest; a tiled kernel for integers, which cuBLAS does not multiply.
#include <dlfcn.h>
#include <library_types.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

#include "../core/blas_view.h"
#include "error.h"
#include "gemm.h"

namespace satchel::cuda {

namespace {

// ---- cuBLAS, declared here (its headers need not be installed to build) -----------
// Values and signatures of cublas_api.h; only these calls are used.
using cublasHandle_t = struct cublasContext*;
using cublasStatus_t = int;
enum cublasOperation_t { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };
enum cublasComputeType_t { CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_64F = 70 };
enum cublasGemmAlgo_t { CUBLAS_GEMM_DEFAULT = -1 };

struct Cublas {
  cublasStatus_t (*create)(cublasHandle_t*);
  cublasStatus_t (*set_stream)(cublasHandle_t, cudaStream_t);
  cublasStatus_t (*gemm_strided_batched)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                                         const void*, const void*, cudaDataType, int, long long, const void*,
                                         cudaDataType, int, long long, const void*, void*, cudaDataType, int,
                                         long long, int, cublasComputeType_t, cublasGemmAlgo_t);
  const char* (*status_string)(cublasStatus_t);
};

#ifndef SATCHEL_CUBLAS_SONAME
#define SATCHEL_CUBLAS_SONAME "libcublas.so"
#endif

// The library the units' run paths find (NVIDIA's nvidia-cublas package beside
// satchel's, LD_LIBRARY_PATH, the system's), else the toolkit's that the build saw.
const Cublas& cublas() {
  static Cublas api{};
  static std::string missing;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen(SATCHEL_CUBLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
#ifdef SATCHEL_CUBLAS_DIR
    if (!lib) lib = dlopen(SATCHEL_CUBLAS_DIR "/" SATCHEL_CUBLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
#endif
    if (!lib) {
      const char* why = dlerror();
      missing = std::string("cuBLAS, which float matmul on CUDA needs, was not found (") + (why ? why : "") +
                "): pip install nvidia-cublas, or put the CUDA toolkit's " SATCHEL_CUBLAS_SONAME " on LD_LIBRARY_PATH";
      return;
    }
    const auto symbol = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
      if (!fn && missing.empty()) missing = std::string(SATCHEL_CUBLAS_SONAME " has no ") + name;
    };
    symbol(api.create, "cublasCreate_v2");
    symbol(api.set_stream, "cublasSetStream_v2");
    symbol(api.gemm_strided_batched, "cublasGemmStridedBatchedEx");
    symbol(api.status_string, "cublasGetStatusString");
  });
  if (!missing.empty()) throw Error(missing);
  return api;
}

void check_status(cublasStatus_t status, const char* call) {
  if (status != 0) throw Error(std::string(call) + ": " + cublas().status_string(status));
}

// One handle per device and host thread (cuBLAS handles are not for concurrent use),
// kept for the process's life: destroying them at exit could outlive the driver.
cublasHandle_t handle(cudaStream_t stream) {
  constexpr int kDevices = 64;
  thread_local cublasHandle_t handles[kDevices] = {};
  int device = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  if (device >= kDevices) throw Error("cuBLAS: device index " + std::to_string(device) + " beyond 63");
  if (!handles[device]) check_status(cublas().create(&handles[device]), "cublasCreate");
  check_status(cublas().set_stream(handles[device], stream), "cublasSetStream");
  return handles[device];
}

template <class T>
struct CublasType;
template <>
struct CublasType<half> {
  static constexpr cudaDataType data = CUDA_R_16F;
  static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_32F;  // float sums; no TF32, as PyTorch's default
};
template <>
struct CublasType<float> {
  static constexpr cudaDataType data = CUDA_R_32F;
  static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
};
template <>
struct CublasType<double> {
  static constexpr cudaDataType data = CUDA_R_64F;
  static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_64F;
};

int64_t batch_offset(const Dims& sizes, const Dims& strides, int dims, int64_t index) {
  int64_t offset = 0;
  for (int d = dims - 1; d >= 0; --d) {
    offset += index % sizes[d] * strides[d];
    index /= sizes[d];
  }
  return offset;
}

// Row-major out = A B is column-major out^T = B^T A^T: cuBLAS gets B first. The last
// batch dim is cuBLAS's strided batch; the dims before it are a loop here.
template <class T>
void cublas_product(const linalg::Product& p, compute_t<T> alpha, compute_t<T> beta, cudaStream_t stream) {
  using C = compute_t<T>;
  const std::optional<linalg::BlasView> va = linalg::blas_view(p.m, p.k, p.a.row, p.a.col);
  const std::optional<linalg::BlasView> vb = linalg::blas_view(p.k, p.n, p.b.row, p.b.col);
  if (!va || !vb || std::max({p.m, p.n, p.k}) > linalg::kMaxBlasIndex)
    throw std::invalid_argument("cuBLAS cannot read these matrices in place (strides or sizes)");
  cublasHandle_t h = handle(stream);
  const int dims = p.batch.size();
  const int64_t inner = dims && !p.sum_batch ? p.batch[dims - 1] : 1;
  const int64_t outer = p.sum_batch ? p.count() : p.count() / std::max<int64_t>(inner, 1);
  const int last = dims - 1;
  for (int64_t o = 0; o < outer; ++o) {
    const int64_t oa = batch_offset(p.batch, p.a.batch, p.sum_batch ? dims : last, o);
    const int64_t ob = batch_offset(p.batch, p.b.batch, p.sum_batch ? dims : last, o);
    const int64_t oc = p.sum_batch ? 0 : batch_offset(p.batch, p.out.batch, last, o);
    const C step_beta = p.sum_batch && o > 0 ? C(1) : beta;
    for (int64_t first = 0; first < inner; first += 65535) {  // cuBLAS's batch count is an int; keep it modest
      const int64_t count = std::min<int64_t>(65535, inner - first);
      const int64_t sa = dims && !p.sum_batch ? p.a.batch[last] : 0, sb = dims && !p.sum_batch ? p.b.batch[last] : 0;
      const int64_t sc = dims && !p.sum_batch ? p.out.batch[last] : 0;
      const T* a = reinterpret_cast<const T*>(p.a.data) + oa + first * sa;
      const T* b = reinterpret_cast<const T*>(p.b.data) + ob + first * sb;
      T* c = reinterpret_cast<T*>(p.out.data) + oc + first * sc;
      check_status(cublas().gemm_strided_batched(
                       h, vb->trans ? CUBLAS_OP_T : CUBLAS_OP_N, va->trans ? CUBLAS_OP_T : CUBLAS_OP_N, int(p.n),
                       int(p.m), int(p.k), &alpha, b, CublasType<T>::data, int(vb->ld), sb, a, CublasType<T>::data,
                       int(va->ld), sa, &step_beta, c, CublasType<T>::data, int(std::max<int64_t>(p.n, 1)), sc,
                       int(count), CublasType<T>::compute, CUBLAS_GEMM_DEFAULT),
                   "cublasGemmStridedBatchedEx");
    }
  }
}

// ---- integers: a tiled kernel -------------------------------------------------------
// Each block computes a 16 x 16 tile of out from 16-wide tiles of a and b staged in
// shared memory, sums in unsigned 32 or 64 bits (wrapping exactly as the dtype does).

constexpr int kTile = 16;

struct Batch {  // the product's batch as a kernel argument
  int dims;
  int64_t sizes[kMaxDims], a[kMaxDims], b[kMaxDims], out[kMaxDims];
};

template <class T>
using Acc = std::conditional_t<(sizeof(T) < 8), uint32_t, uint64_t>;

template <class T>
__global__ void int_gemm(int64_t m, int64_t n, int64_t k, const T* a, int64_t ar, int64_t ac, const T* b, int64_t br,
                         int64_t bc, T* c, int64_t count, Batch batch, bool sum_batch, Acc<T> alpha, Acc<T> beta) {
  using A = Acc<T>;
  __shared__ A as[kTile][kTile], bs[kTile][kTile];
  const int64_t i = int64_t(blockIdx.y) * kTile + threadIdx.y, j = int64_t(blockIdx.x) * kTile + threadIdx.x;
  for (int64_t z = blockIdx.z; z < (sum_batch ? 1 : count); z += gridDim.z) {
    A sum = 0;
    int64_t oc = 0;
    for (int64_t item = sum_batch ? 0 : z; item < (sum_batch ? count : z + 1); ++item) {
      int64_t oa = 0, ob = 0, rest = item;
      for (int d = batch.dims - 1; d >= 0; --d) {
        const int64_t x = rest % batch.sizes[d];
        rest /= batch.sizes[d];
        oa += x * batch.a[d], ob += x * batch.b[d];
        if (!sum_batch) oc += x * batch.out[d];
      }
      for (int64_t p0 = 0; p0 < k; p0 += kTile) {
        const int64_t pa = p0 + threadIdx.x, pb = p0 + threadIdx.y;
        as[threadIdx.y][threadIdx.x] = i < m && pa < k ? A(a[oa + i * ar + pa * ac]) : A(0);
        bs[threadIdx.y][threadIdx.x] = pb < k && j < n ? A(b[ob + pb * br + j * bc]) : A(0);
        __syncthreads();
        for (int q = 0; q < kTile; ++q) sum += as[threadIdx.y][q] * bs[q][threadIdx.x];
        __syncthreads();
      }
    }
    if (i < m && j < n) {
      T* out = c + oc + i * n + j;
      *out = T(beta == A(0) ? alpha * sum : beta * A(*out) + alpha * sum);
    }
  }
}

template <class T>
void int_product(const linalg::Product& p, T alpha, T beta, cudaStream_t stream) {
  Batch batch{p.batch.size(), {}, {}, {}, {}};
  for (int d = 0; d < batch.dims; ++d)
    batch.sizes[d] = p.batch[d], batch.a[d] = p.a.batch[d], batch.b[d] = p.b.batch[d], batch.out[d] = p.out.batch[d];
  const int64_t count = p.count();
  const dim3 threads(kTile, kTile);
  const dim3 blocks(unsigned((p.n + kTile - 1) / kTile), unsigned((p.m + kTile - 1) / kTile),
                    unsigned(p.sum_batch ? 1 : std::min<int64_t>(count, 65535)));
  if ((p.n + kTile - 1) / kTile > INT32_MAX || (p.m + kTile - 1) / kTile > 65535)
    throw std::invalid_argument("matmul on CUDA: more than 1048560 rows of integers");
  int_gemm<T><<<blocks, threads, 0, stream>>>(p.m, p.n, p.k, reinterpret_cast<const T*>(p.a.data), p.a.row, p.a.col,
                                              reinterpret_cast<const T*>(p.b.data), p.b.row, p.b.col,
                                              reinterpret_cast<T*>(p.out.data), count, batch, p.sum_batch,
                                              Acc<T>(alpha), Acc<T>(beta));
  check(cudaGetLastError(), "int_gemm");
}

// out = beta * out where there is nothing to sum (k = 0, an empty batch to add up).
template <class T>
__global__ void scale(T* out, int64_t n, compute_t<T> beta) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = beta == compute_t<T>(0) ? T(0) : T(compute_t<T>(beta * compute_t<T>(out[i])));
}

}  // namespace

template <class T>
void gemm(const linalg::Product& p, compute_t<T> alpha, compute_t<T> beta, cudaStream_t stream) {
  if (p.m == 0 || p.n == 0 || (!p.sum_batch && p.count() == 0)) return;
  if (p.k == 0 || p.count() == 0) {  // out is contiguous (the natives made it)
    const int64_t n = p.m * p.n * (p.sum_batch ? 1 : p.count());
    scale<T><<<unsigned(std::min<int64_t>((n + 255) / 256, 65535)), 256, 0, stream>>>(
        reinterpret_cast<T*>(p.out.data), n, beta);
    check(cudaGetLastError(), "scale");
    return;
  }
  if constexpr (std::is_same_v<T, half> || std::is_same_v<T, float> || std::is_same_v<T, double>)
    cublas_product<T>(p, alpha, beta, stream);
  else
    int_product<T>(p, alpha, beta, stream);
}

#define SATCHEL_CUDA_GEMM(T) template void gemm<T>(const linalg::Product&, compute_t<T>, compute_t<T>, cudaStream_t);
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
