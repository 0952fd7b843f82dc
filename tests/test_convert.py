"""Conversions: from_numpy shares memory, to() converts between units with the
documented semantics, unit_of names a tensor's unit."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import satchel

CPU = [satchel.unit(name.split(".")[1]) for name in satchel.units("cpu")]
DTYPES = [T.dtype for T in CPU]


def ids(T: object) -> str:
    return str(getattr(T, "dtype", T))


@pytest.mark.parametrize("T", CPU, ids=ids)
def test_from_numpy_shares_memory_both_ways(T: object) -> None:
    a = np.zeros((3, 4), dtype=T.dtype)
    view = a[::2, 1::2]
    t = T.from_numpy(view)
    assert t.shape == view.shape and t.strides == tuple(s // a.itemsize for s in view.strides)
    t.fill_(1)
    assert a[::2, 1::2].all() and not a[1].any()
    view[...] = 0
    assert not np.asarray(t).any()


@pytest.mark.parametrize("T", CPU, ids=ids)
def test_from_numpy_keeps_the_array_alive(T: object) -> None:
    a = np.ones(5, dtype=T.dtype)
    t = T.from_numpy(a)
    del a
    gc.collect()
    assert t.tolist() == [True] * 5 if T.dtype == "bool" else t.tolist() == [1] * 5


@pytest.mark.parametrize("T", CPU, ids=ids)
def test_from_numpy_refuses_another_dtype(T: object) -> None:
    other = "int32" if T.dtype != "int32" else "float32"
    with pytest.raises(TypeError, match=f"are not {T.dtype}; tensor\\(\\) copies"):
        T.from_numpy(np.zeros(3, dtype=other))


def test_from_numpy_refuses_read_only_and_non_buffers() -> None:
    a = np.zeros(3, np.float32)
    a.flags.writeable = False
    with pytest.raises((BufferError, ValueError)):
        satchel.cpu.float32.from_numpy(a)
    with pytest.raises(TypeError, match="does not support the buffer protocol"):
        satchel.cpu.float32.from_numpy([1.0, 2.0])


@pytest.mark.parametrize("T", CPU, ids=ids)
def test_unit_of(T: object) -> None:
    assert satchel.unit_of(T.zeros(2)) is T


def _oracle(values: np.ndarray, dtype: str) -> np.ndarray:
    """The documented conversion: floats truncate and saturate (NaN -> 0), integers wrap, nonzero is true."""
    target = np.dtype(dtype)
    if target.kind == "b":
        return values != 0
    if target.kind in "iu" and values.dtype.kind == "f":
        info = np.iinfo(target)
        wide = np.nan_to_num(values.astype(np.float64), nan=0.0)
        clipped = np.clip(np.trunc(wide), info.min, info.max)
        out = np.where(clipped >= info.max, info.max, np.where(clipped <= info.min, info.min, 0)).astype(target)
        inside = (clipped > info.min) & (clipped < info.max)
        out[inside] = clipped[inside].astype(target)
        return out
    with np.errstate(over="ignore", invalid="ignore"):
        return values.astype(target)


@pytest.mark.parametrize("src", CPU, ids=ids)
@pytest.mark.parametrize("dst", DTYPES)
@given(data=st.data())
def test_to_converts_like_the_documented_casts(src: object, dst: str, data: st.DataObject) -> None:
    kind = np.dtype(src.dtype).kind
    if kind == "f":
        elements = st.floats(width=np.finfo(src.dtype).bits, allow_nan=True, allow_infinity=True)
    elif kind == "b":
        elements = st.booleans()
    else:
        info = np.iinfo(src.dtype)
        elements = st.integers(int(info.min), int(info.max))
    values = np.array(data.draw(st.lists(elements, max_size=20)), dtype=src.dtype)
    converted = src.tensor(values).to(dst)
    assert type(converted).dtype == dst
    expected = _oracle(values, dst)
    got = np.asarray(converted)
    if np.dtype(dst).kind == "f":
        np.testing.assert_array_equal(got, expected)  # NaN compares equal to NaN here
    else:
        assert got.tolist() == expected.tolist()
    source = src.tensor(values)
    made = satchel.unit(dst).from_tensor(source)  # the same conversion, always a copy
    assert type(made) is type(converted) and made is not source
    np.testing.assert_array_equal(np.asarray(made), got, strict=True)
    if values.size and dst == src.dtype:
        assert not np.shares_memory(np.asarray(made), np.asarray(source))


def test_from_tensor_takes_only_satchel_tensors() -> None:
    T = satchel.cpu.int32
    for x in (np.zeros(2), [1, 2], 3):
        with pytest.raises(TypeError, match="from_tensor: expected a tensor of a satchel unit, got"):
            T.from_tensor(x)
    assert T.from_tensor(satchel.cpu.float64.tensor([[1.9, -2.9]]).t()).tolist() == [[1], [-2]]


def test_to_itself_is_itself_and_unknown_targets_fail() -> None:
    t = satchel.cpu.float32.ones(3)
    assert t.to("float32") is t and t.to("cpu") is t
    with pytest.raises(ValueError, match="'floaty' is neither a dtype nor a device"):
        t.to("floaty")
