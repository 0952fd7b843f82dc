#include "lapack.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "lapack_batch.h"
#include "lapack_calls.h"

namespace satchel::linalg {

using namespace batched;

template <class T>
void inv(const TensorBase& self, Allocate allocate) {
  using W = Work<T>;
  const Dims batch = square_batch("inv", "self", self);
  const int64_t n = self.size(self.dim() - 1), count = checked_numel(batch);
  const TensorBase out = allocate(self.sizes());
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    std::vector<W> lu(std::size_t(n * n)), x(std::size_t(n * n));
    auto pivots = buffer<int>(n);
    for (int64_t b = begin; b < end && n > 0; ++b) {
      load_matrix<T>(self, batch, b, lu.data());
      if (const int info = lapack::getrf(int(n), int(n), lu.data(), int(n), pivots.data()); info > 0)
        throw LinAlgError(which("inv", batch, b) + " is singular (U[" + std::to_string(info - 1) + ", " +
                          std::to_string(info - 1) + "] of its LU factorization is zero)");
      std::fill(x.begin(), x.end(), W(0));
      for (int64_t i = 0; i < n; ++i) x[std::size_t(i * n + i)] = W(1);
      lapack::getrs('N', int(n), int(n), lu.data(), int(n), pivots.data(), x.data(), int(n));
      store(x.data(), n, n, data_of<T>(out) + b * n * n);
    }
  });
}

template <class T>
void det(const TensorBase& self, Allocate allocate) {
  using W = Work<T>;
  const Dims batch = square_batch("det", "self", self);
  const int64_t n = self.size(self.dim() - 1), count = checked_numel(batch);
  const TensorBase out = allocate(batch);
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    std::vector<W> lu(std::size_t(n * n));
    auto pivots = buffer<int>(n);
    for (int64_t b = begin; b < end; ++b) {
      W d = 1;  // a singular matrix's U has a zero on its diagonal, so its product is 0
      if (n > 0) {
        load_matrix<T>(self, batch, b, lu.data());
        lapack::getrf(int(n), int(n), lu.data(), int(n), pivots.data());
        for (int64_t i = 0; i < n; ++i) d *= pivots[std::size_t(i)] != i + 1 ? -lu[std::size_t(i * n + i)]
                                                                            : lu[std::size_t(i * n + i)];
      }
      data_of<T>(out)[b] = T(d);
    }
  });
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
    batch = joint_batch("solve", a_batch, b_batch, shapes);
  }
  Dims result = batch;
  result.push_back(n);
  if (!vector) result.push_back(k);
  const TensorBase out = allocate(result);
  const int64_t count = checked_numel(batch);
  const int64_t brs = other.stride(other.dim() - (vector ? 1 : 2)), bcs = vector ? 0 : other.stride(other.dim() - 1);
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    std::vector<W> lu(std::size_t(n * n)), x(std::size_t(n * k));
    auto pivots = buffer<int>(n);
    for (int64_t b = begin; b < end && n > 0 && k > 0; ++b) {
      load_matrix<T>(self, batch, b, lu.data());
      if (const int info = lapack::getrf(int(n), int(n), lu.data(), int(n), pivots.data()); info > 0)
        throw LinAlgError(which("solve", batch, b) + " (self) is singular (U[" + std::to_string(info - 1) + ", " +
                          std::to_string(info - 1) + "] of its LU factorization is zero)");
      load<T>(other, vector ? 0 : batch_offset(other, 2, batch, b), n, k, brs, bcs, x.data());
      lapack::getrs('N', int(n), int(k), lu.data(), int(n), pivots.data(), x.data(), int(n));
      store(x.data(), n, k, data_of<T>(out) + b * n * k);
    }
  });
}

template <class T>
void cholesky(const TensorBase& self, bool upper, Allocate allocate) {
  using W = Work<T>;
  const Dims batch = square_batch("cholesky", "self", self);
  const int64_t n = self.size(self.dim() - 1), count = checked_numel(batch);
  const TensorBase out = allocate(self.sizes());
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    std::vector<W> a(std::size_t(n * n));
    for (int64_t b = begin; b < end && n > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      if (const int info = lapack::potrf(upper ? 'U' : 'L', int(n), a.data(), int(n)); info > 0)
        throw LinAlgError(which("cholesky", batch, b) + " is not positive-definite (its leading minor of order " +
                          std::to_string(info) + " is not positive)");
      for (int64_t j = 0; j < n; ++j)  // LAPACK leaves the other triangle as it was: zero it
        for (int64_t i = 0; i < n; ++i)
          if (upper ? i > j : i < j) a[std::size_t(j * n + i)] = W(0);
      store(a.data(), n, n, data_of<T>(out) + b * n * n);
    }
  });
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
