// Which dims a reduction or a scan folds, from its `dim` argument, and the shape
// of its result: the dtype-independent half of reduce_dims.h and scan.h,
// compiled once.
#pragma once

#include <cstdint>
#include <optional>

#include "../tensor.h"
#include "export.h"

namespace satchel {

struct SATCHEL_CORE Reduction {
  unsigned mask = 0;  // bit d: dim d of self is folded
  Dims kept;          // self's sizes with the folded dims as 1
  Dims out;           // the result's sizes: kept, or without the folded dims
  int64_t count = 1;  // how many elements fold into each result

  bool folds(int d) const { return mask >> d & 1u; }
};

// dim None or [] folds every dim, as PyTorch; a 0-d tensor takes dim 0 and -1.
// A dim out of range or given twice raises, naming op, the dim and the shape.
SATCHEL_CORE Reduction plan_reduction(const char* op, const Dims& sizes, const std::optional<Dims>& dim,
                                      bool keepdim);
SATCHEL_CORE Reduction plan_reduction(const char* op, const Dims& sizes, std::optional<int64_t> dim, bool keepdim);

// dim of a scan (or of an op along one dim) as a position in [0, ndim); 0 for a 0-d tensor.
SATCHEL_CORE int scan_dim(const char* op, const Dims& sizes, int64_t dim);

// Raises for a combine without identity (max, argmax) that has no element to start from.
[[noreturn]] SATCHEL_CORE void throw_empty_reduction(const char* op, const Dims& sizes, const Reduction& r);

// Raises unless t has at least min_dims dims (tril and triu need matrices).
SATCHEL_CORE void check_min_dims(const char* op, const TensorBase& t, int min_dims);

}  // namespace satchel
