// Views: tensors that share their storage with another (TH's narrow, select,
// transpose, unfold, ...). Each only computes a new offset, sizes and strides,
// whatever the element type, so they are compiled once, here; views.h gives them
// their types. Strides may be 0 (expand) or negative (reversed slices).
// Out-of-range dims and indices throw std::out_of_range (IndexError in Python),
// other invalid arguments std::invalid_argument (ValueError).
#pragma once

#include <cstdint>
#include <optional>

#include "../tensor.h"
#include "export.h"

namespace satchel::view {

// dim in [-n, n) as a position in [0, n), n being ndim or, for ops that insert a
// dimension, ndim + 1.
SATCHEL_CORE int wrap_dim(const char* op, int64_t dim, int ndim, int n = -1);

// The strides that lay `shape` over t's elements in row-major order without
// copying, if there are any (TH's THTensor_compute_stride).
SATCHEL_CORE std::optional<Dims> view_strides(const TensorBase& t, const Dims& shape);

// shape with a -1 replaced by what makes it hold numel elements.
SATCHEL_CORE Dims infer_shape(const char* op, const Dims& shape, int64_t numel);

SATCHEL_CORE TensorBase narrow(const TensorBase& self, int64_t dim, int64_t start, int64_t length);
SATCHEL_CORE TensorBase select(const TensorBase& self, int64_t dim, int64_t index);
SATCHEL_CORE TensorBase transpose(const TensorBase& self, int64_t dim0, int64_t dim1);
SATCHEL_CORE TensorBase t(const TensorBase& self);
SATCHEL_CORE TensorBase permute(const TensorBase& self, const Dims& dims);
// Every window of `size` elements along dim, `step` apart, as a new last dimension.
SATCHEL_CORE TensorBase unfold(const TensorBase& self, int64_t dim, int64_t size, int64_t step);
// self broadcast to size without copying: new leading dims and dims of size 1
// get stride 0; -1 keeps a dim's size.
SATCHEL_CORE TensorBase expand(const TensorBase& self, const Dims& size);
// A view with the given shape (one size may be -1); fails when the strides do not allow one.
SATCHEL_CORE TensorBase view(const TensorBase& self, const Dims& shape);
// The view reshape makes when self's strides allow one (sizes: the inferred shape).
SATCHEL_CORE std::optional<TensorBase> reshape_view(const TensorBase& self, const Dims& sizes);
SATCHEL_CORE TensorBase squeeze(const TensorBase& self, std::optional<int64_t> dim);
SATCHEL_CORE TensorBase unsqueeze(const TensorBase& self, int64_t dim);

}  // namespace satchel::view
