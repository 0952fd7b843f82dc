// The structure ops' dtype-independent halves (natives trace, diagonal, diag,
// diag_embed, eye, vdot, inner, kron, tensordot, chain_matmul, multi_dot, einsum
// of cpp/satchel/structure.h): diagonal views, which dims a contraction
// multiplies and how it lays its operands out for one matrix product, the
// cheapest order of a chain of products, and einsum's equation and plan. Only
// views, shapes and orders are computed here; the products are the units'.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../tensor.h"
#include "export.h"

namespace satchel::structure {

// The view of self's diagonal offset (0: the main one, positive above it,
// negative below) in the matrices of dims dim1 and dim2: those dims removed and
// the diagonal appended as the last dim (size 0 where the offset passes the
// matrix), as PyTorch's diagonal.
SATCHEL_CORE TensorBase diagonal(const char* op, const TensorBase& self, int64_t offset, int64_t dim1, int64_t dim2);

// The shape of diag_embed(self, offset, dim1, dim2): self's last dim of size n
// becomes a matrix of n + |offset| rows and columns in dims dim1 and dim2 of the
// result (wrapped against self.dim() + 1, in wrapped_dim1 and wrapped_dim2).
SATCHEL_CORE Dims diag_embed_shape(const TensorBase& self, int64_t offset, int64_t dim1, int64_t dim2,
                                   int* wrapped_dim1, int* wrapped_dim2);

// A contraction as one matrix product: self's free dims, in order, are the rows
// of a (m x k) and other's the columns of b (k x n), the contracted dims the
// columns of a and the rows of b, pairwise in the order given.
struct Contraction {
  Dims perm_a, perm_b;      // the permutations that put the free dims around the contracted ones
  Dims matrix_a, matrix_b;  // the shapes a and b are reshaped to: (m, k) and (k, n)
  Dims result;              // self's free sizes, then other's
};

// tensordot's: dims_a of self and dims_b of other (negative counting from the
// end), each dim at most once, pairwise of one size.
SATCHEL_CORE Contraction contraction(const char* op, const Dims& a, const Dims& b, const Dims& dims_a,
                                     const Dims& dims_b);

// tensordot's dims=n: the last n dims of a (of ndim_a dims) with the first n of b.
SATCHEL_CORE std::pair<Dims, Dims> last_with_first(const char* op, int64_t n, int ndim_a, int ndim_b);

// kron's: a and b padded with leading 1s to one number of dims d, their outer
// product (a's elements by b's) seen as (a_0, ..., a_{d-1}, b_0, ..., b_{d-1}) is
// permuted by `perm` to (a_0, b_0, a_1, b_1, ...) and reshaped to `result`
// (a_i * b_i each).
struct Kron {
  Dims outer;   // (a_0, ..., b_{d-1})
  Dims perm;
  Dims result;
};
SATCHEL_CORE Kron kron(const Dims& a, const Dims& b);

// kron's operands as views of the interleaved shape (a_0, b_0, a_1, b_1, ...), each
// broadcast (stride 0) along the other's dims: their elementwise product, written
// contiguously, is the result (of shape Kron::result).
SATCHEL_CORE std::pair<TensorBase, TensorBase> kron_operands(const TensorBase& a, const TensorBase& b);

// The cheapest order of the products of a chain of matrices, matrix i being
// p[i] x p[i + 1]: split[i * n + j] is where the product of matrices i..j splits
// (NumPy's and PyTorch's multi_dot: fewest multiplications).
SATCHEL_CORE std::vector<int> chain_order(const std::vector<int64_t>& p);

// ---- einsum --------------------------------------------------------------------

// An operand's dims named by labels: letters A-Z as 0-25, a-z as 26-51 (so that
// their numeric order is the alphabetical one), the dims of an ellipsis 52 on,
// aligned at the right across operands as broadcasting aligns them.
struct Labelled {
  TensorBase t;
  std::vector<int> labels;  // one per dim of t
};

struct Equation {
  std::vector<std::vector<int>> inputs;  // each operand's labels, dim by dim (repeats allowed)
  std::vector<int> output;               // the result's, without repeats
};

// Parses an equation such as "ij,jk->ik", "...ii->...i" or, without "->", "ij,jk"
// (the output then the ellipsis dims and the letters found once, alphabetically),
// for operands of the given numbers of dims.
SATCHEL_CORE Equation parse_equation(const std::string& equation, const std::vector<int>& ndims);

// Operand `index` as a view with one dim per distinct label, a repeated label's
// dims made its diagonal (their sizes must agree).
SATCHEL_CORE Labelled distinct(const TensorBase& t, const std::vector<int>& labels, int index);

// Checks that each label has one size across operands, or 1 (broadcast).
SATCHEL_CORE void check_sizes(const std::vector<Labelled>& operands);

// Summing x over its labels outside `keep`: x permuted by perm (kept dims first),
// reshaped to rows x summed, times a vector of ones, reshaped to kept_sizes.
struct SumOut {
  bool any = false;  // false: nothing to sum
  Dims perm;
  int64_t rows = 1, summed = 1;
  Dims kept_sizes;
  std::vector<int> kept_labels;
};
SATCHEL_CORE SumOut sum_out(const Labelled& x, const std::vector<int>& keep);

// The product of x and y over their common labels outside `keep` (each of them
// summed over its own labels outside keep first: sum_out): x and y, dims of size
// 1 expanded where the other's are not, are viewed as a (batch..., m, k) and b
// (batch..., k, n) (views: `a` and `b`, to reshape to shape_a and shape_b), the
// batch being their common labels in keep; their matmul, reshaped to
// result_sizes, has the labels `labels`.
struct Pairwise {
  TensorBase a, b;
  Dims shape_a, shape_b;
  Dims result_sizes;
  std::vector<int> labels;
};
SATCHEL_CORE Pairwise pairwise(const Labelled& x, const Labelled& y, const std::vector<int>& keep);

// One product of einsum's plan: the operands at positions a and b of a list that
// starts as the operands and to which each product is appended, keeping the
// labels `keep` (the output's and those of the operands still to multiply).
struct Step {
  int a = 0, b = 0;
  std::vector<int> keep;
};

// The order of einsum's products: each step the pair whose product multiplies
// fewest times (the product of the sizes of their labels; opt_einsum's greedy
// choice, by cost), the first such pair on ties, so that two operands, or
// several of equal cost, go left to right as PyTorch's.
SATCHEL_CORE std::vector<Step> contraction_order(const std::vector<Labelled>& operands, const std::vector<int>& output);

// The permutation of x's dims into the output's order (x has exactly the output's labels).
SATCHEL_CORE Dims output_order(const Labelled& x, const std::vector<int>& output);

}  // namespace satchel::structure
