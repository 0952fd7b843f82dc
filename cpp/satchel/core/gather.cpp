#include "gather.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "iter.h"

namespace satchel::gather {

namespace {

// Row-major positions over sizes, with the offset of each of K operands by its strides.
template <int K>
struct Odometer {
  Odometer(const Dims& sizes, const Dims* const (&strides)[K]) : sizes(sizes), at(sizes.size()) {
    for (int k = 0; k < K; ++k) s[k] = strides[k];
  }
  void seek(int64_t q) {
    for (int k = 0; k < K; ++k) off[k] = 0;
    for (int d = sizes.size() - 1; d >= 0; --d) {
      const int64_t n = sizes[d];
      at[d] = n ? q % n : 0;
      q = n ? q / n : 0;
      for (int k = 0; k < K; ++k) off[k] += at[d] * (*s[k])[d];
    }
  }
  void next() {
    for (int d = sizes.size() - 1; d >= 0; --d) {
      for (int k = 0; k < K; ++k) off[k] += (*s[k])[d];
      if (++at[d] < sizes[d]) return;
      for (int k = 0; k < K; ++k) off[k] -= (*s[k])[d] * sizes[d];
      at[d] = 0;
    }
  }
  const Dims& sizes;
  const Dims* s[K];
  Dims at;
  int64_t off[K] = {};
};

// Pairs gathered kChunk at a time before the typed loop sees them.
constexpr int64_t kChunk = 512;

struct Buffer {
  Buffer(Pairs pairs, int64_t run) : pairs(pairs), run(run) {}
  void push(int64_t a, int64_t b) {
    x[n] = a;
    y[n] = b;
    if (++n == kChunk) flush();
  }
  void flush() {
    if (n) pairs(x, y, n, run);
    n = 0;
  }
  Pairs pairs;
  int64_t run;
  int64_t n = 0;
  int64_t x[kChunk], y[kChunk];
};

int64_t numel_of(const Dims& d) {
  int64_t n = 1;
  for (int64_t s : d) n *= s;
  return n;
}

Dims joined(const Dims& a, const Dims& b) {
  Dims out = a;
  for (int64_t v : b) out.push_back(v);
  return out;
}

template <class E>
void copy_typed(E* x, E* y, const int64_t* xo, const int64_t* yo, int64_t n, int64_t run, bool x_to_y) {
  if (run == 1) {
    if (x_to_y)
      for (int64_t k = 0; k < n; ++k) y[yo[k]] = x[xo[k]];
    else
      for (int64_t k = 0; k < n; ++k) x[xo[k]] = y[yo[k]];
    return;
  }
  const std::size_t bytes = std::size_t(run) * sizeof(E);
  if (x_to_y)
    for (int64_t k = 0; k < n; ++k) std::memcpy(y + yo[k], x + xo[k], bytes);
  else
    for (int64_t k = 0; k < n; ++k) std::memcpy(x + xo[k], y + yo[k], bytes);
}

}  // namespace

void copy_pairs(char* x, char* y, int64_t itemsize, const int64_t* xo, const int64_t* yo, int64_t n, int64_t run,
                bool x_to_y) {
  switch (itemsize) {
    case 1: return copy_typed(reinterpret_cast<uint8_t*>(x), reinterpret_cast<uint8_t*>(y), xo, yo, n, run, x_to_y);
    case 2: return copy_typed(reinterpret_cast<uint16_t*>(x), reinterpret_cast<uint16_t*>(y), xo, yo, n, run, x_to_y);
    case 4: return copy_typed(reinterpret_cast<uint32_t*>(x), reinterpret_cast<uint32_t*>(y), xo, yo, n, run, x_to_y);
    case 8: return copy_typed(reinterpret_cast<uint64_t*>(x), reinterpret_cast<uint64_t*>(y), xo, yo, n, run, x_to_y);
    default: throw std::logic_error("copy_pairs: no element of " + std::to_string(itemsize) + " bytes");
  }
}

int wrap_dim(const char* op, int64_t dim, int ndim) {
  const int64_t n = std::max(ndim, 1);  // a 0-d tensor takes dim 0 and -1, as torch's
  if (dim < -n || dim >= n)
    throw std::out_of_range(std::string(op) + ": dim " + std::to_string(dim) + " is out of range for a tensor of " +
                            std::to_string(ndim) + " dimensions (expected " + std::to_string(-n) + " to " +
                            std::to_string(n - 1) + ")");
  return int(dim < 0 ? dim + n : dim);
}

void check_range(const char* op, const View<int64_t>& index, int dim, int64_t size, bool negative) {
  const int64_t lo = negative ? -size : 0;
  const auto fail = [&](int64_t v) {
    throw std::out_of_range(std::string(op) + ": index " + std::to_string(v) + " is out of range for dim " +
                            std::to_string(dim) + " of size " + std::to_string(size));
  };
  const int64_t n = checked_numel(index.sizes);
  if (n == 0) return;
  if (index.strides == contiguous_strides(index.sizes)) {  // a branch-free pass, then the culprit
    bool bad = false;
    for (int64_t q = 0; q < n; ++q) bad |= index.data[q] < lo || index.data[q] >= size;
    if (!bad) return;
    for (int64_t q = 0; q < n; ++q)
      if (index.data[q] < lo || index.data[q] >= size) fail(index.data[q]);
  }
  const Dims* strides[1] = {&index.strides};
  Odometer<1> o(index.sizes, strides);
  o.seek(0);
  for (int64_t q = 0; q < n; ++q, o.next()) {
    const int64_t v = index.data[o.off[0]];
    if (v < lo || v >= size) fail(v);
  }
}

void Slices::walk(bool parallel, Pairs pairs) const {
  const int64_t pre_n = numel_of(pre), mid_n = numel_of(mid), post_n = numel_of(post);
  if (!pre_n || !mid_n || !post_n) return;
  // Where post is one contiguous run in both, each position is one pair (a row: memcpy).
  bool one_run = true;
  int64_t expect = 1;
  for (int d = post.size() - 1; d >= 0; --d) {
    if (post[d] == 1) continue;
    one_run = one_run && post_x[d] == expect && post_y[d] == expect;
    expect *= post[d];
  }
  if (pre_n == 1 && mid.size() == 1 && one_run) {  // t[idx], index_select, t[mask]: the offsets as they are
    const int64_t step = mid_y[0], run = post_n;
    const int workers = parallel ? worker_count(mid_n * post_n) : 1;
    parallel_chunks(mid_n, workers, [&](int64_t begin, int64_t end, int) {
      int64_t y[kChunk];
      for (int64_t b = begin; b < end; b += kChunk) {
        const int64_t n = std::min(kChunk, end - b);
        for (int64_t i = 0; i < n; ++i) y[i] = (b + i) * step;
        pairs(offsets.data() + b, y, n, run);
      }
    }, 1);
    return;
  }
  std::vector<int64_t> px, py;  // else each element of post is a pair
  if (!one_run) {
    const Dims* strides[2] = {&post_x, &post_y};
    Odometer<2> o(post, strides);
    o.seek(0);
    for (int64_t j = 0; j < post_n; ++j, o.next()) {
      px.push_back(o.off[0]);
      py.push_back(o.off[1]);
    }
  }
  const Dims outer = joined(pre, mid);
  const Dims outer_x = joined(pre_x, Dims(mid.size(), 0));
  const Dims outer_y = joined(pre_y, mid_y);
  const int64_t outer_n = pre_n * mid_n;
  const int workers = parallel ? worker_count(outer_n * post_n) : 1;
  parallel_chunks(outer_n, workers, [&](int64_t begin, int64_t end, int) {
    const Dims* strides[2] = {&outer_x, &outer_y};
    Odometer<2> o(outer, strides);
    o.seek(begin);
    int64_t m = begin % mid_n;
    Buffer buf(pairs, one_run ? post_n : 1);
    for (int64_t q = begin; q < end; ++q, o.next()) {
      const int64_t xo = o.off[0] + offsets[std::size_t(m)], yo = o.off[1];
      if (one_run)
        buf.push(xo, yo);
      else
        for (int64_t j = 0; j < post_n; ++j) buf.push(xo + px[std::size_t(j)], yo + py[std::size_t(j)]);
      if (++m == mid_n) m = 0;
    }
    buf.flush();
  }, 1);
}

void Slices::copy(char* x, char* y, int64_t itemsize, bool x_to_y) const {
  // Reads split across threads; writes into x too, as torch's: duplicate indices
  // then leave one of the values written, not a mix of them.
  walk(true, [&](const int64_t* xo, const int64_t* yo, int64_t n, int64_t run) {
    copy_pairs(x, y, itemsize, xo, yo, n, run, x_to_y);
  });
}

void Along::walk(bool parallel, bool by_owner, Pairs pairs) const {
  const int64_t n = checked_numel(index.sizes);
  if (n == 0) return;
  const int nd = index.sizes.size();
  Dims xs(nd), ys(nd);
  for (int d = 0; d < nd; ++d) {
    xs[d] = d == dim ? 0 : x_strides[d];
    ys[d] = y_strides[d];
  }
  const int64_t step = dim < x_strides.size() ? x_strides[dim] : 0;
  const auto range = [&](int64_t begin, int64_t end, int64_t lo, int64_t hi) {
    const Dims* strides[3] = {&xs, &ys, &index.strides};
    Odometer<3> o(index.sizes, strides);
    o.seek(begin);
    Buffer buf(pairs, 1);
    for (int64_t q = begin; q < end; ++q, o.next()) {
      int64_t v = index.data[o.off[2]];
      if (v < 0) v += dim_size;
      if (v >= lo && v < hi) buf.push(o.off[0] + v * step, o.off[1]);
    }
    buf.flush();
  };
  const int workers = parallel ? worker_count(n) : 1;
  if (by_owner && workers > 1) {
    parallel_for(workers, workers, 1, [&](int64_t begin, int64_t end, int) {
      for (int64_t w = begin; w < end; ++w) range(0, n, dim_size * w / workers, dim_size * (w + 1) / workers);
    });
  } else {
    parallel_chunks(n, by_owner ? 1 : workers, [&](int64_t b, int64_t e, int) { range(b, e, 0, dim_size); });
  }
}

void Along::copy(char* x, char* y, int64_t itemsize, bool x_to_y) const {
  walk(true, false, [&](const int64_t* xo, const int64_t* yo, int64_t n, int64_t run) {
    copy_pairs(x, y, itemsize, xo, yo, n, run, x_to_y);
  });
}

void walk_dense(const Dims& sizes, const Dims& strides, Pairs pairs) {
  const int64_t n = checked_numel(sizes);
  if (n == 0) return;
  const int workers = worker_count(n);
  parallel_chunks(n, workers, [&](int64_t begin, int64_t end, int) {
    const Dims* s[1] = {&strides};
    Odometer<1> o(sizes, s);
    o.seek(begin);
    Buffer buf(pairs, 1);
    for (int64_t q = begin; q < end; ++q, o.next()) buf.push(o.off[0], q);
    buf.flush();
  });
}

namespace {

// f(base offsets (mask, x), length, inner strides) for each run along the inner
// dim of the mask's elements [begin, end), row-major: whole rows but at the ends,
// so that a 1-D mask splits across threads too.
template <class F>
void for_runs(const View<uint8_t>& mask, const Dims& x_strides, int64_t begin, int64_t end, F&& f) {
  const int nd = mask.sizes.size();
  if (nd == 0) {
    if (begin < end) f(int64_t(0), int64_t(0), int64_t(1), int64_t(0), int64_t(0));
    return;
  }
  const int64_t inner = mask.sizes[nd - 1], ms = mask.strides[nd - 1], xs = x_strides[nd - 1];
  if (inner == 0 || begin >= end) return;
  Dims outer, om, ox;
  for (int d = 0; d + 1 < nd; ++d) outer.push_back(mask.sizes[d]), om.push_back(mask.strides[d]), ox.push_back(x_strides[d]);
  const Dims* strides[2] = {&om, &ox};
  Odometer<2> o(outer, strides);
  o.seek(begin / inner);
  for (int64_t j = begin % inner; begin < end; j = 0, o.next()) {
    const int64_t n = std::min(inner - j, end - begin);
    f(o.off[0] + j * ms, o.off[1] + j * xs, n, ms, xs);
    begin += n;
  }
}

int64_t count_run(const View<uint8_t>& mask, int64_t begin, int64_t end) {
  int64_t count = 0;
  for_runs(mask, mask.strides, begin, end, [&](int64_t m, int64_t, int64_t n, int64_t ms, int64_t) {
    const uint8_t* p = mask.data + m;
    int64_t c = 0;
    if (ms == 0)  // a mask broadcast along this dim: one value for the run
      c = p[0] != 0 ? n : 0;
    else if (ms == 1)
      for (int64_t j = 0; j < n; ++j) c += p[j] != 0;
    else
      for (int64_t j = 0; j < n; ++j) c += p[j * ms] != 0;
    count += c;
  });
  return count;
}

// body(w) for each of `workers` workers, on this thread alone where there is one
// (a parallel region costs microseconds, which small masks notice).
template <class Body>
void each_worker(int workers, Body&& body) {
  if (workers <= 1) return body(int64_t(0));
  parallel_for(workers, workers, 1, [&](int64_t b, int64_t e, int) {
    for (int64_t w = b; w < e; ++w) body(w);
  });
}

}  // namespace

int64_t count_true(const View<uint8_t>& mask) {
  const int64_t n = checked_numel(mask.sizes);
  if (n == 0) return 0;
  const int workers = std::max(worker_count(n), 1);
  std::vector<int64_t> counts(std::size_t(workers), 0);
  each_worker(workers, [&](int64_t w) { counts[std::size_t(w)] = count_run(mask, n * w / workers, n * (w + 1) / workers); });
  int64_t total = 0;
  for (int64_t c : counts) total += c;
  return total;
}

std::vector<int64_t> true_positions(const View<uint8_t>& mask) {
  const int nd = mask.sizes.size();
  std::vector<int64_t> out;
  out.reserve(std::size_t(count_true(mask) * nd));
  const int64_t n = checked_numel(mask.sizes);
  if (n == 0) return out;
  const Dims* s[1] = {&mask.strides};
  Odometer<1> o(mask.sizes, s);
  o.seek(0);
  for (int64_t q = 0; q < n; ++q, o.next())
    if (mask.data[o.off[0]]) out.insert(out.end(), o.at.begin(), o.at.end());
  return out;
}

// Count, then fill: each thread counts its share, then writes its offsets from its prefix on.
std::vector<int64_t> true_offsets(const View<uint8_t>& mask, const Dims& x_strides) {
  const int64_t total = checked_numel(mask.sizes);
  if (total == 0) return {};
  const int workers = std::max(worker_count(total), 1);
  const auto share = [&](int64_t w) { return total * w / workers; };
  std::vector<int64_t> begins(std::size_t(workers) + 1, 0);
  each_worker(workers, [&](int64_t w) { begins[std::size_t(w) + 1] = count_run(mask, share(w), share(w + 1)); });
  for (int w = 0; w < workers; ++w) begins[std::size_t(w) + 1] += begins[std::size_t(w)];
  std::vector<int64_t> out(static_cast<std::size_t>(begins[std::size_t(workers)]));
  each_worker(workers, [&](int64_t w) {
    int64_t* p = out.data() + begins[std::size_t(w)];
    for_runs(mask, x_strides, share(w), share(w + 1), [&](int64_t m, int64_t x, int64_t n, int64_t ms, int64_t xs) {
      const uint8_t* row = mask.data + m;
      if (ms == 0) {
        if (row[0])
          for (int64_t j = 0; j < n; ++j) *p++ = x + j * xs;
        return;
      }
      for (int64_t j = 0; j < n; ++j)
        if (row[j * ms]) *p++ = x + j * xs;
    });
  });
  return out;
}

}  // namespace satchel::gather
