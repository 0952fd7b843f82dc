// The device side of reductions along dims, arg-reductions, scans and
// positional bodies (CPU: reduce_dims.h, scan.h, positional.h), over the same
// functors. Included by kernels.cuh.
//
// A reduction's results are computed by a thread each where the kept dims are
// innermost in memory (neighbouring threads then read neighbouring elements, as
// in sum(dim=0) of a row-major matrix), else by a block each, whose threads
// stride along the folded elements together (sum(dim=1)).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <utility>

#include <cub/block/block_reduce.cuh>

#include "../cast.h"
#include "../core/reduction.h"
#include "../prior.h"
#include "runtime.h"

namespace satchel::cuda {

namespace detail {

// Dims as a kernel argument: sizes and element strides, outermost first.
struct Dimensions {
  int nd = 0;
  int64_t sizes[kMaxDims];
  int64_t strides[kMaxDims];

  void add(int64_t size, int64_t stride) {
    if (size == 1) return;
    if (nd && strides[nd - 1] == stride * size) {  // merges with the dim before it (still in index order)
      sizes[nd - 1] *= size;
      strides[nd - 1] = stride;
      return;
    }
    sizes[nd] = size;
    strides[nd] = stride;
    ++nd;
  }
  // The element offset of the i-th element in row-major order.
  SATCHEL_HD int64_t offset(int64_t i) const {
    int64_t off = 0;
    for (int d = nd - 1; d >= 0; --d) {
      off += i % sizes[d] * strides[d];
      i /= sizes[d];
    }
    return off;
  }
  int64_t innermost() const { return nd ? std::abs(strides[nd - 1]) : 0; }
};

// self's dims split into kept ones (the results, in row-major order) and folded ones.
template <class TensorT>
std::pair<Dimensions, Dimensions> split(const TensorT& self, const Reduction& r) {
  Dimensions kept, folded;
  for (int d = 0; d < self.dim(); ++d) (r.folds(d) ? folded : kept).add(self.size(d), self.stride(d));
  return {kept, folded};
}

template <class Acc, class Combine>
struct Seeded {  // fold step of a partial that may not have an element yet
  Combine combine;
  SATCHEL_HD void operator()(Partial<Acc>& p, Acc v) const { p = {p.has ? combine(p.value, v) : v, true}; }
};

// (priors: prior.h's, binding each result's prior to map and project.)
template <class Out, class Acc, class C, class T, class Map, class Combine, class Project, class PriorsT>
__global__ void __launch_bounds__(kBlock) reduce_threads(const Map map, const Combine combine, const Project project,
                                                         const Partial<Acc> identity, const PriorsT priors,
                                                         const T* x, Out* out, const Dimensions kept,
                                                         const Dimensions folded, const int64_t outputs,
                                                         const int64_t count) {
  for (int64_t o = int64_t(blockIdx.x) * kBlock + threadIdx.x; o < outputs; o += int64_t(gridDim.x) * kBlock) {
    const T* base = x + kept.offset(o);
    const auto mapped = priors.bind(map, o);
    Partial<Acc> acc = identity;
    for (int64_t r = 0; r < count; ++r) Seeded<Acc, Combine>{combine}(acc, mapped(Acc(C(base[folded.offset(r)]))));
    out[o] = convert<Out>(priors.bind(project, o)(acc.value, Acc(count)));
    priors.store(o);
  }
}

template <class Out, class Acc, class C, class T, class Map, class Combine, class Project, class PriorsT>
__global__ void __launch_bounds__(kBlock) reduce_blocks(const Map map, const Combine combine, const Project project,
                                                        const Partial<Acc> identity, const PriorsT priors,
                                                        const T* x, Out* out, const Dimensions kept,
                                                        const Dimensions folded, const int64_t outputs,
                                                        const int64_t count) {
  using BlockReduce = cub::BlockReduce<Partial<Acc>, kBlock>;
  __shared__ typename BlockReduce::TempStorage temp;
  const CombinePartials<Acc, Combine> op{combine};
  for (int64_t o = blockIdx.x; o < outputs; o += gridDim.x) {
    const T* base = x + kept.offset(o);
    const auto mapped = priors.bind(map, o);
    Partial<Acc> mine{Acc(), false};
    for (int64_t r = threadIdx.x; r < count; r += kBlock)
      Seeded<Acc, Combine>{combine}(mine, mapped(Acc(C(base[folded.offset(r)]))));
    const Partial<Acc> total = op(identity, BlockReduce(temp).Reduce(mine, op));
    if (threadIdx.x == 0) {
      out[o] = convert<Out>(priors.bind(project, o)(total.value, Acc(count)));
      priors.store(o);
    }
    __syncthreads();  // temp is reused by the next result
  }
}

// Launches the fold of each result of r into out, by a thread each or a block each.
template <class Out, class Acc, class C, class Map, class Combine, class Project, class PriorsT, class TensorT>
void launch_reduce(const Map& map, const Combine& combine, std::optional<Acc> identity, const Project& project,
                   const PriorsT& priors, const TensorT& self, const Reduction& r, Out* out, int64_t n) {
  const auto [kept, folded] = split(self, r);
  const Partial<Acc> seed{identity ? *identity : Acc(), bool(identity)};
  const cudaStream_t stream = current_stream();
  if (kept.innermost() == 1 || folded.innermost() != 1 || r.count < 2 * kBlock)
    reduce_threads<Out, Acc, C><<<grid_for(n, 1, kMapWaves), kBlock, 0, stream>>>(
        map, combine, project, seed, priors, self.data(), out, kept, folded, n, r.count);
  else
    reduce_blocks<Out, Acc, C><<<unsigned(std::min<int64_t>(n, 65535)), kBlock, 0, stream>>>(
        map, combine, project, seed, priors, self.data(), out, kept, folded, n, r.count);
  check_launch<Map>();
}

// An element and its index among the folded ones.
template <class C>
struct Ranked {
  C value;
  int64_t index;
};

// The better of two partials, the first on ties: better(y, x) says whether y beats x.
template <class C, class Better>
struct ArgBest {
  Better better;
  SATCHEL_HD Partial<Ranked<C>> operator()(const Partial<Ranked<C>>& a, const Partial<Ranked<C>>& b) const {
    if (!a.has) return b;
    if (!b.has) return a;
    const bool take = better(b.value.value, a.value.value) ||
                      (!better(a.value.value, b.value.value) && b.value.index < a.value.index);
    return take ? b : a;
  }
};

template <class T, class C, class Better>
__global__ void __launch_bounds__(kBlock) arg_reduce_kernel(const Better better, const T* x, T* values,
                                                            int64_t* indices, const Dimensions kept,
                                                            const Dimensions folded, const int64_t outputs,
                                                            const int64_t count, const bool by_block) {
  using Best = Partial<Ranked<C>>;
  using BlockReduce = cub::BlockReduce<Best, kBlock>;
  __shared__ typename BlockReduce::TempStorage temp;
  const ArgBest<C, Better> op{better};
  const int64_t first = by_block ? int64_t(blockIdx.x) : int64_t(blockIdx.x) * kBlock + threadIdx.x;
  const int64_t stride = by_block ? int64_t(gridDim.x) : int64_t(gridDim.x) * kBlock;
  for (int64_t o = first; o < outputs; o += stride) {
    const T* base = x + kept.offset(o);
    Best mine{{C(), 0}, false};
    for (int64_t r = by_block ? threadIdx.x : 0; r < count; r += by_block ? kBlock : 1)
      mine = op(mine, Best{{C(base[folded.offset(r)]), r}, true});
    if (by_block) {
      mine = BlockReduce(temp).Reduce(mine, op);
      __syncthreads();  // temp is reused by the next result
      if (threadIdx.x != 0) continue;
    }
    values[o] = T(mine.value.value);
    indices[o] = mine.value.index;
  }
}

// One line of a scan per thread: neighbouring threads take neighbouring lines.
// A line's elements are `step` apart in x and `out_step` apart in out.
struct ScanArgs {
  Dimensions in, out;  // the lines, each over the dims but the scanned one
  int64_t lines, length, step, out_step;
};

template <class Out, class Acc, class C, class T, class Combine>
__global__ void __launch_bounds__(kBlock) scan_kernel(const Combine combine, const T* x, Out* out, const ScanArgs a) {
  for (int64_t l = int64_t(blockIdx.x) * kBlock + threadIdx.x; l < a.lines; l += int64_t(gridDim.x) * kBlock) {
    const T* in = x + a.in.offset(l);
    Out* o = out + a.out.offset(l);
    Acc acc = Acc(C(in[0]));
    o[0] = convert<Out>(acc);
    for (int64_t k = 1; k < a.length; ++k) {
      acc = combine(acc, Acc(C(in[k * a.step])));
      o[k * a.out_step] = convert<Out>(acc);
    }
  }
}

// The best so far and its index, the last on ties (as the CPU's arg_scan).
template <class T, class C, class Better>
__global__ void __launch_bounds__(kBlock) arg_scan_kernel(const Better better, const T* x, T* values,
                                                          int64_t* indices, const ScanArgs a) {
  for (int64_t l = int64_t(blockIdx.x) * kBlock + threadIdx.x; l < a.lines; l += int64_t(gridDim.x) * kBlock) {
    const T* in = x + a.in.offset(l);
    const int64_t o = a.out.offset(l);
    C best = C(in[0]);
    int64_t index = 0;
    for (int64_t k = 0; k < a.length; ++k) {
      const C y = C(in[k * a.step]);
      if (!better(best, y)) best = y, index = k;
      values[o + k * a.out_step] = T(best);
      indices[o + k * a.out_step] = index;
    }
  }
}

// out[e] = fn(self[..., i, j], i, j, e) for the e-th element in row-major order.
template <class T, class C, class Fn>
__global__ void __launch_bounds__(kBlock) positional_kernel(const Fn fn, const T* x, T* out, const Dimensions self,
                                                            const int64_t n, const int64_t rows,
                                                            const int64_t cols) {
  for (int64_t e = int64_t(blockIdx.x) * kBlock + threadIdx.x; e < n; e += int64_t(gridDim.x) * kBlock)
    out[e] = T(fn(C(x[self.offset(e)]), e / cols % rows, e % cols, e));
}

template <class TensorT>
ScanArgs scan_args(const char* op, const TensorT& self, int64_t dim) {
  const int d = scan_dim(op, self.sizes(), dim);
  const Dims out_strides = strides_like(self.sizes(), self.strides());  // as the CPU's scan.h
  ScanArgs a{};
  a.lines = 1;
  for (int k = 0; k < self.dim(); ++k) {
    if (k == d) continue;
    a.in.add(self.size(k), self.stride(k));
    a.out.add(self.size(k), out_strides[k]);
    a.lines *= self.size(k);
  }
  a.length = self.dim() ? self.size(d) : 1;
  a.step = self.dim() ? self.stride(d) : 0;
  a.out_step = self.dim() ? out_strides[d] : 0;
  return a;
}

}  // namespace detail

// reduce_dims.h's reduce_dims on the device; the result is queued on the current stream.
template <class Out, class Acc, class C, class Map, class Combine, class Project, class TensorT, class DimT>
DeviceTensor<Out> reduce_dims(const char* op, const Map& map, const Combine& combine, std::optional<Acc> identity,
                              const Project& project, const TensorT& self, const DimT& dim, bool keepdim) {
  const Reduction r = plan_reduction(op, self.sizes(), dim, keepdim);
  DeviceTensor<Out> out = empty<DeviceTensor<Out>>(r.out);
  const int64_t n = out.numel();
  if (n == 0) return out;
  if (r.count == 0 && !identity) throw_empty_reduction(op, self.sizes(), r);
  detail::launch_reduce<Out, Acc, C>(map, combine, identity, project, NoPrior{}, self, r, out.data(), n);
  return out;
}

// reduce_dims.h's reduce_dims_prior on the device: the priors are folded into a
// buffer of Acc first, then bound to the main fold's map and project.
template <class Out, class Acc, class C, class PriorFold, class MainFold, class TensorT, class DimT>
std::pair<DeviceTensor<Out>, DeviceTensor<Out>> reduce_dims_prior(const char* op, const PriorFold& prior,
                                                                  const MainFold& main, const TensorT& self,
                                                                  const DimT& dim, bool keepdim) {
  const Reduction r = plan_reduction(op, self.sizes(), dim, keepdim);
  DeviceTensor<Out> out = empty<DeviceTensor<Out>>(r.out), priors_out = empty<DeviceTensor<Out>>(r.out);
  const int64_t n = out.numel();
  if (n == 0) return {out, priors_out};
  if (r.count == 0 && !main.identity) throw_empty_reduction(op, self.sizes(), r);
  // Over no elements a prior without identity (logsumexp's max) folds from 0.
  const std::optional<Acc> prior_identity = r.count == 0 && !prior.identity ? std::optional<Acc>(Acc(0))
                                                                            : prior.identity;
  DeviceTensor<Acc> first = empty<DeviceTensor<Acc>>(r.out);
  detail::launch_reduce<Acc, Acc, C>(prior.map, prior.combine, prior_identity, prior.project, NoPrior{}, self, r,
                                     first.data(), n);
  detail::launch_reduce<Out, Acc, C>(main.map, main.combine, main.identity, main.project,
                                     Priors<Acc, Out>{first.data(), priors_out.data()}, self, r, out.data(), n);
  return {out, priors_out};
}

// (combine: the CPU's fold of the best value; a kernel's threads carry values and indices together.)
template <class C, class Better, class Combine, class TensorT>
std::pair<TensorT, DeviceTensor<int64_t>> arg_reduce(const char* op, const Better& better, const Combine&,
                                                     const TensorT& self, std::optional<int64_t> dim, bool keepdim) {
  const Reduction r = plan_reduction(op, self.sizes(), dim, keepdim);
  TensorT values = empty<TensorT>(r.out);
  DeviceTensor<int64_t> indices = empty<DeviceTensor<int64_t>>(r.out);
  const int64_t n = values.numel();
  if (n == 0) return {values, indices};
  if (r.count == 0) throw_empty_reduction(op, self.sizes(), r);
  const auto [kept, folded] = detail::split(self, r);
  const bool by_block = kept.innermost() != 1 && folded.innermost() == 1 && r.count >= 2 * detail::kBlock;
  const unsigned grid = by_block ? unsigned(std::min<int64_t>(n, 65535)) : detail::grid_for(n, 1, detail::kMapWaves);
  detail::arg_reduce_kernel<typename TensorT::value_type, C><<<grid, detail::kBlock, 0, current_stream()>>>(
      better, self.data(), values.data(), indices.data(), kept, folded, n, r.count, by_block);
  detail::check_launch<Better>();
  return {values, indices};
}

template <class Out, class Acc, class C, class Combine, class TensorT>
DeviceTensor<Out> scan(const char* op, const Combine& combine, const TensorT& self, int64_t dim) {
  const detail::ScanArgs a = detail::scan_args(op, self, dim);
  DeviceTensor<Out> out = empty<DeviceTensor<Out>>(self.sizes(), strides_like(self.sizes(), self.strides()));
  if (out.numel() == 0) return out;
  detail::scan_kernel<Out, Acc, C><<<detail::grid_for(a.lines, 1, detail::kMapWaves), detail::kBlock, 0,
                                     current_stream()>>>(combine, self.data(), out.data(), a);
  detail::check_launch<Combine>();
  return out;
}

template <class C, class Better, class TensorT>
std::pair<TensorT, DeviceTensor<int64_t>> arg_scan(const char* op, const Better& better, const TensorT& self,
                                                   int64_t dim) {
  const detail::ScanArgs a = detail::scan_args(op, self, dim);
  const Dims strides = strides_like(self.sizes(), self.strides());
  TensorT values = empty<TensorT>(self.sizes(), strides);
  DeviceTensor<int64_t> indices = empty<DeviceTensor<int64_t>>(self.sizes(), strides);
  if (self.numel() == 0) return {values, indices};
  detail::arg_scan_kernel<typename TensorT::value_type, C><<<detail::grid_for(a.lines, 1, detail::kMapWaves),
                                                              detail::kBlock, 0, current_stream()>>>(
      better, self.data(), values.data(), indices.data(), a);
  detail::check_launch<Better>();
  return {values, indices};
}

template <class C, class TensorT, class Fn>
TensorT map_positional(const char* op, int min_dims, const Fn& fn, const TensorT& self) {
  check_min_dims(op, self, min_dims);
  TensorT out = empty<TensorT>(self.sizes());
  const int64_t n = out.numel();
  if (n == 0) return out;
  const int nd = self.dim();
  detail::Dimensions dims;
  for (int d = 0; d < nd; ++d) dims.add(self.size(d), self.stride(d));
  detail::positional_kernel<typename TensorT::value_type, C>
      <<<detail::grid_for(n, 1, detail::kMapWaves), detail::kBlock, 0, current_stream()>>>(
          fn, self.data(), out.data(), dims, n, nd > 1 ? self.size(nd - 2) : 1, nd ? self.size(nd - 1) : 1);
  detail::check_launch<Fn>();
  return out;
}

}  // namespace satchel::cuda
