"""Pointwise activations and the (log-)softmax over one dim."""

from __future__ import annotations

import math

from ..signatures import TensorT
from ._unit import Unit
from .module import Module


class ReLU(Module[TensorT]):
    def update_output(self, x: TensorT) -> TensorT:
        return self.T.clamp_min(x, 0.0)

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T  # heaviside(x, 0) is 1 where x > 0: two contiguous passes, cheaper than a masked_fill
        return T.mul(grad_output, T.heaviside(x, 0.0))


class LeakyReLU(Module[TensorT]):
    def __init__(self, negative_slope: float = 0.01, *, unit: Unit[TensorT]) -> None:
        super().__init__(unit)
        self.negative_slope = negative_slope

    def _slope(self, x: TensorT) -> TensorT:
        """1 where x > 0, negative_slope elsewhere."""
        T = self.T
        return T.add_(T.mul_(T.heaviside(x, 0.0), 1.0 - self.negative_slope), self.negative_slope)

    def update_output(self, x: TensorT) -> TensorT:
        return self.T.mul(x, self._slope(x))

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        return self.T.mul(grad_output, self._slope(x))


class Tanh(Module[TensorT]):
    def update_output(self, x: TensorT) -> TensorT:
        self._y = self.T.tanh(x)
        return self._y

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T  # g - g * y^2
        return T.addcmul(grad_output, grad_output, T.square(self._y), value=-1.0)


class Sigmoid(Module[TensorT]):
    def update_output(self, x: TensorT) -> TensorT:
        self._y = self.T.sigmoid(x)
        return self._y

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T  # g * y * (1 - y)
        return T.mul(grad_output, T.sub(self._y, T.square(self._y)))


class GELU(Module[TensorT]):
    """The exact GELU, x * Phi(x), Phi the standard normal CDF."""

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        self._cdf = T.mul_(T.add_(T.erf(T.mul(x, math.sqrt(0.5))), 1.0), 0.5)
        return T.mul(x, self._cdf)

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T  # Phi(x) + x * phi(x)
        pdf = T.mul_(T.exp(T.mul(T.square(x), -0.5)), 1.0 / math.sqrt(2.0 * math.pi))
        return T.mul(grad_output, T.addcmul(self._cdf, x, pdf))


class SoftMax(Module[TensorT]):
    def __init__(self, dim: int = -1, *, unit: Unit[TensorT]) -> None:
        super().__init__(unit)
        self.dim = dim

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        self._y = T.exp(T.sub(x, T.logsumexp(x, self.dim, keepdim=True)))
        return self._y

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T  # y * (g - sum(g * y))
        y = self._y
        return T.mul(y, T.sub(grad_output, T.sum(T.mul(grad_output, y), self.dim, keepdim=True)))


class LogSoftMax(Module[TensorT]):
    def __init__(self, dim: int = -1, *, unit: Unit[TensorT]) -> None:
        super().__init__(unit)
        self.dim = dim

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        self._y = T.sub(x, T.logsumexp(x, self.dim, keepdim=True))
        return self._y

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T  # g - exp(y) * sum(g)
        return T.sub(grad_output, T.mul(T.exp(self._y), T.sum(grad_output, self.dim, keepdim=True)))
