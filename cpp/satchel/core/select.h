// where and masked_fill move elements without reading their values: one loop per
// element size serves every dtype, so it is compiled once, here in the core.
#pragma once

#include <cstdint>

#include "../shape.h"
#include "export.h"

namespace satchel {

// An operand of select_into: elements at data with these sizes and element
// strides, broadcast to the result's shape (a number: no sizes, no strides).
struct Strided {
  const char* data;
  const Dims& sizes;
  const Dims& strides;
};

// out = condition ? a : b elementwise over out's shape (which the operands
// broadcast to); condition holds bools, out, a and b elements of itemsize bytes
// (1, 2, 4 or 8). Host memory; no operand may overlap out other than as out itself.
SATCHEL_CORE void select_into(char* out, const Dims& sizes, const Dims& strides, const Strided& condition,
                              const Strided& a, const Strided& b, int64_t itemsize);

}  // namespace satchel
