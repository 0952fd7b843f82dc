// A bool element is one byte, 0 or 1; C++ may not read any other byte as a bool.
// Memory imported without a copy (a uint8 array viewed as bool, a DLPack
// producer, a binary file) is checked on the way in.
#pragma once

#include <string>

#include "../tensor.h"
#include "export.h"

namespace satchel {

// std::invalid_argument "<what>: element <i> is byte <b>, not a bool (0 or 1)..."
// for the first element of t (host memory, row-major order) that is neither.
SATCHEL_CORE void check_bools(const TensorBase& t, const std::string& what);

}  // namespace satchel
