// Moving elements by index, for every dtype at once: the natives of index tensors
// and masks (index_select, gather, scatter, ..., nonzero) and advanced indexing
// (t[idx], t[mask]). The core checks an index, lists the element offsets it
// names in chunks and copies by element size; the typed templates (index_ops.h)
// run their own loop over the same chunks where they add.
#pragma once

#include <cstdint>
#include <vector>

#include "../shape.h"
#include "../tensor.h"
#include "export.h"
#include "function_ref.h"

namespace satchel::gather {

// Elements of type E somewhere in memory: a tensor's data, sizes and strides (in
// elements), or a buffer Python handed over (an index array, a mask).
template <class E>
struct View {
  const E* data = nullptr;
  Dims sizes;
  Dims strides;
};

template <class E>
View<E> view_of(const TensorBase& t) {
  return {reinterpret_cast<const E*>(t.bytes(sizeof(E))), t.sizes(), t.strides()};
}

// Chunks of n pairs of element offsets (into x, into y), each the start of `run`
// elements contiguous in both.
using Pairs = FunctionRef<void(const int64_t* x, const int64_t* y, int64_t n, int64_t run)>;

// std::out_of_range (IndexError) unless every element of index lies in [0, size),
// or in [-size, size) where negatives count from the end:
// "gather: index 12 is out of range for dim 0 of size 10".
SATCHEL_CORE void check_range(const char* op, const View<int64_t>& index, int dim, int64_t size, bool negative);

// x read or written at listed offsets, y walked in order. Both have the dims
// pre, then (x) one listed offset per position of mid / (y) mid's dims, then post:
// t[idx] reads x = t at the offsets idx names into y = the result.
struct SATCHEL_CORE Slices {
  Dims pre, pre_x, pre_y;        // sizes, x's strides, y's strides
  Dims mid, mid_y;               // y's dims over the listed positions, row-major
  std::vector<int64_t> offsets;  // x's element offset at each position of mid
  Dims post, post_x, post_y;

  // Calls pairs for every element, split across threads where `parallel` (the
  // writes must then not collide, or not matter: copies of one value).
  void walk(bool parallel, Pairs pairs) const;
  // y[...] = x[...] (x_to_y) or x[...] = y[...], elements of itemsize bytes.
  void copy(char* x, char* y, int64_t itemsize, bool x_to_y) const;
};

// For each element p of index (its dims): x's offset sum_{d != dim} p_d * x_strides[d]
// + index[p] * x_strides[dim] (negative indices counted from dim_size: checked
// before), y's sum_d p_d * y_strides[d]. torch's gather and scatter.
struct SATCHEL_CORE Along {
  View<int64_t> index;
  int dim;
  int64_t dim_size;
  Dims x_strides, y_strides;

  // Split across threads where `parallel`; `by_owner` instead gives each thread
  // the indices of its own share of x's dim, so that adds to one element never
  // race (scatter_add with duplicates).
  void walk(bool parallel, bool by_owner, Pairs pairs) const;
  void copy(char* x, char* y, int64_t itemsize, bool x_to_y) const;
};

// Row-major walk over sizes: x's offsets by strides, y's the element's position.
SATCHEL_CORE void walk_dense(const Dims& sizes, const Dims& strides, Pairs pairs);

// The row-major positions of a mask's true (nonzero) bytes: their coordinates,
// count x ndim, row-major; count_nonzero first where only the number is needed.
SATCHEL_CORE std::vector<int64_t> true_positions(const View<uint8_t>& mask);
SATCHEL_CORE int64_t count_true(const View<uint8_t>& mask);

// x's element offsets (by x_strides over the mask's dims) of the mask's true
// elements, row-major: t[mask] and masked_select.
SATCHEL_CORE std::vector<int64_t> true_offsets(const View<uint8_t>& mask, const Dims& x_strides);

// Copies n elements of itemsize bytes at the listed offsets: y[yo[k]] = x[xo[k]]
// (x_to_y) or x[xo[k]] = y[yo[k]], `run` contiguous elements each.
SATCHEL_CORE void copy_pairs(char* x, char* y, int64_t itemsize, const int64_t* xo, const int64_t* yo, int64_t n,
                             int64_t run, bool x_to_y);

// "index_select: dim 3 is out of range for a tensor of 2 dimensions" (IndexError),
// else dim counted from the end where negative; a 0-d tensor has dim 0 (and -1).
SATCHEL_CORE int wrap_dim(const char* op, int64_t dim, int ndim);

}  // namespace satchel::gather
