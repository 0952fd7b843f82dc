// Scans along one dim on the CPU: out[..., k, ...] folds self[..., 0..k, ...] by
// combine, accumulated in Acc and stored as Out (cumsum, cumprod); and the
// scans that keep the index of the best element so far (cummax, cummin). The
// functors are the unit's, generated from the spec's scan bodies. Results are
// laid out in self's dim order (strides_like), so that a scan of a transposed
// view writes memory in the order it reads it.
//
// Where dim is self's innermost dim in memory each line is scanned in turn;
// otherwise lines advance together, one step of dim at a time, so that the
// elements of a step are read and written in order (cumsum(dim=0) of a
// row-major matrix streams memory as cumsum(dim=1) does).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "cast.h"
#include "core/reduction.h"
#include "gil.h"
#include "iter.h"
#include "tensor.h"

namespace satchel {

namespace detail {

// A scan's lines: the dims of self but `d`, over operands (self, outputs...), and
// the byte step along d of each.
struct ScanLines {
  Layout layout;
  int64_t length;                 // elements along d
  int64_t step[kMaxOperands];     // bytes between neighbours along d, per operand
  bool along;                     // d is innermost in self's memory: scan line by line
};

template <class TensorT, class... Outs>
ScanLines scan_lines(const char* op, const TensorT& self, int64_t dim, const Outs&... outs) {
  using T = typename TensorT::value_type;
  constexpr int N = 1 + sizeof...(Outs);
  const int d = scan_dim(op, self.sizes(), dim);
  Dims kept = self.sizes();
  ScanLines lines{Layout(N), self.dim() ? self.size(d) : 1, {}, false};
  const auto line_strides = [&](const Dims& strides, int k, int64_t item) {
    Dims s = strides;
    lines.step[k] = self.dim() ? strides[d] * item : 0;
    if (self.dim()) s.erase(d);
    return s;
  };
  Dims self_strides = line_strides(self.strides(), 0, sizeof(T));
  if (self.dim()) kept.erase(d);
  lines.layout.add(0, self.bytes(sizeof(T)), kept, self_strides, sizeof(T), kept);
  int k = 1;
  ((lines.layout.add(k, outs.bytes(sizeof(typename Outs::value_type)), kept,
                     line_strides(outs.strides(), k, sizeof(typename Outs::value_type)),
                     sizeof(typename Outs::value_type), kept),
    ++k),
   ...);
  lines.layout.collapse(kept);
  const int64_t inner = lines.layout.strides[0][lines.layout.sizes.size() - 1];
  lines.along = lines.layout.numel == 1 || std::abs(lines.step[0]) <= std::abs(inner);
  return lines;
}

// Calls step(p, s, m, k, j) for step k = 0 .. length - 1 of the lines' elements
// [b, e), run by run in memory order; j counts the run's first element from b.
template <class Step>
void scan_steps(const ScanLines& lines, int64_t b, int64_t e, const Step& step) {
  for (int64_t k = 0; k < lines.length; ++k) {
    Layout at = lines.layout;
    for (int o = 0; o < at.n; ++o) at.base[o] += k * lines.step[o];
    int64_t j = 0;
    at.walk(0, b, e, [&](char* const* p, const int64_t* s, int64_t m) {
      step(p, s, m, k, j);
      j += m;
    });
  }
}

}  // namespace detail

template <class Out, class Acc, class C, class Combine, class TensorT>
Tensor<Out, Device::cpu> scan(const char* op, const Combine& combine, const TensorT& self, int64_t dim) {
  using T = typename TensorT::value_type;
  using OutTensor = Tensor<Out, Device::cpu>;
  OutTensor out = OutTensor::empty(self.sizes(), strides_like(self.sizes(), self.strides()));
  if (out.numel() == 0) {
    scan_dim(op, self.sizes(), dim);
    return out;
  }
  const detail::ScanLines lines = detail::scan_lines(op, self, dim, out);
  const Layout& layout = lines.layout;
  const auto x = [](const char* p) { return Acc(C(*reinterpret_cast<const T*>(p))); };
  ReleaseGil unlocked(self.numel());
  parallel_chunks(layout.numel, worker_count(self.numel()), [&](int64_t b, int64_t e, int) {
    if (lines.along) {
      layout.walk(0, b, e, [&](char* const* p, const int64_t* s, int64_t m) {
        for (int64_t i = 0; i < m; ++i) {
          const char* in = p[0] + i * s[0];
          char* o = p[1] + i * s[1];
          Acc a = x(in);
          *reinterpret_cast<Out*>(o) = convert<Out>(a);
          for (int64_t k = 1; k < lines.length; ++k) {
            a = combine(a, x(in + k * lines.step[0]));
            *reinterpret_cast<Out*>(o + k * lines.step[1]) = convert<Out>(a);
          }
        }
      });
      return;
    }
    std::unique_ptr<Acc[]> acc(new Acc[e - b]);  // each of this worker's lines' running value
    detail::scan_steps(lines, b, e, [&](char* const* p, const int64_t* s, int64_t m, int64_t k, int64_t j) {
      for (int64_t i = 0; i < m; ++i) {
        const Acc v = x(p[0] + i * s[0]);
        Acc& a = acc[j + i];
        a = k ? combine(a, v) : v;
        *reinterpret_cast<Out*>(p[1] + i * s[1]) = convert<Out>(a);
      }
    });
  });
  return out;
}

// The best element so far along dim and its index (the last on ties, as
// PyTorch's cummax): y replaces the best x unless better(x, y).
template <class C, class Better, class TensorT>
std::pair<TensorT, Tensor<int64_t, Device::cpu>> arg_scan(const char* op, const Better& better, const TensorT& self,
                                                          int64_t dim) {
  using T = typename TensorT::value_type;
  using Index = Tensor<int64_t, Device::cpu>;
  const Dims strides = strides_like(self.sizes(), self.strides());
  TensorT values = TensorT::empty(self.sizes(), strides);
  Index indices = Index::empty(self.sizes(), strides);
  if (self.numel() == 0) {
    scan_dim(op, self.sizes(), dim);
    return {values, indices};
  }
  const detail::ScanLines lines = detail::scan_lines(op, self, dim, values, indices);
  const Layout& layout = lines.layout;
  const auto x = [](const char* p) { return C(*reinterpret_cast<const T*>(p)); };
  ReleaseGil unlocked(self.numel());
  parallel_chunks(layout.numel, worker_count(self.numel()), [&](int64_t b, int64_t e, int) {
    if (lines.along) {
      layout.walk(0, b, e, [&](char* const* p, const int64_t* s, int64_t m) {
        for (int64_t i = 0; i < m; ++i) {
          const char* in = p[0] + i * s[0];
          char* v = p[1] + i * s[1];
          char* ix = p[2] + i * s[2];
          C best = x(in);
          int64_t index = 0;
          for (int64_t k = 0; k < lines.length; ++k) {
            const C y = x(in + k * lines.step[0]);
            if (!better(best, y)) best = y, index = k;
            *reinterpret_cast<T*>(v + k * lines.step[1]) = T(best);
            *reinterpret_cast<int64_t*>(ix + k * lines.step[2]) = index;
          }
        }
      });
      return;
    }
    std::vector<std::pair<C, int64_t>> best(e - b);  // each of this worker's lines' best so far
    detail::scan_steps(lines, b, e, [&](char* const* p, const int64_t* s, int64_t m, int64_t k, int64_t j) {
      for (int64_t i = 0; i < m; ++i) {
        const C y = x(p[0] + i * s[0]);
        std::pair<C, int64_t>& so_far = best[j + i];
        if (k == 0 || !better(so_far.first, y)) so_far = {y, k};
        *reinterpret_cast<T*>(p[1] + i * s[1]) = T(so_far.first);
        *reinterpret_cast<int64_t*>(p[2] + i * s[2]) = so_far.second;
      }
    });
  });
  return {values, indices};
}

}  // namespace satchel
