"""Creating tensors (empty, zeros, ones, full, arange, tensor), the tensor class's
Python protocol (shape, strides, tolist, item, len, buffer) and printing."""

from __future__ import annotations

import array
import math
from typing import Any

import numpy as np
import pytest
from conftest import (
    UNITS,
    Unit,
    arrays,
    as_tensor,
    assert_same,
    elements,
    get_unit,
    requires,
    scalars,
    shapes,
    units_where,
)
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

CREATORS = ("empty", "zeros", "ones")


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    out, step = [], 1
    for s in reversed(shape):
        out.append(step)
        step *= max(s, 1)
    return tuple(reversed(out))


# ---- empty, zeros, ones, full --------------------------------------------------------------------


@given(shape=shapes())
def test_empty_zeros_ones(u: Unit, shape: tuple[int, ...]) -> None:
    for name in CREATORS:
        t = getattr(u.T, name)(shape)
        assert type(t) is u.T.Tensor
        assert t.shape == shape and t.ndim == len(shape) and t.numel() == math.prod(shape)
        assert t.strides == contiguous_strides(shape) and t.is_contiguous() and t.storage_offset() == 0
    assert_same(u.T.zeros(shape), np.zeros(shape, dtype=u.np_dtype), u)
    assert_same(u.T.ones(shape), np.ones(shape, dtype=u.np_dtype), u)


def test_shape_may_be_an_int_or_any_sequence_of_ints(u: Unit) -> None:
    assert u.T.zeros(3).shape == (3,)
    assert u.T.zeros([2, 3]).shape == (2, 3)
    assert u.T.zeros(range(1, 4)).shape == (1, 2, 3)
    assert u.T.zeros(np.array([2, 2])).shape == (2, 2)
    assert u.T.zeros(()).shape == () and u.T.zeros([]).numel() == 1
    for bad in ("3", [2.0], 2.5, None, [[2]]):
        with pytest.raises(TypeError):
            u.T.zeros(bad)


@given(data=st.data())
def test_full(u: Unit, data: st.DataObject) -> None:
    shape = data.draw(shapes(), label="shape")
    v = data.draw(scalars(u, elements(u, nan=u.is_float, inf=u.is_float)), label="value")
    assert_same(u.T.full(shape, v), np.full(shape, v, dtype=u.np_dtype), u)


def test_negative_size_raises_value_error(u: Unit) -> None:
    for name in CREATORS:
        with pytest.raises(ValueError, match=r"negative size -1 in shape \(2, -1\)"):
            getattr(u.T, name)((2, -1))
    with pytest.raises(ValueError, match="negative size"):
        u.T.full(-3, u.py_type(1))


def test_too_many_dimensions(u: Unit) -> None:
    assert u.T.zeros([1] * 16).ndim == 16
    with pytest.raises(ValueError, match="at most 16 dimensions"):
        u.T.zeros([1] * 17)


def test_allocation_too_large(u: Unit) -> None:
    # more bytes than any machine has: MemoryError saying how many
    with pytest.raises(MemoryError, match=r"cannot allocate \d+ bytes"):
        u.T.empty(2**53 // u.np_dtype.itemsize)
    with pytest.raises(MemoryError, match="cannot allocate"):
        u.T.zeros((2**20, 2**20, 2**10))
    # more elements than int64 or bytes than size_t holds: OverflowError naming the shape
    with pytest.raises(OverflowError, match=r"shape \(4611686018427387904, 4\)"):
        u.T.zeros((2**62, 4))
    for size in (2**63 - 1, 2**62 + 1):  # OverflowError when the bytes overflow size_t, else MemoryError
        with pytest.raises((MemoryError, OverflowError), match="bytes"):
            u.T.ones(size)
    # sizes that are not even int64
    for size in (2**63, 2**64, -(2**63) - 1, [3, 2**70]):
        with pytest.raises(OverflowError, match="int64"):
            u.T.empty(size)


# ---- arange ----------------------------------------------------------------------------------------


def arange_oracle(u: Unit, start: float, end: float, step: float) -> np.ndarray:
    n = max(0, math.ceil((end - start) / step))
    assert n == len(np.arange(start, end, step))  # NumPy's length
    return (start + np.arange(n, dtype=np.float64) * step).astype(u.np_dtype)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("arange")))
@given(data=st.data())
def test_arange(u: Unit, data: st.DataObject) -> None:
    if u.is_int:
        lo, hi = max(int(u.lo), -1000), min(int(u.hi), 1000)
        start, end = data.draw(st.integers(lo, hi)), data.draw(st.integers(lo, hi))
        step = data.draw(st.integers(-50, 50).filter(bool))
    else:
        start, end = data.draw(st.floats(-1000, 1000)), data.draw(st.floats(-1000, 1000))
        step = data.draw(st.floats(-50, 50).filter(lambda s: abs(s) > 0.1))
    expected = arange_oracle(u, start, end, step)
    assert_same(u.T.arange(start, end, step), expected, u)
    assert_same(u.T.arange(start, end=end, step=step), expected, u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("arange")))
def test_arange_forms(u: Unit) -> None:
    T, py = u.T, u.py_type
    assert T.arange(5).tolist() == [py(v) for v in range(5)]
    assert T.arange(2, 5).tolist() == [py(v) for v in (2, 3, 4)]
    assert T.arange(10, 0, -3).tolist() == [py(v) for v in (10, 7, 4, 1)]
    assert T.arange(0).shape == (0,) and T.arange(5, 2).shape == (0,) and T.arange(2, 5, -1).shape == (0,)
    if u.is_float:
        assert T.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
        assert T.arange(0, 1, 0.1).numel() == len(np.arange(0, 1, 0.1)) == 10


@pytest.mark.parametrize("u", units_where(lambda u: u.has("arange")))
def test_arange_errors(u: Unit) -> None:
    with pytest.raises(ValueError, match="step must not be zero"):
        u.T.arange(0, 5, 0)
    for args in ((math.inf,), (0, math.nan), (0, 5, math.inf)):
        with pytest.raises(ValueError, match="finite"):
            u.T.arange(*args)
    if u.dtype.name != "float64":  # (nothing finite is out of float64's range)
        with pytest.raises(ValueError, match=f"do not fit in {u.dtype.name}"):
            u.T.arange(0, float(u.hi) * 3, float(u.hi))
        with pytest.raises(ValueError, match=f"do not fit in {u.dtype.name}"):
            start = float(u.lo) - max(1.0, abs(float(u.lo)))
            u.T.arange(start, 0, -start / 2)
    with pytest.raises(ValueError, match="too many elements"):
        u.T.arange(0, 1e30, 1e-5)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int and u.has("arange")))
def test_arange_stops_at_the_integer_range(u: Unit) -> None:
    """Regression: int64's max is 2**63 as a double, so 2**63 itself passed the range check (and wrapped)."""
    top = int(u.hi)
    if u.bits < 53:  # (doubles hold every int64 arange value only up to 2**53)
        assert u.T.arange(top - 2, top + 1).tolist() == [top - 2, top - 1, top]
    with pytest.raises(ValueError, match="do not fit"):
        u.T.arange(0, 2 * (top + 1), top + 1)  # 0, top + 1
    with pytest.raises(ValueError, match="do not fit"):
        u.T.arange(float(top + 1), float(top + 1) * 1.0001)


@pytest.mark.parametrize("u", units_where(lambda u: not u.has("arange")))
def test_arange_is_absent_where_the_spec_leaves_it_out(u: Unit) -> None:
    assert not hasattr(u.T, "arange")


# ---- tensor(data) ---------------------------------------------------------------------------------


@given(data=st.data())
def test_tensor_from_nested_lists(u: Unit, data: st.DataObject) -> None:
    a = data.draw(arrays(u, shapes(), elements(u, nan=u.is_float, inf=u.is_float)), label="a")
    assume(0 not in a.shape[:-1])  # nested lists cannot hold sides after a 0
    nested = a.tolist()
    assert_same(u.T.tensor(nested), a, u)
    assert_same(u.T.tensor(tuple(nested) if isinstance(nested, list) else nested), a, u)
    assert u.T.tensor(nested).tolist() == nested or u.is_float  # NaN != NaN


def test_tensor_from_scalars_and_empty_lists(u: Unit) -> None:
    one = u.py_type(1)
    t = u.T.tensor(one)
    assert t.shape == () and t.item() == one and t.tolist() == one
    assert u.T.tensor([]).shape == (0,)
    assert u.T.tensor([[]]).shape == (1, 0)
    assert u.T.tensor([[], []]).shape == (2, 0)
    assert u.T.tensor([[one], [one]]).shape == (2, 1)


def test_ragged_lists_raise_value_error(u: Unit) -> None:
    one = u.py_type(1)
    for ragged in ([[one, one], [one]], [one, [one]], [[one], one], [[[one]], [one]], [[one], []], [[], [one]]):
        with pytest.raises(ValueError, match="ragged nested sequence"):
            u.T.tensor(ragged)


def test_non_numbers_raise_type_error(u: Unit) -> None:
    for bad in (["a"], [1, object()], [[1], [object()]], "12", b"12", {1: 2}) + (() if u.is_bool else ([None],)):
        with pytest.raises(TypeError):
            u.T.tensor(bad)


SOURCE_DTYPES = ["bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64",
                 "float16", "float32", "float64"]


def convertible(u: Unit, src: np.dtype) -> st.SearchStrategy[Any]:
    """Source values whose conversion to u's dtype NumPy defines: floats going to integers
    are kept well inside the integer's range (C leaves the rest undefined)."""
    if src.kind == "f" and u.is_int:
        fi = np.finfo(src)
        lo = float(np.float64(max(float(u.lo), float(-fi.max)) / 2).astype(src))
        hi = float(np.float64(min(float(u.hi), float(fi.max)) / 2).astype(src))
        return hnp.from_dtype(src, min_value=lo, max_value=hi, allow_nan=False)
    return hnp.from_dtype(src)


@pytest.mark.parametrize("src", SOURCE_DTYPES)
@given(data=st.data())
def test_tensor_from_numpy_of_any_dtype(u: Unit, src: str, data: st.DataObject) -> None:
    dt = np.dtype(src)
    a = data.draw(hnp.arrays(dt, shapes(max_dims=3), elements=convertible(u, dt)), label="a")
    view = data.draw(st.sampled_from(["whole", "step", "reversed", "transposed"]), label="view")
    if view == "step" and a.ndim:
        a = a[::2]
    elif view == "reversed" and a.ndim:
        a = a[::-1]
    elif view == "transposed":
        a = a.T
    with np.errstate(all="ignore"):
        expected = a.astype(u.np_dtype)
    assert_same(u.T.tensor(a), expected, u)


def test_tensor_from_non_contiguous_numpy_slices(u: Unit) -> None:
    base = (np.arange(60) % 7).reshape(3, 4, 5)
    for a in (base[:, 1:3, ::2], base[::-1, :, 3], base.transpose(2, 0, 1), base[1], base[:, :0], base[0, 0, 0]):
        for src in ("int32", "float64"):
            x = a.astype(src) if a.ndim else np.array(a, dtype=src)
            assert_same(u.T.tensor(x), x.astype(u.np_dtype), u)
    # broadcast views (stride 0)
    x = np.broadcast_to(np.arange(3, dtype=np.int16), (4, 3))
    assert_same(u.T.tensor(x), x.astype(u.np_dtype), u)


@requires("float16")
def test_float16_from_float64_rounds_once() -> None:
    """Regression: float64 -> float16 went through float32, rounding twice (1 + 2**-11 + 2**-40 became 1.0)."""
    T = get_unit("float16").T
    x = np.array([1 + 2**-11 + 2**-40, -(1 + 2**-11 + 2**-40), 2048 + 1 + 2**-30, 65519.99, 1e-300, 2**-25 + 2**-60])
    want = x.astype(np.float16)
    assert_same(T.tensor(x), want, get_unit("float16"))
    assert T.tensor(x.tolist()).tolist() == want.tolist()
    assert [T.full(1, v).item() for v in x.tolist()] == want.tolist()
    assert (T.zeros(6) + T.tensor(x.tolist())).tolist() == want.tolist()


def test_tensor_from_buffers(u: Unit) -> None:
    py = u.py_type
    assert u.T.tensor(bytearray(b"\x00\x01\x02")).tolist() == [py(0), py(1), py(2)]
    assert u.T.tensor(array.array("d", [1.0, 0.0])).tolist() == [py(1), py(0)]
    assert u.T.tensor(array.array("h", [0, 1, 1])).tolist() == [py(0), py(1), py(1)]
    mv = memoryview(np.arange(6, dtype=np.int32).tobytes()).cast("i", (2, 3))
    assert_same(u.T.tensor(mv), np.arange(6).reshape(2, 3).astype(u.np_dtype), u)
    with pytest.raises(TypeError, match="format"):
        u.T.tensor(np.arange(3, dtype=">i4"))


def test_tensor_copies_tensors(u: Unit) -> None:
    src = u.T.tensor([u.py_type(1), u.py_type(0)])
    copy = u.T.tensor(src)
    assert copy is not src and copy.tolist() == src.tolist()
    np.asarray(src)[0] = 0
    assert copy.tolist()[0] == u.py_type(1)  # its own storage
    for v in UNITS:  # and tensors of every other unit, converted
        assert_same(u.T.tensor(v.T.ones((2, 2))), np.ones((2, 2), dtype=u.np_dtype), u)


# ---- the tensor's Python protocol -----------------------------------------------------------------


def test_python_protocol(u: Unit) -> None:
    a = (np.arange(6) % 2).reshape(2, 3).astype(u.np_dtype)
    t = as_tensor(u, a)
    assert len(t) == 2 and t.ndim == 2 and t.numel() == 6 and t.strides == (3, 1)
    assert t.tolist() == a.tolist() and all(type(v) is u.py_type for row in t.tolist() for v in row)
    one = u.T.tensor([u.py_type(1)])
    assert one.item() == 1 and type(one.item()) is u.py_type
    with pytest.raises(ValueError, match="6 elements"):
        t.item()
    with pytest.raises(TypeError, match="0-d"):
        len(u.T.zeros(()))
    assert len(u.T.zeros((0, 4))) == 0


def test_buffer_protocol_shares_memory(u: Unit) -> None:
    t = u.T.zeros((2, 3))
    view = np.asarray(t)
    assert view.dtype == u.np_dtype and view.shape == (2, 3)
    assert view.strides == tuple(s * u.np_dtype.itemsize for s in t.strides)
    view[1, 2] = 1
    assert t.tolist()[1][2] == u.py_type(1)
    u.T.fill_(t, u.py_type(1))
    assert view.all()
    m = memoryview(t)
    assert m.shape == (2, 3) and m.itemsize == u.np_dtype.itemsize
    assert np.asarray(u.T.zeros(())).shape == ()


# ---- printing ----------------------------------------------------------------------------------------


def test_repr_is_values_then_footer(u: Unit) -> None:
    footer = f"[satchel.{u.device}.{u.dtype.th} of size"
    assert repr(u.T.zeros(10)).splitlines() == ["0"] * 10 + [f"{footer} 10]"]
    assert repr(u.T.ones((2, 3))).splitlines() == ["1 1 1"] * 2 + [f"{footer} 2x3]"]
    assert repr(u.T.zeros((0, 3))) == f"{footer} 0x3 with no elements]"
    assert repr(u.T.ones(())) == f"1\n{footer} ()]"
    assert str(u.T.ones(1)) == repr(u.T.ones(1))
    lines = repr(u.T.zeros((2, 2, 2))).splitlines()
    assert lines[0] == "(1,.,.) = " and lines[-1] == f"{footer} 2x2x2]"


@requires("float32", "int32")
def test_repr_formats_like_th() -> None:
    F, I = get_unit("float32").T, get_unit("int32").T
    assert repr(F.arange(3)) == "0\n1\n2\n[satchel.cpu.FloatTensor of size 3]"
    assert repr(F.tensor([[1.5, -2], [3, 4]])) == (
        " 1.5000 -2.0000\n 3.0000  4.0000\n[satchel.cpu.FloatTensor of size 2x2]")
    assert repr(I.tensor([1, -10, 100])) == "  1\n-10\n100\n[satchel.cpu.IntTensor of size 3]"
    assert repr(F.tensor([math.nan, 1.5])) == "   nan\n1.5000\n[satchel.cpu.FloatTensor of size 2]"
