"""pybind11 extensions take satchel CPU tensors zero-copy, through the buffer protocol
(``py::buffer``, ``request(true)``) and through DLPack (legacy and versioned capsules).

The extension (tests/pybind11_ext.cpp) is compiled once per run, by a module-scoped
fixture, into a temporary directory; it is not part of satchel. Each of its functions sets element i of what it
is given (counted in row-major order) to start + i and returns the pointer, shape,
strides and old values it saw, so a test can tell it walked satchel's memory itself.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import satchel

pybind11 = pytest.importorskip("pybind11")

SOURCE = Path(__file__).with_name("pybind11_ext.cpp")
NAME = "satchel_pybind11_ext"
BUILT = [d for d in ("float32", "int64") if f"cpu.{d}" in satchel.units("cpu")]
DTYPES = [pytest.param(d, id=d, marks=pytest.mark.skipif(d not in BUILT, reason=f"unit not built: cpu.{d}"))
          for d in ("float32", "int64")]
START = {"float32": 0.5, "int64": -5}
OTHER = {"float32": "int64", "int64": "float32"}
FORMAT = {"float32": "f", "int64": "q"}  # the buffer protocol's (struct module) formats


def _compiler() -> list[str]:
    cxx = shlex.split(sysconfig.get_config_var("CXX") or "")
    if not cxx or shutil.which(cxx[0]) is None:
        cxx = [os.environ.get("CXX", "c++")]
    return cxx


@pytest.fixture(scope="module")
def ext(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("pybind11_ext") / (NAME + sysconfig.get_config_var("EXT_SUFFIX"))
    cmd = [*_compiler(), "-O1", "-shared", "-fPIC", "-std=c++17", "-fvisibility=hidden",
           f"-I{pybind11.get_include()}", f"-I{sysconfig.get_paths()['include']}", str(SOURCE), "-o", str(out)]
    if sys.platform == "darwin":
        cmd += ["-undefined", "dynamic_lookup"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, f"compiling the pybind11 extension failed:\n{shlex.join(cmd)}\n{done.stderr}"
    spec = importlib.util.spec_from_file_location(NAME, out)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _transposed(x: Any) -> Any:
    return np.swapaxes(x, 0, 1) if isinstance(x, np.ndarray) else x.transpose(0, 1)


# Views by the same key on a satchel tensor and on a NumPy array.
VIEWS: dict[str, Callable[[Any], Any]] = {
    "contiguous": lambda x: x,
    "row_step_2": lambda x: x[1, ::2],
    "row_reversed": lambda x: x[2, ::-1],
    "transposed": _transposed,
    "transposed_columns_step_2": lambda x: _transposed(x[:, 1::2]),
    "0d": lambda x: x[1, 2, ...],
}


def _base(dtype: str) -> tuple[Any, np.ndarray]:
    """A (3, 4) tensor of 0..11 and the NumPy array it should equal."""
    a = np.arange(12).reshape(3, 4).astype(dtype)
    return satchel.unit(dtype).tensor(a), a


def _address(t: Any) -> int:
    return np.asarray(t).__array_interface__["data"][0]


def _check_written(seen: dict, t: Any, view: Any, expected: np.ndarray, key: Callable[[Any], Any],
                   start: float, step_unit: str) -> None:
    """The extension wrote view's elements in place, and only those, and saw view's own layout."""
    mirror = key(expected)
    old = np.array(mirror, copy=True)
    mirror[...] = (start + np.arange(mirror.size)).reshape(mirror.shape)  # expected is written through
    assert seen["data"] == _address(view)  # zero-copy: the tensor's own memory
    assert seen["shape"] == view.shape
    strides = np.asarray(view).strides if step_unit == "bytes" else view.strides
    assert seen["strides"] == tuple(strides)
    assert seen["before"] == old.ravel().tolist()
    np.testing.assert_array_equal(np.asarray(t), expected, strict=True)  # views: the rest is untouched


# ---- the buffer protocol ----------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_buffer_protocol_writes_in_place(ext: ModuleType, dtype: str, view: str) -> None:
    t, expected = _base(dtype)
    v = VIEWS[view](t)
    seen = getattr(ext, f"buffer_iota_{dtype}")(v, START[dtype])
    _check_written(seen, t, v, expected, VIEWS[view], START[dtype], "bytes")


@pytest.mark.parametrize("dtype", DTYPES)
def test_buffer_protocol_refuses_another_dtype(ext: ModuleType, dtype: str) -> None:
    t, expected = _base(dtype)
    with pytest.raises(TypeError, match=rf"expected {OTHER[dtype]} elements \(format '{FORMAT[OTHER[dtype]]}'\), "
                                        f"got format '{FORMAT[dtype]}' of {np.dtype(dtype).itemsize} bytes"):
        getattr(ext, f"buffer_iota_{OTHER[dtype]}")(t, 1)
    np.testing.assert_array_equal(np.asarray(t), expected, strict=True)


# ---- DLPack -------------------------------------------------------------------------------

_api = ctypes.pythonapi
_api.PyCapsule_GetName.restype = ctypes.c_char_p
_api.PyCapsule_GetName.argtypes = [ctypes.py_object]

VERSIONS = [pytest.param(None, id="legacy"), pytest.param((1, 0), id="versioned")]


def _capsule_name(capsule: object) -> str:
    return _api.PyCapsule_GetName(capsule).decode()


@pytest.mark.parametrize("max_version", VERSIONS)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_dlpack_writes_in_place(ext: ModuleType, dtype: str, view: str, max_version: tuple[int, int] | None) -> None:
    """The extension calls v.__dlpack__() itself and consumes the capsule."""
    t, expected = _base(dtype)
    v = VIEWS[view](t)
    seen = getattr(ext, f"dlpack_iota_{dtype}")(v, START[dtype], max_version)
    assert seen["capsule"] == ("dltensor_versioned" if max_version else "dltensor")
    if max_version:
        assert seen["version"] == (1, 0)
    _check_written(seen, t, v, expected, VIEWS[view], START[dtype], "elements")


@pytest.mark.parametrize("max_version", VERSIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_dlpack_capsule_is_consumed_once_and_the_tensor_outlives_it(
        ext: ModuleType, dtype: str, max_version: tuple[int, int] | None) -> None:
    t, expected = _base(dtype)
    key = VIEWS["transposed_columns_step_2"]
    v = key(t)
    capsule = v.__dlpack__(max_version=max_version)
    name = _capsule_name(capsule)
    assert name == ("dltensor_versioned" if max_version else "dltensor")
    seen = getattr(ext, f"dlpack_iota_{dtype}")(capsule, START[dtype])
    _check_written(seen, t, v, expected, key, START[dtype], "elements")
    assert _capsule_name(capsule) == "used_" + name  # consumed: its destructor won't free the export again
    with pytest.raises(ValueError, match=f"got one named 'used_{name}'"):
        getattr(ext, f"dlpack_iota_{dtype}")(capsule, START[dtype])
    with pytest.raises(ValueError, match=f"unconsumed DLPack capsule, got one named 'used_{name}'"):
        satchel.unit(dtype).from_dlpack(capsule)
    del capsule, v
    gc.collect()
    np.testing.assert_array_equal(np.asarray(t), expected, strict=True)
    t += 1  # still a live tensor with its own storage
    np.testing.assert_array_equal(np.asarray(t), expected + 1, strict=True)


@pytest.mark.parametrize("max_version", VERSIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_dlpack_refuses_another_dtype_and_leaves_the_capsule_unconsumed(
        ext: ModuleType, dtype: str, max_version: tuple[int, int] | None) -> None:
    t, expected = _base(dtype)
    capsule = t.__dlpack__(max_version=max_version)
    name = _capsule_name(capsule)
    code, bits = (2, 32) if dtype == "float32" else (0, 64)
    with pytest.raises(TypeError, match=f"expected {OTHER[dtype]} elements, got DLPack type code {code}, "
                                        f"{bits} bits, 1 lanes"):
        getattr(ext, f"dlpack_iota_{OTHER[dtype]}")(capsule, 1)
    assert _capsule_name(capsule) == name  # refused, so still the producer's to free
    s = satchel.unit(dtype).from_dlpack(capsule)  # and anyone else may still take it
    assert _address(s) == _address(t)
    np.testing.assert_array_equal(np.asarray(t), expected, strict=True)


def _resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux's /proc to read resident memory")
@pytest.mark.skipif("float32" not in BUILT, reason="unit not built: cpu.float32")
def test_dlpack_consumed_capsules_free_what_they_exported(ext: ModuleType) -> None:
    """Each capsule owns a view of a 2 MiB tensor; if the extension never called the
    deleter, the 100 made here would stay resident (200 MiB)."""
    T = satchel.cpu.float32
    n = 1 << 19

    def churn(rounds: int) -> None:
        for i in range(rounds):
            ext.dlpack_iota_float32(T.zeros(n), 0.0, (1, 0) if i % 2 else None, record=False)
            ext.dlpack_iota_float32(T.zeros(n).__dlpack__(), 0.0, record=False)

    churn(10)  # warm up the allocator
    gc.collect()
    rss = _resident_bytes()
    churn(50)
    gc.collect()
    assert _resident_bytes() - rss < 64 << 20
