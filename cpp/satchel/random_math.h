// The math of random draws, the same bits on host and device: uniform floats from
// random words, and log, exp, sin and cos from additions, multiplications and fmas
// alone, each rounded once (CUDA's logf and glibc's differ in the last bit, and
// nvcc would fuse a * b + c where the host does not). One template serves float
// and double.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "config.h"

namespace satchel::rmath {

#if defined(__CUDA_ARCH__)
SATCHEL_HD float mul(float a, float b) { return __fmul_rn(a, b); }
SATCHEL_HD double mul(double a, double b) { return __dmul_rn(a, b); }
SATCHEL_HD float add(float a, float b) { return __fadd_rn(a, b); }
SATCHEL_HD double add(double a, double b) { return __dadd_rn(a, b); }
SATCHEL_HD float fma(float a, float b, float c) { return fmaf(a, b, c); }
SATCHEL_HD double fma(double a, double b, double c) { return ::fma(a, b, c); }
SATCHEL_HD float sqrt(float a) { return __fsqrt_rn(a); }
SATCHEL_HD double sqrt(double a) { return __dsqrt_rn(a); }
#else
// (the units compile with -ffp-contract=off: nothing here fuses)
SATCHEL_HD float mul(float a, float b) { return a * b; }
SATCHEL_HD double mul(double a, double b) { return a * b; }
SATCHEL_HD float add(float a, float b) { return a + b; }
SATCHEL_HD double add(double a, double b) { return a + b; }
SATCHEL_HD float fma(float a, float b, float c) { return std::fma(a, b, c); }
SATCHEL_HD double fma(double a, double b, double c) { return std::fma(a, b, c); }
SATCHEL_HD float sqrt(float a) { return std::sqrt(a); }
SATCHEL_HD double sqrt(double a) { return std::sqrt(a); }
#endif
template <class C>
SATCHEL_HD C sub(C a, C b) { return add(a, -b); }

template <class To, class From>
SATCHEL_HD To bit_cast(From x) {
  static_assert(sizeof(To) == sizeof(From));
  To y;  // (memcpy: one move on host and device alike)
  memcpy(&y, &x, sizeof(To));
  return y;
}

template <class C> struct Bits;
template <> struct Bits<float> {
  using word = uint32_t;
  static constexpr int mantissa = 23, bias = 127, log_terms = 6, sin_terms = 5, exp_terms = 8;
  static SATCHEL_HD word of(float x) { return bit_cast<word>(x); }
  static SATCHEL_HD float from(word w) { return bit_cast<float>(w); }
};
template <> struct Bits<double> {
  using word = uint64_t;
  static constexpr int mantissa = 52, bias = 1023, log_terms = 12, sin_terms = 9, exp_terms = 13;
  static SATCHEL_HD word of(double x) { return bit_cast<word>(x); }
  static SATCHEL_HD double from(word w) { return bit_cast<double>(w); }
};

// log(x) for x > 0 finite: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s),
// s = (m - 1) / (m + 1), |s| < 0.1716, as a series in s^2.
template <class C>
SATCHEL_HD C log(C x) {
  using B = Bits<C>;
  // Branch-free (selects), so that loops of draws vectorise: tiny and subnormal x
  // are scaled into the normal range first.
  const bool tiny = x < C(1) / C(1ull << 60);
  x = tiny ? mul(x, C(1ull << 60)) : x;
  typename B::word w = B::of(x);
  int e = int(w >> B::mantissa) - B::bias - (tiny ? 60 : 0);
  w = (w & ((typename B::word(1) << B::mantissa) - 1)) | (typename B::word(B::bias) << B::mantissa);
  C m = B::from(w);  // in [1, 2)
  const bool high = m > C(1.41421356237309504880);
  m = high ? mul(m, C(0.5)) : m;
  e += high ? 1 : 0;
  const C f = sub(m, C(1));  // exact (Sterbenz)
  const C s = f / add(m, C(1));
  const C s2 = mul(s, s);
  C p = C(1) / C(2 * B::log_terms + 1);
  for (int k = B::log_terms - 1; k >= 1; --k) p = fma(p, s2, C(1) / C(2 * k + 1));
  // log m = 2s + 2s^3 p = f - (f - 2s) + ..., written as 2s + 2s * s2 * p
  const C two_s = add(s, s);
  const C logm = fma(mul(two_s, s2), p, two_s);
  // e ln2 in two parts: the first exact for |e| < 2^11
  const C ln2_hi = C(0.693145751953125), ln2_lo = C(1.42860682030941723212e-6);
  return add(fma(C(e), ln2_hi, 0), fma(C(e), ln2_lo, logm));
}

// exp(x): x = k ln2 + r, |r| <= ln2/2, e^r by its Taylor series; 0 below and inf above the range.
template <class C>
SATCHEL_HD C exp(C x) {
  using B = Bits<C>;
  if (!(x == x)) return x;
  const C top = B::bias == 127 ? C(88.72) : C(709.78), bottom = B::bias == 127 ? C(-103.0) : C(-745.2);
  if (x > top) return C(INFINITY);
  if (x < bottom) return C(0);
  const C k = C(int(fma(x, C(1.44269504088896340736), C(x < 0 ? -0.5 : 0.5))));
  const C ln2_hi = C(0.693145751953125), ln2_lo = C(1.42860682030941723212e-6);
  const C r = fma(-k, ln2_lo, fma(-k, ln2_hi, x));
  C p = C(1);
  for (int n = B::exp_terms; n >= 1; --n) p = fma(p, mul(r, C(1) / C(n)), C(1));
  // times 2^k in two steps, so that subnormal results and k = bias are right
  const int k1 = int(k) / 2, k2 = int(k) - k1;
  const C s1 = B::from(typename B::word(k1 + B::bias) << B::mantissa);
  const C s2 = B::from(typename B::word(k2 + B::bias) << B::mantissa);
  return mul(mul(p, s1), s2);
}

// (sin 2 pi a, cos 2 pi a) for a in [0, 1]: the quadrant from the nearest quarter,
// the rest by Taylor series on [-pi/4, pi/4].
template <class C>
struct SinCos {
  C sin, cos;
};

template <class C>
SATCHEL_HD SinCos<C> sincos_2pi(C a) {
  using B = Bits<C>;
  const C q = C(int(fma(a, C(4), C(0.5))));  // nearest quarter turn, 0 .. 4
  const C r = fma(q, C(-0.25), a);  // exact: a - q/4, |r| <= 1/8
  const C x = mul(r, C(6.28318530717958647692));
  const C x2 = mul(x, x);
  C s = C(1), c = C(1);
  for (int n = B::sin_terms; n >= 1; --n) {
    s = fma(mul(s, x2), C(-1) / C((2 * n) * (2 * n + 1)), C(1));
    c = fma(mul(c, x2), C(-1) / C((2 * n - 1) * (2 * n)), C(1));
  }
  s = mul(s, x);
  // rotate by q quarter turns: (s, c), (c, -s), (-s, -c), (-c, s)
  const int turn = int(q) & 3;
  const C sin_q = turn & 1 ? c : s, cos_q = turn & 1 ? -s : c;
  return {turn & 2 ? -sin_q : sin_q, turn & 2 ? -cos_q : cos_q};
}

}  // namespace satchel::rmath
