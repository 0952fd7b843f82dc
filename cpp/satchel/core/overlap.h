// Which memory a tensor's elements occupy, whatever storage object holds it: two
// imports of one buffer (from_numpy twice, from_dlpack of a view) are different
// storages over the same bytes, so aliasing is decided by addresses.
#pragma once

#include <cstdint>

#include "../tensor.h"
#include "export.h"

namespace satchel::overlap {

// The bytes from t's lowest element to the end of its highest; empty (begin ==
// end) when t has no elements.
struct Span {
  const char* begin = nullptr;
  const char* end = nullptr;
  bool intersects(const Span& o) const { return begin < o.end && o.begin < end; }
};
SATCHEL_CORE Span span(const TensorBase& t, int64_t itemsize);

// span, worked out here for a contiguous tensor: every map_into asks it of each
// input, and the call into the core cost about as much as a small op.
inline Span span_of(const TensorBase& t, int64_t itemsize) {
  if (!t.is_contiguous()) return span(t, itemsize);
  const char* begin = t.numel() ? t.bytes(itemsize) : nullptr;
  return {begin, begin ? begin + t.numel() * itemsize : nullptr};
}

// Whether two elements of t lie at one address (an expanded dim, overlapping
// unfold windows). Exact: layouts it cannot rule out at a glance are walked.
SATCHEL_CORE bool internal(const TensorBase& t);

// std::invalid_argument, PyTorch's message, when writing t would write some
// address twice (the result would depend on the order of the writes).
SATCHEL_CORE void check_writable(const TensorBase& t);

}  // namespace satchel::overlap
