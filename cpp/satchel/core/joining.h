// The shapes of joins and splits (cat, stack, split, chunk, ...) and the views a
// split makes, whatever the element type: compiled once, here; joining.h copies.
#pragma once

#include <cstdint>
#include <vector>

#include "../tensor.h"
#include "export.h"

namespace satchel::join {

// The sizes of a split's pieces along its dim: any number of them, unlike Dims.
using Pieces = std::vector<int64_t>;

// The shape of cat(tensors, dim), dim wrapped into `d`. Raises std::invalid_argument
// naming the first tensor whose dims or sizes do not fit, ValueError-style, or
// for an empty list. 1-D tensors of size 0 are skipped (`skip[i]`), as PyTorch does.
SATCHEL_CORE Dims cat_shape(const char* op, const std::vector<const TensorBase*>& tensors, int64_t dim, int& d,
                            std::vector<bool>& skip);

// The sizes along dim of split's pieces (split_size each, the last smaller).
SATCHEL_CORE Pieces split_sizes(int64_t size, int64_t split_size);
// The sizes of chunk's pieces (at most chunks of ceil(size / chunks)).
SATCHEL_CORE Pieces chunk_sizes(int64_t size, int64_t chunks);
// The sizes of tensor_split's pieces (exactly sections, NumPy's array_split).
SATCHEL_CORE Pieces section_sizes(int64_t size, int64_t sections);

// The views of self along dim of the given sizes, which must add up to its size.
SATCHEL_CORE std::vector<TensorBase> split_views(const char* op, const TensorBase& self, const Pieces& sizes,
                                                 int64_t dim);

// self seen with at least n dims, as NumPy's atleast_1d/2d/3d.
SATCHEL_CORE TensorBase at_least(const TensorBase& self, int n);

// The grid shape of meshgrid's 1-D (or 0-d) tensors, 'xy' swapping the first two.
SATCHEL_CORE Dims grid_shape(const std::vector<const TensorBase*>& tensors, bool xy);
// Tensor k's view on the grid (stride along its own dim only).
SATCHEL_CORE TensorBase grid_view(const TensorBase& t, int k, const Dims& grid, bool xy);

}  // namespace satchel::join
