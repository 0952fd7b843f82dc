// Tensor: storage + sizes + strides + offset, as TH's THTensor. Strides count
// elements, not bytes. Copies of a Tensor are views of the same storage.
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "shape.h"
#include "storage.h"

namespace satchel {

template <class T, Device D>
class Tensor {
 public:
  using value_type = T;
  static constexpr Device device = D;

  Tensor() = default;
  Tensor(Storage storage, int64_t offset, Dims sizes, Dims strides)
      : storage_(std::move(storage)), offset_(offset), sizes_(sizes), strides_(strides) {
    numel_ = checked_numel(sizes_);
  }

  // A new contiguous tensor; its elements are not initialised.
  static Tensor empty(const Dims& sizes) { return empty(sizes, contiguous_strides(sizes)); }

  // A new tensor whose elements fill a block in the order `strides` give (a
  // permutation of contiguous strides: strides_like); not initialised.
  static Tensor empty(const Dims& sizes, const Dims& strides) {
    const int64_t n = checked_numel(sizes);
    if (uint64_t(n) > std::numeric_limits<std::size_t>::max() / sizeof(T))
      throw std::overflow_error("shape " + to_string(sizes) + " needs more bytes than fit in memory");
    static_assert(D == Device::cpu, "device tensors are allocated by the CUDA runtime");
    return Tensor(allocate_host(std::size_t(n) * sizeof(T)), 0, sizes, strides);
  }

  T* data() const { return static_cast<T*>(storage_.data()) + offset_; }
  const Storage& storage() const { return storage_; }
  int64_t storage_offset() const { return offset_; }
  const Dims& sizes() const { return sizes_; }
  const Dims& strides() const { return strides_; }
  int dim() const { return sizes_.size(); }
  int64_t numel() const { return numel_; }
  int64_t size(int d) const { return sizes_[d]; }
  int64_t stride(int d) const { return strides_[d]; }

  bool is_contiguous() const {
    if (numel_ == 0) return true;  // whatever its strides, as NumPy and torch say
    int64_t expected = 1;
    for (int i = dim() - 1; i >= 0; --i) {
      if (sizes_[i] != 1 && strides_[i] != expected) return false;
      expected *= sizes_[i];
    }
    return true;
  }

 private:
  Storage storage_;
  int64_t offset_ = 0;
  Dims sizes_;
  Dims strides_;
  int64_t numel_ = 0;
};

}  // namespace satchel
