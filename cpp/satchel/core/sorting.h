// Sorting and selecting rows of keys, whatever the element type: the typed side
// (sorting.h) encodes each element as an unsigned key whose order is the
// elements' order (sort_keys.h), and gets the sorted keys back with the
// position each came from. Compiled once, here: an LSD radix sort (8-bit digits,
// passes whose digit is the same in every key skipped), split across threads
// within one long row or row by row; short rows by comparison.
#pragma once

#include <cstdint>

#include "../shape.h"
#include "export.h"
#include "function_ref.h"

namespace satchel::sorting {

struct Rows {
  int64_t count;   // rows
  int64_t length;  // elements in each
  int key_bits;    // significant bits of every key: 8, 16, 32 or 64
};

// Writes the keys of elements [begin, end) of a row to keys[0 .. end - begin).
using Encode = FunctionRef<void(int64_t row, int64_t begin, int64_t end, uint64_t* keys)>;
// Receives positions [begin, end) of a sorted row: keys[0 .. end - begin) and
// index[...], the position along the row each key came from.
using Emit = FunctionRef<void(int64_t row, int64_t begin, int64_t end, const uint64_t* keys, const int64_t* index)>;

// Sorts every row by key, ties in their order (a stable sort), and emits it all.
SATCHEL_CORE void sort_rows(const Rows& rows, Encode encode, Emit emit);

// Orders each row by (key, position) only as far as to put its `take` smallest
// first (sorted among themselves where `sorted`, else in no promised order, but
// position take - 1 always holds the take-th), and emits positions [from, take).
SATCHEL_CORE void select_rows(const Rows& rows, int64_t take, int64_t from, bool sorted, Encode encode, Emit emit);

// The rows of a tensor along one dim: row r's first element is offset(r)
// elements from the tensor's first, its next ones `step` apart.
class SATCHEL_CORE Lines {
 public:
  Lines(const Dims& sizes, const Dims& strides, int dim);
  int64_t offset(int64_t row) const {
    int64_t off = 0;
    for (int d = int(sizes_.size()) - 1; d > 0 && row; --d) {
      off += (row % sizes_[d]) * strides_[d];
      row /= sizes_[d];
    }
    return sizes_.empty() ? off : off + row * strides_[0];  // (the outermost dim needs no division)
  }
  int64_t step() const { return step_; }

 private:
  Dims sizes_;  // of the other dims, those of size 1 dropped and those laid out as one merged
  Dims strides_;
  int64_t step_;
};

// The position in keys[0 .. n) (sorted ascending) before the first key >= key,
// or with right, > key: NumPy's searchsorted on encoded keys.
inline int64_t search(const uint64_t* keys, int64_t n, uint64_t key, bool right) {
  int64_t lo = 0;
  while (n > 0) {
    const int64_t half = n / 2;
    const bool before = right ? keys[lo + half] <= key : keys[lo + half] < key;
    if (before) {
      lo += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  return lo;
}

}  // namespace satchel::sorting
