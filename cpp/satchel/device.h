// What the device-generic natives (cat, flip, where, the *_like constructors)
// ask of a device, chosen by overload on the tensor's type: the CPU's forms here,
// CUDA's in cuda/runtime.h. A native written against these runs on every device.
#pragma once

#include "core/select.h"
#include "gil.h"
#include "operand.h"
#include "pointwise.h"

namespace satchel {

// A new tensor of like's unit and device with the given sizes and strides (a
// permutation of contiguous strides); not initialised.
template <class T>
Tensor<T, Device::cpu> new_empty(const Tensor<T, Device::cpu>&, const Dims& sizes, const Dims& strides) {
  return Tensor<T, Device::cpu>::empty(sizes, strides);
}

// dst = src, src (a tensor of the unit or a number) broadcast to dst's shape.
template <class T>
void copy_into(const Tensor<T, Device::cpu>& dst, const Operand<Tensor<T, Device::cpu>>& src) {
  map_into<T>(detail::Identity{}, dst, src);
}

namespace detail {

template <class TensorT>
Strided strided(const Operand<TensorT>& x) {
  return {reinterpret_cast<const char*>(x.data()), x.sizes(), x.strides()};
}

}  // namespace detail

// out = condition ? a : b, the operands broadcast to out's shape; none overlaps
// out other than as out itself (the natives see to it).
template <class T>
void select_elements(const Tensor<T, Device::cpu>& out, const Tensor<bool, Device::cpu>& condition,
                     const Operand<Tensor<T, Device::cpu>>& a, const Operand<Tensor<T, Device::cpu>>& b) {
  ReleaseGil unlocked(out.numel());
  const Strided c{reinterpret_cast<const char*>(condition.data()), condition.sizes(), condition.strides()};
  select_into(reinterpret_cast<char*>(out.data()), out.sizes(), out.strides(), c, detail::strided(a),
              detail::strided(b), sizeof(T));
}

}  // namespace satchel
