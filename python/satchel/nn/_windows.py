"""Sliding windows over the last two dims of (N, C, H, W): im2col as one strided view, col2im as k*k adds."""

from __future__ import annotations

from collections.abc import Callable

from ..signatures import TensorT
from ._unit import Unit


def pair(v: int | tuple[int, int], name: str) -> tuple[int, int]:
    p = (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))
    if len(p) != 2:
        raise ValueError(f"{name}: expected an int or a pair, got {v!r}")
    return p


class Windows:
    """The geometry of one windowing: kernel, stride, padding, dilation over an (H, W) input."""

    def __init__(self, name: str, shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int],
                 padding: tuple[int, int], dilation: tuple[int, int]) -> None:
        if len(shape) != 4:
            raise ValueError(f"{name}: expected input of shape (batch, channels, height, width), got {shape}")
        self.n, self.c, h, w = shape
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation
        self.hp, self.wp = h + 2 * padding[0], w + 2 * padding[1]
        span = [dilation[i] * (kernel[i] - 1) + 1 for i in range(2)]
        self.oh = (self.hp - span[0]) // stride[0] + 1
        self.ow = (self.wp - span[1]) // stride[1] + 1
        if self.oh < 1 or self.ow < 1:
            raise ValueError(f"{name}: a {kernel[0]}x{kernel[1]} kernel (dilation {dilation}) does not fit the "
                             f"input {h}x{w} padded by {padding}")

    def padded(self, T: Unit[TensorT], x: TensorT, fill: float) -> TensorT:
        """x, contiguous, with ``padding`` elements of ``fill`` on each side of H and W."""
        ph, pw = self.padding
        if ph == 0 and pw == 0:
            return T.contiguous(x)
        out = T.full([self.n, self.c, self.hp, self.wp], fill)
        T.copy_(T.narrow(T.narrow(out, 2, ph, x.shape[2]), 3, pw, x.shape[3]), x)
        return out

    def view(self, T: Unit[TensorT], xp: TensorT) -> TensorT:
        """(N, C, OH, OW, KH, KW): every window of xp, a strided view."""
        sn, sc, sh, sw = self.c * self.hp * self.wp, self.hp * self.wp, self.wp, 1
        (kh, kw), (dh, dw), (th, tw) = self.kernel, self.dilation, self.stride
        return T.as_strided(xp, [self.n, self.c, self.oh, self.ow, kh, kw], [sn, sc, sh * th, sw * tw, sh * dh, sw * dw])

    def columns(self, T: Unit[TensorT], xp: TensorT) -> TensorT:
        """im2col: the (C * KH * KW, N * OH * OW) matrix of every window of xp, one per column."""
        sn, sc, sh, sw = self.c * self.hp * self.wp, self.hp * self.wp, self.wp, 1
        (kh, kw), (dh, dw), (th, tw) = self.kernel, self.dilation, self.stride
        view = T.as_strided(xp, [self.c, kh, kw, self.n, self.oh, self.ow], [sc, sh * dh, sw * dw, sn, sh * th, sw * tw])
        return T.reshape(T.contiguous(view), [self.c * kh * kw, self.n * self.oh * self.ow])

    def offsets_first(self, T: Unit[TensorT], xp: TensorT) -> TensorT:
        """(KH * KW, N, C, OH, OW), contiguous: each kernel offset's elements of every window, offset-major."""
        sn, sc, sh, sw = self.c * self.hp * self.wp, self.hp * self.wp, self.wp, 1
        (kh, kw), (dh, dw), (th, tw) = self.kernel, self.dilation, self.stride
        view = T.as_strided(xp, [kh, kw, self.n, self.c, self.oh, self.ow], [sh * dh, sw * dw, sn, sc, sh * th, sw * tw])
        return T.reshape(T.contiguous(view), [kh * kw, self.n, self.c, self.oh, self.ow])

    def fold(self, T: Unit[TensorT], piece: Callable[[int, int], TensorT], x_shape: tuple[int, ...]) -> TensorT:
        """The adjoint of ``view``: ``piece(i, j)``, the (N, C, OH, OW) gradient of kernel offset (i, j)
        (asked for in row-major order), summed back into an (N, C, H, W) gradient."""
        (kh, kw), (dh, dw), (th, tw) = self.kernel, self.dilation, self.stride
        grad = T.zeros([self.n, self.c, self.hp, self.wp])
        sn, sc, sh = self.c * self.hp * self.wp, self.hp * self.wp, self.wp
        for i in range(kh):
            for j in range(kw):
                dest = T.as_strided(grad, [self.n, self.c, self.oh, self.ow], [sn, sc, sh * th, tw],
                                    i * dh * sh + j * dw)
                T.add_(dest, piece(i, j))
        ph, pw = self.padding
        if ph == 0 and pw == 0:
            return grad
        return T.narrow(T.narrow(grad, 2, ph, x_shape[2]), 3, pw, x_shape[3])
