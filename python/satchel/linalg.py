"""The Array API's ``linalg`` extension, as far as the units have kernels for it
(README: The Array API namespace lists what is missing)."""

from __future__ import annotations

import math
from typing import Any

from . import _dtypes
from ._api_common import array, convert, dtype, promote_operands, unit_for
from ._api_functions import matmul, matrix_transpose, sum, tensordot, vecdot


def _floating(fn: str, x: Any) -> Any:
    """x, floating, as the standard requires of linalg's inputs (integers: the default float)."""
    array(x, f"linalg.{fn}")
    if x.ndim < 2 and fn not in ("vector_norm", "outer"):
        raise ValueError(f"linalg.{fn}: expected a stack of matrices, got shape {x.shape}")
    return x if dtype(x).kind == "real floating" else convert(x, _dtypes.DEFAULT_FLOAT)


def cholesky(x: Any, /, *, upper: bool = False) -> Any:
    return _floating("cholesky", x).cholesky(upper)


def det(x: Any, /) -> Any:
    return _floating("det", x).det()


def inv(x: Any, /) -> Any:
    return _floating("inv", x).inv()


def solve(x1: Any, x2: Any, /) -> Any:
    (a, b), _ = promote_operands("linalg.solve", _floating("solve", x1), x2)
    return a.solve(b)


def eigh(x: Any, /) -> Any:
    return _floating("eigh", x).eigh()


def eigvalsh(x: Any, /) -> Any:
    return _floating("eigvalsh", x).eigvalsh()


def qr(x: Any, /, *, mode: str = "reduced") -> Any:
    return _floating("qr", x).qr(mode)


def slogdet(x: Any, /) -> Any:
    return _floating("slogdet", x).slogdet()


def svd(x: Any, /, *, full_matrices: bool = True) -> Any:
    return _floating("svd", x).svd(full_matrices)


def svdvals(x: Any, /) -> Any:
    return _floating("svdvals", x).svdvals()


def pinv(x: Any, /, *, rtol: float | None = None) -> Any:
    return _floating("pinv", x).pinv(rtol=None if rtol is None else float(rtol))


def matrix_rank(x: Any, /, *, rtol: float | None = None) -> Any:
    return _floating("matrix_rank", x).matrix_rank(rtol=None if rtol is None else float(rtol))


def outer(x1: Any, x2: Any, /) -> Any:
    (a, b), _ = promote_operands("linalg.outer", array(x1, "linalg.outer"), array(x2, "linalg.outer"))
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"linalg.outer: expected 1-d arrays, got shapes {a.shape} and {b.shape}")
    return a.outer(b)


def vector_norm(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False,
                ord: int | float = 2) -> Any:  # noqa: A002 (the standard's name)
    x = _floating("vector_norm", x)
    dims = None if axis is None else [axis] if isinstance(axis, int) else list(axis)
    if axis is None and keepdims:
        return x.reshape([-1]).norm(float(ord), [0], False).reshape([1] * x.ndim)
    return x.norm(float(ord), dims, keepdims)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: int | float | str = "fro") -> Any:  # noqa: A002
    """Frobenius, 1, -1, inf and -inf norms from the unit's reductions; 2, -2 and 'nuc' from its svdvals."""
    x = _floating("matrix_norm", x)
    if ord == "fro":
        return x.norm(2.0, [-2, -1], keepdims)
    spectral = {2: "amax", -2: "amin", "nuc": "sum"}
    if ord in spectral:
        s = getattr(x.svdvals(), spectral[ord])([-1], keepdim=True)
        return s.unsqueeze(-1) if keepdims else s.squeeze(-1)
    sums = {1: (-2, "amax"), -1: (-2, "amin"), math.inf: (-1, "amax"), -math.inf: (-1, "amin")}
    if ord not in sums:
        raise ValueError(f"linalg.matrix_norm: ord {ord!r} is not a matrix norm (supported: 'fro', 'nuc', 1, -1, 2, "
                         "-2, inf, -inf)")
    along, pick = sums[ord]
    s = x.abs().sum([along], keepdim=True)
    out = getattr(s, pick)([-1 if along == -2 else -2], keepdim=True)
    return out if keepdims else out.reshape(list(x.shape[:-2]))


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """The cross product of 3-vectors along axis, from the unit's narrow, mul, sub and concat."""
    (a, b), d = promote_operands("linalg.cross", array(x1, "linalg.cross"), array(x2, "linalg.cross"))
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"linalg.cross: axis {axis} must have size 3, got {a.shape} and {b.shape}")
    ax = axis % max(a.ndim, b.ndim)
    a, b = a.broadcast_to(list(_shape(a, b))), b.broadcast_to(list(_shape(a, b)))
    c = [(a.narrow(ax, i, 1), b.narrow(ax, i, 1)) for i in range(3)]
    parts = [c[1][0] * c[2][1] - c[2][0] * c[1][1], c[2][0] * c[0][1] - c[0][0] * c[2][1],
             c[0][0] * c[1][1] - c[1][0] * c[0][1]]
    return unit_for(d, type(a).device).concat(parts, ax)


def _shape(a: Any, b: Any) -> tuple[int, ...]:
    from ._api_functions import broadcast_shapes
    return broadcast_shapes(a.shape, b.shape)


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """The diagonal of the last two dims: the unit's diagonal, a view."""
    array(x, "linalg.diagonal")
    if x.ndim < 2:
        raise ValueError(f"linalg.diagonal: expected a stack of matrices, got shape {x.shape}")
    return x.diagonal(offset, -2, -1)


def trace(x: Any, /, *, offset: int = 0, dtype: object = None) -> Any:
    return sum(diagonal(x, offset=offset), axis=-1, dtype=dtype)


def matrix_power(x: Any, n: int, /) -> Any:
    """x^n by repeated squaring with the unit's matmul; n < 0 inverts first."""
    x = _floating("matrix_power", x) if n < 0 else array(x, "linalg.matrix_power")
    if x.shape[-1] != x.shape[-2]:
        raise ValueError(f"linalg.matrix_power: expected square matrices, got shape {x.shape}")
    if n < 0:
        x, n = x.inv(), -n
    out = unit_for(dtype(x), type(x).device).zeros(list(x.shape)) + _eye_like(x)
    while n:
        if n & 1:
            out = out.matmul(x)
        x, n = x.matmul(x), n >> 1
    return out


def _eye_like(x: Any) -> Any:
    from ._api_creation import eye
    return eye(x.shape[-1], dtype=dtype(x), device=type(x).device)


__all__ = ["cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm", "matrix_power",
           "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "tensordot",
           "trace", "vecdot", "vector_norm"]
