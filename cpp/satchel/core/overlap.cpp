#include "overlap.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace satchel::overlap {

Span span(const TensorBase& t, int64_t itemsize) {
  if (t.numel() == 0) return {};
  int64_t lo = 0, hi = 0;
  for (int d = 0; d < t.dim(); ++d) (t.stride(d) < 0 ? lo : hi) += (t.size(d) - 1) * t.stride(d);
  const char* first = t.bytes(itemsize);
  return {first + lo * itemsize, first + (hi + 1) * itemsize};
}

bool internal(const TensorBase& t) {
  if (t.numel() <= 1) return false;
  // Dims by |stride|; each must step past everything the smaller ones reach.
  // A negative stride mirrors its dim, which moves addresses but not collisions.
  std::vector<std::pair<int64_t, int64_t>> dims;  // (|stride|, size)
  for (int d = 0; d < t.dim(); ++d)
    if (t.size(d) > 1) dims.emplace_back(t.stride(d) < 0 ? -t.stride(d) : t.stride(d), t.size(d));
  std::sort(dims.begin(), dims.end());
  int64_t reach = 0;  // the highest offset the dims so far reach
  bool interleaved = false;
  for (const auto& [stride, size] : dims) {
    if (stride == 0) return true;
    interleaved = interleaved || stride <= reach;
    reach += (size - 1) * stride;
  }
  if (!interleaved) return false;
  // Interleaved dims (strides 2 and 3, unfold windows) may or may not collide:
  // mark each element's offset. calloc's pages are touched only where marked,
  // and a collision usually shows within the first elements.
  const std::size_t words = std::size_t(reach / 64 + 1);
  std::unique_ptr<uint64_t, decltype(&std::free)> seen(static_cast<uint64_t*>(std::calloc(words, 8)), &std::free);
  if (!seen) throw AllocationError(words * 8);
  std::vector<int64_t> index(dims.size(), 0);
  int64_t offset = 0;
  for (;;) {
    uint64_t& word = seen.get()[offset / 64];
    const uint64_t bit = uint64_t(1) << (offset % 64);
    if (word & bit) return true;
    word |= bit;
    std::size_t k = 0;
    for (; k < dims.size(); ++k) {
      offset += dims[k].first;
      if (++index[k] < dims[k].second) break;
      offset -= dims[k].first * dims[k].second;
      index[k] = 0;
    }
    if (k == dims.size()) return false;
  }
}

void check_writable(const TensorBase& t) {
  if (!t.is_contiguous() && internal(t))
    throw std::invalid_argument(
        "unsupported operation: more than one element of the written-to tensor refers to a single memory "
        "location (an expanded or overlapping view); write to a .clone() or .contiguous() copy instead");
}

}  // namespace satchel::overlap
