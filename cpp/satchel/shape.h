// Sizes and strides: a fixed-capacity vector, so tensor metadata never allocates.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

#include "config.h"
#include "core/export.h"

namespace satchel {

class Dims {
 public:
  Dims() = default;
  explicit Dims(int n, int64_t fill = 0) { resize(n, fill); }
  // Only the used entries are copied (and set): tensors are copied on every call.
  Dims(const Dims& o) : n_(o.n_) {
    for (int i = 0; i < n_; ++i) d_[i] = o.d_[i];
  }
  Dims& operator=(const Dims& o) {
    n_ = o.n_;
    for (int i = 0; i < n_; ++i) d_[i] = o.d_[i];
    return *this;
  }
  Dims(std::initializer_list<int64_t> values) {
    resize(int(values.size()));
    int i = 0;
    for (int64_t v : values) d_[i++] = v;
  }

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t& operator[](int i) { return d_[i]; }
  int64_t operator[](int i) const { return d_[i]; }
  int64_t* begin() { return d_; }
  int64_t* end() { return d_ + n_; }
  const int64_t* begin() const { return d_; }
  const int64_t* end() const { return d_ + n_; }
  const int64_t* data() const { return d_; }

  void resize(int n, int64_t fill = 0) {
    if (n > kMaxDims)
      throw std::invalid_argument("satchel tensors have at most " + std::to_string(kMaxDims) +
                                  " dimensions, not " + std::to_string(n));
    for (int i = n_; i < n; ++i) d_[i] = fill;
    n_ = n;
  }
  void push_back(int64_t v) {
    resize(n_ + 1);
    d_[n_ - 1] = v;
  }
  void erase(int i) {
    for (int j = i; j + 1 < n_; ++j) d_[j] = d_[j + 1];
    --n_;
  }
  void insert(int i, int64_t v) {
    resize(n_ + 1);
    for (int j = n_ - 1; j > i; --j) d_[j] = d_[j - 1];
    d_[i] = v;
  }

  friend bool operator==(const Dims& a, const Dims& b) {
    if (a.n_ != b.n_) return false;
    for (int i = 0; i < a.n_; ++i)
      if (a.d_[i] != b.d_[i]) return false;
    return true;
  }
  friend bool operator!=(const Dims& a, const Dims& b) { return !(a == b); }

 private:
  int n_ = 0;
  int64_t d_[kMaxDims];
};

// "(2, 3)" as Python prints a shape tuple.
SATCHEL_CORE std::string to_string(const Dims& d);

// Number of elements; throws on negative sizes or overflow of int64.
inline int64_t checked_numel(const Dims& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    if (s < 0) throw std::invalid_argument("negative size " + std::to_string(s) + " in shape " + to_string(sizes));
    if (s != 0 && n > INT64_MAX / s)
      throw std::overflow_error("shape " + to_string(sizes) + " has more elements than fit in int64");
    n *= s;
  }
  return n;
}

inline Dims contiguous_strides(const Dims& sizes) {
  Dims strides(sizes.size());
  int64_t s = 1;
  for (int i = sizes.size() - 1; i >= 0; --i) {
    strides[i] = s;
    s *= sizes[i] > 0 ? sizes[i] : 1;
  }
  return strides;
}

// Strides for a new tensor of `sizes` with the dim order of an existing one
// (sizes, strides) when that one is dense (its elements fill a block, in some
// dim order: a transpose, say), else row-major strides.
SATCHEL_CORE Dims strides_like(const Dims& sizes, const Dims& strides);

// The shape n shapes broadcast to, or std::invalid_argument naming every shape.
SATCHEL_CORE Dims broadcast_shapes(const Dims* const* shapes, int n);

}  // namespace satchel
