// The products' arithmetic: float and double by the BLAS (given each matrix's
// strides as a leading dim and a transpose, or a packed copy where its strides
// allow neither), half through float, integers by a blocked kernel of our own.
#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "blas.h"
#include "blas_view.h"
#include "iter.h"
#include "product.h"

namespace satchel::linalg {

// A stride along a dim of size 1 reaches no other element, so it may be anything.
std::optional<BlasView> blas_view(int64_t rows, int64_t cols, int64_t row, int64_t col) {
  if (col == 1 || cols <= 1) {
    const int64_t ld = rows <= 1 ? std::max<int64_t>(cols, 1) : row;
    if (ld >= std::max<int64_t>(cols, 1) && ld <= kMaxBlasIndex) return BlasView{false, ld};
  }
  if (row == 1 || rows <= 1) {
    const int64_t ld = cols <= 1 ? std::max<int64_t>(rows, 1) : col;
    if (ld >= std::max<int64_t>(rows, 1) && ld <= kMaxBlasIndex) return BlasView{true, ld};
  }
  return std::nullopt;
}

namespace {

// The element offsets of batch matrix `index` (row-major over the batch) in each operand.
struct Offsets {
  int64_t a = 0, b = 0, out = 0;
};

Offsets offsets_of(const Product& p, int64_t index) {
  Offsets o;
  for (int d = p.batch.size() - 1; d >= 0; --d) {
    const int64_t i = index % p.batch[d];
    index /= p.batch[d];
    o.a += i * p.a.batch[d], o.b += i * p.b.batch[d], o.out += i * p.out.batch[d];
  }
  return o;
}

template <class T>
T* at(const Matrices& x, int64_t offset) {
  return reinterpret_cast<T*>(x.data) + offset;
}

// out = beta * out, over every matrix of out (k = 0, or an empty batch to sum).
template <class T>
void scale_out(const Product& p, compute_t<T> beta) {
  const int64_t count = p.sum_batch ? 1 : p.count();
  for (int64_t b = 0; b < count; ++b) {
    T* c = at<T>(p.out, p.sum_batch ? 0 : offsets_of(p, b).out);
    for (int64_t i = 0; i < p.m * p.n; ++i)
      c[i] = beta == compute_t<T>(0) ? T(0) : T(compute_t<T>(beta * compute_t<T>(c[i])));
  }
}

// ---- float and double: the BLAS --------------------------------------------------

// A matrix as the BLAS takes it: in place, or packed row-major into `buffer`.
template <class T>
const T* blas_operand(const T* x, int64_t rows, int64_t cols, int64_t row, int64_t col, std::vector<T>& buffer,
                      BlasView& view) {
  if (std::optional<BlasView> v = blas_view(rows, cols, row, col)) {
    view = *v;
    return x;
  }
  buffer.resize(std::size_t(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) buffer[std::size_t(i * cols + j)] = x[i * row + j * col];
  view = BlasView{false, std::max<int64_t>(cols, 1)};
  return buffer.data();
}

// An increment the BLAS accepts for a vector of n elements with stride s.
std::optional<int64_t> blas_increment(int64_t n, int64_t s) {
  if (n <= 1) return 1;
  if (s > 0 && s <= kMaxBlasIndex) return s;
  return std::nullopt;
}

// Scratch space of one thread: packed copies of operands whose strides the BLAS cannot take.
template <class T>
struct Scratch {
  std::vector<T> a, b;
};

// One matrix of the batch: gemm, or gemv / dot where one side is a vector.
template <class T>
void blas_one(const Product& p, const Offsets& o, T alpha, T beta, Scratch<T>& scratch) {
  const T* a = at<const T>(p.a, o.a);
  const T* b = at<const T>(p.b, o.b);
  T* c = at<T>(p.out, o.out);
  const int64_t m = p.m, n = p.n, k = p.k;
  if (m == 1 && n == 1) {  // one sum of products: a dot
    const std::optional<int64_t> ia = blas_increment(k, p.a.col), ib = blas_increment(k, p.b.row);
    if (ia && ib) {
      const T d = blas::dot(k, a, *ia, b, *ib);
      *c = beta == T(0) ? alpha * d : alpha * d + beta * *c;
      return;
    }
  } else if (n == 1 || m == 1) {  // a matrix by a vector: the vector's stride is its increment
    const std::optional<int64_t> inc = n == 1 ? blas_increment(k, p.b.row) : blas_increment(k, p.a.col);
    if (inc) {
      BlasView v;
      if (beta == T(0)) std::fill_n(c, m * n, T(0));  // out is fresh memory: no NaN of it may survive a scal by 0
      if (n == 1) {  // out (m) = A (m x k) b
        const T* mat = blas_operand(a, m, k, p.a.row, p.a.col, scratch.a, v);
        blas::gemv(v.trans, v.trans ? k : m, v.trans ? m : k, alpha, mat, v.ld, b, *inc, beta, c, 1);
      } else {  // out (n) = B^T a, B k x n
        const T* mat = blas_operand(b, k, n, p.b.row, p.b.col, scratch.b, v);
        blas::gemv(!v.trans, v.trans ? n : k, v.trans ? k : n, alpha, mat, v.ld, a, *inc, beta, c, 1);
      }
      return;
    }
  }
  BlasView va, vb;
  const T* pa = blas_operand(a, m, k, p.a.row, p.a.col, scratch.a, va);
  const T* pb = blas_operand(b, k, n, p.b.row, p.b.col, scratch.b, vb);
  blas::gemm(va.trans, vb.trans, m, n, k, alpha, pa, va.ld, pb, vb.ld, beta, c, std::max<int64_t>(n, 1));
}

// Matrices this small (a 4x4 product is 64 multiply-adds) cost the BLAS more to
// set up than to multiply, and a batch of them ten times NumPy's own loop: they
// are multiplied here, summing in T as the BLAS does.
constexpr int64_t kTinyProduct = 8 * 8 * 8;

template <class T>
void tiny_one(const Product& p, const Offsets& o, T alpha, T beta) {
  const T* a = at<const T>(p.a, o.a);
  const T* b = at<const T>(p.b, o.b);
  T* c = at<T>(p.out, o.out);
  const int64_t m = p.m, n = p.n, k = p.k, ar = p.a.row, ac = p.a.col, br = p.b.row, bc = p.b.col, cr = p.out.row;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      T sum = 0;  // in a register: a few terms each
      for (int64_t q = 0; q < k; ++q) sum += a[i * ar + q * ac] * b[q * br + j * bc];
      T& out = c[i * cr + j];
      out = beta == T(0) ? alpha * sum : alpha * sum + beta * out;
    }
}

template <class T>
void blas_or_tiny(const Product& p, const Offsets& o, T alpha, T beta, Scratch<T>& scratch) {
  if (p.m * p.n * p.k <= kTinyProduct) tiny_one(p, o, alpha, beta);
  else blas_one(p, o, alpha, beta, scratch);
}

// Below this many multiply-adds per matrix the BLAS runs on one thread, so a
// batch of them is split across threads here instead (OpenBLAS's own threshold).
constexpr int64_t kSmallProduct = 65536 * 4;

template <class T>
void blas_product(const Product& p, T alpha, T beta) {
  if (std::max({p.m, p.n, p.k}) > kMaxBlasIndex)
    throw std::invalid_argument("a product of matrices with more than 2^31 - 1 rows or columns: "
                                "the BLAS's indices are 32-bit");
  const int64_t count = p.count();
  if (p.sum_batch) {  // every batch adds into one out: one after another
    Scratch<T> scratch;
    for (int64_t i = 0; i < count; ++i) blas_or_tiny(p, offsets_of(p, i), alpha, i == 0 ? beta : T(1), scratch);
    return;
  }
  const int64_t work = p.m * p.n * p.k;
  const int workers = count > 1 && work <= kSmallProduct ? worker_count(count * work / 4) : 1;
  parallel_chunks(count, std::min<int64_t>(workers, count), [&](int64_t begin, int64_t end, int) {
    Scratch<T> scratch;
    for (int64_t i = begin; i < end; ++i) blas_or_tiny(p, offsets_of(p, i), alpha, beta, scratch);
  }, 1);
}

// ---- half: through float -----------------------------------------------------------

// x's distinct matrices (one per batch index where x is not broadcast) as floats,
// row-major; the copy's strides in `wide`.
std::vector<float> widen(const Matrices& x, int64_t rows, int64_t cols, const Dims& batch, Matrices& wide) {
  const int64_t size = rows * cols;
  int64_t count = 1;
  wide = Matrices{nullptr, cols, 1, Dims(batch.size(), 0)};
  for (int d = batch.size() - 1; d >= 0; --d)
    if (x.batch[d] != 0 && batch[d] > 1) {
      wide.batch[d] = count * size;
      count *= batch[d];
    }
  std::vector<float> out(std::size_t(count * size));
  for (int64_t m = 0; m < count; ++m) {  // m: the index over the non-broadcast dims
    int64_t rest = m, source = 0;
    for (int d = batch.size() - 1; d >= 0; --d)
      if (wide.batch[d] != 0) {
        source += rest % batch[d] * x.batch[d];
        rest /= batch[d];
      }
    const half* src = at<const half>(x, source);
    float* dst = out.data() + m * size;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) dst[i * cols + j] = float(src[i * x.row + j * x.col]);
  }
  wide.data = reinterpret_cast<char*>(out.data());
  return out;
}

void half_product(const Product& p, float alpha, float beta) {
  Product wide = p;
  const std::vector<float> a = widen(p.a, p.m, p.k, p.batch, wide.a);
  const std::vector<float> b = widen(p.b, p.k, p.n, p.batch, wide.b);
  const int64_t count = p.sum_batch ? 1 : p.count(), size = p.m * p.n;
  half* out = at<half>(p.out, 0);  // out is contiguous: the plan laid it out
  std::vector<float> c(std::size_t(count * size));
  if (beta != 0.0f)
    for (int64_t i = 0; i < count * size; ++i) c[std::size_t(i)] = float(out[i]);
  wide.out.data = reinterpret_cast<char*>(c.data());
  blas_product<float>(wide, alpha, beta);
  for (int64_t i = 0; i < count * size; ++i) out[i] = half(c[std::size_t(i)]);
}

// ---- integers: a blocked kernel ----------------------------------------------------
// Sums of products wrap around modulo 2^bits, so accumulating in unsigned 32-bit
// (64-bit for 64-bit elements) and truncating gives exactly the element type's
// wrapped result, while narrow types still run in wide vector lanes.

template <class T>
using Acc = std::conditional_t<(sizeof(T) < 8), uint32_t, uint64_t>;

constexpr int64_t kRows = 32, kCols = 256, kDepth = 256;  // out rows, out cols and depth of a block

// Sized for the product, so that small products allocate little.
template <class T>
struct IntScratch {
  explicit IntScratch(const Product& p)
      : pitch(std::min(kCols, p.n)), b(std::size_t(std::min(kDepth, p.k) * pitch)),
        acc(std::size_t(std::min(kRows, p.m) * pitch)) {}
  int64_t pitch;             // elements from one row of a block to the next
  std::vector<Acc<T>> b;     // B's block, packed
  std::vector<Acc<T>> acc;   // the sums of out's block
};

// Rows [i0, i1) of one matrix of the batch.
template <class T>
void int_rows(const Product& p, const Offsets& o, int64_t i0, int64_t i1, Acc<T> alpha, Acc<T> beta,
              IntScratch<T>& s) {
  using A = Acc<T>;
  const T* a = at<const T>(p.a, o.a);
  const T* b = at<const T>(p.b, o.b);
  T* c = at<T>(p.out, o.out);
  A* __restrict bp = s.b.data();
  A* __restrict acc = s.acc.data();
  const int64_t pitch = s.pitch;
  for (int64_t j0 = 0; j0 < p.n; j0 += pitch) {
    const int64_t nb = std::min(pitch, p.n - j0);
    std::fill(s.acc.begin(), s.acc.end(), A(0));
    for (int64_t p0 = 0; p0 < p.k; p0 += kDepth) {
      const int64_t kb = std::min(kDepth, p.k - p0);
      for (int64_t q = 0; q < kb; ++q) {
        const T* row = b + (p0 + q) * p.b.row + j0 * p.b.col;
        for (int64_t j = 0; j < nb; ++j) bp[q * pitch + j] = A(row[j * p.b.col]);
      }
      for (int64_t i = i0; i < i1; ++i) {
        A* __restrict sums = acc + (i - i0) * pitch;
        const T* ai = a + i * p.a.row + p0 * p.a.col;
        for (int64_t q = 0; q < kb; ++q) {
          const A x = A(ai[q * p.a.col]);
          const A* __restrict bq = bp + q * pitch;
          for (int64_t j = 0; j < nb; ++j) sums[j] += x * bq[j];
        }
      }
    }
    for (int64_t i = i0; i < i1; ++i) {
      const A* sums = acc + (i - i0) * pitch;
      T* ci = c + i * p.out.row + j0;
      if (beta == A(0))
        for (int64_t j = 0; j < nb; ++j) ci[j] = T(alpha * sums[j]);
      else
        for (int64_t j = 0; j < nb; ++j) ci[j] = T(beta * A(ci[j]) + alpha * sums[j]);
    }
  }
}

template <class T>
void int_product(const Product& p, T alpha_t, T beta_t) {
  using A = Acc<T>;
  const A alpha = A(alpha_t), beta = A(beta_t);
  const int64_t count = p.count(), blocks = (p.m + kRows - 1) / kRows;
  const int64_t work = p.m * p.n * p.k;
  if (p.sum_batch) {  // one batch after another into one out, its row blocks split across threads
    for (int64_t i = 0; i < count; ++i) {
      const Offsets o = offsets_of(p, i);
      parallel_chunks(blocks, std::min<int64_t>(worker_count(work / 8), blocks), [&](int64_t b0, int64_t b1, int) {
        IntScratch<T> s(p);
        for (int64_t r = b0; r < b1; ++r)
          int_rows(p, o, r * kRows, std::min(p.m, (r + 1) * kRows), alpha, i == 0 ? beta : A(1), s);
      }, 1);
    }
    return;
  }
  const int64_t tasks = count * blocks;  // (matrix, row block)
  parallel_chunks(tasks, std::min<int64_t>(worker_count(count * work / 8), tasks), [&](int64_t t0, int64_t t1, int) {
    IntScratch<T> s(p);
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t r = t % blocks;
      int_rows(p, offsets_of(p, t / blocks), r * kRows, std::min(p.m, (r + 1) * kRows), alpha, beta, s);
    }
  }, 1);
}

}  // namespace

template <class T>
void gemm(const Product& p, compute_t<T> alpha, compute_t<T> beta) {
  if (p.m == 0 || p.n == 0 || (!p.sum_batch && p.count() == 0)) return;
  if (p.k == 0 || p.count() == 0) {  // no terms: out = beta * out
    scale_out<T>(p, beta);
    return;
  }
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    blas_product<T>(p, alpha, beta);
  else if constexpr (std::is_same_v<T, half>)
    half_product(p, alpha, beta);
  else
    int_product<T>(p, alpha, beta);
}

#define SATCHEL_GEMM(T) template SATCHEL_CORE void gemm<T>(const Product&, compute_t<T>, compute_t<T>);
SATCHEL_GEMM(half)
SATCHEL_GEMM(float)
SATCHEL_GEMM(double)
SATCHEL_GEMM(int8_t)
SATCHEL_GEMM(int16_t)
SATCHEL_GEMM(int32_t)
SATCHEL_GEMM(int64_t)
SATCHEL_GEMM(uint8_t)
#undef SATCHEL_GEMM

}  // namespace satchel::linalg
