#include "fancy.h"

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "errors.h"
#include "index.h"

namespace satchel::fancy {

namespace {

enum class Kind { none, ellipsis, slice, integer, array, mask };

struct Item {
  Kind kind = Kind::none;
  PyObject* slice = nullptr;
  int64_t value = 0;              // an integer; a 0-d mask's truth
  gather::View<int64_t> index;    // an array
  gather::View<uint8_t> mask;     // a mask
};

// A key's items and what they point into (buffers held, arrays converted), released with it.
struct Key {
  Key() = default;
  Key(const Key&) = delete;
  ~Key() {
    for (auto& b : buffers) PyBuffer_Release(b.get());
  }
  std::vector<Item> items;
  std::vector<std::unique_ptr<Py_buffer>> buffers;
  std::vector<std::vector<int64_t>> ints;
  std::vector<std::vector<uint8_t>> bytes;

  gather::View<int64_t> own(std::vector<int64_t> data, const Dims& sizes) {
    ints.push_back(std::move(data));
    return {ints.back().data(), sizes, contiguous_strides(sizes)};
  }
};

[[noreturn]] void not_an_index(PyObject* h) {
  throw std::out_of_range(std::string("only integers, slices, None, ..., integer arrays and boolean masks are valid "
                                      "indices, not ") + Py_TYPE(h)->tp_name);
}

int64_t as_int64(PyObject* h) {
  PyObject* i = PyNumber_Index(h);
  if (!i) throw PythonError();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(i, &overflow);
  Py_DECREF(i);
  if (v == -1 && PyErr_Occurred()) throw PythonError();
  if (overflow) throw std::out_of_range("an index beyond int64 is out of range");
  return v;
}

bool is_bool_scalar(PyObject* h) {
  const char* type = Py_TYPE(h)->tp_name;
  return PyBool_Check(h) || !std::strcmp(type, "numpy.bool") || !std::strcmp(type, "numpy.bool_");
}

// An integer array or mask from an object with the buffer protocol (a tensor, a NumPy array).
void from_buffer(Key& key, PyObject* h, Item& item) {
  auto owned = std::make_unique<Py_buffer>();
  if (PyObject_GetBuffer(h, owned.get(), PyBUF_RECORDS_RO) < 0) throw PythonError();
  const Py_buffer& b = *owned;
  key.buffers.push_back(std::move(owned));
  const char* f = b.format ? b.format : "B";
  while (*f == '@' || *f == '=' || *f == '<' || *f == '>' || *f == '!') ++f;
  const char code = f[0];
  Dims sizes(b.ndim), byte_strides(b.ndim);
  for (int d = 0; d < b.ndim; ++d) sizes[d] = b.shape[d];
  for (int d = b.ndim - 1, step = 1; d >= 0; step *= int(sizes[d]), --d)  // (PyBUF_RECORDS_RO gives strides)
    byte_strides[d] = b.strides ? b.strides[d] : step * b.itemsize;
  const bool is_signed = code && f[1] == 0 && std::strchr("bhilqn", code);
  const bool is_unsigned = code && f[1] == 0 && std::strchr("BHILQN", code);
  if (code == '?' && f[1] == 0) {
    item.kind = Kind::mask;
    item.mask = {static_cast<const uint8_t*>(b.buf), sizes, byte_strides};
    return;
  }
  if (!is_signed && !is_unsigned)
    throw std::out_of_range(std::string("arrays used as indices must be of integer (or boolean) type, not buffer "
                                        "format '") + f + "'");
  item.kind = Kind::array;
  bool direct = is_signed && b.itemsize == 8;
  for (int64_t s : byte_strides) direct = direct && s % 8 == 0;
  if (direct) {
    Dims strides(b.ndim);
    for (int d = 0; d < b.ndim; ++d) strides[d] = byte_strides[d] / 8;
    item.index = {static_cast<const int64_t*>(b.buf), sizes, strides};
    return;
  }
  // Another integer type: converted, row-major.
  const int64_t n = checked_numel(sizes);
  std::vector<int64_t> out(static_cast<std::size_t>(n));
  Dims at(b.ndim);
  const char* p = static_cast<const char*>(b.buf);
  for (int64_t q = 0; q < n; ++q) {
    int64_t v;
    switch (b.itemsize) {
      case 1: v = is_signed ? int64_t(*reinterpret_cast<const int8_t*>(p)) : int64_t(*reinterpret_cast<const uint8_t*>(p)); break;
      case 2: v = is_signed ? int64_t(*reinterpret_cast<const int16_t*>(p)) : int64_t(*reinterpret_cast<const uint16_t*>(p)); break;
      case 4: v = is_signed ? int64_t(*reinterpret_cast<const int32_t*>(p)) : int64_t(*reinterpret_cast<const uint32_t*>(p)); break;
      case 8: {
        const uint64_t u = *reinterpret_cast<const uint64_t*>(p);
        if (u > uint64_t(INT64_MAX)) throw std::out_of_range("index " + std::to_string(u) + " is out of range");
        v = int64_t(u);
        break;
      }
      default: throw std::out_of_range("arrays used as indices must hold 1-, 2-, 4- or 8-byte integers");
    }
    out[std::size_t(q)] = v;
    for (int d = b.ndim - 1; d >= 0; --d) {  // the next element, row-major
      p += byte_strides[d];
      if (++at[d] < sizes[d]) break;
      p -= byte_strides[d] * sizes[d];
      at[d] = 0;
    }
  }
  item.index = key.own(std::move(out), sizes);
}

// A nested list (or tuple) of ints, or of bools: an integer array or a mask.
void from_sequence(Key& key, PyObject* h, Item& item) {
  Dims shape;
  for (PyObject* o = h; PyList_Check(o) || PyTuple_Check(o);) {
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    shape.push_back(n);
    if (n == 0) break;
    o = PySequence_Fast_GET_ITEM(o, 0);
  }
  std::vector<int64_t> values;
  bool any_int = false, any_bool = false;
  const auto fill = [&](auto& self, PyObject* o, int d) -> void {
    if (d == shape.size()) {
      if (PyList_Check(o) || PyTuple_Check(o)) throw std::out_of_range("an index list must not be ragged");
      if (is_bool_scalar(o)) {
        any_bool = true;
        values.push_back(PyObject_IsTrue(o));
      } else if (PyIndex_Check(o)) {
        any_int = true;
        values.push_back(as_int64(o));
      } else {
        not_an_index(o);
      }
      return;
    }
    if (!(PyList_Check(o) || PyTuple_Check(o)) || PySequence_Fast_GET_SIZE(o) != shape[d])
      throw std::out_of_range("an index list must not be ragged: its dim " + std::to_string(d) + " has " +
                              std::to_string(shape[d]) + " items in its first row");
    for (Py_ssize_t i = 0; i < shape[d]; ++i) self(self, PySequence_Fast_GET_ITEM(o, i), d + 1);
  };
  fill(fill, h, 0);
  if (any_bool && !any_int) {  // all bools: a mask, as NumPy reads it
    key.bytes.emplace_back(values.begin(), values.end());
    item.kind = Kind::mask;
    item.mask = {key.bytes.back().data(), shape, contiguous_strides(shape)};
    return;
  }
  item.kind = Kind::array;
  item.index = key.own(std::move(values), shape);
}

Item parse(Key& key, PyObject* h) {
  Item item;
  if (h == Py_None) {
    item.kind = Kind::none;
  } else if (h == Py_Ellipsis) {
    item.kind = Kind::ellipsis;
  } else if (PySlice_Check(h)) {
    item.kind = Kind::slice;
    item.slice = h;
  } else if (is_bool_scalar(h)) {  // a 0-d mask: a new dim of 1 element (True) or none
    item.kind = Kind::mask;
    item.value = PyObject_IsTrue(h);
  } else if (is_basic_item(h)) {
    item.kind = Kind::integer;
    item.value = as_int64(h);
  } else if (PyObject_CheckBuffer(h) && !PyBytes_Check(h) && !PyByteArray_Check(h)) {
    from_buffer(key, h, item);
  } else if (PyList_Check(h) || PyTuple_Check(h)) {
    from_sequence(key, h, item);
  } else if (PyIndex_Check(h)) {  // a one-element tensor of a device unit, say
    item.kind = Kind::integer;
    item.value = as_int64(h);
  } else {
    throw TypeError(std::string("satchel tensors are indexed by ints, slices, None, ..., integer arrays and "
                                "boolean masks, not ") + Py_TYPE(h)->tp_name);
  }
  return item;
}

// One advanced index: the view's dim it indexes, t's dim (for messages), its array.
struct Advanced {
  int view_dim;
  int t_dim;
  gather::View<int64_t> index;
  int64_t size, stride;
};

Dims slice_of(const Dims& d, int begin, int end) {
  Dims out;
  for (int i = begin; i < end; ++i) out.push_back(d[i]);
  return out;
}

// Releases a buffer view on every way out.
struct HeldBuffer {
  Py_buffer view{};
  bool held = false;
  ~HeldBuffer() {
    if (held) PyBuffer_Release(&view);
  }
};

// The plan of t[key] for a key that is one int64 array or one mask (t[idx],
// t[mask]: the keys of hot loops), without the general path's item lists; none
// for any other key.
bool lone_array_plan(const TensorBase& t, PyObject* key, Plan& plan) {
  HeldBuffer b;
  if (PyObject_GetBuffer(key, &b.view, PyBUF_RECORDS_RO) < 0) throw PythonError();
  b.held = true;
  const char* f = b.view.format ? b.view.format : "B";
  if (*f == '@' || *f == '=' || *f == '<') ++f;
  const bool mask = f[0] == '?' && f[1] == 0;
  const bool longs = (f[0] == 'q' || f[0] == 'l') && f[1] == 0 && b.view.itemsize == 8;
  const int nd = b.view.ndim;
  if (!(mask || longs) || nd > t.dim() || (mask && nd == 0) || t.dim() == 0) return false;
  Dims sizes(nd), strides(nd);
  for (int d = 0; d < nd; ++d) {
    sizes[d] = b.view.shape[d];
    strides[d] = b.view.strides[d] / b.view.itemsize;
    if (b.view.strides[d] % b.view.itemsize) return false;
  }
  plan.view = t;
  gather::Slices& s = plan.slices;
  const int k = mask ? nd : 1;  // the dims of t the key indexes
  if (mask) {
    for (int j = 0; j < nd; ++j)
      if (sizes[j] != t.size(j))
        throw std::out_of_range("boolean index did not match the indexed tensor along dim " + std::to_string(j) +
                                ": its size is " + std::to_string(t.size(j)) + " but the mask's is " +
                                std::to_string(sizes[j]));
    Dims x_strides;
    for (int j = 0; j < nd; ++j) x_strides.push_back(t.stride(j));
    s.offsets = gather::true_offsets({static_cast<const uint8_t*>(b.view.buf), sizes, strides}, x_strides);
    s.mid = Dims{int64_t(s.offsets.size())};
  } else {
    const gather::View<int64_t> index{static_cast<const int64_t*>(b.view.buf), sizes, strides};
    const int64_t size = t.size(0), stride = t.stride(0);
    gather::check_range("index", index, 0, size, true);
    const int64_t n = checked_numel(sizes);
    s.offsets.resize(std::size_t(n));
    int64_t* out = s.offsets.data();
    if (nd == 1 || strides == contiguous_strides(sizes)) {  // a plain loop (t[idx] on small tensors notices)
      const int64_t step = nd == 1 ? strides[0] : 1;
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = index.data[i * step];
        out[i] = (v < 0 ? v + size : v) * stride;
      }
    } else {
      gather::walk_dense(sizes, strides, [&](const int64_t* xo, const int64_t* yo, int64_t m, int64_t) {
        for (int64_t i = 0; i < m; ++i) {
          const int64_t v = index.data[xo[i]];
          out[yo[i]] = (v < 0 ? v + size : v) * stride;
        }
      });
    }
    s.mid = sizes;
  }
  plan.result = s.mid;
  for (int d = k; d < t.dim(); ++d) {
    s.post.push_back(t.size(d)), s.post_x.push_back(t.stride(d));
    plan.result.push_back(t.size(d));
  }
  return true;
}

}  // namespace

void Plan::with_y(const Dims& strides) {
  const int a = slices.pre.size(), b = slices.mid.size();
  slices.pre_y = slice_of(strides, 0, a);
  slices.mid_y = slice_of(strides, a, a + b);
  slices.post_y = slice_of(strides, a + b, strides.size());
}

Plan plan_of_key(const TensorBase& t, PyObject* key) {
  if (!PyTuple_Check(key) && PyObject_CheckBuffer(key) && !PyBytes_Check(key) && !PyByteArray_Check(key)) {
    Plan plan;  // (returned in place)
    if (lone_array_plan(t, key, plan)) return plan;
  }
  Key k;
  // A tuple is the key's items; anything else (a list too, as NumPy since 1.23) is one item.
  const bool tuple = PyTuple_Check(key);
  const Py_ssize_t count = tuple ? PyTuple_GET_SIZE(key) : 1;
  k.items.reserve(std::size_t(count));  // 0-d indices point into their items
  int consumed = 0, advanced = 0;
  bool ellipsis = false, any_array = false;
  for (Py_ssize_t i = 0; i < count; ++i) {
    k.items.push_back(parse(k, tuple ? PyTuple_GET_ITEM(key, i) : key));
    const Item& it = k.items.back();
    switch (it.kind) {
      case Kind::ellipsis:
        if (ellipsis) throw std::out_of_range("an index can only have a single ellipsis ('...')");
        ellipsis = true;
        break;
      case Kind::slice: ++consumed; break;
      case Kind::integer: ++consumed, ++advanced; break;  // (advanced only beside arrays)
      case Kind::array: ++consumed, ++advanced, any_array = true; break;
      case Kind::mask: consumed += it.mask.sizes.size(), ++advanced, any_array = true; break;
      case Kind::none: break;
    }
  }
  if (consumed > t.dim())
    throw std::out_of_range("too many indices for a tensor of " + std::to_string(t.dim()) + " dimensions: " +
                            std::to_string(consumed) + " were indexed");
  int64_t offset = t.storage_offset();
  Dims sizes, strides;
  std::vector<Advanced> adv;
  // A mask of some dims as the only array: its offsets need no coordinates.
  bool lone_mask = false;
  for (const Item& it : k.items) lone_mask = lone_mask || (it.kind == Kind::mask && it.mask.sizes.size() && advanced == 1);
  std::vector<int64_t> lone_offsets;
  static const int64_t kZero = 0;
  int d = 0;  // the next dim of t
  // Whether some key item (an Ellipsis too, even one of no dims) lies between advanced ones.
  bool seen_advanced = false, gap = false, separated = false;
  for (Item& it : k.items) {
    const bool advanced_item = it.kind == Kind::array || it.kind == Kind::mask || (it.kind == Kind::integer && any_array);
    if (advanced_item) {
      separated = separated || (seen_advanced && gap);
      seen_advanced = true, gap = false;
    } else {
      gap = gap || seen_advanced;
    }
    switch (it.kind) {
      case Kind::none:
        sizes.push_back(1), strides.push_back(0);
        break;
      case Kind::ellipsis:
        for (const int stop = d + t.dim() - consumed; d < stop; ++d) sizes.push_back(t.size(d)), strides.push_back(t.stride(d));
        break;
      case Kind::slice: {
        Py_ssize_t start, stop, step;
        if (PySlice_Unpack(it.slice, &start, &stop, &step) < 0) throw PythonError();
        const Py_ssize_t n = PySlice_AdjustIndices(Py_ssize_t(t.size(d)), &start, &stop, step);
        if (n > 0) offset += int64_t(start) * t.stride(d);
        sizes.push_back(n), strides.push_back(int64_t(step) * t.stride(d));
        ++d;
        break;
      }
      case Kind::integer:
        if (!any_array) {  // no arrays at all: an int-like object basic indexing did not take
          const int64_t size = t.size(d);
          if (it.value < -size || it.value >= size)
            throw std::out_of_range("index " + std::to_string(it.value) + " is out of range for dim " +
                                    std::to_string(d) + " of size " + std::to_string(size));
          offset += (it.value < 0 ? it.value + size : it.value) * t.stride(d);
          ++d;
          break;
        }
        // Beside arrays an int is a 0-d array, as NumPy's: it broadcasts, and separates.
        adv.push_back({int(sizes.size()), d, {&it.value, {}, {}}, t.size(d), t.stride(d)});
        sizes.push_back(t.size(d)), strides.push_back(t.stride(d));
        ++d;
        break;
      case Kind::array:
        adv.push_back({int(sizes.size()), d, it.index, t.size(d), t.stride(d)});
        sizes.push_back(t.size(d)), strides.push_back(t.stride(d));
        ++d;
        break;
      case Kind::mask: {
        const int nk = it.mask.sizes.size();
        if (nk == 0) {  // True: a new dim indexed by [0]; False: by []
          adv.push_back({int(sizes.size()), -1, {&kZero, {it.value}, {1}}, 1, 0});
          sizes.push_back(1), strides.push_back(0);
          break;
        }
        for (int j = 0; j < nk; ++j)
          if (it.mask.sizes[j] != t.size(d + j))
            throw std::out_of_range("boolean index did not match the indexed tensor along dim " +
                                    std::to_string(d + j) + ": its size is " + std::to_string(t.size(d + j)) +
                                    " but the mask's is " + std::to_string(it.mask.sizes[j]));
        if (lone_mask) {  // t[mask] and the like: the offsets straight from the mask
          Dims mask_strides;
          for (int j = 0; j < nk; ++j) mask_strides.push_back(t.stride(d + j));
          lone_offsets = gather::true_offsets(it.mask, mask_strides);
          const int64_t n = int64_t(lone_offsets.size());
          for (int j = 0; j < nk; ++j, ++d) {
            adv.push_back({int(sizes.size()), -1, {nullptr, Dims{n}, Dims{1}}, t.size(d), t.stride(d)});
            sizes.push_back(t.size(d)), strides.push_back(t.stride(d));
          }
          break;
        }
        const std::vector<int64_t> at = gather::true_positions(it.mask);
        const int64_t n = int64_t(at.size()) / nk;
        for (int j = 0; j < nk; ++j, ++d) {
          std::vector<int64_t> column(static_cast<std::size_t>(n));
          for (int64_t i = 0; i < n; ++i) column[std::size_t(i)] = at[std::size_t(i * nk + j)];
          adv.push_back({int(sizes.size()), d, k.own(std::move(column), Dims{n}), t.size(d), t.stride(d)});
          sizes.push_back(t.size(d)), strides.push_back(t.stride(d));
        }
        break;
      }
    }
  }
  for (; d < t.dim(); ++d) sizes.push_back(t.size(d)), strides.push_back(t.stride(d));

  Plan plan;
  plan.view = TensorBase(t.storage(), offset, sizes, strides);
  std::vector<const Dims*> shapes;
  for (const Advanced& a : adv) shapes.push_back(&a.index.sizes);
  Dims mid;
  try {
    mid = broadcast_shapes(shapes.data(), int(shapes.size()));
  } catch (const std::invalid_argument&) {
    std::string all;
    for (const Dims* s : shapes) all += " " + to_string(*s);
    throw std::out_of_range("shape mismatch: indexing arrays could not be broadcast together with shapes" + all);
  }
  // Index arrays that select nothing (broadcast to no elements) are not checked, as
  // NumPy's; ints (0-d) always are.
  const bool selects = checked_numel(mid) > 0;
  for (const Advanced& a : adv)
    if (a.t_dim >= 0 && (selects || a.index.sizes.empty())) gather::check_range("index", a.index, a.t_dim, a.size, true);
  // The view's element offset at each position of the broadcast index.
  gather::Slices& s = plan.slices;
  if (lone_mask) s.offsets = std::move(lone_offsets);
  else s.offsets.assign(std::size_t(checked_numel(mid)), 0);
  for (const Advanced& a : adv) {
    if (lone_mask) break;
    Dims bstrides(mid.size(), 0);  // a's strides broadcast to mid (right-aligned)
    for (int i = 0, lead = mid.size() - a.index.sizes.size(); i < a.index.sizes.size(); ++i)
      bstrides[lead + i] = a.index.sizes[i] == 1 ? 0 : a.index.strides[i];
    int64_t* out = s.offsets.data();
    gather::walk_dense(mid, bstrides, [&](const int64_t* xo, const int64_t* yo, int64_t n, int64_t) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = a.index.data[xo[i]];
        out[yo[i]] += (v < 0 ? v + a.size : v) * a.stride;
      }
    });
  }
  // Adjacent advanced indices keep their place; separated ones go first (NumPy's rule).
  const bool adjacent = !separated;
  std::vector<bool> indexed(sizes.size(), false);
  for (const Advanced& a : adv) indexed[std::size_t(a.view_dim)] = true;
  const int first = adv.front().view_dim;
  for (int i = 0; i < sizes.size(); ++i) {
    if (indexed[std::size_t(i)]) continue;
    const bool before = adjacent && i < first;
    (before ? s.pre : s.post).push_back(sizes[i]);
    (before ? s.pre_x : s.post_x).push_back(strides[i]);
  }
  s.mid = mid;
  plan.result = s.pre;
  for (int64_t v : mid) plan.result.push_back(v);
  for (int64_t v : s.post) plan.result.push_back(v);
  return plan;
}

}  // namespace satchel::fancy
