// randperm and multinomial on the CPU: draws whose elements are not independent,
// so they are algorithms rather than distributions' functors, but read the same
// counter-based stream: each random number's block is fixed by what it is for
// (an element, a bucket position, a row's category), never by a thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "distributions.h"
#include "pointwise.h"
#include "random_checks.h"
#include "generator.h"
#include "gil.h"
#include "iter.h"
#include "tensor.h"

namespace satchel::detail {

// 64 random bits number i of the stream from block `base` (two a block).
inline uint64_t bits64(const random::Draw& d, uint64_t base, uint64_t i) {
  return dist::bits_of<64>(dist::block_of(d, base + i / 2), int(i % 2));
}

// Fisher-Yates on p[0, m), the swap for position i chosen by bits64(d, base, start + i).
template <class T>
void shuffle(T* p, int64_t m, const random::Draw& d, uint64_t base, uint64_t start) {
  for (int64_t i = m - 1; i > 0; --i) {
    const uint64_t j = bits64(d, base, start + uint64_t(i)) % uint64_t(i + 1);
    std::swap(p[i], p[j]);
  }
}

inline constexpr int64_t kBucket = 1 << 15;  // elements per bucket on average: they shuffle in L2

}  // namespace satchel::detail

namespace satchel::native {

// Each value goes to a uniformly random bucket (in index order, so positions are
// fixed); each bucket is then shuffled. Uniform buckets and uniform orders within
// them make every permutation equally likely.
template <class TensorT>
TensorT randperm_from(int64_t n, random::Generator& g) {
  using T = typename TensorT::value_type;
  if (n < 0) throw std::invalid_argument("randperm: n must be >= 0, got " + std::to_string(n));
  if (n > 0 && double(n - 1) > DType<T>::highest)
    throw std::invalid_argument("randperm: n = " + std::to_string(n) + " does not fit in " + DType<T>::name +
                                " (at most " + std::to_string(int64_t(DType<T>::highest) + 1) + ")");
  TensorT out = TensorT::empty(Dims{n});
  T* p = out.data();
  if (n <= 2 * detail::kBucket) {  // one bucket
    const random::Draw d = g.reserve((uint64_t(n) + 1) / 2);
    for (int64_t i = 0; i < n; ++i) p[i] = T(i);
    detail::shuffle(p, n, d, 0, 0);
    return out;
  }
  int64_t buckets = 1;
  while (buckets * detail::kBucket < n) buckets *= 2;
  // blocks: n / 4 for the buckets (32 bits each), n / 2 for the shuffles
  const uint64_t bucket_blocks = (uint64_t(n) + 3) / 4;
  const random::Draw d = g.reserve(bucket_blocks + (uint64_t(n) + 1) / 2);
  const auto bucket_of = [&](const philox::Block& r, int k) { return int64_t((uint64_t(r.v[k]) * buckets) >> 32); };
  ReleaseGil unlocked(n);
  const int workers = worker_count(n);
  const int64_t chunk = (bucket_blocks + workers - 1) / workers;  // blocks of bucket numbers per worker
  std::vector<int64_t> counts(size_t(workers) * buckets, 0);
  const auto each = [&](int w, auto&& fn) {  // fn(element, bucket) over worker w's elements, in order
    const int64_t b1 = std::min<int64_t>(int64_t(bucket_blocks), (w + 1) * chunk);
    for (int64_t b = w * chunk; b < b1; ++b) {
      const philox::Block r = dist::block_of(d, uint64_t(b));
      for (int k = 0; k < 4 && b * 4 + k < n; ++k) fn(b * 4 + k, bucket_of(r, k));
    }
  };
  parallel_chunks(workers, workers, [&](int64_t w0, int64_t w1, int) {
    for (int64_t w = w0; w < w1; ++w) each(int(w), [&](int64_t, int64_t k) { ++counts[w * buckets + k]; });
  }, 1);
  std::vector<int64_t> starts(buckets + 1, 0);  // where each bucket begins, and each worker in it
  for (int64_t k = 0, at = 0; k < buckets; ++k) {
    starts[k] = at;
    for (int w = 0; w < workers; ++w) {
      const int64_t c = counts[w * buckets + k];
      counts[w * buckets + k] = at;
      at += c;
    }
  }
  starts[buckets] = n;
  parallel_chunks(workers, workers, [&](int64_t w0, int64_t w1, int) {
    for (int64_t w = w0; w < w1; ++w) each(int(w), [&](int64_t i, int64_t k) { p[counts[w * buckets + k]++] = T(i); });
  }, 1);
  parallel_chunks(buckets, workers, [&](int64_t k0, int64_t k1, int) {
    for (int64_t k = k0; k < k1; ++k)
      detail::shuffle(p + starts[k], starts[k + 1] - starts[k], d, bucket_blocks, uint64_t(starts[k]));
  }, 1);
  return out;
}

template <class TensorT>
TensorT randperm(int64_t n, const std::optional<nb::object>& generator) {
  return randperm_from<TensorT>(n, generator_for("randperm", generator, Device::cpu));
}

// Row r's sample s (with replacement) reads 53-bit uniform r * num_samples + s; without
// replacement, category c's key reads uniform r * categories + c.
template <class TensorT>
Tensor<int64_t, Device::cpu> multinomial_from(const TensorT& self, int64_t num_samples, bool replacement,
                                              random::Generator& g) {
  using Index = Tensor<int64_t, Device::cpu>;
  if (self.dim() != 1 && self.dim() != 2)
    throw std::invalid_argument("multinomial: self must be 1-D or 2-D, got shape " + to_string(self.sizes()));
  const int64_t rows = self.dim() == 2 ? self.size(0) : 1, cats = self.size(self.dim() - 1);
  if (cats == 0) throw std::invalid_argument("multinomial: self has no categories (shape " + to_string(self.sizes()) + ")");
  if (num_samples <= 0) throw std::invalid_argument("multinomial: num_samples must be > 0, got " + std::to_string(num_samples));
  if (!replacement && num_samples > cats)
    throw std::invalid_argument("multinomial: num_samples = " + std::to_string(num_samples) +
                                " exceeds the " + std::to_string(cats) + " categories (replacement=False)");
  const TensorT w = contiguous_copy(self);
  std::vector<double> weights(size_t(rows * cats));
  for (int64_t r = 0; r < rows; ++r) {
    double total = 0;
    int64_t nonzero = 0;
    for (int64_t c = 0; c < cats; ++c) {
      const double v = double(compute_t<typename TensorT::value_type>(w.data()[r * cats + c]));
      if (!(v >= 0) || !std::isfinite(v))
        throw std::invalid_argument("multinomial: the weights must be finite and >= 0, got " + rchecks::show(v) +
                                    " in row " + std::to_string(r) + ", category " + std::to_string(c));
      weights[r * cats + c] = v;
      total += v;
      nonzero += v > 0;
    }
    if (!(total > 0)) throw std::invalid_argument("multinomial: the weights of row " + std::to_string(r) + " are all zero");
    if (!replacement && nonzero < num_samples)
      throw std::invalid_argument("multinomial: row " + std::to_string(r) + " has " + std::to_string(nonzero) +
                                  " nonzero weights, fewer than num_samples = " + std::to_string(num_samples) +
                                  " (replacement=False)");
  }
  const int64_t per_row = replacement ? num_samples : cats;
  const random::Draw d = g.reserve((uint64_t(rows * per_row) + 1) / 2);
  Index out = Index::empty(self.dim() == 2 ? Dims{rows, num_samples} : Dims{num_samples});
  int64_t* o = out.data();
  const auto uniform = [&](uint64_t i) {
    return dist::unit_interval<double, 53>(dist::block_of(d, i / 2), int(i % 2));
  };
  ReleaseGil unlocked(rows * per_row);
  parallel_chunks(rows, worker_count(rows * per_row), [&](int64_t r0, int64_t r1, int) {
    std::vector<double> acc(static_cast<size_t>(cats));
    std::vector<std::pair<double, int64_t>> keys(static_cast<size_t>(cats));
    for (int64_t r = r0; r < r1; ++r) {
      const double* wr = weights.data() + r * cats;
      int64_t* orow = o + r * num_samples;
      if (replacement) {
        std::partial_sum(wr, wr + cats, acc.begin());
        int64_t last = cats - 1;
        while (wr[last] == 0) --last;  // (the search never lands past the last nonzero weight)
        for (int64_t s = 0; s < num_samples; ++s) {
          const double x = uniform(uint64_t(r * per_row + s)) * acc[cats - 1];
          orow[s] = std::min<int64_t>(std::upper_bound(acc.begin(), acc.end(), x) - acc.begin(), last);
        }
      } else {
        for (int64_t c = 0; c < cats; ++c) {
          const double u = 1 - uniform(uint64_t(r * per_row + c));  // (0, 1]
          keys[c] = {wr[c] > 0 ? rmath::log(u) / wr[c] : -INFINITY, c};
        }
        const auto larger = [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
        std::partial_sort(keys.begin(), keys.begin() + num_samples, keys.end(), larger);
        for (int64_t s = 0; s < num_samples; ++s) orow[s] = keys[s].second;
      }
    }
  }, 1);
  return out;
}

template <class TensorT>
Tensor<int64_t, Device::cpu> multinomial(const TensorT& self, int64_t num_samples, bool replacement,
                                         const std::optional<nb::object>& generator) {
  return multinomial_from(self, num_samples, replacement, generator_for("multinomial", generator, Device::cpu));
}

}  // namespace satchel::native
