// Several results of an op, which Python receives as a named tuple: Tag names
// its class and fields (a unit declares one tag per such op; bind.h converts).
#pragma once

#include <tuple>

namespace satchel {

template <class Tag, class... T>
struct Named {
  std::tuple<T...> values;
};

}  // namespace satchel
