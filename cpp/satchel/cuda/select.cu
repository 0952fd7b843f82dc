#include "select.h"

#include <stdexcept>
#include <string>

#include "../core/iter.h"
#include "error.h"

namespace satchel::cuda {

namespace {

constexpr int kBlock = 256;

// Operand 0 is out, 1 the condition, 2 and 3 the choices; strides in bytes over
// the collapsed dims. A choice with a null base is its `value`.
struct SelectArgs {
  char* base[4];
  uint64_t value[2];
  int nd;
  int64_t n;
  int64_t sizes[kMaxDims];
  int64_t strides[4][kMaxDims];
};

template <class U>
__global__ void __launch_bounds__(kBlock) select_kernel(const SelectArgs a) {
  const int64_t step = int64_t(gridDim.x) * kBlock;
  for (int64_t i = int64_t(blockIdx.x) * kBlock + threadIdx.x; i < a.n; i += step) {
    int64_t off[4] = {};
    int64_t rest = i;
    for (int d = a.nd - 1; d >= 0; --d) {
      const int64_t idx = rest % a.sizes[d];
      rest /= a.sizes[d];
#pragma unroll
      for (int k = 0; k < 4; ++k) off[k] += idx * a.strides[k][d];
    }
    const int k = *reinterpret_cast<const bool*>(a.base[1] + off[1]) ? 2 : 3;
    const U v = a.base[k] ? *reinterpret_cast<const U*>(a.base[k] + off[k]) : U(a.value[k - 2]);
    *reinterpret_cast<U*>(a.base[0] + off[0]) = v;
  }
}

template <class U>
void launch(const SelectArgs& a, cudaStream_t stream) {
  const int64_t blocks = (a.n + kBlock - 1) / kBlock;
  const unsigned grid = unsigned(blocks < 65535 ? blocks : 65535);
  select_kernel<U><<<grid, kBlock, 0, stream>>>(a);
  check(cudaGetLastError(), "select_kernel launch");
}

}  // namespace

void select_into(char* out, const Dims& sizes, const Dims& strides, const Strided& condition, const Choice& a,
                 const Choice& b, int64_t itemsize, cudaStream_t stream) {
  Layout layout(4);
  layout.add(0, out, sizes, strides, itemsize, sizes);
  layout.add(1, const_cast<char*>(condition.data), condition.sizes, condition.strides, 1, sizes);
  SelectArgs args{};
  layout.add(2, const_cast<char*>(a.at.data), a.at.sizes, a.at.strides, itemsize, sizes);
  layout.add(3, const_cast<char*>(b.at.data), b.at.sizes, b.at.strides, itemsize, sizes);
  layout.collapse(sizes);
  if (layout.numel == 0) return;
  for (int k = 0; k < 4; ++k) args.base[k] = layout.base[k];
  args.value[0] = a.value;
  args.value[1] = b.value;
  args.nd = layout.sizes.size();
  args.n = layout.numel;
  for (int d = 0; d < args.nd; ++d) {
    args.sizes[d] = layout.sizes[d];
    for (int k = 0; k < 4; ++k) args.strides[k][d] = layout.strides[k][d];
  }
  switch (itemsize) {
    case 1: launch<uint8_t>(args, stream); break;
    case 2: launch<uint16_t>(args, stream); break;
    case 4: launch<uint32_t>(args, stream); break;
    case 8: launch<unsigned long long>(args, stream); break;
    default: throw std::logic_error("select_into: no elements of " + std::to_string(itemsize) + " bytes");
  }
}

}  // namespace satchel::cuda
