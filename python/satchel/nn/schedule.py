"""Learning-rate schedules, PyTorch's (``torch.optim.lr_scheduler``): each sets its
optimizer's ``lr`` as the epochs go by; ``step()`` once an epoch, after the
optimizer's steps (``ReduceLROnPlateau.step(metric)`` with the epoch's metric).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any


class LRScheduler:
    """A schedule of the lr by epoch, from the optimizer's lr when made (``base_lr``)."""

    def __init__(self, optimizer: Any) -> None:
        self.optimizer = optimizer
        self.base_lr: float = optimizer.lr
        self.last_epoch = 0

    def step(self) -> None:
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        return [self.optimizer.lr]

    def lr_at(self, epoch: int) -> float:
        raise NotImplementedError


class StepLR(LRScheduler):
    """base_lr * gamma ** (epoch // step_size)."""

    def __init__(self, optimizer: Any, step_size: int, gamma: float = 0.1) -> None:
        if step_size < 1:
            raise ValueError(f"StepLR: step_size must be >= 1, got {step_size}")
        super().__init__(optimizer)
        self.step_size, self.gamma = step_size, gamma

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class MultiStepLR(LRScheduler):
    """base_lr times gamma once for each milestone reached (a milestone given twice counts twice)."""

    def __init__(self, optimizer: Any, milestones: Sequence[int], gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.milestones, self.gamma = sorted(milestones), gamma

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** sum(m <= epoch for m in self.milestones)


class ExponentialLR(LRScheduler):
    """base_lr * gamma ** epoch."""

    def __init__(self, optimizer: Any, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = gamma

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRScheduler):
    """From base_lr down to eta_min along half a cosine over T_max epochs, and back up after."""

    def __init__(self, optimizer: Any, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803 (PyTorch's name)
        if T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be >= 1, got {T_max}")
        super().__init__(optimizer)
        self.T_max, self.eta_min = T_max, eta_min

    def lr_at(self, epoch: int) -> float:
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class LambdaLR(LRScheduler):
    """base_lr * lr_lambda(epoch)."""

    def __init__(self, optimizer: Any, lr_lambda: Callable[[int], float]) -> None:
        super().__init__(optimizer)
        self.lr_lambda = lr_lambda

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.lr_lambda(epoch)


class ReduceLROnPlateau:
    """lr times factor (not below min_lr) once the metric has not improved for more than
    `patience` epochs, then `cooldown` epochs without counting; improving means beating
    the best by threshold, relative ('rel': best * (1 -+ threshold)) or absolute ('abs'),
    downward (mode 'min') or upward ('max')."""

    def __init__(self, optimizer: Any, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0, min_lr: float = 0.0,
                 eps: float = 1e-8) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        if not 0.0 <= factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1), got {factor}")
        self.optimizer = optimizer
        self.mode, self.factor, self.patience, self.threshold = mode, factor, patience, threshold
        self.threshold_mode, self.cooldown, self.min_lr, self.eps = threshold_mode, cooldown, min_lr, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.bad_epochs = self.cooldown_left = 0

    def _better(self, metric: float) -> bool:  # (PyTorch's comparisons, a negative best included)
        if self.threshold_mode == "rel":
            scaled = self.best * (1 - self.threshold if self.mode == "min" else 1 + self.threshold)
            return metric < scaled if self.mode == "min" else metric > scaled
        return metric < self.best - self.threshold if self.mode == "min" else metric > self.best + self.threshold

    def step(self, metric: float) -> None:
        if self._better(metric):
            self.best, self.bad_epochs = metric, 0
        else:
            self.bad_epochs += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad_epochs = 0
        if self.bad_epochs > self.patience:
            new = max(self.optimizer.lr * self.factor, self.min_lr)
            if self.optimizer.lr - new > self.eps:
                self.optimizer.lr = new
            self.cooldown_left, self.bad_epochs = self.cooldown, 0

    def get_last_lr(self) -> list[float]:
        return [self.optimizer.lr]
