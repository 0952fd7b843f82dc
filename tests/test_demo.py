"""``python -m satchel demo``: the seed program on every built unit, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import UNITS, Unit, units_where

import satchel

NUMERIC = [u for u in UNITS if not u.is_bool]


def run_demo(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the demo in a fresh interpreter that imports the same satchel as these tests,
    whether that is the source tree (PYTHONPATH=python) or an installed package."""
    env = dict(os.environ)
    where = str(Path(satchel.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([where] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return subprocess.run([sys.executable, "-m", "satchel", "demo", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def expected_line(u: Unit, value: int) -> str:
    return f"satchel.{u.name}: {float(value) if u.is_float else value}"


@pytest.mark.skipif(not NUMERIC, reason="only the bool unit was built")
def test_demo_prints_440_on_every_numeric_unit() -> None:
    r = run_demo()
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [expected_line(u, 440) for u in NUMERIC]
    assert r.stderr == ""


def test_demo_runs_the_same_program_in_process() -> None:
    from satchel.seed import app

    for u in NUMERIC:
        result = app(u.T)
        assert result == 440 and type(result) is u.acc_type


@pytest.mark.skipif(not NUMERIC, reason="only the bool unit was built")
def test_demo_with_custom_files(tmp_path: Path) -> None:
    x, y = tmp_path / "x", tmp_path / "y"
    xs, ys = [3, 0, 7, 1, 1, 2, 9, 4, 0, 5], [2, 2, 1, 0, 3, 8, 1, 1, 6, 2]
    x.write_text("\n".join(map(str, xs)) + "\n")
    y.write_text(" ".join(map(str, ys)))
    want = sum(a * b for a, b in zip(xs, ys)) + sum(xs)
    r = run_demo(str(x), str(y))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [expected_line(u, want) for u in NUMERIC]


@pytest.mark.parametrize("u", units_where(lambda u: not u.is_bool)[:2])
def test_demo_on_one_dtype(u: Unit) -> None:
    r = run_demo("--dtype", u.dtype.name, "--device", u.device)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [expected_line(u, 440)]


@pytest.mark.skipif(not any(u.is_bool for u in UNITS), reason="bool unit not built")
def test_demo_on_bool_fails_clearly() -> None:
    r = run_demo("--dtype", "bool")
    assert r.returncode != 0
    assert r.stdout == ""
    assert "satchel.cpu.bool: error:" in r.stderr and "not a bool" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.skipif(not UNITS, reason="no unit built")
def test_demo_errors_exit_nonzero(tmp_path: Path) -> None:
    dtype = UNITS[-1].dtype.name
    missing = str(tmp_path / "missing")
    r = run_demo(missing, missing, "--dtype", dtype)
    assert r.returncode != 0 and missing in r.stderr and "Traceback" not in r.stderr
    short = tmp_path / "short"
    short.write_text("1 0 1")
    r = run_demo(str(short), str(short), "--dtype", dtype)
    assert r.returncode != 0 and "found 3" in r.stderr
    r = run_demo("--dtype", "complex64")
    assert r.returncode != 0 and "no unit cpu.complex64" in r.stderr and "Traceback" not in r.stderr
