"""Reductions along dims, arg-reductions, scans and positional ops on every built
CPU unit, against NumPy: every dim and list of dims, keepdim, shapes with sides 0
and 1, 0-d tensors, and views that are not contiguous (transposed, stepped,
reversed, expanded), with NaN and infinities on floating units and the extremes
of integer ones.

Which ops these are comes from the spec (the body kinds), so a new op of these
kinds fails test_every_op_of_these_kinds_has_an_oracle until it has one here.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from conftest import SPEC, Unit, arrays, as_tensor, elements, shapes, to_numpy, unit_ops_where, units_where
from hypothesis import given
from hypothesis import strategies as st

from satchel.codegen.model import Op, Positional, Reduce, Result, Scan
from satchel.codegen.signature import OptionalType


def along_dims(op: Op) -> bool:
    return isinstance(op.body, (Scan, Positional)) or isinstance(op.body, Reduce) and op.body.along_dims


def sum_dtype(u: Unit) -> np.dtype:
    return np.dtype(u.dtype.sum)


# ---- oracles -----------------------------------------------------------------------


def _axis(dim: Any, ndim: int) -> Any:
    """PyTorch's dim as NumPy's axis: None and [] fold every dim."""
    if dim is None or dim == []:
        return None
    return tuple(dim) if isinstance(dim, list) else dim


def _wrapped(total: Any) -> np.ndarray:
    """Python ints wrapped to int64, as accreal wraps."""
    return np.asarray((np.asarray(total, dtype=object) + (1 << 63)) % (1 << 64) - (1 << 63)).astype(np.int64)


def _prod_scan(a: np.ndarray, axis: int) -> np.ndarray:
    """cumprod of integers, exact and wrapped to int64."""
    return _wrapped(np.cumprod(a.astype(object), axis=axis))


def _cum_best(a: np.ndarray, axis: int, beats: Any) -> tuple[np.ndarray, np.ndarray]:
    """cummax's values and indices, the last on ties, a NaN staying best."""
    moved = np.moveaxis(a, axis, -1)
    values = np.empty_like(moved)
    indices = np.zeros(moved.shape, dtype=np.int64)
    for idx in np.ndindex(moved.shape[:-1]):
        line = moved[idx]
        best, at = None, 0
        for k, y in enumerate(line):
            if best is None or not beats(best, y):
                best, at = y, k
            values[idx + (k,)] = best
            indices[idx + (k,)] = at
    return np.moveaxis(values, -1, axis), np.moveaxis(indices, -1, axis)


def _exceeds(y: Any, x: Any) -> bool:
    return bool(y > x) or (y != y and x == x)


def _precedes(y: Any, x: Any) -> bool:
    return bool(y < x) or (y != y and x == x)


# ---- strategies ---------------------------------------------------------------------


@st.composite
def views(draw: st.DrawFn, u: Unit, *, specials: bool = True, small: bool = False,
          bound: float | None = None) -> tuple[np.ndarray, Any]:
    """An array and the same elements as a satchel tensor, often a non-contiguous view;
    small: floats in [-2, 2], whose products overflow in no order of multiplication;
    bound: floats in [-bound, bound]."""
    el = elements(u, -2.0, 2.0) if small and u.is_float else elements(u, -bound, bound) if bound and u.is_float else \
        elements(u, nan=specials, inf=specials) if u.is_float else elements(u)
    shape = draw(shapes(max_dims=4, max_side=4, max_len=40), label="shape")
    a = draw(arrays(u, shape, el), label="a")
    t = as_tensor(u, a)
    kind = draw(st.sampled_from(["plain", "transpose", "step", "flip", "expand"]), label="view")
    if kind == "transpose" and a.ndim >= 2:
        a, t = a.swapaxes(0, -1), t.transpose(0, -1)
    elif kind == "step" and a.ndim >= 1:
        a, t = a[::2], t[::2]
    elif kind == "flip" and a.ndim >= 1:
        a, t = a[::-1], t[::-1]
    elif kind == "expand":
        size = (2,) + a.shape
        a, t = np.broadcast_to(a, size), t.expand(size)
    assert t.shape == a.shape
    return a, t


def dims(ndim: int, *, lists: bool) -> st.SearchStrategy[Any]:
    """A dim argument: None, one dim (maybe negative) or, with lists, several distinct ones."""
    n = max(ndim, 1)
    one = st.integers(-n, n - 1)
    if not lists:
        return st.one_of(st.none(), one)
    several = st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
        lambda ds: st.permutations(ds)).flatmap(
        lambda ds: st.tuples(*[st.sampled_from([d, d - ndim]) for d in ds])).map(list)
    return st.one_of(st.none(), one, several) if ndim else st.one_of(st.none(), one, st.just([0]))


def _folded(a: np.ndarray, dim: Any) -> int:
    """How many elements fold into each result."""
    axis = _axis(dim, a.ndim)
    if axis is None or a.ndim == 0:
        return a.size if a.ndim else 1
    axes = axis if isinstance(axis, tuple) else (axis,)
    return math.prod(a.shape[d] for d in axes)


def _results(a: np.ndarray, axis: Any, keepdim: bool) -> int:
    """How many results a reduction of a over axis has."""
    return int(np.sum(np.zeros(a.shape), axis=axis, keepdims=keepdim).size)


def takes_lists(op: Op) -> bool:
    """Whether the op's dim may be a list of dims (int[] or int[]?)."""
    return "[]" in str(op.sig.args[1].type)


def _np_axis(a: np.ndarray, dim: Any) -> Any:
    """The axis NumPy takes for a: on a 0-d array, dim 0 and -1 mean the whole (one) element."""
    return None if a.ndim == 0 else _axis(dim, a.ndim)


# ---- coverage ------------------------------------------------------------------------

ORACLES = {"sum", "prod", "nansum", "mean", "amax", "amin", "all", "any", "count_nonzero", "argmax", "argmin", "max",
           "min", "cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "tril", "triu", "nanmean", "var", "std", "var_mean",
           "std_mean", "logsumexp", "norm"}


def test_every_op_of_these_kinds_has_an_oracle() -> None:
    untested = sorted(op.name for op in SPEC.ops if along_dims(op) and op.name not in ORACLES)
    assert not untested, f"ops without a test: {untested}"


# ---- reductions along dims --------------------------------------------------------------

VALUE_REDUCTIONS = unit_ops_where(lambda u, op: isinstance(op.body, Reduce) and op.body.along_dims
                                  and op.body.result == Result.VALUE and op.body.prior is None)


def _close(got: np.ndarray, want: np.ndarray, u: Unit, a: np.ndarray, n: int) -> None:
    """Floats: within one rounding of the result plus float64's error over n terms."""
    assert got.shape == want.shape, (got.shape, want.shape)
    g = got.astype(np.float64)
    with np.errstate(over="ignore"):  # a float64 result beyond the dtype's range is its inf
        w = np.asarray(want, dtype=np.float64).astype(got.dtype).astype(np.float64)
    eps = float(np.finfo(got.dtype).eps)
    scale = float(np.max(np.abs(a[np.isfinite(a)]), initial=0.0)) if a.size else 0.0
    tiny = float(np.finfo(got.dtype).smallest_subnormal)
    # one rounding to the dtype; float64's over n terms (products: relative, sums: of their scale)
    tol = (eps + (n + 1) * 2.3e-16) * np.abs(w) + tiny + (n + 1) * 1e-15 * scale * max(n, 1)
    with np.errstate(invalid="ignore"):
        ok = (np.abs(g - w) <= tol) | (g == w) | (np.isnan(g) & np.isnan(w))
    assert ok.all(), f"got {g[~ok]}, want {w[~ok]}"


def _value_oracle(u: Unit, name: str, a: np.ndarray, axis: Any, keepdim: bool) -> tuple[np.ndarray, bool]:
    """The expected result of a reduction along dims, and whether it is exact (else: _close)."""
    kw = {"axis": axis, "keepdims": keepdim}
    exact = not u.is_float
    if name == "sum":
        return (np.sum(a.astype(np.float64), **kw) if u.is_float else _wrapped(np.sum(a.astype(object), **kw))), exact
    if name == "prod":
        return (np.prod(a.astype(np.float64), **kw) if u.is_float else
                _wrapped(np.prod(a.astype(object), **kw) if a.size else np.ones(np.sum(a, **kw).shape, int))), exact
    if name == "nansum":
        return np.nansum(a.astype(np.float64), **kw), False
    if name == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.sum(a.astype(np.float64), **kw) / (a.size / max(np.sum(a, **kw).size, 1) or np.nan), False
    if name in ("amax", "amin"):
        return (np.max if name == "amax" else np.min)(a, **kw), True
    if name in ("all", "any"):
        return (np.all if name == "all" else np.any)(a, **kw), True
    assert name == "count_nonzero"
    return np.asarray(np.count_nonzero(a, axis=axis)).astype(np.int64), True


@pytest.mark.parametrize("u, name", VALUE_REDUCTIONS)
@given(data=st.data())
def test_reduction_along_dims(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    # (float64 sums near its largest overflow or not by the order of addition: bounded)
    a, t = data.draw(views(u, specials=name in ("amax", "amin", "nansum", "all", "any", "count_nonzero"),
                           small=name == "prod",
                           bound=1e300 if name in ("sum", "mean") and u.dtype.name == "float64" else None),
                     label="input")
    dim = data.draw(dims(a.ndim, lists=takes_lists(op)), label="dim")
    has_keepdim = len(op.sig.args) == 3
    keepdim = data.draw(st.booleans(), label="keepdim") if has_keepdim else False
    axis = _np_axis(a, dim)
    n = _folded(a, dim)

    def call() -> Any:
        return getattr(u.T, name)(t, dim, keepdim) if has_keepdim else getattr(u.T, name)(t, dim)

    if n == 0 and op.body.combine.identity is None and _results(a, axis, keepdim):
        with pytest.raises(ValueError, match=rf"{name}: cannot reduce a tensor of shape"):
            call()
        return
    got = to_numpy(call())
    assert got.shape == np.sum(a, axis=axis, keepdims=keepdim).shape
    if got.size == 0:
        return
    want, exact = _value_oracle(u, name, a, axis, keepdim)
    assert str(got.dtype) == SPEC.types.tensor_dtype(op.sig.return_type, u.dtype).name
    if exact:
        np.testing.assert_array_equal(got, np.asarray(want).astype(got.dtype), strict=True)
    else:
        _close(got, np.asarray(want), u, a, n)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("sum")))
def test_sum_along_dims_never_overflows_where_sumall_would_not(u: Unit) -> None:
    """TH's users' complaint: sum(y, 1) of a ByteTensor wrapped while sumall did not.
    Narrow integers sum into int64; float16 and float32 accumulate in float64."""
    t = u.T.tensor(np.full((3, 1000), u.hi, dtype=u.np_dtype))
    if u.dtype.sum != u.dtype.name:
        assert to_numpy(t.sum(1)).tolist() == [int(u.hi) * 1000] * 3 == [t[0].sumall()] * 3
        assert to_numpy(t.cumsum(1))[:, -1].tolist() == [int(u.hi) * 1000] * 3
    if u.dtype.name in ("float16", "float32"):
        near_max = np.full((4, 1000), np.finfo(u.np_dtype).max / 1000, dtype=u.np_dtype)
        assert np.isfinite(to_numpy(u.T.tensor(near_max).sum(1))).all()
        assert np.isfinite(to_numpy(u.T.tensor(near_max).mean(1))).all()
        # float16 adding in float16 stalls at 2048 (2048 + 1 rounds back to 2048)
        assert to_numpy(u.T.ones((4096, 2)).sum(0)).tolist() == [4096.0, 4096.0]


@pytest.mark.parametrize("u", units_where(lambda u: u.has("sum")))
def test_sum_of_large_tensors_by_every_strategy(u: Unit) -> None:
    """Big enough to split across threads: along the inner dim, the outer dim, and of
    a few results from many elements (accumulators per thread)."""
    rng = np.random.default_rng(7)
    a = (rng.integers(0, 2, (300, 700)) if u.is_bool else rng.integers(0, 100, (300, 700))).astype(u.np_dtype)
    t = u.T.tensor(a)
    for dim in (0, 1, [0, 1], None):
        axis = _axis(dim, 2)
        with np.errstate(over="ignore"):  # float16's total is inf
            want = np.sum(a.astype(np.float64 if u.is_float else np.int64), axis=axis).astype(sum_dtype(u))
        rtol = float(np.finfo(u.np_dtype).eps) if u.is_float else 0
        np.testing.assert_allclose(to_numpy(t.sum(dim)), want, rtol=rtol)
    long = np.ones((2, 100_000), dtype=u.np_dtype)
    np.testing.assert_array_equal(to_numpy(u.T.tensor(long).sum(0)), np.full(100_000, 2))
    np.testing.assert_array_equal(to_numpy(u.T.tensor(long.T.copy()).sum(1)), np.full(100_000, 2))
    with np.errstate(over="ignore"):
        want = np.full(2, 100_000).astype(sum_dtype(u))  # float16: inf
    np.testing.assert_array_equal(to_numpy(u.T.tensor(long).t().sum(0)), want)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("amax")))
def test_reductions_without_identity_refuse_empty_dims(u: Unit) -> None:
    t = u.T.zeros((0, 3))
    for name in ("amax", "amin"):
        with pytest.raises(ValueError, match=rf"{name}: cannot reduce a tensor of shape \(0, 3\) over dim 0"):
            getattr(t, name)(0)
        assert getattr(t, name)(1).shape == (0,)  # no results: nothing to start from is needed
    for name in ("argmax", "argmin", "max", "min"):
        with pytest.raises(ValueError, match=f"{name}: cannot reduce"):
            getattr(t, name)(0)
    assert to_numpy(t.sum(0)).tolist() == [0, 0, 0]


@pytest.mark.parametrize("u", units_where(lambda u: u.has("sum")))
def test_dim_errors_name_the_op_the_dim_and_the_shape(u: Unit) -> None:
    t = u.T.zeros((2, 3))
    with pytest.raises(IndexError, match=r"sum: dim 2 is out of range for a tensor of shape \(2, 3\) "
                                         r"\(expected -2 to 1\)"):
        t.sum(2)
    with pytest.raises(IndexError, match=r"argmax: dim -3 is out of range"):
        t.argmax(-3)
    with pytest.raises(IndexError, match=r"cumsum: dim 5 is out of range"):
        t.cumsum(5)
    with pytest.raises(ValueError, match=r"sum: dim -1 appears more than once in dim \(1, -1\)"):
        t.sum([1, -1])
    with pytest.raises(TypeError):
        t.sum(1.5)


# ---- reductions with a prior pass: spread, nanmean, logsumexp ------------------------------

PRIOR_REDUCTIONS = unit_ops_where(lambda u, op: isinstance(op.body, Reduce) and op.body.along_dims
                                  and op.body.prior is not None)


def _logsumexp(a: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=axis if axis is not None else tuple(range(a.ndim)))


def _norm(a: np.ndarray, p: float, axis: Any, keepdims: bool) -> np.ndarray:
    x = np.abs(a)
    kw = {"axis": axis, "keepdims": keepdims}
    if p == 0:
        return np.sum(x != 0, **kw).astype(np.float64)
    if p == math.inf:
        return np.max(x, initial=0.0, **kw)
    if p == -math.inf:
        return np.min(x, initial=math.inf, **kw)
    # scaled by the largest |x|, as satchel is, so that tiny elements do not underflow to 0 here
    m = np.max(x, axis=axis, keepdims=True, initial=0.0)
    scale = np.where((m > 0) & np.isfinite(m), m, 1.0)
    out = scale * np.sum((x / scale) ** p, axis=axis, keepdims=True) ** (1 / p)
    return out if keepdims else np.squeeze(out, axis=axis if axis is not None else tuple(range(a.ndim)))


def _prior_oracle(name: str, a: np.ndarray, axis: Any, keepdim: bool, correction: int,
                  p: float) -> tuple[np.ndarray, ...]:
    """The float64 results (var_mean and std_mean: two) and the scale of their errors."""
    kw = {"axis": axis, "keepdims": keepdim}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # empty and all-NaN slices: NaN, as satchel
        if name == "nanmean":
            return (np.nanmean(a, **kw),)
        if name == "logsumexp":
            return (_logsumexp(a, axis, keepdim),)
        if name == "norm":
            return (_norm(a, p, axis, keepdim),)
        spread = (np.var if name.startswith("var") else np.std)(a, ddof=correction, **kw)
        return (spread, np.mean(a, **kw)) if name.endswith("_mean") else (spread,)


@pytest.mark.parametrize("u, name", PRIOR_REDUCTIONS)
@given(data=st.data())
def test_reduction_with_a_prior(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    # float64 sums of squares (and of values near its largest) overflow or not by the
    # order of addition, which NumPy's and satchel's need not share: bounded there
    a, t = data.draw(views(u, specials=name in ("nanmean", "logsumexp", "norm"),
                           small=name == "norm" and u.dtype.name == "float64",
                           bound=1e150 if name[:3] in ("var", "std") and u.dtype.name == "float64" else None),
                     label="input")
    if name in ("var", "std", "var_mean", "std_mean"):  # about a large mean: two passes lose nothing
        shift = data.draw(st.sampled_from([0.0, 1e3 if u.dtype.name == "float16" else 1e6]), label="mean")
        if shift:
            a = (a.astype(np.float64) + shift).astype(u.np_dtype)
            t = as_tensor(u, a)
    dim = data.draw(dims(a.ndim, lists=takes_lists(op)), label="dim")
    if dim is None and not isinstance(op.sig.args[1].type, OptionalType):
        dim = []  # logsumexp's dim is required
    keepdim = data.draw(st.booleans(), label="keepdim")
    kw: dict[str, Any] = {"keepdim": keepdim}
    correction = 1
    if any(arg.name == "correction" for arg in op.sig.args):
        correction = data.draw(st.integers(0, 2), label="correction")
        kw["correction"] = float(correction)
    p = 2.0
    if name == "norm":
        p = data.draw(st.sampled_from([2.0, 1.0, 0.0, 3.0, 0.5, -1.0, math.inf, -math.inf]), label="p")
        kw["p"] = p
    got = getattr(u.T, name)(t, dim=dim, **kw)
    got = tuple(got) if op.body.result == Result.PRIOR else (got,)
    axis = _np_axis(a, dim)
    wide = a.astype(np.float64)
    wants = _prior_oracle(name, wide, axis, keepdim, correction, p)
    n = _folded(a, dim)
    eps = float(np.finfo(u.np_dtype).eps)
    finite = wide[np.isfinite(wide)]
    scale = float(np.max(np.abs(finite - np.mean(finite)), initial=0.0)) if finite.size else 0.0
    for g, w in zip(got, wants):
        g = to_numpy(g).astype(np.float64)
        w = np.asarray(w, dtype=np.float64)
        assert g.shape == w.shape, (g.shape, w.shape)
        with np.errstate(over="ignore", invalid="ignore"):
            w = w.astype(u.np_dtype).astype(np.float64)  # one rounding to the dtype
            err = np.abs(g - w)
        # NumPy's own mean may be off by its rounding, which the deviations then carry
        off = (n + 1) * 2.3e-16 * float(np.max(np.abs(finite), initial=0.0))
        tol = 2 * eps * np.abs(w) + (n + 1) * 1e-14 * (scale * scale + scale + np.abs(w)) + off + off * off + \
            float(np.finfo(u.np_dtype).smallest_subnormal)
        ok = (err <= tol) | (g == w) | (np.isnan(g) & np.isnan(w))
        assert ok.all(), f"{name}: got {g[~ok]}, want {w[~ok]}"


@pytest.mark.parametrize("u", units_where(lambda u: u.has("var")))
def test_spread_of_data_with_a_large_mean(u: Unit) -> None:
    """The one-pass sum-of-squares formula loses every digit here; two passes keep them."""
    offset = 1e3 if u.dtype.name == "float16" else 1e7 if u.dtype.name == "float32" else 1e12
    a = (np.tile(np.array([1.0, 2.0, 3.0, 4.0]), (3, 250)) + offset).astype(u.np_dtype)
    t = u.T.tensor(a)
    want = np.var(a.astype(np.float64), axis=1, ddof=1)
    np.testing.assert_allclose(to_numpy(t.var(1)), want, rtol=1e-3)
    r = t.std_mean(1, correction=0)
    assert type(r) is u.T.StdMeanResult and r._fields == ("std", "mean")
    np.testing.assert_allclose(to_numpy(r.std), np.std(a.astype(np.float64), axis=1), rtol=1e-3)
    np.testing.assert_allclose(to_numpy(r.mean), np.mean(a.astype(np.float64), axis=1), rtol=1e-6)
    assert math.isclose(t.varall(), float(np.var(a.astype(np.float64), ddof=1)), rel_tol=1e-3)
    big = u.T.tensor(np.random.default_rng(5).normal(offset, 1.0, (300, 700)).astype(u.np_dtype))
    for dim in (0, 1, None):  # split across threads every way
        np.testing.assert_allclose(to_numpy(big.var(dim)), np.var(to_numpy(big).astype(np.float64), axis=dim, ddof=1),
                                   rtol=1e-2 if u.dtype.name == "float16" else 1e-6)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("norm")))
def test_norms_do_not_overflow_and_match_the_whole_tensor_ones(u: Unit) -> None:
    big = 1e200 if u.dtype.name == "float64" else float(np.finfo(u.np_dtype).max) / 2
    t = u.T.tensor(np.array([[big, big], [3.0, 4.0], [0.0, 0.0]], dtype=u.np_dtype))
    got = to_numpy(t.norm(dim=1)).astype(np.float64)
    assert math.isclose(got[0], big * math.sqrt(2), rel_tol=1e-3) and got[1] == 5.0 and got[2] == 0.0
    assert to_numpy(t.norm(math.inf, 1)).astype(np.float64)[1] == 4.0
    assert to_numpy(t.norm(-math.inf, 1)).astype(np.float64)[1] == 3.0
    assert to_numpy(t.norm(0, 1)).tolist() == [2.0, 2.0, 0.0]
    small = u.T.tensor(np.array([3.0, -4.0, 0.0, 12.0], dtype=u.np_dtype))
    assert small.normall() == 13.0 and u.T.normall(small, 1) == 19.0 and small.normall(0) == 3.0
    assert small.normall(math.inf) == 12.0 and small.normall(-math.inf) == 0.0
    assert math.isclose(small.normall(3), (27 + 64 + 1728) ** (1 / 3), rel_tol=1e-12)
    other = u.T.tensor(np.array([0.0, 0.0, 0.0, 7.0], dtype=u.np_dtype))
    assert u.T.dist(small, other) == math.sqrt(9 + 16 + 25) and small.dist(other, 1) == 12.0
    assert u.T.zeros((0,)).normall() == 0.0 and to_numpy(u.T.zeros((2, 0)).norm(dim=1)).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match=r"dist: tensors must have the same shape, got \(4,\) and \(2,\)"):
        small.dist(u.T.zeros((2,)))


@pytest.mark.parametrize("u", units_where(lambda u: u.has("logsumexp")))
def test_logsumexp_does_not_overflow(u: Unit) -> None:
    big = float(np.finfo(u.np_dtype).max) / 2
    t = u.T.tensor(np.array([[big, big], [-np.inf, -np.inf], [np.inf, 1.0], [-big, 0.0]], dtype=u.np_dtype))
    got = to_numpy(t.logsumexp([1]))
    assert got[0] == np.float64(big).astype(u.np_dtype) + np.float64(math.log(2)).astype(u.np_dtype) or \
        math.isclose(float(got[0]), big + math.log(2), rel_tol=1e-3)
    assert got[1] == -np.inf and got[2] == np.inf and got[3] == 0.0
    assert to_numpy(u.T.zeros((2, 0)).logsumexp([1])).tolist() == [-np.inf, -np.inf]


# ---- arg-reductions and (values, indices) ------------------------------------------------

INDEX_REDUCTIONS = unit_ops_where(lambda u, op: isinstance(op.body, Reduce) and op.body.result.indexed)


@pytest.mark.parametrize("u, name", INDEX_REDUCTIONS)
@given(data=st.data())
def test_arg_reduction(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    a, t = data.draw(views(u), label="input")
    required = op.body.result == Result.BOTH
    n = max(a.ndim, 1)
    dim = data.draw(st.integers(-n, n - 1) if required else dims(a.ndim, lists=False), label="dim")
    keepdim = data.draw(st.booleans(), label="keepdim")
    axis = _np_axis(a, dim)
    if _folded(a, dim) == 0 and _results(a, axis, keepdim):
        with pytest.raises(ValueError, match=f"{name}: cannot reduce"):
            getattr(t, name)(dim, keepdim)
        return
    got = getattr(u.T, name)(t, dim, keepdim)
    if not _results(a, axis, keepdim):
        for r in (got,) if not required else tuple(got):
            assert r.shape == np.sum(a, axis=axis, keepdims=keepdim).shape
        return
    arg = np.argmax if op.body.combine.name == "MAX" else np.argmin
    best = np.max if op.body.combine.name == "MAX" else np.min
    if a.ndim == 0:
        want_index, want_value = np.asarray(0), a.copy()
    else:
        want_index = arg(a, axis=axis, keepdims=keepdim)
        want_value = best(a, axis=axis, keepdims=keepdim) if a.size else np.sum(a, axis=axis, keepdims=keepdim)
    if a.ndim == 0 and keepdim:
        want_index, want_value = want_index.reshape(()), want_value.reshape(())
    if not required:
        assert got.dtype == "int64"
        np.testing.assert_array_equal(to_numpy(got), want_index, strict=True)
        return
    values, indices = got
    assert got.values is values and got.indices is indices and type(got).__name__ == f"{name.capitalize()}Result"
    np.testing.assert_array_equal(to_numpy(indices), want_index, strict=True)
    np.testing.assert_array_equal(to_numpy(values), want_value.astype(u.np_dtype), strict=True)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_arg_reductions_pick_the_first_nan_and_the_first_of_ties(u: Unit) -> None:
    t = u.T.tensor(np.array([[1, 3, 3, np.nan, np.nan], [2, 2, -1, -1, 0]], dtype=u.np_dtype))
    assert to_numpy(t.argmax(1)).tolist() == [3, 0]
    assert to_numpy(t.argmin(1)).tolist() == [3, 2]
    r = t.max(1)
    assert np.isnan(to_numpy(r.values)[0]) and to_numpy(r.indices).tolist() == [3, 0]
    big = np.zeros(100_000, dtype=u.np_dtype)
    big[[77_777, 88_888]] = 5
    assert int(to_numpy(u.T.tensor(big).argmax())) == 77_777


@pytest.mark.parametrize("u", units_where(lambda u: u.has("max")))
def test_named_tuple_results_are_the_units_own_class(u: Unit) -> None:
    r = u.T.zeros((2, 3)).max(1)
    assert type(r) is u.T.MaxResult and r._fields == ("values", "indices") and isinstance(r, tuple)
    assert type(r.values) is u.T.Tensor and r.indices.dtype == "int64"
    values, indices = r
    assert values.shape == indices.shape == (2,)


# ---- scans ------------------------------------------------------------------------------

SCANS = unit_ops_where(lambda u, op: isinstance(op.body, Scan))


@pytest.mark.parametrize("u, name", SCANS)
@given(data=st.data())
def test_scan(u: Unit, name: str, data: st.DataObject) -> None:
    a, t = data.draw(views(u, specials=name in ("cummax", "cummin")), label="input")
    n = max(a.ndim, 1)
    dim = data.draw(st.integers(-n, n - 1), label="dim")
    axis = 0 if a.ndim == 0 else dim
    flat = a.reshape(1) if a.ndim == 0 else a
    got = getattr(u.T, name)(t, dim)
    if name in ("cummax", "cummin"):
        values, indices = got
        want_v, want_i = _cum_best(flat, axis, _exceeds if name == "cummax" else _precedes)
        np.testing.assert_array_equal(to_numpy(values), want_v.reshape(a.shape), strict=True)
        np.testing.assert_array_equal(to_numpy(indices), want_i.reshape(a.shape), strict=True)
        return
    assert got.dtype == u.dtype.sum and got.shape == a.shape
    if name == "logcumsumexp":  # a logaddexp per step, each rounded: within a few ulps a step
        with np.errstate(all="ignore"):
            want = np.logaddexp.accumulate(flat.astype(np.float64), axis=axis).reshape(a.shape)
        tol = 4 * max(flat.shape[axis] if flat.size else 1, 1) * float(np.finfo(u.np_dtype).eps)
        np.testing.assert_allclose(to_numpy(got).astype(np.float64), want, rtol=tol, atol=tol)
        return
    if name == "cumsum":
        want = np.cumsum(flat.astype(np.float64 if u.is_float else np.int64), axis=axis)
    else:
        want = np.cumprod(flat.astype(np.float64), axis=axis) if u.is_float else _prod_scan(flat, axis)
    with np.errstate(over="ignore"):
        want = want.astype(sum_dtype(u)).reshape(a.shape)
    np.testing.assert_array_equal(to_numpy(got), want, strict=True)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("cumsum")))
def test_scans_of_large_tensors_along_each_dim(u: Unit) -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2, (200, 300)).astype(u.np_dtype)
    t = u.T.tensor(a)
    wide = np.float64 if u.is_float else np.int64
    for dim in (0, 1):
        np.testing.assert_array_equal(to_numpy(t.cumsum(dim)), np.cumsum(a.astype(wide), dim).astype(sum_dtype(u)))
        np.testing.assert_array_equal(to_numpy(t.t().cumsum(dim)),
                                      np.cumsum(a.T.astype(wide), dim).astype(sum_dtype(u)))
    want_v, want_i = _cum_best(a, 0, _exceeds)
    r = t.cummax(0)
    np.testing.assert_array_equal(to_numpy(r.values), want_v)
    np.testing.assert_array_equal(to_numpy(r.indices), want_i)


# ---- positional -------------------------------------------------------------------------

POSITIONAL = unit_ops_where(lambda u, op: isinstance(op.body, Positional))


@pytest.mark.parametrize("u, name", POSITIONAL)
@given(data=st.data())
def test_positional(u: Unit, name: str, data: st.DataObject) -> None:
    a, t = data.draw(views(u), label="input")
    k = data.draw(st.integers(-5, 5), label="diagonal")
    if a.ndim < 2:
        with pytest.raises(ValueError, match=rf"{name}: needs a tensor of at least 2 dims, got one of shape"):
            getattr(t, name)(k)
        return
    want = (np.tril if name == "tril" else np.triu)(a, k)
    np.testing.assert_array_equal(to_numpy(getattr(u.T, name)(t, k)), want, strict=True)
    np.testing.assert_array_equal(to_numpy(getattr(t, name)()), (np.tril if name == "tril" else np.triu)(a),
                                  strict=True)
