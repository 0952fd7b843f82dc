"""DLPack: zero-copy exchange with NumPy and PyTorch (CPU), versioned capsules, copy=."""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import satchel

CPU = [satchel.unit(name.split(".")[1]) for name in satchel.units("cpu")]


@pytest.mark.parametrize("T", CPU, ids=lambda T: T.dtype)
def test_numpy_round_trip_shares_memory(T: object) -> None:
    t = T.zeros((2, 3))
    a = np.from_dlpack(t)
    assert a.dtype == np.dtype(T.dtype) and a.shape == (2, 3)
    t.fill_(1)
    assert a.all()
    back = satchel.from_dlpack(a)
    assert satchel.unit_of(back) is T
    a[...] = 0
    assert not np.asarray(back).any()


def test_export_outlives_the_tensor_and_views_keep_their_strides() -> None:
    t = satchel.cpu.float32.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    a = np.from_dlpack(t.transpose(0, 1))
    del t
    assert a.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]


def test_protocol_arguments() -> None:
    t = satchel.cpu.float64.ones(3)
    assert t.__dlpack_device__() == (1, 0)
    assert type(t.__dlpack__(max_version=(1, 0))).__name__ == "PyCapsule"
    copy = np.from_dlpack(t, copy=True)
    copy[0] = 5
    assert t.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(BufferError):
        t.__dlpack__(dl_device=(2, 0))


def test_read_only_producer_needs_a_copy() -> None:
    a = np.arange(3.0)
    a.flags.writeable = False
    assert satchel.from_dlpack(a).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(BufferError):
        satchel.from_dlpack(a, copy=False)


def test_pytorch_round_trip_shares_memory() -> None:
    torch = pytest.importorskip("torch")
    t = satchel.cpu.float32.zeros(4)
    x = torch.from_dlpack(t)
    t.fill_(2)
    assert x.tolist() == [2.0] * 4
    y = torch.arange(5, dtype=torch.int64)
    s = satchel.from_dlpack(y)
    assert satchel.unit_of(s) is satchel.cpu.int64
    y.add_(1)
    assert s.tolist() == [1, 2, 3, 4, 5]


# ---- capsules, both protocol versions, errors, lifetime ------------------------------


@pytest.mark.parametrize("max_version", [None, (1, 0)], ids=["legacy", "versioned"])
def test_capsules_of_both_versions_are_taken_once(max_version: tuple[int, int] | None) -> None:
    T = satchel.cpu.int16
    t = T.arange(6).view((2, 3)).t()
    capsule = t.__dlpack__(max_version=max_version)
    s = T.from_dlpack(capsule)
    assert s.shape == (3, 2) and s.strides == t.strides and s.tolist() == t.tolist()
    s[0, 0] = 7
    assert t[0, 0].item() == 7  # shared
    with pytest.raises(ValueError, match="unconsumed DLPack capsule, got one named 'used_dltensor"):
        T.from_dlpack(capsule)


def test_unit_refuses_another_dtype_and_names_both() -> None:
    with pytest.raises(TypeError, match=r"the elements are float32, not int32 \(satchel.cpu.int32\)"):
        satchel.cpu.int32.from_dlpack(np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="does not support DLPack"):
        satchel.from_dlpack([1, 2, 3])
    with pytest.raises(BufferError, match="cannot export a tensor on cpu:0 to cuda:0"):
        satchel.cpu.int32.zeros(2).__dlpack__(dl_device=(2, 0))
    with pytest.raises(ValueError, match="stream must be None"):
        satchel.cpu.int32.zeros(2).__dlpack__(stream=1)


def test_bfloat16_from_pytorch_is_refused_clearly() -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="no dtype for DLPack elements of type code 4, 16 bits"):
        satchel.from_dlpack(torch.zeros(2, dtype=torch.bfloat16))


def test_copy_true_makes_independent_memory_and_says_so() -> None:
    a = np.arange(4.0)
    t = satchel.from_dlpack(a, copy=True)
    a[0] = 9
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    u = satchel.cpu.float64.tensor([1.0, 2.0])
    back = np.from_dlpack(u, copy=True)
    back[0] = 5
    assert u.tolist() == [1.0, 2.0]


def test_negative_strides_zero_size_and_zero_d() -> None:
    a = np.arange(6.0)[::-2]
    t = satchel.from_dlpack(a)
    assert t.tolist() == [5.0, 3.0, 1.0] and t.strides == (-2,)
    assert satchel.from_dlpack(np.zeros((0, 3), np.int16)).shape == (0, 3)
    z = satchel.from_dlpack(np.array(2.5, np.float32))
    assert z.shape == () and z.item() == 2.5
    assert np.from_dlpack(satchel.cpu.uint8.full((), 3)).tolist() == 3


def test_imported_memory_is_released_with_the_last_view() -> None:
    a = np.zeros(3)
    before = sys.getrefcount(a)
    t = satchel.from_dlpack(a)
    view = t[1:]
    assert sys.getrefcount(a) > before
    del t
    gc.collect()
    assert sys.getrefcount(a) > before  # the view still holds the producer's memory
    del view
    gc.collect()
    assert sys.getrefcount(a) == before


def _resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux's /proc to read resident memory")
def test_exported_tensors_are_freed_with_their_capsule_or_consumer() -> None:
    """tracemalloc sees the Python objects (capsules, arrays); the tensors' own memory
    is C++'s, so resident memory says whether it was freed."""
    T = satchel.cpu.float64
    n = 1 << 18  # 2 MiB a tensor: 300 leaked would be 600 MiB

    def churn() -> None:
        for i in range(100):
            T.ones(n).__dlpack__(max_version=(1, 0) if i % 2 else None)  # dropped unconsumed
            np.from_dlpack(T.ones(n)).sum()
            T.from_dlpack(T.ones(n).__dlpack__())

    churn()  # warm up caches
    gc.collect()
    rss = _resident_bytes()
    tracemalloc.start()
    try:
        churn()
        gc.collect()
        python_bytes, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert python_bytes < 1 << 16
    assert _resident_bytes() - rss < 64 << 20
    a = np.from_dlpack(T.full(4, 2.0))  # the consumer keeps the exported tensor alive
    gc.collect()
    assert a.tolist() == [2.0] * 4


@settings(max_examples=40)
@given(data=st.data())
def test_views_cross_to_numpy_and_back_unchanged(data: st.DataObject) -> None:
    T = data.draw(st.sampled_from(CPU), label="unit")
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5), label="shape")
    base = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    t = T.tensor(base.astype(np.dtype(T.dtype)))
    key = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True), label="key")
    view = t[key]
    a = np.from_dlpack(view)
    np.testing.assert_array_equal(a, np.asarray(view), strict=True)
    back = satchel.from_dlpack(a)
    assert satchel.unit_of(back) is T and back.shape == view.shape and back.strides == view.strides
    if view.numel():
        assert np.shares_memory(np.asarray(back), np.asarray(t))
