#include "sorting.h"

#include <algorithm>
#include <type_traits>
#include <memory>
#include <vector>

#include "../storage.h"
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

// Rows shorter than this sort by comparison: a radix pass costs its digit counters.
constexpr int64_t kRadixMin = 192;
// A row this long is split across threads; shorter rows go to threads whole.
constexpr int64_t kSplitRow = int64_t(1) << 18;
// Bits a pass sorts by. (11-bit digits, 3 passes over 32-bit keys rather than 4,
// measured slower on 10^7 floats: 2048 scattered write streams a pass.)
constexpr int kWidth = 8;

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
  constexpr int width = kWidth;
  constexpr int digits = 1 << width;
  const uint64_t mask = uint64_t(digits - 1);
  const int passes = (key_bits + width - 1) / width;
  // counts[(w * passes + p) * digits + d]: worker w's count of digit d of pass p over
  // its share. Their totals tell which passes change nothing (every key has the
  // same digit), and the first pass run needs no count of its own.
  std::vector<int64_t> counts(std::size_t(workers) * passes * digits);
  const auto at = [&](int w, int p) { return counts.data() + (std::size_t(w) * passes + p) * digits; };
  const auto count_share = [&](const typename K::Item* src, int w, int only) {
    const int p0 = only < 0 ? 0 : only, p1 = only < 0 ? passes : only + 1;
    std::fill(at(w, p0), at(w, p0) + std::size_t(p1 - p0) * digits, 0);
    const int64_t e = chunk_begin(n, workers, w + 1);
    for (int64_t i = chunk_begin(n, workers, w); i < e; ++i) {
      const uint64_t word = K::word(src[i]) >> K::kShift;
      for (int p = p0; p < p1; ++p) ++at(w, p)[(word >> (width * p)) & mask];
    }
  };
  each_worker(workers, [&](int w) { count_share(a, w, -1); });
  std::vector<int64_t> next(std::size_t(workers) * digits);
  bool first = true;
  for (int p = 0; p < passes; ++p) {
    bool trivial = false;
    for (int d = 0; d < digits && !trivial; ++d) {
      int64_t total = 0;
      for (int w = 0; w < workers; ++w) total += at(w, p)[d];
      trivial = total == n;
    }
    if (trivial) continue;
    if (!first) each_worker(workers, [&](int w) { count_share(a, w, p); });
    first = false;
    // Worker w writes digit d from the counts of smaller digits plus those of d in the shares before its own.
    int64_t start = 0;
    for (int d = 0; d < digits; ++d)
      for (int w = 0; w < workers; ++w) {
        next[std::size_t(w) * digits + d] = start;
        start += at(w, p)[d];
      }
    const int shift = K::kShift + width * p;
    each_worker(workers, [&](int w) {
      int64_t* to = next.data() + std::size_t(w) * digits;
      const int64_t e = chunk_begin(n, workers, w + 1);
      for (int64_t i = chunk_begin(n, workers, w); i < e; ++i) {
        const typename K::Item item = a[i];
        b[to[(K::word(item) >> shift) & mask]++] = item;
      }
    });
    std::swap(a, b);
  }
  return a;
}

// One row's scratch: two buffers of items (from the host allocator, whose cache
// keeps big blocks between calls), the one not holding the result reused for
// the keys and positions emit receives.
template <class K>
struct Scratch {
  explicit Scratch(int64_t n)
      : a_(allocate_host(std::size_t(n) * sizeof(typename K::Item))),
        b_(allocate_host(std::size_t(n) * sizeof(typename K::Item))) {}
  typename K::Item* a() const { return static_cast<typename K::Item*>(a_.data()); }
  typename K::Item* b() const { return static_cast<typename K::Item*>(b_.data()); }

 private:
  Storage a_, b_;
};

// Encodes row r's elements [lo, hi) into items a[lo .. hi) (b: scratch, as keys).
template <class K>
void load(Encode encode, int64_t r, int64_t lo, int64_t hi, typename K::Item* a, typename K::Item* b) {
  if constexpr (std::is_same_v<K, Packed>) {
    encode(r, lo, hi, a + lo);  // keys in place, then their positions beside them
    for (int64_t i = lo; i < hi; ++i) a[i] = K::make(a[i], i);
  } else {
    uint64_t* keys = reinterpret_cast<uint64_t*>(b) + lo;
    encode(r, lo, hi, keys);
    for (int64_t i = lo; i < hi; ++i) a[i] = K::make(keys[i - lo], i);
  }
}

// Emits items[lo, hi) of row r, unpacked into keys and positions (in place and
// in `other`, the buffer not holding them).
template <class K>
void unload(Emit emit, int64_t r, int64_t lo, int64_t hi, typename K::Item* items, typename K::Item* other,
            int64_t n) {
  if constexpr (std::is_same_v<K, Packed>) {
    uint64_t* keys = items;
    int64_t* pos = reinterpret_cast<int64_t*>(other);
    for (int64_t i = lo; i < hi; ++i) {
      pos[i] = K::pos(items[i]);
      keys[i] = K::key(items[i]);
    }
    emit(r, lo, hi, keys + lo, pos + lo);
  } else {
    uint64_t* keys = reinterpret_cast<uint64_t*>(other);  // (other holds 2n words)
    int64_t* pos = reinterpret_cast<int64_t*>(other) + n;
    for (int64_t i = lo; i < hi; ++i) {
      keys[i] = K::key(items[i]);
      pos[i] = K::pos(items[i]);
    }
    emit(r, lo, hi, keys + lo, pos + lo);
  }
}

// Sorts row r on this thread alone.
template <class K>
void sort_row(const Rows& rows, Encode encode, Emit emit, int64_t r, Scratch<K>& s) {
  const int64_t n = rows.length;
  load<K>(encode, r, 0, n, s.a(), s.b());
  typename K::Item* out = s.a();
  if (n < kRadixMin) std::sort(out, out + n, K::less);
  else out = radix<K>(s.a(), s.b(), n, rows.key_bits, 1);
  unload<K>(emit, r, 0, n, out, out == s.a() ? s.b() : s.a(), n);
}

// Sorts row r with every worker: each loads, then emits, its share.
template <class K>
void sort_row_split(const Rows& rows, Encode encode, Emit emit, int64_t r, Scratch<K>& s, int workers) {
  const int64_t n = rows.length;
  each_worker(workers, [&](int w) {
    load<K>(encode, r, chunk_begin(n, workers, w), chunk_begin(n, workers, w + 1), s.a(), s.b());
  });
  typename K::Item* out = radix<K>(s.a(), s.b(), n, rows.key_bits, workers);
  typename K::Item* other = out == s.a() ? s.b() : s.a();
  each_worker(workers, [&](int w) {
    unload<K>(emit, r, chunk_begin(n, workers, w), chunk_begin(n, workers, w + 1), out, other, n);
  });
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
      typename K::Item* items = s.a();
      load<K>(encode, r, 0, n, items, s.b());
      std::nth_element(items, items + take - 1, items + n, K::less);
      if (sorted) std::sort(items, items + take - 1, K::less);  // (item take - 1 is in place)
      unload<K>(emit, r, from, take, items, s.b(), n);
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
  for (int d = 0; d < int(sizes.size()); ++d) {
    if (d == dim || sizes[d] == 1) continue;
    const int last = sizes_.size() - 1;
    if (last >= 0 && strides_[last] == strides[d] * sizes[d]) {  // continues the dim before: one dim
      sizes_[last] *= sizes[d];
      strides_[last] = strides[d];
    } else {
      sizes_.push_back(sizes[d]);
      strides_.push_back(strides[d]);
    }
  }
}

}  // namespace satchel::sorting
