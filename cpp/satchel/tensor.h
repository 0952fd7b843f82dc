// Tensor: storage + sizes + strides + offset, as TH's THTensor. Strides count
// elements, not bytes. Copies of a Tensor are views of the same storage.
//
// TensorBase is everything but the element type: the core (compiled once)
// works on it; Tensor<T, D> adds the type, so a unit's functions stay typed.
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "shape.h"
#include "storage.h"

namespace satchel {

class TensorBase {
 public:
  TensorBase() = default;
  TensorBase(Storage storage, int64_t offset, Dims sizes, Dims strides)
      : storage_(std::move(storage)), offset_(offset), sizes_(sizes), strides_(strides) {
    numel_ = checked_numel(sizes_);
  }

  const Storage& storage() const { return storage_; }
  int64_t storage_offset() const { return offset_; }
  const Dims& sizes() const { return sizes_; }
  const Dims& strides() const { return strides_; }
  int dim() const { return sizes_.size(); }
  int64_t numel() const { return numel_; }
  int64_t size(int d) const { return sizes_[d]; }
  int64_t stride(int d) const { return strides_[d]; }

  // The first element's address, for elements of itemsize bytes.
  char* bytes(int64_t itemsize) const { return static_cast<char*>(storage_.data()) + offset_ * itemsize; }

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

template <class T, Device D>
class Tensor : public TensorBase {
 public:
  using value_type = T;
  static constexpr Device device = D;

  Tensor() = default;
  Tensor(Storage storage, int64_t offset, Dims sizes, Dims strides)
      : TensorBase(std::move(storage), offset, sizes, strides) {}
  // The same memory seen as elements of T (a view the core computed).
  explicit Tensor(TensorBase base) : TensorBase(std::move(base)) {}

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

  T* data() const { return static_cast<T*>(storage().data()) + storage_offset(); }
};

}  // namespace satchel
