// A reduction's prior pass: a first fold whose per-result value (the mean var
// subtracts, the max logsumexp shifts by) the second fold's map and project see
// as their last argument. Shared by the CPU's reduce_dims.h and the device's
// dims.cuh; a reduction without a prior binds nothing, at no cost.
#pragma once

#include <cstdint>
#include <optional>

#include "cast.h"
#include "config.h"

namespace satchel {

// One fold of a reduction with a prior pass: the functors of its map, combine
// and project, and its identity (none for min and max).
template <class Acc, class Map, class Combine, class Project>
struct Fold {
  Map map;
  Combine combine;
  std::optional<Acc> identity;
  Project project;
};

template <class Acc, class Map, class Combine, class Project>
Fold<Acc, Map, Combine, Project> make_fold(Map map, Combine combine, std::optional<Acc> identity, Project project) {
  return {map, combine, identity, project};
}

// The start of a whole-tensor prior whose combine has none (a norm's max): 0
// over no elements, as along dims, else its first element.
template <class Acc>
std::optional<Acc> zero_if_empty(int64_t numel) {
  return numel ? std::nullopt : std::optional<Acc>(Acc(0));
}

// f with a prior value appended to its arguments.
template <class F, class Acc>
struct WithPrior {
  F f;
  Acc prior;
  template <class... A>
  SATCHEL_HD auto operator()(A... a) const {
    return f(a..., prior);
  }
};

struct NoPrior {
  template <class F>
  SATCHEL_HD const F& bind(const F& f, int64_t) const {
    return f;
  }
  SATCHEL_HD void store(int64_t) const {}
};

// The priors of every result, in result order, and where to store them as Out
// (var_mean's mean), or nowhere.
template <class Acc, class Out>
struct Priors {
  const Acc* values;
  Out* out;
  template <class F>
  SATCHEL_HD WithPrior<F, Acc> bind(const F& f, int64_t i) const {
    return {f, values[i]};
  }
  SATCHEL_HD void store(int64_t i) const {
    if (out) out[i] = convert<Out>(values[i]);
  }
};

}  // namespace satchel
