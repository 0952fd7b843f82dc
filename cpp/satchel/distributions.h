// The distributions, each a functor that turns block b of a draw's Philox stream
// into its per_block elements b * per_block ... (the last block's extra elements
// are dropped): operator()(draw, b, out), which for most is apply(block b, b, out). Host and device run the same functors (random.h's CPU loop,
// cuda/random.cu's kernel), so a seed gives the same bits on both.
//
// Uniform floats take the top `digits` bits of a word (24 for float32, 53 for
// float64 from two words, 11 for float16, so that rounding never reaches 1) times
// 2^-digits; normals are Box-Muller on pairs, as PyTorch's CUDA draws them.
#pragma once

#include <cstdint>
#include <limits>

#include "core/random.h"
#include "half.h"
#include "philox.h"
#include "random_math.h"

namespace satchel::dist {

using random::Draw;

template <class T>
inline constexpr int kDigits = std::numeric_limits<T>::digits;
template <>
inline constexpr int kDigits<half> = 11;

// Elements per block for values made of `digits` random bits: one word each up to 32.
template <int digits>
inline constexpr int kPerBlock = digits > 32 ? 2 : 4;

SATCHEL_HD philox::Block block_of(const Draw& d, uint64_t b, uint32_t attempt = 0) {
  const uint64_t n = d.offset + b;
  return philox::philox4x32_10(philox::Block{{uint32_t(n), uint32_t(n >> 32), attempt, 0u}}, uint32_t(d.seed),
                               uint32_t(d.seed >> 32));
}

// Bits k of a block: word k, or words 2k and 2k+1 for more than 32 bits.
template <int digits>
SATCHEL_HD uint64_t bits_of(const philox::Block& r, int k) {
  if constexpr (digits > 32)
    return ((uint64_t(r.v[2 * k]) << 32) | r.v[2 * k + 1]) >> (64 - digits);
  else
    return r.v[k] >> (32 - digits);
}

// In [0, 1), on the grid of 2^-digits.
template <class C, int digits>
SATCHEL_HD C unit_interval(const philox::Block& r, int k) {
  return C(bits_of<digits>(r, k)) * (C(1) / C(uint64_t(1) << digits));
}

// In (0, 1], for logarithms: the same grid shifted up by one step.
template <class C, int digits>
SATCHEL_HD C positive_unit(const philox::Block& r, int k) {
  return C(bits_of<digits>(r, k) + 1) * (C(1) / C(uint64_t(1) << digits));
}

// In (0, 1): the grid shifted up by half a step.
template <class C, int digits>
SATCHEL_HD C open_unit(const philox::Block& r, int k) {
  return rmath::fma(C(bits_of<digits>(r, k)), C(1) / C(uint64_t(1) << digits), C(0.5) / C(uint64_t(1) << digits));
}

// ---- floating distributions: T the element, C its compute type ------------------------

// [lo, hi): lo + u (hi - lo), and `below` (the largest T under hi) where rounding reaches hi.
template <class T, class C>
struct Uniform {
  static constexpr int digits = kDigits<T>, per_block = kPerBlock<digits>;
  C lo, span, hi;
  T below;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    for (int k = 0; k < per_block; ++k) {
      const T v = T(rmath::add(lo, rmath::mul(unit_interval<C, digits>(r, k), span)));
      out[k] = C(v) < hi ? v : below;
    }
  }
};

// Standard normals in pairs from two uniforms (Box-Muller): sqrt(-2 log u1) (cos, sin)(2 pi u2),
// in double for every dtype (32-bit uniforms for float32 and float16, four normals
// a block; 53-bit for float64, two): the tails reach 6.7 sigma, and the double
// math vectorises better on the host than the float one did.
template <class C>
struct Gaussian {
  static constexpr int digits = kDigits<C> > 32 ? 53 : 32, pairs = kPerBlock<digits> / 2;
  static SATCHEL_HD void pair(double u1, double u2, C* z) {
    const double radius = rmath::sqrt(rmath::mul(-2.0, rmath::log(u1)));
    const rmath::SinCos<double> sc = rmath::sincos_2pi(u2);
    z[0] = C(rmath::mul(radius, sc.cos));
    z[1] = C(rmath::mul(radius, sc.sin));
  }
  SATCHEL_HD void operator()(const philox::Block& r, C* z) const {
    pair(positive_unit<double, digits>(r, 0), unit_interval<double, digits>(r, 1), z);
    if constexpr (pairs == 2) pair(positive_unit<double, digits>(r, 2), unit_interval<double, digits>(r, 3), z + 2);
  }
};

// mean + std z; with log_normal, exp of that.
template <class T, class C, bool log_normal = false>
struct Normal {
  static constexpr int per_block = Gaussian<C>::pairs * 2;
  C mean, std;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    C z[per_block];
    Gaussian<C>{}(r, z);
    for (int k = 0; k < per_block; ++k) {
      const C v = rmath::add(mean, rmath::mul(std, z[k]));
      out[k] = T(log_normal ? rmath::exp(v) : v);
    }
  }
};

// Normals with a mean and a std per element (normal(Tensor mean, Tensor std)), read
// from contiguous arrays of the result's shape.
template <class T, class C>
struct NormalPerElement {
  static constexpr int per_block = Gaussian<C>::pairs * 2;
  const T* mean;
  const T* std;
  uint64_t n;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    C z[per_block];
    Gaussian<C>{}(r, z);
    for (int k = 0; k < per_block; ++k) {
      const uint64_t i = b * per_block + k;
      if (i < n) out[k] = T(rmath::add(C(mean[i]), rmath::mul(C(std[i]), z[k])));
    }
  }
};

// -log(u) / lambd, u in (0, 1]: in [0, inf).
template <class T, class C>
struct Exponential {
  static constexpr int digits = kDigits<C>, per_block = kPerBlock<digits>;
  C lambd;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    for (int k = 0; k < per_block; ++k) out[k] = T(-rmath::log(positive_unit<C, digits>(r, k)) / lambd);
  }
};

// The number of Bernoulli(p) trials up to the first success: ceil(log u / log(1 - p)), u in (0, 1).
template <class T, class C>
struct Geometric {
  static constexpr int digits = kDigits<C>, per_block = kPerBlock<digits>;
  C log1mp;  // log(1 - p) < 0, from the host's log1p
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    for (int k = 0; k < per_block; ++k) {
      const C q = rmath::log(open_unit<C, digits>(r, k)) / log1mp;
      // (from 2^mantissa on every C is a whole number, and int64 may not hold it)
      const C whole = q >= C(uint64_t(1) << rmath::Bits<C>::mantissa) ? q : C(int64_t(q));
      out[k] = T(whole < q ? whole + C(1) : (whole < C(1) ? C(1) : whole));
    }
  }
};

// median + sigma tan(pi u), u in (0, 1) (tan's period is pi: a standard Cauchy).
template <class T, class C>
struct Cauchy {
  static constexpr int digits = kDigits<C>, per_block = kPerBlock<digits>;
  C median, sigma;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    for (int k = 0; k < per_block; ++k) {
      const rmath::SinCos<C> sc = rmath::sincos_2pi(rmath::mul(open_unit<C, digits>(r, k), C(0.5)));
      out[k] = T(rmath::add(median, rmath::mul(sigma, sc.sin / sc.cos)));
    }
  }
};

// Poisson(rate[i]) (cuda/random.cu compiles with -fmad=false, so its plain arithmetic
// rounds as the host's does): each element reads its own blocks (counter b, attempt 0, 1, ...).
// Small rates multiply uniforms (Knuth); from 10 on, Hoermann's PTRS ("The
// transformed rejection method for generating Poisson random variables", 1993),
// which accepts about 90% of its tries, as NumPy's.
template <class T, class C>
struct Poisson {
  static constexpr int per_block = 1;
  const T* rate;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const {
    const double lam = double(C(rate[b]));
    out[0] = T(C(sample(d, b, lam)));
  }

  static SATCHEL_HD double sample(const Draw& d, uint64_t b, double lam) {
    if (!(lam > 0)) return lam == 0 ? 0.0 : lam;  // (NaN stays NaN)
    uint32_t attempt = 0;
    if (lam < 10) {
      const double limit = rmath::exp(-lam);
      double product = 1;
      int64_t count = -1;
      for (;;) {
        const philox::Block r = block_of(d, b, attempt++);
        for (int k = 0; k < 2; ++k) {
          product = rmath::mul(product, unit_interval<double, 53>(r, k));
          ++count;
          if (product <= limit) return double(count);
        }
      }
    }
    const double slam = rmath::sqrt(lam), loglam = rmath::log(lam);
    const double bb = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * bb;
    const double invalpha = 1.1239 + 1.1328 / (bb - 3.4), vr = 0.9277 - 3.6224 / (bb - 2);
    for (;;) {
      const philox::Block r = block_of(d, b, attempt++);
      const double u = unit_interval<double, 53>(r, 0) - 0.5, v = positive_unit<double, 53>(r, 1);
      const double us = 0.5 - (u < 0 ? -u : u);
      const double kf = double(int64_t(rmath::add(rmath::mul(rmath::add(rmath::mul(2 * a, 1 / us), bb), u), lam + 0.43)));
      if (us >= 0.07 && v <= vr) return kf;
      if (kf < 0 || (us < 0.013 && v > us)) continue;
      const double lhs = rmath::log(v) + rmath::log(invalpha) - rmath::log(a / (us * us) + bb);
      const double rhs = -lam + kf * loglam - log_factorial(kf);
      if (lhs <= rhs) return kf;
    }
  }

  // log k!: exact sums below 16, Stirling's series above (error < 1e-12 there).
  static SATCHEL_HD double log_factorial(double k) {
    if (k < 16) {
      double s = 0;
      for (int i = 2; i <= int(k); ++i) s += rmath::log(double(i));
      return s;
    }
    const double k1 = k + 1, inv = 1 / k1, inv2 = inv * inv;
    return (k1 - 0.5) * rmath::log(k1) - k1 + 0.91893853320467274178 +
           inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
  }
};

// ---- every dtype: C is the compute type, or double for Bernoulli's comparisons -------------

// 1 where u < p, u in [0, 1) on the grid of 2^-32 (p as a double).
template <class T>
struct Bernoulli {
  static constexpr int per_block = 4;
  double p;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    for (int k = 0; k < per_block; ++k) out[k] = T(compute_t<T>(unit_interval<double, 32>(r, k) < p ? 1 : 0));
  }
};

// The same with p per element (a contiguous array of the result's shape, in double).
template <class T, class P>
struct BernoulliPerElement {
  static constexpr int per_block = 4;
  const P* p;
  uint64_t n;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    for (int k = 0; k < per_block; ++k) {
      const uint64_t i = b * per_block + k;
      if (i < n) out[k] = T(compute_t<T>(unit_interval<double, 32>(r, k) < double(p[i]) ? 1 : 0));
    }
  }
};

// low + (r mod range), r 64 random bits (range 0: all 2^64 values). The bias of the
// modulus is below range / 2^64, under 2^-32 for ranges below 2^32.
template <class T>
struct RandInt {
  static constexpr int per_block = 2;
  int64_t low;
  uint64_t range;
  SATCHEL_HD void operator()(const Draw& d, uint64_t b, T* out) const { apply(block_of(d, b), b, out); }
  SATCHEL_HD void apply(const philox::Block& r, uint64_t b, T* out) const {
    for (int k = 0; k < per_block; ++k) {
      const uint64_t x = bits_of<64>(r, k);
      out[k] = T(compute_t<T>(int64_t(uint64_t(low) + (range ? x % range : x))));
    }
  }
};

}  // namespace satchel::dist
