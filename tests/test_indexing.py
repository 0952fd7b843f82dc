"""Index tensors and masks: the natives (index_select, gather, scatter, scatter_add,
index_add, index_fill, index_copy, take, take_along_dim, masked_select, nonzero,
argwhere and their in-place forms) against torch's semantics, and Python's
advanced indexing (t[idx], t[mask], t[key] = value) against NumPy's.

Inputs are often views (transposed, stepped, reversed), sizes include 0 and 1,
indices repeat and count from the end where the op allows it. Floats are small
integers (exact in every dtype, also when they add up), with NaN and -0.0 where
only positions matter.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from conftest import SPEC, UNITS, Unit, as_tensor, elements, to_numpy, units_where
from hypothesis import given
from hypothesis import strategies as st

import satchel
from satchel.codegen.model import Native
from satchel.codegen.signature import TensorType
from test_joining import CHECKED as JOINING_OPS
from test_sorting import SORTING_OPS
from test_decompositions import DECOMPOSITION_OPS

# Every op here (tests/test_linalg.py leaves natives of two tensors that are these to this file).
INDEX_OPS = {"index_select", "gather", "scatter", "scatter_", "scatter_value", "scatter_value_", "scatter_add",
             "scatter_add_", "index_add", "index_add_", "index_fill", "index_fill_", "index_copy", "index_copy_",
             "take", "take_along_dim", "masked_select", "nonzero", "argwhere"}


def _takes_or_gives_index(op: Any) -> bool:
    types = [a.type for a in op.sig.args] + [r.type for r in op.sig.returns]
    return any(isinstance(t, TensorType) and t.dtype in ("int64", "bool") for t in types)


def test_every_index_op_has_a_test() -> None:
    """A native that takes or returns index tensors or masks needs a case here, but those
    with theirs in test_sorting.py, test_joining.py (where, masked_fill), test_random.py and
    test_decompositions.py."""
    random_ops = {op.name for op in SPEC.ops if "Generator" in str(op.sig)}
    elsewhere = SORTING_OPS | set(JOINING_OPS) | random_ops | DECOMPOSITION_OPS
    declared = {op.name for op in SPEC.ops
                if isinstance(op.body, Native) and _takes_or_gives_index(op) and op.name not in elsewhere}
    assert declared <= INDEX_OPS, f"ops without a test: {sorted(declared - INDEX_OPS)}"
    assert INDEX_OPS <= declared | {op.name for op in SPEC.ops}


LONG = satchel.cpu.int64 if "cpu.int64" in satchel.units("cpu") else None
BOOL = satchel.cpu.bool if "cpu.bool" in satchel.units("cpu") else None
needs_index_units = pytest.mark.skipif(LONG is None or BOOL is None, reason="the int64 and bool units are not built")
UNIT_IDS = {"ids": lambda u: u.dtype.name}
ALL = pytest.mark.parametrize("u", UNITS, **UNIT_IDS)


def small(u: Unit) -> st.SearchStrategy[Any]:
    """Values exact in every dtype and in sums of a few of them."""
    if u.is_bool:
        return st.booleans()
    if u.is_float:
        return st.integers(-8, 8).map(float)
    lo = 0 if u.np_dtype.kind == "u" else -8
    return st.integers(lo, 8)


def values(u: Unit, shape: tuple[int, ...], draw: st.DrawFn) -> np.ndarray:
    return np.array(draw(st.lists(small(u), min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))),
                    dtype=u.np_dtype).reshape(shape)


def laid_out(u: Unit, a: np.ndarray, kind: str) -> Any:
    """A tensor of a's values: contiguous, or a transposed, stepped or reversed view."""
    if kind == "t" and a.ndim >= 2:
        return as_tensor(u, np.ascontiguousarray(np.swapaxes(a, 0, -1))).transpose(0, a.ndim - 1)
    if kind == "step" and a.ndim >= 1:
        wide = np.repeat(a, 2, axis=-1)
        return as_tensor(u, wide)[..., ::2]
    if kind == "flip" and a.ndim >= 1:
        return as_tensor(u, np.ascontiguousarray(a[..., ::-1]))[..., ::-1]
    return as_tensor(u, a)


LAYOUTS = st.sampled_from(["plain", "t", "step", "flip"])


def long_tensor(a: np.ndarray, kind: str = "plain") -> Any:
    assert LONG is not None
    return laid_out(_long_unit(), np.asarray(a, dtype=np.int64), kind)


def _long_unit() -> Unit:
    return next(v for v in UNITS if v.dtype.name == "int64")


def t_of(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(a, copy=True, order="C"))


def same(got: Any, want: torch.Tensor, u: Unit) -> None:
    g = to_numpy(got)
    w = want.numpy()
    assert g.shape == w.shape, (g.shape, w.shape)
    np.testing.assert_array_equal(g, w.astype(u.np_dtype))


@st.composite
def self_and_dim(draw: st.DrawFn, u: Unit, min_dims: int = 1) -> tuple[np.ndarray, Any, int]:
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=min_dims, max_size=3)))
    a = values(u, shape, draw)
    x = laid_out(u, a, draw(LAYOUTS))
    dim = draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    return a, x, dim


def _indices(draw: st.DrawFn, shape: tuple[int, ...], size: int, negative: bool = False) -> np.ndarray:
    n = int(np.prod(shape))
    if size == 0:
        assert n == 0
        return np.zeros(shape, dtype=np.int64)
    lo = -size if negative else 0
    return np.array(draw(st.lists(st.integers(lo, size - 1), min_size=n, max_size=n)), dtype=np.int64).reshape(shape)


# ---- dim-wise: index_select, index_add, index_fill, index_copy ------------------------------------


@needs_index_units
@ALL
@given(data=st.data())
def test_index_select(u: Unit, data: st.DataObject) -> None:
    a, x, dim = data.draw(self_and_dim(u, 0))
    size = a.shape[dim] if a.ndim else 1
    n = data.draw(st.integers(0, 5)) if size else 0
    if a.ndim == 0:
        n = 1
    idx = _indices(data.draw, (n,), size)
    got = u.T.index_select(x, dim, long_tensor(idx, data.draw(st.sampled_from(["plain", "flip"]))))
    same(got, torch.index_select(t_of(a), dim, t_of(idx)), u)
    same(x.index_select(dim, long_tensor(idx)), torch.index_select(t_of(a), dim, t_of(idx)), u)


@needs_index_units
@ALL
@given(data=st.data())
def test_index_add_fill_copy(u: Unit, data: st.DataObject) -> None:
    a, x, dim = data.draw(self_and_dim(u))
    size = a.shape[dim]
    n = data.draw(st.integers(0, 5)) if size else 0
    idx = _indices(data.draw, (n,), size)  # repeats: index_add adds them all
    src_shape = list(a.shape)
    src_shape[dim] = n
    s = values(u, tuple(src_shape), data.draw)
    alpha = data.draw(small(u))
    want = t_of(a).index_add(dim, t_of(idx), t_of(s), alpha=alpha)
    same(u.T.index_add(x, dim, long_tensor(idx), laid_out(u, s, data.draw(LAYOUTS)), alpha=alpha), want, u)
    same(x, t_of(a), u)  # the copy left self alone
    inplace = laid_out(u, a, "t")
    assert inplace.index_add_(dim, long_tensor(idx), as_tensor(u, s), alpha=alpha) is inplace
    same(inplace, want, u)

    fill = data.draw(small(u))
    fidx = _indices(data.draw, (n,), size, negative=True)  # index_fill counts from the end
    same(u.T.index_fill(x, dim, long_tensor(fidx), fill), t_of(a).index_fill(dim, t_of(fidx), fill), u)
    y = laid_out(u, a, "step")
    y.index_fill_(dim, long_tensor(fidx), fill)
    same(y, t_of(a).index_fill(dim, t_of(fidx), fill), u)

    uniq = np.array(data.draw(st.permutations(range(size))), dtype=np.int64)[:n]  # copy: no repeats
    src_shape[dim] = uniq.size
    s = values(u, tuple(src_shape), data.draw)
    want = t_of(a).index_copy(dim, t_of(uniq), t_of(s))
    same(u.T.index_copy(x, dim, long_tensor(uniq), laid_out(u, s, data.draw(LAYOUTS))), want, u)
    z = laid_out(u, a, "flip")
    z.index_copy_(dim, long_tensor(uniq), as_tensor(u, s))
    same(z, want, u)


# ---- element-wise along a dim: gather, scatter, scatter_add, take_along_dim --------------------------


@st.composite
def along(draw: st.DrawFn, u: Unit, src: bool) -> tuple[np.ndarray, Any, int, np.ndarray, np.ndarray | None]:
    """self, dim, an index of self's dims no larger than self but along dim, and src (as large as index or larger)."""
    a, x, dim = draw(self_and_dim(u))
    d = dim % a.ndim
    shape = tuple(draw(st.integers(0, a.shape[k])) if k != d else draw(st.integers(0, 4)) for k in range(a.ndim))
    if a.shape[d] == 0:
        shape = tuple(0 if k == d else s for k, s in enumerate(shape))
    idx = _indices(draw, shape, a.shape[d])
    s = None
    if src:
        grow = tuple(s + draw(st.integers(0, 1)) for s in shape)
        s = values(u, grow, draw)
    return a, x, dim, idx, s


@needs_index_units
@ALL
@given(data=st.data())
def test_gather(u: Unit, data: st.DataObject) -> None:
    a, x, dim, idx, _ = data.draw(along(u, False))
    want = torch.gather(t_of(a), dim, t_of(idx))
    same(u.T.gather(x, dim, long_tensor(idx, data.draw(LAYOUTS))), want, u)
    # NumPy's take_along_axis says the same where the index has self's shape but along dim
    if all(i == s for k, (i, s) in enumerate(zip(idx.shape, a.shape)) if k != dim % a.ndim):
        np.testing.assert_array_equal(to_numpy(x.gather(dim, long_tensor(idx))), np.take_along_axis(a, idx, dim))


@needs_index_units
@ALL
@given(data=st.data())
def test_scatter_add_with_repeats(u: Unit, data: st.DataObject) -> None:
    a, x, dim, idx, s = data.draw(along(u, True))
    assert s is not None
    want = t_of(a).scatter_add(dim, t_of(idx), t_of(s))
    same(u.T.scatter_add(x, dim, long_tensor(idx), laid_out(u, s, data.draw(LAYOUTS))), want, u)
    y = laid_out(u, a, data.draw(LAYOUTS))
    assert y.scatter_add_(dim, long_tensor(idx), as_tensor(u, s)) is y
    same(y, want, u)


@needs_index_units
@ALL
@given(data=st.data())
def test_scatter_and_scatter_value(u: Unit, data: st.DataObject) -> None:
    a, x, dim, idx, s = data.draw(along(u, True))
    assert s is not None
    d = dim % a.ndim
    # Repeats along dim leave an unspecified one of the values (torch's rule too): none here,
    # each line along dim a prefix of a permutation.
    k = min(idx.shape[d], a.shape[d])
    others = [n for j, n in enumerate(idx.shape) if j != d]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    lines = np.argsort(rng.random(others + [a.shape[d]]), axis=-1)[..., :k]
    idx = np.ascontiguousarray(np.moveaxis(lines, -1, d)).astype(np.int64)
    want = t_of(a).scatter(dim, t_of(idx), t_of(s))
    same(u.T.scatter(x, dim, long_tensor(idx), laid_out(u, s, data.draw(LAYOUTS))), want, u)
    y = laid_out(u, a, data.draw(LAYOUTS))
    y.scatter_(dim, long_tensor(idx), as_tensor(u, s))
    same(y, want, u)
    v = data.draw(small(u))
    want = t_of(a).scatter(dim, t_of(idx), v)
    same(u.T.scatter_value(x, dim, long_tensor(idx), v), want, u)
    z = laid_out(u, a, "flip")
    z.scatter_value_(dim, long_tensor(idx), v)
    same(z, want, u)


@needs_index_units
@ALL
@given(data=st.data())
def test_take_and_take_along_dim(u: Unit, data: st.DataObject) -> None:
    a, x, _ = data.draw(self_and_dim(u, 0))
    ishape = tuple(data.draw(st.lists(st.integers(0, 3), max_size=2))) if a.size else (0,)
    idx = _indices(data.draw, ishape, a.size, negative=True)
    same(u.T.take(x, long_tensor(idx, data.draw(LAYOUTS))), torch.take(t_of(a), t_of(idx)), u)
    flat = np.where(idx < 0, idx + a.size, idx)  # torch refuses negatives without dim (its gather); satchel counts them
    same(u.T.take_along_dim(x, long_tensor(idx)), torch.take_along_dim(t_of(a), t_of(flat)), u)
    if a.ndim:
        dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
        d = dim % a.ndim
        # indices broadcast with self but along dim: each other dim 1 or self's
        shape = tuple(data.draw(st.sampled_from([1, s])) if k != d else data.draw(st.integers(0, 3))
                      for k, s in enumerate(a.shape))
        if a.shape[d] == 0:
            shape = tuple(0 if k == d else s for k, s in enumerate(shape))
        j = _indices(data.draw, shape, a.shape[d], negative=True)
        want = torch.take_along_dim(t_of(a), t_of(j), dim)
        same(x.take_along_dim(long_tensor(j), dim), want, u)


# ---- masks and positions: masked_select, nonzero, argwhere -------------------------------------------


@needs_index_units
@ALL
@given(data=st.data())
def test_masked_select(u: Unit, data: st.DataObject) -> None:
    a, x, _ = data.draw(self_and_dim(u, 0))
    mshape = tuple(data.draw(st.sampled_from([1, s])) for s in a.shape)  # broadcasts to self
    m = np.array(data.draw(st.lists(st.booleans(), min_size=int(np.prod(mshape)), max_size=int(np.prod(mshape)))),
                 dtype=bool).reshape(mshape)
    mask = laid_out(next(v for v in UNITS if v.is_bool), m, data.draw(LAYOUTS))
    same(u.T.masked_select(x, mask), torch.masked_select(t_of(a), t_of(m)), u)


@needs_index_units
@ALL
@given(data=st.data())
def test_nonzero_and_argwhere(u: Unit, data: st.DataObject) -> None:
    shape = tuple(data.draw(st.lists(st.integers(0, 4), max_size=3)))
    special = st.sampled_from([0.0, -0.0, float("nan"), float("inf"), 1.0]) if u.is_float else small(u)
    a = np.array(data.draw(st.lists(special, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))),
                 dtype=u.np_dtype).reshape(shape)
    x = laid_out(u, a, data.draw(LAYOUTS))
    want = np.argwhere(a)
    for got in (u.T.nonzero(x), x.argwhere()):
        assert got.dtype == "int64" and got.shape == want.shape
        np.testing.assert_array_equal(to_numpy(got), want)
    np.testing.assert_array_equal(to_numpy(x.nonzero()), torch.nonzero(t_of(a)).numpy())


# ---- bad input: IndexError naming index, dim and size; nothing written ---------------------------------


@needs_index_units
@pytest.mark.parametrize("u", units_where(lambda u: not u.is_bool), **UNIT_IDS)
def test_index_out_of_range_writes_nothing(u: Unit) -> None:
    a = np.arange(12).reshape(3, 4).astype(u.np_dtype)
    cases = [
        (lambda x: x.index_select(0, long_tensor(np.array([1, 3]))), "index_select: index 3 is out of range for dim 0 of size 3"),
        (lambda x: x.index_select(1, long_tensor(np.array([-1]))), "index -1 is out of range for dim 1 of size 4"),
        (lambda x: x.gather(1, long_tensor(np.array([[0, 4]]))), "gather: index 4 is out of range for dim 1 of size 4"),
        (lambda x: x.scatter_(0, long_tensor(np.array([[1, 7]])), as_tensor(u, a)), "scatter_: index 7 is out of range for dim 0 of size 3"),
        (lambda x: x.scatter_add_(0, long_tensor(np.array([[0, -1]])), as_tensor(u, a)), "index -1 is out of range for dim 0"),
        (lambda x: x.scatter_value_(1, long_tensor(np.array([[5]])), 1), "index 5 is out of range for dim 1 of size 4"),
        (lambda x: x.index_add_(0, long_tensor(np.array([0, 3])), as_tensor(u, a[:2])), "index 3 is out of range for dim 0 of size 3"),
        (lambda x: x.index_fill_(1, long_tensor(np.array([0, -5])), 1), "index -5 is out of range for dim 1 of size 4"),
        (lambda x: x.index_copy_(0, long_tensor(np.array([2, 9])), as_tensor(u, a[:2])), "index 9 is out of range for dim 0 of size 3"),
        (lambda x: x.take(long_tensor(np.array([0, 12]))), "take: index 12 is out of range for dim 0 of size 12"),
        (lambda x: x.take(long_tensor(np.array([-13]))), "index -13 is out of range"),
        (lambda x: x.take_along_dim(long_tensor(np.array([[3]])), 0), "index 3 is out of range for dim 0 of size 3"),
        (lambda x: x.index_select(2, long_tensor(np.array([0]))), "index_select: dim 2 is out of range for a tensor of 2 dimensions"),
    ]
    for call, message in cases:
        x = as_tensor(u, a)
        with pytest.raises(IndexError) as info:
            call(x)
        assert message in str(info.value)
        np.testing.assert_array_equal(to_numpy(x), a)  # checked before anything was written


@needs_index_units
def test_shape_errors_are_value_errors() -> None:
    u = UNITS[0]
    a = np.zeros((3, 4), dtype=u.np_dtype)
    x = as_tensor(u, a)
    cases = [
        (lambda: x.index_select(0, long_tensor(np.zeros((2, 2)))), "index_select: index must be a vector"),
        (lambda: x.gather(0, long_tensor(np.zeros(2))), "gather: index must have as many dims as self (2)"),
        (lambda: x.gather(0, long_tensor(np.zeros((1, 5)))), "is larger than self (3, 4) in dim 1"),
        (lambda: x.scatter(0, long_tensor(np.zeros((2, 2))), as_tensor(u, a[:1])), "is larger than src (1, 4) in dim 0"),
        (lambda: x.index_add(0, long_tensor(np.zeros(2)), as_tensor(u, a)), "index_add_: source must have shape (2, 4)"),
        (lambda: x.masked_select(BOOL.zeros([2])), "(3, 4)"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError) as info:
            call()
        assert message in str(info.value)


@needs_index_units
@ALL
def test_in_place_scatter_into_an_expanded_view_raises(u: Unit) -> None:
    x = u.T.zeros([1, 4]).expand([3, 4])
    one = u.T.ones([3, 4])
    index = long_tensor(np.zeros((3, 4)))
    for call in (lambda: x.scatter_(0, index, one), lambda: x.scatter_add_(0, index, one),
                 lambda: x.scatter_value_(0, index, 1), lambda: x.index_fill_(0, long_tensor(np.array([0])), 1),
                 lambda: x.index_copy_(1, long_tensor(np.arange(4)), one)):
        with pytest.raises(ValueError, match="more than one element of the written-to tensor"):
            call()
    np.testing.assert_array_equal(to_numpy(x), np.zeros((3, 4)))


@needs_index_units
def test_a_source_that_overlaps_self_is_read_before_it_is_written() -> None:
    u = next(v for v in UNITS if v.is_float) if any(v.is_float for v in UNITS) else UNITS[0]
    a = np.arange(6).astype(u.np_dtype)
    x = as_tensor(u, a)
    x.index_copy_(0, long_tensor(np.arange(6)), x.flip(0) if hasattr(x, "flip") else x[::-1])
    np.testing.assert_array_equal(to_numpy(x), a[::-1])


# ---- Python's advanced indexing against NumPy's --------------------------------------------------------


def _index_forms(u_long: Unit, a: np.ndarray, draw: st.DrawFn) -> Any:
    """An integer index array as one of the forms a key takes: NumPy (int64, int32, uint8), list, tensor."""
    forms = ["np64", "np32", "list", "tensor", "tensor_t"]
    if a.size and a.min() >= 0 and a.max() < 256:
        forms.append("npu8")
        if any(v.dtype.name == "uint8" for v in UNITS):
            forms.append("tensor_u8")
    form = draw(st.sampled_from(forms))
    if form == "np64":
        return a
    if form == "np32":
        return a.astype(np.int32)
    if form == "npu8":
        return a.astype(np.uint8)
    if form == "list":
        return a.tolist()
    if form == "tensor_u8":
        return as_tensor(next(v for v in UNITS if v.dtype.name == "uint8"), a.astype(np.uint8))
    return long_tensor(a, "t" if form == "tensor_t" else "plain")


def _mask_forms(m: np.ndarray, draw: st.DrawFn) -> Any:
    form = draw(st.sampled_from(["np", "tensor", "list"]))
    if form == "np":
        return m
    if form == "list" and m.ndim:
        return m.tolist()
    return as_tensor(next(v for v in UNITS if v.is_bool), m)


def _numpy_key(key: Any) -> Any:
    """The same key for NumPy: tensors as arrays."""
    def one(k: Any) -> Any:
        return np.asarray(k) if hasattr(k, "shape") and not isinstance(k, np.ndarray) else k
    return tuple(one(k) for k in key) if isinstance(key, tuple) else one(key)


@st.composite
def fancy_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """A key with integer arrays (broadcast together) or one mask, among ints, slices, None and `...`."""
    nd = len(shape)
    lu = _long_unit()
    items: list[Any] = []
    bshape = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    have_mask = False
    d = 0
    dims = draw(st.integers(0, nd))
    ellipsis_at = draw(st.integers(0, dims)) if draw(st.booleans()) else None
    skip = nd - dims
    while d < nd - (skip if ellipsis_at is not None else 0) and len(items) < 6:
        if ellipsis_at is not None and len(items) == ellipsis_at:
            items.append(Ellipsis)
            d += skip
            ellipsis_at = None
            continue
        if draw(st.integers(0, 5)) == 0:
            items.append(None)
            continue
        size = shape[d]
        choices = ["slice", "array", "array"] + (["int"] if size else [])
        if not have_mask:
            choices.append("mask")
        kind = draw(st.sampled_from(choices))
        if kind == "int":
            items.append(draw(st.integers(-size, size - 1)))
            d += 1
        elif kind == "slice":
            items.append(slice(draw(st.none() | st.integers(-5, 5)), draw(st.none() | st.integers(-5, 5)),
                               draw(st.none() | st.sampled_from([1, 2, -1, -2]))))
            d += 1
        elif kind == "mask":
            k = draw(st.integers(1, min(2, nd - d)))
            mshape = shape[d:d + k]
            m = np.array(draw(st.lists(st.booleans(), min_size=int(np.prod(mshape)), max_size=int(np.prod(mshape)))),
                         dtype=bool).reshape(mshape)
            if bshape not in ((), (1,), (int(m.sum()),)):  # arrays beside a mask broadcast with its count
                bshape = (1,)
            have_mask = True
            items.append(_mask_forms(m, draw))
            d += k
        else:
            if size == 0 and int(np.prod(bshape)) != 0:
                items.append(slice(None))
                d += 1
                continue
            ashape = tuple(draw(st.sampled_from([1, b])) for b in bshape[draw(st.integers(0, len(bshape))):])
            a = _indices(draw, ashape, size, negative=True) if size else np.zeros(ashape, dtype=np.int64)
            items.append(_index_forms(lu, a, draw))
            d += 1
    if len(items) == 1 and draw(st.booleans()):
        return items[0]
    return tuple(items)


def _expect_index(a: np.ndarray, key: Any) -> tuple[np.ndarray | None, type | None]:
    try:
        return a[_numpy_key(key)], None
    except (IndexError, ValueError, TypeError) as e:
        return None, type(e)


@needs_index_units
@ALL
@given(data=st.data())
def test_getitem_matches_numpy(u: Unit, data: st.DataObject) -> None:
    shape = tuple(data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=4)))
    a = values(u, shape, data.draw)
    x = laid_out(u, a, data.draw(LAYOUTS))
    key = data.draw(fancy_keys(shape))
    want, error = _expect_index(a, key)
    if error is not None:
        with pytest.raises((IndexError, ValueError, TypeError)):
            x[key]
        return
    got = x[key]
    assert got.shape == want.shape, (key, got.shape, want.shape)
    np.testing.assert_array_equal(to_numpy(got), want)


@needs_index_units
@ALL
@given(data=st.data())
def test_setitem_matches_numpy(u: Unit, data: st.DataObject) -> None:
    shape = tuple(data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=3)))
    a = values(u, shape, data.draw)
    key = data.draw(fancy_keys(shape))
    target, error = _expect_index(a, key)
    if error is not None or target is None:
        return
    # Repeated positions keep one of their values (NumPy: the last); compare only keys without repeats.
    positions = np.arange(a.size).reshape(a.shape)[_numpy_key(key)]
    if np.unique(positions).size != positions.size:
        return
    vshape = tuple(data.draw(st.sampled_from([1, s])) for s in target.shape[data.draw(st.integers(0, target.ndim)):])
    if data.draw(st.booleans()):
        v = values(u, vshape, data.draw)
        value: Any = laid_out(u, v, data.draw(LAYOUTS))
    else:
        v = np.array(data.draw(small(u)), dtype=u.np_dtype)
        value = v.item()
    want = a.copy()
    want[_numpy_key(key)] = v
    x = laid_out(u, a, data.draw(LAYOUTS))
    x[key] = value
    np.testing.assert_array_equal(to_numpy(x), want)


@needs_index_units
def test_advanced_indexing_cases() -> None:
    u = UNITS[0]
    a = np.arange(60).reshape(3, 4, 5).astype(u.np_dtype)
    x = as_tensor(u, a)
    i, j = np.array([2, 0, -1]), np.array([[1], [3]])
    keys = [
        i, [0, 0, 2], (i, slice(None), 0), (slice(None), j, i), (0, slice(None), i), (i, slice(1, 3), j),
        (Ellipsis, i), (None, i, None), a > 30, (a[:, :, 0] > 20), (slice(None), a[0] % 2 == 0), True, False,
        (True, 1), (i, Ellipsis, None), long_tensor(np.array([1, 1])), [True, False, True],
        (np.array(1), slice(None)), np.zeros((0,), dtype=np.int64), [],
    ]
    for key in keys:
        want = a[_numpy_key(key)]
        got = x[key]
        assert got.shape == want.shape, (key, got.shape, want.shape)
        np.testing.assert_array_equal(to_numpy(got), want)
        assert not np.shares_memory(to_numpy(got), a) or want.size == 0


@needs_index_units
def test_advanced_indexing_copies_and_basic_indexing_stays_a_view() -> None:
    u = UNITS[0]
    a = np.zeros((4, 3), dtype=u.np_dtype)
    x = u.T.from_numpy(a)
    copied = x[[0, 1]]
    copied.fill_(1)
    assert not a.any()
    x[1:3].fill_(1)  # a view: writes through
    assert a[1:3].all() and not a[0].any()


@needs_index_units
def test_advanced_index_errors() -> None:
    u = UNITS[0]
    x = as_tensor(u, np.zeros((3, 4), dtype=u.np_dtype))
    cases = [
        (lambda: x[np.array([0, 3])], IndexError, "index 3 is out of range for dim 0 of size 3"),
        (lambda: x[:, [-5]], IndexError, "index -5 is out of range for dim 1 of size 4"),
        (lambda: x[[0, 1], [0, 1, 2]], IndexError, "shape mismatch: indexing arrays could not be broadcast"),
        (lambda: x[np.array([True, False])], IndexError, "boolean index did not match the indexed tensor along dim 0"),
        (lambda: x[np.array([0.5])], IndexError, "arrays used as indices must be of integer (or boolean) type"),
        (lambda: x[[0, 1], [0, 1], [0]], IndexError, "too many indices for a tensor of 2 dimensions"),
        (lambda: x[[[0, 1], [2]]], IndexError, "ragged"),
        (lambda: x[[0.5]], IndexError, "only integers, slices"),
        (lambda: x[np.array([2**63], dtype=np.uint64)], IndexError, "out of range"),
        (lambda: x[object()], TypeError, "not object"),
    ]
    for call, error, message in cases:
        with pytest.raises(error) as info:
            call()
        assert message in str(info.value), str(info.value)
    before = to_numpy(x)
    with pytest.raises(IndexError, match="index 7 is out of range"):
        x[[0, 7]] = 1  # nothing written
    np.testing.assert_array_equal(to_numpy(x), before)
    with pytest.raises(ValueError):
        x[[0, 1]] = as_tensor(u, np.zeros(3, dtype=u.np_dtype))  # (2, 4) from (3,): no broadcast


@needs_index_units
def test_setitem_with_repeats_and_an_overlapping_value() -> None:
    u = UNITS[0]
    a = np.arange(6).astype(u.np_dtype)
    x = as_tensor(u, a)
    x[[0, 0, 1]] = as_tensor(u, np.array([7, 8, 9]).astype(u.np_dtype))  # the last of a repeat stays, as NumPy's
    want = a.copy()
    want[[0, 0, 1]] = np.array([7, 8, 9])
    np.testing.assert_array_equal(to_numpy(x), want)
    y = as_tensor(u, a)
    y[[5, 4, 3, 2, 1, 0]] = y  # the value is read before anything is written
    np.testing.assert_array_equal(to_numpy(y), a[::-1])


@needs_index_units
def test_large_gathers_split_across_threads_match_numpy() -> None:
    u = next((v for v in UNITS if v.dtype.name == "float32"), UNITS[0])
    rng = np.random.default_rng(0)
    a = rng.integers(0, 100, (50_000, 7)).astype(u.np_dtype)
    x = as_tensor(u, a)
    idx = rng.integers(-50_000, 50_000, 200_000)
    np.testing.assert_array_equal(to_numpy(x[idx]), a[idx])
    np.testing.assert_array_equal(to_numpy(x.t()[:, idx]), a.T[:, idx])
    m = a[:, 0] > 50
    np.testing.assert_array_equal(to_numpy(x[m]), a[m])
    i2 = np.abs(idx[:70_000]).reshape(10_000, 7) % 50_000
    np.testing.assert_array_equal(to_numpy(x.gather(0, long_tensor(i2))), np.take_along_axis(a, i2, 0))
    if not u.is_bool:
        s = np.ones((10_000, 7), dtype=u.np_dtype)
        want = torch.zeros(50_000, 7, dtype=t_of(a).dtype).scatter_add(0, t_of(i2), t_of(s))
        same(u.T.zeros([50_000, 7]).scatter_add(0, long_tensor(i2), as_tensor(u, s)), want, u)


# ---- CUDA (with a GPU): the same ops against the CPU unit --------------------------------------------

CUDA_BUILT = [n.split(".", 1)[1] for n in satchel.units("cuda")]
GPU = bool(CUDA_BUILT) and satchel.cuda.is_available()
needs_gpu = pytest.mark.skipif(not GPU, reason="no CUDA units or no CUDA device")
CUDA_PAIRED = [d for d in CUDA_BUILT if f"cpu.{d}" in satchel.units("cpu") and "cuda.int64" in satchel.units("cuda")]


def _cuda(t: Any) -> Any:
    return t.to("cuda")


@needs_gpu
@pytest.mark.parametrize("dtype", CUDA_PAIRED)
@pytest.mark.parametrize("n", [7, 100_003])
def test_cuda_index_ops_match_cpu(dtype: str, n: int) -> None:
    cpu, gpu = satchel.unit(dtype, "cpu"), satchel.unit(dtype, "cuda")
    rng = np.random.default_rng(n)
    a = rng.integers(0, 5, (n, 3)).astype(np.dtype(dtype))
    x, gx = cpu.tensor(a), gpu.tensor(a)
    idx = rng.integers(0, n, n // 2 + 1)
    i2 = rng.integers(0, n, (n // 2 + 1, 3))
    li, li2 = satchel.cpu.int64.tensor(idx), satchel.cpu.int64.tensor(i2)
    gi, gi2 = _cuda(li), _cuda(li2)
    src = cpu.tensor(np.ones((n // 2 + 1, 3), dtype=np.dtype(dtype)))
    gsrc = _cuda(src)
    pairs = [
        (x.index_select(0, li), gx.index_select(0, gi)),
        (x.index_select(1, satchel.cpu.int64.tensor([2, 0])), gx.index_select(1, _cuda(satchel.cpu.int64.tensor([2, 0])))),
        (x.gather(0, li2), gx.gather(0, gi2)),
        (x.t().gather(1, li2.t()), gx.t().gather(1, gi2.t())),
        (x.scatter_add(0, li2, src), gx.scatter_add(0, gi2, gsrc)),
        (x.index_add(0, li, src, alpha=2), gx.index_add(0, gi, gsrc, alpha=2)),
        (x.take(li), gx.take(gi)),
        (x[idx], gx[idx]),
        (x[a[:, 0] > 2], gx[a[:, 0] > 2]),
        (x.masked_select(satchel.cpu.bool.tensor(a > 2)), gx.masked_select(_cuda(satchel.cpu.bool.tensor(a > 2)))),
        (x.nonzero(), gx.nonzero()),
    ]
    for want, got in pairs:
        assert got.device == "cuda"
        np.testing.assert_array_equal(to_numpy(got.cpu()), to_numpy(want))
    # scatter without repeats: a permutation
    perm = rng.permutation(n)[: n // 2 + 1]
    p2 = satchel.cpu.int64.tensor(np.stack([perm] * 3, 1))
    np.testing.assert_array_equal(to_numpy(gx.scatter(0, _cuda(p2), gsrc).cpu()), to_numpy(x.scatter(0, p2, src)))
    gy = gpu.tensor(a)
    gy[idx[:5]] = 1
    y = cpu.tensor(a)
    y[idx[:5]] = 1
    np.testing.assert_array_equal(to_numpy(gy.cpu()), to_numpy(y))
    with pytest.raises(IndexError, match=f"index {n} is out of range for dim 0 of size {n}"):
        gx.index_select(0, _cuda(satchel.cpu.int64.tensor([n])))
