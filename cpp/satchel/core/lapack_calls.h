// OpenBLAS's LAPACK (and BLAS's trsm), as gfortran calls it: every argument by
// address, a hidden length after the arguments for each character one; then one
// template per routine, for float and double (Routines<W> picks the symbol), that
// takes column-major matrices with their leading dims and returns LAPACK's info,
// each running on satchel's threads (blas::prepare), getrf on one (blas::Serial).
// Private to the core's solvers (lapack.cpp, decompose.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "blas.h"  // prepare, Serial

extern "C" {
using Len = std::size_t;
void scipy_sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void scipy_dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void scipy_sgetrs_(const char* trans, const int* n, const int* nrhs, const float* a, const int* lda, const int* ipiv,
                   float* b, const int* ldb, int* info, Len);
void scipy_dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda,
                   const int* ipiv, double* b, const int* ldb, int* info, Len);
void scipy_spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, Len);
void scipy_dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, Len);
void scipy_spotrs_(const char* uplo, const int* n, const int* nrhs, const float* a, const int* lda, float* b,
                   const int* ldb, int* info, Len);
void scipy_dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda, double* b,
                   const int* ldb, int* info, Len);
void scipy_spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info, Len);
void scipy_dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info, Len);
void scipy_strsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m,
                  const int* n, const float* alpha, const float* a, const int* lda, float* b, const int* ldb, Len, Len,
                  Len, Len);
void scipy_dtrsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m,
                  const int* n, const double* alpha, const double* a, const int* lda, double* b, const int* ldb, Len,
                  Len, Len, Len);
void scipy_sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork,
                   int* info);
void scipy_dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work,
                   const int* lwork, int* info);
void scipy_sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau, float* work,
                   const int* lwork, int* info);
void scipy_dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau,
                   double* work, const int* lwork, int* info);
void scipy_sormqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const float* a,
                   const int* lda, const float* tau, float* c, const int* ldc, float* work, const int* lwork, int* info,
                   Len, Len);
void scipy_dormqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const double* a,
                   const int* lda, const double* tau, double* c, const int* ldc, double* work, const int* lwork,
                   int* info, Len, Len);
void scipy_sgesdd_(const char* jobz, const int* m, const int* n, float* a, const int* lda, float* s, float* u,
                   const int* ldu, float* vt, const int* ldvt, float* work, const int* lwork, int* iwork, int* info,
                   Len);
void scipy_dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s, double* u,
                   const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork, int* iwork,
                   int* info, Len);
void scipy_ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w, float* work,
                   const int* lwork, int* iwork, const int* liwork, int* info, Len, Len);
void scipy_dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
                   double* work, const int* lwork, int* iwork, const int* liwork, int* info, Len, Len);
void scipy_sgelsd_(const int* m, const int* n, const int* nrhs, float* a, const int* lda, float* b, const int* ldb,
                   float* s, const float* rcond, int* rank, float* work, const int* lwork, int* iwork, int* info);
void scipy_dgelsd_(const int* m, const int* n, const int* nrhs, double* a, const int* lda, double* b,
                   const int* ldb, double* s, const double* rcond, int* rank, double* work, const int* lwork,
                   int* iwork, int* info);
}

namespace satchel::linalg::lapack {

template <class W>
struct Routines;

#define SATCHEL_ROUTINES(W, p)                       \
  template <>                                        \
  struct Routines<W> {                               \
    static constexpr auto getrf = scipy_##p##getrf_; \
    static constexpr auto getrs = scipy_##p##getrs_; \
    static constexpr auto potrf = scipy_##p##potrf_; \
    static constexpr auto potrs = scipy_##p##potrs_; \
    static constexpr auto potri = scipy_##p##potri_; \
    static constexpr auto trsm = scipy_##p##trsm_;   \
    static constexpr auto geqrf = scipy_##p##geqrf_; \
    static constexpr auto orgqr = scipy_##p##orgqr_; \
    static constexpr auto ormqr = scipy_##p##ormqr_; \
    static constexpr auto gesdd = scipy_##p##gesdd_; \
    static constexpr auto syevd = scipy_##p##syevd_; \
    static constexpr auto gelsd = scipy_##p##gelsd_; \
  };
SATCHEL_ROUTINES(float, s)
SATCHEL_ROUTINES(double, d)
#undef SATCHEL_ROUTINES

// Runs call(work, lwork) twice: as LAPACK's workspace query (lwork = -1), then
// with work grown to the size the query gave.
template <class W, class Call>
void with_workspace(std::vector<W>& work, Call&& call) {
  W best = 0;
  int lwork = -1;
  call(&best, &lwork);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  call(work.data(), &lwork);
}

// Column-major matrices; every leading dim at least 1, as LAPACK requires.

// The LU factorization with partial pivoting of an m x n matrix, in place.
template <class W>
int getrf(int m, int n, W* a, int lda, int* ipiv) {
  const blas::Serial serial;
  int info = 0;
  Routines<W>::getrf(&m, &n, a, &lda, ipiv, &info);
  return info;
}

// op(A) X = B from getrf's factors; trans: 'N' or 'T'.
template <class W>
void getrs(char trans, int n, int nrhs, const W* lu, int lda, const int* ipiv, W* b, int ldb) {
  blas::prepare();
  int info = 0;
  Routines<W>::getrs(&trans, &n, &nrhs, lu, &lda, ipiv, b, &ldb, &info, 1);
}

template <class W>
int potrf(char uplo, int n, W* a, int lda) {
  blas::prepare();
  int info = 0;
  Routines<W>::potrf(&uplo, &n, a, &lda, &info, 1);
  return info;
}

template <class W>
void potrs(char uplo, int n, int nrhs, const W* a, int lda, W* b, int ldb) {
  blas::prepare();
  int info = 0;
  Routines<W>::potrs(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info, 1);
}

template <class W>
int potri(char uplo, int n, W* a, int lda) {
  blas::prepare();
  int info = 0;
  Routines<W>::potri(&uplo, &n, a, &lda, &info, 1);
  return info;
}

// B = op(A)^-1 B (side 'L') or B op(A)^-1 (side 'R') for a triangular A; no check for a zero diagonal.
template <class W>
void trsm(char side, char uplo, char diag, int m, int n, const W* a, int lda, W* b, int ldb) {
  blas::prepare();
  const W one = 1;
  Routines<W>::trsm(&side, &uplo, "N", &diag, &m, &n, &one, a, &lda, b, &ldb, 1, 1, 1, 1);
}

template <class W>
void geqrf(int m, int n, W* a, int lda, W* tau, std::vector<W>& work) {
  blas::prepare();
  int info = 0;
  with_workspace(work, [&](W* w, const int* lwork) { Routines<W>::geqrf(&m, &n, a, &lda, tau, w, lwork, &info); });
}

// The first n columns of the product of k reflectors left in a by geqrf.
template <class W>
void orgqr(int m, int n, int k, W* a, int lda, const W* tau, std::vector<W>& work) {
  blas::prepare();
  int info = 0;
  with_workspace(work, [&](W* w, const int* lwork) { Routines<W>::orgqr(&m, &n, &k, a, &lda, tau, w, lwork, &info); });
}

// C = op(Q) C (side 'L') or C op(Q) (side 'R'), Q the product of geqrf's k reflectors
// in a (lda rows); trans 'N' or 'T'.
template <class W>
void ormqr(char side, char trans, int m, int n, int k, const W* a, int lda, const W* tau, W* c, int ldc,
           std::vector<W>& work) {
  blas::prepare();
  int info = 0;
  with_workspace(work, [&](W* w, const int* lwork) {
    Routines<W>::ormqr(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, w, lwork, &info, 1, 1);
  });
}

// The SVD by divide and conquer; jobz 'A' (all of U and V^T), 'S' (the first
// min(m, n)) or 'N' (singular values only). A is destroyed.
template <class W>
int gesdd(char jobz, int m, int n, W* a, int lda, W* s, W* u, int ldu, W* vt, int ldvt, std::vector<W>& work,
          std::vector<int>& iwork) {
  blas::prepare();
  int info = 0;
  iwork.resize(std::size_t(8 * std::max(1, std::min(m, n))));
  with_workspace(work, [&](W* w, const int* lwork) {
    Routines<W>::gesdd(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, lwork, iwork.data(), &info, 1);
  });
  return info;
}

// Eigenvalues (ascending) of a symmetric matrix, read from its uplo triangle, and
// with jobz 'V' its eigenvectors, left in a's columns.
template <class W>
int syevd(char jobz, char uplo, int n, W* a, int lda, W* w, std::vector<W>& work, std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1, liwork = -1, ibest = 0;
  W best = 0;
  Routines<W>::syevd(&jobz, &uplo, &n, a, &lda, w, &best, &lwork, &ibest, &liwork, &info, 1, 1);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  iwork.resize(std::max<std::size_t>(1, std::size_t(ibest)));
  lwork = int(work.size()), liwork = int(iwork.size());
  Routines<W>::syevd(&jobz, &uplo, &n, a, &lda, w, work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  return info;
}

// Least squares min |A X - B| by the SVD (divide and conquer); B (ldb >= max(m, n))
// receives X in its first n rows; singular values at most rcond * the largest count as zero.
template <class W>
int gelsd(int m, int n, int nrhs, W* a, int lda, W* b, int ldb, W* s, W rcond, int* rank, std::vector<W>& work,
          std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1, ibest = 0;
  W best = 0;
  Routines<W>::gelsd(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, &best, &lwork, &ibest, &info);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  iwork.resize(std::max<std::size_t>(1, std::size_t(ibest)));
  lwork = int(work.size());
  Routines<W>::gelsd(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, work.data(), &lwork, iwork.data(), &info);
  return info;
}

}  // namespace satchel::linalg::lapack
