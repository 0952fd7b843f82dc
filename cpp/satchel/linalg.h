// The matrix products (native ops matmul, mm, mv, bmm, outer, addmm, ...) and
// LAPACK's solvers (inv, det, solve, cholesky) as typed functions of a unit.
// Which product two tensors make, and the product itself, are the core's
// (core/product.h), as are the solvers (core/lapack.h): here only results are
// allocated and, for the add* ops, filled with self before the product adds into it.
#pragma once

#include <algorithm>

#include "core/lapack.h"
#include "core/product.h"
#include "gil.h"
#include "operand.h"

namespace satchel {

namespace detail {

// beta * addend + alpha * (the plan's product), addend broadcast to its shape;
// without an addend, or with beta = 0, the product alone (NaN in self ignored).
template <class TensorT>
TensorT product(linalg::Plan plan, const linalg::Names& names, const TensorT* addend,
                compute_t<typename TensorT::value_type> beta, compute_t<typename TensorT::value_type> alpha) {
  using T = typename TensorT::value_type;
  using C = compute_t<T>;
  if (addend) linalg::check_addend(names, addend->sizes(), plan.result);
  TensorT out = TensorT::empty(plan.result);
  const bool reads = addend && beta != C(0);
  if (reads) linalg::fill_from(out, *addend, sizeof(T));
  linalg::out_into(plan, out, sizeof(T));
  const linalg::Product& p = plan.product;
  ReleaseGil unlocked(p.m * p.n * std::max<int64_t>(p.k, 1) * std::max<int64_t>(p.count(), 1));
  linalg::gemm<T>(p, alpha, reads ? beta : C(0));
  return out;
}

template <class TensorT>
using ScalarOf = Scalar<typename TensorT::value_type>;

template <class TensorT>
auto as_compute(ScalarOf<TensorT> s) {
  return compute_t<typename TensorT::value_type>(s.value);
}

}  // namespace detail

namespace native {

template <class TensorT>
TensorT matmul(const TensorT& self, const TensorT& other) {
  const linalg::Names names{"matmul", "self", "other"};
  return detail::product(linalg::plan(linalg::Form::matmul, names, self, other, sizeof(typename TensorT::value_type)),
                         names, static_cast<const TensorT*>(nullptr), 0, 1);
}

template <class TensorT>
TensorT mm(const TensorT& self, const TensorT& mat2) {
  const linalg::Names names{"mm", "self", "mat2"};
  return detail::product(linalg::plan(linalg::Form::mm, names, self, mat2, sizeof(typename TensorT::value_type)),
                         names, static_cast<const TensorT*>(nullptr), 0, 1);
}

template <class TensorT>
TensorT mv(const TensorT& self, const TensorT& vec) {
  const linalg::Names names{"mv", "self", "vec"};
  return detail::product(linalg::plan(linalg::Form::mv, names, self, vec, sizeof(typename TensorT::value_type)),
                         names, static_cast<const TensorT*>(nullptr), 0, 1);
}

template <class TensorT>
TensorT bmm(const TensorT& self, const TensorT& mat2) {
  const linalg::Names names{"bmm", "self", "mat2"};
  return detail::product(linalg::plan(linalg::Form::bmm, names, self, mat2, sizeof(typename TensorT::value_type)),
                         names, static_cast<const TensorT*>(nullptr), 0, 1);
}

template <class TensorT>
TensorT outer(const TensorT& self, const TensorT& vec2) {
  const linalg::Names names{"outer", "self", "vec2"};
  return detail::product(linalg::plan(linalg::Form::outer, names, self, vec2, sizeof(typename TensorT::value_type)),
                         names, static_cast<const TensorT*>(nullptr), 0, 1);
}

template <class TensorT>
TensorT ger(const TensorT& self, const TensorT& vec2) {
  const linalg::Names names{"ger", "self", "vec2"};
  return detail::product(linalg::plan(linalg::Form::outer, names, self, vec2, sizeof(typename TensorT::value_type)),
                         names, static_cast<const TensorT*>(nullptr), 0, 1);
}

template <class TensorT>
TensorT addmm(const TensorT& self, const TensorT& mat1, const TensorT& mat2, detail::ScalarOf<TensorT> beta,
              detail::ScalarOf<TensorT> alpha) {
  const linalg::Names names{"addmm", "mat1", "mat2"};
  return detail::product(linalg::plan(linalg::Form::mm, names, mat1, mat2, sizeof(typename TensorT::value_type)),
                         names, &self, detail::as_compute<TensorT>(beta), detail::as_compute<TensorT>(alpha));
}

template <class TensorT>
TensorT addmv(const TensorT& self, const TensorT& mat, const TensorT& vec, detail::ScalarOf<TensorT> beta,
              detail::ScalarOf<TensorT> alpha) {
  const linalg::Names names{"addmv", "mat", "vec"};
  return detail::product(linalg::plan(linalg::Form::mv, names, mat, vec, sizeof(typename TensorT::value_type)),
                         names, &self, detail::as_compute<TensorT>(beta), detail::as_compute<TensorT>(alpha));
}

template <class TensorT>
TensorT addr(const TensorT& self, const TensorT& vec1, const TensorT& vec2, detail::ScalarOf<TensorT> beta,
             detail::ScalarOf<TensorT> alpha) {
  const linalg::Names names{"addr", "vec1", "vec2"};
  return detail::product(linalg::plan(linalg::Form::outer, names, vec1, vec2, sizeof(typename TensorT::value_type)),
                         names, &self, detail::as_compute<TensorT>(beta), detail::as_compute<TensorT>(alpha));
}

template <class TensorT>
TensorT baddbmm(const TensorT& self, const TensorT& batch1, const TensorT& batch2, detail::ScalarOf<TensorT> beta,
                detail::ScalarOf<TensorT> alpha) {
  const linalg::Names names{"baddbmm", "batch1", "batch2"};
  return detail::product(linalg::plan(linalg::Form::bmm, names, batch1, batch2, sizeof(typename TensorT::value_type)),
                         names, &self, detail::as_compute<TensorT>(beta), detail::as_compute<TensorT>(alpha));
}

template <class TensorT>
TensorT addbmm(const TensorT& self, const TensorT& batch1, const TensorT& batch2, detail::ScalarOf<TensorT> beta,
               detail::ScalarOf<TensorT> alpha) {
  const linalg::Names names{"addbmm", "batch1", "batch2"};
  return detail::product(linalg::plan_summed(names, batch1, batch2, sizeof(typename TensorT::value_type)), names,
                         &self, detail::as_compute<TensorT>(beta), detail::as_compute<TensorT>(alpha));
}

// ---- LAPACK (floating units) ----------------------------------------------------------

template <class TensorT>
TensorT inv(const TensorT& self) {
  TensorT out;
  ReleaseGil unlocked(self.numel() * 32);
  linalg::inv<typename TensorT::value_type>(self, [&](const Dims& s) { return out = TensorT::empty(s); });
  return out;
}

template <class TensorT>
TensorT det(const TensorT& self) {
  TensorT out;
  ReleaseGil unlocked(self.numel() * 32);
  linalg::det<typename TensorT::value_type>(self, [&](const Dims& s) { return out = TensorT::empty(s); });
  return out;
}

template <class TensorT>
TensorT solve(const TensorT& self, const TensorT& other) {
  TensorT out;
  ReleaseGil unlocked(self.numel() * 32);
  linalg::solve<typename TensorT::value_type>(self, other, [&](const Dims& s) { return out = TensorT::empty(s); });
  return out;
}

template <class TensorT>
TensorT cholesky(const TensorT& self, bool upper) {
  TensorT out;
  ReleaseGil unlocked(self.numel() * 32);
  linalg::cholesky<typename TensorT::value_type>(self, upper, [&](const Dims& s) { return out = TensorT::empty(s); });
  return out;
}

}  // namespace native

}  // namespace satchel
