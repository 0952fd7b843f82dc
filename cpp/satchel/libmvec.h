// Register forms of elementary.h's functions from glibc's vector math library
// (libmvec, the C library's own AVX-512 versions of sin, cos, ...), each where its
// measured error stays within the bound tests/test_accuracy.py holds every
// function to (2 ulps). Where libmvec's float version is looser (tan, asin, acos,
// cosh, expm1, log10, erf: up to 4 ulps), float goes through its double version
// on two halves of the register and rounds once, which is within half an ulp of
// float and still several times the speed of one element at a time. Where the
// double version is looser too (sin, cos, tan, asin, erf: up to 3.4 ulps), double
// keeps the C library's one-element function (acos too, at 2.0 ulps measured). CMake defines SATCHEL_LIBMVEC where
// the library links.
#pragma once

#if SATCHEL_AVX512 && SATCHEL_LIBMVEC && !defined(__CUDACC__)
#include <immintrin.h>

// libmvec's names: the x86-64 vector ABI's mangling of the scalar name
// (_ZGVe: AVX-512, N16/N8: unmasked, 16 or 8 lanes, v: one vector argument).
#define SATCHEL_MVEC_DECLARE(name)                  \
  extern "C" __m512 _ZGVeN16v_##name##f(__m512);    \
  extern "C" __m512d _ZGVeN8v_##name(__m512d);
SATCHEL_MVEC_DECLARE(sin)
SATCHEL_MVEC_DECLARE(cos)
SATCHEL_MVEC_DECLARE(tan)
SATCHEL_MVEC_DECLARE(asin)
SATCHEL_MVEC_DECLARE(acos)
SATCHEL_MVEC_DECLARE(atan)
SATCHEL_MVEC_DECLARE(sinh)
SATCHEL_MVEC_DECLARE(cosh)
SATCHEL_MVEC_DECLARE(asinh)
SATCHEL_MVEC_DECLARE(acosh)
SATCHEL_MVEC_DECLARE(atanh)
SATCHEL_MVEC_DECLARE(log1p)
SATCHEL_MVEC_DECLARE(expm1)
SATCHEL_MVEC_DECLARE(log2)
SATCHEL_MVEC_DECLARE(log10)
SATCHEL_MVEC_DECLARE(exp2)
SATCHEL_MVEC_DECLARE(erf)
SATCHEL_MVEC_DECLARE(erfc)
#undef SATCHEL_MVEC_DECLARE

namespace satchel::math {

namespace detail {
// g over the 16 floats of x, computed in double, 8 at a time.
template <class G>
[[gnu::always_inline]] inline f32x16 through_double(G g, f32x16 x) {
  // (The masked extracts: GCC 12's plain ones warn of an uninitialised register.)
  const __m512d v = _mm512_castps_pd(__m512(x));
  const __m256 lo = _mm256_castpd_ps(_mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, v, 0));
  const __m256 hi = _mm256_castpd_ps(_mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, v, 1));
  const __m256 rlo = _mm512_cvtpd_ps(g(_mm512_cvtps_pd(lo)));
  const __m256 rhi = _mm512_cvtpd_ps(g(_mm512_cvtps_pd(hi)));
  return f32x16(_mm512_castpd_ps(
      _mm512_insertf64x4(_mm512_zextpd256_pd512(_mm256_castps_pd(rlo)), _mm256_castps_pd(rhi), 1)));
}
}  // namespace detail

#define SATCHEL_MVEC_FLOAT(name) \
  inline detail::f32x16 name(detail::f32x16 x) { return detail::f32x16(_ZGVeN16v_##name##f(__m512(x))); }
#define SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(name)                                          \
  inline detail::f32x16 name(detail::f32x16 x) {                                         \
    return detail::through_double([](__m512d d) { return _ZGVeN8v_##name(d); }, x);      \
  }
#define SATCHEL_MVEC_DOUBLE(name) \
  inline detail::f64x8 name(detail::f64x8 x) { return detail::f64x8(_ZGVeN8v_##name(__m512d(x))); }

SATCHEL_MVEC_FLOAT(sin)
SATCHEL_MVEC_FLOAT(cos)
SATCHEL_MVEC_FLOAT(atan)
SATCHEL_MVEC_FLOAT(sinh)
SATCHEL_MVEC_FLOAT(asinh)
SATCHEL_MVEC_FLOAT(acosh)
SATCHEL_MVEC_FLOAT(atanh)
SATCHEL_MVEC_FLOAT(log1p)
SATCHEL_MVEC_FLOAT(log2)
SATCHEL_MVEC_FLOAT(exp2)
SATCHEL_MVEC_FLOAT(erfc)

SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(tan)
SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(asin)
SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(acos)
SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(cosh)
SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(expm1)
SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(log10)
SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE(erf)

SATCHEL_MVEC_DOUBLE(atan)
SATCHEL_MVEC_DOUBLE(sinh)
SATCHEL_MVEC_DOUBLE(cosh)
SATCHEL_MVEC_DOUBLE(asinh)
SATCHEL_MVEC_DOUBLE(acosh)
SATCHEL_MVEC_DOUBLE(atanh)
SATCHEL_MVEC_DOUBLE(log1p)
SATCHEL_MVEC_DOUBLE(log2)
SATCHEL_MVEC_DOUBLE(log10)
SATCHEL_MVEC_DOUBLE(exp2)
SATCHEL_MVEC_DOUBLE(erfc)

#undef SATCHEL_MVEC_FLOAT
#undef SATCHEL_MVEC_FLOAT_THROUGH_DOUBLE
#undef SATCHEL_MVEC_DOUBLE

}  // namespace satchel::math
#endif
