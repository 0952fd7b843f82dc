"""Losses: ``forward(input, target)`` gives the loss, a float, ``backward(input, target)`` its gradient.

``reduction`` is PyTorch's ``'mean'`` (the default: over elements, or over the
batch for class losses) or ``'sum'`` (Torch7's ``sizeAverage = false``).
PyTorch's ``'none'`` (a tensor of terms) is refused: forward gives a number, as
Torch7's criterions do.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from ..signatures import TensorT
from ._unit import Index, Unit

TargetT = TypeVar("TargetT")  # what a loss compares its input with: a tensor of the unit, or class indices

REDUCTIONS = ("mean", "sum")


class Loss(Generic[TensorT, TargetT]):
    """A loss as the sum of its terms (``_total``, by default of ``_terms``) and the gradient
    of that sum (``_total_grad``); 'mean' divides both by the count of terms."""

    def __init__(self, *, unit: Unit[TensorT], reduction: str = "mean") -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be 'mean' or 'sum', got {reduction!r} (forward "
                             f"gives a number: 'none', a tensor of terms, is not available)")
        self.T = unit
        self.reduction = reduction

    def forward(self, x: TensorT, target: TargetT) -> float:
        self._check(x, target)
        total = self._total(x, target)
        return total / max(self._count(x), 1) if self.reduction == "mean" else total

    def backward(self, x: TensorT, target: TargetT) -> TensorT:
        self._check(x, target)
        grad = self._total_grad(x, target)
        return self.T.mul_(grad, 1.0 / max(self._count(x), 1)) if self.reduction == "mean" else grad

    # What each loss defines.
    def _check(self, x: TensorT, target: TargetT) -> None:
        raise NotImplementedError

    def _terms(self, x: TensorT, target: TargetT) -> TensorT:
        raise NotImplementedError

    def _total(self, x: TensorT, target: TargetT) -> float:
        return float(self.T.sumall(self._terms(x, target)))

    def _total_grad(self, x: TensorT, target: TargetT) -> TensorT:
        raise NotImplementedError

    def _count(self, x: TensorT) -> int:
        """How many terms the mean is over: every element."""
        return x.numel()


class _Elementwise(Loss[TensorT, TensorT]):
    """A loss with a term per element of input and target, of one shape."""

    def _check(self, x: TensorT, target: TensorT) -> None:
        if tuple(x.shape) != tuple(target.shape):
            raise ValueError(f"{type(self).__name__}: input has shape {tuple(x.shape)}, target {tuple(target.shape)}")


class MSELoss(_Elementwise[TensorT]):
    def _total(self, x: TensorT, target: TensorT) -> float:
        return float(self.T.dist(x, target, 2.0) ** 2)

    def _total_grad(self, x: TensorT, target: TensorT) -> TensorT:
        return self.T.mul_(self.T.sub(x, target), 2.0)


class BCELoss(_Elementwise[TensorT]):
    """-(t log p + (1 - t) log(1 - p)), the logs clamped at -100 as PyTorch's."""

    def _terms(self, p: TensorT, target: TensorT) -> TensorT:
        T = self.T
        log_p = T.clamp_min(T.log(p), -100.0)
        log_q = T.clamp_min(T.log1p(T.neg(p)), -100.0)
        # t log p + (1 - t) log q = log q + t (log p - log q)
        return T.neg_(T.addcmul(log_q, target, T.sub(log_p, log_q)))

    def _total_grad(self, p: TensorT, target: TensorT) -> TensorT:
        T = self.T  # (p - t) / (p (1 - p)), p(1 - p) kept above PyTorch's 1e-12
        return T.div_(T.sub(p, target), T.clamp_min(T.sub(p, T.square(p)), 1e-12))


class BCEWithLogitsLoss(_Elementwise[TensorT]):
    """BCE of sigmoid(x), computed as max(x, 0) - x t + log(1 + exp(-|x|)) so no exp overflows."""

    def _terms(self, x: TensorT, target: TensorT) -> TensorT:
        T = self.T
        soft = T.log1p(T.exp(T.neg(T.abs(x))))
        return T.add_(T.sub(T.clamp_min(x, 0.0), T.mul(x, target)), soft)

    def _total_grad(self, x: TensorT, target: TensorT) -> TensorT:
        return self.T.sub(self.T.sigmoid(x), target)


class _ClassLoss(Loss[TensorT, Index]):
    """A loss with a term per sample of input (batch, classes) and its int64 class index."""

    def _check(self, x: TensorT, target: Index) -> None:
        name, shape = type(self).__name__, tuple(x.shape)
        if len(shape) != 2:
            raise ValueError(f"{name}: expected input of shape (batch, classes), got {shape}")
        if tuple(target.shape) != (shape[0],):
            raise ValueError(f"{name}: expected target of shape ({shape[0]},) (int64 class indices), "
                             f"got {tuple(target.shape)}")

    def _count(self, x: TensorT) -> int:
        return x.shape[0]

    def _picked(self, x: TensorT, target: Index) -> TensorT:
        """input[i, target[i]] of each sample, as (batch, 1)."""
        return self.T.gather(x, 1, target.view([-1, 1]))


class NLLLoss(_ClassLoss[TensorT]):
    """-input[i, target[i]] of each sample; input holds log-probabilities."""

    def _total(self, x: TensorT, target: Index) -> float:
        return -float(self.T.sumall(self._picked(x, target)))

    def _total_grad(self, x: TensorT, target: Index) -> TensorT:
        T = self.T
        return T.scatter_value(T.zeros_like(x), 1, target.view([-1, 1]), -1.0)


class CrossEntropyLoss(_ClassLoss[TensorT]):
    """NLL of log_softmax(x) over dim 1, the log-sum-exp taken with the largest logit out."""

    def _total(self, x: TensorT, target: Index) -> float:
        T = self.T
        return float(T.sumall(T.logsumexp(x, 1, keepdim=True)) - T.sumall(self._picked(x, target)))

    def _total_grad(self, x: TensorT, target: Index) -> TensorT:
        T = self.T  # softmax(x) - onehot(t)
        grad = T.exp(T.sub(x, T.logsumexp(x, 1, keepdim=True)))
        T.scatter_add_(grad, 1, target.view([-1, 1]), T.full([x.shape[0], 1], -1.0))
        return grad
