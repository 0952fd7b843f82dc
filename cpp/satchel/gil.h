// Releasing the GIL around kernels big enough for another thread to use the time.
#pragma once

#include <Python.h>

#include <cstdint>

#include "config.h"

namespace satchel {

class ReleaseGil {
 public:
  explicit ReleaseGil(int64_t work) {
    if (work >= kParallelGrain && PyGILState_Check()) state_ = PyEval_SaveThread();
  }
  ~ReleaseGil() {
    if (state_) PyEval_RestoreThread(state_);
  }
  ReleaseGil(const ReleaseGil&) = delete;
  ReleaseGil& operator=(const ReleaseGil&) = delete;

 private:
  PyThreadState* state_ = nullptr;
};

}  // namespace satchel
