// Python advanced indexing (NumPy's rules): keys with integer arrays (satchel
// integer tensors, NumPy integer arrays, lists of ints) and boolean masks,
// mixed with ints, slices, None and `...`. The arrays broadcast together; where
// they are adjacent in the key their dims take the place of the dims they
// index, else they come first. The result is a copy, laid out by a
// gather::Slices over the view the key's basic items make.
#pragma once

#include <Python.h>

#include "../tensor.h"
#include "export.h"
#include "gather.h"

namespace satchel::fancy {

struct SATCHEL_CORE Plan {
  TensorBase view;       // t with the key's slices, ints and None applied, indexed dims kept whole
  gather::Slices slices;  // from view (x) to the result (y); y's strides set by with_y
  Dims result;           // pre, then the broadcast index shape (mid), then post

  // y laid out by strides over `result`'s dims (contiguous for t[key], a value's broadcast for t[key] = v).
  void with_y(const Dims& strides);
};

// The plan of t[key] for a key that view_of_key called advanced; TypeError or
// std::out_of_range (IndexError) for a bad key, naming the index, dim and size.
SATCHEL_CORE Plan plan_of_key(const TensorBase& t, PyObject* key);

}  // namespace satchel::fancy
