"""Conv2d by im2col (one strided view made contiguous, then one matrix product), MaxPool2d, AvgPool2d."""

from __future__ import annotations

import math

from ..signatures import TensorT
from . import init
from ._unit import Unit
from ._windows import Windows, pair
from .module import Module


class Conv2d(Module[TensorT]):
    """Cross-correlation of (N, C, H, W) with a weight (O, C / groups, KH, KW), as torch.nn.Conv2d:
    with groups > 1, each of `groups` blocks of input channels makes its block of output
    channels (one batched product of the blocks; groups = C is a depthwise convolution)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int],
                 stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0,
                 dilation: int | tuple[int, int] = 1, groups: int = 1, bias: bool = True, *, unit: Unit[TensorT],
                 generator: object | None = None) -> None:
        super().__init__(unit)
        T = unit
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"Conv2d: groups ({groups}) must be >= 1 and divide in_channels ({in_channels}) and "
                             f"out_channels ({out_channels})")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride = pair(kernel_size, "Conv2d"), pair(stride, "Conv2d")
        self.padding, self.dilation = pair(padding, "Conv2d"), pair(dilation, "Conv2d")
        if min(self.kernel_size + self.stride + self.dilation) < 1 or min(self.padding) < 0 or in_channels < 1 \
                or out_channels < 1:
            raise ValueError(f"Conv2d: channels, kernel_size, stride, dilation must be >= 1 and padding >= 0, got "
                             f"{in_channels}, {out_channels}, {kernel_size}, {stride}, {dilation}, {padding}")
        kh, kw = self.kernel_size
        self.weight = self.add_parameter("weight", init.kaiming_uniform_(
            T, T.empty([out_channels, in_channels // groups, kh, kw]), a=math.sqrt(5.0), generator=generator))
        self.bias = None
        if bias:
            bound = 1.0 / math.sqrt(in_channels // groups * kh * kw)
            self.bias = self.add_parameter("bias", T.uniform_(T.empty([out_channels]), -bound, bound,
                                                              generator=generator))

    def _windows(self, x: TensorT) -> Windows:
        if x.ndim == 4 and x.shape[1] != self.in_channels:
            raise ValueError(f"Conv2d: expected {self.in_channels} input channels, got shape {tuple(x.shape)}")
        return Windows("Conv2d", tuple(x.shape), self.kernel_size, self.stride, self.padding, self.dilation)

    def _by_group(self, t: TensorT) -> TensorT:
        """Rows of a (rows, cols) matrix as (groups, rows / groups, cols): a view."""
        return self.T.view(t, [self.groups, -1, t.shape[-1]])

    def _weights(self) -> TensorT:
        """The weight as (groups, O / groups, C / groups * KH * KW)."""
        return self.T.view(self.weight.data, [self.groups, self.out_channels // self.groups, -1])

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        win = self._windows(x)
        self._cols = win.columns(T, win.padded(T, x, 0.0))  # (C*KH*KW, N*OH*OW): channel-major, the faster copy
        if self.groups == 1:
            wmat = T.reshape(self.weight.data, [self.out_channels, -1])
            out = T.mm(wmat, self._cols) if self.bias is None else \
                T.addmm(T.view(self.bias.data, [-1, 1]), wmat, self._cols)
        else:
            out = T.view(T.bmm(self._weights(), self._by_group(self._cols)), [self.out_channels, -1])
            if self.bias is not None:
                T.add_(out, T.view(self.bias.data, [-1, 1]))
        return T.contiguous(T.permute(T.view(out, [self.out_channels, win.n, win.oh, win.ow]), [1, 0, 2, 3]))

    def _grad_rows(self, grad_output: TensorT) -> TensorT:
        T = self.T  # (N, O, OH, OW) -> (O, N*OH*OW)
        return T.reshape(T.contiguous(T.permute(grad_output, [1, 0, 2, 3])), [self.out_channels, -1])

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T
        win = self._windows(x)
        kh, kw = self.kernel_size
        rows = self._grad_rows(grad_output)
        if self.groups == 1:
            gcols = T.mm(T.t(T.reshape(self.weight.data, [self.out_channels, -1])), rows)
        else:
            gcols = T.bmm(T.transpose(self._weights(), 1, 2), self._by_group(rows))
        gcols = T.view(gcols, [win.c, kh, kw, win.n, win.oh, win.ow])
        return win.fold(T, lambda i, j: T.transpose(T.select(T.select(gcols, 1, i), 1, j), 0, 1), tuple(x.shape))

    def acc_grad_parameters(self, x: TensorT, grad_output: TensorT) -> None:
        T = self.T
        g = self._grad_rows(grad_output)
        if self.groups == 1:
            grad = T.mm(g, T.t(self._cols))
        else:
            grad = T.bmm(self._by_group(g), T.transpose(self._by_group(self._cols), 1, 2))
        T.add_(self.weight.grad, T.view(grad, list(self.weight.data.shape)))
        if self.bias is not None:
            T.add_(self.bias.grad, T.sum(g, 1))

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, groups={self.groups}")


class _Pool2d(Module[TensorT]):
    def __init__(self, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None,
                 padding: int | tuple[int, int] = 0, *, unit: Unit[TensorT]) -> None:
        super().__init__(unit)
        name = type(self).__name__
        self.kernel_size = pair(kernel_size, name)
        self.stride = self.kernel_size if stride is None else pair(stride, name)
        self.padding = pair(padding, name)
        if min(self.kernel_size + self.stride) < 1 or \
                any(not 0 <= self.padding[i] <= self.kernel_size[i] // 2 for i in range(2)):
            raise ValueError(f"{name}: kernel_size and stride must be >= 1, padding in [0, kernel_size / 2], got "
                             f"{kernel_size}, {stride}, {padding}")

    def _windows(self, x: TensorT) -> Windows:
        return Windows(type(self).__name__, tuple(x.shape), self.kernel_size, self.stride, self.padding, (1, 1))

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d[TensorT]):
    """The largest element of each window (padding counts as -inf); its gradient goes to the first largest.

    The windows are laid out offset-major, so the maximum is an ``amax`` over the outer
    dim (contiguous rows), and the backward finds each window's first largest element
    with pointwise ops, offset by offset, rather than an argmax over short rows.
    """

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        win = self._windows(x)
        self._offsets = win.offsets_first(T, win.padded(T, x, -math.inf))
        self._out = T.amax(self._offsets, 0)
        return self._out

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T
        win = self._windows(x)
        free = T.ones_like(self._out)  # 1 where the window's largest element is not yet found
        pieces = []
        for k in range(self._offsets.shape[0]):
            # heaviside(v - max, 1) is 1 exactly where v is the largest
            hit = T.mul_(T.heaviside(T.sub(T.select(self._offsets, 0, k), self._out), 1.0), free)
            T.sub_(free, hit)
            pieces.append(T.mul_(hit, grad_output))
        kw = self.kernel_size[1]
        return win.fold(T, lambda i, j: pieces[i * kw + j], tuple(x.shape))


class AvgPool2d(_Pool2d[TensorT]):
    """The mean of each window, padding counted as zeros (PyTorch's count_include_pad=True)."""

    def update_output(self, x: TensorT) -> TensorT:
        T = self.T
        win = self._windows(x)
        return T.mean(win.view(T, win.padded(T, x, 0.0)), [4, 5])

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        T = self.T
        win = self._windows(x)
        kh, kw = self.kernel_size
        g = T.mul(grad_output, 1.0 / (kh * kw))
        return win.fold(T, lambda i, j: g, tuple(x.shape))
