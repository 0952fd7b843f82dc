#include "iter.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <utility>

#include "host.h"

namespace satchel {

void Layout::add(int k, char* ptr, const Dims& from_sizes, const Dims& from_strides, int64_t itemsize,
                 const Dims& shape) {
  base[k] = ptr;
  strides[k] = Dims(shape.size(), 0);
  const int lead = shape.size() - from_sizes.size();
  for (int i = 0; i < from_sizes.size(); ++i)
    if (from_sizes[i] != 1) strides[k][lead + i] = from_strides[i] * itemsize;
}

void Layout::collapse(const Dims& shape) {
  numel = 1;
  for (int64_t s : shape) numel *= s;
  int order[kMaxDims];
  for (int i = 0; i < shape.size(); ++i) order[i] = i;
  const auto outer = [&](int a, int b) {
    for (int k = 0; k < n; ++k) {
      const int64_t sa = strides[k][a] < 0 ? -strides[k][a] : strides[k][a];
      const int64_t sb = strides[k][b] < 0 ? -strides[k][b] : strides[k][b];
      if (sa != sb) return sa > sb;
    }
    return false;
  };
  for (int i = 1; i < shape.size(); ++i)  // insertion sort: stable, and no allocation
    for (int j = i; j > 0 && outer(order[j], order[j - 1]); --j) std::swap(order[j], order[j - 1]);
  Dims sz;
  Dims st[kMaxOperands];
  for (int j = 0; j < shape.size(); ++j) {
    const int i = order[j];
    if (shape[i] == 1) continue;
    const int last = sz.size() - 1;
    bool merge = last >= 0;
    for (int k = 0; merge && k < n; ++k) merge = st[k][last] == strides[k][i] * shape[i];
    if (merge) {
      sz[last] *= shape[i];
      for (int k = 0; k < n; ++k) st[k][last] = strides[k][i];
    } else {
      sz.push_back(shape[i]);
      for (int k = 0; k < n; ++k) st[k].push_back(strides[k][i]);
    }
  }
  if (sz.empty()) {  // a single element
    sz.push_back(1);
    for (int k = 0; k < n; ++k) st[k].push_back(0);
  }
  sizes = sz;
  for (int k = 0; k < n; ++k) strides[k] = st[k];
}

int64_t Layout::tile_width(const int64_t* itemsize) const {
  const int nd = sizes.size();
  if (nd < 2 || sizes[nd - 1] <= 2 * kTileRun) return 0;
  int64_t width = 0;
  for (int k = 0; k < n; ++k) {
    const int64_t across = strides[k][nd - 2] < 0 ? -strides[k][nd - 2] : strides[k][nd - 2];
    if (across == itemsize[k] && strides[k][nd - 1] != 0) width = std::max(width, 64 / itemsize[k]);
  }
  return width;
}

int64_t Layout::units(int64_t width) const {
  const int nd = sizes.size();
  return width ? numel / (sizes[nd - 1] * sizes[nd - 2]) * ((sizes[nd - 2] + width - 1) / width) : numel;
}

void Layout::walk(int64_t width, int64_t begin, int64_t end, Segment segment) const {
  if (width) walk_tiles(width, begin, end, segment);
  else walk_range(begin, end, segment);
}

// Tile t is, within the outer dims' index t / (tiles across), `width` runs of
// the next-to-inner dim, walked kTileRun elements of each at a time.
void Layout::walk_tiles(int64_t width, int64_t begin, int64_t end, Segment segment) const {
  const int nd = sizes.size();
  const int64_t runs = sizes[nd - 2];
  const int64_t across = (runs + width - 1) / width;
  int64_t inner_stride[kMaxOperands];
  for (int k = 0; k < n; ++k) inner_stride[k] = strides[k][nd - 1];
  for (int64_t t = begin; t < end; ++t) {
    const int64_t first = t % across * width;
    char* corner[kMaxOperands];
    for (int k = 0; k < n; ++k) corner[k] = base[k] + first * strides[k][nd - 2];
    int64_t rest = t / across;
    for (int d = nd - 3; d >= 0; --d) {
      for (int k = 0; k < n; ++k) corner[k] += rest % sizes[d] * strides[k][d];
      rest /= sizes[d];
    }
    const int64_t rows = std::min(width, runs - first);
    for (int64_t i = 0; i < sizes[nd - 1]; i += kTileRun) {
      const int64_t m = std::min(kTileRun, sizes[nd - 1] - i);
      for (int64_t r = 0; r < rows; ++r) {
        char* p[kMaxOperands];
        for (int k = 0; k < n; ++k) p[k] = corner[k] + r * strides[k][nd - 2] + i * inner_stride[k];
        segment(p, inner_stride, m);
      }
    }
  }
}

// The runs of the innermost dimension covering linear indices [begin, end).
void Layout::walk_range(int64_t begin, int64_t end, Segment segment) const {
  const int nd = sizes.size();
  const int inner = nd - 1;
  Dims idx(nd);
  int64_t rest = begin;
  for (int d = nd - 1; d >= 0; --d) {
    idx[d] = rest % sizes[d];
    rest /= sizes[d];
  }
  char* ptr[kMaxOperands];
  int64_t inner_stride[kMaxOperands];
  for (int k = 0; k < n; ++k) {
    ptr[k] = base[k];
    for (int d = 0; d < nd; ++d) ptr[k] += idx[d] * strides[k][d];
    inner_stride[k] = strides[k][inner];
  }
  int64_t pos = begin;
  while (pos < end) {
    const int64_t m = std::min(sizes[inner] - idx[inner], end - pos);
    segment(ptr, inner_stride, m);
    pos += m;
    if (pos >= end) break;
    // Step past the finished run, carrying into the outer dimensions.
    for (int k = 0; k < n; ++k) ptr[k] += m * inner_stride[k];
    int d = inner;
    idx[d] += m;
    while (d > 0 && idx[d] == sizes[d]) {
      for (int k = 0; k < n; ++k) ptr[k] -= sizes[d] * strides[k][d];
      idx[d] = 0;
      --d;
      ++idx[d];
      for (int k = 0; k < n; ++k) ptr[k] += strides[k][d];
    }
  }
}

namespace {
// Set by any thread, read by every thread: omp_set_num_threads would bind only the caller's.
std::atomic<int> thread_setting{0};
}  // namespace

void host::set_threads(int n) { thread_setting.store(n, std::memory_order_relaxed); }

int host::threads() {
  const int n = thread_setting.load(std::memory_order_relaxed);
  return n > 0 ? n : omp_get_max_threads();
}

int worker_count_of(int64_t numel) { return int(std::min<int64_t>(host::threads(), numel / kParallelGrain)); }

void parallel_for(int64_t count, int workers, int64_t align, FunctionRef<void(int64_t, int64_t, int)> body) {
  const int64_t chunk = (count / workers + align - 1) / align * align;
#pragma omp parallel num_threads(workers)
  {
    const int w = omp_get_thread_num();
    const int64_t b = std::min(count, w * chunk);
    const int64_t e = w == workers - 1 ? count : std::min(count, b + chunk);
    body(b, e, w);
  }
}

}  // namespace satchel
