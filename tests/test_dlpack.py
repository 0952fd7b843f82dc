"""DLPack: zero-copy exchange with NumPy and PyTorch (CPU), versioned capsules, copy=."""

from __future__ import annotations

import numpy as np
import pytest

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
