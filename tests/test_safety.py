"""What a hostile or careless user must not get: a tensor object with nothing behind
it, silently wrong in-place results through aliased or expanded memory, bool bytes
other than 0 and 1, inexact integer ranges, results that leave satchel for NumPy,
truncated paths, reads that do not stop, and prints that never end."""

from __future__ import annotations

import math
import os
import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import satchel
from conftest import UNITS, Unit, requires, to_numpy, units_where

F32 = requires("float32")


# ---- 1. a tensor object always has a tensor behind it -----------------------------------------


def test_tensor_classes_and_subclasses_cannot_be_created_directly(u: Unit) -> None:
    """Only the unit's functions make tensor objects: one Python allocated would have
    no tensor behind it, and len(t), t[k], memoryview(t) would read its payload anyway."""
    cls = type(u.T.zeros(1))
    with pytest.raises(TypeError, match="no constructor"):
        cls()
    with pytest.raises(TypeError, match="cannot be created directly"):
        cls.__new__(cls)

    class Sub(cls):  # type: ignore[misc, valid-type]
        pass

    class Raw(cls):  # type: ignore[misc, valid-type]
        def __new__(c):  # noqa: N804
            return object.__new__(c)

    live = u.T.zeros(4)  # the payload a pooled object could have pointed at
    for make in (Sub, lambda: Sub.__new__(Sub)):
        with pytest.raises(TypeError, match="Sub cannot be created directly"):
            make()
    with pytest.raises(TypeError, match="not safe"):
        Raw()
    assert to_numpy(live).tolist() == [0] * 4


# ---- 2. in-place ops see aliasing by address, not by storage object --------------------------


@F32
def test_inplace_sees_overlap_across_two_imports_of_one_buffer() -> None:
    T = satchel.cpu.float32
    a = np.arange(10, dtype=np.float32)
    expected = a[1:] + a[:-1]
    T.from_numpy(a[1:]).add_(T.from_numpy(a[:-1]))
    np.testing.assert_array_equal(a[1:], expected)

    x = T.arange(10)
    y = satchel.from_dlpack(x[1:])  # another storage object over x's memory
    expected = to_numpy(x[1:]) + to_numpy(x[:-1])
    y.add_(x[:-1])
    np.testing.assert_array_equal(to_numpy(x[1:]), expected)

    b = np.arange(10, dtype=np.float32)
    expected = b[::-1].copy()
    T.from_numpy(b).copy_(T.from_numpy(b[::-1]))
    np.testing.assert_array_equal(b, expected)


# ---- 3. writes through self-overlapping views are refused -------------------------------------

OVERLAP = re.escape("more than one element of the written-to tensor refers to a single memory location")


def test_writes_through_expanded_views_are_refused(u: Unit) -> None:
    x = u.T.ones(1)
    e = x.expand([4])
    writes = [lambda: e.fill_(0), lambda: e.copy_(u.T.zeros(4))]
    if u.has("mul_"):
        writes.append(lambda: e.mul_(u.T.ones(4)))
    writes.append(lambda: e.__setitem__(slice(None), 0))
    for write in writes:
        with pytest.raises(ValueError, match=OVERLAP):
            write()
    assert x.tolist() == [u.py_type(1)]
    assert (e == 1).tolist() == [True] * 4  # reading an expanded view is fine


@F32
def test_writes_through_overlapping_windows_are_refused_and_others_allowed() -> None:
    T = satchel.cpu.float32
    x = T.arange(10)
    with pytest.raises(ValueError, match=OVERLAP):
        x.unfold(0, 3, 1).fill_(0)  # windows share elements
    x.unfold(0, 2, 3).fill_(-1)  # windows 3 apart, 2 long: no element twice
    assert x.tolist() == [-1, -1, 2, -1, -1, 5, -1, -1, 8, 9]
    a = np.zeros(12, dtype=np.float32)  # strides 2 and 3 interleave without colliding
    view = T.from_numpy(np.lib.stride_tricks.as_strided(a, (3, 2), (8, 12)))
    view.fill_(1)
    assert a.tolist() == [1, 0, 1, 1, 1, 1, 0, 1] + [0] * 4
    T.ones((3, 1)).expand([3, 1]).fill_(2)  # size-1 dims of stride 0 hold each address once


# ---- 4. bool memory holds 0 and 1 only ---------------------------------------------------------


@requires("bool")
def test_bool_bytes_other_than_0_and_1_are_refused_or_normalised(tmp_path: Path) -> None:
    B = satchel.cpu.bool
    raw = np.array([0, 1, 2, 255], dtype=np.uint8)
    with pytest.raises(ValueError, match="from_numpy: element 2 is byte 2, not a bool"):
        B.from_numpy(raw.view(np.bool_))
    with pytest.raises(ValueError, match="element 1 is byte 255"):
        B.from_numpy(raw[1::2].view(np.bool_))
    with pytest.raises(ValueError, match="from_dlpack: element 2 is byte 2"):
        B.from_dlpack(raw.view(np.bool_))
    assert B.from_numpy(raw[:2].view(np.bool_)).tolist() == [False, True]

    path = tmp_path / "b"
    path.write_bytes(raw.tobytes())
    with pytest.raises(ValueError, match=f"{re.escape(str(path))}: element 2 is byte 2"):
        B.read1d_file(str(path), 4, binary=True)
    assert B.read1d_file(str(path), 2, binary=True).tolist() == [False, True]

    # Copies convert: any nonzero byte is true, as every conversion to bool.
    copied = B.tensor(raw.view(np.bool_))
    assert copied.tolist() == [False, True, True, True]
    assert np.asarray(copied).view(np.uint8).tolist() == [0, 1, 1, 1]
    if "cpu.int32" in satchel.units("cpu"):
        assert satchel.cpu.int32.tensor(raw.view(np.bool_)).tolist() == [0, 1, 1, 1]
        assert satchel.cpu.int32.tensor(raw[::-1].view(np.bool_)).tolist() == [1, 1, 1, 0]


# ---- 5. integer aranges count in integers ------------------------------------------------------


@requires("int64")
def test_int64_arange_is_exact_beyond_2_to_the_53() -> None:
    L = satchel.cpu.int64
    assert L.arange(2**60, 2**60 + 3).tolist() == [2**60, 2**60 + 1, 2**60 + 2]
    assert L.arange(2**53, 2**53 + 6).tolist() == list(range(2**53, 2**53 + 6))
    assert L.arange(2**63 - 3, 2**63 - 1).tolist() == [2**63 - 3, 2**63 - 2]
    assert L.arange(-(2**63), -(2**63) + 4, 3).tolist() == [-(2**63), -(2**63) + 3]
    assert L.arange(2**62, -(2**62), -(2**61)).tolist() == list(range(2**62, -(2**62), -(2**61)))
    assert L.arange(np.int64(5)).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="do not fit in int64"):
        L.arange(2.0**63, 2.0**63 + 4096, 2048.0)


def test_arange_matches_numpy(u: Unit) -> None:
    if not u.has("arange"):
        pytest.skip("no arange")
    for args in [(5,), (2, 9), (9, 2, -2), (3, 3), (0, 7, 3), (7, 0, 3), (-5, 5, 4)]:
        lo, hi = (min(range(*args), default=0), max(range(*args), default=0))
        if lo < u.lo or hi > u.hi:
            continue
        np.testing.assert_array_equal(to_numpy(u.T.arange(*args)), np.arange(*args).astype(u.np_dtype))
    if u.is_int and u.bits < 64:
        with pytest.raises(ValueError, match=f"values from {int(u.hi)} to {int(u.hi) + 1} do not fit"):
            u.T.arange(int(u.hi), int(u.hi) + 2)
        with pytest.raises(ValueError, match="step must not be zero"):
            u.T.arange(0, 3, 0)


# ---- 6. NumPy operands do not take results out of satchel --------------------------------------


@F32
def test_numpy_operands_defer_to_tensors_and_are_refused() -> None:
    T = satchel.cpu.float32
    x = T.ones(3)
    a = np.ones(3, dtype=np.float32)
    for op in (lambda: x + a, lambda: a + x, lambda: a * x, lambda: a < x, lambda: np.add(a, x)):
        with pytest.raises(TypeError):
            op()
    y = x
    with pytest.raises(TypeError):
        y += a
    assert y is x
    assert type(np.float64(2) + x) is type(x) and (np.float64(2) + x).tolist() == [3.0] * 3
    assert type(x * np.float32(2)) is type(x)
    assert type(x + T.from_numpy(a)) is type(x)  # the explicit way


# ---- 7. paths and 0-d iteration ----------------------------------------------------------------


def test_nul_in_a_path_is_a_value_error(u: Unit, tmp_path: Path) -> None:
    (tmp_path / "xx").write_text("1 1 1")
    bad = str(tmp_path / "xx") + "\0junk"
    with pytest.raises(ValueError, match=r"contains a NUL character") as e:
        u.T.read1d_file(bad, 1)
    assert "\\x00junk" in str(e.value)
    with pytest.raises(ValueError, match=r"contains a NUL character"):
        u.T.write1d_file(u.T.ones(1), bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xx"]


def test_iterating_a_0d_tensor_is_a_type_error(u: Unit) -> None:
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        list(u.T.ones(()))
    assert [t.tolist() for t in u.T.zeros((3, 2))] == [[u.py_type(0)] * 2] * 3
    assert list(u.T.zeros(0)) == []


# ---- 8. reads stop where the size does ---------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_binary_read_of_an_endless_device_reads_only_size(u: Unit) -> None:
    assert u.T.read1d_file("/dev/zero", 5, binary=True).tolist() == [u.py_type(0)] * 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_pipe_is_read_only_as_far_as_needed(binary: bool, tmp_path: Path) -> None:
    """The writer keeps the pipe open: the read must return once it has `size` numbers."""
    u = next((u for u in UNITS if u.is_int), None)
    if u is None:
        pytest.skip("no integer unit built")
    T = u.T
    path = str(tmp_path / "fifo")
    os.mkfifo(path)
    done = threading.Event()

    def writer() -> None:
        with open(path, "wb") as f:
            f.write(np.arange(3, dtype=u.np_dtype).tobytes() if binary else b"0 1 2 ")
            f.flush()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        start = time.monotonic()
        assert T.read1d_file(path, 3, binary=binary).tolist() == [0, 1, 2]
        assert time.monotonic() - start < 5
    finally:
        done.set()
        thread.join()


def test_text_is_streamed_with_positions_across_blocks(u: Unit, tmp_path: Path) -> None:
    path = tmp_path / "t"
    path.write_text("1 " * 40000 + "\n  0 x")  # the bad token lies past the first 64 KiB block
    with pytest.raises(ValueError, match=re.escape(f"{path}:2:5: 'x'")):
        u.T.read1d_file(str(path), 40002)
    assert u.T.read1d_file(str(path), 40001).numel() == 40001


def test_parse_errors_escape_bytes_a_message_cannot_carry(u: Unit, tmp_path: Path) -> None:
    path = tmp_path / "t"
    path.write_bytes(b"1 \xff\x00z 1")
    with pytest.raises(ValueError, match=re.escape(f"{path}:1:3: '\\xff\\x00z'")):
        u.T.read1d_file(str(path), 3)


# ---- 9. printing summarises ---------------------------------------------------------------------


def test_huge_tensors_print_at_once_and_summarised(u: Unit) -> None:
    start = time.monotonic()
    assert repr(u.T.empty([2**40, 0])).endswith("of size 1099511627776x0 with no elements]")
    big = u.T.zeros(10**7)
    lines = repr(big).splitlines()
    assert lines == ["0"] * 3 + ["..."] + ["0"] * 3 + [f"[satchel.{u.device}.{u.dtype.th} of size 10000000]"]
    rows = repr(u.T.zeros((10**4, 10**3))).splitlines()
    assert rows[:3] == ["0 0 0 ... 0 0 0"] * 3 and rows[3] == "..." and len(rows) == 8
    cube = repr(u.T.zeros((100, 2, 100))).splitlines()
    assert cube[0] == "(1,.,.) = " and "(100,.,.) = " in cube and "..." in cube
    assert time.monotonic() - start < 2


@F32
def test_printoptions() -> None:
    T = satchel.cpu.float32
    saved = satchel.get_printoptions()
    assert saved == {"precision": 4, "threshold": 1000, "edgeitems": 3}
    try:
        satchel.set_printoptions(threshold=5, edgeitems=1, precision=2)
        assert repr(T.arange(6) + 0.5).splitlines()[:3] == ["0.50", "...", "5.50"]
        assert repr(T.arange(5) + 0.5).splitlines()[:5] == ["0.50", "1.50", "2.50", "3.50", "4.50"]
        with satchel.printoptions(precision=1):
            assert repr(T.tensor([0.25]))[:3] == "0.2"
        assert satchel.get_printoptions()["precision"] == 2
        with pytest.raises(ValueError, match="edgeitems must be >= 1"):
            satchel.set_printoptions(edgeitems=0)
        with pytest.raises(TypeError, match="threshold must be an int"):
            satchel.set_printoptions(threshold=1.5)  # type: ignore[arg-type]
    finally:
        satchel.set_printoptions(**saved)


@F32
def test_floats_print_each_in_full_without_a_common_scale() -> None:
    T = satchel.cpu.float32
    lines = repr(T.tensor([1e-5, 1.0, 123456.0])).splitlines()
    assert lines[:3] == ["1.0000e-05", "1.0000e+00", "1.2346e+05"]
    assert repr(T.tensor([1e9, math.inf])).splitlines()[:2] == ["1.0000e+09", "       inf"]
    assert repr(T.tensor([0.5, 250.0])).splitlines()[:2] == ["  0.5000", "250.0000"]


@requires("float32")
@pytest.mark.parametrize("u", units_where(lambda u: u.dtype.name == "float32"))
def test_print_of_a_summarised_view_reads_only_its_elements(u: Unit) -> None:
    x = u.T.arange(2000).view([1000, 2]).t()  # non-contiguous: each row a strided view
    assert repr(x).splitlines()[:2] == ["   0    2    4 ... 1994 1996 1998",
                                         "   1    3    5 ... 1995 1997 1999"]


# ---- 11, 12. threads and the host allocator's cache ---------------------------------------------


@F32
def test_num_threads_is_settable_from_any_thread() -> None:
    T = satchel.cpu.float32
    default = satchel.get_num_threads()
    assert default >= 1
    x = T.arange(300_000)
    expected = to_numpy(x) * 2
    try:
        worker = threading.Thread(target=satchel.set_num_threads, args=(1,))
        worker.start()
        worker.join()
        assert satchel.get_num_threads() == 1  # one setting for the process, not per thread
        np.testing.assert_array_equal(to_numpy(x * 2), expected)
        with pytest.raises(ValueError, match="n must be >= 0"):
            satchel.set_num_threads(-1)
    finally:
        satchel.set_num_threads(0)
    assert satchel.get_num_threads() == default


@F32
def test_host_cache_is_bounded_and_can_be_emptied() -> None:
    T = satchel.cpu.float32
    assert satchel.cache_limit() == 2**30
    satchel.empty_cache()
    assert satchel.memory_cached() == 0
    x = T.empty(2**21)  # 8 MiB: a big block
    del x
    assert satchel.memory_cached() >= 8 * 2**20
    satchel.empty_cache()
    assert satchel.memory_cached() == 0
    assert T.ones(2**21).sumall() == 2**21  # allocating again works
