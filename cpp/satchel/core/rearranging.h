// The views behind the rearranging natives (flip, movedim, repeat, ...): each
// only computes an offset, sizes and strides, so they are compiled once, here;
// rearranging.h copies through them.
#pragma once

#include <cstdint>
#include <optional>

#include "../tensor.h"
#include "export.h"

namespace satchel::view {

// self with the order of elements along each of dims reversed (negative strides).
SATCHEL_CORE TensorBase flipped(const char* op, const TensorBase& self, const Dims& dims);

// The permutation that moves self's dims source to positions destination.
SATCHEL_CORE Dims movedim_order(const TensorBase& self, const Dims& source, const Dims& destination);

// A copy of src into dst's layout through a grid: repeat and repeat_interleave
// see their result (contiguous, `result` sizes) as `grid` sizes, and the source
// as a view of that grid whose repeated dims have stride 0.
struct Tiling {
  Dims result;
  Dims grid;
  TensorBase source;
};
SATCHEL_CORE Tiling repeat_tiling(const TensorBase& self, const Dims& repeats);
SATCHEL_CORE Tiling interleave_tiling(const TensorBase& self, int64_t repeats, int dim);

// self[start:end:step] along dim (Python's slice rules: None bounds, negative
// ones from the end, clamped), for slice_scatter.
SATCHEL_CORE TensorBase slice(const TensorBase& self, int64_t dim, std::optional<int64_t> start,
                              std::optional<int64_t> end, int64_t step);

// The view of self's storage with these sizes, strides and offset, checked to lie
// inside its memory (the storage's bytes, or self's own span for imported memory,
// whose extent satchel does not know). Elements of itemsize bytes.
SATCHEL_CORE TensorBase as_strided(const TensorBase& self, const Dims& size, const Dims& stride,
                                   std::optional<int64_t> storage_offset, int64_t itemsize);

}  // namespace satchel::view
