"""A small CNN on scikit-learn's digits, written once: two 3x3 convolutions, max pooling, two linear layers.

``python examples/cnn_digits.py --dtype float32 [--device cuda] [--plot loss.png]``; the data, the
training loop and the printing are ``mlp_digits``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import satchel
import satchel.nn as nn
from mlp_digits import Digits, History, main, train
from satchel.signatures import TensorT


def cnn(T: nn.Unit[TensorT]) -> nn.Sequential[TensorT]:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, unit=T), nn.ReLU(unit=T), nn.MaxPool2d(2, unit=T),   # 16 x 4 x 4
        nn.Conv2d(16, 32, 3, padding=1, unit=T), nn.ReLU(unit=T), nn.MaxPool2d(2, unit=T),  # 32 x 2 x 2
        nn.Flatten(unit=T), nn.Linear(128, 64, unit=T), nn.ReLU(unit=T), nn.Linear(64, 10, unit=T))


def images(data: Digits) -> Digits:
    """The 64 features of each sample as one 8x8 channel."""
    return replace(data, x_train=data.x_train.reshape(-1, 1, 8, 8), x_test=data.x_test.reshape(-1, 1, 8, 8))


def run(dtype: str, device: str, data: Digits, epochs: int, batch_size: int = 32, lr: float = 0.05, seed: int = 0,
        progress: Callable[[Any], Any] = lambda it: it, log: Callable[[str], None] = print) -> History:
    T = satchel.unit(dtype, device)
    satchel.manual_seed(seed)
    master = satchel.unit("float32", device) if dtype == "float16" else None
    return train(T, cnn(T), images(data), epochs=epochs, batch_size=batch_size, lr=lr, name=dtype, device=device,
                 master_unit=master, seed=seed, progress=progress, log=log)


if __name__ == "__main__":
    main(run, __doc__, ("float32",), epochs=20)
