// LAPACK's solvers (OpenBLAS's, from scipy-openblas32) over batches of square
// matrices: inv, solve, det and cholesky, for half (through float), float and
// double, compiled once here. Each takes its operands as they are (any strides,
// leading batch dims) and asks `allocate` for its result, a contiguous tensor.
#pragma once

#include "../half.h"
#include "../tensor.h"
#include "errors.h"  // LinAlgError
#include "export.h"
#include "function_ref.h"

namespace satchel {

namespace linalg {

using Allocate = FunctionRef<TensorBase(const Dims&)>;

template <class T>
void inv(const TensorBase& self, Allocate allocate);
template <class T>
void det(const TensorBase& self, Allocate allocate);
template <class T>
void solve(const TensorBase& self, const TensorBase& other, Allocate allocate);
template <class T>
void cholesky(const TensorBase& self, bool upper, Allocate allocate);

#define SATCHEL_LAPACK(T)                                                             \
  extern template SATCHEL_CORE void inv<T>(const TensorBase&, Allocate);              \
  extern template SATCHEL_CORE void det<T>(const TensorBase&, Allocate);              \
  extern template SATCHEL_CORE void solve<T>(const TensorBase&, const TensorBase&, Allocate); \
  extern template SATCHEL_CORE void cholesky<T>(const TensorBase&, bool, Allocate);
SATCHEL_LAPACK(half)
SATCHEL_LAPACK(float)
SATCHEL_LAPACK(double)
#undef SATCHEL_LAPACK

}  // namespace linalg

}  // namespace satchel
