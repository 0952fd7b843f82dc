"""The satchel.nn examples reach the issue's accuracies on every floating CPU unit (CUDA where there is one)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import satchel

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
pytest.importorskip("sklearn", reason="the digits data ship with scikit-learn (the test extra installs it)")


def example(name: str) -> ModuleType:
    if str(EXAMPLES) not in sys.path:  # cnn_digits imports mlp_digits, as it does run as a script
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """These tensors are small: on a loaded 2-core machine, waking a second thread per op costs 10-20x."""
    before = satchel.get_num_threads()
    satchel.set_num_threads(1)
    yield
    satchel.set_num_threads(before)


DEVICES = ["cpu"] + (["cuda"] if satchel.units("cuda") and satchel.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype, target", [("float16", 0.95), ("float32", 0.97), ("float64", 0.97)])
def test_mlp_digits_reaches_its_accuracy(dtype: str, target: float, device: str) -> None:
    mlp = example("mlp_digits")
    history = mlp.run(dtype, device, mlp.load_digits(), epochs=10, log=lambda line: None)
    assert history.accuracies[-1] >= target, history.accuracies
    assert history.losses[-1] < history.losses[0] / 10


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype, target", [("float16", 0.97), ("float32", 0.98), ("float64", 0.97)])
def test_cnn_digits_reaches_its_accuracy(dtype: str, target: float, device: str) -> None:
    cnn = example("cnn_digits")
    history = cnn.run(dtype, device, example("mlp_digits").load_digits(), epochs=12, log=lambda line: None)
    assert history.accuracies[-1] >= target, history.accuracies


def test_mlp_digits_script_prints_every_epoch() -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(satchel.__file__).parents[1]))
    out = subprocess.run([sys.executable, str(EXAMPLES / "mlp_digits.py"), "--dtype", "float32", "--epochs", "2"],
                         capture_output=True, text=True, env=env, check=True).stdout.splitlines()
    assert [line.split(":")[0] for line in out] == ["float32 epoch 1/2", "float32 epoch 2/2", "float32"]
    assert "test accuracy" in out[0] and out[0].endswith(" ms")
