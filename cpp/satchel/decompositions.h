// LAPACK's factorizations and the solvers on them (the spec's natives slogdet,
// lu_factor, lu_solve, cholesky_solve, cholesky_inverse, solve_triangular, qr,
// geqrf, householder_product/orgqr, ormqr, svd, svdvals, eigh, eigvalsh, lstsq, pinv,
// matrix_rank) as typed functions of a floating CPU unit. The work is the core's
// (core/decompose.h); here each result is allocated as the unit's tensor.
#pragma once

#include <optional>
#include <string>
#include <tuple>

#include "core/decompose.h"
#include "gil.h"
#include "tensor.h"

namespace satchel {

namespace detail {

// An Allocate that makes `out` a new tensor of the shape asked for.
template <class TensorT>
auto allocating(TensorT& out) {
  return [&out](const Dims& s) -> TensorBase { return out = TensorT::empty(s); };
}

template <class TensorT>
using PivotsOf = Tensor<int32_t, TensorT::device>;
template <class TensorT>
using RanksOf = Tensor<int64_t, TensorT::device>;

inline int64_t last_size(const TensorBase& t) { return t.dim() ? t.size(t.dim() - 1) : 1; }

// Work of the order of n^3 for t's matrices, for how long the GIL is let go.
inline int64_t cubic(const TensorBase& t) { return t.numel() * last_size(t); }

}  // namespace detail

namespace native {

template <class TensorT>
std::tuple<TensorT, TensorT> slogdet(const TensorT& self) {
  TensorT sign, logabsdet;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::slogdet<typename TensorT::value_type>(self, detail::allocating(sign), detail::allocating(logabsdet));
  return {sign, logabsdet};
}

template <class TensorT>
std::tuple<TensorT, detail::PivotsOf<TensorT>> lu_factor(const TensorT& self, bool pivot) {
  TensorT lu;
  detail::PivotsOf<TensorT> pivots;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::lu_factor<typename TensorT::value_type>(self, pivot, detail::allocating(lu), detail::allocating(pivots));
  return {lu, pivots};
}

template <class TensorT>
TensorT lu_solve(const TensorT& self, const detail::PivotsOf<TensorT>& pivots, const TensorT& B, bool left,
                 bool adjoint) {
  TensorT out;
  ReleaseGil unlocked(detail::cubic(self) + B.numel() * detail::last_size(self));
  linalg::lu_solve<typename TensorT::value_type>(self, pivots, B, left, adjoint, detail::allocating(out));
  return out;
}

template <class TensorT>
TensorT cholesky_solve(const TensorT& self, const TensorT& input2, bool upper) {
  TensorT out;
  ReleaseGil unlocked(detail::cubic(input2) + self.numel() * detail::last_size(input2));
  linalg::cholesky_solve<typename TensorT::value_type>(self, input2, upper, detail::allocating(out));
  return out;
}

template <class TensorT>
TensorT cholesky_inverse(const TensorT& self, bool upper) {
  TensorT out;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::cholesky_inverse<typename TensorT::value_type>(self, upper, detail::allocating(out));
  return out;
}

template <class TensorT>
TensorT solve_triangular(const TensorT& self, const TensorT& B, bool upper, bool left, bool unitriangular) {
  TensorT out;
  ReleaseGil unlocked(B.numel() * detail::last_size(self));
  linalg::solve_triangular<typename TensorT::value_type>(self, B, upper, left, unitriangular, detail::allocating(out));
  return out;
}

template <class TensorT>
std::tuple<TensorT, TensorT> qr(const TensorT& self, const std::string& mode) {
  TensorT q, r;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::qr<typename TensorT::value_type>(self, mode, detail::allocating(q), detail::allocating(r));
  return {q, r};
}

template <class TensorT>
std::tuple<TensorT, TensorT> geqrf(const TensorT& self) {
  TensorT a, tau;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::geqrf<typename TensorT::value_type>(self, detail::allocating(a), detail::allocating(tau));
  return {a, tau};
}

template <class TensorT>
TensorT householder_product(const TensorT& self, const TensorT& tau) {
  TensorT out;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::householder_product<typename TensorT::value_type>(self, tau, detail::allocating(out));
  return out;
}

template <class TensorT>
TensorT orgqr(const TensorT& self, const TensorT& input2) {
  return householder_product(self, input2);
}

template <class TensorT>
TensorT ormqr(const TensorT& self, const TensorT& input2, const TensorT& input3, bool left, bool transpose) {
  TensorT out;
  ReleaseGil unlocked(detail::cubic(self) + input3.numel() * detail::last_size(self));
  linalg::ormqr<typename TensorT::value_type>(self, input2, input3, left, transpose, detail::allocating(out));
  return out;
}

template <class TensorT>
std::tuple<TensorT, TensorT, TensorT> svd(const TensorT& self, bool full_matrices) {
  TensorT u, s, vh;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::svd<typename TensorT::value_type>(self, full_matrices, detail::allocating(u), detail::allocating(s),
                                            detail::allocating(vh));
  return {u, s, vh};
}

template <class TensorT>
TensorT svdvals(const TensorT& self) {
  TensorT s;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::svdvals<typename TensorT::value_type>(self, detail::allocating(s));
  return s;
}

template <class TensorT>
std::tuple<TensorT, TensorT> eigh(const TensorT& self, const std::string& UPLO) {
  TensorT values, vectors;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::eigh<typename TensorT::value_type>(self, UPLO, detail::allocating(values), detail::allocating(vectors));
  return {values, vectors};
}

template <class TensorT>
TensorT eigvalsh(const TensorT& self, const std::string& UPLO) {
  TensorT values;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::eigvalsh<typename TensorT::value_type>(self, UPLO, detail::allocating(values));
  return values;
}

template <class TensorT>
std::tuple<TensorT, TensorT, detail::RanksOf<TensorT>, TensorT> lstsq(const TensorT& self, const TensorT& b,
                                                                      std::optional<double> rcond,
                                                                      const std::optional<std::string>& driver) {
  TensorT solution, residuals, singular_values;
  detail::RanksOf<TensorT> rank;
  ReleaseGil unlocked(detail::cubic(self) + b.numel() * detail::last_size(self));
  linalg::lstsq<typename TensorT::value_type>(self, b, rcond, driver, detail::allocating(solution),
                                              detail::allocating(residuals), detail::allocating(rank),
                                              detail::allocating(singular_values));
  return {solution, residuals, rank, singular_values};
}

template <class TensorT>
TensorT pinv(const TensorT& self, std::optional<double> atol, std::optional<double> rtol, bool hermitian) {
  TensorT out;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::pinv<typename TensorT::value_type>(self, {atol, rtol}, hermitian, detail::allocating(out));
  return out;
}

template <class TensorT>
detail::RanksOf<TensorT> matrix_rank(const TensorT& self, std::optional<double> atol, std::optional<double> rtol,
                                     bool hermitian) {
  detail::RanksOf<TensorT> out;
  ReleaseGil unlocked(detail::cubic(self));
  linalg::matrix_rank<typename TensorT::value_type>(self, {atol, rtol}, hermitian, detail::allocating(out));
  return out;
}

}  // namespace native

}  // namespace satchel
