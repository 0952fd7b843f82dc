// The joins and splits of CUDA tensors: the CPU's templates, which reach the device through
// runtime.h's new_empty, copy_into and select_elements.
#pragma once

#include "../joining.h"
#include "runtime.h"

namespace satchel::cuda::native {

using satchel::native::broadcast_tensors;
using satchel::native::cat;
using satchel::native::chunk;
using satchel::native::dstack;
using satchel::native::hstack;
using satchel::native::meshgrid;
using satchel::native::split;
using satchel::native::split_with_sizes;
using satchel::native::stack;
using satchel::native::tensor_split;
using satchel::native::unbind;
using satchel::native::vstack;

}  // namespace satchel::cuda::native
