// Everything a generated CPU unit includes.
#pragma once

#include "satchel/dtypes.h"  // generated from spec/types.yaml

#include "bind.h"
#include "create.h"
#include "dtype.h"
#include "from_python.h"
#include "indexing.h"
#include "io.h"
#include "linalg.h"
#include "math.h"
#include "pointwise.h"
#include "positional.h"
#include "random.h"
#include "random_perm.h"
#include "reduce.h"
#include "reduce_dims.h"
#include "scan.h"
#include "views.h"
