"""The examples run unchanged on the units they name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import satchel

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(satchel.__file__).parents[1]))
    result = subprocess.run([sys.executable, str(EXAMPLES / script)], capture_output=True, text=True, env=env,
                            check=True)
    return result.stdout.splitlines()


def test_seed_prints_440_on_every_unit_it_names() -> None:
    assert run("seed.py") == ["440.0", "440", "440", "440.0"]


def test_logistic_model_learns_on_every_floating_unit() -> None:
    lines = run("logistic.py")
    assert [line.split(":")[0] for line in lines] == [
        "satchel._units.cpu_float16", "satchel._units.cpu_float32", "satchel._units.cpu_float64"]
    for line in lines:
        assert float(line.rsplit(" ", 1)[1]) > 0.95, line
