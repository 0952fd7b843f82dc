#include "rearranging.h"

#include <stdexcept>
#include <string>

#include "overlap.h"
#include "views.h"

namespace satchel::view {

TensorBase flipped(const char* op, const TensorBase& self, const Dims& dims) {
  Dims strides = self.strides();
  int64_t offset = self.storage_offset();
  bool seen[kMaxDims] = {};
  for (int64_t dim : dims) {
    const int d = wrap_dim(op, dim, self.dim());
    if (seen[d]) throw std::invalid_argument(std::string(op) + ": dim " + std::to_string(dim) + " appears twice in " + to_string(dims));
    seen[d] = true;
    if (self.size(d) == 0) continue;
    offset += (self.size(d) - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return TensorBase(self.storage(), self.numel() ? offset : self.storage_offset(), self.sizes(), strides);
}

Dims movedim_order(const TensorBase& self, const Dims& source, const Dims& destination) {
  const int n = self.dim();
  if (source.size() != destination.size())
    throw std::invalid_argument("movedim: source " + to_string(source) + " and destination " +
                                to_string(destination) + " have different lengths");
  Dims order(n, -1);
  bool used[kMaxDims] = {}, placed[kMaxDims] = {};
  for (int i = 0; i < source.size(); ++i) {
    const int s = wrap_dim("movedim", source[i], n), t = wrap_dim("movedim", destination[i], n);
    if (used[s]) throw std::invalid_argument("movedim: source dim " + std::to_string(source[i]) + " repeats");
    if (placed[t]) throw std::invalid_argument("movedim: destination dim " + std::to_string(destination[i]) + " repeats");
    used[s] = placed[t] = true;
    order[t] = s;
  }
  int next = 0;
  for (int t = 0; t < n; ++t) {
    if (placed[t]) continue;
    while (used[next]) ++next;
    order[t] = next++;
  }
  return order;
}

Tiling repeat_tiling(const TensorBase& self, const Dims& repeats) {
  const int n = repeats.size(), lead = n - self.dim();
  if (lead < 0)
    throw std::invalid_argument("repeat: " + std::to_string(n) + " repeats " + to_string(repeats) +
                                " for a tensor of " + std::to_string(self.dim()) + " dims (at least as many needed)");
  Tiling t;
  Dims strides;
  for (int i = 0; i < n; ++i) {
    const int64_t r = repeats[i];
    if (r < 0) throw std::invalid_argument("repeat: repeats " + to_string(repeats) + " has a negative entry");
    const int64_t size = i < lead ? 1 : self.size(i - lead);
    const int64_t stride = i < lead ? 0 : self.stride(i - lead);
    t.result.push_back(size * r);
    if (r != 1) {  // (r, size) in the grid, the r copies reading one source
      t.grid.push_back(r);
      strides.push_back(0);
    }
    t.grid.push_back(size);
    strides.push_back(stride);
  }
  t.source = TensorBase(self.storage(), self.storage_offset(), t.grid, strides);
  return t;
}

Tiling interleave_tiling(const TensorBase& self, int64_t repeats, int dim) {
  if (repeats < 0) throw std::invalid_argument("repeat_interleave: repeats " + std::to_string(repeats) + " is negative");
  Tiling t{self.sizes(), self.sizes(), {}};
  Dims strides = self.strides();
  t.result[dim] *= repeats;
  t.grid.insert(dim + 1, repeats);
  strides.insert(dim + 1, 0);
  t.source = TensorBase(self.storage(), self.storage_offset(), t.grid, strides);
  return t;
}

TensorBase slice(const TensorBase& self, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
                 int64_t step) {
  const int d = wrap_dim("slice_scatter", dim, self.dim());
  if (step <= 0) throw std::invalid_argument("slice_scatter: step must be positive, got " + std::to_string(step));
  const int64_t size = self.size(d);
  const auto clamp = [size](std::optional<int64_t> v, int64_t none) {
    if (!v) return none;
    const int64_t x = *v < 0 ? *v + size : *v;
    return x < 0 ? int64_t(0) : x > size ? size : x;
  };
  const int64_t b = clamp(start, 0), e = std::max(b, clamp(end, size));
  Dims sizes = self.sizes(), strides = self.strides();
  sizes[d] = (e - b + step - 1) / step;
  strides[d] *= step;
  return TensorBase(self.storage(), sizes[d] ? self.storage_offset() + b * self.stride(d) : self.storage_offset(),
                    sizes, strides);
}

TensorBase as_strided(const TensorBase& self, const Dims& size, const Dims& stride,
                      std::optional<int64_t> storage_offset, int64_t itemsize) {
  if (size.size() != stride.size())
    throw std::invalid_argument("as_strided: size " + to_string(size) + " and stride " + to_string(stride) +
                                " have different lengths");
  const int64_t offset = storage_offset.value_or(self.storage_offset());
  if (offset < 0) throw std::invalid_argument("as_strided: storage_offset " + std::to_string(offset) + " is negative");
  int64_t last = offset;  // the highest element, counted from the storage's start
  bool any = true;
  for (int i = 0; i < size.size(); ++i) {
    if (size[i] < 0) throw std::invalid_argument("as_strided: size " + to_string(size) + " has a negative entry");
    if (stride[i] < 0) throw std::invalid_argument("as_strided: stride " + to_string(stride) + " has a negative entry");
    any = any && size[i] > 0;
    if (size[i] > 0) last += (size[i] - 1) * stride[i];
  }
  TensorBase view(self.storage(), offset, size, stride);
  if (!any) return view;
  const char* base = static_cast<const char*>(self.storage().data());
  const char* lo = base + offset * itemsize;
  const char* hi = base + (last + 1) * itemsize;
  overlap::Span memory{base, base + self.storage().nbytes};
  if (!self.storage().nbytes) memory = overlap::span(self, itemsize);  // imported: only what self sees is known
  if (lo < memory.begin || hi > memory.end)
    throw std::out_of_range("as_strided: size " + to_string(size) + ", stride " + to_string(stride) + " and offset " +
                            std::to_string(offset) + " reach elements " + std::to_string(offset) + " to " +
                            std::to_string(last) + ", outside the " + std::to_string((memory.end - base) / itemsize) +
                            " elements of self's storage");
  return view;
}

}  // namespace satchel::view
