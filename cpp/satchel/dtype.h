// What the runtime knows of an element type beyond C++: the facts spec/types.yaml
// declares (name, buffer format, DLPack type, range, compute and accumulation
// types), which the generator writes into satchel/dtypes.h as DType<T>.
#pragma once

#include "half.h"

namespace satchel {

// { name, kind ('?' bool, 'u' unsigned, 'i' signed, 'f' floating), python,
//   format, dlpack, lowest, highest, using compute, using accreal }
template <class T>
struct DType;

}  // namespace satchel
