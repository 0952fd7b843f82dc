// Python basic indexing of tensors (NumPy's rules): t[1], t[-1], t[2:8:3],
// t[::-1], t[..., None], t[1, :, 2]. Every result is a view of t; an index for
// every dimension gives a 0-d tensor.
#pragma once

#include <Python.h>

#include "../tensor.h"
#include "export.h"

namespace satchel {

// The view t[key]; TypeError, std::out_of_range (IndexError) or PythonError for a bad key.
SATCHEL_CORE TensorBase view_of_key(const TensorBase& t, PyObject* key);

}  // namespace satchel
