// Everything the host compiler's files of a CUDA unit include (module.cpp, shard<K>.cpp):
// the CPU runtime, for what is made on the host and copied over, and the CUDA
// runtime's host side. Its kernels<K>.cu and copies.cu include kernels.cuh instead.
#pragma once

#include "../unit.h"
#include "bind.h"
#include "indexing.h"
#include "linalg.h"
#include "native.h"
#include "runtime.h"
#include "transfer.h"
