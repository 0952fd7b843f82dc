// where and masked_fill of CUDA tensors: the CPU's templates, which reach the device through
// runtime.h's new_empty, copy_into and select_elements.
#pragma once

#include "../masking.h"
#include "runtime.h"

namespace satchel::cuda::native {

using satchel::native::masked_fill;
using satchel::native::masked_fill_;
using satchel::native::where;

}  // namespace satchel::cuda::native
