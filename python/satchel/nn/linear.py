"""Linear and Dropout."""

from __future__ import annotations

import math

from ..signatures import TensorT
from . import init
from ._unit import Unit
from .module import Module


class Linear(Module[TensorT]):
    """y = x W^T + b, W of shape (out, in); initialised as torch.nn.Linear (Kaiming uniform, a=sqrt(5))."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, unit: Unit[TensorT],
                 generator: object | None = None) -> None:
        super().__init__(unit)
        if in_features < 1 or out_features < 1:
            raise ValueError(f"Linear: in_features and out_features must be >= 1, got {in_features}, {out_features}")
        T = unit
        self.in_features, self.out_features = in_features, out_features
        self.weight = self.add_parameter("weight", init.kaiming_uniform_(
            T, T.empty([out_features, in_features]), a=math.sqrt(5.0), generator=generator))
        self.bias = None
        if bias:
            bound = 1.0 / math.sqrt(in_features)
            self.bias = self.add_parameter("bias", T.uniform_(T.empty([out_features]), -bound, bound,
                                                              generator=generator))

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"Linear: expected input of shape (batch, {self.in_features}), got {tuple(x.shape)}")
        wt = T.t(self.weight.data)
        return T.mm(x, wt) if self.bias is None else T.addmm(self.bias.data, x, wt)

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        return self.T.mm(grad_output, self.weight.data)

    def acc_grad_parameters(self, x: TensorT, grad_output: TensorT) -> None:
        T = self.T
        T.add_(self.weight.grad, T.mm(T.t(grad_output), x))
        if self.bias is not None:
            T.add_(self.bias.grad, T.sum(grad_output, 0))

    def extra_repr(self) -> str:
        return f"{self.in_features}, {self.out_features}, bias={self.bias is not None}"


class Dropout(Module[TensorT]):
    """Zeroes each element with probability p in training (scaling the rest by 1/(1-p)); identity in eval."""

    def __init__(self, p: float = 0.5, *, unit: Unit[TensorT], generator: object | None = None) -> None:
        super().__init__(unit)
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = p
        self.generator = generator
        self._mask: TensorT | None = None

    def update_output(self, x: TensorT) -> TensorT:
        if not self.training or self.p == 0.0:
            self._mask = None
            return x
        T = self.T
        self._mask = T.mul_(T.bernoulli(x, 1.0 - self.p, generator=self.generator), 1.0 / (1.0 - self.p))
        return T.mul(x, self._mask)

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        return grad_output if self._mask is None else self.T.mul(grad_output, self._mask)

    def extra_repr(self) -> str:
        return f"p={self.p}"
