#include "select.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "iter.h"

namespace satchel {

namespace {

// One run: out[i] = c[i] ? a[i] : b[i], U an unsigned type of the element's size.
// Unit strides take the plain loop, which the compiler vectorises into blends.
template <class U>
void select_run(char* const* p, const int64_t* s, int64_t n) {
  constexpr int64_t w = sizeof(U);
  if (s[0] == w && s[1] == 1 && (s[2] == w || s[2] == 0) && (s[3] == w || s[3] == 0)) {
    U* out = reinterpret_cast<U*>(p[0]);
    const bool* c = reinterpret_cast<const bool*>(p[1]);
    const U* a = reinterpret_cast<const U*>(p[2]);
    const U* b = reinterpret_cast<const U*>(p[3]);
    const int64_t sa = s[2] / w, sb = s[3] / w;
    for (int64_t i = 0; i < n; ++i) out[i] = c[i] ? a[i * sa] : b[i * sb];
    return;
  }
  char *out = p[0], *c = p[1], *a = p[2], *b = p[3];
  for (int64_t i = 0; i < n; ++i, out += s[0], c += s[1], a += s[2], b += s[3]) {
    U v;
    std::memcpy(&v, *reinterpret_cast<const bool*>(c) ? a : b, w);
    std::memcpy(out, &v, w);
  }
}

}  // namespace

void select_into(char* out, const Dims& sizes, const Dims& strides, const Strided& condition, const Strided& a,
                 const Strided& b, int64_t itemsize) {
  Layout layout(4);
  layout.add(0, out, sizes, strides, itemsize, sizes);
  layout.add(1, const_cast<char*>(condition.data), condition.sizes, condition.strides, 1, sizes);
  layout.add(2, const_cast<char*>(a.data), a.sizes, a.strides, itemsize, sizes);
  layout.add(3, const_cast<char*>(b.data), b.sizes, b.strides, itemsize, sizes);
  layout.collapse(sizes);
  if (layout.numel == 0) return;
  void (*run)(char* const*, const int64_t*, int64_t);
  switch (itemsize) {
    case 1: run = select_run<uint8_t>; break;
    case 2: run = select_run<uint16_t>; break;
    case 4: run = select_run<uint32_t>; break;
    case 8: run = select_run<uint64_t>; break;
    default: throw std::logic_error("select_into: no elements of " + std::to_string(itemsize) + " bytes");
  }
  const int64_t bytes[4] = {itemsize, 1, itemsize, itemsize};
  const int64_t width = layout.tile_width(bytes);
  parallel_units(layout, width, worker_count(layout.numel),
                 [&](int64_t begin, int64_t end, int) { layout.walk(width, begin, end, run); });
}

}  // namespace satchel
