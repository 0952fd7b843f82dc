"""satchel.nn against PyTorch: the digits MLP and CNN of examples/, epoch time and accuracy, in one run.

    PYTHONPATH=python python benchmarks/nn.py [--epochs 10] [--batch-sizes 32,256] [--dtypes float32,float64]

Both frameworks train the same model from the same initial weights (satchel's,
copied into PyTorch), on the same batches in the same order (one NumPy
permutation per epoch, gathered by each), with the same SGD (Nesterov momentum
0.9, weight decay 1e-4) on cross-entropy, on 2 threads each (``--threads``). It prints the fastest
epoch of each (a shared machine slows some), PyTorch's / satchel's (> 1: satchel is faster) and the final
test accuracies.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

import satchel
import satchel.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from cnn_digits import cnn, images  # noqa: E402
from mlp_digits import Digits, load_digits, mlp  # noqa: E402

LR, MOMENTUM, DECAY = 0.05, 0.9, 1e-4


def torch_twin(model: nn.Sequential[Any], dtype: torch.dtype) -> torch.nn.Sequential:
    """The same layers in PyTorch, with satchel's weights copied in."""
    layers: list[torch.nn.Module] = []
    for m in model.layers:
        if isinstance(m, nn.Linear):
            t: torch.nn.Module = torch.nn.Linear(m.in_features, m.out_features, dtype=dtype)
        elif isinstance(m, nn.Conv2d):
            t = torch.nn.Conv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding, m.dilation,
                                m.groups, dtype=dtype)
        elif isinstance(m, nn.MaxPool2d):
            t = torch.nn.MaxPool2d(m.kernel_size, m.stride, m.padding)
        elif isinstance(m, nn.ReLU):
            t = torch.nn.ReLU()
        elif isinstance(m, nn.Flatten):
            t = torch.nn.Flatten()
        else:
            raise TypeError(f"no PyTorch twin for {m}")
        for name, p in m.named_parameters():
            with torch.no_grad():
                getattr(t, name).copy_(torch.from_numpy(np.asarray(p.data)))
        layers.append(t)
    return torch.nn.Sequential(*layers)


def epochs_satchel(T: Any, model: nn.Sequential[Any], data: Digits, orders: list[np.ndarray],
                   batch: int) -> tuple[list[float], float]:
    L = satchel.cpu.int64
    x, y = T.tensor(data.x_train), L.tensor(data.y_train)
    x_test = T.tensor(data.x_test)
    loss = nn.CrossEntropyLoss(unit=T)
    opt = nn.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, nesterov=True, weight_decay=DECAY)
    times = []
    for order in orders:
        start = time.perf_counter()
        idx = L.tensor(order)
        xs, ys = x[idx], y[idx]
        for b in range(0, len(order), batch):
            xb, yb = xs[b:b + batch], ys[b:b + batch]
            out = model.forward(xb)
            loss.forward(out, yb)
            model.zero_grad()
            model.backward(xb, loss.backward(out, yb))
            opt.step()
        times.append(time.perf_counter() - start)
    model.eval()
    acc = float((np.asarray(T.argmax(model.forward(x_test), 1)) == data.y_test).mean())
    return times, acc


def epochs_torch(model: torch.nn.Sequential, dtype: torch.dtype, data: Digits, orders: list[np.ndarray],
                 batch: int) -> tuple[list[float], float]:
    x, y = torch.from_numpy(data.x_train).to(dtype), torch.from_numpy(data.y_train)
    loss = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, nesterov=True, weight_decay=DECAY)
    times = []
    for order in orders:
        start = time.perf_counter()
        idx = torch.from_numpy(order)
        xs, ys = x[idx], y[idx]
        for b in range(0, len(order), batch):
            xb, yb = xs[b:b + batch], ys[b:b + batch]
            value = loss(model(xb), yb)
            opt.zero_grad()
            value.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        predicted = model(torch.from_numpy(data.x_test).to(dtype)).argmax(1).numpy()
    return times, float((predicted == data.y_test).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-sizes", default="32,256")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    satchel.set_num_threads(args.threads)
    digits = load_digits()
    print(f"torch {torch.__version__}, {args.threads} threads each; fastest of {args.epochs} epochs "
          f"({len(digits.x_train)} training samples); torch/satchel > 1: satchel is faster")
    print(f"{'model':5} {'dtype':8} {'batch':>5} {'satchel ms':>11} {'torch ms':>9} {'torch/satchel':>13} "
          f"{'acc satchel':>11} {'acc torch':>9}")
    rng = np.random.default_rng(0)
    for name, build, data in (("mlp", lambda T: mlp(T, 128), digits), ("cnn", cnn, images(digits))):
        for dtype in args.dtypes.split(","):
            for batch in map(int, args.batch_sizes.split(",")):
                T, tdtype = satchel.unit(dtype), getattr(torch, dtype)
                orders = [rng.permutation(len(data.x_train)) for _ in range(args.epochs)]
                satchel.manual_seed(0)
                model = build(T)
                twin = torch_twin(model, tdtype)
                s_times, s_acc = epochs_satchel(T, model, data, orders, batch)
                t_times, t_acc = epochs_torch(twin, tdtype, data, orders, batch)
                s, t = min(s_times) * 1e3, min(t_times) * 1e3
                print(f"{name:5} {dtype:8} {batch:>5} {s:>11.1f} {t:>9.1f} {t / s:>13.2f} {s_acc:>11.4f} "
                      f"{t_acc:>9.4f}")


if __name__ == "__main__":
    main()
