#include "structure.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "views.h"

namespace satchel::structure {

namespace {

std::string label_name(int label) {
  if (label < 26) return std::string(1, char('A' + label));
  if (label < 52) return std::string(1, char('a' + label - 26));
  return "... dim " + std::to_string(label - 52);
}

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string dims_string(const Dims& d) {
  std::string s = "[";
  for (int i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

}  // namespace

TensorBase diagonal(const char* op, const TensorBase& self, int64_t offset, int64_t dim1, int64_t dim2) {
  const int n = self.dim();
  if (n < 2)
    throw std::invalid_argument(std::string(op) + ": expected a tensor of at least 2 dims, got shape " +
                                to_string(self.sizes()));
  const int d1 = view::wrap_dim(op, dim1, n), d2 = view::wrap_dim(op, dim2, n);
  if (d1 == d2)
    throw std::invalid_argument(std::string(op) + ": dim1 and dim2 are both dim " + std::to_string(d1) +
                                " (of shape " + to_string(self.sizes()) + ")");
  const int64_t rows = self.size(d1), cols = self.size(d2);
  offset = std::clamp(offset, -rows, cols);  // (past the matrix: an empty diagonal either way)
  const int64_t size = offset >= 0 ? std::min(rows, cols - offset) : std::min(rows + offset, cols);
  int64_t start = self.storage_offset();
  if (size > 0) start += offset >= 0 ? offset * self.stride(d2) : -offset * self.stride(d1);
  Dims sizes, strides;
  for (int d = 0; d < n; ++d)
    if (d != d1 && d != d2) sizes.push_back(self.size(d)), strides.push_back(self.stride(d));
  sizes.push_back(size);
  strides.push_back(self.stride(d1) + self.stride(d2));
  return TensorBase(self.storage(), start, sizes, strides);
}

Dims diag_embed_shape(const TensorBase& self, int64_t offset, int64_t dim1, int64_t dim2, int* wrapped_dim1,
                      int* wrapped_dim2) {
  if (self.dim() < 1) throw std::invalid_argument("diag_embed: expected a tensor of at least 1 dim, got a 0-d tensor");
  const int n = self.dim() + 1;
  const int d1 = view::wrap_dim("diag_embed", dim1, self.dim(), n), d2 = view::wrap_dim("diag_embed", dim2, self.dim(), n);
  if (d1 == d2)
    throw std::invalid_argument("diag_embed: dim1 and dim2 are both dim " + std::to_string(d1) + " of the result");
  const int64_t last = self.size(self.dim() - 1);
  if (offset < -(int64_t(1) << 40) || offset > (int64_t(1) << 40))
    throw std::overflow_error("diag_embed: offset " + std::to_string(offset) + " makes matrices too large");
  const int64_t side = last + (offset < 0 ? -offset : offset);
  Dims shape;
  int k = 0;
  for (int d = 0; d < n; ++d) shape.push_back(d == d1 || d == d2 ? side : self.size(k++));
  *wrapped_dim1 = d1, *wrapped_dim2 = d2;
  return shape;
}

Contraction contraction(const char* op, const Dims& a, const Dims& b, const Dims& dims_a, const Dims& dims_b) {
  if (dims_a.size() != dims_b.size())
    throw std::invalid_argument(std::string(op) + ": dims " + dims_string(dims_a) + " of self and " +
                                dims_string(dims_b) + " of other are not as many");
  const int na = a.size(), nb = b.size();
  std::vector<bool> used_a(na, false), used_b(nb, false);
  Dims ca, cb;
  for (int i = 0; i < dims_a.size(); ++i) {
    const int da = view::wrap_dim(op, dims_a[i], na), db = view::wrap_dim(op, dims_b[i], nb);
    if (used_a[da] || used_b[db])
      throw std::invalid_argument(std::string(op) + ": dims " + dims_string(dims_a) + " of self and " +
                                  dims_string(dims_b) + " of other name a dim twice");
    if (a[da] != b[db])
      throw std::invalid_argument(std::string(op) + ": dims [" + std::to_string(dims_a[i]) + "] of self (size " +
                                  std::to_string(a[da]) + ") and [" + std::to_string(dims_b[i]) + "] of other (size " +
                                  std::to_string(b[db]) + ") differ");
    used_a[da] = used_b[db] = true;
    ca.push_back(da), cb.push_back(db);
  }
  Contraction c;
  int64_t m = 1, n = 1, k = 1;
  for (int d = 0; d < na; ++d)
    if (!used_a[d]) c.perm_a.push_back(d), c.result.push_back(a[d]), m *= a[d];
  for (int i = 0; i < ca.size(); ++i) c.perm_a.push_back(ca[i]), c.perm_b.push_back(cb[i]), k *= a[ca[i]];
  for (int d = 0; d < nb; ++d)
    if (!used_b[d]) c.perm_b.push_back(d), c.result.push_back(b[d]), n *= b[d];
  c.matrix_a = Dims{m, k};
  c.matrix_b = Dims{k, n};
  return c;
}

std::pair<Dims, Dims> last_with_first(const char* op, int64_t n, int ndim_a, int ndim_b) {
  if (n < 0 || n > ndim_a || n > ndim_b)
    throw std::invalid_argument(std::string(op) + ": dims=" + std::to_string(n) + " must be 0 to the dims of both (self has " +
                                std::to_string(ndim_a) + ", other " + std::to_string(ndim_b) + ")");
  Dims da, db;
  for (int i = 0; i < n; ++i) da.push_back(ndim_a - n + i), db.push_back(i);
  return {da, db};
}

Kron kron(const Dims& a, const Dims& b) {
  const int d = std::max(a.size(), b.size());
  Dims pa(d, 1), pb(d, 1);
  for (int i = 0; i < a.size(); ++i) pa[d - a.size() + i] = a[i];
  for (int i = 0; i < b.size(); ++i) pb[d - b.size() + i] = b[i];
  if (2 * d > kMaxDims)
    throw std::invalid_argument("kron: operands of " + std::to_string(d) + " dims are more than kron takes (" +
                                std::to_string(kMaxDims / 2) + ")");
  Kron k;
  for (int i = 0; i < d; ++i) k.outer.push_back(pa[i]);
  for (int i = 0; i < d; ++i) k.outer.push_back(pb[i]);
  for (int i = 0; i < d; ++i) {
    k.perm.push_back(i), k.perm.push_back(d + i);
    if (pa[i] != 0 && pb[i] > std::numeric_limits<int64_t>::max() / pa[i])
      throw std::overflow_error("kron: the result has more elements than fit in int64");
    k.result.push_back(pa[i] * pb[i]);
  }
  return k;
}

std::pair<TensorBase, TensorBase> kron_operands(const TensorBase& a, const TensorBase& b) {
  const int d = std::max(a.dim(), b.dim());
  Dims sizes, sa, sb;
  for (int i = 0; i < d; ++i) {
    const int ia = i - (d - a.dim()), ib = i - (d - b.dim());
    const int64_t na = ia >= 0 ? a.size(ia) : 1, nb = ib >= 0 ? b.size(ib) : 1;
    sizes.push_back(na), sizes.push_back(nb);
    sa.push_back(ia >= 0 ? a.stride(ia) : 0), sa.push_back(0);
    sb.push_back(0), sb.push_back(ib >= 0 ? b.stride(ib) : 0);
  }
  return {TensorBase(a.storage(), a.storage_offset(), sizes, sa), TensorBase(b.storage(), b.storage_offset(), sizes, sb)};
}

std::vector<int> chain_order(const std::vector<int64_t>& p) {
  const int n = int(p.size()) - 1;
  std::vector<double> cost(n * n, 0.0);  // double: the counts of large chains overflow no int64
  std::vector<int> split(n * n, 0);
  for (int len = 1; len < n; ++len) {
    for (int i = 0; i + len < n; ++i) {
      const int j = i + len;
      cost[i * n + j] = std::numeric_limits<double>::infinity();
      for (int s = i; s < j; ++s) {
        const double c = cost[i * n + s] + cost[(s + 1) * n + j] + double(p[i]) * double(p[s + 1]) * double(p[j + 1]);
        if (c < cost[i * n + j]) cost[i * n + j] = c, split[i * n + j] = s;
      }
    }
  }
  return split;
}

// ---- einsum --------------------------------------------------------------------

Equation parse_equation(const std::string& equation, const std::vector<int>& ndims) {
  const auto fail = [&](const std::string& why) {
    throw std::invalid_argument("einsum: " + why + " (equation '" + equation + "')");
  };
  std::string lhs = equation, rhs;
  const bool explicit_output = equation.find("->") != std::string::npos;
  if (explicit_output) {
    const size_t arrow = equation.find("->");
    lhs = equation.substr(0, arrow);
    rhs = equation.substr(arrow + 2);
    if (rhs.find("->") != std::string::npos) fail("more than one '->'");
  }
  // Each operand's letters (as labels) and where its ellipsis stands (-1: none).
  struct Term {
    std::vector<int> letters;
    int ellipsis = -1;
  };
  const auto term = [&](const std::string& s, const char* what) {
    Term t;
    for (size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (c == ' ') continue;
      if (c == '.') {
        if (s.compare(i, 3, "...") != 0 || t.ellipsis >= 0) fail(std::string("a '.' that is not one ellipsis in ") + what);
        t.ellipsis = int(t.letters.size());
        i += 2;
      } else if (c >= 'A' && c <= 'Z') {
        t.letters.push_back(c - 'A');
      } else if (c >= 'a' && c <= 'z') {
        t.letters.push_back(26 + c - 'a');
      } else {
        fail(std::string("'") + c + "' is not a letter, '...', ',' or '->'");
      }
    }
    return t;
  };
  std::vector<Term> terms;
  size_t start = 0;
  for (;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(term(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start), "an operand"));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != ndims.size())
    fail(std::to_string(terms.size()) + " operand" + (terms.size() == 1 ? "" : "s") + " in the equation, " +
         std::to_string(ndims.size()) + " given");
  int ellipsis_dims = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    const int named = int(terms[i].letters.size());
    if (terms[i].ellipsis < 0 ? named != ndims[i] : named > ndims[i])
      fail("operand " + std::to_string(i) + " has " + std::to_string(ndims[i]) + " dims, its subscripts name " +
           std::to_string(named) + (terms[i].ellipsis < 0 ? " and no ellipsis is given" : ""));
    if (terms[i].ellipsis >= 0) ellipsis_dims = std::max(ellipsis_dims, ndims[i] - named);
  }
  Equation eq;
  std::vector<int> count(52, 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    std::vector<int> labels;
    const Term& t = terms[i];
    for (int j = 0; j <= int(t.letters.size()); ++j) {
      if (j == t.ellipsis) {
        const int e = ndims[i] - int(t.letters.size());
        for (int k = 0; k < e; ++k) labels.push_back(52 + ellipsis_dims - e + k);
      }
      if (j < int(t.letters.size())) labels.push_back(t.letters[j]), ++count[t.letters[j]];
    }
    eq.inputs.push_back(labels);
  }
  if (explicit_output) {
    const Term out = term(rhs, "the output");
    for (int j = 0; j <= int(out.letters.size()); ++j) {
      if (j == out.ellipsis)
        for (int k = 0; k < ellipsis_dims; ++k) eq.output.push_back(52 + k);
      if (j < int(out.letters.size())) {
        const int l = out.letters[j];
        if (contains(eq.output, l)) fail("output subscript " + label_name(l) + " appears more than once in the output");
        if (!count[l]) fail("output subscript " + label_name(l) + " is in no operand");
        eq.output.push_back(l);
      }
    }
  } else {
    for (int k = 0; k < ellipsis_dims; ++k) eq.output.push_back(52 + k);
    for (int l = 0; l < 52; ++l)
      if (count[l] == 1) eq.output.push_back(l);
  }
  return eq;
}

Labelled distinct(const TensorBase& t, const std::vector<int>& labels, int index) {
  Labelled out;
  Dims sizes, strides;
  for (int d = 0; d < t.dim(); ++d) {
    const auto at = std::find(out.labels.begin(), out.labels.end(), labels[d]);
    if (at == out.labels.end()) {
      out.labels.push_back(labels[d]);
      sizes.push_back(t.size(d)), strides.push_back(t.stride(d));
      continue;
    }
    const int k = int(at - out.labels.begin());
    if (sizes[k] != t.size(d))
      throw std::invalid_argument("einsum: subscript " + label_name(labels[d]) + " is repeated for operand " +
                                  std::to_string(index) + " but the sizes don't match, " + std::to_string(sizes[k]) +
                                  " != " + std::to_string(t.size(d)));
    strides[k] += t.stride(d);
  }
  out.t = TensorBase(t.storage(), t.storage_offset(), sizes, strides);
  return out;
}

void check_sizes(const std::vector<Labelled>& operands) {
  std::vector<int64_t> size(52 + kMaxDims, -1);
  std::vector<int> from(52 + kMaxDims, -1);
  for (int i = 0; i < int(operands.size()); ++i) {
    const Labelled& x = operands[i];
    for (int d = 0; d < x.t.dim(); ++d) {
      const int l = x.labels[d];
      const int64_t s = x.t.size(d);
      if (size[l] <= 1) {  // unknown, or 1 so far: s decides
        if (size[l] < 0 || s != 1) size[l] = s, from[l] = i;
      } else if (s != 1 && s != size[l]) {
        throw std::invalid_argument("einsum: subscript " + label_name(l) + " has size " + std::to_string(size[l]) +
                                    " in operand " + std::to_string(from[l]) + " and " + std::to_string(s) +
                                    " in operand " + std::to_string(i) + ", which do not broadcast");
      }
    }
  }
}

SumOut sum_out(const Labelled& x, const std::vector<int>& keep) {
  SumOut s;
  Dims summed;
  for (int d = 0; d < x.t.dim(); ++d) {
    if (contains(keep, x.labels[d])) {
      s.perm.push_back(d), s.kept_sizes.push_back(x.t.size(d)), s.kept_labels.push_back(x.labels[d]);
      s.rows *= x.t.size(d);
    } else {
      summed.push_back(d), s.summed *= x.t.size(d);
    }
  }
  s.any = !summed.empty();
  for (int64_t d : summed) s.perm.push_back(d);
  return s;
}

Pairwise pairwise(const Labelled& x, const Labelled& y, const std::vector<int>& keep) {
  // Dims of size 1 broadcast against the other operand's.
  Dims xs = x.t.sizes(), xt = x.t.strides(), ys = y.t.sizes(), yt = y.t.strides();
  const auto find = [](const std::vector<int>& labels, int l) {
    const auto at = std::find(labels.begin(), labels.end(), l);
    return at == labels.end() ? -1 : int(at - labels.begin());
  };
  Dims batch_x, batch_y, m_x, k_x, k_y, n_y;  // dims of x and y by role
  Pairwise p;
  std::vector<int> batch_labels, m_labels, n_labels;
  Dims batch_sizes, m_sizes, n_sizes;
  for (int d = 0; d < int(x.labels.size()); ++d) {
    const int e = find(y.labels, x.labels[d]);
    if (e < 0) {
      m_x.push_back(d), m_labels.push_back(x.labels[d]), m_sizes.push_back(xs[d]);
      continue;
    }
    if (xs[d] == 1 && ys[e] != 1) xs[d] = ys[e], xt[d] = 0;
    if (ys[e] == 1 && xs[d] != 1) ys[e] = xs[d], yt[e] = 0;
    if (contains(keep, x.labels[d])) {
      batch_x.push_back(d), batch_y.push_back(e), batch_labels.push_back(x.labels[d]), batch_sizes.push_back(xs[d]);
    } else {
      k_x.push_back(d), k_y.push_back(e);
    }
  }
  for (int e = 0; e < int(y.labels.size()); ++e)
    if (find(x.labels, y.labels[e]) < 0) n_y.push_back(e), n_labels.push_back(y.labels[e]), n_sizes.push_back(ys[e]);
  const auto view = [](const TensorBase& t, const Dims& sizes, const Dims& strides, std::initializer_list<const Dims*> order) {
    Dims s, st;
    for (const Dims* part : order)
      for (int64_t d : *part) s.push_back(sizes[d]), st.push_back(strides[d]);
    return TensorBase(t.storage(), t.storage_offset(), s, st);
  };
  p.a = view(x.t, xs, xt, {&batch_x, &m_x, &k_x});
  p.b = view(y.t, ys, yt, {&batch_y, &k_y, &n_y});
  int64_t m = 1, n = 1, k = 1;
  for (int64_t s : m_sizes) m *= s;
  for (int64_t s : n_sizes) n *= s;
  for (int64_t d : k_x) k *= xs[d];
  p.shape_a = batch_sizes, p.shape_b = batch_sizes;
  p.shape_a.push_back(m), p.shape_a.push_back(k);
  p.shape_b.push_back(k), p.shape_b.push_back(n);
  p.result_sizes = batch_sizes;
  for (int64_t s : m_sizes) p.result_sizes.push_back(s);
  for (int64_t s : n_sizes) p.result_sizes.push_back(s);
  p.labels = batch_labels;
  p.labels.insert(p.labels.end(), m_labels.begin(), m_labels.end());
  p.labels.insert(p.labels.end(), n_labels.begin(), n_labels.end());
  return p;
}

std::vector<Step> contraction_order(const std::vector<Labelled>& operands, const std::vector<int>& output) {
  std::vector<double> size(52 + kMaxDims, 1.0);  // each label's size, the broadcast one
  std::vector<std::vector<int>> labels;
  for (const Labelled& x : operands) {
    for (int d = 0; d < x.t.dim(); ++d) size[x.labels[d]] = std::max(size[x.labels[d]], double(x.t.size(d)));
    labels.push_back(x.labels);
  }
  std::vector<int> alive;
  for (int i = 0; i < int(operands.size()); ++i) alive.push_back(i);
  const auto joined = [](std::vector<int> a, const std::vector<int>& b) {
    for (int l : b)
      if (!contains(a, l)) a.push_back(l);
    return a;
  };
  std::vector<Step> steps;
  while (alive.size() > 1) {
    int best_i = 0, best_j = 1;
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < int(alive.size()); ++i) {
      for (int j = i + 1; j < int(alive.size()); ++j) {
        double cost = 1;
        for (int l : joined(labels[alive[i]], labels[alive[j]])) cost *= size[l];
        if (cost < best) best = cost, best_i = i, best_j = j;
      }
    }
    Step step{alive[best_i], alive[best_j], output};
    for (int k = 0; k < int(alive.size()); ++k)
      if (k != best_i && k != best_j) step.keep = joined(step.keep, labels[alive[k]]);
    std::vector<int> kept;
    for (int l : joined(labels[step.a], labels[step.b]))
      if (contains(step.keep, l)) kept.push_back(l);
    labels.push_back(kept);
    alive.erase(alive.begin() + best_j);
    alive.erase(alive.begin() + best_i);
    alive.push_back(int(labels.size()) - 1);
    steps.push_back(std::move(step));
  }
  return steps;
}

Dims output_order(const Labelled& x, const std::vector<int>& output) {
  Dims perm;
  for (int l : output) perm.push_back(std::find(x.labels.begin(), x.labels.end(), l) - x.labels.begin());
  return perm;
}

}  // namespace satchel::structure
