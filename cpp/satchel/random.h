// The random natives of the CPU units (rand, randn, uniform_, ..., randperm,
// multinomial): each reserves its blocks of the generator's Philox stream, then
// fills its elements from them on the thread pool (distributions.h has the
// math). Element i of a result is its i-th in row-major order, whatever its
// strides; so a draw depends only on (seed, offset, i), not on the thread count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dtype.h"
#include "distributions.h"
#include "generator.h"
#include "gil.h"
#include "iter.h"
#include "pointwise.h"
#include "random_checks.h"
#include "random_perm.h"  // (randperm, multinomial: the shards of every random op include this header)

namespace satchel::detail {

template <class Dist>
uint64_t blocks_for(int64_t n) {
  return (uint64_t(n) + Dist::per_block - 1) / Dist::per_block;
}

// out[0, n) from the blocks of d, split over the pool by whole blocks.
template <class T, class Dist>
void fill_host(T* out, int64_t n, const random::Draw& d, const Dist& dist) {
  constexpr int K = Dist::per_block;
  const int64_t blocks = int64_t(blocks_for<Dist>(n));
  ReleaseGil unlocked(n);
  parallel_chunks(blocks, worker_count(n), [&](int64_t b0, int64_t b1, int) {
    const int64_t whole = std::min(b1, n / K);  // blocks all of whose elements are in out
    for (int64_t b = b0; b < whole; ++b) dist(d, uint64_t(b), out + b * K);
    for (int64_t b = std::max(b0, whole); b < b1; ++b) {
      T last[K];
      dist(d, uint64_t(b), last);
      for (int64_t i = b * K; i < n; ++i) out[i] = last[i - b * K];
    }
  }, 16);
}

// A new tensor of shape size drawn from dist.
template <class TensorT, class Dist>
TensorT sample(const Dims& size, random::Generator& g, const Dist& dist) {
  TensorT t = TensorT::empty(size);
  const random::Draw d = g.reserve(blocks_for<Dist>(t.numel()));
  fill_host(t.data(), t.numel(), d, dist);
  return t;
}

// self's elements drawn from dist, in row-major order (through a copy where self is not contiguous).
template <class TensorT, class Dist>
TensorT& sample_into(TensorT& self, random::Generator& g, const Dist& dist) {
  using T = typename TensorT::value_type;
  if (self.is_contiguous()) {
    const random::Draw d = g.reserve(blocks_for<Dist>(self.numel()));
    fill_host(self.data(), self.numel(), d, dist);
  } else {
    const TensorT drawn = sample<TensorT>(self.sizes(), g, dist);
    map_into<T>(Identity{}, self, Operand<TensorT>(drawn));
  }
  return self;
}

inline random::Generator& host_generator(const char* op, const std::optional<nb::object>& generator) {
  return generator_for(op, generator, Device::cpu);
}

}  // namespace satchel::detail

namespace satchel::native {

template <class TensorT>
using compute_of = compute_t<typename TensorT::value_type>;

template <class TensorT>
TensorT rand(const Dims& size, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample<TensorT>(size, detail::host_generator("rand", generator), rchecks::uniform<T>("rand", 0, 1));
}

template <class TensorT>
TensorT rand_like(const TensorT& self, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample<TensorT>(self.sizes(), detail::host_generator("rand_like", generator),
                                 rchecks::uniform<T>("rand_like", 0, 1));
}

template <class TensorT>
TensorT randn(const Dims& size, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample<TensorT>(size, detail::host_generator("randn", generator),
                                 dist::Normal<T, compute_of<TensorT>>{0, 1});
}

template <class TensorT>
TensorT randn_like(const TensorT& self, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample<TensorT>(self.sizes(), detail::host_generator("randn_like", generator),
                                 dist::Normal<T, compute_of<TensorT>>{0, 1});
}

template <class TensorT>
TensorT& uniform_(TensorT& self, double from_, double to, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = detail::host_generator("uniform_", generator);
  if (from_ == to) {  // [a, a) holds nothing; PyTorch gives a, as does the limit of [a, a + eps)
    rchecks::uniform<T>("uniform_", from_, std::nextafter(to, INFINITY));
    map_into<T>(Constant<T>{T(compute_of<TensorT>(from_))}, self);
    return self;
  }
  return detail::sample_into(self, g, rchecks::uniform<T>("uniform_", from_, to));
}

template <class TensorT>
TensorT& normal_(TensorT& self, double mean, double std, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  rchecks::nonnegative("normal_", "std", std);
  rchecks::finite("normal_", "mean", mean);
  return detail::sample_into(self, detail::host_generator("normal_", generator),
                             dist::Normal<T, compute_of<TensorT>>{compute_of<TensorT>(mean), compute_of<TensorT>(std)});
}

template <class TensorT>
TensorT& log_normal_(TensorT& self, double mean, double std, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  rchecks::positive("log_normal_", "std", std);
  rchecks::finite("log_normal_", "mean", mean);
  return detail::sample_into(self, detail::host_generator("log_normal_", generator),
                             dist::Normal<T, compute_of<TensorT>, true>{compute_of<TensorT>(mean),
                                                                        compute_of<TensorT>(std)});
}

template <class TensorT>
TensorT& exponential_(TensorT& self, double lambd, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  rchecks::positive("exponential_", "lambd", lambd);
  return detail::sample_into(self, detail::host_generator("exponential_", generator),
                             dist::Exponential<T, compute_of<TensorT>>{compute_of<TensorT>(lambd)});
}

template <class TensorT>
TensorT& geometric_(TensorT& self, double p, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  if (!(p > 0 && p <= 1)) throw std::invalid_argument("geometric_: p must be in (0, 1], got " + rchecks::show(p));
  random::Generator& g = detail::host_generator("geometric_", generator);
  if (p == 1) {  // the first trial succeeds
    map_into<T>(Constant<T>{T(compute_of<TensorT>(1))}, self);
    return self;
  }
  return detail::sample_into(self, g, dist::Geometric<T, compute_of<TensorT>>{compute_of<TensorT>(std::log1p(-p))});
}

template <class TensorT>
TensorT& cauchy_(TensorT& self, double median, double sigma, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  rchecks::positive("cauchy_", "sigma", sigma);
  rchecks::finite("cauchy_", "median", median);
  return detail::sample_into(self, detail::host_generator("cauchy_", generator),
                             dist::Cauchy<T, compute_of<TensorT>>{compute_of<TensorT>(median),
                                                                  compute_of<TensorT>(sigma)});
}

// Means and stds broadcast to one shape (TH's normal_means / normal_stddevs).
template <class TensorT>
TensorT normal(const TensorT& mean, const TensorT& std, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = detail::host_generator("normal", generator);
  const Dims shape = broadcast_shapes(std::array<const Dims*, 2>{&mean.sizes(), &std.sizes()});
  const TensorT m = contiguous_copy(TensorT(view::expand(mean, shape)));
  const TensorT s = contiguous_copy(TensorT(view::expand(std, shape)));
  rchecks::nonnegative_all("normal", "std", s.data(), s.numel());
  TensorT out = TensorT::empty(shape);
  const dist::NormalPerElement<T, compute_of<TensorT>> fn{m.data(), s.data(), uint64_t(out.numel())};
  const random::Draw d = g.reserve(detail::blocks_for<decltype(fn)>(out.numel()));
  detail::fill_host(out.data(), out.numel(), d, fn);
  return out;
}

template <class TensorT>
TensorT poisson(const TensorT& self, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = detail::host_generator("poisson", generator);
  const TensorT rates = contiguous_copy(self);
  rchecks::rates("poisson", rates.data(), rates.numel());
  TensorT out = TensorT::empty(self.sizes());
  const dist::Poisson<T, compute_of<TensorT>> fn{rates.data()};
  const random::Draw d = g.reserve(uint64_t(out.numel()));
  detail::fill_host(out.data(), out.numel(), d, fn);
  return out;
}

// ---- every dtype ------------------------------------------------------------------------

// With p, a tensor of self's shape, each element 1 with probability p; without,
// self holds the probabilities (TH's bernoulli_FloatTensor).
template <class TensorT>
TensorT bernoulli(const TensorT& self, std::optional<double> p, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = detail::host_generator("bernoulli", generator);
  if (p) return detail::sample<TensorT>(self.sizes(), g, dist::Bernoulli<T>{rchecks::probability("bernoulli", *p)});
  const TensorT probs = contiguous_copy(self);
  rchecks::probabilities("bernoulli", probs.data(), probs.numel());
  TensorT out = TensorT::empty(self.sizes());
  const dist::BernoulliPerElement<T, T> fn{probs.data(), uint64_t(out.numel())};
  detail::fill_host(out.data(), out.numel(), g.reserve(detail::blocks_for<decltype(fn)>(out.numel())), fn);
  return out;
}

template <class TensorT>
TensorT& bernoulli_(TensorT& self, double p, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample_into(self, detail::host_generator("bernoulli_", generator),
                             dist::Bernoulli<T>{rchecks::probability("bernoulli_", p)});
}

template <class TensorT>
TensorT randint(int64_t low, int64_t high, const Dims& size, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample<TensorT>(size, detail::host_generator("randint", generator),
                                 rchecks::randint<T>("randint", low, high));
}

template <class TensorT>
TensorT randint_like(const TensorT& self, int64_t low, int64_t high, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample<TensorT>(self.sizes(), detail::host_generator("randint_like", generator),
                                 rchecks::randint<T>("randint_like", low, high));
}

template <class TensorT>
TensorT& random_(TensorT& self, std::optional<int64_t> from_, std::optional<int64_t> to,
                 const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  return detail::sample_into(self, detail::host_generator("random_", generator),
                             rchecks::random_range<T>(from_, to));
}

}  // namespace satchel::native
