// The matrix products of CUDA tensors (the spec's natives matmul, mm, ..., addbmm):
// the same plans as the CPU's (core/product.h), run by cuda/gemm.cu. The LAPACK
// ops (inv, det, solve, cholesky) run on the host's LAPACK, their operands and
// results copied between the devices (cuSOLVER is not used yet).
#pragma once

#include <algorithm>

#include "../core/blas_view.h"
#include "../core/product.h"
#include "../linalg.h"
#include "gemm.h"
#include "runtime.h"
#include "transfer.h"

namespace satchel::cuda {

namespace detail {

// t itself when cuBLAS can read its matrices in place, else a contiguous copy
// (integers are read by our own kernel, whatever their strides).
template <class TensorT>
TensorT blas_ready(const TensorT& t) {
  using T = typename TensorT::value_type;
  if constexpr (std::is_integral_v<T>) {
    return t;
  } else {
    const int d = t.dim();
    const bool ok = d == 0 || (d == 1 ? linalg::blas_view(1, t.size(0), 0, t.stride(0)).has_value()
                                      : linalg::blas_view(t.size(d - 2), t.size(d - 1), t.stride(d - 2),
                                                          t.stride(d - 1)).has_value());
    return ok ? t : Copies<T>::contiguous(t);
  }
}

template <class TensorT, class Plan>
TensorT product(const Plan& make_plan, const TensorT& a, const TensorT& b, const linalg::Names& names,
                const TensorT* addend, compute_t<typename TensorT::value_type> beta,
                compute_t<typename TensorT::value_type> alpha) {
  using T = typename TensorT::value_type;
  using C = compute_t<T>;
  const TensorT ra = blas_ready(a), rb = blas_ready(b);
  linalg::Plan plan = make_plan(names, ra, rb, int64_t(sizeof(T)));
  if (addend) linalg::check_addend(names, addend->sizes(), plan.result);
  TensorT out = cuda::empty<TensorT>(plan.result);
  const bool reads = addend && beta != C(0);
  if (reads) Copies<T>::into(out, Operand<TensorT>(*addend));
  linalg::out_into(plan, out, sizeof(T));
  gemm<T>(plan.product, alpha, reads ? beta : C(0), current_stream());
  return out;
}

inline auto planner(linalg::Form form) {
  return [form](const linalg::Names& n, const TensorBase& a, const TensorBase& b, int64_t itemsize) {
    return linalg::plan(form, n, a, b, itemsize);
  };
}

inline linalg::Plan summed(const linalg::Names& n, const TensorBase& a, const TensorBase& b, int64_t itemsize) {
  return linalg::plan_summed(n, a, b, itemsize);
}

template <class TensorT>
TensorT plain(linalg::Form form, const char* op, const char* a_name, const char* b_name, const TensorT& a,
              const TensorT& b) {
  return product(planner(form), a, b, {op, a_name, b_name}, static_cast<const TensorT*>(nullptr), 0, 1);
}

template <class TensorT, class Plan>
TensorT added(const Plan& make_plan, const char* op, const char* a_name, const char* b_name, const TensorT& self,
              const TensorT& a, const TensorT& b, satchel::detail::ScalarOf<TensorT> beta,
              satchel::detail::ScalarOf<TensorT> alpha) {
  return product(make_plan, a, b, {op, a_name, b_name}, &self, satchel::detail::as_compute<TensorT>(beta),
                 satchel::detail::as_compute<TensorT>(alpha));
}

}  // namespace detail

namespace native {

template <class TensorT>
TensorT matmul(const TensorT& self, const TensorT& other) {
  return detail::plain(linalg::Form::matmul, "matmul", "self", "other", self, other);
}

template <class TensorT>
TensorT mm(const TensorT& self, const TensorT& mat2) {
  return detail::plain(linalg::Form::mm, "mm", "self", "mat2", self, mat2);
}

template <class TensorT>
TensorT mv(const TensorT& self, const TensorT& vec) {
  return detail::plain(linalg::Form::mv, "mv", "self", "vec", self, vec);
}

template <class TensorT>
TensorT bmm(const TensorT& self, const TensorT& mat2) {
  return detail::plain(linalg::Form::bmm, "bmm", "self", "mat2", self, mat2);
}

template <class TensorT>
TensorT outer(const TensorT& self, const TensorT& vec2) {
  return detail::plain(linalg::Form::outer, "outer", "self", "vec2", self, vec2);
}

template <class TensorT>
TensorT ger(const TensorT& self, const TensorT& vec2) {
  return detail::plain(linalg::Form::outer, "ger", "self", "vec2", self, vec2);
}

template <class TensorT>
TensorT addmm(const TensorT& self, const TensorT& mat1, const TensorT& mat2, satchel::detail::ScalarOf<TensorT> beta,
              satchel::detail::ScalarOf<TensorT> alpha) {
  return detail::added(detail::planner(linalg::Form::mm), "addmm", "mat1", "mat2", self, mat1, mat2, beta, alpha);
}

template <class TensorT>
TensorT addmv(const TensorT& self, const TensorT& mat, const TensorT& vec, satchel::detail::ScalarOf<TensorT> beta,
              satchel::detail::ScalarOf<TensorT> alpha) {
  return detail::added(detail::planner(linalg::Form::mv), "addmv", "mat", "vec", self, mat, vec, beta, alpha);
}

template <class TensorT>
TensorT addr(const TensorT& self, const TensorT& vec1, const TensorT& vec2, satchel::detail::ScalarOf<TensorT> beta,
             satchel::detail::ScalarOf<TensorT> alpha) {
  return detail::added(detail::planner(linalg::Form::outer), "addr", "vec1", "vec2", self, vec1, vec2, beta, alpha);
}

template <class TensorT>
TensorT baddbmm(const TensorT& self, const TensorT& batch1, const TensorT& batch2,
                satchel::detail::ScalarOf<TensorT> beta, satchel::detail::ScalarOf<TensorT> alpha) {
  return detail::added(detail::planner(linalg::Form::bmm), "baddbmm", "batch1", "batch2", self, batch1, batch2, beta,
                       alpha);
}

template <class TensorT>
TensorT addbmm(const TensorT& self, const TensorT& batch1, const TensorT& batch2,
               satchel::detail::ScalarOf<TensorT> beta, satchel::detail::ScalarOf<TensorT> alpha) {
  return detail::added(&detail::summed, "addbmm", "batch1", "batch2", self, batch1, batch2, beta, alpha);
}

template <class TensorT>
TensorT inv(const TensorT& self) {
  return to_device(satchel::native::inv(to_host(self)));
}

template <class TensorT>
TensorT det(const TensorT& self) {
  return to_device(satchel::native::det(to_host(self)));
}

template <class TensorT>
TensorT solve(const TensorT& self, const TensorT& other) {
  return to_device(satchel::native::solve(to_host(self), to_host(other)));
}

template <class TensorT>
TensorT cholesky(const TensorT& self, bool upper) {
  return to_device(satchel::native::cholesky(to_host(self), upper));
}

}  // namespace native

}  // namespace satchel::cuda
