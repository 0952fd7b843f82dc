"""Signatures you can check: mypy over the generated conformance check, the
examples and the facade; a negative check; stubs agreeing with the binaries."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import satchel

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(satchel.__file__).parent
UNITS = [satchel.unit(name.split(".")[1], name.split(".")[0]) for name in satchel.units()]


def mypy(*targets: str | Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if "site-packages" not in str(PACKAGE):  # a source tree: point mypy at it
        env["MYPYPATH"] = str(PACKAGE.parent)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp / "cache"),
         *map(str, targets)],
        capture_output=True, text=True, env=env, cwd=tmp, check=False)


def modules(*names: str) -> list[str]:
    """mypy arguments naming modules (installed files are found as modules, not paths)."""
    return [arg for name in names for arg in ("-m", name)]


def test_every_unit_satisfies_its_signatures(tmp_path: Path) -> None:
    result = mypy(*modules("satchel._units.check_signatures"), tmp=tmp_path)
    assert result.returncode == 0, result.stdout


def test_facade_type_checks(tmp_path: Path) -> None:
    facade = [f"satchel.{p.stem}" for p in sorted(PACKAGE.glob("*.py")) if p.stem != "__init__"]
    result = mypy(*modules("satchel", *facade), tmp=tmp_path)
    assert result.returncode == 0, result.stdout


def test_examples_type_check(tmp_path: Path) -> None:
    result = mypy(*sorted(ROOT.glob("examples/*.py")), tmp=tmp_path)
    assert result.returncode == 0, result.stdout


def test_integer_unit_is_rejected_where_floating_is_required(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "import satchel\nfrom satchel import signatures\n"
        "T: signatures.FloatingSignature[satchel.cpu.int32.IntTensor, int, int, satchel.cpu.bool.BoolTensor]"
        " = satchel.cpu.int32\n")
    result = mypy("bad.py", tmp=tmp_path)
    assert result.returncode == 1
    assert ('bad.py:3: error: Incompatible types in assignment (expression has type Module, variable has type '
            '"FloatingSignature[IntTensor, int, int, BoolTensor, ') in result.stdout


def test_dot_is_float_on_float_units_and_int_on_int_units(tmp_path: Path) -> None:
    (tmp_path / "reveal.py").write_text(
        "import satchel\n"
        "F = satchel.cpu.float32\nI = satchel.cpu.int32\n"
        "reveal_type(F.dot(F.ones(3), F.ones(3)))\n"
        "reveal_type(I.dot(I.ones(3), I.ones(3)))\n"
        "reveal_type(satchel.FloatTensor)\n")
    out = mypy("reveal.py", tmp=tmp_path).stdout
    assert re.search(r'reveal.py:4: note: Revealed type is "(builtins\.)?float"', out), out
    assert re.search(r'reveal.py:5: note: Revealed type is "(builtins\.)?int"', out), out
    assert "satchel._units.cpu_float32.FloatTensor" in out


def test_device_submodules_type_check(tmp_path: Path) -> None:
    (tmp_path / "devices.py").write_text(
        "import satchel.cuda\n"
        "import satchel.cpu as cpu\n"
        "from satchel.cpu import float32, int32\n"
        "from satchel.cuda import is_available\n"
        "x = float32.ones(3)\n"
        "reveal_type(float32.dot(x, x))\n"
        "reveal_type(int32.dot(int32.ones(3), int32.ones(3)))\n"
        "reveal_type(cpu.float32.ones(3))\n"
        "reveal_type(satchel.cuda.float32.ones(3))\n"
        "reveal_type(satchel.cuda.is_available())\n"
        "reveal_type(is_available)\n"
        "satchel.cuda.synchronize()\n")
    result = mypy("devices.py", tmp=tmp_path)
    out = result.stdout
    assert result.returncode == 0, out
    assert re.search(r'devices.py:6: note: Revealed type is "(builtins\.)?float"', out), out
    assert re.search(r'devices.py:7: note: Revealed type is "(builtins\.)?int"', out), out
    assert 'devices.py:8: note: Revealed type is "satchel._units.cpu_float32.FloatTensor"' in out, out
    assert 'devices.py:9: note: Revealed type is "satchel._units.cuda_float32.FloatTensor"' in out, out
    assert re.search(r'devices.py:10: note: Revealed type is "(builtins\.)?bool"', out), out
    assert re.search(r'devices.py:11: note: Revealed type is "def \(\) -> (builtins\.)?bool"', out), out


def test_a_dtype_the_spec_lacks_is_a_type_error(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("from satchel.cpu import float128\n")
    result = mypy("bad.py", tmp=tmp_path)
    assert result.returncode == 1
    assert 'bad.py:1: error: Module "satchel.cpu" has no attribute "float128"' in result.stdout, result.stdout


def test_comparisons_are_bool_tensors_of_the_same_device(tmp_path: Path) -> None:
    (tmp_path / "reveal.py").write_text(
        "import satchel\n"
        "from satchel.signatures import AccRealT, BoolTensorInvT, LongTensorInvT, RealT, Signature, TensorT\n"
        "F = satchel.cpu.float32\n"
        "x = F.ones(3)\n"
        "reveal_type(F.lt(x, 1.0))\n"
        "reveal_type(x == x)\n"
        "reveal_type(2.0 < x)\n"
        "reveal_type(satchel.cuda.int8.ones(3) != 1)\n"
        "def ge(T: Signature[TensorT, RealT, AccRealT, BoolTensorInvT, LongTensorInvT], x: TensorT) -> BoolTensorInvT:\n"
        "    return T.ge(x, x)\n"
        "reveal_type(ge(F, x))\n"
        "reveal_type(x.__hash__)\n")
    out = mypy("reveal.py", tmp=tmp_path).stdout
    for line in (5, 6, 7, 11):
        assert f'reveal.py:{line}: note: Revealed type is "satchel._units.cpu_bool.BoolTensor"' in out, out
    assert 'reveal.py:8: note: Revealed type is "satchel._units.cuda_bool.BoolTensor"' in out, out
    assert 'reveal.py:12: note: Revealed type is "None"' in out, out  # unhashable, as NumPy arrays


def _binding_params(func: object) -> list[str]:
    """Parameter names from a nanobind docstring's first line: ``f(a: T, b: U = 1) -> R``."""
    doc = (getattr(func, "__doc__", None) or "").lstrip()
    inner = doc[doc.index("(") + 1: doc.index(") ->")]
    names, depth, current = [], 0, ""
    for ch in inner + ",":
        depth += ch in "[(" and 1 or 0
        depth -= ch in "])" and 1 or 0
        if ch == "," and depth == 0:
            if current.strip():
                names.append(re.split(r"[:=]", current)[0].strip())
            current = ""
        else:
            current += ch
    return names


def _stub_functions(unit: ModuleType) -> list[tuple[object, ast.FunctionDef]]:
    stub = PACKAGE / "_units" / f"{unit.__name__.rsplit('.', 1)[1]}.pyi"
    tree = ast.parse(stub.read_text())
    out: list[tuple[object, ast.FunctionDef]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out.append((unit, node))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):  # (_Shaped: the stub's own)
            cls = getattr(unit, node.name)
            out += [(cls, f) for f in node.body if isinstance(f, ast.FunctionDef)]
    return out


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.__name__)
def test_stub_matches_the_binary(unit: ModuleType) -> None:
    for owner, fn in _stub_functions(unit):
        assert hasattr(owner, fn.name), f"{owner}.{fn.name} is in the stub but not the module"
        if any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list):
            continue
        stub_names = [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
        bound = getattr(owner, fn.name)
        if fn.name.startswith("__") or not getattr(bound, "__doc__", None) or "(" not in bound.__doc__:
            continue
        assert _binding_params(bound) == stub_names, f"{owner}.{fn.name}"
