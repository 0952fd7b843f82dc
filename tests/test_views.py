"""Views (narrow, select, transpose, permute, unfold, expand, view/reshape,
squeeze/unsqueeze, flatten) and basic indexing, checked against NumPy.

A satchel tensor and ``np.asarray`` of it share memory, so every chain of views
is applied identically to the tensor and to that array: the values must agree,
and a write through the satchel view must land where NumPy's view says.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import as_strided, sliding_window_view

import satchel

DTYPES = ["float32", "int32", "float16", "bool", "float64", "uint8"]


def _unit(dtype: str) -> Any:
    try:
        return satchel.unit(dtype, "cpu")
    except satchel.UnitNotFound:
        return None


UNITS = [u for u in (_unit(d) for d in DTYPES) if u is not None]
pytestmark = pytest.mark.skipif(not UNITS, reason="no unit built")
FAST = settings(max_examples=25, deadline=None)


def np_dtype(unit: Any) -> np.dtype:
    return np.dtype("bool" if unit.dtype == "bool" else unit.dtype)


def make(unit: Any, shape: tuple[int, ...]) -> tuple[Any, np.ndarray]:
    """A tensor of small distinct-ish values and the NumPy array sharing its memory."""
    n = int(np.prod(shape, dtype=np.int64))
    values = np.arange(n).reshape(shape)
    values = values % 2 if unit.dtype == "bool" else values % 13 + 1
    t = unit.tensor(values.astype(np_dtype(unit)))
    a = np.asarray(t)
    assert np.shares_memory(a, np.asarray(t)) or n == 0
    return t, a


# ---- one view, applied to a tensor and to an array -------------------------------


def np_expand(a: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    lead = len(size) - a.ndim
    shape, strides = [], []
    for i, s in enumerate(size):
        j = i - lead
        if j < 0:
            shape.append(s)
            strides.append(0)
        elif s == -1 or s == a.shape[j]:
            shape.append(a.shape[j])
            strides.append(a.strides[j])
        else:
            shape.append(s)
            strides.append(0)
    return as_strided(a, shape=shape, strides=strides)


def np_unfold(a: np.ndarray, dim: int, size: int, step: int) -> np.ndarray:
    w = sliding_window_view(a, size, axis=dim, writeable=True)
    index = [slice(None)] * w.ndim
    index[dim % a.ndim] = slice(None, None, step)
    return w[tuple(index)]


def apply(step: tuple, x: Any, is_numpy: bool) -> Any:
    name, args = step[0], step[1:]
    if not is_numpy:
        if name == "index":
            return x[args[0]]
        if name == "squeeze" and args[0] is None:
            return x.squeeze()
        return getattr(x, name)(*args)
    if name == "index":  # NumPy returns a 0-d view, not a scalar, when the key has an Ellipsis
        key = args[0] if isinstance(args[0], tuple) else (args[0],)
        return x[key if Ellipsis in key else key + (Ellipsis,)]
    if name == "narrow":
        dim, start, length = args
        index = [slice(None)] * x.ndim
        start = start + x.shape[dim] if start < 0 else start
        index[dim] = slice(start, start + length)
        return x[tuple(index)]
    if name == "select":
        dim, i = args
        index = [slice(None)] * x.ndim
        index[dim] = i
        return x[(*index, Ellipsis)]
    if name == "transpose":
        return np.swapaxes(x, *args)
    if name == "permute":
        return np.transpose(x, args[0])
    if name == "unsqueeze":
        return np.expand_dims(x, args[0])
    if name == "squeeze":
        return np.squeeze(x) if args[0] is None else np.squeeze(x, args[0])
    if name == "expand":
        return np_expand(x, args[0])
    if name == "unfold":
        return np_unfold(x, *args)
    raise AssertionError(name)


@st.composite
def index_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    items: list[Any] = []
    used = draw(st.integers(0, len(shape)))
    for n in shape[:used]:
        kind = draw(st.sampled_from(["int", "slice", "slice", "none"] if n else ["slice", "none"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "none":
            items += [None, slice(None)]
        else:
            bound = st.none() | st.integers(-n - 2, n + 2)
            items.append(slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3, -1, -2, -3]))))
    if draw(st.booleans()):  # where the Ellipsis stands for no dimension, or at the end
        items.insert(draw(st.integers(0, len(items))) if used == len(shape) else len(items), Ellipsis)
    if len(items) == 1 and draw(st.booleans()):
        return items[0]
    return tuple(items)


@st.composite
def view_step(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple:
    nd = len(shape)
    kinds = ["unsqueeze", "expand", "index", "index"]
    if nd:
        kinds += ["narrow", "select", "transpose", "permute", "squeeze", "unfold"]
    kind = draw(st.sampled_from(kinds))
    dim = draw(st.integers(-nd, nd - 1)) if nd else 0
    n = shape[dim] if nd else 0
    if kind == "narrow":
        start = draw(st.integers(0, n))
        length = draw(st.integers(0, n - start))
        if start and draw(st.booleans()):
            start -= n
        return ("narrow", dim, start, length)
    if kind == "select":
        if n == 0:
            return ("transpose", dim, dim)
        return ("select", dim, draw(st.integers(-n, n - 1)))
    if kind == "transpose":
        return ("transpose", dim, draw(st.integers(-nd, nd - 1)))
    if kind == "permute":
        return ("permute", tuple(draw(st.permutations(range(nd)))))
    if kind == "squeeze":
        ones = [i for i, s in enumerate(shape) if s == 1]
        return ("squeeze", draw(st.sampled_from(ones)) if ones and draw(st.booleans()) else None)
    if kind == "unsqueeze":
        return ("unsqueeze", draw(st.integers(-nd - 1, nd)))
    if kind == "unfold":
        size = draw(st.integers(0, n))
        return ("unfold", dim, size, draw(st.integers(1, 3)))
    if kind == "expand":
        lead = draw(st.lists(st.integers(0, 3), max_size=1 if nd >= 4 else 2))
        rest = [draw(st.sampled_from([-1, s] + ([0, 2, 3] if s == 1 else []))) for s in shape]
        return ("expand", tuple(lead + rest))
    return ("index", draw(index_keys(shape)))


@st.composite
def chains(draw: st.DrawFn) -> tuple[tuple[int, ...], list[tuple]]:
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=0, max_size=4)))
    a = np.empty(shape)
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        step = draw(view_step(a.shape))
        a = apply(step, a, True)
        if a.ndim > 6:
            break
        steps.append(step)
    return shape, steps


def distinct_addresses(a: np.ndarray) -> bool:
    if a.size == 0:
        return True
    offsets = sum(np.indices(a.shape).reshape(a.ndim, -1)[i] * a.strides[i] for i in range(a.ndim)) if a.ndim else [0]
    return len(set(np.atleast_1d(offsets).tolist())) == a.size


def run_chain(unit: Any, shape: tuple[int, ...], steps: list[tuple]) -> tuple[Any, np.ndarray, Any, np.ndarray]:
    t, a = make(unit, shape)
    v, r = t, a
    for step in steps:
        v = apply(step, v, False)
        r = apply(step, r, True)
    return t, a, v, r


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.dtype)
@FAST
@given(case=chains())
def test_view_chains_match_numpy_and_share_memory(unit: Any, case: Any) -> None:
    shape, steps = case
    t, a, v, r = run_chain(unit, shape, steps)
    assert v.shape == r.shape
    got = np.asarray(v)
    np.testing.assert_array_equal(got, r)
    assert v.tolist() == r.tolist()
    # The view's strides (in elements) are NumPy's (in bytes).
    if r.size:
        assert all(s * a.itemsize == b for s, b, n in zip(v.strides, r.strides, r.shape) if n > 1)
    if r.size:
        assert np.shares_memory(got, a)
    # A write through the satchel view lands where NumPy's view of a copy says,
    # unless the view holds an address twice (expand): such writes are refused.
    offsets = np.zeros(v.shape, dtype=np.int64)
    for d, index in enumerate(np.indices(v.shape)):
        offsets += index * v.strides[d]
    if np.unique(offsets).size < offsets.size:
        before = a.copy()
        with pytest.raises(ValueError, match="more than one element of the written-to tensor"):
            v.fill_(True if unit.dtype == "bool" else 9)
        np.testing.assert_array_equal(a, before)
        return
    expect = a.copy()
    apply_all = expect
    for step in steps:
        apply_all = apply(step, apply_all, True)
    value = True if unit.dtype == "bool" else 9
    apply_all[...] = value
    v.fill_(value)
    np.testing.assert_array_equal(a, expect)
    np.testing.assert_array_equal(np.asarray(t), expect)


@pytest.mark.parametrize("unit", [u for u in UNITS if u.dtype != "bool"], ids=lambda u: u.dtype)
def test_results_follow_a_dense_input_layout(unit: Any) -> None:
    """A new result is laid out as its first input of the result's shape when that
    input is dense (NumPy's and PyTorch's rule), so x.t() + y.t() walks memory in
    order; otherwise, and for stepped views, it is row-major. Values as NumPy's."""
    a = (np.arange(24) % 7).astype(unit.dtype).reshape(2, 3, 4)
    b = (np.arange(24) % 5).astype(unit.dtype).reshape(2, 3, 4)
    x, y = unit.tensor(a), unit.tensor(b)
    xt, yt = x.permute((2, 0, 1)), y.permute((2, 0, 1))
    for result, want in ((xt + yt, a.transpose(2, 0, 1) + b.transpose(2, 0, 1)),
                         (xt * 2, a.transpose(2, 0, 1) * 2),
                         (unit.tensor(want_row := np.ones((4, 2, 3), unit.dtype)) + xt, want_row + a.transpose(2, 0, 1))):
        np.testing.assert_array_equal(np.asarray(result), want)
    assert (xt + yt).strides == xt.strides and not (xt + yt).is_contiguous()
    assert (xt + unit.tensor(np.ones((4, 2, 3), unit.dtype))).strides == xt.strides
    assert (unit.tensor(np.ones((4, 2, 3), unit.dtype)) + xt).is_contiguous()  # the first input leads
    stepped = x[:, ::2]
    assert (stepped + 1).is_contiguous()
    np.testing.assert_array_equal(np.asarray(stepped + 1), a[:, ::2] + 1)


@pytest.mark.parametrize("unit", [u for u in UNITS if u.dtype != "bool"], ids=lambda u: u.dtype)
def test_operands_laid_out_across_each_other_run_in_tiles(unit: Any) -> None:
    """Where one operand runs along the dim another runs across (x.T + y), a long
    inner dim is walked in tiles: every element once, with ragged tiles at both
    ends, outer dims, steps, broadcasting, in place, a bool result, and dot."""
    dt = np_dtype(unit)
    rng = np.random.default_rng(5)
    for shape in ((3, 77, 530), (1000, 3), (70, 1500)):
        a = rng.integers(1, 50, shape).astype(dt)
        b = rng.integers(1, 50, shape[:-2] + shape[:-3:-1]).astype(dt)
        x, y = unit.tensor(a), unit.tensor(b)
        yt = y.transpose(-1, -2)
        bt = b.swapaxes(-1, -2)
        np.testing.assert_array_equal(np.asarray(x + yt), a + bt)
        np.testing.assert_array_equal(np.asarray(yt + x), bt + a)
        np.testing.assert_array_equal(np.asarray(unit.lt(x, yt)), a < bt)
        assert unit.dot(x, yt) == int((a.astype(np.int64) * bt.astype(np.int64)).sum())
        if len(shape) == 2:
            np.testing.assert_array_equal(np.asarray(x[::2] * yt[::2]), a[::2] * bt[::2])
            row = unit.tensor(a[:1].copy())
            np.testing.assert_array_equal(np.asarray(yt + row), bt + a[:1])
        x += yt
        np.testing.assert_array_equal(np.asarray(x), a + bt)
        np.testing.assert_array_equal(np.asarray(unit.contiguous(yt)), bt)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.dtype)
@FAST
@given(case=chains())
def test_ops_on_views(unit: Any, case: Any) -> None:
    shape, steps = case
    _, a, v, r = run_chain(unit, shape, steps)
    r = np.array(r)  # the values before anything is written
    is_bool = unit.dtype == "bool"
    acc = np.int64 if not np.issubdtype(r.dtype, np.floating) else np.float64
    assert unit.sumall(v) == r.astype(acc).sum()
    assert unit.dot(v, v) == (r.astype(acc) * r.astype(acc)).sum()
    if not is_bool:
        other = (np.arange(r.size).reshape(r.shape) % 5).astype(r.dtype)
        np.testing.assert_array_equal(np.asarray(unit.add(v, unit.tensor(other))), r + other)
        np.testing.assert_array_equal(np.asarray(unit.mul(v, v)), r * r)
        np.testing.assert_array_equal(np.asarray(v + 1), r + 1)
    if np.issubdtype(r.dtype, np.floating):
        compute = np.float32 if r.dtype == np.float16 else r.dtype
        np.testing.assert_allclose(np.asarray(unit.exp(v)).astype(np.float64),
                                   np.exp(r.astype(compute)).astype(r.dtype).astype(np.float64),
                                   rtol=1e-3 if r.dtype == np.float16 else 1e-6)
    # copy_ out of and into the view.
    dst = unit.zeros(r.shape)
    dst.copy_(v)
    np.testing.assert_array_equal(np.asarray(dst), r)
    c = v.clone()
    assert c.is_contiguous()
    np.testing.assert_array_equal(np.asarray(c), r)
    k = v.contiguous()
    np.testing.assert_array_equal(np.asarray(k), r)
    if v.is_contiguous():
        assert k.storage_offset() == v.storage_offset() and (r.size == 0 or np.shares_memory(np.asarray(k), a))
    if distinct_addresses(np.asarray(v)):
        src = (np.arange(r.size).reshape(r.shape) % 2).astype(r.dtype)
        v.copy_(unit.tensor(src))
        np.testing.assert_array_equal(np.asarray(v), src)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.dtype)
@FAST
@given(case=chains(), data=st.data())
def test_view_reshape_flatten(unit: Any, case: Any, data: st.DataObject) -> None:
    shape, steps = case
    _, a, v, r = run_chain(unit, shape, steps)
    before = np.array(r)
    new = list(np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).permutation(r.ndim))
    # Split the elements into a random new shape of the same size.
    sizes = [r.shape[i] for i in new] if r.size else [0, *(s for s in r.shape if s)]
    if sizes and data.draw(st.booleans()):
        sizes[data.draw(st.integers(0, len(sizes) - 1))] = -1 if r.size else 0
    target = tuple(sizes)
    expect = before.reshape(target)
    out = v.reshape(target)
    np.testing.assert_array_equal(np.asarray(out), expect)
    np.testing.assert_array_equal(np.asarray(v.flatten()), before.reshape(-1))
    try:
        w = v.view(target)
    except ValueError:
        assert not v.is_contiguous()
    else:
        np.testing.assert_array_equal(np.asarray(w), expect)
        if r.size:
            assert np.shares_memory(np.asarray(w), a)
    if v.is_contiguous():
        assert v.view(target).storage_offset() == v.storage_offset()


# ---- indexing ------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.dtype)
@FAST
@given(data=st.data())
def test_setitem_matches_numpy(unit: Any, data: st.DataObject) -> None:
    shape = tuple(data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    t, a = make(unit, shape)
    key = data.draw(index_keys(shape))
    expect = a.copy()
    target_shape = expect[key].shape
    if data.draw(st.booleans()):
        value: Any = True if unit.dtype == "bool" else 7
        expect[key] = value
        t[key] = value
    else:
        # A value that broadcasts to the target: drop some leading dims, set some to 1.
        vshape = list(target_shape[data.draw(st.integers(0, len(target_shape))):])
        vshape = [1 if data.draw(st.booleans()) else s for s in vshape]
        src = (np.arange(int(np.prod(vshape))).reshape(vshape) % 2).astype(a.dtype)
        expect[key] = src
        t[key] = unit.tensor(src) if data.draw(st.booleans()) else src
    np.testing.assert_array_equal(a, expect)


def test_basic_indexing() -> None:
    unit = UNITS[0]
    t, a = make(unit, (4, 5, 6))
    for key in [1, -1, (1, slice(None), 2), (Ellipsis, None), (slice(None, None, -1),), slice(2, 8, 3),
                (None, 0, Ellipsis, -1), (slice(None), slice(None, None, -2), None, slice(1, 5, 2))]:
        np.testing.assert_array_equal(np.asarray(t[key]), a[key])
        assert t[key].shape == a[key].shape
    x = unit.tensor(np.arange(5).astype(np_dtype(unit)))
    e = x[3]
    assert e.ndim == 0 and e.shape == ()
    assert e.item() == np.arange(5).astype(np_dtype(unit))[3]
    assert x[-1].item() == x[4].item()
    rev = x[::-1]
    assert rev.strides == (-1,)
    np.testing.assert_array_equal(np.asarray(rev), np.asarray(x)[::-1])


def test_negative_strides_in_pointwise_and_reduce() -> None:
    unit = satchel.cpu.float32 if _unit("float32") else pytest.skip("float32 not built")
    base = np.arange(2 * 3 * 400, dtype=np.float32).reshape(2, 3, 400)
    t = unit.tensor(base)
    v = t[::-1, :, ::-1]
    r = base[::-1, :, ::-1]
    np.testing.assert_array_equal(np.asarray(v + v[:, ::-1]), r + r[:, ::-1])
    assert unit.sumall(v) == r.astype(np.float64).sum()
    assert unit.dot(v, t) == (r.astype(np.float64) * base).sum()
    # In place through a reversed view of itself: the input is read before written.
    t.copy_(t[::-1])
    np.testing.assert_array_equal(np.asarray(t), base[::-1])


def test_a_0d_tensor_views_as_ones() -> None:
    T = UNITS[0]
    t = T.tensor(np.array(5, dtype=np_dtype(T)))
    for shape in ([1], [1, 1], []):
        v = t.view(shape)
        assert v.shape == tuple(shape) and np.shares_memory(np.asarray(v), np.asarray(t))


def test_views_outlive_their_parent() -> None:
    unit = UNITS[0]
    parent, a = make(unit, (6, 7))
    expect = a[1:5:2, ::-1].T.copy()
    view = parent[1:5:2, ::-1].t()
    sel = parent.select(0, 3)
    exp = parent.narrow(1, 0, 1).expand((2, 6, 3))
    expect_exp = np.broadcast_to(a[:, :1], (2, 6, 3)).copy()
    expect_sel = a[3].copy()
    del parent, a
    gc.collect()
    junk = [unit.ones((6, 7)) for _ in range(8)]  # reuse freed memory if it was freed
    np.testing.assert_array_equal(np.asarray(view), expect)
    np.testing.assert_array_equal(np.asarray(sel), expect_sel)
    np.testing.assert_array_equal(np.asarray(exp), expect_exp)
    assert view.tolist() == expect.tolist()
    del junk


def test_views_alias_each_other() -> None:
    unit = _unit("float32") or pytest.skip("float32 not built")
    t = unit.zeros((3, 4))
    row = t.select(0, 1)
    col = t.t()[2]
    row.fill_(1)
    assert col.tolist() == [0, 1, 0]
    t[0, 0] = 5
    assert t.view((12,))[0].item() == 5
    t.unfold(1, 2, 2).select(2, 1).fill_(3)
    assert t.tolist()[2] == [0, 3, 0, 3]


# ---- errors ----------------------------------------------------------------------


INDEX_ERRORS = [
    (lambda x: x.narrow(1, 3, 4), "narrow: dim 1 start 3 length 4 is out of range for size 5"),
    (lambda x: x.narrow(0, -5, 1), "narrow: dim 0 start -5 length 1 is out of range for size 4"),
    (lambda x: x.narrow(1, 6, 0), "narrow: dim 1 start 6 length 0 is out of range for size 5"),
    (lambda x: x.narrow(1, 0, -1), "narrow: dim 1 start 0 length -1 is out of range for size 5"),
    (lambda x: x.narrow(3, 0, 1), "narrow: dim 3 is out of range for a tensor of 3 dimensions (expected -3 to 2)"),
    (lambda x: x.select(1, 5), "select: index 5 is out of range for dim 1 of size 5"),
    (lambda x: x.select(-1, -7), "select: index -7 is out of range for dim -1 of size 6"),
    (lambda x: x.select(-4, 0), "select: dim -4 is out of range for a tensor of 3 dimensions"),
    (lambda x: x.transpose(0, 3), "transpose: dim 3 is out of range"),
    (lambda x: x.permute((0, 1, 3)), "permute: dim 3 is out of range"),
    (lambda x: x.unfold(3, 1, 1), "unfold: dim 3 is out of range"),
    (lambda x: x.unfold(0, 5, 1), "unfold: size 5 is out of range for dim 0 of size 4"),
    (lambda x: x.squeeze(3), "squeeze: dim 3 is out of range"),
    (lambda x: x.unsqueeze(4), "unsqueeze: dim 4 is out of range for a tensor of 3 dimensions (expected -4 to 3)"),
    (lambda x: x.unsqueeze(-5), "unsqueeze: dim -5 is out of range"),
    (lambda x: x[4], "index 4 is out of range for dim 0 of size 4"),
    (lambda x: x[-5], "index -5 is out of range for dim 0 of size 4"),
    (lambda x: x[:, 5], "index 5 is out of range for dim 1 of size 5"),
    (lambda x: x[..., 6], "index 6 is out of range for dim 2 of size 6"),
    (lambda x: x[0, 0, 0, 0], "too many indices for a tensor of 3 dimensions"),
    (lambda x: x[0, ..., 0, None, 0, 0], "too many indices"),
    (lambda x: x[..., ...], "single ellipsis"),
    (lambda x: x[0, 0, 0].select(0, 0), "select: dim 0 is out of range for a tensor of 0 dimensions"),
]


@pytest.mark.parametrize("call,message", INDEX_ERRORS)
def test_index_errors(call: Any, message: str) -> None:
    x, _ = make(UNITS[0], (4, 5, 6))
    with pytest.raises(IndexError) as info:
        call(x)
    assert message in str(info.value)


def test_setitem_index_error() -> None:
    x, _ = make(UNITS[0], (4, 5))
    with pytest.raises(IndexError, match="index 5 is out of range for dim 1 of size 5"):
        x[0, 5] = 1


VALUE_ERRORS = [
    (lambda x: x.t(), "t: expects a tensor of at most 2 dimensions"),
    (lambda x: x.permute((0, 1)), "permute: got 2 dims"),
    (lambda x: x.permute((0, 1, 1)), "permute: dim 1 is repeated"),
    (lambda x: x.expand((4, 2, 6)), "expand: cannot expand shape (4, 5, 6) to (4, 2, 6)"),
    (lambda x: x.expand((5, 6)), "fewer dimensions"),
    (lambda x: x.view((7, -1)), "view: shape (7, -1) is invalid for 120 elements"),
    (lambda x: x.view((-1, -1)), "only one dimension can be -1"),
    (lambda x: x.transpose(0, 1).view(-1), "use reshape"),
    (lambda x: x.reshape((121,)), "reshape: shape (121,) is invalid for 120 elements"),
    (lambda x: x.unfold(0, 2, 0), "unfold: step must be positive"),
]


@pytest.mark.parametrize("call,message", VALUE_ERRORS)
def test_value_errors(call: Any, message: str) -> None:
    x, _ = make(UNITS[0], (4, 5, 6))
    with pytest.raises(ValueError) as info:
        call(x)
    assert message in str(info.value)


def test_len_and_getitem_through_the_type_slots() -> None:
    """len(t) and t[key] run from the class's own slots; they answer as the bound
    __len__ and __getitem__ do, errors included, and make tensors of the class."""
    x, a = make(UNITS[0], (4, 5))
    assert len(x) == x.__len__() == 4 and len(x[0]) == 5
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(x[0, 0])
    for key in (3, -1, slice(1, None, 2), (Ellipsis, 2), (None, 1), np.int64(2)):
        got, bound = x[key], x.__getitem__(key)
        assert type(got) is type(x) and got.shape == bound.shape == a[key].shape
        np.testing.assert_array_equal(np.asarray(got), a[key])
    for key in (9, "a"):
        with pytest.raises((IndexError, TypeError)) as slot:
            x[key]
        with pytest.raises((IndexError, TypeError)) as bound_error:
            x.__getitem__(key)
        assert type(slot.value) is type(bound_error.value) and str(slot.value) == str(bound_error.value)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.dtype)
def test_a_dead_tensor_lets_go_of_its_memory_at_once(unit: Any) -> None:
    """Tensor objects are pooled for reuse, but a dead tensor's storage is not kept:
    a tensor over a NumPy array holds the array until the tensor dies, no longer, also
    when a pooled object comes back as the next tensor."""
    a = np.zeros(16, dtype=np.dtype(unit.dtype))
    alone = sys.getrefcount(a)
    for _ in range(3):
        t = unit.from_numpy(a)
        views = [t[i] for i in range(4)] + [t[2:9], t.narrow(0, 1, 3)]
        assert sys.getrefcount(a) > alone
        del t, views
        assert sys.getrefcount(a) == alone
    recycled = [unit.zeros([2]) for _ in range(300)]  # more than a pool holds
    assert all(r.shape == (2,) and np.asarray(r).sum() == 0 for r in recycled)


def test_index_type_errors() -> None:
    x, _ = make(UNITS[0], (4, 5))
    for key in ["a", 1.5, b"ab", object(), (0, 1.5)]:  # (lists, arrays and bools: test_indexing.py)
        with pytest.raises(TypeError):
            x[key]
