"""The device submodules: ``import satchel.cpu``, ``from satchel.cpu import float32``
and ``satchel.cpu.float32`` all reach the same unit, for every device of the spec."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import satchel
from satchel.codegen.model import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[1])
DEVICES = [d.name for d in SPEC.types.devices]
DTYPES = [d.name for d in SPEC.types.dtypes]
BUILT = [tuple(name.split(".")) for name in satchel.units()]  # (device, dtype)
UNBUILT = [(device, dtype) for device in DEVICES for dtype in DTYPES if (device, dtype) not in BUILT]


def from_import(module: str, name: str) -> object:
    """What ``from <module> import <name>`` binds."""
    namespace: dict[str, object] = {}
    exec(f"from {module} import {name}", namespace)
    return namespace[name]


@pytest.mark.parametrize("device", DEVICES)
def test_each_device_is_a_submodule_and_an_attribute(device: str) -> None:
    spec = importlib.util.find_spec(f"satchel.{device}")
    assert spec is not None and spec.origin is not None
    assert Path(spec.origin).parent == Path(satchel.__file__).parent  # satchel/<device>.py
    module = importlib.import_module(f"satchel.{device}")
    assert module.__name__ == f"satchel.{device}"
    assert getattr(satchel, device) is module
    assert from_import("satchel", device) is module


@pytest.mark.parametrize("device,dtype", BUILT, ids=[f"{d}.{t}" for d, t in BUILT])
def test_every_import_form_gives_the_unit(device: str, dtype: str) -> None:
    T = satchel.unit(dtype, device)
    assert T.__name__ == f"satchel._units.{device}_{dtype}"
    assert from_import(f"satchel.{device}", dtype) is T
    assert getattr(importlib.import_module(f"satchel.{device}"), dtype) is T
    assert getattr(getattr(satchel, device), dtype) is T


@pytest.mark.parametrize("device", DEVICES)
def test_dir_and_all_list_the_built_units(device: str) -> None:
    module = importlib.import_module(f"satchel.{device}")
    built = [dtype for d, dtype in BUILT if d == device]
    assert module.__all__ == built
    assert set(built) <= set(dir(module))
    assert not {dtype for d, dtype in UNBUILT if d == device} & set(dir(module))
    namespace: dict[str, object] = {}
    exec(f"from satchel.{device} import *", namespace)
    assert {name: namespace[name] for name in built} == {name: satchel.unit(name, device) for name in built}


def test_a_missing_unit_says_which_were_built() -> None:
    missing = [*UNBUILT, (DEVICES[0], "float128")]  # declared but not built, and never declared
    for device, dtype in missing:
        module = importlib.import_module(f"satchel.{device}")
        with pytest.raises(AttributeError, match=rf"no unit {device}\.{dtype}; built units: "):
            getattr(module, dtype)
        assert not hasattr(module, dtype)
        with pytest.raises(ImportError, match=f"cannot import name '{dtype}' from 'satchel.{device}'"):
            from_import(f"satchel.{device}", dtype)


@pytest.mark.skipif("cuda" not in DEVICES, reason="the spec declares no cuda device")
def test_cuda_reexports_its_runtime() -> None:
    import satchel._cuda
    import satchel.cuda

    for name in satchel._cuda.__all__:
        assert getattr(satchel.cuda, name) is getattr(satchel._cuda, name)
    assert from_import("satchel.cuda", "is_available") is satchel._cuda.is_available
    assert isinstance(satchel.cuda.is_available(), bool)


@pytest.mark.skipif(not BUILT, reason="no unit was built")
def test_from_device_import_unit_is_a_fresh_interpreters_first_import() -> None:
    device, dtype = BUILT[0]
    code = (f"from satchel.{device} import {dtype}\n"
            "import satchel\n"
            f"assert {dtype} is satchel.unit({dtype!r}, {device!r}) is satchel.{device}.{dtype}\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
