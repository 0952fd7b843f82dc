"""The pointwise ops of pointwise_oracles.py on every unit that has them, against NumPy.

For each (op, unit): tensors of broadcasting shapes (0 and 1 sides included), a
Python number for every input but self, the operator and its reflected form
(number <op> tensor), the in-place form, non-contiguous views, and every
combination of edge values (integer extremes, zero divisors, signed zeros,
infinities, NaN).
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np
import pytest
from conftest import (
    Unit,
    arrays,
    as_tensor,
    assert_same,
    elements,
    get_unit,
    py_ints,
    requires,
    scalars,
    shape_broadcasting_to,
    shape_pairs,
    shapes,
    to_numpy,
    unit_ops_where,
    units_where,
    wrap_int,
)
from hypothesis import given
from hypothesis import strategies as st
from pointwise_oracles import ORACLES, Oracle

OPS = unit_ops_where(lambda u, op: op.name in ORACLES)


def expected(u: Unit, name: str, *inputs: np.ndarray, in_compute: bool = False, **kw: Any) -> np.ndarray:
    """The oracle's result: exact integers wrapped to the dtype, floats in the
    compute type (exact ops, or with in_compute) or float64 (the others), bools as bools."""
    o = ORACLES[name]
    if o.result:
        with np.errstate(all="ignore"):
            return np.asarray(o.floats(*(a.astype(o.result) for a in inputs), **kw)).astype(o.result)
    if not u.is_float:
        fn = o.ints(u.bits) if o.bits else o.ints
        assert fn is not None
        out = np.asarray(np.frompyfunc(lambda *v: fn(*v, **kw), len(inputs), 1)(*map(py_ints, inputs)), dtype=object)
        return out.astype(bool) if o.bool_result or u.is_bool else wrap_int(out, u)
    wide = u.np_dtype if o.in_dtype else u.compute if o.exact or in_compute else np.float64
    with np.errstate(all="ignore"):
        out = np.asarray(o.floats(*(a.astype(wide) for a in inputs), **kw))
    return out.astype(bool) if o.bool_result else out.astype(u.np_dtype)


def _agrees(u: Unit, got: np.ndarray, want: np.ndarray, scale: np.ndarray, ulps: float = 8) -> np.ndarray:
    """Elementwise: the same NaN or infinity, or finite and within ulps of scale."""
    eps = float(np.finfo(u.np_dtype).eps)
    tiny = float(np.finfo(u.np_dtype).smallest_subnormal)
    g, w = got.astype(np.float64), want.astype(np.float64)
    with np.errstate(all="ignore"):
        close = np.isfinite(g) & np.isfinite(w) & (np.abs(g - w) <= ulps * eps * scale + 4 * tiny)
    return (np.isnan(g) & np.isnan(w)) | (g == w) | close


def check(u: Unit, name: str, actual: Any, want: np.ndarray, *inputs: np.ndarray, **kw: Any) -> None:
    o = ORACLES[name]
    if o.bool_result:
        B = get_unit("bool")
        assert type(actual) is B.T.Tensor, type(actual)
        assert_same(actual, want, B)
        return
    if o.result:
        u = get_unit(o.result)
        assert type(actual) is u.T.Tensor, type(actual)
    elif not u.is_float or o.exact:
        assert_same(actual, want, u)
        return
    got = to_numpy(actual)
    assert got.shape == want.shape and got.dtype == u.np_dtype
    scale = np.abs(want.astype(np.float64))
    ok = _agrees(u, got, want, scale, o.ulps)
    if o.arity == 3:
        # A body of several terms: within ulps of the terms (a contracted fma rounds
        # them differently where they cancel), or what the compute type gives
        # where a product overflows it.
        terms = sum(np.abs(np.broadcast_to(a, want.shape).astype(np.float64)) for a in inputs) * 4
        in_compute = expected(u, name, *inputs, in_compute=True, **kw)
        ok = _agrees(u, got, want, scale + terms) | _agrees(u, got, in_compute, np.abs(in_compute) + terms)
    assert ok.all(), (inputs, got[~ok], want[~ok])


def input_elements(u: Unit, o: Oracle, k: int) -> st.SearchStrategy[Any]:
    if u.is_float:
        r = o.ranges[k] if k < len(o.ranges) else None
        return elements(u, *r) if r is not None else elements(u)
    r = o.int_ranges[k] if k < len(o.int_ranges) else None
    return elements(u, *r) if r is not None else elements(u)


def call(u: Unit, name: str, *args: Any, **kw: Any) -> Any:
    return getattr(u.T, name)(*args, **kw)


@st.composite
def input_shapes(draw: st.DrawFn, arity: int) -> list[tuple[int, ...]]:
    if arity == 1:
        return [draw(shapes())]
    a, b = draw(shape_pairs())
    out = [a, b]
    if arity == 3:
        full = np.broadcast_shapes(a, b)
        out.append(draw(shape_broadcasting_to(full)))
    return out


@pytest.mark.parametrize("u, name", OPS)
@given(data=st.data())
def test_tensors_numbers_and_in_place(u: Unit, name: str, data: st.DataObject) -> None:
    o = ORACLES[name]
    op = u.ops[name]
    arrs = [data.draw(arrays(u, s, input_elements(u, o, k)), label=f"input{k}")
            for k, s in enumerate(data.draw(input_shapes(o.arity), label="shapes"))]
    kw: dict[str, Any] = {}
    if o.scalar:
        kw[o.scalar] = data.draw(scalars(u, elements(u, -4, 4)), label=o.scalar)
    ts = [as_tensor(u, a) for a in arrs]
    want = expected(u, name, *arrs, **kw)
    check(u, name, call(u, name, *ts, **kw), want, *arrs, **kw)
    check(u, name, getattr(ts[0], name)(*ts[1:], **kw), want, *arrs, **kw)
    if op.operator:
        check(u, name, getattr(operator, f"__{op.operator}__")(*ts), want, *arrs)
    for t, a in zip(ts, arrs):
        assert_same(t, a, u)  # inputs untouched
    # a Python number for each input but self
    for k in range(1, o.arity):
        s = data.draw(scalars(u, input_elements(u, o, k)), label=f"number{k}")
        s_arr = np.array(s, dtype=u.np_dtype)
        args = ts[:k] + [s] + ts[k + 1:]
        with_number = arrs[:k] + [s_arr] + arrs[k + 1:]
        check(u, name, call(u, name, *args, **kw), expected(u, name, *with_number, **kw), *with_number, **kw)
        if op.operator and o.arity == 2:  # reflected: number <op> tensor
            s0 = data.draw(scalars(u, input_elements(u, o, 0)), label="left number")
            s0_arr = np.array(s0, dtype=u.np_dtype)
            got = getattr(operator, f"__{op.operator}__")(s0, ts[1])
            check(u, name, got, expected(u, name, s0_arr, arrs[1]), s0_arr, arrs[1])
    if op.inplace:
        full = np.broadcast_shapes(*(a.shape for a in arrs))
        if full == arrs[0].shape:
            t = as_tensor(u, arrs[0])
            assert getattr(t, name + "_")(*ts[1:], **kw) is t
            check(u, name, t, want, *arrs, **kw)
            if op.operator and o.arity == 2:
                t = as_tensor(u, arrs[0])
                t2 = getattr(operator, f"__i{op.operator}__")(t, ts[1])
                assert t2 is t
                check(u, name, t, want, *arrs)


def edge_values(u: Unit) -> list[Any]:
    if u.is_bool:
        return [False, True]
    if u.is_int:
        lo, hi = int(u.lo), int(u.hi)
        small = [-3, -2, -1, 0, 1, 2, 3, 7, 8, 9] if lo < 0 else [0, 1, 2, 3, 7, 8, 9]
        return sorted({lo, lo + 1, hi - 1, hi, *small, u.bits - 1, u.bits, u.bits + 1})
    fi = np.finfo(u.np_dtype)
    return [0.0, -0.0, 1.0, -1.0, 0.5, -1.5, 2.5, 3.0, float(fi.max), float(-fi.max), float(fi.tiny),
            float(fi.smallest_subnormal), math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("u, name", OPS)
def test_edge_values_and_views(u: Unit, name: str) -> None:
    """Every combination of edge values (via broadcasting), then the same through
    non-contiguous views (transposed, stepped, reversed) and empty tensors."""
    o = ORACLES[name]
    v = np.array(edge_values(u), dtype=u.np_dtype)
    n = len(v)
    grids = [v.reshape((n,) + (1,) * k) for k in range(o.arity)][::-1]  # every tuple of values
    want = expected(u, name, *grids)
    check(u, name, call(u, name, *(as_tensor(u, g) for g in grids)), want, *grids)
    rng = np.random.default_rng(5)
    base = [v[rng.integers(0, n, (7, 6))] for _ in range(o.arity)]
    views = [as_tensor(u, b).t()[::2] for b in base]  # (3, 7), neither dim contiguous
    arrs = [b.T[::2] for b in base]
    assert not views[0].is_contiguous()
    check(u, name, call(u, name, *views), expected(u, name, *arrs), *arrs)
    rev = [as_tensor(u, b)[::-1, 1] for b in base]  # a reversed column
    check(u, name, call(u, name, *rev), expected(u, name, *(b[::-1, 1] for b in base)), *(b[::-1, 1] for b in base))
    empty = call(u, name, *([u.T.zeros((0, 3))] * o.arity))
    assert empty.shape == (0, 3)


@pytest.mark.parametrize("u, name", unit_ops_where(lambda u, op: op.name in ORACLES and op.inplace))
def test_in_place_with_itself_and_overlapping_views(u: Unit, name: str) -> None:
    """t.op_(t) and an in-place op whose input overlaps self shifted by one
    element read every input element before it is written, as NumPy's result."""
    o = ORACLES[name]
    v = np.array(edge_values(u), dtype=u.np_dtype)
    a = np.resize(v, 12)
    t = as_tensor(u, a)
    assert getattr(t, name + "_")(*([t] * (o.arity - 1))) is t
    check(u, name, t, expected(u, name, *([a] * o.arity)), *([a] * o.arity))
    t = as_tensor(u, a)
    getattr(t[1:], name + "_")(*([t[:-1]] * (o.arity - 1)))
    shifted = [a[1:]] + [a[:-1]] * (o.arity - 1)
    check(u, name, t[1:], expected(u, name, *shifted), *shifted)
    assert_same(t[:1], a[:1], u)


# ---- semantics the docs spell out ---------------------------------------------------------


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_integer_division_cases_c_leaves_undefined_are_defined(u: Unit) -> None:
    """x // 0, x % 0 and fmod(x, 0) are 0; the most negative value // -1 wraps to
    itself and its remainder is 0; never a trap."""
    T = u.T
    lo = int(u.lo)
    t = T.tensor([lo, -1 if lo < 0 else 1, 0, int(u.hi)])
    assert (t // 0).tolist() == [0, 0, 0, 0]
    assert (t % 0).tolist() == [0, 0, 0, 0]
    assert T.fmod(t, 0).tolist() == [0, 0, 0, 0]
    if lo < 0:
        assert (T.tensor([lo]) // -1).tolist() == [lo]
        assert (T.tensor([lo]) % -1).tolist() == [0]
        assert (T.tensor([-7, 7, -7]) // T.tensor([2, -2, -2])).tolist() == [-4, -4, 3]
        assert (T.tensor([-7, 7, -7]) % T.tensor([2, -2, -2])).tolist() == [1, -1, -1]
        assert T.fmod(T.tensor([-7, 7]), 2).tolist() == [-1, 1]


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_integer_powers_are_exact_and_negative_exponents_truncate(u: Unit) -> None:
    T = u.T
    assert (T.tensor([2, 3]) ** 4).tolist() == [16, 81]
    big = T.tensor([3]) ** 40  # wraps around as repeated multiplication would
    assert big.tolist() == wrap_int([3 ** 40], u).tolist()
    if u.lo < 0:
        assert (T.tensor([1, -1, -1, 2, 0]) ** T.tensor([-3, -3, -2, -1, -1])).tolist() == [1, -1, 1, 0, 0]
    assert (2 ** T.tensor([0, 1, 5])).tolist() == [1, 2, 32]


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_shifts_past_the_width(u: Unit) -> None:
    T = u.T
    t = T.tensor([1, 5])
    assert (t << u.bits).tolist() == [0, 0] and (t >> u.bits).tolist() == [0, 0]
    if u.lo < 0:
        assert (T.tensor([-8, 8]) >> T.tensor([1, -1])).tolist() == [-4, 0]
        assert (T.tensor([-8]) >> 100 if u.bits == 64 else T.tensor([-8]) >> u.bits + 1).tolist() == [-1]
        assert (T.tensor([1]) << -1).tolist() == [0]


@requires("bool")
def test_bool_bitwise_operators_are_logical() -> None:
    B = get_unit("bool").T
    t, f = B.tensor([True, True, False, False]), B.tensor([True, False, True, False])
    assert (t & f).tolist() == [True, False, False, False]
    assert (t | f).tolist() == [True, True, True, False]
    assert (t ^ f).tolist() == [False, True, True, False]
    assert (~t).tolist() == [False, False, True, True]
    assert (True & f).tolist() == [True, False, True, False]
    u = B.tensor([True, False])
    u &= False
    assert u.tolist() == [False, False]


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_float_floor_division_and_remainder_as_python(u: Unit) -> None:
    a = [7.5, -7.5, 7.5, -7.5, 1.0, -0.0]
    b = [2.0, 2.0, -2.0, -2.0, 0.0, 3.0]
    T = u.T
    q = (T.tensor(a) // T.tensor(b)).tolist()
    r = (T.tensor(a) % T.tensor(b)).tolist()
    assert q[:4] == [x // y for x, y in zip(a[:4], b[:4])] and q[4] == math.inf
    assert r[:4] == [x % y for x, y in zip(a[:4], b[:4])] and math.isnan(r[4])
    assert math.copysign(1, r[5]) == 1.0  # a zero remainder takes the divisor's sign


def test_ops_of_another_unit_or_out_of_range_numbers_raise_type_error(u: Unit) -> None:
    """A number the dtype cannot hold, or a tensor of another unit, is refused with
    TypeError (NumPy's silent promotion is not satchel's)."""
    t = u.T.ones(2)
    from conftest import other_unit

    v = other_unit(u)
    for name in sorted(n for n in ORACLES if u.has(n) and ORACLES[n].arity >= 2):
        extra = [t] * (ORACLES[name].arity - 2)
        if not u.is_float:
            with pytest.raises(TypeError):
                call(u, name, t, 0.5, *extra)
        if v is not None:
            with pytest.raises(TypeError):
                call(u, name, t, v.T.ones(2), *extra)
    with pytest.raises(TypeError):
        call(u, "logical_not", "x")


@pytest.mark.parametrize("u", units_where(lambda u: u.has("logit")))
def test_logit_clamps_to_eps(u: Unit) -> None:
    x = np.array([-1.0, 0.0, 0.1, 0.5, 0.95, 1.0, 2.0], dtype=u.np_dtype)
    eps = float(np.array(0.25, dtype=u.np_dtype))
    got = to_numpy(u.T.logit(as_tensor(u, x), eps)).astype(np.float64)
    clamped = np.clip(x.astype(np.float64), eps, 1 - eps)
    np.testing.assert_allclose(got, np.log(clamped / (1 - clamped)), rtol=8 * float(np.finfo(u.np_dtype).eps))
    assert np.isnan(to_numpy(u.T.logit(as_tensor(u, x))))[[0, 6]].all()  # no eps: outside [0, 1] is NaN


@pytest.mark.parametrize("u", units_where(lambda u: u.has("nan_to_num")))
def test_nan_to_num_replacements(u: Unit) -> None:
    T = u.T
    t = T.tensor([math.nan, math.inf, -math.inf, -0.0, 1.5])
    fi = np.finfo(u.np_dtype)
    assert T.nan_to_num(t).tolist() == [0.0, float(fi.max), float(fi.min), -0.0, 1.5]
    assert T.nan_to_num(t, 1.0, 2.0, -2.0).tolist() == [1.0, 2.0, -2.0, -0.0, 1.5]
    assert t.nan_to_num(posinf=7.0).tolist() == [0.0, 7.0, float(fi.min), -0.0, 1.5]
    assert t.nan_to_num_(neginf=-7.0) is t and t.tolist() == [0.0, float(fi.max), -7.0, -0.0, 1.5]
    with pytest.raises(TypeError):
        T.nan_to_num(t, posinf="x")


@pytest.mark.parametrize("u", units_where(lambda u: u.has("isclose")))
@given(data=st.data())
def test_isclose_arguments_as_pytorch(u: Unit, data: st.DataObject) -> None:
    """rtol, atol and equal_nan as torch.isclose takes them, on values near each other."""
    torch = pytest.importorskip("torch")
    shape = data.draw(shapes(max_dims=2), label="shape")
    a = data.draw(arrays(u, shape), label="a")
    if u.is_bool:
        b = data.draw(arrays(u, shape), label="b")
    else:  # b a few units of rtol or atol away from a
        step = data.draw(st.sampled_from([0, 1, 2, 5, 50]), label="step")
        b = (a.astype(np.float64) * (1 + step * 1e-3) + step).astype(u.np_dtype) if u.is_float else \
            np.clip(py_ints(a) + step, u.lo, u.hi).astype(u.np_dtype)
    rtol = data.draw(st.sampled_from([0.0, 1e-5, 1e-3, 0.1]), label="rtol")
    atol = data.draw(st.sampled_from([0.0, 1e-8, 1.0, 10.0]), label="atol")
    equal_nan = data.draw(st.booleans(), label="equal_nan")
    got = u.T.isclose(as_tensor(u, a), as_tensor(u, b), rtol, atol, equal_nan)
    x, y = (torch.from_numpy(np.asarray(v, dtype=np.float64)) for v in (a, b))  # (we compute in float64)
    want = torch.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan).numpy()
    assert_same(got, want, get_unit("bool"))
    assert u.T.isreal(as_tensor(u, a)).tolist() == np.ones(shape, bool).tolist()
