"""Every op of spec/ops.yaml on every built unit, against NumPy.

Which ops a unit has comes from the spec; each op's expected result is computed
by an oracle below: exactly (integers in Python ints, wrapped as C wraps them;
float arithmetic in the unit's compute type) or, for library math, in float64
compared with a tolerance of a few ulps of the unit's dtype.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import (
    ALL_OP_NAMES,
    SPEC,
    UNITS,
    Unit,
    arrays,
    as_tensor,
    assert_close,
    assert_same,
    elements,
    get_unit,
    other_unit,
    py_ints,
    requires,
    scalars,
    shape_pairs,
    shapes,
    to_numpy,
    trunc_div,
    unit_ops_where,
    units_where,
    wrap_acc,
    wrap_int,
)
from hypothesis import given
from hypothesis import strategies as st
from pointwise_oracles import ORACLES  # the ops of test_pointwise.py

from satchel.codegen.model import Op, Pointwise, Reduce
from satchel.codegen.signature import ACCREAL

# ---- oracles ------------------------------------------------------------------------
# Each takes the unit and NumPy arrays of its dtype and gives the expected array.


def _int_binary(fn: Callable[[Any, Any], Any]) -> Callable[[Unit, np.ndarray, np.ndarray], np.ndarray]:
    def oracle(u: Unit, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return wrap_int(np.frompyfunc(fn, 2, 1)(py_ints(a), py_ints(b)), u)

    return oracle


def _float_binary(fn: Callable[[Any, Any], Any]) -> Callable[[Unit, np.ndarray, np.ndarray], np.ndarray]:
    def oracle(u: Unit, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(fn(a.astype(u.compute), b.astype(u.compute))).astype(u.np_dtype)

    return oracle


BINARY = {  # op -> (integer oracle, float oracle)
    "add": (_int_binary(operator.add), _float_binary(np.add)),
    "sub": (_int_binary(operator.sub), _float_binary(np.subtract)),
    "mul": (_int_binary(operator.mul), _float_binary(np.multiply)),
    "div": (_int_binary(trunc_div), _float_binary(np.divide)),
}

UNARY_EXACT = {  # op -> (integer oracle on Python ints, float function)
    "neg": (operator.neg, np.negative),
    "abs": (abs, np.abs),
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), without overflowing exp for very negative x."""
    e = np.exp(-np.abs(x))
    return np.where(x < 0, e / (1 + e), 1 / (1 + e))


UNARY_MATH = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt, "tanh": np.tanh, "sigmoid": _sigmoid}

REDUCTIONS = {"dot", "sumall", "prodall", "meanall", "minall", "maxall", "varall", "stdall", "normall", "dist"}
FILLING = {"fill_", "copy_"}
COMPARE = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
           "ge": np.greater_equal}


def unary_oracle(u: Unit, name: str, a: np.ndarray) -> np.ndarray:
    if name in UNARY_EXACT:
        int_fn, float_fn = UNARY_EXACT[name]
        if u.is_int:
            return wrap_int(np.frompyfunc(int_fn, 1, 1)(py_ints(a)), u)
        return float_fn(a.astype(u.compute)).astype(u.np_dtype)
    # float16 computes in float32 and rounds; the others are checked against float64 math
    wide = np.float32 if u.dtype.name == "float16" else np.float64
    with np.errstate(all="ignore"):
        return UNARY_MATH[name](a.astype(wide)).astype(u.np_dtype)


def binary_oracle(u: Unit, name: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    int_oracle, float_oracle = BINARY[name]
    return (int_oracle if u.is_int else float_oracle)(u, a, b)


def check_unary(u: Unit, name: str, actual: Any, a: np.ndarray) -> None:
    expected = unary_oracle(u, name, a)
    if name in UNARY_MATH:
        assert_close(actual, expected, u)
    else:
        assert_same(actual, expected, u)


def value_range(u: Unit, name: str) -> st.SearchStrategy[Any]:
    """Inputs for which op `name` gives meaningful (mostly finite) results on u."""
    if not u.is_float:
        return elements(u)  # integers: the whole range, wrap-around included
    big = u.hi
    lo_hi = {
        "add": (-big / 4, big / 4), "sub": (-big / 4, big / 4),
        "mul": (-math.sqrt(big), math.sqrt(big)), "div": (-big, big),
        "neg": (-big, big), "abs": (-big, big),
        "exp": (-math.log(big) - 6, math.log(big) + 1), "sigmoid": (-math.log(big) - 6, math.log(big) + 6),
        "tanh": (-20.0, 20.0), "log": (0.0, big), "sqrt": (0.0, big),
        "sumall": (-big, big) if u.dtype.name != "float64" else (-1e300, 1e300),
        "meanall": (-big, big) if u.dtype.name != "float64" else (-1e300, 1e300),
        "dot": (-1e150, 1e150), "prodall": (-8.0, 8.0),
        "varall": (-1e150, 1e150), "stdall": (-1e150, 1e150), "normall": (-1e150, 1e150), "dist": (-1e150, 1e150),
    }.get(name)
    if lo_hi is None:
        return elements(u)
    return elements(u, *lo_hi)


# ---- the spec and the units agree --------------------------------------------------------


def test_every_spec_op_has_an_oracle() -> None:
    """A new pointwise op or reduction in spec/ops.yaml fails here until it has an oracle.

    (Native ops are algorithms with tests of their own: creation and files in
    test_creation.py and test_io.py.)
    """
    known = set(BINARY) | set(UNARY_EXACT) | set(UNARY_MATH) | REDUCTIONS | FILLING | set(COMPARE) | set(ORACLES)
    here = [op for op in SPEC.ops if isinstance(op.body, Pointwise) or isinstance(op.body, Reduce)
            and not op.body.along_dims]  # (along dims: test_dims.py)
    untested = sorted(op.name for op in here if op.name not in known)
    assert not untested, f"ops without a test: {untested}"


def test_unit_has_exactly_the_ops_of_its_dtype_class(u: Unit) -> None:
    for name, op in ALL_OP_NAMES.items():
        present = name in u.ops
        stale = " (is the build older than spec/ops.yaml? run cmake --build)" if present else ""
        assert hasattr(u.T, name) == present, f"{u.name}.{name}: expected {'present' if present else 'absent'}{stale}"
        if op.sig.is_method:
            assert hasattr(u.T.Tensor, name) == present, f"{u.T.Tensor.__name__}.{name}{stale}"


def test_operators_follow_the_spec(u: Unit) -> None:
    t = u.T.ones(3)
    for op in SPEC.ops:
        if not op.operator:
            continue
        dunder = f"__{op.operator}__"
        fn = getattr(operator, dunder)
        args = (t,) if len(op.sig.args) == 1 else (t, t)
        defined = dunder in dir(u.T.Tensor)  # (not hasattr: type itself has __or__, for X | Y)
        if u.has(op.name):
            assert defined
            fn(*args)
        else:
            assert not defined
            with pytest.raises(TypeError):
                fn(*args)


def test_unit_identity(u: Unit) -> None:
    import satchel

    assert u.T.dtype == u.dtype.name
    assert u.T.device == u.device
    assert u.T.Tensor.__name__ == u.dtype.th
    assert u.T.Tensor.dtype == u.dtype.name
    assert getattr(getattr(satchel, u.device), u.dtype.name) is u.T
    assert satchel.unit(u.dtype.name, u.device) is u.T
    if u.device == "cpu":
        assert getattr(satchel, u.dtype.th) is u.T.Tensor


def test_unknown_unit() -> None:
    import satchel

    with pytest.raises(LookupError, match="no unit cpu.complex64"):
        satchel.unit("complex64")


# ---- binary pointwise ops: tensor (op) tensor, tensor (op) number, in place ----------------------

BINARY_OPS = unit_ops_where(lambda u, op: op.name in BINARY)


@pytest.mark.parametrize("u, name", BINARY_OPS)
@given(data=st.data())
def test_binary_op_tensors(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    sa, sb = data.draw(shape_pairs(), label="shapes")
    el = value_range(u, op.name)
    a = data.draw(arrays(u, sa, el), label="a")
    b = data.draw(arrays(u, sb, el), label="b")
    expected = binary_oracle(u, op.name, a, b)
    ta, tb = as_tensor(u, a), as_tensor(u, b)
    assert_same(getattr(u.T, op.name)(ta, tb), expected, u)
    assert_same(getattr(ta, op.name)(tb), expected, u)
    assert_same(getattr(operator, op.operator)(ta, tb), expected, u)
    assert_same(ta, a, u)  # inputs untouched
    assert_same(tb, b, u)


@pytest.mark.parametrize("u, name", BINARY_OPS)
@given(data=st.data())
def test_binary_op_python_number(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    el = value_range(u, op.name)
    a = data.draw(arrays(u, data.draw(shapes(), label="shape"), el), label="a")
    s = data.draw(scalars(u, el), label="number")
    s_arr = np.array(s, dtype=u.np_dtype)
    ta = as_tensor(u, a)
    right = binary_oracle(u, op.name, a, s_arr)
    assert_same(getattr(u.T, op.name)(ta, s), right, u)
    assert_same(getattr(ta, op.name)(s), right, u)
    assert_same(getattr(operator, op.operator)(ta, s), right, u)
    # reflected: number (op) tensor
    left = binary_oracle(u, op.name, s_arr, a)
    assert_same(getattr(operator, op.operator)(s, ta), left, u)


@pytest.mark.parametrize("u, name", BINARY_OPS)
@given(data=st.data())
def test_binary_op_in_place(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    sa, sb = data.draw(shape_pairs(inplace=True), label="shapes")
    el = value_range(u, op.name)
    a = data.draw(arrays(u, sa, el), label="a")
    b = data.draw(arrays(u, sb, el), label="b")
    s = data.draw(scalars(u, el), label="number")
    expected = binary_oracle(u, op.name, a, b)
    expected_s = binary_oracle(u, op.name, a, np.array(s, dtype=u.np_dtype))
    name = op.name + "_"
    iop = getattr(operator, "i" + op.operator)
    tb = as_tensor(u, b)
    for call in (lambda t, o: getattr(u.T, name)(t, o), lambda t, o: getattr(t, name)(o), iop):
        for other, want in ((tb, expected), (s, expected_s)):
            t = as_tensor(u, a)
            result = call(t, other)
            assert result is t
            assert_same(t, want, u)
    assert_same(tb, b, u)


@pytest.mark.parametrize("u, name", BINARY_OPS)
def test_binary_op_in_place_with_itself(u: Unit, name: str) -> None:
    op = u.ops[name]
    a = np.arange(1, 7).reshape(2, 3).astype(u.np_dtype)
    t = as_tensor(u, a)
    assert getattr(t, op.name + "_")(t) is t
    assert_same(t, binary_oracle(u, op.name, a, a), u)


@pytest.mark.parametrize("u, name", BINARY_OPS)
def test_binary_op_edge_values(u: Unit, name: str) -> None:
    op = u.ops[name]
    """Every pair of edge values (overflow, division by zero, NaN, inf, signed zero), via broadcasting."""
    if u.is_int:
        lo, hi = int(u.lo), int(u.hi)
        vals = sorted({lo, lo + 1, -1 if lo < 0 else 2, 0, 1, 3, 7, hi - 1, hi})
    else:
        fi = np.finfo(u.np_dtype)
        vals = [0.0, -0.0, 1.0, -1.0, 2.5, float(fi.max), float(-fi.max), float(fi.tiny),
                float(fi.smallest_subnormal), math.inf, -math.inf, math.nan]
    v = np.array(vals, dtype=u.np_dtype)
    a, b = v[:, None], v[None, :]
    expected = binary_oracle(u, op.name, a, b)
    assert_same(getattr(u.T, op.name)(as_tensor(u, a), as_tensor(u, b)), expected, u)


# ---- comparisons: tensors of the bool unit ----------------------------------------------------

COMPARE_OPS = unit_ops_where(lambda u, op: op.name in COMPARE)


def compare_oracle(u: Unit, name: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IEEE comparisons in u's compute type (float16 widens to float32 exactly)."""
    return np.asarray(COMPARE[name](a.astype(u.compute), b.astype(u.compute)))


def assert_bool(actual: Any, expected: np.ndarray) -> None:
    """actual is a tensor of satchel.cpu.bool holding expected."""
    B = get_unit("bool")
    assert type(actual) is B.T.Tensor, type(actual)
    assert_same(actual, expected, B)


def compare_elements(u: Unit) -> st.SearchStrategy[Any]:
    """u's values, often small integers so that equal pairs are common; NaN and infinities too."""
    small = st.integers(-2, 2).map(float) if u.is_float else elements(u, -2, 2)
    return st.one_of(small, elements(u, nan=u.is_float, inf=u.is_float))


def edge_values(u: Unit) -> list[Any]:
    if u.is_bool:
        return [False, True]
    if u.is_int:
        lo, hi = int(u.lo), int(u.hi)
        return sorted({lo, lo + 1, -1 if lo < 0 else 2, 0, 1, hi - 1, hi})
    fi = np.finfo(u.np_dtype)
    return [0.0, -0.0, 1.0, -1.0, 2.5, float(fi.max), float(-fi.max), float(fi.tiny),
            float(fi.smallest_subnormal), math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("u, name", COMPARE_OPS)
@given(data=st.data())
def test_comparison_tensors(u: Unit, name: str, data: st.DataObject) -> None:
    sa, sb = data.draw(shape_pairs(), label="shapes")
    a = data.draw(arrays(u, sa, compare_elements(u)), label="a")
    b = data.draw(arrays(u, sb, compare_elements(u)), label="b")
    expected = compare_oracle(u, name, a, b)
    ta, tb = as_tensor(u, a), as_tensor(u, b)
    assert_bool(getattr(u.T, name)(ta, tb), expected)
    assert_bool(getattr(ta, name)(tb), expected)
    assert_bool(getattr(operator, name)(ta, tb), expected)
    assert_same(ta, a, u)  # inputs untouched
    assert_same(tb, b, u)


@pytest.mark.parametrize("u, name", COMPARE_OPS)
@given(data=st.data())
def test_comparison_python_number(u: Unit, name: str, data: st.DataObject) -> None:
    """t (op) number, and number (op) t, which Python turns into t (swapped op) number."""
    a = data.draw(arrays(u, data.draw(shapes(), label="shape"), compare_elements(u)), label="a")
    s = data.draw(scalars(u, compare_elements(u)), label="number")
    s_arr = np.array(s, dtype=u.np_dtype)
    ta = as_tensor(u, a)
    assert_bool(getattr(u.T, name)(ta, s), compare_oracle(u, name, a, s_arr))
    assert_bool(getattr(operator, name)(ta, s), compare_oracle(u, name, a, s_arr))
    assert_bool(getattr(operator, name)(s, ta), compare_oracle(u, name, s_arr, a))


@pytest.mark.parametrize("u, name", COMPARE_OPS)
def test_comparison_edge_values(u: Unit, name: str) -> None:
    """Every pair of edge values (integer extremes, signed zeros, infinities, NaN): tensors and numbers."""
    v = np.array(edge_values(u), dtype=u.np_dtype)
    a, b = v[:, None], v[None, :]
    assert_bool(getattr(u.T, name)(as_tensor(u, a), as_tensor(u, b)), compare_oracle(u, name, a, b))
    fn = getattr(operator, name)
    for x in edge_values(u):
        x_arr = np.array(x, dtype=u.np_dtype)
        assert_bool(fn(as_tensor(u, v), x), compare_oracle(u, name, v, x_arr))
        assert_bool(fn(x, as_tensor(u, v)), compare_oracle(u, name, x_arr, v))


def test_comparisons_of_strided_views_and_empty_tensors(u: Unit) -> None:
    base = np.random.default_rng(3).integers(-2, 3, (6, 9)).astype(u.np_dtype)
    if u.is_float:
        base[::4, ::3] = np.nan
    t = as_tensor(u, base)
    x, xa = t.t()[1:8:2], base.T[1:8:2]  # (4, 6), neither dimension contiguous
    y, ya = t[:, 3], base[:, 3]  # a column, broadcast over x's rows
    assert not x.is_contiguous() and not y.is_contiguous()
    for name in COMPARE:
        assert_bool(getattr(x, name)(y), compare_oracle(u, name, xa, ya))
        assert_bool(getattr(y[::-1], name)(x), compare_oracle(u, name, ya[::-1], xa))
        assert_bool(getattr(x, name)(x), compare_oracle(u, name, xa, xa))
        assert_bool(getattr(u.T, name)(u.T.zeros((0, 3)), u.T.zeros(3)), np.zeros((0, 3), dtype=bool))
    assert_same(t, base, u)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_nan_compares_as_ieee_says(u: Unit) -> None:
    t = u.T.tensor([math.nan, 1.0])
    assert (t == t).tolist() == [False, True]
    assert (t != t).tolist() == [True, False]
    assert (t != math.nan).tolist() == [True, True]
    for name in ("lt", "le", "gt", "ge"):
        assert getattr(t, name)(math.nan).tolist() == [False, False]
        assert getattr(t, name)(t).tolist() == ([False, True] if name in ("le", "ge") else [False, False])


@pytest.mark.parametrize("u", units_where(lambda u: not u.is_float))
def test_comparison_with_a_number_out_of_range_raises_type_error(u: Unit) -> None:
    """As for `+`: a number the dtype cannot hold (uint8 and -1, bool and 2) is refused, not compared."""
    t = u.T.zeros(2)
    for name in COMPARE:
        fn = getattr(operator, name)
        for bad in (int(u.hi) + 1, int(u.lo) - 1, 0.5, None, "0"):
            with pytest.raises(TypeError):
                fn(t, bad)
            with pytest.raises(TypeError):
                fn(bad, t)
            with pytest.raises(TypeError):
                getattr(u.T, name)(t, bad)


@requires("bool")
def test_bool_compares_as_zero_and_one() -> None:
    B = get_unit("bool").T
    t = B.tensor([False, True])
    assert (t < True).tolist() == [True, False]
    assert (t == 1).tolist() == [False, True] and (0 == t).tolist() == [True, False]
    assert (t >= B.tensor([[True], [False]])).tolist() == [[False, True], [True, True]]


@requires("int64")
def test_int64_extremes_compare_exactly() -> None:
    T = get_unit("int64").T
    lo, hi = -(1 << 63), (1 << 63) - 1
    t = T.tensor([lo, hi - 1, hi])
    assert (t == hi).tolist() == [False, False, True]
    assert (t > hi - 1).tolist() == [False, False, True]
    assert (lo < t).tolist() == [False, True, True]
    with pytest.raises(TypeError):
        t < hi + 1  # noqa: B015 - it raises


def test_tensors_are_unhashable_like_numpy_arrays(u: Unit) -> None:
    t = u.T.zeros(2)
    assert u.T.Tensor.__hash__ is None
    with pytest.raises(TypeError, match="unhashable"):
        hash(t)
    with pytest.raises(TypeError, match="unhashable"):
        {t}  # noqa: B018 - it raises



def test_truth_is_that_of_the_only_element(u: Unit) -> None:
    T = u.T
    assert bool(T.ones(1)) and not bool(T.zeros(())) and bool(T.ones((1, 1)))
    for shape in [(2,), (0,), (2, 1)]:
        with pytest.raises(ValueError, match="truth value of a tensor of [02] elements is ambiguous"):
            bool(T.zeros(shape))
    with pytest.raises(ValueError, match="ambiguous"):
        if T.zeros(3) == T.zeros(3):  # not "is it non-empty"
            pass

# ---- unary pointwise ops --------------------------------------------------------------------

UNARY_OPS = unit_ops_where(lambda u, op: op.name in UNARY_EXACT or op.name in UNARY_MATH)


@pytest.mark.parametrize("u, name", UNARY_OPS)
@given(data=st.data())
def test_unary_op(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    a = data.draw(arrays(u, data.draw(shapes(), label="shape"), value_range(u, op.name)), label="a")
    ta = as_tensor(u, a)
    check_unary(u, op.name, getattr(u.T, op.name)(ta), a)
    check_unary(u, op.name, getattr(ta, op.name)(), a)
    if op.operator:
        check_unary(u, op.name, getattr(operator, op.operator)(ta), a)
    assert_same(ta, a, u)
    if op.inplace:
        for call in (lambda t: getattr(u.T, op.name + "_")(t), lambda t: getattr(t, op.name + "_")()):
            t = as_tensor(u, a)
            assert call(t) is t
            check_unary(u, op.name, t, a)


@pytest.mark.parametrize("u, name", UNARY_OPS)
def test_unary_op_edge_values(u: Unit, name: str) -> None:
    op = u.ops[name]
    if u.is_int:
        vals = sorted({int(u.lo), int(u.lo) + 1, 0, 1, int(u.hi) - 1, int(u.hi)})
    else:
        fi = np.finfo(u.np_dtype)
        vals = [0.0, -0.0, 1.0, -1.0, 0.5, -30.0, 30.0, float(fi.max), float(-fi.max), float(fi.tiny),
                float(fi.smallest_subnormal), math.inf, -math.inf, math.nan]
    a = np.array(vals, dtype=u.np_dtype)
    check_unary(u, op.name, getattr(u.T, op.name)(as_tensor(u, a)), a)


def _dense_inputs(name: str, dtype: np.dtype) -> np.ndarray:
    """Inputs over an op's whole domain: both ends, subnormals, the specials."""
    fi = np.finfo(dtype)
    rng = np.random.default_rng(3)
    tiny, big = float(fi.smallest_subnormal), float(fi.max)
    if name == "exp":  # from where it rounds to 0 to where it overflows
        a = np.linspace(math.log(tiny) - 1, math.log(big) + 1, 200_001)
    elif name == "sigmoid":  # from where it rounds to 0 to where it rounds to 1
        a = np.linspace(math.log(tiny) - 1, -math.log(float(fi.eps)) + 1, 200_001)
    elif name == "tanh":  # the polynomial near 0, the exp form beyond 0.625, and 1
        a = np.concatenate([np.linspace(-25, 25, 200_001), rng.uniform(-1e-3, 1e-3, 10_000)])
    else:  # log, sqrt: every binade, subnormals included, and what is outside the domain
        a = np.exp(np.linspace(math.log(tiny), math.log(big), 200_001))
        a = np.concatenate([a, [0.0, -0.0, -1.0, -math.inf]])
    return np.concatenate([a, rng.uniform(-5, 5, 100_000), [math.inf, -math.inf, math.nan]]).astype(dtype)


@pytest.mark.parametrize("u, name", unit_ops_where(lambda u, op: op.name in ("exp", "log", "tanh", "sqrt", "sigmoid")
                                                  and u.dtype.name in ("float32", "float64")))
def test_math_within_two_ulps_over_its_whole_range(u: Unit, name: str) -> None:
    """satchel's own vectorised math against float64 math (float32) or NumPy's
    (float64), in units in the last place of the result; infinities and NaNs
    exactly where the oracle has them; contiguous and strided inputs alike."""
    a = _dense_inputs(name, u.np_dtype)
    got = to_numpy(getattr(u.T, name)(as_tensor(u, a)))
    with np.errstate(all="ignore"):
        want = UNARY_MATH[name](a.astype(np.float64)).astype(u.np_dtype)
    finite = np.isfinite(want)
    assert np.array_equal(np.isnan(got), np.isnan(want)), a[np.isnan(got) != np.isnan(want)][:5]
    assert np.array_equal(got[~finite], want[~finite], equal_nan=True)
    ulp = np.spacing(np.maximum(np.abs(want[finite]), np.finfo(u.np_dtype).smallest_subnormal).astype(u.np_dtype))
    worst = np.abs(got[finite].astype(np.float64) - want[finite]) / ulp
    assert worst.max() <= 2, (a[finite][worst.argmax()], got[finite][worst.argmax()], want[finite][worst.argmax()])
    # A stepped view goes through the one-element form, contiguous input through the
    # form over SIMD registers where there is one: the two agree bit for bit.
    stepped = to_numpy(getattr(u.T, name)(as_tensor(u, np.repeat(a, 2))[::2]))
    bits = np.dtype(f"u{u.np_dtype.itemsize}")
    assert np.array_equal(np.isnan(stepped), np.isnan(got))
    assert np.array_equal(stepped[~np.isnan(got)].view(bits), got[~np.isnan(got)].view(bits))


# ---- integer semantics, spelled out -------------------------------------------------------------


@requires("int8")
def test_int8_wraps_around() -> None:
    T = get_unit("int8").T
    assert (T.tensor([127]) + 1).tolist() == [-128]
    assert (T.tensor([-128]) - 1).tolist() == [127]
    assert (T.tensor([64]) * 2).tolist() == [-128]
    assert (-T.tensor([-128])).tolist() == [-128]
    assert abs(T.tensor([-128])).tolist() == [-128]
    assert (T.tensor([-128]) / -1).tolist() == [-128]


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_integer_division_truncates_toward_zero_and_zero_divisor_gives_zero(u: Unit) -> None:
    T = u.T
    lo, hi = int(u.lo), int(u.hi)
    if lo < 0:
        a, b = [7, -7, 7, -7, 5, 0, lo, lo, hi], [2, 2, -2, -2, 0, 0, -1, 1, -1]
    else:
        a, b = [7, 7, 5, 0, hi, hi - 1, 1], [2, 3, 0, 0, hi, hi, hi]
    want = wrap_int([trunc_div(x, y) for x, y in zip(a, b)], u).tolist()
    assert T.div(T.tensor(a), T.tensor(b)).tolist() == want
    assert (T.tensor(a) / 0).tolist() == [0] * len(a)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_integer_division_is_exact_where_quotients_are_nearly_whole(u: Unit) -> None:
    """Integers up to 32 bits divide in floating point (math.h says why that is
    exact): every pair of 8-bit values, and for wider types the quotients within
    1/|b| of a whole number, where a rounding error would show, at every magnitude."""
    lo, hi = int(u.lo), int(u.hi)
    if u.bits == 8:
        v = np.arange(lo, hi + 1)
        a, b = (m.ravel() for m in np.meshgrid(v, v))
    else:
        rng = np.random.default_rng(11)
        b = np.concatenate([rng.integers(1, 300, 20_000), rng.integers(1, hi, 20_000, endpoint=True)])
        b = np.concatenate([b, -b]) if lo < 0 else np.concatenate([b, b])
        q = rng.integers(0, hi, b.size, endpoint=True) // np.abs(b)
        a = np.clip(q * b + rng.integers(-1, 2, b.size), lo, hi)
        a = np.concatenate([a, [lo, lo, hi, hi, 0]])
        b = np.concatenate([b, [-1 if lo < 0 else 1, 1, hi, 1, hi]])
    want = wrap_int([trunc_div(x, y) for x, y in zip(a.tolist(), b.tolist())], u)
    got = to_numpy(u.T.div(as_tensor(u, a.astype(u.np_dtype)), as_tensor(u, b.astype(u.np_dtype))))
    assert np.array_equal(got, want.astype(u.np_dtype)), (a[got != want][:5], b[got != want][:5])


@requires("uint8")
def test_uint8_divides_by_255() -> None:
    """Regression: x / 255 on uint8 took the signed `x / -1` shortcut (uint8(-1) == 255) and gave -x."""
    T = get_unit("uint8").T
    assert (T.tensor([10, 200, 255]) / 255).tolist() == [0, 0, 1]
    assert T.div(T.tensor([10, 254]), T.tensor([255, 255])).tolist() == [0, 0]
    assert (255 / T.tensor([255, 1])).tolist() == [1, 255]


@requires("uint8")
def test_uint8_wraps_around() -> None:
    T = get_unit("uint8").T
    assert (T.tensor([0]) - 1).tolist() == [255]
    assert (-T.tensor([1, 0])).tolist() == [255, 0]
    assert (T.tensor([16]) * 16).tolist() == [0]


# ---- reductions ---------------------------------------------------------------------------------

REDUCTION_OPS = unit_ops_where(lambda u, op: op.name in REDUCTIONS)


def reduction_oracle(u: Unit, name: str, a: np.ndarray, b: np.ndarray | None) -> Any:
    """The exact result (integers: wrapped to accreal); floats: the float64 result and an error bound."""
    if name in ("minall", "maxall"):
        return (np.min if name == "minall" else np.max)(a).item()
    if u.is_float:
        x = a.astype(np.float64).ravel()
        if name == "sumall":
            return math.fsum(x), len(x) * float(np.finfo(np.float64).eps) * math.fsum(np.abs(x))
        if name == "meanall":
            if not len(x):
                return math.nan
            return math.fsum(x) / len(x), len(x) * float(np.finfo(np.float64).eps) * math.fsum(np.abs(x)) / len(x)
        if name in ("varall", "stdall"):  # two passes in float64, with Bessel's correction
            if len(x) < 2:
                return math.nan  # 0 / max(n - 1, 0)
            var = float(np.var(x, ddof=1))
            bound = 4 * len(x) * float(np.finfo(np.float64).eps) * float(np.sum(x * x)) / (len(x) - 1)
            return (var, bound) if name == "varall" else (math.sqrt(var), math.sqrt(bound))
        if name in ("normall", "dist"):  # the 2-norm, of self - other for dist
            d = x - b.astype(np.float64).ravel() if name == "dist" else x
            norm = math.hypot(*d)  # correctly scaled: no square underflows or overflows
            return norm, 4 * len(d) * float(np.finfo(np.float64).eps) * norm
        if name == "dot":
            p = x * b.astype(np.float64).ravel()
            return math.fsum(p), 2 * len(x) * float(np.finfo(np.float64).eps) * math.fsum(np.abs(p))
        value = float(np.prod(x))
        return value, 2 * len(x) * float(np.finfo(np.float64).eps) * abs(value)
    ints = [int(v) for v in a.ravel()]
    if name == "sumall":
        return wrap_acc(sum(ints), u)
    if name == "meanall":  # the accreal sum divided as C divides
        return trunc_div(wrap_acc(sum(ints), u), len(ints))
    if name == "dot":
        return wrap_acc(sum(x * int(y) for x, y in zip(ints, b.ravel())), u)
    return wrap_acc(math.prod(ints), u)


def check_reduction(u: Unit, op: Op, result: Any, expected: Any) -> None:
    want_type = u.acc_type if op.sig.return_type == ACCREAL else u.py_type
    assert type(result) is want_type, f"{op.name} returned {type(result).__name__}, not {want_type.__name__}"
    if isinstance(expected, tuple):
        value, bound = expected
        assert math.isclose(result, value, rel_tol=0, abs_tol=bound + 1e-300) or result == value
    elif isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(result)
    else:
        assert result == expected


@pytest.mark.parametrize("u, name", REDUCTION_OPS)
@given(data=st.data())
def test_reduction(u: Unit, name: str, data: st.DataObject) -> None:
    op = u.ops[name]
    shape = data.draw(shapes(), label="shape")
    nan = u.is_float and op.name in ("minall", "maxall")
    el = value_range(u, op.name) if not nan else elements(u, nan=True, inf=True)
    a = data.draw(arrays(u, shape, el), label="a")
    b = data.draw(arrays(u, shape, el), label="b") if op.name in ("dot", "dist") else None
    args = [as_tensor(u, a)] + ([as_tensor(u, b)] if b is not None else [])
    if a.size == 0 and isinstance(op.body, Reduce) and op.body.combine.identity is None:
        with pytest.raises(ValueError, match="empty"):
            getattr(u.T, op.name)(*args)
        return
    expected = reduction_oracle(u, op.name, a, b)
    check_reduction(u, op, getattr(u.T, op.name)(*args), expected)
    check_reduction(u, op, getattr(args[0], op.name)(*args[1:]), expected)


@pytest.mark.parametrize("u, name", REDUCTION_OPS)
def test_reduction_of_empty_tensor(u: Unit, name: str) -> None:
    op = u.ops[name]
    args = [u.T.zeros((0, 3))] * len([a for a in op.sig.args if str(a.type) == "Tensor"])
    if op.body.combine.identity is None:
        with pytest.raises(ValueError, match=f"{op.name}: the tensor is empty"):
            getattr(u.T, op.name)(*args)
    elif op.name in ("meanall", "varall", "stdall"):  # 0 / 0
        result = getattr(u.T, op.name)(*args)
        assert (math.isnan(result) if u.is_float else result == 0) and type(result) is u.acc_type
    else:
        result = getattr(u.T, op.name)(*args)
        assert result == int(op.body.combine.identity) and type(result) is u.acc_type


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_min_max_propagate_nan(u: Unit) -> None:
    for vals in ([math.nan, 1.0, 2.0], [1.0, math.nan, -math.inf], [1.0] * 20 + [math.nan], [math.nan]):
        t = u.T.tensor(vals)
        assert math.isnan(u.T.minall(t)) and math.isnan(u.T.maxall(t))
    t = u.T.tensor([1.0, -math.inf, math.inf])
    assert u.T.minall(t) == -math.inf and u.T.maxall(t) == math.inf


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_integer_accumulation_wraps_in_accreal(u: Unit) -> None:
    T = u.T
    n = 1 << 12
    t = T.full(n, int(u.hi))
    assert T.sumall(t) == wrap_acc(n * int(u.hi), u)
    assert T.dot(t, t) == wrap_acc(n * int(u.hi) ** 2, u)
    assert T.prodall(T.full(70, int(u.hi))) == wrap_acc(int(u.hi) ** 70, u)
    if u.lo < 0:
        assert T.sumall(T.full(n, int(u.lo))) == wrap_acc(n * int(u.lo), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int or u.dtype.name == "bool"))
def test_sums_of_narrow_integers_stay_exact_across_blocks(u: Unit) -> None:
    """dot and sumall of 1- and 2-byte integers add up in 32-bit lanes, a block at a
    time: the extremes, over several blocks and a ragged end, and random values in
    views, as Python's exact sums say."""
    T = u.T
    n = 3 * (1 << 16) + 77
    for v in {int(u.lo), int(u.hi)}:
        t = T.full(n, v)
        assert T.sumall(t) == wrap_acc(n * v, u)
        assert T.dot(t, t) == wrap_acc(n * v * v, u)
    a = np.random.default_rng(7).integers(int(u.lo), int(u.hi), 2 * n, endpoint=True).astype(u.np_dtype)
    x, y = as_tensor(u, a), as_tensor(u, a[::-1].copy())
    want = [int(v) for v in a.tolist()]
    assert T.sumall(x) == wrap_acc(sum(want), u)
    assert T.dot(x, y) == wrap_acc(sum(p * q for p, q in zip(want, reversed(want))), u)
    assert T.sumall(x[1::3]) == wrap_acc(sum(want[1::3]), u)


@requires("bool")
def test_bool_reductions_count() -> None:
    T = get_unit("bool").T
    t = T.tensor([True, False, True, True])
    assert T.sumall(t) == 3 and type(T.sumall(t)) is int
    assert T.prodall(t) == 0 and T.prodall(T.ones(5)) == 1
    assert T.dot(t, T.tensor([True, True, False, True])) == 2
    assert T.minall(t) is False and T.maxall(t) is True


@requires("bool")
def test_bool_min_and_max_find_a_lone_value_anywhere() -> None:
    """minall and maxall of bools fold in byte lanes, 128 at a time: a lone False
    (True) is found wherever it lies, in the lanes, in the ragged end, or in a view."""
    T = get_unit("bool").T
    for n in (1, 127, 128, 129, 1000, 4096 + 45):
        for where in sorted({0, n // 2, n - 1}):
            a = np.ones(n, dtype=bool)
            a[where] = False
            assert T.minall(T.from_numpy(a)) is False and T.maxall(T.from_numpy(a)) is (n > 1)
            assert T.minall(T.from_numpy(~a)) is (n == 1) and T.maxall(T.from_numpy(~a)) is True
            assert T.minall(T.from_numpy(np.ones(n, dtype=bool))) is True
            assert T.maxall(T.from_numpy(np.zeros(n, dtype=bool))) is False
    a = np.ones(3000, dtype=bool)
    a[1001] = False
    assert T.minall(T.from_numpy(a)[1::2]) is False and T.minall(T.from_numpy(a)[::2]) is True


# ---- fill_ and copy_ -----------------------------------------------------------------------------


@pytest.mark.parametrize("u", units_where(lambda u: u.has("fill_")))
@given(data=st.data())
def test_fill(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(), label="shape")
    v = data.draw(scalars(u, elements(u, nan=u.is_float, inf=u.is_float)), label="value")
    t = u.T.empty(shape)
    assert u.T.fill_(t, v) is t
    assert_same(t, np.full(shape, v, dtype=u.np_dtype), u)
    t2 = u.T.zeros(shape)
    assert t2.fill_(v) is t2
    assert_same(t2, np.full(shape, v, dtype=u.np_dtype), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("copy_")))
@given(data=st.data())
def test_copy_broadcasts_source(u: Unit, data: st.DataObject) -> None:
    shape, src_shape = data.draw(shape_pairs(inplace=True), label="shapes")
    src = data.draw(arrays(u, src_shape), label="src")
    t = u.T.zeros(shape)
    assert u.T.copy_(t, as_tensor(u, src)) is t
    assert_same(t, np.broadcast_to(src, shape), u)
    t2 = u.T.zeros(shape)
    v = data.draw(scalars(u), label="number")
    assert t2.copy_(v) is t2
    assert_same(t2, np.full(shape, v, dtype=u.np_dtype), u)


# ---- large tensors: the multi-threaded paths -----------------------------------------------------


@pytest.mark.parametrize("u", units_where(lambda u: not u.is_bool))
def test_large_tensors_use_every_chunk(u: Unit) -> None:
    rng = np.random.default_rng(1)
    n = 3 * 32768 + 37  # above the parallel threshold, not a multiple of the chunk size
    if u.is_float:
        a = rng.uniform(-4, 4, n).astype(u.np_dtype)
        b = rng.uniform(-4, 4, n).astype(u.np_dtype)
    else:
        a = rng.integers(int(u.lo), int(u.hi), n, endpoint=True).astype(u.np_dtype)
        b = rng.integers(int(u.lo), int(u.hi), n, endpoint=True).astype(u.np_dtype)
    a[n // 2 + 5] = u.hi if u.is_int else 5  # the extremes away from the first chunk
    a[n - 1] = u.lo if u.is_int else -5
    ta, tb = as_tensor(u, a), as_tensor(u, b)
    assert_same(ta + tb, binary_oracle(u, "add", a, b), u)
    m = a[: 250 * 390].reshape(250, 390)
    assert_same(as_tensor(u, m) * as_tensor(u, b[:390]), binary_oracle(u, "mul", m, b[:390]), u)
    assert u.T.minall(ta) == a.min() and u.T.maxall(ta) == a.max()
    assert_bool(ta < tb, a < b)  # a bool result: another item size than the inputs'
    assert_bool(as_tensor(u, m) >= as_tensor(u, b[:390]), m >= b[:390])
    for name, args in (("sumall", (ta,)), ("dot", (ta, tb))):
        op = ALL_OP_NAMES[name]
        check_reduction(u, op, getattr(u.T, name)(*args), reduction_oracle(u, name, a, b))
    t = as_tensor(u, a)
    t += 1
    assert_same(t, binary_oracle(u, "add", a, np.array(1, dtype=u.np_dtype)), u)


# ---- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("u", units_where(lambda u: u.has("dot")))
def test_dot_of_mismatched_shapes_names_both(u: Unit) -> None:
    for sa, sb in (((2,), (3,)), ((2, 3), (3, 2)), ((6,), (2, 3))):
        with pytest.raises(ValueError) as e:
            u.T.dot(u.T.ones(sa), u.T.ones(sb))
        assert repr(sa) in str(e.value) and repr(sb) in str(e.value)


@pytest.mark.parametrize("u, name", BINARY_OPS)
def test_non_broadcastable_shapes_raise_value_error(u: Unit, name: str) -> None:
    op = u.ops[name]
    T = u.T
    fn = getattr(T, op.name)
    with pytest.raises(ValueError, match="broadcast"):
        fn(T.ones(2), T.ones(3))
    with pytest.raises(ValueError, match="broadcast"):
        fn(T.ones((2, 3)), T.ones((3, 2)))
    with pytest.raises(ValueError, match="broadcast"):
        getattr(operator, op.operator)(T.ones(0), T.ones(2))
    assert fn(T.ones((4, 1)), T.ones(3)).shape == (4, 3)  # while these do
    # in place, the result must keep self's shape
    t = T.ones(3)
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        getattr(T, op.name + "_")(t, T.ones((2, 3)))
    assert_same(t, np.ones(3, dtype=u.np_dtype), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("copy_")))
def test_copy_from_non_broadcastable_raises(u: Unit) -> None:
    with pytest.raises(ValueError):
        u.T.copy_(u.T.zeros(3), u.T.ones(2))
    with pytest.raises(ValueError):
        u.T.copy_(u.T.zeros(3), u.T.ones((2, 3)))


@pytest.mark.parametrize("u", units_where(lambda u: other_unit(u) is not None))
def test_tensor_of_another_unit_raises_type_error(u: Unit) -> None:
    """Unit functions and methods take their own unit's tensors; the operators promote
    (the Array API namespace, tested in test_array_api.py)."""
    v = other_unit(u)
    assert v is not None
    mine, theirs = u.T.ones(3), v.T.ones(3)
    calls: list[Callable[[], Any]] = [lambda: u.T.dot(mine, theirs), lambda: mine.dot(theirs),
                                      lambda: u.T.copy_(mine, theirs), lambda: u.T.sumall(theirs)]
    for op in SPEC.ops_for(u.dtype):
        if op.name in BINARY:
            calls += [lambda op=op: getattr(u.T, op.name)(mine, theirs),
                      lambda op=op: getattr(mine, op.name + "_")(theirs)]
        elif op.name in COMPARE:  # == too: a bare False (Python's fallback, `is`) would hide the mistake
            calls += [lambda op=op: getattr(u.T, op.name)(mine, theirs),
                      lambda op=op: getattr(operator, op.operator)(mine, theirs)]
        elif op.name in UNARY_EXACT or op.name in UNARY_MATH:
            calls.append(lambda op=op: getattr(u.T, op.name)(theirs))
    for call in calls:
        with pytest.raises(TypeError):
            call()
    assert_same(mine, np.ones(3, dtype=u.np_dtype), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_integer_unit_rejects_non_integer_and_out_of_range_numbers(u: Unit) -> None:
    t = u.T.ones(3)
    for bad in (1.5, int(u.hi) + 1, int(u.lo) - 1, "1"):
        with pytest.raises((TypeError, OverflowError)):
            t + bad
        with pytest.raises((TypeError, OverflowError)):
            u.T.fill_(t, bad)
    assert t.tolist() == [1, 1, 1]


def test_built_units_import() -> None:
    from conftest import UNIT_IMPORT_ERRORS

    assert not UNIT_IMPORT_ERRORS


def test_units_are_listed() -> None:
    import satchel

    assert [u.name for u in UNITS] == satchel.units("cpu")
    assert all(to_numpy(u.T.zeros(1)).dtype == u.np_dtype for u in UNITS)
