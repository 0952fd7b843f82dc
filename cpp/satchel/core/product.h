// Matrix products (matmul, mm, bmm, addmm, ...): which product two tensors make,
// with NumPy's and PyTorch's rules for batch dims and 1-D operands, and the
// product itself, run for every element type once, here in the core: float and
// double by the BLAS, half through float, integers by a blocked kernel.
#pragma once

#include <cstdint>

#include "../half.h"
#include "../tensor.h"
#include "export.h"

namespace satchel::linalg {

// One operand of a batched product: element (i, j) of the matrix at batch index
// (b_0, b_1, ...) lies at data + sum_d b_d * batch[d] + i * row + j * col, in elements.
struct Matrices {
  char* data = nullptr;
  int64_t row = 0;
  int64_t col = 0;
  Dims batch;  // one stride per dim of Product::batch; 0 where the operand is broadcast
};

// out = alpha * a @ b + beta * out for each matrix of the batch: a is m x k, b is
// k x n, out m x n. With sum_batch (addbmm), every batch's product adds into one out.
struct Product {
  int64_t m = 0;
  int64_t n = 0;
  int64_t k = 0;
  Dims batch;  // sizes
  Matrices a, b, out;
  bool sum_batch = false;

  int64_t count() const { return checked_numel(batch); }
};

// How an op takes its two operands: matmul by NumPy's rules (1-D operands
// promoted, batch dims broadcast), mm 2-D by 2-D, mv 2-D by 1-D, bmm 3-D by 3-D
// of one batch size, outer 1-D by 1-D.
enum class Form { matmul, mm, mv, bmm, outer };

// The op's name and its operands' names, for errors ("mm: self (shape (2, 3)) ...").
struct Names {
  const char* op;
  const char* a;
  const char* b;
};

// A product and the shape of its result (the batch, then m and n, less the dims
// a 1-D operand does not have). Its out is unset until out_into.
struct Plan {
  Product product;
  Dims result;
};

SATCHEL_CORE Plan plan(Form form, const Names& names, const TensorBase& a, const TensorBase& b, int64_t itemsize);

// The plan of addbmm: batch1 and batch2 as bmm takes them, summed over the batch.
SATCHEL_CORE Plan plan_summed(const Names& names, const TensorBase& a, const TensorBase& b, int64_t itemsize);

// Points the plan's out at a contiguous tensor of shape plan.result.
SATCHEL_CORE void out_into(Plan& plan, const TensorBase& out, int64_t itemsize);

// Throws std::invalid_argument unless `self` broadcasts to the result's shape.
SATCHEL_CORE void check_addend(const Names& names, const Dims& self, const Dims& result);

// Copies self, broadcast, into out (host memory, elements of itemsize bytes, of
// one type): the add* ops' beta * self before the product adds into it.
SATCHEL_CORE void fill_from(const TensorBase& out, const TensorBase& self, int64_t itemsize);

// Runs the product for elements of type T, alpha and beta in T's compute type
// (beta = 0: out is written without being read, so NaN there is ignored, as BLAS does).
template <class T>
void gemm(const Product& p, compute_t<T> alpha, compute_t<T> beta);

#define SATCHEL_GEMM(T) extern template SATCHEL_CORE void gemm<T>(const Product&, compute_t<T>, compute_t<T>);
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
