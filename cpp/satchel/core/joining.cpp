#include "joining.h"

#include <stdexcept>
#include <string>

#include "views.h"

namespace satchel::join {

Dims cat_shape(const char* op, const std::vector<const TensorBase*>& tensors, int64_t dim, int& d,
               std::vector<bool>& skip) {
  if (tensors.empty()) throw std::invalid_argument(std::string(op) + ": expected a non-empty list of tensors");
  skip.assign(tensors.size(), false);
  const TensorBase* first = nullptr;
  std::size_t first_index = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorBase& t = *tensors[i];
    if (t.dim() == 1 && t.size(0) == 0) {
      skip[i] = true;
      continue;
    }
    if (!first) {
      first = &t;
      first_index = i;
    }
  }
  if (!first) {  // every tensor empty and 1-D
    d = view::wrap_dim(op, dim, 1);
    return Dims{0};
  }
  d = view::wrap_dim(op, dim, first->dim());
  Dims shape = first->sizes();
  shape[d] = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (skip[i]) continue;
    const TensorBase& t = *tensors[i];
    bool fits = t.dim() == first->dim();
    for (int k = 0; fits && k < t.dim(); ++k) fits = k == d || t.size(k) == first->size(k);
    if (!fits)
      throw std::invalid_argument(std::string(op) + ": tensor " + std::to_string(i) + " has shape " +
                                  to_string(t.sizes()) + ", which does not fit tensor " + std::to_string(first_index) +
                                  "'s " + to_string(first->sizes()) + " but along dim " + std::to_string(dim));
    shape[d] += t.size(d);
  }
  return shape;
}

Pieces split_sizes(int64_t size, int64_t split_size) {
  if (split_size < 0 || (split_size == 0 && size != 0))
    throw std::invalid_argument("split: split_size " + std::to_string(split_size) +
                                " must be positive (0 only for a dim of size 0)");
  if (size == 0) return Pieces{0};
  Pieces out;
  for (int64_t at = 0; at < size; at += split_size) out.push_back(std::min(split_size, size - at));
  return out;
}

Pieces chunk_sizes(int64_t size, int64_t chunks) {
  if (chunks <= 0) throw std::invalid_argument("chunk: chunks " + std::to_string(chunks) + " must be positive");
  const int64_t each = (size + chunks - 1) / chunks;
  if (each == 0) return Pieces(chunks, 0);  // a dim of size 0: chunks empty pieces, as PyTorch
  return split_sizes(size, each);
}

Pieces section_sizes(int64_t size, int64_t sections) {
  if (sections <= 0)
    throw std::invalid_argument("tensor_split: sections " + std::to_string(sections) + " must be positive");
  Pieces out(sections);
  for (int64_t i = 0; i < sections; ++i) out[i] = size / sections + (i < size % sections ? 1 : 0);
  return out;
}

std::vector<TensorBase> split_views(const char* op, const TensorBase& self, const Pieces& sizes, int64_t dim) {
  const int d = view::wrap_dim(op, dim, self.dim());
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw std::invalid_argument(std::string(op) + ": split size " + std::to_string(s) + " is negative");
    total += s;
  }
  if (total != self.size(d))
    throw std::invalid_argument(std::string(op) + ": split sizes add up to " +
                                std::to_string(total) + ", not dim " + std::to_string(dim) + "'s size " +
                                std::to_string(self.size(d)));
  std::vector<TensorBase> out;
  out.reserve(sizes.size());
  int64_t at = 0;
  for (int64_t s : sizes) {
    out.push_back(view::narrow(self, d, at, s));
    at += s;
  }
  return out;
}

TensorBase at_least(const TensorBase& self, int n) {
  const Dims& s = self.sizes();
  const Dims& st = self.strides();
  switch (self.dim() >= n ? 0 : n) {
    case 0: return self;
    case 1: return TensorBase(self.storage(), self.storage_offset(), Dims{1}, Dims{1});
    case 2:  // a 1-D tensor as a row
      return self.dim() == 0 ? TensorBase(self.storage(), self.storage_offset(), Dims{1, 1}, Dims{1, 1})
                             : TensorBase(self.storage(), self.storage_offset(), Dims{1, s[0]}, Dims{s[0] * st[0], st[0]});
    default:  // NumPy's atleast_3d: (n) -> (1, n, 1), (m, n) -> (m, n, 1)
      if (self.dim() == 0) return TensorBase(self.storage(), self.storage_offset(), Dims{1, 1, 1}, Dims{1, 1, 1});
      if (self.dim() == 1)
        return TensorBase(self.storage(), self.storage_offset(), Dims{1, s[0], 1}, Dims{s[0] * st[0], st[0], 1});
      return TensorBase(self.storage(), self.storage_offset(), Dims{s[0], s[1], 1}, Dims{st[0], st[1], 1});
  }
}

Dims grid_shape(const std::vector<const TensorBase*>& tensors, bool xy) {
  if (tensors.empty()) throw std::invalid_argument("meshgrid: expected a non-empty list of tensors");
  Dims grid;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i]->dim() > 1)
      throw std::invalid_argument("meshgrid: tensor " + std::to_string(i) + " has shape " +
                                  to_string(tensors[i]->sizes()) + "; expected 0-d or 1-D tensors");
    grid.push_back(tensors[i]->numel());
  }
  if (xy && grid.size() >= 2) std::swap(grid[0], grid[1]);
  return grid;
}

TensorBase grid_view(const TensorBase& t, int k, const Dims& grid, bool xy) {
  int at = k;
  if (xy && grid.size() >= 2 && k < 2) at = 1 - k;
  Dims strides(grid.size(), 0);
  strides[at] = t.dim() ? t.stride(0) : 0;
  return TensorBase(t.storage(), t.storage_offset(), grid, strides);
}

}  // namespace satchel::join
