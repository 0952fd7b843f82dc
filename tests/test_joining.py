"""Joining, splitting, rearranging, masks and the *_like constructors, on every
unit, against NumPy: contiguous inputs and views (transposed, strided, reversed),
sizes 0 and 1 included. Every op of those spec sections has a check here
(test_every_op_here_has_a_check)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SPEC, Unit, arrays, as_tensor, assert_same, get_unit, scalars, shapes

# Each op of the joining, rearranging and masking natives, and where it is checked.
CHECKED = {
    "empty_like": "like", "zeros_like": "like", "ones_like": "like", "full_like": "like",
    "where": "where", "masked_fill": "masked_fill", "masked_fill_": "masked_fill",
    "cat": "cat", "concat": "cat", "stack": "stack", "hstack": "stacks", "vstack": "stacks", "dstack": "stacks",
    "split": "split", "split_with_sizes": "split", "chunk": "split", "tensor_split": "split", "unbind": "split",
    "broadcast_tensors": "broadcast", "broadcast_to": "broadcast", "meshgrid": "meshgrid",
    "flip": "flip", "fliplr": "flip", "flipud": "flip", "roll": "roll", "rot90": "rot90",
    "repeat": "repeat", "tile": "repeat", "repeat_interleave": "repeat",
    "movedim": "movedim", "moveaxis": "movedim", "swapaxes": "movedim", "swapdims": "movedim",
    "narrow_copy": "slices", "unflatten": "slices", "select_scatter": "slices", "slice_scatter": "slices",
    "as_strided": "as_strided",
}
NATIVES = {"empty_like", "zeros_like", "ones_like", "full_like", "where", "masked_fill", "masked_fill_", "cat",
           "stack", "hstack", "vstack", "dstack", "split", "split_with_sizes", "chunk", "tensor_split", "unbind",
           "broadcast_tensors", "expand", "meshgrid", "flip", "fliplr", "flipud", "roll", "rot90", "repeat", "tile",
           "repeat_interleave", "movedim", "transpose", "narrow_copy", "unflatten", "select_scatter",
           "slice_scatter", "as_strided"}


def test_every_op_here_has_a_check() -> None:
    ops = [op.name for op in SPEC.ops if getattr(op.body, "name", None) in NATIVES
           and op.name not in ("expand", "transpose")]
    assert sorted(set(ops) - set(CHECKED)) == []


# ---- inputs: arrays and the same elements as views ---------------------------------------


@st.composite
def layouts(draw: st.DrawFn, u: Unit, shape: tuple[int, ...]) -> tuple[Any, np.ndarray]:
    """A tensor of `shape` and its values, laid out contiguously, transposed, or as a
    strided or reversed view of a bigger tensor."""
    kind = draw(st.sampled_from(["contiguous", "transposed", "strided", "reversed"] if shape else ["contiguous"]))
    if kind == "transposed":
        a = draw(arrays(u, shape[::-1]))
        return as_tensor(u, a).permute(list(range(len(shape)))[::-1]), a.transpose()
    if kind == "strided":
        big = draw(arrays(u, (2 * shape[0],) + shape[1:]))
        return as_tensor(u, big)[::2], big[::2]
    if kind == "reversed":
        a = draw(arrays(u, shape))
        return as_tensor(u, a)[::-1], a[::-1]
    a = draw(arrays(u, shape))
    return as_tensor(u, a), a


def _call(u: Unit, name: str, *args: Any, **kw: Any) -> Any:
    return getattr(u.T, name)(*args, **kw)


# ---- like, where, masks -------------------------------------------------------------------


@given(data=st.data())
def test_like(u: Unit, data: st.DataObject) -> None:
    t, a = data.draw(layouts(u, data.draw(shapes(max_dims=3))))
    assert u.T.empty_like(t).shape == a.shape
    assert_same(u.T.zeros_like(t), np.zeros_like(a), u)
    assert_same(u.T.ones_like(t), np.ones_like(a), u)
    v = data.draw(scalars(u))
    assert_same(t.full_like(v), np.full_like(a, v), u)
    if a.ndim == 2 and a.shape[0] > 1 and a.shape[1] > 1 and not a.flags.c_contiguous and a.flags.f_contiguous:
        assert u.T.zeros_like(t).strides == t.strides  # a transpose's dim order is kept


@given(data=st.data())
def test_where(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    t, a = data.draw(layouts(u, shape))
    other = data.draw(arrays(u, shape[-1:] if shape else ()))  # broadcast
    cond = data.draw(arrays(_bool_unit(), shape))
    got = u.T.where(_bool_unit().T.tensor(cond), t, as_tensor(u, other))
    assert_same(got, np.where(cond, a, other), u)


@given(data=st.data())
def test_masked_fill(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    t, a = data.draw(layouts(u, shape))
    mask = data.draw(arrays(_bool_unit(), shape[1:] if shape else ()))
    v = data.draw(scalars(u))
    m = _bool_unit().T.tensor(mask)
    assert_same(t.masked_fill(m, v), np.where(mask, v, a), u)
    expected = np.where(mask, v, a)
    t.masked_fill_(m, v)
    assert_same(t, expected, u)


def test_masked_fill_errors(u: Unit) -> None:
    t = u.T.zeros(3)
    with pytest.raises(ValueError, match=r"mask of shape \(2, 3\) does not broadcast to self's shape \(3,\)"):
        t.masked_fill_(_bool_unit().T.ones((2, 3)), 1)
    with pytest.raises(ValueError, match="overlapping|twice|more than one"):
        u.T.zeros(1).expand([3]).masked_fill_(_bool_unit().T.ones(3), 1)
    with pytest.raises(ValueError, match=r"shapes do not broadcast: \(2,\) \(3,\) \(3,\)"):
        u.T.where(_bool_unit().T.ones(2), t, t)


def _bool_unit() -> Unit:
    return get_unit("bool")


# ---- joining --------------------------------------------------------------------------------


@given(data=st.data())
def test_cat(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3).filter(len))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    parts = []
    for _ in range(data.draw(st.integers(1, 4))):
        s = list(shape)
        s[dim] = data.draw(st.integers(0, 3))
        parts.append(data.draw(layouts(u, tuple(s))))
    expected = np.concatenate([a for _, a in parts], axis=dim)
    assert_same(u.T.cat([t for t, _ in parts], dim), expected, u)
    assert_same(u.T.concat([t for t, _ in parts], dim=dim), expected, u)


def test_cat_skips_empty_1d_and_names_misfits(u: Unit) -> None:
    x = u.T.ones((2, 3))
    assert u.T.cat([u.T.empty(0), x, u.T.empty(0)], 1).shape == (2, 3)
    with pytest.raises(ValueError, match=r"cat: tensor 1 has shape \(2, 4\), which does not fit tensor 0's \(2, 3\)"):
        u.T.cat([x, u.T.ones((2, 4))], 0)
    with pytest.raises(ValueError, match="non-empty list"):
        u.T.cat([], 0)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        u.T.cat([x], 2)


@given(data=st.data())
def test_stack(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    parts = [data.draw(layouts(u, shape)) for _ in range(data.draw(st.integers(1, 3)))]
    assert_same(u.T.stack([t for t, _ in parts], dim), np.stack([a for _, a in parts], axis=dim), u)


def test_stack_needs_one_shape(u: Unit) -> None:
    with pytest.raises(ValueError, match=r"stack: tensor 1 has shape \(3,\), not tensor 0's \(2,\)"):
        u.T.stack([u.T.ones(2), u.T.ones(3)])


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack"])
@given(data=st.data())
def test_stacks(u: Unit, name: str, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    parts = [data.draw(layouts(u, shape)) for _ in range(data.draw(st.integers(1, 3)))]
    expected = getattr(np, name)([a for _, a in parts])
    assert_same(_call(u, name, [t for t, _ in parts]), expected, u)


# ---- splitting (views) -----------------------------------------------------------------------


def _assert_views(got: list[Any], expected: list[np.ndarray], base: Any, u: Unit) -> None:
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert_same(g, e, u)
        if g.numel():
            assert np.shares_memory(np.asarray(g), np.asarray(base))


@given(data=st.data())
def test_split(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3, max_side=6).filter(len))
    t, a = data.draw(layouts(u, shape))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    size = data.draw(st.integers(1, 4))
    cuts = list(range(size, n, size))
    _assert_views(t.split(size, dim), np.split(a, cuts, axis=dim) if n else [a], t, u)
    sizes = data.draw(st.lists(st.integers(0, 3), max_size=4).filter(lambda s: sum(s) <= n))
    sizes.append(n - sum(sizes))
    _assert_views(t.split_with_sizes(sizes, dim), np.split(a, np.cumsum(sizes)[:-1], axis=dim), t, u)
    chunks = data.draw(st.integers(1, 5))
    each = -(-n // chunks)
    expected = np.split(a, list(range(each, n, each)), axis=dim) if n else [a] * chunks
    _assert_views(t.chunk(chunks, dim), expected, t, u)
    _assert_views(t.tensor_split(chunks, dim), np.array_split(a, chunks, axis=dim), t, u)
    _assert_views(t.unbind(dim), [np.take(a, i, axis=dim) for i in range(n)], t, u)


def test_split_errors(u: Unit) -> None:
    t = u.T.ones(5)
    with pytest.raises(ValueError, match=r"split sizes add up to 4, not dim 0's size 5"):
        t.split_with_sizes([1, 3])
    with pytest.raises(ValueError, match="split_size 0 must be positive"):
        t.split(0)
    with pytest.raises(ValueError, match="chunks 0 must be positive"):
        t.chunk(0)


@given(data=st.data())
def test_broadcast(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    t, a = data.draw(layouts(u, shape))
    other = data.draw(arrays(u, (2,) + tuple(1 if s == 1 else s for s in shape)))
    got = u.T.broadcast_tensors([t, as_tensor(u, other)])
    for g, e in zip(got, np.broadcast_arrays(a, other)):
        assert_same(g, e, u)
    assert_same(t.broadcast_to((3,) + shape), np.broadcast_to(a, (3,) + shape), u)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
@given(data=st.data())
def test_meshgrid(u: Unit, indexing: str, data: st.DataObject) -> None:
    parts = [data.draw(layouts(u, (data.draw(st.integers(0, 3)),))) for _ in range(data.draw(st.integers(1, 3)))]
    got = u.T.meshgrid([t for t, _ in parts], indexing=indexing)
    for g, e in zip(got, np.meshgrid(*[a for _, a in parts], indexing=indexing)):
        assert_same(g, e, u)
    with pytest.raises(ValueError, match="indexing must be 'ij' or 'xy'"):
        u.T.meshgrid([parts[0][0]], indexing="ji")


# ---- rearranging -------------------------------------------------------------------------


@given(data=st.data())
def test_flip(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    t, a = data.draw(layouts(u, shape))
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True)) if shape else []
    assert_same(t.flip(dims), np.flip(a, tuple(dims)) if dims else a, u)
    if len(shape) >= 2:
        assert_same(t.fliplr(), np.fliplr(a), u)
    if shape:
        assert_same(t.flipud(), np.flipud(a), u)
    with pytest.raises(ValueError, match="appears twice"):
        u.T.ones((2, 2)).flip([0, -2])


@given(data=st.data())
def test_roll(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    t, a = data.draw(layouts(u, shape))
    shift = data.draw(st.integers(-7, 7))
    assert_same(t.roll([shift]), np.roll(a, shift), u)
    if shape:
        dims = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=3))
        shifts = data.draw(st.lists(st.integers(-7, 7), min_size=len(dims), max_size=len(dims)))
        assert_same(t.roll(shifts, dims), np.roll(a, shifts, axis=dims), u)


@given(data=st.data())
def test_rot90(u: Unit, data: st.DataObject) -> None:
    shape = tuple(data.draw(st.lists(st.integers(0, 4), min_size=2, max_size=3)))
    t, a = data.draw(layouts(u, shape))
    k = data.draw(st.integers(-5, 5))
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2, unique=True))
    assert_same(t.rot90(k, dims), np.rot90(a, k, axes=dims), u)


@given(data=st.data())
def test_repeat(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3))
    t, a = data.draw(layouts(u, shape))
    reps = data.draw(st.lists(st.integers(0, 3), min_size=len(shape), max_size=len(shape) + 2))
    assert_same(t.repeat(reps), np.tile(a, reps), u)
    few = reps[: data.draw(st.integers(0, len(reps)))]
    assert_same(t.tile(few), np.tile(a, few), u)
    r = data.draw(st.integers(0, 3))
    assert_same(t.repeat_interleave(r), np.repeat(a, r), u)
    if shape:
        dim = data.draw(st.integers(-len(shape), len(shape) - 1))
        assert_same(t.repeat_interleave(r, dim), np.repeat(a, r, axis=dim), u)
    with pytest.raises(ValueError, match="at least as many"):
        u.T.ones((2, 2)).repeat([2])


@given(data=st.data())
def test_movedim(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=4).filter(len))
    t, a = data.draw(layouts(u, shape))
    n = len(shape)
    k = data.draw(st.integers(1, n))
    src = data.draw(st.permutations(range(n)))[:k]
    dst = data.draw(st.permutations(range(n)))[:k]
    for name in ("movedim", "moveaxis"):
        got = getattr(t, name)(src, dst)
        assert_same(got, np.moveaxis(a, src, dst), u)
    i, j = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    assert_same(t.swapaxes(i, j), np.swapaxes(a, i, j), u)
    assert_same(t.swapdims(i, j), np.swapaxes(a, i, j), u)


@given(data=st.data())
def test_slices(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=3).filter(len))
    t, a = data.draw(layouts(u, shape))
    dim = data.draw(st.integers(0, len(shape) - 1))
    n = shape[dim]
    start = data.draw(st.integers(0, n))
    length = data.draw(st.integers(0, n - start))
    c = t.narrow_copy(dim, start, length)
    assert_same(c, np.take(a, range(start, start + length), axis=dim), u)
    assert c.is_contiguous()
    assert_same(t.unflatten(dim, [1, n, 1]), a.reshape(shape[:dim] + (1, n, 1) + shape[dim + 1:]), u)
    if n:
        i = data.draw(st.integers(-n, n - 1))
        src = data.draw(arrays(u, shape[:dim] + shape[dim + 1:]))
        e = a.copy()
        e[(slice(None),) * dim + (i,)] = src
        assert_same(t.select_scatter(as_tensor(u, src), dim, i), e, u)
    lo, hi = data.draw(st.one_of(st.none(), st.integers(-n - 1, n + 1))), data.draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
    step = data.draw(st.integers(1, 3))
    key = (slice(None),) * dim + (slice(lo, hi, step),)
    src = data.draw(arrays(u, a[key].shape))
    e = a.copy()
    e[key] = src
    assert_same(t.slice_scatter(as_tensor(u, src), dim, lo, hi, step), e, u)


def test_as_strided(u: Unit) -> None:
    a = np.arange(12).astype(u.np_dtype)
    t = as_tensor(u, a)
    got = t.as_strided([3, 3], [3, 1], 1)
    assert_same(got, np.lib.stride_tricks.as_strided(a[1:], (3, 3), (3 * a.itemsize, a.itemsize)), u)
    assert np.shares_memory(np.asarray(got), np.asarray(t))
    assert t.as_strided([0, 5], [100, 100]).shape == (0, 5)
    with pytest.raises(IndexError, match=r"reach elements 3 to 12, outside the 12 elements"):
        t.as_strided([4, 4], [3, 0], 3)
    with pytest.raises(ValueError, match="negative"):
        t.as_strided([2], [-1])
    # memory satchel did not allocate: bounded by what self sees
    v = u.T.from_numpy(a[2:6].copy())
    with pytest.raises(IndexError, match="outside the"):
        v.as_strided([5], [1], 0)
