#include "sorting.h"

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "iter.h"

namespace satchel::sorting {

namespace {

// Keys of at most 32 bits in rows shorter than 2^32 travel packed with their
// position, key << 32 | position: 8 bytes a move, and the packed words' order
// is (key, position), so any sort of them is a stable sort of the keys.
struct Packed {
  using Item = uint64_t;
  static constexpr int kShift = 32;
  static uint64_t word(Item i) { return i; }
  static Item make(uint64_t key, int64_t pos) { return key << 32 | uint64_t(pos); }
  static uint64_t key(Item i) { return i >> 32; }
  static int64_t pos(Item i) { return int64_t(i & 0xffffffffu); }
  static bool less(Item a, Item b) { return a < b; }
};

// Wider keys, or longer rows: key and position side by side.
struct Wide {
  struct Item {
    uint64_t key;
    int64_t pos;
  };
  static constexpr int kShift = 0;
  static uint64_t word(const Item& i) { return i.key; }
  static Item make(uint64_t key, int64_t pos) { return {key, pos}; }
  static uint64_t key(const Item& i) { return i.key; }
  static int64_t pos(const Item& i) { return i.pos; }
  static bool less(const Item& a, const Item& b) { return a.key < b.key || (a.key == b.key && a.pos < b.pos); }
};

constexpr int kDigits = 256;
// Rows shorter than this sort by comparison: a radix pass costs its 256 counters.
constexpr int64_t kRadixMin = 192;
// A row this long is split across threads; shorter rows go to threads whole.
constexpr int64_t kSplitRow = int64_t(1) << 18;

using Counts = std::array<int64_t, kDigits>;

// Worker w's share of n elements.
inline int64_t chunk_begin(int64_t n, int workers, int w) { return n / workers * w + std::min<int64_t>(w, n % workers); }

// Runs body(w) on workers threads (here alone for one).
template <class Body>
void each_worker(int workers, Body&& body) {
  parallel_chunks(workers, workers, [&](int64_t b, int64_t e, int) {
    for (int64_t w = b; w < e; ++w) body(int(w));
  }, 1);
}

// LSD radix sort of a[0 .. n) by its keys' `key_bits`, b as scratch; returns
// whichever of a and b holds the result. Each pass is stable, so ties stay in
// the order they came in.
template <class K>
typename K::Item* radix(typename K::Item* a, typename K::Item* b, int64_t n, int key_bits, int workers) {
  const int passes = key_bits / 8;
  // Every worker's counts of every pass's digits over its share: the totals tell
  // which passes change nothing, and the first pass run needs no count of its own.
  std::vector<std::vector<Counts>> counts(workers, std::vector<Counts>(passes));
  const auto count_share = [&](const typename K::Item* src, int w, int only) {
    std::vector<Counts>& c = counts[w];
    const int p0 = only < 0 ? 0 : only, p1 = only < 0 ? passes : only + 1;
    for (int p = p0; p < p1; ++p) c[p].fill(0);
    const int64_t e = chunk_begin(n, workers, w + 1);
    for (int64_t i = chunk_begin(n, workers, w); i < e; ++i) {
      const uint64_t word = K::word(src[i]) >> K::kShift;
      for (int p = p0; p < p1; ++p) ++c[p][(word >> (8 * p)) & 0xff];
    }
  };
  each_worker(workers, [&](int w) { count_share(a, w, -1); });
  bool first = true;
  for (int p = 0; p < passes; ++p) {
    Counts total{};
    for (int w = 0; w < workers; ++w)
      for (int d = 0; d < kDigits; ++d) total[d] += counts[w][p][d];
    if (std::any_of(total.begin(), total.end(), [&](int64_t c) { return c == n; })) continue;
    if (!first) each_worker(workers, [&](int w) { count_share(a, w, p); });
    first = false;
    // Worker w writes digit d from base[d] + the counts of d in the shares before its own.
    std::vector<Counts> next(workers);
    int64_t at = 0;
    for (int d = 0; d < kDigits; ++d)
      for (int w = 0; w < workers; ++w) {
        next[w][d] = at;
        at += counts[w][p][d];
      }
    const int shift = K::kShift + 8 * p;
    each_worker(workers, [&](int w) {
      Counts& to = next[w];
      const int64_t e = chunk_begin(n, workers, w + 1);
      for (int64_t i = chunk_begin(n, workers, w); i < e; ++i) {
        const typename K::Item item = a[i];
        b[to[(K::word(item) >> shift) & 0xff]++] = item;
      }
    });
    std::swap(a, b);
  }
  return a;
}

// One row's scratch: items (two buffers for the radix sort), then keys and positions for emit.
template <class K>
struct Scratch {
  explicit Scratch(int64_t n) : a(new typename K::Item[n]), b(new typename K::Item[n]), key(new uint64_t[n]),
                                pos(new int64_t[n]) {}
  std::unique_ptr<typename K::Item[]> a, b;
  std::unique_ptr<uint64_t[]> key;
  std::unique_ptr<int64_t[]> pos;
};

// Encodes row r's elements [b, e) into items at their positions.
template <class K>
void load(Encode encode, int64_t r, int64_t b, int64_t e, Scratch<K>& s) {
  encode(r, b, e, s.key.get() + b);
  for (int64_t i = b; i < e; ++i) s.a[i] = K::make(s.key[i], i);
}

// Emits items[b, e) of row r, unpacked.
template <class K>
void unload(Emit emit, int64_t r, int64_t b, int64_t e, const typename K::Item* items, Scratch<K>& s) {
  for (int64_t i = b; i < e; ++i) {
    s.key[i] = K::key(items[i]);
    s.pos[i] = K::pos(items[i]);
  }
  emit(r, b, e, s.key.get() + b, s.pos.get() + b);
}

// Sorts row r on this thread alone.
template <class K>
void sort_row(const Rows& rows, Encode encode, Emit emit, int64_t r, Scratch<K>& s) {
  const int64_t n = rows.length;
  load(encode, r, 0, n, s);
  typename K::Item* out = s.a.get();
  if (n < kRadixMin) std::sort(out, out + n, K::less);
  else out = radix<K>(s.a.get(), s.b.get(), n, rows.key_bits, 1);
  unload(emit, r, 0, n, out, s);
}

// Sorts row r with every worker: each loads, then emits, its share.
template <class K>
void sort_row_split(const Rows& rows, Encode encode, Emit emit, int64_t r, Scratch<K>& s, int workers) {
  const int64_t n = rows.length;
  each_worker(workers, [&](int w) { load(encode, r, chunk_begin(n, workers, w), chunk_begin(n, workers, w + 1), s); });
  typename K::Item* out = radix<K>(s.a.get(), s.b.get(), n, rows.key_bits, workers);
  each_worker(workers, [&](int w) { unload(emit, r, chunk_begin(n, workers, w), chunk_begin(n, workers, w + 1), out, s); });
}

template <class K>
void sort_all(const Rows& rows, Encode encode, Emit emit) {
  const int workers = worker_count(rows.count * rows.length);
  parallel_chunks(rows.count, std::min<int64_t>(workers, rows.count), [&](int64_t b, int64_t e, int) {
    Scratch<K> s(rows.length);
    for (int64_t r = b; r < e; ++r) sort_row<K>(rows, encode, emit, r, s);
  }, 1);
}

template <class K>
void select_all(const Rows& rows, int64_t take, int64_t from, bool sorted, Encode encode, Emit emit) {
  const int64_t n = rows.length;
  const int workers = worker_count(rows.count * n);
  parallel_chunks(rows.count, std::min<int64_t>(workers, rows.count), [&](int64_t b, int64_t e, int) {
    Scratch<K> s(n);
    for (int64_t r = b; r < e; ++r) {
      load(encode, r, 0, n, s);
      typename K::Item* items = s.a.get();
      std::nth_element(items, items + take - 1, items + n, K::less);
      if (sorted) std::sort(items, items + take - 1, K::less);  // (item take - 1 is in place)
      unload(emit, r, from, take, items, s);
    }
  }, 1);
}

bool packs(const Rows& rows) { return rows.key_bits <= 32 && rows.length <= (int64_t(1) << 32); }

}  // namespace

void sort_rows(const Rows& rows, Encode encode, Emit emit) {
  if (rows.count == 0 || rows.length == 0) return;
  const int workers = worker_count(rows.count * rows.length);
  // One long row (or a few): every worker sorts each in turn.
  if (workers > 1 && rows.length >= kSplitRow && rows.count < 2 * workers) {
    const auto split = [&](auto kind) {
      using K = decltype(kind);
      Scratch<K> s(rows.length);
      for (int64_t r = 0; r < rows.count; ++r) sort_row_split<K>(rows, encode, emit, r, s, workers);
    };
    if (packs(rows)) split(Packed{});
    else split(Wide{});
    return;
  }
  if (packs(rows)) sort_all<Packed>(rows, encode, emit);
  else sort_all<Wide>(rows, encode, emit);
}

void select_rows(const Rows& rows, int64_t take, int64_t from, bool sorted, Encode encode, Emit emit) {
  if (rows.count == 0 || take == 0 || from >= take) return;
  if (packs(rows)) select_all<Packed>(rows, take, from, sorted, encode, emit);
  else select_all<Wide>(rows, take, from, sorted, encode, emit);
}

Lines::Lines(const Dims& sizes, const Dims& strides, int dim) : step_(strides[dim]) {
  for (int d = 0; d < int(sizes.size()); ++d)
    if (d != dim && sizes[d] != 1) {
      sizes_.push_back(sizes[d]);
      strides_.push_back(strides[d]);
    }
}

}  // namespace satchel::sorting
