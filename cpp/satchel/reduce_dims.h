// Reductions along dims on the CPU: each result element is project(fold of
// map(x) by combine over the folded dims, count), accumulated in Acc and stored
// as Out; and the arg-reductions (value and index of the best element along one
// dim). The functors are the unit's, generated from the spec's reduce bodies.
//
// One walk serves every layout: self and an accumulator buffer (stride 0 along
// folded dims) over self's shape, dims ordered by self's strides. A run along a
// folded dim folds into one accumulator (reduce.h's vectorised fold_run); a run
// along a kept dim updates a row of accumulators elementwise, which vectorises
// too, so sum(dim=0) and sum(dim=1) of a row-major matrix both stream memory.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/reduction.h"
#include "prior.h"
#include "reduce.h"

namespace satchel {

namespace detail {

// A contiguous tensor as one dim.
template <class TensorT>
TensorT flat(const TensorT& t) {
  return TensorT(t.storage(), t.storage_offset(), Dims{t.numel()}, Dims{1});
}

// The best of n contiguous elements and its first index: the value folded by
// combine (max or min, NaN winning), which vectorises as reduce.h's folds do (a
// loop carrying one best and its index does not: argmax of 4096-element float
// rows ran 4x slower than NumPy's), then the first element that ties it.
inline constexpr int64_t kArgLanes = 16;

template <class C, class Better, class Combine, class T>
int64_t arg_best_run(const Better& better, const Combine& combine, const T* x, int64_t n, C& best) {
  char* const ptr[] = {reinterpret_cast<char*>(const_cast<T*>(x))};
  const int64_t stride[] = {int64_t(sizeof(T))};
  best = combine(best, fold_run<C, C, T>([](C v) { return v; }, combine, best, ptr, stride, n,
                                         std::index_sequence<0>{}));
  // Neither beats the other (NaN ties NaN); looked for a block of lanes at a time.
  const auto ties = [&](int64_t i) {
    const C v = C(x[i]);
    return !better(v, best) & !better(best, v);
  };
  int64_t i = 0;
  for (; i + kArgLanes <= n; i += kArgLanes) {
    bool found = false;
    for (int64_t j = 0; j < kArgLanes; ++j) found |= ties(i + j);
    if (found) break;
  }
  while (!ties(i)) ++i;
  return i;
}

// self's dims laid over the accumulators of a reduction: operand 0 self,
// operand 1 `acc` (kept dims contiguous, folded dims stride 0).
inline Layout fold_layout(const TensorBase& self, int64_t itemsize, char* acc, int64_t acc_item, const Reduction& r) {
  Dims acc_strides = contiguous_strides(r.kept);
  for (int d = 0; d < self.dim(); ++d)
    if (r.folds(d)) acc_strides[d] = 0;
  Layout layout(2);
  layout.add(0, self.bytes(itemsize), self.sizes(), self.strides(), itemsize, self.sizes());
  layout.add(1, acc, r.kept, acc_strides, acc_item, self.sizes());
  layout.collapse(self.sizes());
  return layout;
}

}  // namespace detail

namespace detail {

// Folds self over r's dims into acc[0, n), in result order, from identity (a
// combine without one starts from each result's first element, and then needs
// one). priors binds each result's prior to map (NoPrior: nothing).
template <class Acc, class C, class Map, class Combine, class PriorsT, class TensorT>
void fold_dims(Acc* acc, int64_t n, const Reduction& r, const Map& map, const Combine& combine,
               std::optional<Acc> identity, const PriorsT& priors, const TensorT& self) {
  using T = typename TensorT::value_type;
  std::fill_n(acc, n, identity ? *identity : Acc());
  if (!identity) {  // each accumulator starts as its first element: self at index 0 of the folded dims
    Dims first = self.sizes();
    for (int d = 0; d < self.dim(); ++d)
      if (r.folds(d)) first[d] = 1;
    const TensorT head(self.storage(), self.storage_offset(), first, self.strides());
    Layout layout = fold_layout(head, sizeof(T), reinterpret_cast<char*>(acc), sizeof(Acc), r);
    layout.walk(0, 0, layout.numel, [&](char* const* p, const int64_t* s, int64_t m) {
      for (int64_t i = 0; i < m; ++i) {
        Acc* a = reinterpret_cast<Acc*>(p[1] + i * s[1]);
        *a = priors.bind(map, a - acc)(Acc(C(*reinterpret_cast<const T*>(p[0] + i * s[0]))));
      }
    });
  }
  // buffer: the accumulators the layout's operand 1 points into, whose offsets are result indices.
  const auto fold = [&](const Layout& layout, int64_t b, int64_t e, const Acc* buffer) {
    layout.walk(0, b, e, [&](char* const* p, const int64_t* s, int64_t m) {
      Acc* a = reinterpret_cast<Acc*>(p[1]);
      const int64_t k = a - buffer;
      if (s[1] == 0) {  // along a folded dim: into one accumulator
        *a = combine(*a, fold_run<Acc, C, T>(priors.bind(map, k), combine, identity ? *identity : *a, p, s, m,
                                             std::index_sequence<0>{}));
      } else if (s[0] == int64_t(sizeof(T)) && s[1] == int64_t(sizeof(Acc))) {
        const T* x = reinterpret_cast<const T*>(p[0]);
        for (int64_t i = 0; i < m; ++i) a[i] = combine(a[i], priors.bind(map, k + i)(element<Acc, C>(x, i)));
      } else {
        for (int64_t i = 0; i < m; ++i) {
          Acc& ai = *reinterpret_cast<Acc*>(p[1] + i * s[1]);
          ai = combine(ai, priors.bind(map, &ai - buffer)(Acc(C(*reinterpret_cast<const T*>(p[0] + i * s[0])))));
        }
      }
    });
  };
  Layout layout = fold_layout(self, sizeof(T), reinterpret_cast<char*>(acc), sizeof(Acc), r);
  if (layout.numel == 0) return;  // every result folds no elements: the identity
  ReleaseGil unlocked(layout.numel);
  const int workers = worker_count(layout.numel);
  const int last = layout.sizes.size() - 1;
  const int64_t outer = layout.sizes[0];
  const int64_t inner = layout.numel / outer;
  if (workers <= 1) {
    fold(layout, 0, layout.numel, acc);
  } else if (layout.strides[1][last] != 0 && layout.sizes[last] >= 64 * workers) {
    // The innermost dim is kept: workers take columns of it, whose accumulators are their own.
    parallel_for(layout.sizes[last], workers, 64, [&](int64_t b, int64_t e, int) {
      Layout mine = layout;
      for (int k = 0; k < 2; ++k) mine.base[k] += b * layout.strides[k][last];
      mine.sizes[last] = e - b;
      mine.numel = layout.numel / layout.sizes[last] * (e - b);
      fold(mine, 0, mine.numel, acc);
    });
  } else if (layout.strides[1][0] != 0 && outer >= workers) {
    // The outermost dim is kept: workers take whole slices of it, whose accumulators are their own.
    parallel_for(outer, workers, 1, [&](int64_t b, int64_t e, int) { fold(layout, b * inner, e * inner, acc); });
  } else {
    // Each worker folds a share of the elements into accumulators of its own, combined after.
    std::vector<std::unique_ptr<Acc[]>> partial(workers - 1);
    for (std::unique_ptr<Acc[]>& p : partial) {
      p.reset(new Acc[n]);
      std::copy_n(acc, n, p.get());
    }
    parallel_for(layout.numel, workers, 64, [&](int64_t b, int64_t e, int w) {
      Layout mine = layout;
      const Acc* buffer = w > 0 ? partial[w - 1].get() : acc;
      mine.base[1] = reinterpret_cast<char*>(const_cast<Acc*>(buffer));
      fold(mine, b, e, buffer);
    });
    for (const std::unique_ptr<Acc[]>& p : partial)
      for (int64_t i = 0; i < n; ++i) acc[i] = combine(acc[i], p[i]);
  }
}

}  // namespace detail

// The result of reducing self over `dim` by map and combine, starting from
// identity (a combine without one starts from each result's first element, and
// then needs one). Project sees the accumulated value and the count folded in.
template <class Out, class Acc, class C, class Map, class Combine, class Project, class TensorT, class DimT>
Tensor<Out, Device::cpu> reduce_dims(const char* op, const Map& map, const Combine& combine,
                                     std::optional<Acc> identity, const Project& project, const TensorT& self,
                                     const DimT& dim, bool keepdim) {
  using OutTensor = Tensor<Out, Device::cpu>;
  const Reduction r = plan_reduction(op, self.sizes(), dim, keepdim);
  OutTensor out = OutTensor::empty(r.out);
  const int64_t n = out.numel();
  if (n == 0) return out;
  if (r.count == 0 && !identity) throw_empty_reduction(op, self.sizes(), r);
  std::unique_ptr<Acc[]> acc(new Acc[n]);  // not std::vector, whose bools are bits
  detail::fold_dims<Acc, C>(acc.get(), n, r, map, combine, identity, NoPrior{}, self);
  Out* o = out.data();
  const Acc count = Acc(r.count);
  for (int64_t i = 0; i < n; ++i) o[i] = convert<Out>(project(acc[i], count));
  return out;
}

// A reduction with a prior pass (prior.h): first `prior` (a Fold: map, combine,
// identity, project) over the same dims, then `main`, whose map and project see
// each result's prior. Gives the
// results and the priors, both as Out (var_mean's (var, mean)).
template <class Out, class Acc, class C, class PriorFold, class MainFold, class TensorT, class DimT>
std::pair<Tensor<Out, Device::cpu>, Tensor<Out, Device::cpu>> reduce_dims_prior(const char* op,
                                                                                const PriorFold& prior,
                                                                                const MainFold& main,
                                                                                const TensorT& self,
                                                                                const DimT& dim, bool keepdim) {
  using OutTensor = Tensor<Out, Device::cpu>;
  const Reduction r = plan_reduction(op, self.sizes(), dim, keepdim);
  OutTensor out = OutTensor::empty(r.out), priors_out = OutTensor::empty(r.out);
  const int64_t n = out.numel();
  if (n == 0) return {out, priors_out};
  if (r.count == 0 && !main.identity) throw_empty_reduction(op, self.sizes(), r);
  const Acc count = Acc(r.count);
  std::unique_ptr<Acc[]> first(new Acc[n]), acc(new Acc[n]);
  // Over no elements a prior without identity (logsumexp's max) folds from 0.
  const std::optional<Acc> prior_identity = r.count == 0 && !prior.identity ? std::optional<Acc>(Acc(0))
                                                                            : prior.identity;
  detail::fold_dims<Acc, C>(first.get(), n, r, prior.map, prior.combine, prior_identity, NoPrior{}, self);
  for (int64_t i = 0; i < n; ++i) first[i] = prior.project(first[i], count);
  const Priors<Acc, Out> priors{first.get(), priors_out.data()};
  detail::fold_dims<Acc, C>(acc.get(), n, r, main.map, main.combine, main.identity, priors, self);
  Out* o = out.data();
  for (int64_t i = 0; i < n; ++i) {
    o[i] = convert<Out>(priors.bind(main.project, i)(acc[i], count));
    priors.store(i);
  }
  return {out, priors_out};
}

// The value and index of the element `better` picks along dim (None: of all
// elements, the index counting them in row-major order), the first on ties;
// better(y, x) says whether y replaces x, combine(x, y) is the better of the two.
template <class C, class Better, class Combine, class TensorT>
std::pair<TensorT, Tensor<int64_t, Device::cpu>> arg_reduce(const char* op, const Better& better,
                                                            const Combine& combine, const TensorT& self,
                                                            std::optional<int64_t> dim, bool keepdim) {
  using T = typename TensorT::value_type;
  using Index = Tensor<int64_t, Device::cpu>;
  const Reduction r = plan_reduction(op, self.sizes(), dim, keepdim);
  TensorT values = TensorT::empty(r.out);
  Index indices = Index::empty(r.out);
  if (values.numel() == 0) return {values, indices};
  if (r.count == 0) throw_empty_reduction(op, self.sizes(), r);
  // Folding every dim counts in row-major order: over a contiguous copy, as one dim.
  const TensorT x = dim || self.dim() <= 1 ? self : detail::flat(contiguous_copy(self));
  const int d = dim ? scan_dim(op, x.sizes(), *dim) : 0;
  const int64_t len = x.dim() ? x.size(d) : 1;
  const int64_t step = x.dim() ? x.stride(d) * int64_t(sizeof(T)) : 0;
  Dims kept = x.sizes(), kept_strides = x.strides();
  if (x.dim()) {
    kept.erase(d);
    kept_strides.erase(d);
  }
  Layout layout(3);
  layout.add(0, x.bytes(sizeof(T)), kept, kept_strides, sizeof(T), kept);
  layout.add(1, reinterpret_cast<char*>(values.data()), kept, contiguous_strides(kept), sizeof(T), kept);
  layout.add(2, reinterpret_cast<char*>(indices.data()), kept, contiguous_strides(kept), sizeof(int64_t), kept);
  layout.collapse(kept);
  const auto at = [](const char* p) { return C(*reinterpret_cast<const T*>(p)); };
  // Along dim itself where it is self's innermost dim in memory, else dim outermost
  // and the kept elements' rows updated elementwise.
  const int64_t inner = layout.strides[0][layout.sizes.size() - 1];
  const bool along = layout.numel == 1 || std::abs(step) <= std::abs(inner);
  ReleaseGil unlocked(x.numel());
  parallel_chunks(layout.numel, worker_count(x.numel()), [&](int64_t b, int64_t e, int) {
    if (along) {
      layout.walk(0, b, e, [&](char* const* p, const int64_t* s, int64_t m) {
        for (int64_t i = 0; i < m; ++i) {
          const char* q = p[0] + i * s[0];
          C best = at(q);
          int64_t index = 0;
          if (step == int64_t(sizeof(T))) {
            index = detail::arg_best_run<C>(better, combine, reinterpret_cast<const T*>(q), len, best);
          } else {
            for (int64_t k = 1; k < len; ++k) {
              const C v = at(q + k * step);
              if (better(v, best)) best = v, index = k;
            }
          }
          *reinterpret_cast<T*>(p[1] + i * s[1]) = T(best);
          *reinterpret_cast<int64_t*>(p[2] + i * s[2]) = index;
        }
      });
      return;
    }
    layout.walk(0, b, e, [&](char* const* p, const int64_t* s, int64_t m) {
      for (int64_t i = 0; i < m; ++i) {
        *reinterpret_cast<T*>(p[1] + i * s[1]) = *reinterpret_cast<const T*>(p[0] + i * s[0]);
        *reinterpret_cast<int64_t*>(p[2] + i * s[2]) = 0;
      }
    });
    for (int64_t k = 1; k < len; ++k) {
      Layout row = layout;
      row.base[0] += k * step;
      row.walk(0, b, e, [&](char* const* p, const int64_t* s, int64_t m) {
        for (int64_t i = 0; i < m; ++i) {
          T& best = *reinterpret_cast<T*>(p[1] + i * s[1]);
          const C v = at(p[0] + i * s[0]);
          if (better(v, C(best))) {
            best = T(v);
            *reinterpret_cast<int64_t*>(p[2] + i * s[2]) = k;
          }
        }
      });
    }
  });
  return {values, indices};
}

}  // namespace satchel
