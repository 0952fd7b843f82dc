// Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
// 1, 2, 3", SC'11), the counter-based generator of cuRAND and PyTorch's CUDA side:
// a 128-bit counter and a 64-bit key give 128 random bits, through ten rounds of
// 32x32 -> 64-bit multiplies. No state changes between outputs, so any block of a
// stream is computed on its own, on any thread, host or device, with the same bits.
//
// satchel's streams: key = the generator's seed, counter = (offset + b, 0) for block
// b of a draw, the offset being the generator's position when the draw began.
#pragma once

#include <cstdint>

#include "config.h"

namespace satchel::philox {

struct Block {
  uint32_t v[4];
};

inline constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // the round multipliers
inline constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // the key's Weyl increments

SATCHEL_HD Block round(Block c, uint32_t k0, uint32_t k1) {
  const uint64_t p0 = uint64_t(kM0) * c.v[0], p1 = uint64_t(kM1) * c.v[2];
  return Block{{uint32_t(p1 >> 32) ^ c.v[1] ^ k0, uint32_t(p1), uint32_t(p0 >> 32) ^ c.v[3] ^ k1, uint32_t(p0)}};
}

// Philox4x32 with ten rounds of counter c under key (k0, k1).
SATCHEL_HD Block philox4x32_10(Block c, uint32_t k0, uint32_t k1) {
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
  for (int r = 0; r < 10; ++r) {
    c = round(c, k0, k1);
    k0 += kW0;
    k1 += kW1;
  }
  return c;
}

// Block `index` of the stream (seed, offset).
SATCHEL_HD Block block(uint64_t seed, uint64_t offset, uint64_t index) {
  const uint64_t n = offset + index;
  return philox4x32_10(Block{{uint32_t(n), uint32_t(n >> 32), 0u, 0u}}, uint32_t(seed), uint32_t(seed >> 32));
}

}  // namespace satchel::philox
