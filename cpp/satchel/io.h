// read1d_file / write1d_file: TH's DiskFile formats. Text is numbers separated by
// any whitespace; binary is raw little-endian elements. The typed part: each
// number parsed and formatted as its dtype; the files themselves are the core's
// (core/file.h).
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "core/bools.h"
#include "core/file.h"
#include "dtype.h"
#include "gil.h"
#include "tensor.h"

namespace satchel {

static_assert(std::endian::native == std::endian::little, "binary files are read as little-endian");

namespace detail {

template <class T>
std::string range_text() {
  return "[" + std::to_string(+std::numeric_limits<T>::lowest()) + ", " +
         std::to_string(+std::numeric_limits<T>::max()) + "]";
}

// Parses one token as a T; returns an error text (empty on success).
template <class T>
std::string parse_token(const std::string& token, T& out) {
  const char* name = DType<T>::name;
  if constexpr (std::is_same_v<T, bool>) {
    if (token == "0" || token == "false" || token == "False") return out = false, "";
    if (token == "1" || token == "true" || token == "True") return out = true, "";
    return "'" + token + "' is not a bool (0, 1, true or false)";
  } else if constexpr (DType<T>::kind == 'f') {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size() || token.empty())
      return "'" + token + "' is not a number of dtype " + name;
    // Out of range only when the value rounds to infinity in T: the shortest text
    // of the largest finite value (3.4028235e+38 for float) is a little above it.
    const T rounded = T(v);
    if ((errno == ERANGE && std::isinf(v)) || (std::isfinite(v) && std::isinf(double(rounded))))
      return "'" + token + "' is out of range for " + name;
    out = rounded;
    return "";
  } else {
    const char* b = token.data();
    const char* e = b + token.size();
    if (b != e && *b == '+' && ++b != e && *b == '-')  // "+-5"
      return "'" + token + "' is not an integer of dtype " + name;
    const bool negative = b != e && *b == '-';
    std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t> v{};
    auto [ptr, ec] = std::from_chars(negative && std::is_unsigned_v<T> ? b + 1 : b, e, v);
    if (ptr != e || b == e || ec == std::errc::invalid_argument)
      return "'" + token + "' is not an integer of dtype " + name;
    if (ec == std::errc::result_out_of_range || (negative && std::is_unsigned_v<T> && v != 0) ||
        double(v) < DType<T>::lowest || double(v) > DType<T>::highest)
      return "'" + token + "' is out of range for " + name + " " + range_text<T>();
    out = T(v);
    return "";
  }
}

}  // namespace detail

namespace native {

template <class TensorT>
TensorT read1d_file(const std::string& path, int64_t size, bool binary) {
  using T = typename TensorT::value_type;
  if (size < 0) throw std::invalid_argument("read1d_file: size must be >= 0, got " + std::to_string(size));
  file::Reader in(path);
  const auto shortfall = [&](std::size_t got, std::size_t need) {
    return std::invalid_argument(path + ": expected " + std::to_string(size) + " " + DType<T>::name + " elements (" +
                                 std::to_string(need) + " bytes), found " + std::to_string(got / sizeof(T)) + " (" +
                                 std::to_string(got) + " bytes)");
  };
  // A regular file too short fails before the tensor is allocated.
  const std::size_t need = binary ? std::size_t(size) * sizeof(T) : 0;
  if (const auto bytes = in.regular_size(); binary && bytes && *bytes < need) throw shortfall(*bytes, need);
  TensorT t = TensorT::empty(Dims{size});
  T* out = t.data();
  // Reading and parsing touch no Python object: other threads run meanwhile.
  ReleaseGil unlocked(kParallelGrain);
  if (binary) {
    if (const std::size_t got = in.read(out, need); got < need) throw shortfall(got, need);
    if constexpr (std::is_same_v<T, bool>) check_bools(t, path);
    return t;
  }
  file::parse_tokens(in, size, [out](const std::string& token, int64_t i) {
    return detail::parse_token(token, out[i]);
  });
  return t;
}

template <class T>
std::string format_number(T v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "1" : "0";
  } else {
    char buf[64];
    // The shortest text that reads back exactly (storage-only types as their compute type).
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, compute_t<T>(v));
    return std::string(buf, r.ptr);
  }
}

template <class TensorT>
void write1d_file(const TensorT& t, const std::string& path, bool binary) {
  using T = typename TensorT::value_type;
  if (t.dim() != 1)
    throw std::invalid_argument("write1d_file: expected a 1-D tensor, got shape " + to_string(t.sizes()));
  std::string data;
  const T* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const T v = p[i * t.stride(0)];
    if (binary) data.append(reinterpret_cast<const char*>(&v), sizeof v);
    else data += format_number(v) + "\n";
  }
  file::write_atomically(path, data);
}

}  // namespace native
}  // namespace satchel
