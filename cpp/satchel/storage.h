// Storage: a refcounted block of memory that tensors view (TH's THStorage).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <string>

#include "core/export.h"

namespace satchel {

// Memory is owned through a shared_ptr with a deleter that knows how it was
// obtained (the host allocator, a borrowed NumPy buffer, cudaMalloc), so every
// view keeps its storage alive whatever the source.
struct Storage {
  std::shared_ptr<void> memory;
  std::size_t nbytes = 0;

  void* data() const { return memory.get(); }
};

// bad_alloc with the size in its message (raised in Python as MemoryError with it).
class SATCHEL_CORE AllocationError : public std::bad_alloc {
 public:
  explicit AllocationError(std::size_t nbytes);
  ~AllocationError() override;
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// nbytes of host memory from the one host allocator every unit shares (core/allocator.cpp).
SATCHEL_CORE Storage allocate_host(std::size_t nbytes);

}  // namespace satchel
