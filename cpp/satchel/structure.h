// The structure and product ops (natives trace, diagonal, diag, diag_embed, eye,
// vdot, inner, kron, tensordot, chain_matmul, multi_dot, einsum) as typed
// functions of a unit. Their views, shapes, orders and einsum's plan are the
// core's (core/structure.h); every contraction is one matmul (linalg.h over
// core/product.h: the BLAS, float16 through float32, integers wrapping as their
// type does) of operands permuted and reshaped for it, each sum a product with a
// vector of ones, and kron (on the CPU) one pointwise pass. Device-generic: what
// they ask of a device is device.h's, matmul_on, kron_on and sum_of_diagonal
// (here for the CPU, cuda/structure.h for CUDA).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nanobind/nanobind.h>

#include "core/structure.h"
#include "core/views.h"
#include "device.h"
#include "dtype.h"
#include "linalg.h"
#include "reduce_dims.h"
#include "views.h"

namespace satchel {

// a @ b by matmul's rules on the CPU.
template <class T>
Tensor<T, Device::cpu> matmul_on(const Tensor<T, Device::cpu>& a, const Tensor<T, Device::cpu>& b) {
  return native::matmul(a, b);
}

// kron's elements on the CPU: one pass of a * b over the operands broadcast to the
// interleaved shape (core/structure.h's kron_operands), written in the result's order.
template <class T>
Tensor<T, Device::cpu> kron_on(const Tensor<T, Device::cpu>& self, const Tensor<T, Device::cpu>& other) {
  using TensorT = Tensor<T, Device::cpu>;
  struct Multiply {
    compute_t<T> operator()(compute_t<T> x, compute_t<T> y) const { return x * y; }
  };
  const structure::Kron k = structure::kron(self.sizes(), other.sizes());
  const auto [va, vb] = structure::kron_operands(self, other);
  const TensorT a(va), b(vb);
  TensorT out = TensorT::empty(a.sizes());
  if (out.numel()) map_into<compute_t<T>>(Multiply{}, out, Operand<TensorT>(a), Operand<TensorT>(b));
  return TensorT(out.storage(), 0, k.result, contiguous_strides(k.result));
}

namespace structure {

// The dtype of trace's result: that of sum (spec/types.yaml's `sum`), int64 for
// bool and the integers, whose accumulators are integers, and the dtype itself else.
// (Checked where it is used: the generated trace returns types.yaml's sum dtype,
// and no tensor of one dtype converts to another's.)
template <class T>
using sum_type = std::conditional_t<std::is_integral_v<typename DType<T>::accreal>, int64_t, T>;

template <class Acc>
struct AddMap {
  using product_of = std::integral_constant<int, 1>;
  Acc operator()(Acc x) const { return x; }
};
template <class Acc>
struct Add {
  using adds = std::true_type;
  Acc operator()(Acc x, Acc y) const { return x + y; }
};
template <class Acc>
struct Keep {
  Acc operator()(Acc x, Acc) const { return x; }
};

}  // namespace structure

// The 0-d sum of a 1-D tensor (a diagonal), accumulated as sum accumulates.
template <class T>
Tensor<structure::sum_type<T>, Device::cpu> sum_of_diagonal(const Tensor<T, Device::cpu>& d) {
  using Acc = typename DType<T>::accreal;
  return reduce_dims<structure::sum_type<T>, Acc, compute_t<T>>(
      "trace", structure::AddMap<Acc>{}, structure::Add<Acc>{}, std::optional<Acc>(Acc(0)), structure::Keep<Acc>{},
      d, std::optional<Dims>(), false);
}

namespace structure {

template <class TensorT>
TensorT filled(const TensorT& like, const Dims& sizes, double value) {
  using T = typename TensorT::value_type;
  TensorT out = new_empty(like, sizes, contiguous_strides(sizes));
  if (out.numel()) copy_into(out, Operand<TensorT>(T(value)));
  return out;
}

// x summed over the dims the plan folds: a matrix-vector product with ones.
template <class TensorT>
TensorT summed(const TensorT& x, const SumOut& s) {
  const TensorT rows = native::reshape(native::permute(x, s.perm), Dims{s.rows, s.summed});
  const TensorT ones = filled(x, Dims{s.summed}, 1);
  return native::reshape(matmul_on(rows, ones), s.kept_sizes);
}

// The tensor with its labels (einsum's operands and partial results).
template <class TensorT>
struct Named {
  TensorT t;
  std::vector<int> labels;
  Labelled base() const { return Labelled{t, labels}; }
};

template <class TensorT>
Named<TensorT> sum_to(const Named<TensorT>& x, const std::vector<int>& keep) {
  const SumOut s = sum_out(x.base(), keep);
  if (!s.any) return x;
  return Named<TensorT>{summed(x.t, s), s.kept_labels};
}

// a (m x k) times b (k x n) after the contraction's permutations, reshaped to its result.
template <class TensorT>
TensorT contract(const TensorT& a, const TensorT& b, const Contraction& c) {
  const TensorT ma = native::reshape(native::permute(a, c.perm_a), c.matrix_a);
  const TensorT mb = native::reshape(native::permute(b, c.perm_b), c.matrix_b);
  return native::reshape(matmul_on(ma, mb), c.result);
}

template <class TensorT>
TensorT chain(const std::vector<TensorT>& m, const std::vector<int>& split, int n, int i, int j) {
  if (i == j) return m[i];
  const int s = split[i * n + j];
  return matmul_on(chain(m, split, n, i, s), chain(m, split, n, s + 1, j));
}

// The product of matrices (2-D, checked), in the cheapest order.
template <class TensorT>
TensorT chain_product(const char* op, const std::vector<TensorT>& m, const std::vector<std::string>& names) {
  std::vector<int64_t> p;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i].dim() != 2)
      throw std::invalid_argument(std::string(op) + ": " + names[i] + " must be 2-D, got shape " + to_string(m[i].sizes()));
    if (i == 0) p.push_back(m[i].size(0));
    else if (m[i].size(0) != p.back())
      throw std::invalid_argument(std::string(op) + ": " + names[i - 1] + " (shape " + to_string(m[i - 1].sizes()) +
                                  ") and " + names[i] + " (shape " + to_string(m[i].sizes()) + ") cannot be multiplied");
    p.push_back(m[i].size(1));
  }
  const std::vector<int> split = chain_order(p);
  return chain(m, split, int(m.size()), 0, int(m.size()) - 1);
}

inline Dims int_list(const nanobind::handle& h, const char* what) {
  Dims out;
  if (nanobind::isinstance<nanobind::int_>(h) && !nanobind::isinstance<nanobind::bool_>(h)) {
    out.push_back(nanobind::cast<int64_t>(h));
    return out;
  }
  if (!nanobind::isinstance<nanobind::sequence>(h) || nanobind::isinstance<nanobind::str>(h))
    throw std::invalid_argument(std::string("tensordot: ") + what + " must be an int or a list of ints");
  for (nanobind::handle x : h) {
    if (!nanobind::isinstance<nanobind::int_>(x) || nanobind::isinstance<nanobind::bool_>(x))
      throw std::invalid_argument(std::string("tensordot: ") + what + " must be an int or a list of ints");
    out.push_back(nanobind::cast<int64_t>(x));
  }
  return out;
}

}  // namespace structure

namespace native {

template <class TensorT>
TensorT diagonal(const TensorT& self, int64_t offset, int64_t dim1, int64_t dim2) {
  return TensorT(structure::diagonal("diagonal", self, offset, dim1, dim2));
}

template <class TensorT>
auto trace(const TensorT& self) {
  if (self.dim() != 2)
    throw std::invalid_argument("trace: expected a matrix (a 2-D tensor), got shape " + to_string(self.sizes()));
  return sum_of_diagonal(TensorT(structure::diagonal("trace", self, 0, 0, 1)));
}

template <class TensorT>
TensorT diag_embed(const TensorT& self, int64_t offset, int64_t dim1, int64_t dim2) {
  int d1 = 0, d2 = 0;
  const Dims shape = structure::diag_embed_shape(self, offset, dim1, dim2, &d1, &d2);
  TensorT out = structure::filled(self, shape, 0);
  if (out.numel()) copy_into(TensorT(structure::diagonal("diag_embed", out, offset, d1, d2)), Operand<TensorT>(self));
  return out;
}

template <class TensorT>
TensorT diag(const TensorT& self, int64_t diagonal) {
  if (self.dim() == 1) return diag_embed(self, diagonal, 0, 1);
  if (self.dim() != 2)
    throw std::invalid_argument("diag: expected a 1-D or 2-D tensor, got shape " + to_string(self.sizes()));
  return contiguous_copy(TensorT(structure::diagonal("diag", self, diagonal, 0, 1)));
}

template <class TensorT>
TensorT eye(int64_t n, std::optional<int64_t> m) {
  const int64_t cols = m ? *m : n;
  if (n < 0 || cols < 0)
    throw std::invalid_argument("eye: n and m must be non-negative, got n=" + std::to_string(n) +
                                ", m=" + std::to_string(cols));
  using T = typename TensorT::value_type;
  TensorT out = TensorT::empty(Dims{n, cols});
  if (!out.numel()) return out;
  copy_into(out, Operand<TensorT>(T(0)));
  copy_into(TensorT(structure::diagonal("eye", out, 0, 0, 1)), Operand<TensorT>(T(1)));
  return out;
}

template <class TensorT>
TensorT vdot(const TensorT& self, const TensorT& other) {
  if (self.dim() != 1 || other.dim() != 1)
    throw std::invalid_argument("vdot: expected 1-D tensors, got shapes " + to_string(self.sizes()) + " and " +
                                to_string(other.sizes()));
  if (self.size(0) != other.size(0))
    throw std::invalid_argument("vdot: self (size " + std::to_string(self.size(0)) + ") and other (size " +
                                std::to_string(other.size(0)) + ") differ in size");
  return matmul_on(self, other);
}

template <class TensorT>
TensorT tensordot(const TensorT& self, const TensorT& other, nanobind::object dims) {
  std::pair<Dims, Dims> d;
  if (nanobind::isinstance<nanobind::int_>(dims) && !nanobind::isinstance<nanobind::bool_>(dims)) {
    d = structure::last_with_first("tensordot", nanobind::cast<int64_t>(dims), self.dim(), other.dim());
  } else {
    if (!nanobind::isinstance<nanobind::sequence>(dims) || nanobind::isinstance<nanobind::str>(dims) ||
        nanobind::len(dims) != 2)
      throw std::invalid_argument("tensordot: dims must be an int or a pair of lists of dims, got " +
                                  std::string(nanobind::str(nanobind::repr(dims)).c_str()));
    d = {structure::int_list(dims[0], "dims[0]"), structure::int_list(dims[1], "dims[1]")};
  }
  return structure::contract(self, other,
                             structure::contraction("tensordot", self.sizes(), other.sizes(), d.first, d.second));
}

template <class TensorT>
TensorT inner(const TensorT& self, const TensorT& other) {
  if (self.dim() == 0 || other.dim() == 0) {  // a number times a tensor: a product of inner size 1
    const TensorT& many = self.dim() == 0 ? other : self;
    const TensorT& one = self.dim() == 0 ? self : other;
    const TensorT col = native::reshape(many, Dims{many.numel(), 1});
    return native::reshape(matmul_on(col, native::reshape(one, Dims{1, 1})), many.sizes());
  }
  const int64_t a = self.size(self.dim() - 1), b = other.size(other.dim() - 1);
  if (a != b)
    throw std::invalid_argument("inner: the last dims of self (shape " + to_string(self.sizes()) + ") and other (shape " +
                                to_string(other.sizes()) + ") differ (" + std::to_string(a) + " and " +
                                std::to_string(b) + ")");
  return structure::contract(self, other,
                             structure::contraction("inner", self.sizes(), other.sizes(), Dims{-1}, Dims{-1}));
}

template <class TensorT>
TensorT kron(const TensorT& self, const TensorT& other) {
  return kron_on(self, other);
}

// kron as one product of inner size 1 (self's elements by other's), permuted into
// place: what a device without kron_on of its own runs.
template <class TensorT>
TensorT kron_by_product(const TensorT& self, const TensorT& other) {
  const structure::Kron k = structure::kron(self.sizes(), other.sizes());
  const TensorT col = native::reshape(self, Dims{self.numel(), 1});
  const TensorT row = native::reshape(other, Dims{1, other.numel()});
  const TensorT outer = native::reshape(matmul_on(col, row), k.outer);
  return native::reshape(native::permute(outer, k.perm), k.result);
}

template <class TensorT>
TensorT chain_matmul(const std::vector<TensorT>& matrices) {
  if (matrices.empty()) throw std::invalid_argument("chain_matmul: expected at least 1 matrix, got none");
  std::vector<std::string> names;
  for (size_t i = 0; i < matrices.size(); ++i) names.push_back("matrices[" + std::to_string(i) + "]");
  if (matrices.size() == 1) {
    structure::chain_product("chain_matmul", matrices, names);  // checks it is 2-D
    return contiguous_copy(matrices[0]);
  }
  return structure::chain_product("chain_matmul", matrices, names);
}

template <class TensorT>
TensorT multi_dot(const std::vector<TensorT>& tensors) {
  const size_t n = tensors.size();
  if (n < 2) throw std::invalid_argument("multi_dot: expected at least 2 tensors, got " + std::to_string(n));
  std::vector<TensorT> m(tensors);
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back("tensors[" + std::to_string(i) + "]");
  // NumPy's rules: a 1-D first tensor is a row, a 1-D last one a column, each dim then dropped.
  const bool row = m[0].dim() == 1, col = m[n - 1].dim() == 1;
  if (row) m[0] = native::reshape(m[0], Dims{1, m[0].size(0)});
  if (col) m[n - 1] = native::reshape(m[n - 1], Dims{m[n - 1].size(0), 1});
  for (size_t i = 0; i < n; ++i)
    if (m[i].dim() != 2)
      throw std::invalid_argument("multi_dot: " + names[i] + " must be " + (i == 0 || i == n - 1 ? "1-D or " : "") +
                                  "2-D, got shape " + to_string(tensors[i].sizes()));
  if (row) names[0] += " (as a row)";
  if (col) names[n - 1] += " (as a column)";
  const TensorT out = structure::chain_product("multi_dot", m, names);
  Dims shape;
  if (!row) shape.push_back(out.size(0));
  if (!col) shape.push_back(out.size(1));
  return native::reshape(out, shape);
}

template <class TensorT>
TensorT einsum(const std::string& equation, const std::vector<TensorT>& operands) {
  using structure::Named;
  if (operands.empty()) throw std::invalid_argument("einsum: expected at least one operand");
  std::vector<int> ndims;
  for (const TensorT& t : operands) ndims.push_back(t.dim());
  const structure::Equation eq = structure::parse_equation(equation, ndims);
  std::vector<structure::Labelled> views;
  for (size_t i = 0; i < operands.size(); ++i) views.push_back(structure::distinct(operands[i], eq.inputs[i], int(i)));
  structure::check_sizes(views);
  std::vector<Named<TensorT>> items;  // the operands, then each product
  for (const structure::Labelled& v : views) items.push_back(Named<TensorT>{TensorT(v.t), v.labels});
  // Pairs in the order of fewest multiplications (left to right for two operands, as PyTorch).
  const std::vector<structure::Step> steps = structure::contraction_order(views, eq.output);
  for (const structure::Step& step : steps) {
    std::vector<int> keep_a = step.keep, keep_b = step.keep;
    keep_a.insert(keep_a.end(), items[step.b].labels.begin(), items[step.b].labels.end());
    keep_b.insert(keep_b.end(), items[step.a].labels.begin(), items[step.a].labels.end());
    const Named<TensorT> x = structure::sum_to(items[step.a], keep_a), y = structure::sum_to(items[step.b], keep_b);
    const structure::Pairwise p = structure::pairwise(x.base(), y.base(), step.keep);
    const TensorT a = native::reshape(TensorT(p.a), p.shape_a), b = native::reshape(TensorT(p.b), p.shape_b);
    items.push_back(Named<TensorT>{native::reshape(matmul_on(a, b), p.result_sizes), p.labels});
    items[step.a] = items[step.b] = Named<TensorT>{};  // (their memory may go)
  }
  Named<TensorT> current = items.back();
  bool fresh = !steps.empty();  // whether current is a result of ours (else a view of the operand)
  const size_t before = current.labels.size();
  current = structure::sum_to(current, eq.output);
  fresh = fresh || current.labels.size() != before;
  const TensorT out = native::permute(current.t, structure::output_order(current.base(), eq.output));
  return fresh && out.is_contiguous() ? out : contiguous_copy(out);
}

}  // namespace native

}  // namespace satchel
