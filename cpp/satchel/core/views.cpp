#include "views.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace satchel::view {

int wrap_dim(const char* op, int64_t dim, int ndim, int n) {
  if (n < 0) n = ndim;
  if (dim < -n || dim >= n) {
    std::string msg = std::string(op) + ": dim " + std::to_string(dim) + " is out of range for a tensor of " +
                      std::to_string(ndim) + " dimension" + (ndim == 1 ? "" : "s");
    if (n > 0) msg += " (expected " + std::to_string(-n) + " to " + std::to_string(n - 1) + ")";
    throw std::out_of_range(msg);
  }
  return int(dim < 0 ? dim + n : dim);
}

namespace {

TensorBase restride(const TensorBase& t, int64_t offset, const Dims& sizes, const Dims& strides) {
  return TensorBase(t.storage(), offset, sizes, strides);
}

}  // namespace

std::optional<Dims> view_strides(const TensorBase& t, const Dims& shape) {
  Dims out(shape.size());
  if (t.numel() == 0 || t.dim() == 0) return contiguous_strides(shape);  // (a 0-d tensor: shape is all ones)
  const Dims& old_sizes = t.sizes();
  const Dims& old_strides = t.strides();
  int view_d = shape.size() - 1;
  int64_t chunk_base_stride = old_strides.size() ? old_strides[old_strides.size() - 1] : 1;
  int64_t tensor_numel = 1;
  int64_t view_numel = 1;
  for (int tensor_d = old_sizes.size() - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_sizes[tensor_d];
    // A chunk of contiguous dims ends where the next one (outward) does not follow on.
    if (tensor_d == 0 || (old_sizes[tensor_d - 1] != 1 &&
                          old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

Dims infer_shape(const char* op, const Dims& shape, int64_t numel) {
  Dims out = shape;
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw std::invalid_argument(std::string(op) + ": only one dimension can be -1");
      infer = i;
    } else if (shape[i] < 0) {
      throw std::invalid_argument(std::string(op) + ": invalid size " + std::to_string(shape[i]) + " in shape " +
                                  to_string(shape));
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel % known != 0)
      throw std::invalid_argument(std::string(op) + ": shape " + to_string(shape) + " is invalid for " +
                                  std::to_string(numel) + " elements");
    out[infer] = numel / known;
  } else if (checked_numel(out) != numel) {
    throw std::invalid_argument(std::string(op) + ": shape " + to_string(shape) + " is invalid for " +
                                std::to_string(numel) + " elements");
  }
  return out;
}


TensorBase narrow(const TensorBase& self, int64_t dim, int64_t start, int64_t length) {
  const int d = wrap_dim("narrow", dim, self.dim());
  const int64_t size = self.size(d);
  const int64_t s = start < 0 && start >= -size ? start + size : start;
  if (s < 0 || length < 0 || s > size || length > size - s)
    throw std::out_of_range("narrow: dim " + std::to_string(dim) + " start " + std::to_string(start) + " length " +
                            std::to_string(length) + " is out of range for size " + std::to_string(size));
  Dims sizes = self.sizes();
  sizes[d] = length;
  const int64_t offset = length ? self.storage_offset() + s * self.stride(d) : self.storage_offset();
  return restride(self, offset, sizes, self.strides());
}

TensorBase select(const TensorBase& self, int64_t dim, int64_t index) {
  const int d = wrap_dim("select", dim, self.dim());
  const int64_t size = self.size(d);
  if (index < -size || index >= size)
    throw std::out_of_range("select: index " + std::to_string(index) + " is out of range for dim " +
                            std::to_string(dim) + " of size " + std::to_string(size));
  const int64_t i = index < 0 ? index + size : index;
  Dims sizes = self.sizes(), strides = self.strides();
  sizes.erase(d);
  strides.erase(d);
  return restride(self, self.storage_offset() + i * self.stride(d), sizes, strides);
}

TensorBase transpose(const TensorBase& self, int64_t dim0, int64_t dim1) {
  const int a = wrap_dim("transpose", dim0, self.dim());
  const int b = wrap_dim("transpose", dim1, self.dim());
  Dims sizes = self.sizes(), strides = self.strides();
  std::swap(sizes[a], sizes[b]);
  std::swap(strides[a], strides[b]);
  return restride(self, self.storage_offset(), sizes, strides);
}

TensorBase t(const TensorBase& self) {
  if (self.dim() > 2)
    throw std::invalid_argument("t: expects a tensor of at most 2 dimensions, got " + std::to_string(self.dim()));
  return self.dim() < 2 ? self : transpose(self, 0, 1);
}

TensorBase permute(const TensorBase& self, const Dims& dims) {
  if (dims.size() != self.dim())
    throw std::invalid_argument("permute: got " + std::to_string(dims.size()) + " dims " + to_string(dims) +
                                " for a tensor of " + std::to_string(self.dim()) + " dimensions");
  Dims sizes(self.dim()), strides(self.dim());
  bool seen[kMaxDims] = {};
  for (int i = 0; i < dims.size(); ++i) {
    const int d = wrap_dim("permute", dims[i], self.dim());
    if (seen[d]) throw std::invalid_argument("permute: dim " + std::to_string(dims[i]) + " is repeated in " +
                                             to_string(dims));
    seen[d] = true;
    sizes[i] = self.size(d);
    strides[i] = self.stride(d);
  }
  return restride(self, self.storage_offset(), sizes, strides);
}

TensorBase unfold(const TensorBase& self, int64_t dim, int64_t size, int64_t step) {
  const int d = wrap_dim("unfold", dim, self.dim());
  if (step <= 0) throw std::invalid_argument("unfold: step must be positive, got " + std::to_string(step));
  if (size < 0 || size > self.size(d))
    throw std::out_of_range("unfold: size " + std::to_string(size) + " is out of range for dim " +
                            std::to_string(dim) + " of size " + std::to_string(self.size(d)));
  Dims sizes = self.sizes(), strides = self.strides();
  sizes[d] = (self.size(d) - size) / step + 1;
  strides[d] = step * self.stride(d);
  sizes.push_back(size);
  strides.push_back(self.stride(d));
  return restride(self, self.storage_offset(), sizes, strides);
}

TensorBase expand(const TensorBase& self, const Dims& size) {
  if (size.size() < self.dim())
    throw std::invalid_argument("expand: shape " + to_string(size) + " has fewer dimensions than the tensor's " +
                                to_string(self.sizes()));
  const int lead = size.size() - self.dim();
  Dims sizes(size.size()), strides(size.size());
  for (int i = 0; i < size.size(); ++i) {
    const int j = i - lead;
    if (j < 0) {
      if (size[i] < 0) throw std::invalid_argument("expand: size " + std::to_string(size[i]) +
                                                   " is not allowed for a new leading dimension");
      sizes[i] = size[i];
      strides[i] = 0;
    } else if (size[i] == -1 || size[i] == self.size(j)) {
      sizes[i] = self.size(j);
      strides[i] = self.stride(j);
    } else if (self.size(j) == 1 && size[i] >= 0) {
      sizes[i] = size[i];
      strides[i] = 0;
    } else {
      throw std::invalid_argument("expand: cannot expand shape " + to_string(self.sizes()) + " to " +
                                  to_string(size));
    }
  }
  return restride(self, self.storage_offset(), sizes, strides);
}

TensorBase view(const TensorBase& self, const Dims& shape) {
  const Dims sizes = infer_shape("view", shape, self.numel());
  const std::optional<Dims> strides = view_strides(self, sizes);
  if (!strides)
    throw std::invalid_argument("view: shape " + to_string(sizes) + " is not a view of a tensor of shape " +
                                to_string(self.sizes()) + " and strides " + to_string(self.strides()) +
                                "; use reshape");
  return restride(self, self.storage_offset(), sizes, *strides);
}

std::optional<TensorBase> reshape_view(const TensorBase& self, const Dims& sizes) {
  if (const std::optional<Dims> strides = view_strides(self, sizes))
    return restride(self, self.storage_offset(), sizes, *strides);
  return std::nullopt;
}

TensorBase squeeze(const TensorBase& self, std::optional<int64_t> dim) {
  Dims sizes, strides;
  if (dim) {
    if (self.dim() == 0) {
      wrap_dim("squeeze", *dim, 0, 1);
      return self;
    }
    const int d = wrap_dim("squeeze", *dim, self.dim());
    if (self.size(d) != 1) return self;
    sizes = self.sizes();
    strides = self.strides();
    sizes.erase(d);
    strides.erase(d);
  } else {
    for (int i = 0; i < self.dim(); ++i)
      if (self.size(i) != 1) {
        sizes.push_back(self.size(i));
        strides.push_back(self.stride(i));
      }
  }
  return restride(self, self.storage_offset(), sizes, strides);
}

TensorBase unsqueeze(const TensorBase& self, int64_t dim) {
  const int d = wrap_dim("unsqueeze", dim, self.dim(), self.dim() + 1);
  Dims sizes = self.sizes(), strides = self.strides();
  const int64_t stride = d < self.dim() ? self.stride(d) * self.size(d) : 1;
  sizes.insert(d, 1);
  strides.insert(d, stride);
  return restride(self, self.storage_offset(), sizes, strides);
}

}  // namespace satchel::view
