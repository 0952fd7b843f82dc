// Batches of matrices for LAPACK, private to the core's solvers (lapack.cpp,
// decompose.cpp): the batch dims of an operand, which matrix of a batch an error
// names, and each matrix copied between a tensor (any strides, leading dims
// broadcast) and a column-major work buffer of the type LAPACK computes in.
#pragma once

#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../half.h"
#include "../shape.h"
#include "../tensor.h"
#include "blas.h"
#include "blas_view.h"
#include "iter.h"

namespace satchel::linalg::batched {

// What LAPACK computes a dtype in: half in float.
template <class T>
using Work = std::conditional_t<std::is_same_v<T, double>, double, float>;

// All but the last `drop` of dims d.
inline Dims leading(const Dims& d, int drop) {
  Dims out;
  for (int i = 0; i + drop < d.size(); ++i) out.push_back(d[i]);
  return out;
}

// The batch dims of t, a matrix or a batch of them (..., m, n).
inline Dims matrix_batch(const char* op, const char* arg, const TensorBase& t) {
  const int d = t.dim();
  if (d < 2)
    throw std::invalid_argument(std::string(op) + ": expected " + arg + " to be a matrix or a batch of them "
                                "(..., m, n), got shape " + to_string(t.sizes()));
  if (t.size(d - 1) > kMaxBlasIndex || t.size(d - 2) > kMaxBlasIndex)
    throw std::invalid_argument(std::string(op) + ": " + arg + " has shape " + to_string(t.sizes()) +
                                ": LAPACK's indices are 32-bit (at most 2^31 - 1 rows and columns)");
  return leading(t.sizes(), 2);
}

// The batch dims of t, a square matrix or a batch of them (..., n, n).
inline Dims square_batch(const char* op, const char* arg, const TensorBase& t) {
  const int d = t.dim();
  if (d < 2 || t.size(d - 1) != t.size(d - 2))
    throw std::invalid_argument(std::string(op) + ": expected " + arg + " to be a square matrix or a batch of them "
                                "(..., n, n), got shape " + to_string(t.sizes()));
  return matrix_batch(op, arg, t);
}

// The batch two operands' batch dims broadcast to; `shapes` says whose they are.
inline Dims joint_batch(const char* op, const Dims& a, const Dims& b, const std::string& shapes) {
  const Dims* both[] = {&a, &b};
  try {
    return broadcast_shapes(both, 2);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(std::string(op) + ": batch dims " + to_string(a) + " and " + to_string(b) +
                                " do not broadcast (" + shapes + ")");
  }
}

inline Dims unravel(const Dims& batch, int64_t index) {
  Dims at(batch.size());
  for (int d = int(batch.size()) - 1; d >= 0; --d) {
    at[d] = index % batch[d];
    index /= batch[d];
  }
  return at;
}

// "inv: matrix (1, 0) of the batch" or, for one matrix, "inv: the matrix".
inline std::string which(const char* op, const Dims& batch, int64_t index) {
  if (batch.empty()) return std::string(op) + ": the matrix";
  return std::string(op) + ": matrix " + to_string(unravel(batch, index)) + " of the batch";
}

// The element offset in t of batch item `index` of `batch`, to which t's leading
// dims (all but its last `inner`) broadcast.
inline int64_t batch_offset(const TensorBase& t, int inner, const Dims& batch, int64_t index) {
  const Dims at = unravel(batch, index);
  const int lead = t.dim() - inner, skip = int(batch.size()) - lead;
  int64_t offset = 0;
  for (int i = 0; i < lead; ++i)
    if (t.size(i) != 1) offset += at[skip + i] * t.stride(i);
  return offset;
}

template <class T>
T* data_of(const TensorBase& t) {
  return reinterpret_cast<T*>(t.bytes(sizeof(T)));
}

// Matrix (rows x cols, element strides rs, cs) of t at `offset`, column-major
// into out with leading dim ld (rows unless given).
template <class T, class W>
void load(const TensorBase& t, int64_t offset, int64_t rows, int64_t cols, int64_t rs, int64_t cs, W* out,
          int64_t ld = -1) {
  if (ld < 0) ld = rows;
  const T* p = data_of<T>(t) + offset;
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) out[j * ld + i] = W(p[i * rs + j * cs]);
}

// Batch matrix b of t's last two dims, column-major into out (leading dim ld, rows unless given).
template <class T, class W>
void load_matrix(const TensorBase& t, const Dims& batch, int64_t b, W* out, int64_t ld = -1) {
  const int d = t.dim();
  load<T>(t, batch_offset(t, 2, batch, b), t.size(d - 2), t.size(d - 1), t.stride(d - 2), t.stride(d - 1), out, ld);
}

// The transpose of batch matrix b of t, column-major into out (leading dim ld, t's cols unless given).
template <class T, class W>
void load_transposed(const TensorBase& t, const Dims& batch, int64_t b, W* out, int64_t ld = -1) {
  const int d = t.dim();
  load<T>(t, batch_offset(t, 2, batch, b), t.size(d - 1), t.size(d - 2), t.stride(d - 1), t.stride(d - 2), out, ld);
}

// A column-major rows x cols matrix (leading dim ld, rows unless given) into row-major out.
template <class T, class W>
void store(const W* in, int64_t rows, int64_t cols, T* out, int64_t ld = -1) {
  if (ld < 0) ld = rows;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = T(in[j * ld + i]);
}

// n work values into out, in order (a column-major matrix stored as its row-major transpose).
template <class T, class W>
void store_in_order(const W* in, int64_t n, T* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = T(in[i]);
}

// n values of a work buffer (a matrix, a vector, pivots), value-initialised.
template <class W>
std::vector<W> buffer(int64_t n) {
  return std::vector<W>(static_cast<std::size_t>(n));
}

// Runs body(begin, end) over the matrices [0, count) of a batch whose matrices
// have at most `size` rows and columns. Small ones (size <= 64) are split across
// satchel's threads, each LAPACK call on one thread (a blas::Serial scope), as
// their calls are too short to thread; large ones go one after the other, the
// BLAS threading each call. An error stops its chunk; the lowest matrix's is
// rethrown, as a loop in order would have.
template <class Body>
void for_matrices(int64_t count, int64_t size, Body&& body) {
  const int workers = size <= 64 ? worker_count(count * (size * size * size + 4096)) : 1;
  if (workers <= 1) {
    body(int64_t(0), count);
    return;
  }
  const blas::Serial serial;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
  parallel_for(count, workers, 1, [&](int64_t begin, int64_t end, int worker) {
    try {
      body(begin, end);
    } catch (...) {
      errors[std::size_t(worker)] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

// for_matrices' size for OpenBLAS's own LU and Cholesky routines (getrf, getrs,
// potrf, potrs, potri, trsm): two threads calling them ran slower than one (1000
// inverses of 4x4: 480 us against 310), so their batches go in order.
inline constexpr int64_t kInOrder = std::numeric_limits<int64_t>::max();

// Whether n values are all finite.
template <class W>
bool all_finite(const W* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(a[i])) return false;
  return true;
}

}  // namespace satchel::linalg::batched
