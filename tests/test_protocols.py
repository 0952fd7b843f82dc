"""Tensors as Python numbers and containers: float(), int(), operator.index,
complex(), format(), round(), len(), iteration, `in`, NumPy's __array__,
pickling and copying, on every unit (satchel/_protocols.py)."""

from __future__ import annotations

import copy
import math
import operator
import pickle

import numpy as np
import pytest
from conftest import Unit, as_tensor, assert_same, get_unit, requires, to_numpy, units_where, wrap_int


def one(u: Unit) -> tuple[object, object]:
    """A 0-d tensor and the Python number it holds."""
    value = {"bool": True, "int": 3 if u.lo >= 0 else -3, "float": 3.75}[u.dtype.python]
    return u.T.tensor(value), value


def test_one_element_tensors_convert_as_their_element(u: Unit) -> None:
    t, value = one(u)
    for shaped in (t, t.reshape((1, 1)), t.reshape(1)):
        assert float(shaped) == float(value) and type(float(shaped)) is float
        assert int(shaped) == int(value) and type(int(shaped)) is int  # a float truncates, as int(3.75)
        assert complex(shaped) == complex(value)
        assert f"{shaped}" == f"{value}"
        assert format(shaped, "") == format(value, "") and f"{shaped:>8}" == f"{value:>8}"
    if u.is_float:
        assert f"{t:.3f}" == "3.750" and f"{t:e}" == f"{3.75:e}"


def test_conversions_of_other_sizes_raise_type_error(u: Unit) -> None:
    for shape in [(2,), (0,), (2, 1)]:
        t = u.T.zeros(shape)
        for convert in (float, int, complex):
            with pytest.raises(TypeError, match="one-element"):
                convert(t)
        with pytest.raises(TypeError, match="one-element"):
            f"{t:.2f}"
        assert f"{t}" == str(t)  # an empty spec formats as str()


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_nan_and_inf_convert_as_python_floats_do(u: Unit) -> None:
    assert math.isnan(float(u.T.tensor(math.nan)))
    assert float(u.T.tensor(-math.inf)) == -math.inf
    with pytest.raises(ValueError):
        int(u.T.tensor(math.nan))
    with pytest.raises(OverflowError):
        int(u.T.tensor(math.inf))


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_zero_d_integer_tensors_are_indices(u: Unit) -> None:
    t = u.T.tensor(2)
    assert operator.index(t) == 2 and list(range(t)) == [0, 1]
    assert ["a", "b", "c"][t] == "c"
    assert hex(u.T.tensor(15)) == "0xf"
    with pytest.raises(TypeError, match="0-d"):
        operator.index(u.T.tensor([2]))


@pytest.mark.parametrize("u", units_where(lambda u: not u.is_int))
def test_float_and_bool_tensors_are_not_indices(u: Unit) -> None:
    with pytest.raises(TypeError):
        operator.index(u.T.zeros(()))
    with pytest.raises(TypeError):
        [1, 2][u.T.zeros(())]


@pytest.mark.parametrize("u", units_where(lambda u: u.has("round")))
def test_round_is_elementwise_half_to_even(u: Unit) -> None:
    T = u.T
    if u.is_float:
        a = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 1.25, 123.456], dtype=u.np_dtype)
        assert_same(round(as_tensor(u, a)), np.round(a), u)
        for n in (1, 2, -1, -2):
            got = to_numpy(round(as_tensor(u, a), n))
            np.testing.assert_allclose(got, np.round(a.astype(np.float64), n).astype(u.np_dtype),
                                       rtol=2 * float(np.finfo(u.np_dtype).eps))
    else:
        hi = int(u.hi)
        a = np.array([15, 25, 35, 44, 45, 46, 0, hi - 9, *([-15, -25, -45] if u.lo < 0 else [])], dtype=u.np_dtype)
        assert_same(round(as_tensor(u, a)), a, u)
        assert_same(round(as_tensor(u, a), 2), a, u)
        for n in (-1, -2):  # (NumPy rounds int64 through float64, which loses digits near 2^63)
            want = [round(int(x), n) for x in a.tolist()]  # Python's: half to even, exactly
            assert_same(round(as_tensor(u, a), n), wrap_int(want, u), u)
        assert round(T.tensor([int(u.hi)]), -30).tolist() == [0]
        # a multiple past the dtype wraps around, as integer arithmetic does
        assert round(T.tensor([hi]), -1).tolist() == wrap_int([(hi + 5) // 10 * 10], u).tolist()
    with pytest.raises(TypeError):
        round(T.ones(2), 1.5)  # type: ignore[call-overload]


@requires("bool")
def test_round_of_bools_raises_type_error() -> None:
    with pytest.raises(TypeError, match="no round"):
        round(get_unit("bool").T.ones(2))


def test_len_iteration_and_membership(u: Unit) -> None:
    a = np.arange(6).reshape(3, 2).astype(u.np_dtype)
    t = as_tensor(u, a)
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(type(r) is type(t) for r in rows)
    for r, want in zip(rows, a):
        assert_same(r, want, u)
    assert u.py_type(a[1, 1]) in t and (1 in t)
    assert u.py_type(0) in t
    if not u.is_bool:
        assert 100 not in t
    assert 1 not in u.T.zeros((0, 2))
    with pytest.raises(TypeError, match="0-d"):
        len(u.T.zeros(()))
    with pytest.raises(TypeError, match="0-d"):
        iter(u.T.zeros(()))


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_nan_is_not_in_a_tensor(u: Unit) -> None:
    assert math.nan not in u.T.tensor([math.nan, 1.0])  # as NumPy: NaN equals nothing
    assert 1.0 in u.T.tensor([math.nan, 1.0])


def test_array_protocol_honours_dtype_and_copy(u: Unit) -> None:
    a = np.arange(4).astype(u.np_dtype)
    t = as_tensor(u, a)
    shared = t.__array__()
    assert shared.dtype == u.np_dtype and np.array_equal(shared, a)
    shared[0] = 1  # the tensor's own memory
    assert t.tolist()[0] == u.py_type(1)
    copied = t.__array__(copy=True)
    copied[1] = 0
    assert t.tolist()[1] == u.py_type(1)
    as64 = t.__array__(dtype=np.float64)
    assert as64.dtype == np.float64 and as64.tolist() == [float(x) for x in t.tolist()]
    with pytest.raises(ValueError, match="copy"):
        t.__array__(dtype=np.dtype("complex64"), copy=False)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("shape", [(), (0,), (1,), (3, 4), (2, 0, 3)])
def test_pickle_round_trips_by_value(u: Unit, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(2)
    a = (rng.integers(0, 2, shape) if u.is_bool else rng.integers(-5, 100, shape) if u.lo < 0
         else rng.integers(0, 100, shape)).astype(u.np_dtype)
    t = as_tensor(u, a)
    for proto in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(t, protocol=proto))
        assert type(back) is type(t)
        assert_same(back, a, u)
    view = t.t() if t.ndim == 2 else t  # a non-contiguous view pickles its elements in its own order
    assert_same(pickle.loads(pickle.dumps(view)), to_numpy(view), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_pickle_keeps_special_values_bit_for_bit(u: Unit) -> None:
    a = np.array([-0.0, math.inf, -math.inf, math.nan, float(np.finfo(u.np_dtype).smallest_subnormal)],
                 dtype=u.np_dtype)
    back = to_numpy(pickle.loads(pickle.dumps(as_tensor(u, a))))
    bits = np.dtype(f"u{u.np_dtype.itemsize}")
    assert np.array_equal(back.view(bits), a.view(bits))


def test_copy_and_deepcopy_are_independent(u: Unit) -> None:
    a = np.arange(6).reshape(2, 3).astype(u.np_dtype)
    t = as_tensor(u, a)
    for c in (copy.copy(t), copy.deepcopy(t), copy.deepcopy([t, t])[0]):
        assert type(c) is type(t)
        assert_same(c, a, u)
        c.fill_(0)
        assert_same(t, a, u)
