// Elementwise bodies that also see where the element is (tril, triu): out[..., i, j]
// = fn(self[..., i, j], i, j, index), i and j the element's row and column (the
// indices in self's last two dims; a 1-D tensor is one row, a 0-d one element
// 0, 0) and index its position in row-major order.
#pragma once

#include <cstdint>

#include "gil.h"
#include "iter.h"
#include "tensor.h"

namespace satchel {

// op's tensors have at least min_dims dims.
template <class C, class TensorT, class Fn>
TensorT map_positional(const char* op, int min_dims, const Fn& fn, const TensorT& self) {
  using T = typename TensorT::value_type;
  check_min_dims(op, self, min_dims);
  TensorT out = TensorT::empty(self.sizes());
  const int nd = self.dim();
  const int64_t cols = nd ? self.size(nd - 1) : 1;
  const int64_t rows = nd > 1 ? self.size(nd - 2) : 1;
  if (out.numel() == 0) return out;
  const int64_t step = nd ? self.stride(nd - 1) : 0;
  const T* x = self.data();
  T* o = out.data();
  ReleaseGil unlocked(self.numel());
  // Each worker takes whole rows; a row's first element is found from its index.
  parallel_chunks(out.numel() / cols, worker_count(out.numel()), [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) {
      int64_t offset = 0;
      for (int64_t d = nd - 2, rest = r; d >= 0; --d) {
        offset += rest % self.size(d) * self.stride(d);
        rest /= self.size(d);
      }
      const int64_t i = r % rows;
      const T* in = x + offset;
      T* row = o + r * cols;
      for (int64_t j = 0; j < cols; ++j) row[j] = T(fn(C(in[j * step]), i, j, r * cols + j));
    }
  }, 1);
  return out;
}

}  // namespace satchel
