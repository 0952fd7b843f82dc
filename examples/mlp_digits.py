"""A two-layer MLP on scikit-learn's bundled digits (8x8 images, 10 classes), written once.

``train`` is checked by mypy against every floating unit and runs unchanged on each:
``python examples/mlp_digits.py --dtype float16 float32 float64 [--device cuda] [--plot loss.png]``
prints per-epoch loss, test accuracy and time (with a tqdm bar where tqdm is installed)
and can draw every dtype's loss curve (matplotlib) into one PNG.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import satchel
import satchel.nn as nn
from satchel.signatures import TensorT


@dataclass
class Digits:
    """Features standardised by the training set's statistics; labels as int64."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> Digits:
    from sklearn.datasets import load_digits as sklearn_digits  # type: ignore[import-untyped, import-not-found, unused-ignore]

    # scikit-learn ships the data: nothing is downloaded

    x, y = sklearn_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    mean, std = x[train].mean(0), x[train].std(0) + 1.0
    x = (x - mean) / std
    return Digits(x[train], y[train].astype(np.int64), x[test], y[test].astype(np.int64))


@dataclass
class History:
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def mlp(T: nn.Unit[TensorT], hidden: int) -> nn.Sequential[TensorT]:
    return nn.Sequential(nn.Linear(64, hidden, unit=T), nn.ReLU(unit=T), nn.Linear(hidden, 10, unit=T))


def accuracy(T: nn.Unit[TensorT], model: nn.Module[TensorT], x: TensorT, y: np.ndarray) -> float:
    model.eval()
    predicted = np.asarray(T.argmax(model.forward(x), 1))
    model.train()
    return float((predicted == y).mean())


def train(T: nn.Unit[TensorT], model: nn.Module[TensorT], data: Digits, *, epochs: int, batch_size: int,
          lr: float, name: str = "", device: str = "cpu", master_unit: Any = None, seed: int = 0,
          progress: Callable[[Any], Any] = lambda it: it, log: Callable[[str], None] = print) -> History:
    """SGD with Nesterov momentum on cross-entropy; the test accuracy after each epoch."""
    longs = satchel.unit("int64", device)
    x_train, x_test = T.tensor(data.x_train), T.tensor(data.x_test)
    loader = nn.DataLoader([x_train, longs.tensor(data.y_train)], batch_size=batch_size, shuffle=True,
                           generator=satchel.Generator(seed=seed, device=device))
    criterion = nn.CrossEntropyLoss(unit=T)
    opt = nn.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True, weight_decay=1e-4,
                 master_weights=master_unit is not None, master_unit=master_unit)
    history = History()
    for epoch in range(epochs):
        start, total = time.perf_counter(), 0.0
        for x, y in progress(loader):
            out = model.forward(x)
            total += criterion.forward(out, y) * len(x)
            model.zero_grad()
            model.backward(x, criterion.backward(out, y))
            opt.step()
        history.seconds.append(time.perf_counter() - start)
        history.losses.append(total / len(data.x_train))
        history.accuracies.append(accuracy(T, model, x_test, data.y_test))
        log(f"{name} epoch {epoch + 1}/{epochs}: loss {history.losses[-1]:.4f}, "
            f"test accuracy {history.accuracies[-1]:.4f}, {history.seconds[-1] * 1000:.1f} ms")
    return history


def run(dtype: str, device: str, data: Digits, epochs: int, batch_size: int = 32, hidden: int = 128,
        lr: float = 0.05, seed: int = 0, progress: Callable[[Any], Any] = lambda it: it,
        log: Callable[[str], None] = print) -> History:
    """One dtype's run; float16 updates float32 master weights."""
    T = satchel.unit(dtype, device)
    satchel.manual_seed(seed)
    master = satchel.unit("float32", device) if dtype == "float16" else None
    return train(T, mlp(T, hidden), data, epochs=epochs, batch_size=batch_size, lr=lr, name=dtype,
                 device=device, master_unit=master, seed=seed, progress=progress, log=log)


def plot(histories: dict[str, History], path: str) -> None:
    import matplotlib  # type: ignore[import-untyped, import-not-found, unused-ignore]

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # type: ignore[import-untyped, import-not-found, unused-ignore]

    fig, ax = plt.subplots()
    for name, h in histories.items():
        ax.plot(range(1, len(h.losses) + 1), h.losses, label=name)
    ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
    ax.legend()
    fig.savefig(path)


def progress_bar() -> Callable[[Any], Any]:
    try:
        from tqdm import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        return lambda it: it
    return lambda it: tqdm(it, leave=False, unit="batch")


def main(run: Callable[..., History] = run, doc: str = __doc__, dtypes: tuple[str, ...] = ("float16", "float32",
         "float64"), epochs: int = 30) -> None:
    """The command line of this example and cnn_digits: train `run`'s model on each dtype."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--dtype", nargs="+", default=list(dtypes))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--plot", metavar="PNG", help="write the loss curves of every dtype here")
    args = parser.parse_args()
    data = load_digits()
    histories = {d: run(d, args.device, data, args.epochs, args.batch_size, progress=progress_bar())
                 for d in args.dtype}
    for name, h in histories.items():
        print(f"{name}: final test accuracy {h.accuracies[-1]:.4f}, mean epoch {np.mean(h.seconds) * 1000:.1f} ms")
    if args.plot:
        plot(histories, args.plot)


if __name__ == "__main__":
    main()
