"""SGD (momentum, Nesterov, weight decay), Adam and AdamW, with PyTorch's update rules.

``master_weights=True`` keeps a float32 copy of each parameter (for float16 ones):
the update runs on the copy, and the parameter gets it rounded back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Generic

from ..signatures import TensorT
from ._unit import Unit
from .module import Parameter


class Optimizer(Generic[TensorT]):
    def __init__(self, params: Sequence[Parameter[TensorT]], lr: float, *, unit: Unit[TensorT],
                 master_weights: bool = False, master_unit: Any = None) -> None:
        if lr < 0.0:
            raise ValueError(f"{type(self).__name__}: lr must be >= 0, got {lr}")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got no parameters")
        self.lr = lr
        self.T = unit
        # master_unit: a float32 unit of the parameters' device, where each update is computed
        self._master: list[tuple[Any, Any]] | None = None
        if master_weights:
            if master_unit is None:
                raise ValueError(f"{type(self).__name__}: master_weights needs master_unit (e.g. satchel.cpu.float32)")
            M = master_unit
            self._master = [(M.from_tensor(p.data), M.zeros(list(p.data.shape))) for p in self.params]
            self._M = M

    def zero_grad(self) -> None:
        for p in self.params:
            self.T.fill_(p.grad, 0)

    def step(self) -> None:
        if self._master is None:
            for i, p in enumerate(self.params):
                self._update(self.T, i, p.data, p.grad)
            return
        M = self._M
        for i, (p, (w, g)) in enumerate(zip(self.params, self._master)):
            M.copy_(g, M.from_tensor(p.grad))
            self._update(M, i, w, g)
            self.T.copy_(p.data, self.T.from_tensor(w))

    def _update(self, T: Any, i: int, w: Any, g: Any) -> None:
        raise NotImplementedError


class SGD(Optimizer[TensorT]):
    def __init__(self, params: Sequence[Parameter[TensorT]], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, unit: Unit[TensorT] | None = None,
                 master_weights: bool = False, master_unit: Any = None) -> None:
        if nesterov and momentum <= 0.0:
            raise ValueError("SGD: nesterov needs momentum > 0")
        super().__init__(params, lr, unit=unit if unit is not None else _unit_of(params),
                         master_weights=master_weights, master_unit=master_unit)
        self.momentum, self.weight_decay, self.nesterov = momentum, weight_decay, nesterov
        self._buf: dict[int, Any] = {}

    def _update(self, T: Any, i: int, w: Any, g: Any) -> None:
        if self.weight_decay:
            g = T.add(g, T.mul(w, self.weight_decay))
        if self.momentum:
            buf = self._buf.get(i)
            if buf is None:
                buf = self._buf[i] = T.clone(g)
            else:
                T.add_(T.mul_(buf, self.momentum), g)
            g = T.add(g, T.mul(buf, self.momentum)) if self.nesterov else buf
        T.sub_(w, T.mul(g, self.lr))


class Adam(Optimizer[TensorT]):
    """Adam (Kingma & Ba); weight_decay adds to the gradient (L2), as torch.optim.Adam."""

    decoupled = False

    def __init__(self, params: Sequence[Parameter[TensorT]], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0, *,
                 unit: Unit[TensorT] | None = None, master_weights: bool = False, master_unit: Any = None) -> None:
        super().__init__(params, lr, unit=unit if unit is not None else _unit_of(params),
                         master_weights=master_weights, master_unit=master_unit)
        if not (0.0 <= betas[0] < 1.0 and 0.0 <= betas[1] < 1.0):
            raise ValueError(f"{type(self).__name__}: betas must be in [0, 1), got {betas}")
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay
        self._state: dict[int, tuple[Any, Any]] = {}
        self._t = 0

    def step(self) -> None:
        self._t += 1
        super().step()

    def _update(self, T: Any, i: int, w: Any, g: Any) -> None:
        b1, b2 = self.betas
        if self.weight_decay:
            if self.decoupled:
                T.mul_(w, 1.0 - self.lr * self.weight_decay)
            else:
                g = T.add(g, T.mul(w, self.weight_decay))
        if i not in self._state:
            self._state[i] = (T.zeros_like(w), T.zeros_like(w))
        m, v = self._state[i]
        T.lerp_(m, g, 1.0 - b1)
        T.addcmul_(T.mul_(v, b2), g, g, value=1.0 - b2)
        c1, c2 = 1.0 - b1 ** self._t, 1.0 - b2 ** self._t
        denom = T.add_(T.mul_(T.sqrt(v), 1.0 / math.sqrt(c2)), self.eps)
        T.addcdiv_(w, m, denom, value=-self.lr / c1)


class AdamW(Adam[TensorT]):
    """Adam with decoupled weight decay (Loshchilov & Hutter): w -= lr * wd * w before the step."""

    decoupled = True

    def __init__(self, params: Sequence[Parameter[TensorT]], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.01, *,
                 unit: Unit[TensorT] | None = None, master_weights: bool = False, master_unit: Any = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, unit=unit, master_weights=master_weights,
                         master_unit=master_unit)


def _unit_of(params: Sequence[Parameter[TensorT]]) -> Unit[TensorT]:
    if not params:
        raise ValueError("optimizer: got no parameters")
    unit: Unit[TensorT] = params[0].unit
    return unit
