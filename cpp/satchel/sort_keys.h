// An element as an unsigned key whose order is the sort order (for host and
// device alike): integers with the sign bit flipped, floats as IEEE bits made
// monotonic (negatives inverted, positives with the sign bit set), -0.0 as 0.0
// and every NaN as the largest key, after +inf, as NumPy orders them. Which
// encoding applies is the dtype's kind (satchel::DType<T>::kind, from spec/types.yaml).
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "config.h"
#include "half.h"
#include "satchel/dtypes.h"

namespace satchel {

template <class T>
struct SortKey {
  static constexpr char kind = DType<T>::kind;
  static constexpr int bits = 8 * int(sizeof(T));
  // The unsigned integer of T's size.
  using Bits = std::conditional_t<bits == 8, uint8_t,
               std::conditional_t<bits == 16, uint16_t, std::conditional_t<bits == 32, uint32_t, uint64_t>>>;
  static constexpr Bits sign = Bits(Bits(1) << (bits - 1));
  static constexpr Bits nan_key = Bits(~Bits(0));
  static_assert(kind == '?' || kind == 'u' || kind == 'i' || kind == 'f', "a dtype kind without a sort key");

  static SATCHEL_HD Bits bits_of(T v) {
    Bits u;
    std::memcpy(&u, &v, sizeof(T));
    return u;
  }

  // A float's fields (IEEE: half 5 exponent bits, float 8, double 11).
  static constexpr Bits mantissa = Bits(Bits(sign - 1) >> (bits == 16 ? 5 : bits == 32 ? 8 : 11));
  static constexpr Bits exponent = Bits(Bits(sign - 1) & ~mantissa);

  static SATCHEL_HD bool is_nan(Bits u) {
    if constexpr (kind == 'f') return (u & exponent) == exponent && (u & mantissa);
    else return false;
  }

  static SATCHEL_HD Bits encode(T v) {
    if constexpr (kind == '?') {
      return Bits(v ? 1 : 0);
    } else if constexpr (kind == 'u') {
      return Bits(v);
    } else if constexpr (kind == 'i') {
      return Bits(bits_of(v) ^ sign);
    } else {
      Bits u = bits_of(v);
      if (is_nan(u)) return nan_key;
      if (u == sign) u = 0;  // -0.0
      return (u & sign) ? Bits(~u) : Bits(u | sign);
    }
  }

  // The element of a key, exact but where decode_exact says not: a float's 0.0
  // may have been -0.0 and its NaN any NaN; those the caller reads from the input.
  static SATCHEL_HD T decode(Bits k) {
    if constexpr (kind == '?') {
      return k != 0;
    } else if constexpr (kind == 'u') {
      return T(k);
    } else {
      const Bits u = kind == 'i' ? Bits(k ^ sign) : (k & sign) ? Bits(k ^ sign) : Bits(~k);
      T v;
      std::memcpy(static_cast<void*>(&v), &u, sizeof(T));
      return v;
    }
  }

  // Whether a key is a NaN's (for integers, the largest key is a number's).
  static SATCHEL_HD bool is_nan_key(Bits k) { return kind == 'f' && k == nan_key; }

  static SATCHEL_HD bool decode_exact(Bits k) { return kind != 'f' || (k != sign && k != nan_key); }

};

}  // namespace satchel
