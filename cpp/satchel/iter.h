// Strided iteration over several operands of one shape, written once for every
// pointwise op and reduction (TH's apply macros). Dimensions that are contiguous
// in every operand are collapsed, so most loops end up one flat loop; big loops
// split across cores.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include <omp.h>

#include "shape.h"

namespace satchel {

// The shape operands broadcast to, or an error naming every operand's shape.
template <std::size_t N>
Dims broadcast_shapes(const std::array<const Dims*, N>& shapes) {
  int nd = 0;
  for (const Dims* s : shapes) nd = std::max(nd, s->size());
  Dims out(nd, 1);
  for (const Dims* s : shapes) {
    for (int i = 0; i < s->size(); ++i) {
      int64_t& o = out[nd - s->size() + i];
      const int64_t v = (*s)[i];
      if (v == o || v == 1) continue;
      if (o != 1) {
        std::string msg = "shapes do not broadcast:";
        for (const Dims* t : shapes) msg += " " + to_string(*t);
        throw std::invalid_argument(msg);
      }
      o = v;
    }
  }
  return out;
}

// The shape of a pointwise op's result and the strides of a new tensor for it:
// those of the first input of that shape when it is dense (a transpose, say),
// as NumPy and PyTorch lay results out, so that x.t() + y.t() walks all three in
// memory order where a row-major result would read x and y down their columns;
// else row-major. Inputs are Operands (tensors or numbers).
struct ResultLayout {
  Dims sizes;
  Dims strides;
};

template <class First, class... Rest>
ResultLayout result_layout(const First& first, const Rest&... rest) {
  std::array<const Dims*, 1 + sizeof...(Rest)> shapes{&first.sizes(), &rest.sizes()...};
  const bool same = ((rest.sizes() == first.sizes()) && ...);
  ResultLayout r{same ? first.sizes() : broadcast_shapes(shapes), {}};
  const Dims* like = nullptr;
  const auto consider = [&](const auto& input) {
    if (!like && !input.is_scalar() && input.sizes() == r.sizes) like = &input.strides();
  };
  consider(first);
  (consider(rest), ...);
  r.strides = like ? strides_like(r.sizes, *like) : contiguous_strides(r.sizes);
  return r;
}

// N operands laid over one shape: per operand a base pointer (as bytes) and
// strides in bytes, with dimensions of size 1 dropped and mergeable ones merged.
template <std::size_t N>
struct Layout {
  Dims sizes;
  std::array<Dims, N> strides;  // bytes
  std::array<char*, N> base;
  int64_t numel = 1;

  // Operand k's element strides (for `from` dims, right-aligned) broadcast to `shape`.
  void add(std::size_t k, char* ptr, const Dims& from_sizes, const Dims& from_strides,
           int64_t itemsize, const Dims& shape) {
    base[k] = ptr;
    strides[k] = Dims(shape.size(), 0);
    const int lead = shape.size() - from_sizes.size();
    for (int i = 0; i < from_sizes.size(); ++i)
      if (from_sizes[i] != 1) strides[k][lead + i] = from_strides[i] * itemsize;
  }

  // Drops dims of size 1, orders the rest by operand 0's strides (then the next
  // operand's), largest outermost, so the loop walks memory in order whatever
  // the views' dim order (x.t() += y.t() runs as one flat loop), then merges
  // dims that are contiguous in every operand.
  void collapse(const Dims& shape) {
    numel = 1;
    for (int64_t s : shape) numel *= s;
    int order[kMaxDims];
    for (int i = 0; i < shape.size(); ++i) order[i] = i;
    const auto outer = [&](int a, int b) {
      for (std::size_t k = 0; k < N; ++k) {
        const int64_t sa = strides[k][a] < 0 ? -strides[k][a] : strides[k][a];
        const int64_t sb = strides[k][b] < 0 ? -strides[k][b] : strides[k][b];
        if (sa != sb) return sa > sb;
      }
      return false;
    };
    for (int i = 1; i < shape.size(); ++i)  // insertion sort: stable, and no allocation
      for (int j = i; j > 0 && outer(order[j], order[j - 1]); --j) std::swap(order[j], order[j - 1]);
    Dims sz;
    std::array<Dims, N> st;
    for (int j = 0; j < shape.size(); ++j) {
      const int i = order[j];
      if (shape[i] == 1) continue;
      const int last = sz.size() - 1;
      bool merge = last >= 0;
      for (std::size_t k = 0; merge && k < N; ++k)
        merge = st[k][last] == strides[k][i] * shape[i];
      if (merge) {
        sz[last] *= shape[i];
        for (std::size_t k = 0; k < N; ++k) st[k][last] = strides[k][i];
      } else {
        sz.push_back(shape[i]);
        for (std::size_t k = 0; k < N; ++k) st[k].push_back(strides[k][i]);
      }
    }
    if (sz.empty()) {  // a single element
      sz.push_back(1);
      for (std::size_t k = 0; k < N; ++k) st[k].push_back(0);
    }
    sizes = sz;
    strides = st;
  }

  // Where an operand runs contiguously along the next-to-inner dim but not along
  // the inner one (x.T + y: the result and x run along one dim, y along the
  // other) and the inner dim is long, walking run after run reads that operand a
  // cache line per element, and the lines are gone from L1 before the next run
  // could use them. Tiles of `width` runs of kTileRun elements (for_tiles) keep
  // them: the width that fills the operand's cache lines, or 0 where no operand
  // needs tiles.
  static constexpr int64_t kTileRun = 256;
  int64_t tile_width(const std::array<int64_t, N>& itemsize) const {
    const int nd = sizes.size();
    if (nd < 2 || sizes[nd - 1] <= 2 * kTileRun) return 0;
    int64_t width = 0;
    for (std::size_t k = 0; k < N; ++k) {
      const int64_t across = strides[k][nd - 2] < 0 ? -strides[k][nd - 2] : strides[k][nd - 2];
      if (across == itemsize[k] && strides[k][nd - 1] != 0) width = std::max(width, 64 / itemsize[k]);
    }
    return width;
  }

  // What threads split: tiles of `width` runs, or elements (width 0).
  int64_t units(int64_t width) const {
    const int nd = sizes.size();
    return width ? numel / (sizes[nd - 1] * sizes[nd - 2]) * ((sizes[nd - 2] + width - 1) / width) : numel;
  }

  // Calls segment(ptrs, inner_strides, n) for the runs of units [begin, end).
  template <class Segment>
  void for_units(int64_t width, int64_t begin, int64_t end, Segment&& segment) const {
    if (width) for_tiles(width, begin, end, segment);
    else for_range(begin, end, segment);
  }

  // Calls segment(ptrs, inner_strides, n) for the runs of tiles [begin, end):
  // tile t is, within the outer dims' index t / (tiles across), `width` runs of
  // the next-to-inner dim, walked kTileRun elements of each at a time.
  template <class Segment>
  void for_tiles(int64_t width, int64_t begin, int64_t end, Segment&& segment) const {
    const int nd = sizes.size();
    const int64_t runs = sizes[nd - 2];
    const int64_t across = (runs + width - 1) / width;
    std::array<int64_t, N> inner_stride;
    for (std::size_t k = 0; k < N; ++k) inner_stride[k] = strides[k][nd - 1];
    for (int64_t t = begin; t < end; ++t) {
      const int64_t first = t % across * width;
      std::array<char*, N> corner;
      for (std::size_t k = 0; k < N; ++k) corner[k] = base[k] + first * strides[k][nd - 2];
      int64_t rest = t / across;
      for (int d = nd - 3; d >= 0; --d) {
        for (std::size_t k = 0; k < N; ++k) corner[k] += rest % sizes[d] * strides[k][d];
        rest /= sizes[d];
      }
      const int64_t rows = std::min(width, runs - first);
      for (int64_t i = 0; i < sizes[nd - 1]; i += kTileRun) {
        const int64_t n = std::min(kTileRun, sizes[nd - 1] - i);
        for (int64_t r = 0; r < rows; ++r) {
          std::array<char*, N> p;
          for (std::size_t k = 0; k < N; ++k) p[k] = corner[k] + r * strides[k][nd - 2] + i * inner_stride[k];
          segment(p, inner_stride, n);
        }
      }
    }
  }

  // Calls segment(ptrs, inner_strides, n) for the runs of the innermost dimension
  // covering linear indices [begin, end).
  template <class Segment>
  void for_range(int64_t begin, int64_t end, Segment&& segment) const {
    const int nd = sizes.size();
    const int inner = nd - 1;
    Dims idx(nd);
    int64_t rest = begin;
    for (int d = nd - 1; d >= 0; --d) {
      idx[d] = rest % sizes[d];
      rest /= sizes[d];
    }
    std::array<char*, N> ptr;
    std::array<int64_t, N> inner_stride;
    for (std::size_t k = 0; k < N; ++k) {
      ptr[k] = base[k];
      for (int d = 0; d < nd; ++d) ptr[k] += idx[d] * strides[k][d];
      inner_stride[k] = strides[k][inner];
    }
    int64_t pos = begin;
    while (pos < end) {
      const int64_t n = std::min(sizes[inner] - idx[inner], end - pos);
      segment(ptr, inner_stride, n);
      pos += n;
      if (pos >= end) break;
      // Step past the finished run, carrying into the outer dimensions.
      for (std::size_t k = 0; k < N; ++k) ptr[k] += n * inner_stride[k];
      int d = inner;
      idx[d] += n;
      while (d > 0 && idx[d] == sizes[d]) {
        for (std::size_t k = 0; k < N; ++k) ptr[k] -= sizes[d] * strides[k][d];
        idx[d] = 0;
        --d;
        ++idx[d];
        for (std::size_t k = 0; k < N; ++k) ptr[k] += strides[k][d];
      }
    }
  }
};

inline int worker_count(int64_t numel) {
  if (numel < 2 * kParallelGrain) return 1;
  return int(std::min<int64_t>(omp_get_max_threads(), numel / kParallelGrain));
}

// Runs body(begin, end, worker) over [0, numel) in contiguous chunks, one per
// worker; chunk boundaries are multiples of `align` (64 elements keep cache
// lines whole).
template <class Body>
void parallel_chunks(int64_t numel, int workers, Body&& body, int64_t align = 64) {
  if (workers <= 1) {
    body(int64_t(0), numel, 0);
    return;
  }
  const int64_t chunk = (numel / workers + align - 1) / align * align;
#pragma omp parallel num_threads(workers)
  {
    const int w = omp_get_thread_num();
    const int64_t b = std::min(numel, w * chunk);
    const int64_t e = w == workers - 1 ? numel : std::min(numel, b + chunk);
    body(b, e, w);
  }
}

// parallel_chunks over a layout's units of `width` (Layout::units): tiles stay
// whole, elements go in multiples of 64.
template <std::size_t N, class Body>
void parallel_units(const Layout<N>& layout, int64_t width, int workers, Body&& body) {
  parallel_chunks(layout.units(width), workers, body, width ? 1 : 64);
}

}  // namespace satchel
