// IEEE 754 binary16, stored as bits; arithmetic happens in float (the spec's
// `compute: float`), so this type only converts.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "config.h"

// With F16C, and on CUDA devices, each conversion is one instruction. (GCC 12's
// _Float16 would let loops vectorise them, but makes every loop that does not a
// library call per element, several times slower.)
#if defined(__F16C__) && !defined(__CUDACC__)
#define SATCHEL_HALF_NATIVE 1
#include <immintrin.h>
#endif

namespace satchel {

struct half {
  uint16_t bits = 0;

  half() = default;
  SATCHEL_HD half(float f) : bits(from_float(f)) {}
  // From double, rounded once (a template, so that half(1) still means half(1.0f)).
  template <class D, std::enable_if_t<std::is_same_v<D, double>, int> = 0>
  SATCHEL_HD half(D d) : bits(from_double(d)) {}
  SATCHEL_HD operator float() const { return to_float(bits); }

  static SATCHEL_HD half from_bits(uint16_t b) {
    half h;
    h.bits = b;
    return h;
  }

  static SATCHEL_HD float to_float(uint16_t h) {
#if defined(__CUDA_ARCH__)
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
#elif defined(SATCHEL_HALF_NATIVE)
    return _cvtsh_ss(h);
#else
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0x1f) {  // inf or NaN
      bits = sign | 0x7f800000u | (mant << 13);
    } else if (exp != 0) {  // normal
      bits = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant == 0) {  // zero
      bits = sign;
    } else {  // subnormal: normalise
      exp = 113;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
#endif
  }

  // Round to nearest even, as NumPy does. Going through float rounded to nearest
  // would round twice (1 + 2^-11 + 2^-40 would become 1, not 1 + 2^-10); float
  // rounded to odd keeps what the second rounding needs, float having more than
  // two bits to spare.
  static SATCHEL_HD uint16_t from_double(double d) {
    float f = float(d);
    if (double(f) != d && d == d) {  // inexact (and not NaN)
      uint32_t b;
      std::memcpy(&b, &f, sizeof b);
      if (d > 0 ? double(f) > d : double(f) < d) --b;  // rounded away from zero: truncate
      b |= 1u;
      std::memcpy(&f, &b, sizeof f);
    }
    return from_float(f);
  }

  // Round to nearest even, as hardware conversions do.
  static SATCHEL_HD uint16_t from_float(float f) {
#if defined(__CUDA_ARCH__)
    uint16_t h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
#elif defined(SATCHEL_HALF_NATIVE)
    return _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
#else
    uint32_t x;
    std::memcpy(&x, &f, sizeof x);
    const uint16_t sign = uint16_t((x >> 16) & 0x8000u);
    const uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u)  // inf or NaN (keep NaN quiet)
      return sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u);
    if (absx >= 0x477ff000u)  // rounds past the largest half (65504)
      return sign | 0x7c00u;
    if (absx < 0x38800000u) {  // below the smallest normal half: subnormal or zero
      if (absx < 0x33000000u) return sign;  // under half the smallest subnormal
      const uint32_t mant = (absx & 0x7fffffu) | 0x800000u;
      const int shift = 126 - int(absx >> 23);  // 14..24
      uint32_t r = mant >> shift;
      const uint32_t rem = mant & ((1u << shift) - 1);
      const uint32_t halfway = 1u << (shift - 1);
      if (rem > halfway || (rem == halfway && (r & 1u))) ++r;
      return sign | uint16_t(r);
    }
    uint32_t r = ((absx >> 13) - (112u << 10));
    const uint32_t rem = absx & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
    return sign | uint16_t(r);
#endif
  }
};

static_assert(sizeof(half) == 2, "half must be two bytes");

// Runs of halves to floats and back, 16 or 8 at a time where AVX-512 or F16C has vector forms,
// so that loops over half tensors can stage through float and vectorise.
inline void widen(const half* in, float* out, int64_t n) {
  int64_t i = 0;
#if defined(SATCHEL_HALF_NATIVE) && defined(__AVX512F__)
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(out + i,
                     _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i))));
#endif
#if defined(SATCHEL_HALF_NATIVE) && defined(__AVX__)
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
#endif
  for (; i < n; ++i) out[i] = float(in[i]);
}

inline void narrow(const float* in, half* out, int64_t n) {
  int64_t i = 0;
#if defined(SATCHEL_HALF_NATIVE) && defined(__AVX512F__)
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                        _mm512_maskz_cvtps_ph(0xffff, _mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
#endif
#if defined(SATCHEL_HALF_NATIVE) && defined(__AVX__)
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
#endif
  for (; i < n; ++i) out[i] = half(in[i]);
}

template <>
struct compute_type<half> {
  using type = float;
};

}  // namespace satchel
