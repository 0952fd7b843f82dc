"""BatchNorm1d/2d (batch statistics in training, running ones in eval) and LayerNorm."""

from __future__ import annotations

from collections.abc import Sequence

from ..signatures import TensorT
from ._unit import Unit
from .module import Module


def _normalize_backward(T: Unit[TensorT], g: TensorT, xhat: TensorT, rstd: TensorT, dims: list[int]) -> TensorT:
    """d loss / d x of xhat = (x - mean) * rstd, mean and variance over dims (biased), given d loss / d xhat."""
    mean_g = T.mean(g, dims, keepdim=True)
    mean_gx = T.mean(T.mul(g, xhat), dims, keepdim=True)
    return T.mul(T.sub(T.sub(g, mean_g), T.mul(xhat, mean_gx)), rstd)


class _BatchNorm(Module[TensorT]):
    dims: tuple[int, ...] = ()  # the ndims the input may have

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True, *,
                 unit: Unit[TensorT]) -> None:
        super().__init__(unit)
        T = unit
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = self.add_parameter("weight", T.ones([num_features])) if affine else None
        self.bias = self.add_parameter("bias", T.zeros([num_features])) if affine else None
        self._buffers["running_mean"] = T.zeros([num_features])
        self._buffers["running_var"] = T.ones([num_features])

    def _shape(self, x: TensorT) -> tuple[list[int], list[int]]:
        """The dims statistics fold and the shape a per-channel vector broadcasts as."""
        if x.ndim not in self.dims or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected input of {' or '.join(map(str, self.dims))} dims with "
                             f"{self.num_features} channels in dim 1, got shape {tuple(x.shape)}")
        return [d for d in range(x.ndim) if d != 1], [1, self.num_features] + [1] * (x.ndim - 2)

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        dims, bshape = self._shape(x)
        if self.training:
            var, mean = T.var_mean(x, dims, correction=0, keepdim=True)
            n = x.numel() // self.num_features
            if n < 2:
                raise ValueError(f"{type(self).__name__}: training needs more than one value per channel, got shape "
                                 f"{tuple(x.shape)}")
            rm, rv = self._buffers["running_mean"], self._buffers["running_var"]
            T.lerp_(rm, T.view(mean, [-1]), self.momentum)
            T.lerp_(rv, T.mul(T.view(var, [-1]), n / (n - 1)), self.momentum)
        else:
            mean = T.view(self._buffers["running_mean"], bshape)
            var = T.view(self._buffers["running_var"], bshape)
        self._rstd = T.rsqrt(T.add(var, self.eps))
        self._xhat = T.mul(T.sub(x, mean), self._rstd)
        if self.weight is None or self.bias is None:
            return self._xhat
        return T.addcmul(T.view(self.bias.data, bshape), self._xhat, T.view(self.weight.data, bshape))

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T
        dims, bshape = self._shape(x)
        g = grad_output if self.weight is None else T.mul(grad_output, T.view(self.weight.data, bshape))
        if not self.training:
            return T.mul(g, self._rstd)
        return _normalize_backward(T, g, self._xhat, self._rstd, dims)

    def acc_grad_parameters(self, x: TensorT, grad_output: TensorT) -> None:
        T = self.T
        if self.weight is None or self.bias is None:
            return
        dims, _ = self._shape(x)
        T.add_(self.weight.grad, T.sum(T.mul(grad_output, self._xhat), dims))
        T.add_(self.bias.grad, T.sum(grad_output, dims))

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1d(_BatchNorm[TensorT]):
    """Over (N, C) or (N, C, L)."""

    dims = (2, 3)


class BatchNorm2d(_BatchNorm[TensorT]):
    """Over (N, C, H, W)."""

    dims = (4,)


class LayerNorm(Module[TensorT]):
    """Normalises over the last dims (``normalized_shape``), each sample on its own."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True, *,
                 unit: Unit[TensorT]) -> None:
        super().__init__(unit)
        T = unit
        self.normalized_shape = [normalized_shape] if isinstance(normalized_shape, int) else list(normalized_shape)
        self.eps = eps
        self.weight = self.add_parameter("weight", T.ones(self.normalized_shape)) if elementwise_affine else None
        self.bias = self.add_parameter("bias", T.zeros(self.normalized_shape)) if elementwise_affine else None

    def _dims(self, x: TensorT) -> list[int]:
        k = len(self.normalized_shape)
        if list(x.shape[x.ndim - k:]) != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm: expected input ending in shape {tuple(self.normalized_shape)}, got "
                             f"{tuple(x.shape)}")
        return list(range(x.ndim - k, x.ndim))

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        var, mean = T.var_mean(x, self._dims(x), correction=0, keepdim=True)
        self._rstd = T.rsqrt(T.add(var, self.eps))
        self._xhat = T.mul(T.sub(x, mean), self._rstd)
        if self.weight is None or self.bias is None:
            return self._xhat
        return T.addcmul(self.bias.data, self._xhat, self.weight.data)

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T
        g = grad_output if self.weight is None else T.mul(grad_output, self.weight.data)
        return _normalize_backward(T, g, self._xhat, self._rstd, self._dims(x))

    def acc_grad_parameters(self, x: TensorT, grad_output: TensorT) -> None:
        T = self.T
        if self.weight is None or self.bias is None:
            return
        batch = list(range(x.ndim - len(self.normalized_shape)))
        T.add_(self.weight.grad, T.sum(T.mul(grad_output, self._xhat), batch))
        T.add_(self.bias.grad, T.sum(grad_output, batch))

    def extra_repr(self) -> str:
        return f"{tuple(self.normalized_shape)}, eps={self.eps}"
