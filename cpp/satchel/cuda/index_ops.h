// The natives of index tensors and masks for CUDA tensors. gather, index_select,
// scatter, scatter_add and index_add run on the device (gather.cu), after one
// host sync that checks the indices (so nothing is written before an
// IndexError). The rest, and advanced indexing t[key], go through the host: the
// operands are copied over, the CPU's native runs, the result is copied back
// (masked_select and nonzero have data-dependent shapes, whose count the host
// needs anyway; a count-then-fill on the device is not written yet).
#pragma once

#include <nanobind/nanobind.h>

#include <optional>
#include <string>

#include "../core/overlap.h"
#include "../index_ops.h"
#include "../indexing.h"
#include "gather.h"
#include "runtime.h"
#include "transfer.h"

namespace satchel::cuda {

namespace index_detail {

using satchel::index_detail::LongOf;

// The Along of an index of `sizes` over x and y (index_strides its own, or 0
// along the dims it is broadcast over).
inline Along along(const Dims& sizes, int dim, int64_t dim_size, const Dims& x_strides, const Dims& y_strides,
                   const Dims& index_strides, const int64_t* index) {
  Along a;
  a.nd = sizes.size();
  a.dim = dim;
  a.dim_size = dim_size;
  a.numel = checked_numel(sizes);
  for (int d = 0; d < a.nd; ++d) {
    a.sizes[d] = sizes[d];
    a.x_strides[d] = d < x_strides.size() ? x_strides[d] : 0;
    a.y_strides[d] = y_strides[d];
    a.index_strides[d] = index_strides[d];
  }
  a.index = index;
  return a;
}

// IndexError as the CPU's check_range says it, for the first index out of range.
inline void check_range(const char* op, const Along& a, int dim, int64_t size, bool negative) {
  DeviceTensor<int64_t> scratch = cuda::empty<DeviceTensor<int64_t>>(Dims{1});
  const int64_t at = first_out_of_range(a, negative ? -size : 0, size, scratch.data(), current_stream());
  if (at >= a.numel) return;
  int64_t offset = 0;
  for (int64_t q = at, d = a.nd - 1; d >= 0; --d) {
    offset += (q % a.sizes[d]) * a.index_strides[d];
    q /= a.sizes[d];
  }
  int64_t v = 0;
  check(cudaMemcpy(&v, a.index + offset, 8, cudaMemcpyDeviceToHost), "cudaMemcpy (device to host)");
  throw std::out_of_range(std::string(op) + ": index " + std::to_string(v) + " is out of range for dim " +
                          std::to_string(dim) + " of size " + std::to_string(size));
}

// index's strides along dim only: a vector index broadcast over an operand of nd dims.
inline Dims along_dim(const TensorBase& index, int nd, int dim) {
  Dims s(nd, 0);
  if (nd) s[dim] = index.dim() ? index.stride(0) : 0;
  return s;
}

template <class TensorT>
char* bytes_of(const TensorT& t) {
  return reinterpret_cast<char*>(t.data());
}

// A host copy of a tensor of another dtype's unit (an index, a mask): the bytes
// its elements span, copied as they lie, seen with its strides. (to_host would
// need that unit's copy kernels, which each unit compiles for itself alone.)
template <class U>
HostTensor<U> host_copy(const DeviceTensor<U>& d) {
  const overlap::Span span = overlap::span(d, sizeof(U));
  const int64_t n = int64_t(span.end - span.begin) / int64_t(sizeof(U));
  HostTensor<U> flat = HostTensor<U>::empty(Dims{n});
  if (n == 0) return HostTensor<U>(flat.storage(), 0, d.sizes(), d.strides());
  const cudaStream_t stream = current_stream();
  check(cudaMemcpyAsync(flat.data(), span.begin, std::size_t(n) * sizeof(U), cudaMemcpyDeviceToHost, stream),
        "cudaMemcpyAsync (device to host)");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return HostTensor<U>(flat.storage(), int64_t(d.bytes(sizeof(U)) - span.begin) / int64_t(sizeof(U)), d.sizes(),
                       d.strides());
}

// An in-place op of the CPU's run on a host copy of self, written back.
template <class TensorT, class Op>
TensorT& through_host(TensorT& self, Op op) {
  using T = typename TensorT::value_type;
  overlap::check_writable(self);
  HostTensor<T> h = to_host(self);
  op(h);
  const TensorT d = to_device(h);
  Copies<T>::into(self, Operand<TensorT>(d));
  return self;
}

}  // namespace index_detail

namespace native {

template <class TensorT, class IndexT>
TensorT index_select(const TensorT& self, int64_t dim, const IndexT& index) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("index_select", dim, self.dim());
  satchel::index_detail::check_vector("index_select", self, index);
  Dims sizes = self.sizes();
  if (self.dim()) sizes[d] = index.numel();
  const int64_t size = satchel::index_detail::size_at(self, d);
  index_detail::check_range("index_select", index_detail::along(Dims{index.numel()}, 0, size, Dims{0}, Dims{0},
                                                                Dims{index.dim() ? index.stride(0) : 0}, index.data()),
                            d, size, false);
  TensorT out = cuda::empty<TensorT>(sizes);
  const Along a = index_detail::along(sizes, d, size, self.strides(), out.strides(),
                                      index_detail::along_dim(index, sizes.size(), d), index.data());
  along_copy(a, index_detail::bytes_of(self), index_detail::bytes_of(out), sizeof(T), true, current_stream());
  return out;
}

template <class TensorT, class IndexT>
TensorT gather(const TensorT& self, int64_t dim, const IndexT& index) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("gather", dim, self.dim());
  satchel::index_detail::check_along("gather", self, d, index, nullptr);
  const int64_t size = satchel::index_detail::size_at(self, d);
  TensorT out = cuda::empty<TensorT>(index.sizes());
  const Along a = index_detail::along(index.sizes(), d, size, self.strides(), out.strides(), index.strides(),
                                      index.data());
  index_detail::check_range("gather", a, d, size, false);
  along_copy(a, index_detail::bytes_of(self), index_detail::bytes_of(out), sizeof(T), true, current_stream());
  return out;
}

template <class TensorT, class IndexT>
Along scatter_plan(const char* op, const TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  const int d = gather::wrap_dim(op, dim, self.dim());
  satchel::index_detail::check_along(op, self, d, index, &src);
  const int64_t size = satchel::index_detail::size_at(self, d);
  const Along a = index_detail::along(index.sizes(), d, size, self.strides(), src.strides(), index.strides(),
                                      index.data());
  index_detail::check_range(op, a, d, size, false);
  overlap::check_writable(self);
  return a;
}

template <class TensorT, class IndexT>
TensorT& scatter_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  using T = typename TensorT::value_type;
  const TensorT s = satchel::index_detail::detached(src, self);  // (device memory: compared by address alike)
  const Along a = scatter_plan("scatter_", self, dim, index, s);
  along_copy(a, index_detail::bytes_of(self), index_detail::bytes_of(s), sizeof(T), false, current_stream());
  return self;
}

template <class TensorT, class IndexT>
TensorT scatter(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  TensorT out = clone(self);
  return scatter_(out, dim, index, src);
}

template <class TensorT, class IndexT>
TensorT& scatter_add_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  using T = typename TensorT::value_type;
  const TensorT s = satchel::index_detail::detached(src, self);
  const Along a = scatter_plan("scatter_add_", self, dim, index, s);
  along_add<T>(a, self.data(), s.data(), compute_t<T>(1), current_stream());
  return self;
}

template <class TensorT, class IndexT>
TensorT scatter_add(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& src) {
  TensorT out = clone(self);
  return scatter_add_(out, dim, index, src);
}

template <class TensorT, class IndexT>
TensorT& index_add_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& source,
                    Scalar<typename TensorT::value_type> alpha) {
  using T = typename TensorT::value_type;
  const int d = gather::wrap_dim("index_add_", dim, self.dim());
  satchel::index_detail::check_vector("index_add_", self, index);
  satchel::index_detail::check_source("index_add_", self, d, index.numel(), source);
  const int64_t size = satchel::index_detail::size_at(self, d);
  index_detail::check_range("index_add_", index_detail::along(Dims{index.numel()}, 0, size, Dims{0}, Dims{0},
                                                              Dims{index.dim() ? index.stride(0) : 0}, index.data()),
                            d, size, false);
  overlap::check_writable(self);
  const TensorT s = satchel::index_detail::detached(source, self);
  const Along a = index_detail::along(s.sizes(), d, size, self.strides(), s.strides(),
                                      index_detail::along_dim(index, s.dim(), d), index.data());
  along_add<T>(a, self.data(), s.data(), compute_t<T>(alpha.value), current_stream());
  return self;
}

template <class TensorT, class IndexT>
TensorT index_add(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& source,
                  Scalar<typename TensorT::value_type> alpha) {
  TensorT out = clone(self);
  return index_add_(out, dim, index, source, alpha);
}

// ---- through the host ----

template <class TensorT, class IndexT>
TensorT& scatter_value_(TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  const auto i = index_detail::host_copy(index);
  return index_detail::through_host(self, [&](auto& h) { satchel::native::scatter_value_(h, dim, i, value); });
}

template <class TensorT, class IndexT>
TensorT scatter_value(const TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  return to_device(satchel::native::scatter_value(to_host(self), dim, index_detail::host_copy(index), value));
}

template <class TensorT, class IndexT>
TensorT& index_fill_(TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  const auto i = index_detail::host_copy(index);
  return index_detail::through_host(self, [&](auto& h) { satchel::native::index_fill_(h, dim, i, value); });
}

template <class TensorT, class IndexT>
TensorT index_fill(const TensorT& self, int64_t dim, const IndexT& index, Scalar<typename TensorT::value_type> value) {
  return to_device(satchel::native::index_fill(to_host(self), dim, index_detail::host_copy(index), value));
}

template <class TensorT, class IndexT>
TensorT& index_copy_(TensorT& self, int64_t dim, const IndexT& index, const TensorT& source) {
  const auto i = index_detail::host_copy(index);
  const auto s = to_host(source);
  return index_detail::through_host(self, [&](auto& h) { satchel::native::index_copy_(h, dim, i, s); });
}

template <class TensorT, class IndexT>
TensorT index_copy(const TensorT& self, int64_t dim, const IndexT& index, const TensorT& source) {
  return to_device(satchel::native::index_copy(to_host(self), dim, index_detail::host_copy(index), to_host(source)));
}

template <class TensorT, class IndexT>
TensorT take(const TensorT& self, const IndexT& index) {
  return to_device(satchel::native::take(to_host(self), index_detail::host_copy(index)));
}

template <class TensorT, class IndexT>
TensorT take_along_dim(const TensorT& self, const IndexT& indices, std::optional<int64_t> dim) {
  return to_device(satchel::native::take_along_dim(to_host(self), index_detail::host_copy(indices), dim));
}

template <class TensorT, class MaskT>
TensorT masked_select(const TensorT& self, const MaskT& mask) {
  return to_device(satchel::native::masked_select(to_host(self), index_detail::host_copy(mask)));
}

template <class TensorT>
index_detail::LongOf<TensorT> nonzero(const TensorT& self) {
  return to_device(satchel::native::nonzero(to_host(self)));
}

template <class TensorT>
index_detail::LongOf<TensorT> argwhere(const TensorT& self) {
  return nonzero(self);
}

}  // namespace native

}  // namespace satchel::cuda
