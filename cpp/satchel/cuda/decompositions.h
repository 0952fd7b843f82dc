// LAPACK's factorizations of CUDA tensors (the natives of cpp/satchel/decompositions.h):
// run by the host's LAPACK, operands and results copied between the devices, as
// the other LAPACK ops of cuda/linalg.h (cuSOLVER is not used yet).
#pragma once

#include <optional>
#include <string>
#include <tuple>

#include "../decompositions.h"
#include "transfer.h"

namespace satchel::cuda {

namespace detail {

// Each host tensor of a tuple of results, on the device.
template <class... T>
auto to_devices(const std::tuple<HostTensor<T>...>& results) {
  return std::apply([](const auto&... r) { return std::make_tuple(to_device(r)...); }, results);
}

}  // namespace detail

namespace native {

template <class TensorT>
auto slogdet(const TensorT& self) {
  return detail::to_devices(satchel::native::slogdet(to_host(self)));
}

template <class TensorT>
auto lu_factor(const TensorT& self, bool pivot) {
  return detail::to_devices(satchel::native::lu_factor(to_host(self), pivot));
}

template <class TensorT, class PivotsT>
TensorT lu_solve(const TensorT& self, const PivotsT& pivots, const TensorT& B, bool left, bool adjoint) {
  return to_device(satchel::native::lu_solve(to_host(self), to_host_packed(pivots), to_host(B), left, adjoint));
}

template <class TensorT>
TensorT cholesky_solve(const TensorT& self, const TensorT& input2, bool upper) {
  return to_device(satchel::native::cholesky_solve(to_host(self), to_host(input2), upper));
}

template <class TensorT>
TensorT cholesky_inverse(const TensorT& self, bool upper) {
  return to_device(satchel::native::cholesky_inverse(to_host(self), upper));
}

template <class TensorT>
TensorT solve_triangular(const TensorT& self, const TensorT& B, bool upper, bool left, bool unitriangular) {
  return to_device(satchel::native::solve_triangular(to_host(self), to_host(B), upper, left, unitriangular));
}

template <class TensorT>
auto qr(const TensorT& self, const std::string& mode) {
  return detail::to_devices(satchel::native::qr(to_host(self), mode));
}

template <class TensorT>
auto geqrf(const TensorT& self) {
  return detail::to_devices(satchel::native::geqrf(to_host(self)));
}

template <class TensorT>
TensorT householder_product(const TensorT& self, const TensorT& tau) {
  return to_device(satchel::native::householder_product(to_host(self), to_host(tau)));
}

template <class TensorT>
TensorT orgqr(const TensorT& self, const TensorT& input2) {
  return householder_product(self, input2);
}

template <class TensorT>
TensorT ormqr(const TensorT& self, const TensorT& input2, const TensorT& input3, bool left, bool transpose) {
  return to_device(satchel::native::ormqr(to_host(self), to_host(input2), to_host(input3), left, transpose));
}

template <class TensorT>
auto svd(const TensorT& self, bool full_matrices) {
  return detail::to_devices(satchel::native::svd(to_host(self), full_matrices));
}

template <class TensorT>
TensorT svdvals(const TensorT& self) {
  return to_device(satchel::native::svdvals(to_host(self)));
}

template <class TensorT>
auto eigh(const TensorT& self, const std::string& UPLO) {
  return detail::to_devices(satchel::native::eigh(to_host(self), UPLO));
}

template <class TensorT>
TensorT eigvalsh(const TensorT& self, const std::string& UPLO) {
  return to_device(satchel::native::eigvalsh(to_host(self), UPLO));
}

template <class TensorT>
auto lstsq(const TensorT& self, const TensorT& b, std::optional<double> rcond,
           const std::optional<std::string>& driver) {
  return detail::to_devices(satchel::native::lstsq(to_host(self), to_host(b), rcond, driver));
}

template <class TensorT>
TensorT pinv(const TensorT& self, std::optional<double> atol, std::optional<double> rtol, bool hermitian) {
  return to_device(satchel::native::pinv(to_host(self), atol, rtol, hermitian));
}

template <class TensorT>
auto matrix_rank(const TensorT& self, std::optional<double> atol, std::optional<double> rtol, bool hermitian) {
  return to_device(satchel::native::matrix_rank(to_host(self), atol, rtol, hermitian));
}

}  // namespace native

}  // namespace satchel::cuda
