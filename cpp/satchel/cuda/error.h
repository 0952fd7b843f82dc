// Errors of the CUDA runtime as C++ exceptions. Every unit translates Error to
// satchel.cuda.CudaError (a RuntimeError) and OutOfMemory to MemoryError.
#pragma once

#include <new>
#include <stdexcept>
#include <string>

#include <cuda_runtime_api.h>

namespace satchel::cuda {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "cudaMemcpyAsync: an illegal memory access was encountered (cudaErrorIllegalAddress)"
inline std::string error_text(const std::string& call, cudaError_t e) {
  return call + ": " + cudaGetErrorString(e) + " (" + cudaGetErrorName(e) + ")";
}

class OutOfMemory : public std::bad_alloc {
 public:
  explicit OutOfMemory(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// Throws Error naming `call` unless e is cudaSuccess.
inline void check(cudaError_t e, const char* call) {
  if (e != cudaSuccess) {
    (void)cudaGetLastError();  // clear a sticky launch error so the next call does not report it again
    throw Error(error_text(call, e));
  }
}

}  // namespace satchel::cuda
