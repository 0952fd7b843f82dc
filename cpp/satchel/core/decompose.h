// LAPACK's factorizations and the solvers built on them, over batches of
// matrices (leading dims a batch), for half (through float), float and double,
// compiled once here: slogdet, lu_factor/lu_solve, cholesky_solve/_inverse,
// solve_triangular, qr, geqrf/householder_product/ormqr, svd/svdvals, eigh/eigvalsh,
// lstsq, pinv and matrix_rank. Each takes its operands as they are (any strides)
// and asks an Allocate for each result, a contiguous tensor: of the dtype T, but
// for pivots (int32) and ranks (int64).
#pragma once

#include <optional>
#include <string>

#include "../half.h"
#include "../tensor.h"
#include "errors.h"  // LinAlgError
#include "export.h"
#include "lapack.h"  // Allocate

namespace satchel::linalg {

// Singular-value cutoffs as PyTorch's pinv and matrix_rank take them: values at
// most max(atol, rtol * the largest) count as zero; rtol defaults to eps * max(m, n)
// unless a positive atol is given.
struct Tolerance {
  std::optional<double> atol, rtol;
};

template <class T>
void slogdet(const TensorBase& self, Allocate sign, Allocate logabsdet);
template <class T>
void lu_factor(const TensorBase& self, bool pivot, Allocate lu, Allocate pivots);
template <class T>
void lu_solve(const TensorBase& lu, const TensorBase& pivots, const TensorBase& b, bool left, bool adjoint,
              Allocate out);
template <class T>
void cholesky_solve(const TensorBase& self, const TensorBase& factor, bool upper, Allocate out);
template <class T>
void cholesky_inverse(const TensorBase& self, bool upper, Allocate out);
template <class T>
void solve_triangular(const TensorBase& self, const TensorBase& b, bool upper, bool left, bool unitriangular,
                      Allocate out);
template <class T>
void qr(const TensorBase& self, const std::string& mode, Allocate q, Allocate r);
template <class T>
void geqrf(const TensorBase& self, Allocate a, Allocate tau);
template <class T>
void householder_product(const TensorBase& self, const TensorBase& tau, Allocate out);
template <class T>
void ormqr(const TensorBase& self, const TensorBase& tau, const TensorBase& other, bool left, bool transpose,
           Allocate out);
template <class T>
void svd(const TensorBase& self, bool full_matrices, Allocate u, Allocate s, Allocate vh);
template <class T>
void svdvals(const TensorBase& self, Allocate s);
template <class T>
void eigh(const TensorBase& self, const std::string& uplo, Allocate values, Allocate vectors);
template <class T>
void eigvalsh(const TensorBase& self, const std::string& uplo, Allocate values);
template <class T>
void lstsq(const TensorBase& self, const TensorBase& b, std::optional<double> rcond,
           const std::optional<std::string>& driver, Allocate solution, Allocate residuals, Allocate rank,
           Allocate singular_values);
template <class T>
void pinv(const TensorBase& self, Tolerance tol, bool hermitian, Allocate out);
template <class T>
void matrix_rank(const TensorBase& self, Tolerance tol, bool hermitian, Allocate out);

#define SATCHEL_DECOMPOSE(EXTERN, T)                                                                                    \
  EXTERN template SATCHEL_CORE void slogdet<T>(const TensorBase&, Allocate, Allocate);                            \
  EXTERN template SATCHEL_CORE void lu_factor<T>(const TensorBase&, bool, Allocate, Allocate);                    \
  EXTERN template SATCHEL_CORE void lu_solve<T>(const TensorBase&, const TensorBase&, const TensorBase&, bool,    \
                                                bool, Allocate);                                                  \
  EXTERN template SATCHEL_CORE void cholesky_solve<T>(const TensorBase&, const TensorBase&, bool, Allocate);      \
  EXTERN template SATCHEL_CORE void cholesky_inverse<T>(const TensorBase&, bool, Allocate);                       \
  EXTERN template SATCHEL_CORE void solve_triangular<T>(const TensorBase&, const TensorBase&, bool, bool, bool,   \
                                                        Allocate);                                                \
  EXTERN template SATCHEL_CORE void qr<T>(const TensorBase&, const std::string&, Allocate, Allocate);             \
  EXTERN template SATCHEL_CORE void geqrf<T>(const TensorBase&, Allocate, Allocate);                              \
  EXTERN template SATCHEL_CORE void householder_product<T>(const TensorBase&, const TensorBase&, Allocate);       \
  EXTERN template SATCHEL_CORE void ormqr<T>(const TensorBase&, const TensorBase&, const TensorBase&, bool, bool,  \
                                             Allocate);                                                           \
  EXTERN template SATCHEL_CORE void svd<T>(const TensorBase&, bool, Allocate, Allocate, Allocate);                \
  EXTERN template SATCHEL_CORE void svdvals<T>(const TensorBase&, Allocate);                                      \
  EXTERN template SATCHEL_CORE void eigh<T>(const TensorBase&, const std::string&, Allocate, Allocate);           \
  EXTERN template SATCHEL_CORE void eigvalsh<T>(const TensorBase&, const std::string&, Allocate);                 \
  EXTERN template SATCHEL_CORE void lstsq<T>(const TensorBase&, const TensorBase&, std::optional<double>,         \
                                             const std::optional<std::string>&, Allocate, Allocate, Allocate,     \
                                             Allocate);                                                           \
  EXTERN template SATCHEL_CORE void pinv<T>(const TensorBase&, Tolerance, bool, Allocate);                        \
  EXTERN template SATCHEL_CORE void matrix_rank<T>(const TensorBase&, Tolerance, bool, Allocate);
// (decompose.cpp instantiates them with EXTERN empty.)
SATCHEL_DECOMPOSE(extern, half)
SATCHEL_DECOMPOSE(extern, float)
SATCHEL_DECOMPOSE(extern, double)

}  // namespace satchel::linalg
