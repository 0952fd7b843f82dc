// The rearranging natives of CUDA tensors: the CPU's templates, which reach the device through
// runtime.h's new_empty, copy_into and select_elements.
#pragma once

#include "../rearranging.h"
#include "runtime.h"

namespace satchel::cuda::native {

using satchel::native::as_strided;
using satchel::native::flip;
using satchel::native::fliplr;
using satchel::native::flipud;
using satchel::native::movedim;
using satchel::native::narrow_copy;
using satchel::native::repeat;
using satchel::native::repeat_interleave;
using satchel::native::roll;
using satchel::native::rot90;
using satchel::native::select_scatter;
using satchel::native::slice_scatter;
using satchel::native::tile;
using satchel::native::unflatten;

}  // namespace satchel::cuda::native
