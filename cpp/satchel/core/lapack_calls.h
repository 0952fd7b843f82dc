// OpenBLAS's LAPACK (and BLAS's trsm), as gfortran calls it: every argument by
// address, a hidden length after the arguments for each character one; then
// overloads by type that take column-major matrices with their leading dims and
// return LAPACK's info, each running on satchel's threads (blas::prepare), getrf
// on one (blas::Serial). Private to the core's solvers (lapack.cpp, decompose.cpp).
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

// Column-major matrices; every leading dim at least 1, as LAPACK requires.

// The LU factorization with partial pivoting of an m x n matrix, in place.
inline int getrf(int m, int n, float* a, int lda, int* ipiv) {
  blas::Serial serial;
  int info = 0;
  scipy_sgetrf_(&m, &n, a, &lda, ipiv, &info);
  return info;
}
inline int getrf(int m, int n, double* a, int lda, int* ipiv) {
  blas::Serial serial;
  int info = 0;
  scipy_dgetrf_(&m, &n, a, &lda, ipiv, &info);
  return info;
}

// op(A) X = B from getrf's factors; trans: 'N' or 'T'.
inline void getrs(char trans, int n, int nrhs, const float* lu, int lda, const int* ipiv, float* b, int ldb) {
  blas::prepare();
  int info = 0;
  scipy_sgetrs_(&trans, &n, &nrhs, lu, &lda, ipiv, b, &ldb, &info, 1);
}
inline void getrs(char trans, int n, int nrhs, const double* lu, int lda, const int* ipiv, double* b, int ldb) {
  blas::prepare();
  int info = 0;
  scipy_dgetrs_(&trans, &n, &nrhs, lu, &lda, ipiv, b, &ldb, &info, 1);
}

inline int potrf(char uplo, int n, float* a, int lda) {
  blas::prepare();
  int info = 0;
  scipy_spotrf_(&uplo, &n, a, &lda, &info, 1);
  return info;
}
inline int potrf(char uplo, int n, double* a, int lda) {
  blas::prepare();
  int info = 0;
  scipy_dpotrf_(&uplo, &n, a, &lda, &info, 1);
  return info;
}

inline void potrs(char uplo, int n, int nrhs, const float* a, int lda, float* b, int ldb) {
  blas::prepare();
  int info = 0;
  scipy_spotrs_(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info, 1);
}
inline void potrs(char uplo, int n, int nrhs, const double* a, int lda, double* b, int ldb) {
  blas::prepare();
  int info = 0;
  scipy_dpotrs_(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info, 1);
}

inline int potri(char uplo, int n, float* a, int lda) {
  blas::prepare();
  int info = 0;
  scipy_spotri_(&uplo, &n, a, &lda, &info, 1);
  return info;
}
inline int potri(char uplo, int n, double* a, int lda) {
  blas::prepare();
  int info = 0;
  scipy_dpotri_(&uplo, &n, a, &lda, &info, 1);
  return info;
}

// B = op(A)^-1 B (side 'L') or B op(A)^-1 (side 'R') for a triangular A; no check for a zero diagonal.
inline void trsm(char side, char uplo, char diag, int m, int n, const float* a, int lda, float* b, int ldb) {
  blas::prepare();
  const float one = 1;
  scipy_strsm_(&side, &uplo, "N", &diag, &m, &n, &one, a, &lda, b, &ldb, 1, 1, 1, 1);
}
inline void trsm(char side, char uplo, char diag, int m, int n, const double* a, int lda, double* b, int ldb) {
  blas::prepare();
  const double one = 1;
  scipy_dtrsm_(&side, &uplo, "N", &diag, &m, &n, &one, a, &lda, b, &ldb, 1, 1, 1, 1);
}

// The routines with a workspace: each asks LAPACK for the best size first (lwork = -1).

inline void geqrf(int m, int n, float* a, int lda, float* tau, std::vector<float>& work) {
  blas::prepare();
  int info = 0, lwork = -1;
  float best = 0;
  scipy_sgeqrf_(&m, &n, a, &lda, tau, &best, &lwork, &info);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_sgeqrf_(&m, &n, a, &lda, tau, work.data(), &lwork, &info);
}
inline void geqrf(int m, int n, double* a, int lda, double* tau, std::vector<double>& work) {
  blas::prepare();
  int info = 0, lwork = -1;
  double best = 0;
  scipy_dgeqrf_(&m, &n, a, &lda, tau, &best, &lwork, &info);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_dgeqrf_(&m, &n, a, &lda, tau, work.data(), &lwork, &info);
}

// The first n columns of the product of k reflectors left in a by geqrf.
inline void orgqr(int m, int n, int k, float* a, int lda, const float* tau, std::vector<float>& work) {
  blas::prepare();
  int info = 0, lwork = -1;
  float best = 0;
  scipy_sorgqr_(&m, &n, &k, a, &lda, tau, &best, &lwork, &info);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_sorgqr_(&m, &n, &k, a, &lda, tau, work.data(), &lwork, &info);
}
inline void orgqr(int m, int n, int k, double* a, int lda, const double* tau, std::vector<double>& work) {
  blas::prepare();
  int info = 0, lwork = -1;
  double best = 0;
  scipy_dorgqr_(&m, &n, &k, a, &lda, tau, &best, &lwork, &info);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_dorgqr_(&m, &n, &k, a, &lda, tau, work.data(), &lwork, &info);
}

// C = op(Q) C (side 'L') or C op(Q) (side 'R'), Q the product of geqrf's k reflectors
// in a (lda rows); trans 'N' or 'T'.
inline void ormqr(char side, char trans, int m, int n, int k, const float* a, int lda, const float* tau, float* c,
                  int ldc, std::vector<float>& work) {
  blas::prepare();
  int info = 0, lwork = -1;
  float best = 0;
  scipy_sormqr_(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, &best, &lwork, &info, 1, 1);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_sormqr_(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, work.data(), &lwork, &info, 1, 1);
}
inline void ormqr(char side, char trans, int m, int n, int k, const double* a, int lda, const double* tau, double* c,
                  int ldc, std::vector<double>& work) {
  blas::prepare();
  int info = 0, lwork = -1;
  double best = 0;
  scipy_dormqr_(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, &best, &lwork, &info, 1, 1);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_dormqr_(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, work.data(), &lwork, &info, 1, 1);
}

// The SVD by divide and conquer; jobz 'A' (all of U and V^T), 'S' (the first
// min(m, n)) or 'N' (singular values only). A is destroyed.
inline int gesdd(char jobz, int m, int n, float* a, int lda, float* s, float* u, int ldu, float* vt, int ldvt,
                 std::vector<float>& work, std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1;
  float best = 0;
  iwork.resize(std::size_t(8 * std::max(1, std::min(m, n))));
  scipy_sgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, &best, &lwork, iwork.data(), &info, 1);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_sgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work.data(), &lwork, iwork.data(), &info, 1);
  return info;
}
inline int gesdd(char jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt,
                 std::vector<double>& work, std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1;
  double best = 0;
  iwork.resize(std::size_t(8 * std::max(1, std::min(m, n))));
  scipy_dgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, &best, &lwork, iwork.data(), &info, 1);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  lwork = int(work.size());
  scipy_dgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work.data(), &lwork, iwork.data(), &info, 1);
  return info;
}

// Eigenvalues (ascending) of a symmetric matrix, read from its uplo triangle, and
// with jobz 'V' its eigenvectors, left in a's columns.
inline int syevd(char jobz, char uplo, int n, float* a, int lda, float* w, std::vector<float>& work,
                 std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1, liwork = -1, ibest = 0;
  float best = 0;
  scipy_ssyevd_(&jobz, &uplo, &n, a, &lda, w, &best, &lwork, &ibest, &liwork, &info, 1, 1);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  iwork.resize(std::max<std::size_t>(1, std::size_t(ibest)));
  lwork = int(work.size()), liwork = int(iwork.size());
  scipy_ssyevd_(&jobz, &uplo, &n, a, &lda, w, work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  return info;
}
inline int syevd(char jobz, char uplo, int n, double* a, int lda, double* w, std::vector<double>& work,
                 std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1, liwork = -1, ibest = 0;
  double best = 0;
  scipy_dsyevd_(&jobz, &uplo, &n, a, &lda, w, &best, &lwork, &ibest, &liwork, &info, 1, 1);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  iwork.resize(std::max<std::size_t>(1, std::size_t(ibest)));
  lwork = int(work.size()), liwork = int(iwork.size());
  scipy_dsyevd_(&jobz, &uplo, &n, a, &lda, w, work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  return info;
}

// Least squares min |A X - B| by the SVD (divide and conquer); B (ldb >= max(m, n))
// receives X in its first n rows; singular values at most rcond * the largest count as zero.
inline int gelsd(int m, int n, int nrhs, float* a, int lda, float* b, int ldb, float* s, float rcond, int* rank,
                 std::vector<float>& work, std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1, ibest = 0;
  float best = 0;
  scipy_sgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, &best, &lwork, &ibest, &info);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  iwork.resize(std::max<std::size_t>(1, std::size_t(ibest)));
  lwork = int(work.size());
  scipy_sgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, work.data(), &lwork, iwork.data(), &info);
  return info;
}
inline int gelsd(int m, int n, int nrhs, double* a, int lda, double* b, int ldb, double* s, double rcond, int* rank,
                 std::vector<double>& work, std::vector<int>& iwork) {
  blas::prepare();
  int info = 0, lwork = -1, ibest = 0;
  double best = 0;
  scipy_dgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, &best, &lwork, &ibest, &info);
  work.resize(std::max<std::size_t>(1, std::size_t(best)));
  iwork.resize(std::max<std::size_t>(1, std::size_t(ibest)));
  lwork = int(work.size());
  scipy_dgelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, work.data(), &lwork, iwork.data(), &info);
  return info;
}

}  // namespace satchel::linalg::lapack
