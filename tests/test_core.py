"""The core compiled once: every unit links the same libsatchel_core, so they
share one host allocator (before it, each unit cached its own blocks)."""

from __future__ import annotations

import numpy as np
import pytest

import satchel

BUILT = set(satchel.units("cpu"))


def address(t: object) -> int:
    return int(np.asarray(t).__array_interface__["data"][0])


@pytest.mark.skipif(not {"cpu.float32", "cpu.int32", "cpu.uint8"} <= BUILT, reason="needs cpu float32, int32, uint8")
def test_one_host_allocator_serves_every_unit() -> None:
    nbytes = 23 << 21  # 46 MiB: a big block, cached when freed, of a size nothing else here asks for
    f32, i32, u8 = (satchel.unit(d) for d in ("float32", "int32", "uint8"))
    a = f32.empty(nbytes // 4)
    first = address(a)
    del a  # its block goes back to the allocator's cache
    b = i32.empty(nbytes // 4)  # another unit, the same bytes: the same block
    assert address(b) == first
    del b
    c = u8.empty(nbytes)
    assert address(c) == first


@pytest.mark.skipif(not {"cpu.float32", "cpu.int64"} <= BUILT, reason="needs cpu float32 and int64")
def test_views_made_by_the_core_keep_their_units_types() -> None:
    """Views are computed by the core on untyped tensors; each unit gets its own class back."""
    for dtype in ("float32", "int64"):
        T = satchel.unit(dtype)
        x = T.arange(24).view([2, 3, 4])
        for view in (x.narrow(2, 1, 2), x.select(0, 1), x.transpose(0, 2), x.permute([2, 0, 1]), x[1, ::2],
                     x.unfold(2, 2, 1), x.expand([5, 2, 3, 4]), x.unsqueeze(0).squeeze(0), x[0].t()):
            assert type(view) is T.Tensor
            expected = np.asarray(view)
            assert view.tolist() == expected.tolist()
