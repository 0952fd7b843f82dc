"""A dtype-agnostic model: logistic regression written once against FloatingSignature.

``fit`` learns weights w so that sigmoid(x * w) predicts labels y, by gradient
descent on the log loss, using only functions every floating unit has. It runs
unchanged on float16, float32 and float64 units, and mypy checks it against each:
``python examples/logistic.py``.
"""

from __future__ import annotations

import satchel
from satchel.signatures import (AccRealT, BoolTensorInvT, FloatingSignature, IntTensorInvT, LongTensorInvT, RealT,
                                TensorT)


def fit(T: FloatingSignature[TensorT, RealT, AccRealT, BoolTensorInvT, IntTensorInvT, LongTensorInvT],
        x: TensorT, y: TensorT, steps: int, rate: float) -> TensorT:
    """Per-feature weights for n samples of one feature each, x and y of shape (n,)."""
    w = T.zeros(x.shape)
    n = x.numel()
    for _ in range(steps):
        error = T.sub(T.sigmoid(T.mul(x, w)), y)  # prediction - label, per sample
        gradient = T.mul(T.mul(error, x), rate / n)
        T.sub_(w, T.tensor([T.sumall(gradient)] * n))  # one shared weight
    return w


def accuracy(T: FloatingSignature[TensorT, RealT, AccRealT, BoolTensorInvT, IntTensorInvT, LongTensorInvT],
             x: TensorT, w: TensorT, y: TensorT) -> float:
    predicted = T.sigmoid(T.mul(x, w))
    right = T.sub(T.ones(x.shape), T.abs(T.sub(predicted, y)))
    return T.sumall(right) / x.numel()


def main() -> None:
    xs = [-3.0, -2.0, -1.5, -0.5, 0.5, 1.0, 2.5, 3.0]
    ys = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    for T in (satchel.cpu.float16, satchel.cpu.float32, satchel.cpu.float64):
        x, y = T.tensor(xs), T.tensor(ys)
        w = fit(T, x, y, steps=200, rate=0.5)
        print(f"{T.__name__}: weight {T.maxall(w):.3f}, soft accuracy {accuracy(T, x, w, y):.3f}")


if __name__ == "__main__":
    main()
