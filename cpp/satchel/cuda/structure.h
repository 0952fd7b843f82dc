// The structure and product natives of CUDA tensors: the CPU's templates
// (../structure.h), which reach the device through runtime.h's new_empty,
// copy_into and contiguous_copy and through matmul_on here (cuBLAS, or the
// integer kernel, of cuda/linalg.h); kron is one such product, permuted into
// place. trace sums its diagonal (n elements) on the host; eye is made on the
// host and copied over.
#pragma once

#include <optional>

#include "../structure.h"
#include "linalg.h"
#include "runtime.h"
#include "transfer.h"

namespace satchel {

// bool (only kron's product, of inner size 1) multiplies as uint8, whose
// products of 0 and 1 are 0 and 1.
template <class T>
Tensor<T, Device::cuda> matmul_on(const Tensor<T, Device::cuda>& a, const Tensor<T, Device::cuda>& b) {
  if constexpr (std::is_same_v<T, bool>) {
    using U = Tensor<uint8_t, Device::cuda>;
    return Tensor<T, Device::cuda>(TensorBase(cuda::native::matmul(U(TensorBase(a)), U(TensorBase(b)))));
  } else {
    return cuda::native::matmul(a, b);
  }
}

template <class T>
Tensor<T, Device::cuda> kron_on(const Tensor<T, Device::cuda>& self, const Tensor<T, Device::cuda>& other) {
  return native::kron_by_product(self, other);
}

template <class T>
Tensor<structure::sum_type<T>, Device::cuda> sum_of_diagonal(const Tensor<T, Device::cuda>& d) {
  return cuda::to_device(sum_of_diagonal(cuda::to_host(d)));
}

}  // namespace satchel

namespace satchel::cuda::native {

using satchel::native::chain_matmul;
using satchel::native::diag;
using satchel::native::diag_embed;
using satchel::native::diagonal;
using satchel::native::einsum;
using satchel::native::inner;
using satchel::native::kron;
using satchel::native::multi_dot;
using satchel::native::tensordot;
using satchel::native::trace;
using satchel::native::vdot;

template <class TensorT>
TensorT eye(int64_t n, std::optional<int64_t> m) {
  using T = typename TensorT::value_type;
  return to_device(satchel::native::eye<HostTensor<T>>(n, m));
}

}  // namespace satchel::cuda::native
