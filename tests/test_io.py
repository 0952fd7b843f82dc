"""read1d_file / write1d_file: exact round trips for every dtype, and every error."""

from __future__ import annotations

import itertools
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import Unit, arrays, as_tensor, elements, get_unit, requires, to_numpy, units_where
from hypothesis import given
from hypothesis import strategies as st

_names = itertools.count()


def fresh(directory: Path, suffix: str = "") -> str:
    """A new file name in directory (hypothesis runs many examples in one tmp_path)."""
    return str(directory / f"f{next(_names)}{suffix}")


def write_text(directory: Path, text: str) -> str:
    path = fresh(directory, ".txt")
    Path(path).write_text(text)
    return path


def edge_values(u: Unit) -> np.ndarray:
    if u.is_bool:
        return np.array([False, True], dtype=bool)
    if u.is_int:
        vals = {int(u.lo), int(u.lo) + 1, 0, 1, int(u.hi) - 1, int(u.hi)} | ({-1} if u.lo < 0 else set())
        return np.array(sorted(vals), dtype=u.np_dtype)
    fi = np.finfo(u.np_dtype)
    vals = [0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, fi.max, -fi.max, fi.tiny, -fi.tiny, fi.smallest_subnormal,
            -fi.smallest_subnormal, fi.eps, math.inf, -math.inf, math.nan, 65504.0, 1e-5, 123456.789]
    with np.errstate(over="ignore"):
        return np.array(vals, dtype=np.float64).astype(u.np_dtype)


def assert_identical(got: np.ndarray, want: np.ndarray) -> None:
    """Bit for bit, except that any NaN matches any NaN (text keeps NaN, not its payload)."""
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype.kind == "f":
        nan = np.isnan(want)
        assert np.array_equal(np.isnan(got), nan)
        bits = np.dtype(f"u{got.dtype.itemsize}")
        assert np.array_equal(got[~nan].view(bits), want[~nan].view(bits)), (got, want)
    else:
        assert np.array_equal(got, want)


def round_trip(u: Unit, a: np.ndarray, path: str, binary: bool) -> np.ndarray:
    u.T.write1d_file(as_tensor(u, a), path, binary=binary)
    if binary:
        assert Path(path).read_bytes() == a.astype(a.dtype.newbyteorder("<")).tobytes()
    else:
        assert len(Path(path).read_text().splitlines()) == a.size
    return to_numpy(u.T.read1d_file(path, a.size, binary=binary))


# ---- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_round_trip_of_edge_values(u: Unit, binary: bool, tmp_path: Path) -> None:
    a = edge_values(u)
    assert_identical(round_trip(u, a, fresh(tmp_path), binary), a)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@given(data=st.data())
def test_round_trip_is_exact(u: Unit, binary: bool, tmp_path: Path, data: st.DataObject) -> None:
    el = elements(u, nan=u.is_float, inf=u.is_float)
    a = data.draw(arrays(u, st.integers(0, 40).map(lambda n: (n,)), el), label="values")
    assert_identical(round_trip(u, a, fresh(tmp_path), binary), a)


def test_write_is_a_method_too_and_replaces_the_file(u: Unit, tmp_path: Path) -> None:
    path = write_text(tmp_path, "old contents that are longer than the new ones\n" * 10)
    t = u.T.ones(3)
    assert t.write1d_file(path) is None
    assert Path(path).read_text() == "1\n1\n1\n"
    assert sorted(os.listdir(tmp_path)) == [Path(path).name]  # no temporary left behind


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_text_is_shortest_round_trip_form(u: Unit, tmp_path: Path) -> None:
    path = fresh(tmp_path)
    u.T.write1d_file(u.T.tensor([0.5, -2.0, 0.1]), path)
    lines = Path(path).read_text().splitlines()
    assert lines[:2] == ["0.5", "-2"]
    assert np.array(lines[2], dtype=u.np_dtype) == np.array(0.1, dtype=u.np_dtype) and len(lines[2]) <= 20


def test_reading_accepts_any_whitespace_and_ignores_extra_numbers(u: Unit, tmp_path: Path) -> None:
    path = write_text(tmp_path, "  1\t0 \r\n\n 1\v\f1   0 1 garbage-after-the-numbers")
    assert u.T.read1d_file(path, 5).tolist() == [u.py_type(v) for v in (1, 0, 1, 1, 0)]
    assert u.T.read1d_file(path, 0).shape == (0,)


@pytest.mark.parametrize("u", units_where(lambda u: u.is_float))
def test_float_token_forms(u: Unit, tmp_path: Path) -> None:
    path = write_text(tmp_path, "+1.5 -2e1 1E1 inf -inf nan .25 -0")
    got = u.T.read1d_file(path, 8).tolist()
    assert got[:5] == [1.5, -20.0, 10.0, math.inf, -math.inf]
    assert math.isnan(got[5]) and got[6] == 0.25 and math.copysign(1, got[7]) == -1


@pytest.mark.parametrize("u", units_where(lambda u: u.is_int))
def test_integer_token_forms(u: Unit, tmp_path: Path) -> None:
    assert u.T.read1d_file(write_text(tmp_path, "+5 007 0"), 3).tolist() == [5, 7, 0]
    for bad in ("1.0", "1e3", "0x10", "--5", "+-5", "-+5", "5-", "+", "-", "١"):
        path = write_text(tmp_path, f"3 {bad}")
        with pytest.raises(ValueError, match=re.escape(f"{path}:1:3:")):
            u.T.read1d_file(path, 2)


@requires("bool")
def test_bool_token_forms(tmp_path: Path) -> None:
    T = get_unit("bool").T
    path = write_text(tmp_path, "0 1 true false True False")
    assert T.read1d_file(path, 6).tolist() == [False, True, True, False, True, False]
    for bad in ("2", "-1", "yes", "TRUE", "1.0"):
        with pytest.raises(ValueError, match="not a bool"):
            T.read1d_file(write_text(tmp_path, bad), 1)


@requires("float32")
def test_float32_max_reads_back(tmp_path: Path) -> None:
    """Regression: the shortest text of FLT_MAX (3.4028235e+38) is above FLT_MAX as a double and was refused."""
    T = get_unit("float32").T
    path = write_text(tmp_path, "3.4028235e+38 -3.4028235e38 3.4028235677973e38")
    assert T.read1d_file(path, 3).tolist() == [float(np.finfo(np.float32).max), float(-np.finfo(np.float32).max),
                                               float(np.finfo(np.float32).max)]
    with pytest.raises(ValueError, match="out of range"):
        T.read1d_file(write_text(tmp_path, "3.4028236e38"), 1)


@requires("float16")
def test_float16_text_rounds_once(tmp_path: Path) -> None:
    """A decimal is rounded straight to the nearest half, as NumPy does (no double rounding through float)."""
    T = get_unit("float16").T
    tokens = ["65519.99", "1.0004882812500002", "65504", "1e-8", "-65519"]
    got = T.read1d_file(write_text(tmp_path, " ".join(tokens)), len(tokens)).tolist()
    assert got == [float(np.float16(float(s))) for s in tokens]
    for bad in ("65520", "-65520", "1e5"):
        with pytest.raises(ValueError, match="out of range for float16"):
            T.read1d_file(write_text(tmp_path, bad), 1)


# ---- read errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_missing_file_raises_os_error_naming_it(u: Unit, binary: bool, tmp_path: Path) -> None:
    path = str(tmp_path / "no such file")
    with pytest.raises(FileNotFoundError) as e:
        u.T.read1d_file(path, 3, binary=binary)
    assert isinstance(e.value, OSError) and e.value.filename == path
    with pytest.raises(IsADirectoryError) as e:
        u.T.read1d_file(str(tmp_path), 3, binary=binary)
    assert e.value.filename == str(tmp_path)


def test_bad_token_names_path_line_and_column(u: Unit, tmp_path: Path) -> None:
    path = write_text(tmp_path, "1 0\n\n  1 x1 1\n")
    with pytest.raises(ValueError, match=re.escape(f"{path}:3:5: 'x1'")):
        u.T.read1d_file(path, 5)


def test_out_of_range_token(u: Unit, tmp_path: Path) -> None:
    if u.is_bool:
        bad = ["2", "-1"]
    elif u.is_int:
        bad = [str(int(u.hi) + 1), str(int(u.lo) - 1), "99999999999999999999999"]
    else:
        bad = [{"float16": "65520", "float32": "3.5e38", "float64": "1e309"}[u.dtype.name]]
        bad.append("-" + bad[0])
    for token in bad:
        path = write_text(tmp_path, f"1\n0 {token}")
        with pytest.raises(ValueError, match=re.escape(f"{path}:2:3: '{token}'")) as e:
            u.T.read1d_file(path, 3)
        assert "out of range" in str(e.value) or "not a bool" in str(e.value)


def test_too_few_numbers_says_how_many_were_found(u: Unit, tmp_path: Path) -> None:
    path = write_text(tmp_path, "1 0\n1\n")
    with pytest.raises(ValueError, match=re.escape(f"{path}: expected 5 numbers, found 3")):
        u.T.read1d_file(path, 5)
    with pytest.raises(ValueError, match="found 0"):
        u.T.read1d_file(write_text(tmp_path, " \n "), 1)


def test_short_binary_file(u: Unit, tmp_path: Path) -> None:
    path = fresh(tmp_path)
    u.T.write1d_file(u.T.ones(3), path, binary=True)
    with open(path, "ab") as f:  # half an element more, when elements have more than one byte
        f.write(b"\0" * (u.np_dtype.itemsize // 2))
    with pytest.raises(ValueError, match=r"expected 4 .* found 3") as e:
        u.T.read1d_file(path, 4, binary=True)
    assert path in str(e.value)
    assert u.T.read1d_file(path, 3, binary=True).tolist() == [u.py_type(1)] * 3


def test_negative_size(u: Unit, tmp_path: Path) -> None:
    path = write_text(tmp_path, "1")
    for binary in (False, True):
        with pytest.raises(ValueError, match="size"):
            u.T.read1d_file(path, -1, binary=binary)


# ---- write errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_writing_a_non_1d_tensor_raises_and_leaves_no_file(u: Unit, binary: bool, tmp_path: Path) -> None:
    for shape in ((2, 3), (), (1, 1), (0, 0)):
        path = str(tmp_path / "out")
        with pytest.raises(ValueError, match=re.escape(f"1-D tensor, got shape {shape!r}")):
            u.T.write1d_file(u.T.zeros(shape), path, binary=binary)
        assert os.listdir(tmp_path) == []


def test_writing_into_a_missing_directory_raises_os_error(u: Unit, tmp_path: Path) -> None:
    path = str(tmp_path / "missing" / "out")
    with pytest.raises(FileNotFoundError) as e:
        u.T.write1d_file(u.T.ones(2), path)
    assert e.value.filename == path
    assert os.listdir(tmp_path) == []
