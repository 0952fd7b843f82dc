"""Losses: ``forward(input, target)`` gives a float (the mean over the batch), ``backward(input, target)`` its gradient."""

from __future__ import annotations

from typing import Generic

from ..signatures import TensorT
from ._unit import Index, Unit


class Loss(Generic[TensorT]):
    def __init__(self, *, unit: Unit[TensorT]) -> None:
        self.T = unit

    def _same_shape(self, x: TensorT, target: TensorT) -> None:
        if tuple(x.shape) != tuple(target.shape):
            raise ValueError(f"{type(self).__name__}: input has shape {tuple(x.shape)}, target {tuple(target.shape)}")


class MSELoss(Loss[TensorT]):
    def forward(self, x: TensorT, target: TensorT) -> float:
        self._same_shape(x, target)
        return self.T.dist(x, target, 2.0) ** 2 / max(x.numel(), 1)

    def backward(self, x: TensorT, target: TensorT) -> TensorT:
        T = self.T
        return T.mul_(T.sub(x, target), 2.0 / max(x.numel(), 1))


class BCELoss(Loss[TensorT]):
    """-mean(t log p + (1 - t) log(1 - p)), the logs clamped at -100 as PyTorch's."""

    def forward(self, p: TensorT, target: TensorT) -> float:
        self._same_shape(p, target)
        T = self.T
        log_p = T.clamp_min(T.log(p), -100.0)
        log_q = T.clamp_min(T.log1p(T.neg(p)), -100.0)
        # t log p + (1 - t) log q = log q + t (log p - log q)
        return -T.sumall(T.addcmul(log_q, target, T.sub(log_p, log_q))) / max(p.numel(), 1)

    def backward(self, p: TensorT, target: TensorT) -> TensorT:
        T = self.T  # (p - t) / (p (1 - p)), p(1 - p) kept above PyTorch's 1e-12
        denom = T.clamp_min(T.sub(p, T.square(p)), 1e-12)
        return T.div_(T.sub(p, target), T.mul_(denom, float(max(p.numel(), 1))))


class BCEWithLogitsLoss(Loss[TensorT]):
    """BCE of sigmoid(x), computed as max(x, 0) - x t + log(1 + exp(-|x|)) so no exp overflows."""

    def forward(self, x: TensorT, target: TensorT) -> float:
        self._same_shape(x, target)
        T = self.T
        soft = T.log1p(T.exp(T.neg(T.abs(x))))
        return T.sumall(T.add_(T.sub(T.clamp_min(x, 0.0), T.mul(x, target)), soft)) / max(x.numel(), 1)

    def backward(self, x: TensorT, target: TensorT) -> TensorT:
        T = self.T
        return T.mul_(T.sub(T.sigmoid(x), target), 1.0 / max(x.numel(), 1))


def _check_classes(name: str, x: object, shape: tuple[int, ...], target: Index) -> None:
    if len(shape) != 2:
        raise ValueError(f"{name}: expected input of shape (batch, classes), got {shape}")
    if tuple(target.shape) != (shape[0],):
        raise ValueError(f"{name}: expected target of shape ({shape[0]},) (int64 class indices), "
                         f"got {tuple(target.shape)}")


class NLLLoss(Loss[TensorT]):
    """-mean over the batch of input[i, target[i]]; input holds log-probabilities."""

    def forward(self, x: TensorT, target: Index) -> float:
        _check_classes("NLLLoss", x, tuple(x.shape), target)
        picked = self.T.gather(x, 1, target.view([-1, 1]))
        return -self.T.sumall(picked) / max(x.shape[0], 1)

    def backward(self, x: TensorT, target: Index) -> TensorT:
        T = self.T
        return T.scatter_value(T.zeros_like(x), 1, target.view([-1, 1]), -1.0 / max(x.shape[0], 1))


class CrossEntropyLoss(Loss[TensorT]):
    """NLL of log_softmax(x) over dim 1, the log-sum-exp taken with the largest logit out."""

    def forward(self, x: TensorT, target: Index) -> float:
        _check_classes("CrossEntropyLoss", x, tuple(x.shape), target)
        T = self.T
        lse = T.logsumexp(x, 1, keepdim=True)
        picked = T.gather(x, 1, target.view([-1, 1]))
        return (T.sumall(lse) - T.sumall(picked)) / max(x.shape[0], 1)

    def backward(self, x: TensorT, target: Index) -> TensorT:
        T = self.T  # (softmax(x) - onehot(t)) / n
        n = max(x.shape[0], 1)
        grad = T.exp(T.sub(x, T.logsumexp(x, 1, keepdim=True)))
        T.scatter_add_(grad, 1, target.view([-1, 1]), T.full([x.shape[0], 1], -1.0))
        return T.mul_(grad, 1.0 / n)
