#include "bools.h"

#include <cstdint>
#include <stdexcept>

namespace satchel {

void check_bools(const TensorBase& t, const std::string& what) {
  if (t.numel() == 0) return;
  const auto* first = reinterpret_cast<const unsigned char*>(t.bytes(1));
  const auto fail = [&](int64_t i, unsigned char b) {
    throw std::invalid_argument(what + ": element " + std::to_string(i) + " is byte " + std::to_string(b) +
                                ", not a bool (0 or 1); compare with 0 to make bools of other bytes");
  };
  if (t.is_contiguous()) {
    unsigned char any = 0;  // a branch-free pass first: the loop vectorises
    for (int64_t i = 0; i < t.numel(); ++i) any |= first[i];
    if (any <= 1) return;
    for (int64_t i = 0;; ++i)
      if (first[i] > 1) fail(i, first[i]);
  }
  Dims index(t.dim());
  const unsigned char* p = first;
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (*p > 1) fail(i, *p);
    for (int d = t.dim() - 1; d >= 0; --d) {
      p += t.stride(d);
      if (++index[d] < t.size(d)) break;
      p -= t.stride(d) * t.size(d);
      index[d] = 0;
    }
  }
}

}  // namespace satchel
