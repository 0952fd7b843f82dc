// The *_like constructors of CUDA tensors: the CPU's templates, which reach the device through
// runtime.h's new_empty, copy_into and select_elements.
#pragma once

#include "../like.h"
#include "runtime.h"

namespace satchel::cuda::native {

using satchel::native::empty_like;
using satchel::native::full_like;
using satchel::native::ones_like;
using satchel::native::zeros_like;

}  // namespace satchel::cuda::native
