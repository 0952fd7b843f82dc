#include "lapack.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "blas_view.h"

// OpenBLAS's LAPACK, as gfortran calls it: every argument by address, a
// hidden length after the arguments for each character one.
extern "C" {
void scipy_sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void scipy_dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void scipy_sgetrs_(const char* trans, const int* n, const int* nrhs, const float* a, const int* lda, const int* ipiv,
                   float* b, const int* ldb, int* info, std::size_t trans_length);
void scipy_dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda,
                   const int* ipiv, double* b, const int* ldb, int* info, std::size_t trans_length);
void scipy_spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, std::size_t uplo_length);
void scipy_dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t uplo_length);
}

namespace satchel::linalg {

namespace {

// ---- LAPACK by type (column-major matrices, leading dim n) -------------------------

int getrf(int n, float* a, int* ipiv) {
  int info = 0;
  scipy_sgetrf_(&n, &n, a, &n, ipiv, &info);
  return info;
}
int getrf(int n, double* a, int* ipiv) {
  int info = 0;
  scipy_dgetrf_(&n, &n, a, &n, ipiv, &info);
  return info;
}
void getrs(int n, int nrhs, const float* lu, const int* ipiv, float* b) {
  int info = 0;
  scipy_sgetrs_("N", &n, &nrhs, lu, &n, ipiv, b, &n, &info, 1);
}
void getrs(int n, int nrhs, const double* lu, const int* ipiv, double* b) {
  int info = 0;
  scipy_dgetrs_("N", &n, &nrhs, lu, &n, ipiv, b, &n, &info, 1);
}
int potrf(bool upper, int n, float* a) {
  int info = 0;
  scipy_spotrf_(upper ? "U" : "L", &n, a, &n, &info, 1);
  return info;
}
int potrf(bool upper, int n, double* a) {
  int info = 0;
  scipy_dpotrf_(upper ? "U" : "L", &n, a, &n, &info, 1);
  return info;
}

// What LAPACK computes a dtype in: half in float.
template <class T>
using Work = std::conditional_t<std::is_same_v<T, double>, double, float>;

// ---- batches of matrices --------------------------------------------------------------

// t as a batch of n x n matrices (..., n, n).
Dims square_batch(const char* op, const char* arg, const TensorBase& t) {
  const int d = t.dim();
  if (d < 2 || t.size(d - 1) != t.size(d - 2))
    throw std::invalid_argument(std::string(op) + ": expected " + arg + " to be a square matrix or a batch of them "
                                "(..., n, n), got shape " + to_string(t.sizes()));
  if (t.size(d - 1) > kMaxBlasIndex)
    throw std::invalid_argument(std::string(op) + ": matrices of more than 2^31 - 1 rows: LAPACK's indices are 32-bit");
  Dims batch;
  for (int i = 0; i < d - 2; ++i) batch.push_back(t.size(i));
  return batch;
}

Dims unravel(const Dims& batch, int64_t index) {
  Dims at(batch.size());
  for (int d = batch.size() - 1; d >= 0; --d) {
    at[d] = index % batch[d];
    index /= batch[d];
  }
  return at;
}

// "inv: matrix (1, 0) of the batch" or, for one matrix, "inv: the matrix".
std::string which(const char* op, const Dims& batch, int64_t index) {
  if (batch.empty()) return std::string(op) + ": the matrix";
  return std::string(op) + ": matrix " + to_string(unravel(batch, index)) + " of the batch";
}

// The element offset in t of batch matrix `index` of `batch`, to which t's leading
// dims (all but its last `inner`) broadcast.
int64_t batch_offset(const TensorBase& t, int inner, const Dims& batch, int64_t index) {
  const Dims at = unravel(batch, index);
  const int lead = t.dim() - inner, skip = batch.size() - lead;
  int64_t offset = 0;
  for (int i = 0; i < lead; ++i)
    if (t.size(i) != 1) offset += at[skip + i] * t.stride(i);
  return offset;
}

// Matrix (rows x cols, element strides rs, cs) of t at `offset`, column-major into out.
template <class T, class W>
void load(const TensorBase& t, int64_t offset, int64_t rows, int64_t cols, int64_t rs, int64_t cs, W* out) {
  const T* p = reinterpret_cast<const T*>(t.bytes(sizeof(T))) + offset;
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) out[j * rows + i] = W(p[i * rs + j * cs]);
}

// A column-major rows x cols matrix into row-major out.
template <class T, class W>
void store(const W* in, int64_t rows, int64_t cols, T* out) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = T(in[j * rows + i]);
}

template <class T>
T* data_of(const TensorBase& t) {
  return reinterpret_cast<T*>(t.bytes(sizeof(T)));
}

}  // namespace

template <class T>
void inv(const TensorBase& self, Allocate allocate) {
  using W = Work<T>;
  const Dims batch = square_batch("inv", "self", self);
  const int64_t n = self.size(self.dim() - 1), count = checked_numel(batch);
  const TensorBase out = allocate(self.sizes());
  std::vector<W> lu(std::size_t(n * n)), x(std::size_t(n * n));
  std::vector<int> pivots(static_cast<std::size_t>(n));
  for (int64_t b = 0; b < count && n > 0; ++b) {
    load<T>(self, batch_offset(self, 2, batch, b), n, n, self.stride(self.dim() - 2), self.stride(self.dim() - 1),
            lu.data());
    if (const int info = getrf(int(n), lu.data(), pivots.data()); info > 0)
      throw LinAlgError(which("inv", batch, b) + " is singular (U[" + std::to_string(info - 1) + ", " +
                        std::to_string(info - 1) + "] of its LU factorization is zero)");
    std::fill(x.begin(), x.end(), W(0));
    for (int64_t i = 0; i < n; ++i) x[std::size_t(i * n + i)] = W(1);
    getrs(int(n), int(n), lu.data(), pivots.data(), x.data());
    store(x.data(), n, n, data_of<T>(out) + b * n * n);
  }
}

template <class T>
void det(const TensorBase& self, Allocate allocate) {
  using W = Work<T>;
  const Dims batch = square_batch("det", "self", self);
  const int64_t n = self.size(self.dim() - 1), count = checked_numel(batch);
  const TensorBase out = allocate(batch);
  std::vector<W> lu(std::size_t(n * n));
  std::vector<int> pivots(static_cast<std::size_t>(n));
  for (int64_t b = 0; b < count; ++b) {
    W d = 1;  // a singular matrix's U has a zero on its diagonal, so its product is 0
    if (n > 0) {
      load<T>(self, batch_offset(self, 2, batch, b), n, n, self.stride(self.dim() - 2), self.stride(self.dim() - 1),
              lu.data());
      getrf(int(n), lu.data(), pivots.data());
      for (int64_t i = 0; i < n; ++i) d *= pivots[std::size_t(i)] != i + 1 ? -lu[std::size_t(i * n + i)]
                                                                          : lu[std::size_t(i * n + i)];
    }
    data_of<T>(out)[b] = T(d);
  }
}

template <class T>
void solve(const TensorBase& self, const TensorBase& other, Allocate allocate) {
  using W = Work<T>;
  const Dims a_batch = square_batch("solve", "self", self);
  const int64_t n = self.size(self.dim() - 1);
  const bool vector = other.dim() == 1;
  const std::string shapes = "self has shape " + to_string(self.sizes()) + ", other " + to_string(other.sizes());
  if (vector ? other.size(0) != n : other.dim() < 2 || other.size(other.dim() - 2) != n)
    throw std::invalid_argument("solve: other must be a vector of " + std::to_string(n) +
                                " elements or a batch of matrices of " + std::to_string(n) + " rows (" + shapes + ")");
  const int64_t k = vector ? 1 : other.size(other.dim() - 1);
  Dims batch = a_batch;
  if (!vector) {
    Dims b_batch;
    for (int i = 0; i < other.dim() - 2; ++i) b_batch.push_back(other.size(i));
    const Dims* both[] = {&a_batch, &b_batch};
    try {
      batch = broadcast_shapes(both, 2);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument("solve: batch dims " + to_string(a_batch) + " and " + to_string(b_batch) +
                                  " do not broadcast (" + shapes + ")");
    }
  }
  Dims result = batch;
  result.push_back(n);
  if (!vector) result.push_back(k);
  const TensorBase out = allocate(result);
  const int64_t count = checked_numel(batch);
  const int64_t brs = other.stride(other.dim() - (vector ? 1 : 2)), bcs = vector ? 0 : other.stride(other.dim() - 1);
  std::vector<W> lu(std::size_t(n * n)), x(std::size_t(n * k));
  std::vector<int> pivots(static_cast<std::size_t>(n));
  for (int64_t b = 0; b < count && n > 0 && k > 0; ++b) {
    load<T>(self, batch_offset(self, 2, batch, b), n, n, self.stride(self.dim() - 2), self.stride(self.dim() - 1),
            lu.data());
    if (const int info = getrf(int(n), lu.data(), pivots.data()); info > 0)
      throw LinAlgError(which("solve", batch, b) + " (self) is singular (U[" + std::to_string(info - 1) + ", " +
                        std::to_string(info - 1) + "] of its LU factorization is zero)");
    load<T>(other, vector ? 0 : batch_offset(other, 2, batch, b), n, k, brs, bcs, x.data());
    getrs(int(n), int(k), lu.data(), pivots.data(), x.data());
    store(x.data(), n, k, data_of<T>(out) + b * n * k);
  }
}

template <class T>
void cholesky(const TensorBase& self, bool upper, Allocate allocate) {
  using W = Work<T>;
  const Dims batch = square_batch("cholesky", "self", self);
  const int64_t n = self.size(self.dim() - 1), count = checked_numel(batch);
  const TensorBase out = allocate(self.sizes());
  std::vector<W> a(std::size_t(n * n));
  for (int64_t b = 0; b < count && n > 0; ++b) {
    load<T>(self, batch_offset(self, 2, batch, b), n, n, self.stride(self.dim() - 2), self.stride(self.dim() - 1),
            a.data());
    if (const int info = potrf(upper, int(n), a.data()); info > 0)
      throw LinAlgError(which("cholesky", batch, b) + " is not positive-definite (its leading minor of order " +
                        std::to_string(info) + " is not positive)");
    for (int64_t j = 0; j < n; ++j)  // LAPACK leaves the other triangle as it was: zero it
      for (int64_t i = 0; i < n; ++i)
        if (upper ? i > j : i < j) a[std::size_t(j * n + i)] = W(0);
    store(a.data(), n, n, data_of<T>(out) + b * n * n);
  }
}

#define SATCHEL_LAPACK(T)                                                      \
  template SATCHEL_CORE void inv<T>(const TensorBase&, Allocate);              \
  template SATCHEL_CORE void det<T>(const TensorBase&, Allocate);              \
  template SATCHEL_CORE void solve<T>(const TensorBase&, const TensorBase&, Allocate); \
  template SATCHEL_CORE void cholesky<T>(const TensorBase&, bool, Allocate);
SATCHEL_LAPACK(half)
SATCHEL_LAPACK(float)
SATCHEL_LAPACK(double)
#undef SATCHEL_LAPACK

}  // namespace satchel::linalg
