// The host allocator: one per process, in the core, so that every unit's blocks
// are cached and reused together.
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "../storage.h"
#include "host.h"

namespace satchel {

AllocationError::AllocationError(std::size_t nbytes) : message_("cannot allocate " + std::to_string(nbytes) + " bytes") {}
AllocationError::~AllocationError() = default;

namespace {

// Small blocks come from the heap, 16-byte aligned. Big blocks are 2 MiB
// aligned and sized, backed by transparent huge pages, and recycled when freed:
// a fresh result tensor then costs no page faults, which otherwise take more time
// than the arithmetic filling it.
class HostAllocator {
 public:
  static constexpr std::size_t kBig = std::size_t(1) << 20;
  static constexpr std::size_t kPage = std::size_t(2) << 20;
  static constexpr std::size_t kCacheLimit = std::size_t(1) << 30;  // bytes kept for reuse

  static HostAllocator& instance() {
    static HostAllocator* allocator = new HostAllocator();  // never destroyed: storages may outlive exit
    return *allocator;
  }

  Storage allocate(std::size_t nbytes) {
    if (nbytes < kBig) {
      // One allocation for the block and its reference count: small tensors
      // are made on every call, and malloc is a good part of what that costs.
      using Unit = std::max_align_t;
      try {
        const std::size_t units = std::max<std::size_t>(1, (nbytes + sizeof(Unit) - 1) / sizeof(Unit));
        return Storage{std::make_shared_for_overwrite<Unit[]>(units), nbytes};
      } catch (const std::bad_alloc&) {
        throw AllocationError(nbytes);
      }
    }
    const std::size_t size = (nbytes + kPage - 1) / kPage * kPage;
    if (size < nbytes) throw AllocationError(nbytes);
    void* p = take(size);
    if (!p) {
      p = std::aligned_alloc(kPage, size);
      if (!p) throw AllocationError(nbytes);
      madvise(p, size, MADV_HUGEPAGE);
    }
    return Storage{std::shared_ptr<void>(p, [size](void* q) { instance().give(q, size); }), nbytes};
  }

  std::size_t cached() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

  void release() {
    std::multimap<std::size_t, void*> blocks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      blocks.swap(free_);
      cached_ = 0;
    }
    for (const auto& [size, p] : blocks) std::free(p);
  }

 private:
  void* take(std::size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(size);
    if (it == free_.end()) return nullptr;
    void* p = it->second;
    free_.erase(it);
    cached_ -= size;
    return p;
  }

  void give(void* p, std::size_t size) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cached_ + size <= kCacheLimit) {
        free_.emplace(size, p);
        cached_ += size;
        return;
      }
    }
    std::free(p);
  }

  std::mutex mutex_;
  std::multimap<std::size_t, void*> free_;  // size -> block
  std::size_t cached_ = 0;
};

}  // namespace

Storage allocate_host(std::size_t nbytes) { return HostAllocator::instance().allocate(nbytes); }

std::size_t host::cached_bytes() { return HostAllocator::instance().cached(); }
std::size_t host::cache_limit() { return HostAllocator::kCacheLimit; }
void host::empty_cache() { HostAllocator::instance().release(); }

}  // namespace satchel
