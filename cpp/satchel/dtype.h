// What the runtime knows of an element type beyond C++: its spec name and the
// number of that dtype it prints and parses. The generator specialises DType
// for each unit's element type from spec/types.yaml.
#pragma once

#include <limits>
#include <type_traits>

#include "half.h"

namespace satchel {

template <class T>
struct DType;  // { static constexpr const char* name; using compute = ...; }

// The range a value must be in to be stored as T (half: +-65504).
template <class T>
constexpr double lowest_value() {
  if constexpr (std::is_same_v<T, half>) return -65504.0;
  else return double(std::numeric_limits<T>::lowest());
}
template <class T>
constexpr double max_value() {
  if constexpr (std::is_same_v<T, half>) return 65504.0;
  else return double(std::numeric_limits<T>::max());
}

template <class T>
constexpr bool is_floating = std::is_floating_point_v<T> || std::is_same_v<T, half>;

}  // namespace satchel
