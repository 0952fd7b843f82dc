// Storage: a refcounted block of memory that tensors view (TH's THStorage).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

namespace satchel {

// Memory is owned through a shared_ptr with a deleter that knows how it was
// obtained (aligned malloc, a borrowed NumPy buffer, cudaMalloc), so every view
// keeps its storage alive whatever the source.
struct Storage {
  std::shared_ptr<void> memory;
  std::size_t nbytes = 0;

  void* data() const { return memory.get(); }
};

// bad_alloc with the size in its message (pybind11 raises MemoryError with it).
class AllocationError : public std::bad_alloc {
 public:
  explicit AllocationError(std::size_t nbytes)
      : message_("cannot allocate " + std::to_string(nbytes) + " bytes") {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// 64-byte aligned host memory: a cache line and the widest vector register.
inline Storage allocate_host(std::size_t nbytes) {
  const std::size_t rounded = (nbytes + 63) / 64 * 64;
  void* p = rounded < nbytes ? nullptr : std::aligned_alloc(64, rounded ? rounded : 64);
  if (!p) throw AllocationError(nbytes);
  return Storage{std::shared_ptr<void>(p, [](void* q) { std::free(q); }), nbytes};
}

}  // namespace satchel
