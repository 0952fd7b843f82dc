#include "decompose.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "blas.h"
#include "lapack_batch.h"
#include "lapack_calls.h"

namespace satchel::linalg {

using namespace batched;

namespace {

int64_t rows_of(const TensorBase& t) { return t.size(t.dim() - 2); }
int64_t cols_of(const TensorBase& t) { return t.size(t.dim() - 1); }

Dims with(Dims d, std::initializer_list<int64_t> more) {
  for (int64_t v : more) d.push_back(v);
  return d;
}

// LAPACK's leading dim for m rows: at least 1, even for an empty matrix.
int ld(int64_t m) { return int(std::max<int64_t>(1, m)); }

template <class T>
double epsilon() {
  if constexpr (std::is_same_v<T, half>) return 0x1p-10;
  return std::numeric_limits<T>::epsilon();
}

std::string shapes_of(const char* a, const TensorBase& x, const char* b, const TensorBase& y) {
  return std::string(a) + " has shape " + to_string(x.sizes()) + ", " + b + " " + to_string(y.sizes());
}

void check_finite(bool finite, const char* op, const Dims& batch, int64_t b) {
  if (!finite) throw LinAlgError(which(op, batch, b) + " holds NaN or infinity: it has no " +
                                 (std::string(op).rfind("eig", 0) == 0 ? "eigendecomposition" : "SVD"));
}

void check_converged(int info, const char* op, const Dims& batch, int64_t b) {
  if (info > 0) throw LinAlgError(which(op, batch, b) + ": LAPACK's iteration did not converge");
}

char uplo_of(const char* op, const std::string& uplo) {
  if (uplo != "L" && uplo != "U")
    throw std::invalid_argument(std::string(op) + ": UPLO must be 'L' or 'U', got '" + uplo + "'");
  return uplo[0];
}

// The cutoff below which singular values (or eigenvalue magnitudes) count as zero.
template <class T>
double cutoff(Tolerance tol, double largest, int64_t m, int64_t n) {
  const double atol = tol.atol.value_or(0.0);
  const double rtol = tol.rtol ? *tol.rtol : atol > 0 ? 0.0 : epsilon<T>() * double(std::max(m, n));
  return std::max(atol, rtol * largest);
}

void check_tolerance(const char* op, Tolerance tol) {
  for (auto [name, v] : {std::pair{"atol", tol.atol}, std::pair{"rtol", tol.rtol}})
    if (v && !(*v >= 0))
      throw std::invalid_argument(std::string(op) + ": " + name + " (" + std::to_string(*v) + ") must be >= 0");
}

// The singular values (descending) of batch matrix b of self, or with `hermitian`
// the magnitudes of its eigenvalues, read from its lower triangle.
template <class T, class W>
void spectrum(const char* op, const TensorBase& self, const Dims& batch, int64_t b, bool hermitian, std::vector<W>& a,
              std::vector<W>& s, std::vector<W>& work, std::vector<int>& iwork) {
  const int64_t m = rows_of(self), n = cols_of(self);
  load_matrix<T>(self, batch, b, a.data());
  check_finite(all_finite(a.data(), m * n), op, batch, b);
  W none = 0;
  const int info = hermitian ? lapack::syevd('N', 'L', int(n), a.data(), ld(n), s.data(), work, iwork)
                             : lapack::gesdd('N', int(m), int(n), a.data(), ld(m), s.data(), &none, 1, &none, 1, work,
                                             iwork);
  check_converged(info, op, batch, b);
  if (hermitian) {
    for (W& v : s) v = std::abs(v);
    std::sort(s.begin(), s.end(), [](W x, W y) { return x > y; });
  }
}

// Batch matrix b of t into a column-major buffer of `rows` x `cols` (leading dim ld)
// as the side a triangular or LU solve wants: t itself (left) or its transpose.
template <class T, class W>
void load_side(const TensorBase& t, const Dims& batch, int64_t b, bool transposed, W* out, int64_t ldim) {
  if (transposed)
    load_transposed<T>(t, batch, b, out, ldim);
  else
    load_matrix<T>(t, batch, b, out, ldim);
}

}  // namespace

template <class T>
void slogdet(const TensorBase& self, Allocate sign_out, Allocate logabsdet_out) {
  using W = Work<T>;
  const Dims batch = square_batch("slogdet", "self", self);
  const int64_t n = cols_of(self), count = checked_numel(batch);
  const TensorBase sign = sign_out(batch), logabsdet = logabsdet_out(batch);
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    auto lu = buffer<W>(n * n);
    auto pivots = buffer<int>(n);
    for (int64_t b = begin; b < end; ++b) {
      double s = 1, l = 0;  // of the product of U's diagonal, the pivots' parity in s
      if (n > 0) {
        load_matrix<T>(self, batch, b, lu.data());
        lapack::getrf(int(n), int(n), lu.data(), int(n), pivots.data());
        for (int64_t i = 0; i < n; ++i) {
          const double u = lu[std::size_t(i * n + i)];
          if (pivots[std::size_t(i)] != i + 1) s = -s;
          if (u < 0) s = -s;
          if (std::isnan(u)) s = u;
          l += std::log(std::abs(u));  // a zero gives -inf, as the determinant's log
        }
        if (l == -std::numeric_limits<double>::infinity()) s = 0;
      }
      data_of<T>(sign)[b] = T(W(s));
      data_of<T>(logabsdet)[b] = T(W(l));
    }
  });
}

template <class T>
void lu_factor(const TensorBase& self, bool pivot, Allocate lu_out, Allocate pivots_out) {
  using W = Work<T>;
  if (!pivot)
    throw std::invalid_argument("lu_factor: pivot=False (LU without pivoting) is not available: LAPACK's getrf "
                                "always pivots");
  const Dims batch = matrix_batch("lu_factor", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k = std::min(m, n), count = checked_numel(batch);
  const TensorBase lu = lu_out(self.sizes()), pivots = pivots_out(with(batch, {k}));
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n);
    auto p = buffer<int>(k);
    for (int64_t b = begin; b < end && k > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      if (const int info = lapack::getrf(int(m), int(n), a.data(), int(m), p.data()); info > 0)
        throw LinAlgError(which("lu_factor", batch, b) + " is singular (U[" + std::to_string(info - 1) + ", " +
                          std::to_string(info - 1) + "] of its LU factorization is zero, and lu_solve would divide "
                          "by it)");
      store(a.data(), m, n, data_of<T>(lu) + b * m * n);
      std::copy(p.begin(), p.end(), data_of<int32_t>(pivots) + b * k);
    }
  });
}

template <class T>
void lu_solve(const TensorBase& lu, const TensorBase& pivots, const TensorBase& b_in, bool left, bool adjoint,
              Allocate out) {
  using W = Work<T>;
  const Dims a_batch = square_batch("lu_solve", "LU", lu);
  const int64_t n = cols_of(lu);
  if (pivots.sizes() != with(a_batch, {n}))
    throw std::invalid_argument("lu_solve: pivots must have shape " + to_string(with(a_batch, {n})) +
                                " (LU's batch dims and n), got " + to_string(pivots.sizes()));
  const std::string shapes = shapes_of("LU", lu, "B", b_in);
  if (b_in.dim() < 2 || (left ? rows_of(b_in) : cols_of(b_in)) != n)
    throw std::invalid_argument(std::string("lu_solve: B must be a matrix or a batch of them with ") +
                                std::to_string(n) + (left ? " rows" : " columns") + " (" + shapes + ")");
  const Dims batch = joint_batch("lu_solve", a_batch, matrix_batch("lu_solve", "B", b_in), shapes);
  const TensorBase x = out(with(batch, {rows_of(b_in), cols_of(b_in)}));
  // X A = B is A^T X^T = B^T: the solve of B's transpose, whose result is X's transpose.
  const int64_t k = left ? cols_of(b_in) : rows_of(b_in), count = checked_numel(batch);
  const char trans = adjoint == left ? 'T' : 'N';
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(n * n), y = buffer<W>(n * k);
    auto p = buffer<int>(n);
    for (int64_t b = begin; b < end && n > 0 && k > 0; ++b) {
      load_matrix<T>(lu, batch, b, a.data());
      const int32_t* pb = data_of<int32_t>(pivots) + batch_offset(pivots, 1, batch, b);
      for (int64_t i = 0; i < n; ++i) {
        const int32_t v = pb[i * pivots.stride(pivots.dim() - 1)];
        if (v < 1 || v > n)
          throw std::invalid_argument(which("lu_solve", batch, b) + ": pivot " + std::to_string(i) + " is " +
                                      std::to_string(v) + ", outside [1, " + std::to_string(n) + "] (pivots are "
                                      "lu_factor's, counted from 1)");
        p[std::size_t(i)] = v;
      }
      load_side<T>(b_in, batch, b, !left, y.data(), n);
      lapack::getrs(trans, int(n), int(k), a.data(), int(n), p.data(), y.data(), int(n));
      if (left)
        store(y.data(), n, k, data_of<T>(x) + b * n * k);
      else
        store_in_order(y.data(), n * k, data_of<T>(x) + b * n * k);
    }
  });
}

template <class T>
void cholesky_solve(const TensorBase& self, const TensorBase& factor, bool upper, Allocate out) {
  using W = Work<T>;
  const Dims a_batch = square_batch("cholesky_solve", "input2", factor);
  const int64_t n = cols_of(factor);
  const std::string shapes = shapes_of("self", self, "input2", factor);
  if (self.dim() < 2 || rows_of(self) != n)
    throw std::invalid_argument("cholesky_solve: self must be a matrix or a batch of them with " + std::to_string(n) +
                                " rows, as input2 (" + shapes + ")");
  const Dims batch = joint_batch("cholesky_solve", matrix_batch("cholesky_solve", "self", self), a_batch, shapes);
  const int64_t k = cols_of(self), count = checked_numel(batch);
  const TensorBase x = out(with(batch, {n, k}));
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(n * n), y = buffer<W>(n * k);
    for (int64_t b = begin; b < end && n > 0 && k > 0; ++b) {
      load_matrix<T>(factor, batch, b, a.data());
      load_matrix<T>(self, batch, b, y.data());
      lapack::potrs(upper ? 'U' : 'L', int(n), int(k), a.data(), int(n), y.data(), int(n));
      store(y.data(), n, k, data_of<T>(x) + b * n * k);
    }
  });
}

template <class T>
void cholesky_inverse(const TensorBase& self, bool upper, Allocate out) {
  using W = Work<T>;
  const Dims batch = square_batch("cholesky_inverse", "self", self);
  const int64_t n = cols_of(self), count = checked_numel(batch);
  const TensorBase x = out(self.sizes());
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(n * n);
    for (int64_t b = begin; b < end && n > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      if (const int info = lapack::potri(upper ? 'U' : 'L', int(n), a.data(), int(n)); info > 0)
        throw LinAlgError(which("cholesky_inverse", batch, b) + " is singular (its diagonal element " +
                          std::to_string(info - 1) + " is zero)");
      for (int64_t j = 0; j < n; ++j)  // potri leaves one triangle of the symmetric inverse: mirror it
        for (int64_t i = j + 1; i < n; ++i) {
          W& lower = a[std::size_t(j * n + i)];
          W& above = a[std::size_t(i * n + j)];
          (upper ? lower : above) = upper ? above : lower;
        }
      store(a.data(), n, n, data_of<T>(x) + b * n * n);
    }
  });
}

template <class T>
void solve_triangular(const TensorBase& self, const TensorBase& b_in, bool upper, bool left, bool unitriangular,
                      Allocate out) {
  using W = Work<T>;
  const Dims a_batch = square_batch("solve_triangular", "self", self);
  const int64_t n = cols_of(self);
  const std::string shapes = shapes_of("self", self, "B", b_in);
  if (b_in.dim() < 2 || (left ? rows_of(b_in) : cols_of(b_in)) != n)
    throw std::invalid_argument(std::string("solve_triangular: B must be a matrix or a batch of them with ") +
                                std::to_string(n) + (left ? " rows" : " columns") + " (" + shapes + ")");
  const Dims batch = joint_batch("solve_triangular", a_batch, matrix_batch("solve_triangular", "B", b_in), shapes);
  const int64_t r = rows_of(b_in), c = cols_of(b_in), count = checked_numel(batch);
  const TensorBase x = out(with(batch, {r, c}));
  for_matrices(count, kInOrder, [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(n * n), y = buffer<W>(r * c);
    for (int64_t b = begin; b < end && r > 0 && c > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      load_matrix<T>(b_in, batch, b, y.data());
      lapack::trsm(left ? 'L' : 'R', upper ? 'U' : 'L', unitriangular ? 'U' : 'N', int(r), int(c), a.data(), ld(n),
                   y.data(), int(r));
      store(y.data(), r, c, data_of<T>(x) + b * r * c);
    }
  });
}

template <class T>
void qr(const TensorBase& self, const std::string& mode, Allocate q_out, Allocate r_out) {
  using W = Work<T>;
  if (mode != "reduced" && mode != "complete" && mode != "r")
    throw std::invalid_argument("qr: mode must be 'reduced', 'complete' or 'r', got '" + mode + "'");
  const Dims batch = matrix_batch("qr", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k = std::min(m, n), count = checked_numel(batch);
  const bool complete = mode == "complete";
  const int64_t q_cols = complete ? m : k, r_rows = complete ? m : k;
  const TensorBase q = q_out(mode == "r" ? Dims{0} : with(batch, {m, q_cols}));
  const TensorBase r = r_out(with(batch, {r_rows, n}));
  for_matrices(count, std::max(m, n), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * std::max(n, q_cols)), tau = buffer<W>(k);
    std::vector<W> work;
    for (int64_t b = begin; b < end && m > 0; ++b) {
      std::fill(a.begin(), a.end(), W(0));
      load_matrix<T>(self, batch, b, a.data());
      lapack::geqrf(int(m), int(n), a.data(), int(m), tau.data(), work);
      T* rb = data_of<T>(r) + b * r_rows * n;
      for (int64_t i = 0; i < r_rows; ++i)
        for (int64_t j = 0; j < n; ++j) rb[i * n + j] = i <= j ? T(a[std::size_t(j * m + i)]) : T(0);
      if (mode == "r" || q_cols == 0) continue;
      lapack::orgqr(int(m), int(q_cols), int(k), a.data(), int(m), tau.data(), work);
      store(a.data(), m, q_cols, data_of<T>(q) + b * m * q_cols);
    }
  });
}

template <class T>
void geqrf(const TensorBase& self, Allocate a_out, Allocate tau_out) {
  using W = Work<T>;
  const Dims batch = matrix_batch("geqrf", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k = std::min(m, n), count = checked_numel(batch);
  const TensorBase out = a_out(self.sizes()), taus = tau_out(with(batch, {k}));
  for_matrices(count, std::max(m, n), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n), tau = buffer<W>(k);
    std::vector<W> work;
    for (int64_t b = begin; b < end && k > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      lapack::geqrf(int(m), int(n), a.data(), int(m), tau.data(), work);
      store(a.data(), m, n, data_of<T>(out) + b * m * n);
      store_in_order(tau.data(), k, data_of<T>(taus) + b * k);
    }
  });
}

template <class T>
void householder_product(const TensorBase& self, const TensorBase& tau, Allocate out) {
  using W = Work<T>;
  const Dims batch = matrix_batch("householder_product", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), count = checked_numel(batch);
  if (n > m)
    throw std::invalid_argument("householder_product: self must have at least as many rows as columns, got shape " +
                                to_string(self.sizes()));
  const int64_t k = tau.dim() ? tau.size(tau.dim() - 1) : -1;
  if (tau.dim() != self.dim() - 1 || leading(tau.sizes(), 1) != batch || k > n)
    throw std::invalid_argument("householder_product: tau must have shape (*batch, k) with self's batch dims and "
                                "k <= " + std::to_string(n) + " (" + shapes_of("self", self, "tau", tau) + ")");
  const TensorBase q = out(self.sizes());
  for_matrices(count, m, [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n), t = buffer<W>(k);
    std::vector<W> work;
    for (int64_t b = begin; b < end && n > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      load<T>(tau, batch_offset(tau, 1, batch, b), k, 1, tau.stride(tau.dim() - 1), 0, t.data());
      lapack::orgqr(int(m), int(n), int(k), a.data(), int(m), t.data(), work);
      store(a.data(), m, n, data_of<T>(q) + b * m * n);
    }
  });
}

template <class T>
void ormqr(const TensorBase& self, const TensorBase& tau, const TensorBase& other, bool left, bool transpose,
           Allocate out) {
  using W = Work<T>;
  const Dims a_batch = matrix_batch("ormqr", "self", self);
  const int64_t mn = rows_of(self), k = tau.dim() ? tau.size(tau.dim() - 1) : -1;
  if (tau.dim() != self.dim() - 1 || leading(tau.sizes(), 1) != a_batch || k > std::min(mn, cols_of(self)))
    throw std::invalid_argument("ormqr: input2 (tau) must have shape (*batch, k) with self's batch dims and k <= " +
                                std::to_string(std::min(mn, cols_of(self))) + " (" +
                                shapes_of("self", self, "input2", tau) + ")");
  const std::string shapes = shapes_of("self", self, "input3", other);
  if (other.dim() < 2 || (left ? rows_of(other) : cols_of(other)) != mn)
    throw std::invalid_argument(std::string("ormqr: input3 must be a matrix or a batch of them with ") +
                                std::to_string(mn) + (left ? " rows" : " columns") + ", as self has rows (" + shapes +
                                ")");
  const Dims batch = joint_batch("ormqr", a_batch, matrix_batch("ormqr", "input3", other), shapes);
  const int64_t m = rows_of(other), n = cols_of(other), count = checked_numel(batch);
  const TensorBase c = out(with(batch, {m, n}));
  for_matrices(count, std::max(m, n), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(mn * cols_of(self)), t = buffer<W>(k), y = buffer<W>(m * n);
    std::vector<W> work;
    for (int64_t b = begin; b < end && m > 0 && n > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      load<T>(tau, batch_offset(tau, 1, batch, b), k, 1, tau.stride(tau.dim() - 1), 0, t.data());
      load_matrix<T>(other, batch, b, y.data());
      lapack::ormqr(left ? 'L' : 'R', transpose ? 'T' : 'N', int(m), int(n), int(k), a.data(), int(mn), t.data(),
                    y.data(), int(m), work);
      store(y.data(), m, n, data_of<T>(c) + b * m * n);
    }
  });
}

template <class T>
void svd(const TensorBase& self, bool full_matrices, Allocate u_out, Allocate s_out, Allocate vh_out) {
  using W = Work<T>;
  const Dims batch = matrix_batch("svd", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k = std::min(m, n), count = checked_numel(batch);
  const int64_t u_cols = full_matrices ? m : k, v_rows = full_matrices ? n : k;
  const TensorBase u = u_out(with(batch, {m, u_cols})), s = s_out(with(batch, {k})),
                   vh = vh_out(with(batch, {v_rows, n}));
  for_matrices(count, std::max(m, n), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n), sv = buffer<W>(k), ub = buffer<W>(m * u_cols), vb = buffer<W>(v_rows * n);
    std::vector<W> work;
    std::vector<int> iwork;
    for (int64_t b = begin; b < end; ++b) {
      if (k == 0) {  // nothing to factor: the full bases of an empty matrix are identities
        std::fill(ub.begin(), ub.end(), W(0)), std::fill(vb.begin(), vb.end(), W(0));
        for (int64_t i = 0; i < std::min(m, u_cols); ++i) ub[std::size_t(i * m + i)] = W(1);
        for (int64_t i = 0; i < std::min(n, v_rows); ++i) vb[std::size_t(i * v_rows + i)] = W(1);
      } else {
        load_matrix<T>(self, batch, b, a.data());
        check_finite(all_finite(a.data(), m * n), "svd", batch, b);
        check_converged(lapack::gesdd(full_matrices ? 'A' : 'S', int(m), int(n), a.data(), int(m), sv.data(), ub.data(),
                                      int(m), vb.data(), int(v_rows), work, iwork),
                        "svd", batch, b);
      }
      store(ub.data(), m, u_cols, data_of<T>(u) + b * m * u_cols);
      store_in_order(sv.data(), k, data_of<T>(s) + b * k);
      store(vb.data(), v_rows, n, data_of<T>(vh) + b * v_rows * n);
    }
  });
}

template <class T>
void svdvals(const TensorBase& self, Allocate s_out) {
  using W = Work<T>;
  const Dims batch = matrix_batch("svdvals", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k = std::min(m, n), count = checked_numel(batch);
  const TensorBase s = s_out(with(batch, {k}));
  for_matrices(count, std::max(m, n), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n), sv = buffer<W>(k);
    std::vector<W> work;
    std::vector<int> iwork;
    for (int64_t b = begin; b < end && k > 0; ++b) {
      spectrum<T>("svdvals", self, batch, b, false, a, sv, work, iwork);
      store_in_order(sv.data(), k, data_of<T>(s) + b * k);
    }
  });
}

namespace {

// The eigenvalues (ascending) of each symmetric matrix of self, read from its uplo
// triangle, and where `vectors_out` is given its eigenvectors (columns).
template <class T>
void symmetric_eigen(const char* op, const TensorBase& self, const std::string& uplo, Allocate values_out,
                     const Allocate* vectors_out) {
  using W = Work<T>;
  const char tri = uplo_of(op, uplo);
  const Dims batch = square_batch(op, "self", self);
  const int64_t n = cols_of(self), count = checked_numel(batch);
  const TensorBase values = values_out(with(batch, {n}));
  std::optional<TensorBase> vectors;
  if (vectors_out) vectors = (*vectors_out)(self.sizes());
  for_matrices(count, n, [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(n * n), w = buffer<W>(n);
    std::vector<W> work;
    std::vector<int> iwork;
    for (int64_t b = begin; b < end && n > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      bool finite = true;  // of the triangle read
      for (int64_t j = 0; j < n; ++j)
        for (int64_t i = tri == 'L' ? j : 0; i < (tri == 'L' ? n : j + 1); ++i)
          finite = finite && std::isfinite(a[std::size_t(j * n + i)]);
      check_finite(finite, op, batch, b);
      check_converged(lapack::syevd(vectors ? 'V' : 'N', tri, int(n), a.data(), int(n), w.data(), work, iwork), op,
                      batch, b);
      store_in_order(w.data(), n, data_of<T>(values) + b * n);
      if (vectors) store(a.data(), n, n, data_of<T>(*vectors) + b * n * n);
    }
  });
}

}  // namespace

template <class T>
void eigh(const TensorBase& self, const std::string& uplo, Allocate values_out, Allocate vectors_out) {
  symmetric_eigen<T>("eigh", self, uplo, values_out, &vectors_out);
}

template <class T>
void eigvalsh(const TensorBase& self, const std::string& uplo, Allocate values_out) {
  symmetric_eigen<T>("eigvalsh", self, uplo, values_out, nullptr);
}

template <class T>
void lstsq(const TensorBase& self, const TensorBase& b_in, std::optional<double> rcond,
           const std::optional<std::string>& driver, Allocate solution_out, Allocate residuals_out, Allocate rank_out,
           Allocate singular_values_out) {
  using W = Work<T>;
  if (driver && *driver != "gelsd")
    throw std::invalid_argument("lstsq: driver '" + *driver + "' is not available: satchel solves least squares by "
                                "LAPACK's gelsd (driver=None or 'gelsd'), which also gives ranks and singular values");
  const Dims a_batch = matrix_batch("lstsq", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k_min = std::min(m, n);
  const std::string shapes = shapes_of("self", self, "b", b_in);
  const bool vector = b_in.dim() == self.dim() - 1;  // as PyTorch: b of one dim fewer is a (batch of) vector(s)
  if (vector ? b_in.size(b_in.dim() - 1) != m : b_in.dim() < 2 || rows_of(b_in) != m)
    throw std::invalid_argument("lstsq: b must be a vector of " + std::to_string(m) + " elements or a matrix of " +
                                std::to_string(m) + " rows, or a batch of them (" + shapes + ")");
  const Dims b_batch = leading(b_in.sizes(), vector ? 1 : 2);
  const Dims batch = joint_batch("lstsq", a_batch, b_batch, shapes);
  const int64_t k = vector ? 1 : cols_of(b_in), count = checked_numel(batch);
  const double cut = rcond.value_or(epsilon<T>() * double(std::max(m, n)));
  const TensorBase x = solution_out(vector ? with(batch, {n}) : with(batch, {n, k}));
  const TensorBase rank = rank_out(batch), s = singular_values_out(with(batch, {k_min}));
  auto sums = buffer<W>(count * k);  // of each matrix's columns' squared residuals
  const int64_t ldb = std::max<int64_t>({1, m, n});
  const int64_t nrhs = std::max<int64_t>(k, 1);  // (gelsd gives no rank for no right side: give it a zero one)
  for_matrices(count, std::max({m, n, k}), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n), y = buffer<W>(ldb * nrhs), sv = buffer<W>(k_min);
    std::vector<W> work;
    std::vector<int> iwork;
    for (int64_t b = begin; b < end; ++b) {
      std::fill(y.begin(), y.end(), W(0));
      const int64_t rs = b_in.stride(b_in.dim() - (vector ? 1 : 2)), cs = vector ? 0 : b_in.stride(b_in.dim() - 1);
      load<T>(b_in, batch_offset(b_in, vector ? 1 : 2, batch, b), m, k, rs, cs, y.data(), ldb);
      int r = 0;
      if (k_min > 0) {
        load_matrix<T>(self, batch, b, a.data());
        check_finite(all_finite(a.data(), m * n) && all_finite(y.data(), ldb * k), "lstsq", batch, b);
        check_converged(lapack::gelsd(int(m), int(n), int(nrhs), a.data(), int(m), y.data(), int(ldb), sv.data(), W(cut),
                                      &r, work, iwork),
                        "lstsq", batch, b);
      }
      for (int64_t j = 0; j < k; ++j) {  // gelsd leaves each column's residual in its rows n..m-1
        W sum = 0;
        for (int64_t i = n; i < m; ++i) sum += y[std::size_t(j * ldb + i)] * y[std::size_t(j * ldb + i)];
        sums[std::size_t(b * k + j)] = sum;
      }
      store(y.data(), n, k, data_of<T>(x) + b * n * k, ldb);
      data_of<int64_t>(rank)[b] = r;
      store_in_order(sv.data(), k_min, data_of<T>(s) + b * k_min);
    }
  });
  // As PyTorch's and NumPy's: residuals when m > n and every matrix has full rank, else none.
  const int64_t* ranks = data_of<int64_t>(rank);
  const bool residuals = m > n && std::all_of(ranks, ranks + count, [&](int64_t r) { return r == n; });
  const TensorBase res = residuals_out(residuals ? with(batch, {k}) : Dims{0});
  if (residuals) store_in_order(sums.data(), int64_t(sums.size()), data_of<T>(res));
}

template <class T>
void pinv(const TensorBase& self, Tolerance tol, bool hermitian, Allocate out) {
  using W = Work<T>;
  check_tolerance("pinv", tol);
  const Dims batch = hermitian ? square_batch("pinv", "self", self) : matrix_batch("pinv", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k = std::min(m, n), count = checked_numel(batch);
  const TensorBase p = out(with(batch, {n, m}));
  for_matrices(count, std::max(m, n), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n), sv = buffer<W>(k), u = buffer<W>(m * k), vt = buffer<W>(k * n);
    auto result = buffer<W>(n * m);
    std::vector<W> work;
    std::vector<int> iwork;
    for (int64_t b = begin; b < end && k > 0; ++b) {
      load_matrix<T>(self, batch, b, a.data());
      check_finite(all_finite(a.data(), m * n), "pinv", batch, b);
      if (hermitian) {  // A = Q diag(w) Q^T: u holds Q, vt (to be scaled) Q^T
        check_converged(lapack::syevd('V', 'L', int(n), a.data(), int(n), sv.data(), work, iwork), "pinv", batch, b);
        std::copy(a.begin(), a.end(), u.begin());
        for (int64_t j = 0; j < n; ++j)
          for (int64_t i = 0; i < n; ++i) vt[std::size_t(j * n + i)] = a[std::size_t(i * n + j)];
      } else {
        check_converged(lapack::gesdd('S', int(m), int(n), a.data(), int(m), sv.data(), u.data(), int(m), vt.data(),
                                      int(k), work, iwork),
                        "pinv", batch, b);
      }
      W largest = 0;
      for (W v : sv) largest = std::max(largest, std::abs(v));
      const double cut = cutoff<T>(tol, double(largest), m, n);
      for (int64_t i = 0; i < k; ++i) {  // row i of V^T over its singular value, or zero
        const W v = sv[std::size_t(i)], scale = std::abs(v) > cut ? W(1) / v : W(0);
        for (int64_t j = 0; j < n; ++j) vt[std::size_t(j * k + i)] *= scale;
      }
      // pinv = V diag(1/s) U^T (n x m). Row-major, the column-major vt is V (n x k, ld k)
      // and the column-major u is U^T (k x m, ld m).
      if constexpr (std::is_same_v<W, T>) {
        blas::gemm(false, false, n, m, k, W(1), vt.data(), k, u.data(), m, W(0), data_of<T>(p) + b * n * m, m);
      } else {
        blas::gemm(false, false, n, m, k, W(1), vt.data(), k, u.data(), m, W(0), result.data(), m);
        store_in_order(result.data(), n * m, data_of<T>(p) + b * n * m);
      }
    }
  });
}

template <class T>
void matrix_rank(const TensorBase& self, Tolerance tol, bool hermitian, Allocate out) {
  using W = Work<T>;
  check_tolerance("matrix_rank", tol);
  const Dims batch = hermitian ? square_batch("matrix_rank", "self", self) : matrix_batch("matrix_rank", "self", self);
  const int64_t m = rows_of(self), n = cols_of(self), k = std::min(m, n), count = checked_numel(batch);
  const TensorBase rank = out(batch);
  for_matrices(count, std::max(m, n), [&](int64_t begin, int64_t end) {
    auto a = buffer<W>(m * n), sv = buffer<W>(k);
    std::vector<W> work;
    std::vector<int> iwork;
    for (int64_t b = begin; b < end; ++b) {
      int64_t r = 0;
      if (k > 0) {
        spectrum<T>("matrix_rank", self, batch, b, hermitian, a, sv, work, iwork);
        const double cut = cutoff<T>(tol, double(sv[0]), m, n);
        r = std::count_if(sv.begin(), sv.end(), [&](W v) { return double(v) > cut; });
      }
      data_of<int64_t>(rank)[b] = r;
    }
  });
}

SATCHEL_DECOMPOSE(, half)
SATCHEL_DECOMPOSE(, float)
SATCHEL_DECOMPOSE(, double)

}  // namespace satchel::linalg
