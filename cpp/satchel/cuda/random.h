// The random natives of the CUDA units: the CPU's distributions (distributions.h)
// run by one kernel (random.cu, compiled once with -fmad=false so its arithmetic
// rounds as the host's), each thread a Philox block: for a seed, the same bits as
// the CPU's (rng.h). randperm and multinomial, whose elements depend on one another, run
// the CPU's algorithms on the host and copy the result over (the same bits too).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <optional>

#include "../distributions.h"
#include "../generator.h"
#include "../random.h"  // (blocks_for, and random_perm.h's host algorithms)
#include "../random_checks.h"
#include "rng.h"
#include "transfer.h"

namespace satchel::cuda::detail {

inline random::Generator& device_generator(const char* op, const std::optional<nb::object>& generator) {
  return generator_for(op, generator, Device::cuda, runtime().current_device());
}

template <class TensorT, class Dist>
TensorT sample(const Dims& size, random::Generator& g, const Dist& dist) {
  TensorT t = cuda::empty<TensorT>(size);
  const random::Draw d = g.reserve(satchel::detail::blocks_for<Dist>(t.numel()));
  if (t.numel()) rng::fill(t.data(), t.numel(), d, dist, current_stream());
  return t;
}

template <class TensorT, class Dist>
TensorT& sample_into(TensorT& self, random::Generator& g, const Dist& dist) {
  using T = typename TensorT::value_type;
  if (self.is_contiguous()) {
    const random::Draw d = g.reserve(satchel::detail::blocks_for<Dist>(self.numel()));
    if (self.numel()) rng::fill(self.data(), self.numel(), d, dist, current_stream());
  } else {
    const TensorT drawn = sample<TensorT>(self.sizes(), g, dist);
    Copies<T>::into(self, Operand<TensorT>(drawn));
  }
  return self;
}

// A distribution that reads a contiguous tensor of the result's shape (means, rates,
// probabilities), checked on the host first.
template <class TensorT>
std::pair<TensorT, HostTensor<typename TensorT::value_type>> checked_copy(const TensorT& t) {
  TensorT c = Copies<typename TensorT::value_type>::contiguous(t);
  return {c, to_host(c)};
}

}  // namespace satchel::cuda::detail

namespace satchel::cuda::native {

template <class TensorT>
using compute_of = compute_t<typename TensorT::value_type>;

#define SATCHEL_GEN(op) detail::device_generator(op, generator)

template <class TensorT>
TensorT rand(const Dims& size, const std::optional<nb::object>& generator) {
  return detail::sample<TensorT>(size, SATCHEL_GEN("rand"), rchecks::uniform<typename TensorT::value_type>("rand", 0, 1));
}

template <class TensorT>
TensorT rand_like(const TensorT& self, const std::optional<nb::object>& generator) {
  return detail::sample<TensorT>(self.sizes(), SATCHEL_GEN("rand_like"),
                                 rchecks::uniform<typename TensorT::value_type>("rand_like", 0, 1));
}

template <class TensorT>
TensorT randn(const Dims& size, const std::optional<nb::object>& generator) {
  return detail::sample<TensorT>(size, SATCHEL_GEN("randn"),
                                 dist::Normal<typename TensorT::value_type, compute_of<TensorT>>{0, 1});
}

template <class TensorT>
TensorT randn_like(const TensorT& self, const std::optional<nb::object>& generator) {
  return detail::sample<TensorT>(self.sizes(), SATCHEL_GEN("randn_like"),
                                 dist::Normal<typename TensorT::value_type, compute_of<TensorT>>{0, 1});
}

template <class TensorT>
TensorT& uniform_(TensorT& self, double from_, double to, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = SATCHEL_GEN("uniform_");
  if (from_ == to) {
    rchecks::uniform<T>("uniform_", from_, std::nextafter(to, INFINITY));
    Copies<T>::into(self, Operand<TensorT>(T(compute_of<TensorT>(from_))));
    return self;
  }
  return detail::sample_into(self, g, rchecks::uniform<T>("uniform_", from_, to));
}

template <class TensorT>
TensorT& normal_(TensorT& self, double mean, double std, const std::optional<nb::object>& generator) {
  using C = compute_of<TensorT>;
  rchecks::nonnegative("normal_", "std", std);
  rchecks::finite("normal_", "mean", mean);
  return detail::sample_into(self, SATCHEL_GEN("normal_"), dist::Normal<typename TensorT::value_type, C>{C(mean), C(std)});
}

template <class TensorT>
TensorT& log_normal_(TensorT& self, double mean, double std, const std::optional<nb::object>& generator) {
  using C = compute_of<TensorT>;
  rchecks::positive("log_normal_", "std", std);
  rchecks::finite("log_normal_", "mean", mean);
  return detail::sample_into(self, SATCHEL_GEN("log_normal_"),
                             dist::Normal<typename TensorT::value_type, C, true>{C(mean), C(std)});
}

template <class TensorT>
TensorT& exponential_(TensorT& self, double lambd, const std::optional<nb::object>& generator) {
  using C = compute_of<TensorT>;
  rchecks::positive("exponential_", "lambd", lambd);
  return detail::sample_into(self, SATCHEL_GEN("exponential_"), dist::Exponential<typename TensorT::value_type, C>{C(lambd)});
}

template <class TensorT>
TensorT& geometric_(TensorT& self, double p, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  using C = compute_of<TensorT>;
  if (!(p > 0 && p <= 1)) throw std::invalid_argument("geometric_: p must be in (0, 1], got " + rchecks::show(p));
  random::Generator& g = SATCHEL_GEN("geometric_");
  if (p == 1) {
    Copies<T>::into(self, Operand<TensorT>(T(C(1))));
    return self;
  }
  return detail::sample_into(self, g, dist::Geometric<T, C>{C(std::log1p(-p))});
}

template <class TensorT>
TensorT& cauchy_(TensorT& self, double median, double sigma, const std::optional<nb::object>& generator) {
  using C = compute_of<TensorT>;
  rchecks::positive("cauchy_", "sigma", sigma);
  rchecks::finite("cauchy_", "median", median);
  return detail::sample_into(self, SATCHEL_GEN("cauchy_"), dist::Cauchy<typename TensorT::value_type, C>{C(median), C(sigma)});
}

template <class TensorT>
TensorT normal(const TensorT& mean, const TensorT& std, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = SATCHEL_GEN("normal");
  const Dims shape = broadcast_shapes(std::array<const Dims*, 2>{&mean.sizes(), &std.sizes()});
  const TensorT m = Copies<T>::contiguous(TensorT(view::expand(mean, shape)));
  const auto [s, host_s] = detail::checked_copy(TensorT(view::expand(std, shape)));
  rchecks::nonnegative_all("normal", "std", host_s.data(), host_s.numel());
  TensorT out = cuda::empty<TensorT>(shape);
  const dist::NormalPerElement<T, compute_of<TensorT>> fn{m.data(), s.data(), uint64_t(out.numel())};
  const random::Draw d = g.reserve(satchel::detail::blocks_for<decltype(fn)>(out.numel()));
  if (out.numel()) rng::fill(out.data(), out.numel(), d, fn, current_stream());
  return out;
}

template <class TensorT>
TensorT poisson(const TensorT& self, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = SATCHEL_GEN("poisson");
  const auto [rates, host_rates] = detail::checked_copy(self);
  rchecks::rates("poisson", host_rates.data(), host_rates.numel());
  TensorT out = cuda::empty<TensorT>(self.sizes());
  const dist::Poisson<T, compute_of<TensorT>> fn{rates.data()};
  const random::Draw d = g.reserve(uint64_t(out.numel()));
  if (out.numel()) rng::fill(out.data(), out.numel(), d, fn, current_stream());
  return out;
}

template <class TensorT>
TensorT bernoulli(const TensorT& self, std::optional<double> p, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = SATCHEL_GEN("bernoulli");
  if (p) return detail::sample<TensorT>(self.sizes(), g, dist::Bernoulli<T>{rchecks::probability("bernoulli", *p)});
  const auto [probs, host_probs] = detail::checked_copy(self);
  rchecks::probabilities("bernoulli", host_probs.data(), host_probs.numel());
  TensorT out = cuda::empty<TensorT>(self.sizes());
  const dist::BernoulliPerElement<T, T> fn{probs.data(), uint64_t(out.numel())};
  const random::Draw d = g.reserve(satchel::detail::blocks_for<decltype(fn)>(out.numel()));
  if (out.numel()) rng::fill(out.data(), out.numel(), d, fn, current_stream());
  return out;
}

template <class TensorT>
TensorT& bernoulli_(TensorT& self, double p, const std::optional<nb::object>& generator) {
  return detail::sample_into(self, SATCHEL_GEN("bernoulli_"),
                             dist::Bernoulli<typename TensorT::value_type>{rchecks::probability("bernoulli_", p)});
}

template <class TensorT>
TensorT randint(int64_t low, int64_t high, const Dims& size, const std::optional<nb::object>& generator) {
  return detail::sample<TensorT>(size, SATCHEL_GEN("randint"),
                                 rchecks::randint<typename TensorT::value_type>("randint", low, high));
}

template <class TensorT>
TensorT randint_like(const TensorT& self, int64_t low, int64_t high, const std::optional<nb::object>& generator) {
  return detail::sample<TensorT>(self.sizes(), SATCHEL_GEN("randint_like"),
                                 rchecks::randint<typename TensorT::value_type>("randint_like", low, high));
}

template <class TensorT>
TensorT& random_(TensorT& self, std::optional<int64_t> from_, std::optional<int64_t> to,
                 const std::optional<nb::object>& generator) {
  return detail::sample_into(self, SATCHEL_GEN("random_"), rchecks::random_range<typename TensorT::value_type>(from_, to));
}

// The host's algorithms on the device's generator, then one copy.
template <class TensorT>
TensorT randperm(int64_t n, const std::optional<nb::object>& generator) {
  using T = typename TensorT::value_type;
  random::Generator& g = SATCHEL_GEN("randperm");
  return to_device(satchel::native::randperm_from<HostTensor<T>>(n, g));
}

template <class TensorT>
DeviceTensor<int64_t> multinomial(const TensorT& self, int64_t num_samples, bool replacement,
                                  const std::optional<nb::object>& generator) {
  random::Generator& g = SATCHEL_GEN("multinomial");
  return to_device(satchel::native::multinomial_from(to_host(self), num_samples, replacement, g));
}

#undef SATCHEL_GEN

}  // namespace satchel::cuda::native
