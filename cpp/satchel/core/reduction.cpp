#include "reduction.h"

#include <stdexcept>
#include <string>

namespace satchel {

namespace {

int wrap(const char* op, int64_t dim, const Dims& sizes) {
  const int n = sizes.size() ? sizes.size() : 1;  // a 0-d tensor has dims 0 and -1, as PyTorch
  if (dim < -n || dim >= n)
    throw std::out_of_range(std::string(op) + ": dim " + std::to_string(dim) + " is out of range for a tensor of shape " +
                            to_string(sizes) + " (expected " + std::to_string(-n) + " to " + std::to_string(n - 1) +
                            ")");
  return int(dim < 0 ? dim + n : dim);
}

Reduction plan(const Dims& sizes, unsigned mask, bool keepdim) {
  Reduction r;
  r.mask = mask;
  r.kept = sizes;
  for (int d = 0; d < sizes.size(); ++d) {
    if (!r.folds(d)) {
      r.out.push_back(sizes[d]);
      continue;
    }
    r.count *= sizes[d];
    r.kept[d] = 1;
    if (keepdim) r.out.push_back(1);
  }
  return r;
}

}  // namespace

Reduction plan_reduction(const char* op, const Dims& sizes, const std::optional<Dims>& dim, bool keepdim) {
  const unsigned all = sizes.size() ? (1u << sizes.size()) - 1 : 0;
  if (!dim || dim->empty()) return plan(sizes, all, keepdim);
  unsigned mask = 0;
  for (int64_t d : *dim) {
    const unsigned bit = sizes.size() ? 1u << wrap(op, d, sizes) : 0;
    if (mask & bit)
      throw std::invalid_argument(std::string(op) + ": dim " + std::to_string(d) + " appears more than once in dim " +
                                  to_string(*dim));
    mask |= bit;
  }
  return plan(sizes, mask, keepdim);
}

Reduction plan_reduction(const char* op, const Dims& sizes, std::optional<int64_t> dim, bool keepdim) {
  return plan_reduction(op, sizes, dim ? std::optional<Dims>(Dims{*dim}) : std::optional<Dims>(), keepdim);
}

int scan_dim(const char* op, const Dims& sizes, int64_t dim) {
  const int d = wrap(op, dim, sizes);
  return sizes.size() ? d : 0;
}

void throw_empty_reduction(const char* op, const Dims& sizes, const Reduction& r) {
  std::string dims;
  for (int d = 0; d < sizes.size(); ++d)
    if (r.folds(d)) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  throw std::invalid_argument(std::string(op) + ": cannot reduce a tensor of shape " + to_string(sizes) + " over dim" +
                              (dims.find(',') == std::string::npos ? " " : "s ") + dims +
                              ", which hold no elements: the reduction has no identity");
}

void check_min_dims(const char* op, const TensorBase& t, int min_dims) {
  if (t.dim() < min_dims)
    throw std::invalid_argument(std::string(op) + ": needs a tensor of at least " + std::to_string(min_dims) +
                                " dims, got one of shape " + to_string(t.sizes()));
}

}  // namespace satchel
