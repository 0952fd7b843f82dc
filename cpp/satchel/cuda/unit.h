// Everything the unit.cpp of a CUDA unit includes (the host compiler's half):
// the CPU runtime, for what is made on the host and copied over, and the CUDA
// runtime's host side. Its kernels.cu includes kernels.cuh instead.
#pragma once

#include "../unit.h"
#include "bind.h"
#include "native.h"
#include "runtime.h"
#include "transfer.h"
