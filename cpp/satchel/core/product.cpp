#include "product.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "iter.h"

namespace satchel::linalg {

namespace {

template <class Word>  // an element's bytes, copied as one word
void copy_run(char* const* p, const int64_t* step, int64_t n) {
  char* out = p[0];
  const char* in = p[1];
  for (int64_t i = 0; i < n; ++i, out += step[0], in += step[1]) std::memcpy(out, in, sizeof(Word));
}

// One operand as a stack of matrices: its batch dims, then rows and columns
// (a 1-D operand made a row or a column of one matrix).
struct Operand {
  Dims batch_sizes, batch_strides;
  int64_t rows = 1, cols = 1, row = 0, col = 0;
};

Operand as_rows(const TensorBase& t) {  // (..., rows, cols)
  Operand o;
  const int d = t.dim();
  for (int i = 0; i < d - 2; ++i) {
    o.batch_sizes.push_back(t.size(i));
    o.batch_strides.push_back(t.stride(i));
  }
  o.rows = t.size(d - 2), o.cols = t.size(d - 1), o.row = t.stride(d - 2), o.col = t.stride(d - 1);
  return o;
}

Operand row_vector(const TensorBase& t) { return Operand{{}, {}, 1, t.size(0), 0, t.stride(0)}; }
Operand column_vector(const TensorBase& t) { return Operand{{}, {}, t.size(0), 1, t.stride(0), 0}; }

std::string shapes(const Names& names, const TensorBase& a, const TensorBase& b) {
  return std::string(names.a) + " has shape " + to_string(a.sizes()) + ", " + names.b + " " + to_string(b.sizes());
}

void need_dims(const Names& names, const char* arg, const TensorBase& t, int dims) {
  if (t.dim() != dims)
    throw std::invalid_argument(std::string(names.op) + ": expected " + arg + " to be a " + std::to_string(dims) +
                                "-D tensor, got shape " + to_string(t.sizes()));
}

Matrices matrices(const TensorBase& t, const Operand& o, const Dims& batch, int64_t itemsize) {
  Matrices m{t.bytes(itemsize), o.row, o.col, Dims(batch.size(), 0)};
  const int lead = batch.size() - o.batch_sizes.size();
  for (int i = 0; i < o.batch_sizes.size(); ++i)
    if (o.batch_sizes[i] != 1) m.batch[lead + i] = o.batch_strides[i];
  return m;
}

// a @ b for operands already seen as stacks of matrices; result_m and result_n:
// whether the result keeps the m and n dims (a 1-D operand drops its own).
Plan product(const Names& names, const TensorBase& ta, const TensorBase& tb, const Operand& a, const Operand& b,
             bool result_m, bool result_n, int64_t itemsize) {
  if (a.cols != b.rows)
    throw std::invalid_argument(std::string(names.op) + ": cannot multiply " + std::to_string(a.rows) + "x" +
                                std::to_string(a.cols) + " by " + std::to_string(b.rows) + "x" +
                                std::to_string(b.cols) + " matrices (" + shapes(names, ta, tb) + ")");
  Dims batch;
  if (!a.batch_sizes.empty() || !b.batch_sizes.empty()) {
    const Dims* both[] = {&a.batch_sizes, &b.batch_sizes};
    try {
      batch = broadcast_shapes(both, 2);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument(std::string(names.op) + ": batch dims " + to_string(a.batch_sizes) + " and " +
                                  to_string(b.batch_sizes) + " do not broadcast (" + shapes(names, ta, tb) + ")");
    }
  }
  Plan plan;
  Product& p = plan.product;
  p.m = a.rows, p.n = b.cols, p.k = a.cols, p.batch = batch;
  p.a = matrices(ta, a, batch, itemsize);
  p.b = matrices(tb, b, batch, itemsize);
  plan.result = batch;
  if (result_m) plan.result.push_back(p.m);
  if (result_n) plan.result.push_back(p.n);
  return plan;
}

}  // namespace

Plan plan(Form form, const Names& names, const TensorBase& a, const TensorBase& b, int64_t itemsize) {
  switch (form) {
    case Form::mm:
      need_dims(names, names.a, a, 2), need_dims(names, names.b, b, 2);
      break;
    case Form::mv:
      need_dims(names, names.a, a, 2), need_dims(names, names.b, b, 1);
      break;
    case Form::bmm:
      need_dims(names, names.a, a, 3), need_dims(names, names.b, b, 3);
      if (a.size(0) != b.size(0))
        throw std::invalid_argument(std::string(names.op) + ": batch sizes differ (" + shapes(names, a, b) + ")");
      break;
    case Form::outer:
      need_dims(names, names.a, a, 1), need_dims(names, names.b, b, 1);
      return product(names, a, b, column_vector(a), row_vector(b), true, true, itemsize);
    case Form::matmul:
      if (a.dim() == 0 || b.dim() == 0)
        throw std::invalid_argument(std::string(names.op) + ": both arguments must be at least 1-D (" +
                                    shapes(names, a, b) + ")");
      break;
  }
  // NumPy's rules: a 1-D a is a row (its dim dropped from the result), a 1-D b a column.
  return product(names, a, b, a.dim() == 1 ? row_vector(a) : as_rows(a), b.dim() == 1 ? column_vector(b) : as_rows(b),
                 a.dim() > 1, b.dim() > 1, itemsize);
}

Plan plan_summed(const Names& names, const TensorBase& a, const TensorBase& b, int64_t itemsize) {
  Plan p = plan(Form::bmm, names, a, b, itemsize);
  p.product.sum_batch = true;
  p.result = Dims{p.product.m, p.product.n};
  return p;
}

void out_into(Plan& plan, const TensorBase& out, int64_t itemsize) {
  Product& p = plan.product;
  p.out = Matrices{out.bytes(itemsize), p.n, 1, Dims(p.batch.size(), 0)};
  if (p.sum_batch) return;
  int64_t stride = p.m * p.n;
  for (int i = p.batch.size() - 1; i >= 0; --i) {
    p.out.batch[i] = stride;
    stride *= p.batch[i];
  }
}

void check_addend(const Names& names, const Dims& self, const Dims& result) {
  const Dims* both[] = {&self, &result};
  bool ok = self.size() <= result.size();
  if (ok) {
    try {
      ok = broadcast_shapes(both, 2) == result;
    } catch (const std::invalid_argument&) {
      ok = false;
    }
  }
  if (!ok)
    throw std::invalid_argument(std::string(names.op) + ": self (shape " + to_string(self) +
                                ") does not broadcast to the product's shape " + to_string(result));
}

void fill_from(const TensorBase& out, const TensorBase& self, int64_t itemsize) {
  if (out.numel() == 0) return;
  Layout layout(2);
  layout.add(0, out.bytes(itemsize), out.sizes(), out.strides(), itemsize, out.sizes());
  layout.add(1, self.bytes(itemsize), self.sizes(), self.strides(), itemsize, out.sizes());
  layout.collapse(out.sizes());
  const auto run = itemsize == 1 ? copy_run<uint8_t> : itemsize == 2 ? copy_run<uint16_t>
                 : itemsize == 4 ? copy_run<uint32_t> : copy_run<uint64_t>;
  parallel_units(layout, 0, worker_count(layout.numel), [&](int64_t b, int64_t e, int) { layout.walk(0, b, e, run); });
}

}  // namespace satchel::linalg
