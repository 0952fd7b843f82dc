"""Sorting and searching (sort, argsort, msort, topk, kthvalue, searchsorted,
bucketize, isin) on every built unit that has them, against NumPy's stable sort and
searchsorted, with PyTorch's semantics where NumPy has none (descending order,
topk, kthvalue).

Inputs are often views (transposed, stepped, reversed), have sides of 0 and 1,
many ties (so stability shows) and, for floats, NaN, infinities and -0.0: NaN
sorts last ascending and first descending, -0.0 ties with 0.0, and the values a
sort returns are the very elements it moved (a -0.0 stays -0.0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from conftest import SPEC, Unit, arrays, as_tensor, elements, to_numpy, units_where
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from satchel.codegen.model import Native

SORTING_OPS = {"sort", "argsort", "msort", "topk", "kthvalue", "searchsorted", "bucketize", "isin",
               "median", "nanmedian", "medianall", "quantile"}  # (the order statistics: test_order.py)
SORTS = units_where(lambda u: u.has("sort"))
SELECTS = units_where(lambda u: u.has("topk"))
SEARCHES = units_where(lambda u: u.has("searchsorted"))
MEMBERS = units_where(lambda u: u.has("isin"))


def test_every_sorting_op_has_a_test() -> None:
    """The spec's sorting section and this file name the same ops."""
    natives = {op.name for op in SPEC.ops if isinstance(op.body, Native)}
    assert SORTING_OPS <= natives
    section = {op.name for op in SPEC.ops if op.name in SORTING_OPS}
    assert section == SORTING_OPS


# ---- operands -------------------------------------------------------------------------


def values_of(u: Unit) -> st.SearchStrategy[Any]:
    """Elements with many ties; floats with NaN, infinities and both zeros."""
    if u.is_float:
        special = st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, -1.0])
        return st.one_of(special, st.integers(-3, 3).map(float), elements(u, nan=True, inf=True))
    if u.is_bool:
        return st.booleans()
    small = st.integers(max(int(u.lo), -3), 3)
    return st.one_of(small, st.sampled_from([u.lo, u.hi]), elements(u))


@st.composite
def operand(draw: st.DrawFn, u: Unit, shape: tuple[int, ...] | None = None,
            elems: st.SearchStrategy[Any] | None = None) -> tuple[np.ndarray, Any]:
    """An array and a tensor of the same elements, the tensor often a view of another layout."""
    if shape is None:
        shape = draw(st.one_of(st.integers(0, 300).map(lambda n: (n,)),
                               hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)))
    el = elems if elems is not None else values_of(u)
    nd = len(shape)
    kind = draw(st.sampled_from(["plain", "t", "step", "flip"] if nd else ["plain"]))
    if kind == "t" and nd >= 2:
        base = draw(arrays(u, shape[:-2] + (shape[-1], shape[-2]), el))
        return base.swapaxes(-1, -2), as_tensor(u, base).transpose(-1, -2)
    d = draw(st.integers(0, nd - 1)) if nd else 0
    index = [slice(None)] * nd
    if kind == "step":
        base = draw(arrays(u, shape[:d] + (2 * shape[d],) + shape[d + 1:], el))
        index[d] = slice(None, None, 2)
        return base[tuple(index)], as_tensor(u, base)[tuple(index)]
    base = draw(arrays(u, shape, el))
    if kind == "flip":
        index[d] = slice(None, None, -1)
        return base[tuple(index)], as_tensor(u, base)[tuple(index)]
    return base, as_tensor(u, base)


def dim_of(draw: st.DrawFn, a: np.ndarray) -> int:
    n = max(a.ndim, 1)
    return draw(st.integers(-n, n - 1))


# ---- oracles --------------------------------------------------------------------------


def stable_order(a: np.ndarray, axis: int, descending: bool = False) -> np.ndarray:
    """The indices of a stable sort along axis, in NumPy's order (NaN last), or
    PyTorch's descending order (NaN first), ties kept in order either way."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    moved = np.moveaxis(a, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1]) if moved.size else moved.reshape(0, moved.shape[-1])
    out = np.empty(rows.shape, np.int64)
    for r, row in enumerate(rows):
        if not descending:
            out[r] = np.argsort(row, kind="stable")
        elif row.dtype.kind == "f":
            nan = np.isnan(row)
            out[r] = np.lexsort((-np.where(nan, 0, row), ~nan))  # NaN first, then larger first
        else:
            out[r] = np.argsort(~row, kind="stable")  # ~ reverses every integer order (and bool's)
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


def bits(a: np.ndarray) -> np.ndarray:
    """a's elements as their bytes, so -0.0 and 0.0 (and NaN payloads) compare as they are."""
    a = np.ascontiguousarray(a)
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.kind == "f" else a


def take(a: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    return a.copy() if a.ndim == 0 else np.take_along_axis(a, indices, axis)


def assert_indices(got: Any, expected: np.ndarray) -> None:
    g = to_numpy(got)
    assert g.dtype == np.int64
    assert g.shape == expected.shape
    np.testing.assert_array_equal(g, expected)


def assert_values(got: Any, expected: np.ndarray, u: Unit) -> None:
    """The same elements bit for bit (the sort moves elements; it computes none)."""
    g = to_numpy(got)
    assert g.dtype == u.np_dtype and g.shape == expected.shape, (g.dtype, g.shape, expected.shape)
    np.testing.assert_array_equal(bits(g), bits(expected.astype(u.np_dtype)))


# ---- sort, argsort, msort -------------------------------------------------------------


@pytest.mark.parametrize("u", SORTS)
@given(data=st.data())
def test_sort(u: Unit, data: st.DataObject) -> None:
    a, t = data.draw(operand(u))
    dim = dim_of(data.draw, a)
    descending = data.draw(st.booleans())
    stable = data.draw(st.booleans())
    order = stable_order(a, dim, descending)
    values, indices = u.T.sort(t, dim, descending, stable=stable)
    assert_indices(indices, order)
    assert_values(values, take(a, order, dim), u)
    assert_indices(u.T.argsort(t, dim=dim, descending=descending), order)
    assert_indices(t.argsort(dim, descending, stable=True), order)
    assert_values(t.sort(dim=dim, descending=descending).values, take(a, order, dim), u)


@pytest.mark.parametrize("u", SORTS)
@given(data=st.data())
def test_msort(u: Unit, data: st.DataObject) -> None:
    a, t = data.draw(operand(u))
    assert_values(u.T.msort(t), take(a, stable_order(a, 0), 0), u)


@pytest.mark.parametrize("u", SORTS)
@pytest.mark.parametrize("n", [1000, 5000, 300_000])
def test_sort_long_rows(u: Unit, n: int) -> None:
    """Rows long enough for the radix sort, and for both threads within one row."""
    rng = np.random.default_rng(n)
    if u.is_bool:
        a = rng.integers(0, 2, n).astype(bool)
    elif u.is_float:
        a = rng.standard_normal(n).astype(u.np_dtype)
        a[rng.integers(0, n, n // 50)] = np.nan
        a[rng.integers(0, n, n // 50)] = -0.0
        a[rng.integers(0, n, n // 50)] = 0.0
    else:
        a = rng.integers(u.lo, int(u.hi) + 1, n, dtype=u.np_dtype)
        a[rng.integers(0, n, n // 10)] = 7  # ties
    t = as_tensor(u, a)
    for descending in (False, True):
        order = stable_order(a, 0, descending)
        values, indices = u.T.sort(t, descending=descending)
        assert_indices(indices, order)
        assert_values(values, a[order], u)
    a2 = np.stack([a[: n // 4], a[n // 4: n // 2]])
    t2 = as_tensor(u, a2)
    assert_indices(u.T.argsort(t2, 1), stable_order(a2, 1))
    assert_indices(u.T.argsort(t2.t(), 0), stable_order(a2.T, 0))


@pytest.mark.parametrize("u", units_where(lambda u: u.has("sort") and u.is_float))
def test_sort_special_values(u: Unit) -> None:
    """PyTorch's and NumPy's order: NaN last ascending, first descending; -0.0 == 0.0 (ties stay in order)."""
    a = np.array([0.0, -0.0, np.nan, 1.0, -np.nan, 0.0, -np.inf, np.inf], dtype=u.np_dtype)
    t = as_tensor(u, a)
    assert to_numpy(u.T.argsort(t)).tolist() == [6, 0, 1, 5, 3, 7, 2, 4]
    assert to_numpy(u.T.argsort(t, descending=True)).tolist() == [2, 4, 7, 3, 0, 1, 5, 6]
    assert np.signbit(to_numpy(u.T.sort(t).values)[1:4]).tolist() == [False, True, False]


# ---- topk, kthvalue -------------------------------------------------------------------


@pytest.mark.parametrize("u", SELECTS)
@given(data=st.data())
def test_topk(u: Unit, data: st.DataObject) -> None:
    a, t = data.draw(operand(u))
    dim = dim_of(data.draw, a)
    size = a.shape[dim] if a.ndim else 1
    k = data.draw(st.integers(0, size))
    largest = data.draw(st.booleans())
    is_sorted = data.draw(st.booleans())
    values, indices = u.T.topk(t, k, dim, largest, is_sorted)
    if a.ndim == 0:  # 0-d for k = 1; no element, shape (0,), for k = 0
        assert_indices(indices, np.zeros((), np.int64) if k else np.zeros(0, np.int64))
        assert_values(values, a if k else a.reshape(1)[:0], u)
        return
    order = stable_order(a, dim, descending=largest)
    best = np.take(order, range(k), axis=dim)
    ix = to_numpy(indices)
    assert ix.shape == best.shape
    assert_values(values, take(a, ix, dim), u)  # each value from its index
    if is_sorted:  # the k best in order (ties: the first positions first)
        assert_indices(indices, best)
    else:  # the same elements in some order
        np.testing.assert_array_equal(np.sort(ix, axis=dim), np.sort(best, axis=dim))


@pytest.mark.parametrize("u", SELECTS)
@given(data=st.data())
def test_kthvalue(u: Unit, data: st.DataObject) -> None:
    a, t = data.draw(operand(u))
    dim = dim_of(data.draw, a)
    size = a.shape[dim] if a.ndim else 1
    if size == 0:
        return
    k = data.draw(st.integers(1, size))
    keepdim = data.draw(st.booleans())
    values, indices = u.T.kthvalue(t, k, dim, keepdim=keepdim)
    order = stable_order(a, dim)
    kth = np.take(order, [k - 1], axis=dim) if a.ndim else order
    shape = kth.shape if keepdim or not a.ndim else np.squeeze(kth, dim).shape
    assert_indices(indices, kth.reshape(shape))
    assert_values(values, take(a, kth, dim).reshape(shape), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("topk") and u.is_float))
def test_topk_nan_is_largest(u: Unit) -> None:
    t = as_tensor(u, np.array([1.0, np.nan, 3.0, 3.0], u.np_dtype))
    values, indices = t.topk(2)
    assert np.isnan(to_numpy(values)[0]) and to_numpy(indices).tolist() == [1, 2]
    assert np.isnan(to_numpy(t.kthvalue(4).values))
    assert to_numpy(t.topk(2, largest=False).indices).tolist() == [0, 2]


@pytest.mark.parametrize("u", SELECTS)
def test_k_out_of_range(u: Unit) -> None:
    t = u.T.zeros([2, 3])
    with pytest.raises(ValueError, match=r"topk: k \(4\) is out of range for dim 1 of size 3"):
        u.T.topk(t, 4)
    with pytest.raises(ValueError, match=r"topk: k \(-1\)"):
        u.T.topk(t, -1, 0)
    with pytest.raises(ValueError, match=r"kthvalue: k \(0\) is out of range for dim 0 of size 2 \(expected 1 to 2\)"):
        u.T.kthvalue(t, 0, 0)
    with pytest.raises(ValueError, match=r"kthvalue: k \(4\)"):
        u.T.kthvalue(t, 4)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        u.T.sort(t, 2)


# ---- searchsorted, bucketize ----------------------------------------------------------


@st.composite
def sequence(draw: st.DrawFn, u: Unit, lead: tuple[int, ...]) -> np.ndarray:
    n = draw(st.integers(0, 40))
    return np.sort(draw(arrays(u, lead + (n,), values_of(u))), axis=-1)


def np_search(seq: np.ndarray, v: np.ndarray, side: str, sorter: np.ndarray | None = None) -> np.ndarray:
    if seq.ndim == 1:
        return np.searchsorted(seq, v, side=side, sorter=sorter).astype(np.int64)
    out = np.empty(v.shape, np.int64)
    for i in np.ndindex(seq.shape[:-1]):
        out[i] = np.searchsorted(seq[i], v[i], side=side, sorter=None if sorter is None else sorter[i])
    return out


@pytest.mark.parametrize("u", SEARCHES)
@given(data=st.data())
def test_searchsorted(u: Unit, data: st.DataObject) -> None:
    shared = data.draw(st.booleans())
    lead = () if shared else data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    seq = data.draw(sequence(u, lead))
    vshape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)) if shared else \
        lead + (data.draw(st.integers(0, 6)),)
    v, tv = data.draw(operand(u, vshape))
    right = data.draw(st.booleans())
    side = data.draw(st.sampled_from([None, "right" if right else "left"]))
    got = u.T.searchsorted(as_tensor(u, seq), tv, right=right, side=side)
    assert_indices(got, np_search(seq, v, "right" if right else "left"))


@pytest.mark.parametrize("u", SEARCHES)
@given(data=st.data())
def test_searchsorted_sorter(u: Unit, data: st.DataObject) -> None:
    seq = data.draw(arrays(u, (data.draw(st.integers(0, 30)),), values_of(u)))
    sorter = np.argsort(seq, kind="stable")
    v, tv = data.draw(operand(u, (data.draw(st.integers(0, 10)),)))
    long = get_long()
    got = u.T.searchsorted(as_tensor(u, seq), tv, side="right", sorter=long.tensor(sorter))
    assert_indices(got, np_search(seq, v, "right", sorter))


@pytest.mark.parametrize("u", SEARCHES)
@given(data=st.data())
def test_bucketize(u: Unit, data: st.DataObject) -> None:
    boundaries = data.draw(sequence(u, ()))
    x, tx = data.draw(operand(u))
    right = data.draw(st.booleans())
    got = u.T.bucketize(tx, as_tensor(u, boundaries), right=right)
    assert_indices(got, np.searchsorted(boundaries, x, side="right" if right else "left").astype(np.int64))
    assert_indices(tx.bucketize(as_tensor(u, boundaries)), np.searchsorted(boundaries, x).astype(np.int64))


def get_long() -> Any:
    import satchel

    return satchel.cpu.int64


@pytest.mark.parametrize("u", SEARCHES)
def test_searchsorted_bad_input(u: Unit) -> None:
    T, long = u.T, get_long()
    seq, v = T.zeros([2, 3]), T.zeros([3, 1])
    with pytest.raises(ValueError, match=r"leading dims of sorted_sequence \(2, 3\) and values \(3, 1\)"):
        T.searchsorted(seq, v)
    with pytest.raises(ValueError, match="at least one dim"):
        T.searchsorted(T.zeros([]), v)
    with pytest.raises(ValueError, match="side must be 'left' or 'right', not 'up'"):
        T.searchsorted(T.zeros([3]), v, side="up")
    with pytest.raises(ValueError, match="opposite"):
        T.searchsorted(T.zeros([3]), v, right=True, side="left")
    with pytest.raises(ValueError, match=r"sorter's shape \(2,\) is not sorted_sequence's \(3,\)"):
        T.searchsorted(T.zeros([3]), v, sorter=long.zeros([2]))
    with pytest.raises(IndexError, match="sorter holds 3, out of range"):
        T.searchsorted(T.zeros([3]), v, sorter=long.tensor([0, 1, 3]))
    with pytest.raises(ValueError, match=r"boundaries must be 1-D, not of shape \(2, 3\)"):
        T.bucketize(v, seq)
    with pytest.raises(TypeError):
        T.searchsorted(T.zeros([3]), v, sorter=T.zeros([3]) if u.dtype.name != "int64" else None, side=1)


# ---- isin -----------------------------------------------------------------------------


@pytest.mark.parametrize("u", MEMBERS)
@given(data=st.data())
def test_isin(u: Unit, data: st.DataObject) -> None:
    """NumPy's isin: NaN is in nothing, -0.0 is in what holds 0.0."""
    x, tx = data.draw(operand(u))
    test, tt = data.draw(operand(u))
    invert = data.draw(st.booleans())
    got = to_numpy(u.T.isin(tx, tt, invert=invert))
    assert got.dtype == np.bool_ and got.shape == x.shape
    np.testing.assert_array_equal(got, np.isin(x, test, invert=invert))
