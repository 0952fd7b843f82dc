// Strided iteration over several operands of one shape, written once for every
// pointwise op and reduction (TH's apply macros) and compiled once, in the core:
// the typed templates hand it their per-run loop. Dimensions that are contiguous
// in every operand are collapsed, so most loops end up one flat loop; big loops
// split across cores.
#pragma once

#include <cstdint>

#include "../shape.h"
#include "export.h"
#include "function_ref.h"

namespace satchel {

// Operands of one iteration at most: a result and its inputs.
inline constexpr int kMaxOperands = 8;

// Called for each run of the innermost dimension: a pointer per operand, its
// stride in bytes along the run, the run's length.
using Segment = FunctionRef<void(char* const* ptr, const int64_t* stride, int64_t n)>;

// n operands laid over one shape: per operand a base pointer (as bytes) and
// strides in bytes, with dimensions of size 1 dropped and mergeable ones merged.
struct SATCHEL_CORE Layout {
  explicit Layout(int operands) : n(operands) {}

  int n;
  Dims sizes;
  Dims strides[kMaxOperands];  // bytes
  char* base[kMaxOperands] = {};
  int64_t numel = 1;

  // Operand k's element strides (for `from` dims, right-aligned) broadcast to `shape`.
  void add(int k, char* ptr, const Dims& from_sizes, const Dims& from_strides, int64_t itemsize, const Dims& shape);

  // Drops dims of size 1, orders the rest by operand 0's strides (then the next
  // operand's), largest outermost, so the loop walks memory in order whatever
  // the views' dim order (x.t() += y.t() runs as one flat loop), then merges
  // dims that are contiguous in every operand.
  void collapse(const Dims& shape);

  // Where an operand runs contiguously along the next-to-inner dim but not along
  // the inner one (x.T + y: the result and x run along one dim, y along the
  // other) and the inner dim is long, walking run after run reads that operand a
  // cache line per element, and the lines are gone from L1 before the next run
  // could use them. Tiles of `width` runs of kTileRun elements keep them: the
  // width that fills the operand's cache lines, or 0 where no operand needs tiles.
  static constexpr int64_t kTileRun = 256;
  int64_t tile_width(const int64_t* itemsize) const;

  // What threads split: tiles of `width` runs, or elements (width 0).
  int64_t units(int64_t width) const;

  // Calls segment for the runs of units [begin, end) of `width` (units()).
  void walk(int64_t width, int64_t begin, int64_t end, Segment segment) const;

 private:
  void walk_tiles(int64_t width, int64_t begin, int64_t end, Segment segment) const;
  void walk_range(int64_t begin, int64_t end, Segment segment) const;
};

// How many threads a loop over numel elements is worth.
SATCHEL_CORE int worker_count_of(int64_t numel);
inline int worker_count(int64_t numel) { return numel < 2 * kParallelGrain ? 1 : worker_count_of(numel); }

// Runs body(begin, end, worker) over [0, count) in contiguous chunks, one per
// worker (workers > 1); chunk boundaries are multiples of `align`.
SATCHEL_CORE void parallel_for(int64_t count, int workers, int64_t align,
                               FunctionRef<void(int64_t, int64_t, int)> body);

// The same, but on this thread alone where one worker is enough.
template <class Body>
void parallel_chunks(int64_t numel, int workers, Body&& body, int64_t align = 64) {
  if (workers <= 1) body(int64_t(0), numel, 0);
  else parallel_for(numel, workers, align, body);
}

// parallel_chunks over a layout's units of `width` (Layout::units): tiles stay
// whole, elements go in multiples of 64.
template <class Body>
void parallel_units(const Layout& layout, int64_t width, int workers, Body&& body) {
  parallel_chunks(layout.units(width), workers, body, width ? 1 : 64);
}

}  // namespace satchel
