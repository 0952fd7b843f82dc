#include <algorithm>
#include <utility>

#include "../shape.h"

namespace satchel {

std::string to_string(const Dims& d) {
  std::string s = "(";
  for (int i = 0; i < d.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(d[i]);
  }
  if (d.size() == 1) s += ",";
  return s + ")";
}

Dims strides_like(const Dims& sizes, const Dims& strides) {
  const int n = sizes.size();
  int order[kMaxDims];
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = 1; i < n; ++i)  // by stride, largest first; stable
    for (int j = i; j > 0 && strides[order[j]] > strides[order[j - 1]]; --j) std::swap(order[j], order[j - 1]);
  Dims out(n);
  int64_t expected = 1;
  for (int j = n - 1; j >= 0; --j) {
    const int d = order[j];
    if (sizes[d] == 0 || (sizes[d] != 1 && strides[d] != expected)) return contiguous_strides(sizes);
    out[d] = expected;
    expected *= sizes[d];
  }
  return out;
}

Dims broadcast_shapes(const Dims* const* shapes, int n) {
  int nd = 0;
  for (int k = 0; k < n; ++k) nd = std::max(nd, shapes[k]->size());
  Dims out(nd, 1);
  for (int k = 0; k < n; ++k) {
    const Dims& s = *shapes[k];
    for (int i = 0; i < s.size(); ++i) {
      int64_t& o = out[nd - s.size() + i];
      const int64_t v = s[i];
      if (v == o || v == 1) continue;
      if (o != 1) {
        std::string msg = "shapes do not broadcast:";
        for (int j = 0; j < n; ++j) msg += " " + to_string(*shapes[j]);
        throw std::invalid_argument(msg);
      }
      o = v;
    }
  }
  return out;
}

}  // namespace satchel
