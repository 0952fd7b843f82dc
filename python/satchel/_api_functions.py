"""The standard's statistical, manipulation, searching, sorting, set, indexing and
linear algebra functions, each on the unit's kernels."""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

from . import _dtypes
from ._array_object import _UNIT_OF
from ._api_common import array, axes, convert, device, dtype, promote_operands, unit_for

# ---- statistical and utility


def _at(x: Any, d: object) -> tuple[Any, Any]:
    """(x at ``dtype`` where one is given, the result's dtype or None): the units already
    accumulate bool and integers as int64, the standard's default for them."""
    if d is None:
        return x, None
    want = _dtypes.dtype_of(d)
    return convert(x, want), want


def _reduce(fn: str, method: str, x: Any, axis: int | Sequence[int] | None, keepdims: bool, **kw: Any) -> Any:
    if axis is None:  # every dim: the unit's full reduction, a 0-d array
        return getattr(x, method)(None, keepdim=keepdims, **kw)
    dims = axes(fn, axis, x.ndim)
    if not dims:  # nothing reduced (axis=() or a 0-d array)
        return getattr(x, method)(None, keepdim=keepdims, **kw) if x.ndim == 0 else _no_reduction(fn, x, **kw)
    return getattr(x, method)(list(dims), keepdim=keepdims, **kw)


def _no_reduction(fn: str, x: Any, **kw: Any) -> Any:
    if fn in ("std", "var"):  # each element its own sample: sum of squared deviations 0 over 1 - correction
        d = x - x
        v = d * d / (1.0 - kw["correction"])
        return v.sqrt() if fn == "std" else v
    if fn in ("all", "any"):
        return convert(x, _dtypes.bool_)
    return x.clone()


def sum(x: Any, /, *, axis: int | Sequence[int] | None = None, dtype: object = None,  # noqa: A001
        keepdims: bool = False) -> Any:
    x, want = _at(array(x, "sum"), dtype)
    out = _reduce("sum", "sum", x, axis, keepdims)
    return out if want is None else convert(out, want)


def prod(x: Any, /, *, axis: int | Sequence[int] | None = None, dtype: object = None, keepdims: bool = False) -> Any:
    x, want = _at(array(x, "prod"), dtype)
    out = _reduce("prod", "prod", x, axis, keepdims)
    return out if want is None else convert(out, want)


def _floating(fn: str, x: Any) -> Any:
    array(x, fn)
    if dtype(x).kind != "real floating":
        raise TypeError(f"{fn}: expected a floating-point array, got {dtype(x)}")
    return x


def mean(x: Any, /, *, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:
    return _reduce("mean", "mean", _floating("mean", x), axis, keepdims)


def std(x: Any, /, *, axis: int | Sequence[int] | None = None, correction: int | float = 0.0,
        keepdims: bool = False) -> Any:
    return _reduce("std", "std", _floating("std", x), axis, keepdims, correction=correction)


def var(x: Any, /, *, axis: int | Sequence[int] | None = None, correction: int | float = 0.0,
        keepdims: bool = False) -> Any:
    return _reduce("var", "var", _floating("var", x), axis, keepdims, correction=correction)


def max(x: Any, /, *, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _reduce("max", "amax", array(x, "max"), axis, keepdims)


def min(x: Any, /, *, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _reduce("min", "amin", array(x, "min"), axis, keepdims)


def all(x: Any, /, *, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _reduce("all", "all", array(x, "all"), axis, keepdims)


def any(x: Any, /, *, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _reduce("any", "any", array(x, "any"), axis, keepdims)


def _scan_axis(fn: str, x: Any, axis: int | None) -> int:
    if axis is None:
        if x.ndim != 1:
            raise ValueError(f"{fn}: axis is required for an array of {x.ndim} dims")
        return 0
    return axes(fn, axis, x.ndim)[0]


def _cumulative(fn: str, method: str, identity: int, x: Any, axis: int | None, d: object,
                include_initial: bool) -> Any:
    x, want = _at(array(x, fn), d)
    a = _scan_axis(fn, x, axis)
    out = getattr(x, method)(a)
    if want is not None:
        out = convert(out, want)
    if include_initial:
        shape = list(x.shape)
        shape[a] = 1
        out = concat([unit_for(dtype(out), device(out)).full(shape, identity), out], axis=a)
    return out


def cumulative_sum(x: Any, /, *, axis: int | None = None, dtype: object = None, include_initial: bool = False) -> Any:
    return _cumulative("cumulative_sum", "cumsum", 0, x, axis, dtype, include_initial)


def cumulative_prod(x: Any, /, *, axis: int | None = None, dtype: object = None,
                    include_initial: bool = False) -> Any:
    return _cumulative("cumulative_prod", "cumprod", 1, x, axis, dtype, include_initial)


def diff(x: Any, /, *, axis: int = -1, n: int = 1, prepend: Any = None, append: Any = None) -> Any:
    """``x[1:] - x[:-1]`` along axis, n times (``!=`` for bool), by the unit's narrow and sub."""
    array(x, "diff")
    a = axes("diff", axis, x.ndim)[0]
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"diff: n must be a non-negative int, got {n!r}")
    parts = [p for p in (prepend, x, append) if p is not None]
    if len(parts) > 1:
        x = concat(parts, axis=a)
    for _ in range(n):
        m = x.shape[a]
        if m == 0:
            break
        hi, lo = x.narrow(a, 1, m - 1), x.narrow(a, 0, m - 1)
        x = hi != lo if dtype(x).kind == "bool" else hi - lo
    return x


# ---- manipulation


def reshape(x: Any, /, shape: Sequence[int], *, copy: bool | None = None) -> Any:
    array(x, "reshape")
    if copy is False and not x.is_contiguous():
        raise ValueError("reshape: copy=False, but this array's strides need a copy")
    out = x.reshape(list(shape))
    return out.clone() if copy else out


def permute_dims(x: Any, /, axes: Sequence[int]) -> Any:
    return array(x, "permute_dims").permute(list(axes))


def expand_dims(x: Any, /, *, axis: int | Sequence[int] = 0) -> Any:
    array(x, "expand_dims")
    items = (axis,) if isinstance(axis, int) else tuple(axis)
    n = x.ndim + len(items)
    for a in sorted(i % n if -n <= i < n else _out_of_range("expand_dims", i, n) for i in items):
        x = x.unsqueeze(a)
    return x


def _out_of_range(fn: str, a: int, n: int) -> int:
    raise IndexError(f"{fn}: axis {a} is out of range for a result of {n} dims")


def squeeze(x: Any, /, axis: int | Sequence[int]) -> Any:
    array(x, "squeeze")
    dims = axes("squeeze", axis, x.ndim)
    for a in dims:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} has size {x.shape[a]}, not 1")
    for a in sorted(dims, reverse=True):
        x = x.squeeze(a)
    return x


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
    xs, d = promote_operands("concat", *arrays)
    if axis is None:
        xs, axis = [x.reshape([-1]) for x in xs], 0
    return unit_for(d, device(xs[0])).concat(xs, axis)


def stack(arrays: Sequence[Any], /, *, axis: int = 0) -> Any:
    xs, d = promote_operands("stack", *arrays)
    return unit_for(d, device(xs[0])).stack(xs, axis)


def flip(x: Any, /, *, axis: int | Sequence[int] | None = None) -> Any:
    return array(x, "flip").flip(list(axes("flip", axis, x.ndim)))


def roll(x: Any, /, shift: int | Sequence[int], *, axis: int | Sequence[int] | None = None) -> Any:
    array(x, "roll")
    if axis is None:
        return x.reshape([-1]).roll(shift if isinstance(shift, int) else list(shift)).reshape(list(x.shape))
    return x.roll(shift if isinstance(shift, int) else list(shift), axis if isinstance(axis, int) else list(axis))


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    n = builtins.max((len(s) for s in shapes), default=0)
    out = []
    for i in range(n):
        sizes = {s[len(s) - n + i] for s in shapes if len(s) - n + i >= 0} - {1}
        if len(sizes) > 1:
            raise ValueError(f"broadcast_shapes: shapes {', '.join(map(str, shapes))} do not broadcast")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to(x: Any, /, shape: Sequence[int]) -> Any:
    return array(x, "broadcast_to").broadcast_to(list(shape))


def broadcast_arrays(*arrays: Any) -> list[Any]:
    shape = broadcast_shapes(*(array(a, "broadcast_arrays").shape for a in arrays))
    return [a.broadcast_to(list(shape)) for a in arrays]


def tile(x: Any, repetitions: Sequence[int], /) -> Any:
    return array(x, "tile").tile(list(repetitions))


def repeat(x: Any, repeats: int | Any, /, *, axis: int | None = None) -> Any:
    array(x, "repeat")
    if axis is None:
        x, axis = x.reshape([-1]), 0
    if isinstance(repeats, int):
        return x.repeat_interleave(repeats, axis)
    counts = [int(r) for r in array(repeats, "repeat").tolist()]
    if len(counts) == 1:
        return x.repeat_interleave(counts[0], axis)
    index = unit_for(_dtypes.int64, device(x)).tensor([i for i, r in enumerate(counts) for _ in range(r)])
    return x.index_select(axis, index)


def moveaxis(x: Any, source: int | Sequence[int], destination: int | Sequence[int], /) -> Any:
    return array(x, "moveaxis").moveaxis(source if isinstance(source, int) else list(source),
                                          destination if isinstance(destination, int) else list(destination))


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    return tuple(array(x, "unstack").unbind(axis))


# ---- searching


def argmax(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return array(x, "argmax").argmax(axis, keepdims)


def argmin(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return array(x, "argmin").argmin(axis, keepdims)


def nonzero(x: Any, /) -> tuple[Any, ...]:
    array(x, "nonzero")
    if x.ndim == 0:
        raise ValueError("nonzero: 0-d arrays are not allowed")
    found = x.nonzero()
    return tuple(found.select(1, d) for d in range(x.ndim))


def count_nonzero(x: Any, /, *, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:
    return sum(array(x, "count_nonzero") != 0, axis=axis, keepdims=keepdims)


def where(condition: Any, x1: Any, x2: Any, /) -> Any:
    c = array(condition, "where")
    if dtype(c) != "bool":
        raise TypeError(f"where: condition must be a bool array, got {dtype(c)}")
    (a, b), d = promote_operands("where", x1, x2)
    return unit_for(d, device(a)).where(c, a, b)


def searchsorted(x1: Any, x2: Any, /, *, side: str = "left", sorter: Any = None) -> Any:
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    (a, b), d = promote_operands("searchsorted", x1, x2)
    return unit_for(d, device(a)).searchsorted(a, b, side=side, sorter=sorter)


# ---- sorting


def sort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    return array(x, "sort").sort(axis, descending, stable=stable)[0]


def argsort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    return array(x, "argsort").argsort(axis, descending, stable=stable)


# ---- set


def isin(x1: Any, x2: Any, /, *, invert: bool = False) -> Any:
    (a, b), d = promote_operands("isin", x1, x2)
    return unit_for(d, device(a)).isin(a, b, invert=invert)


def _unique(x: Any) -> tuple[Any, Any, Any]:
    """(sorted flat values, order, mask of the first of each run): NaNs differ from each other, as the standard says."""
    flat = array(x, "unique").reshape([-1])
    order = flat.argsort(0, False, stable=True)
    s = flat.take(order)
    b = unit_for(_dtypes.bool_, device(x))
    first = b.ones([1]) if s.shape[0] else b.empty([0])
    if s.shape[0] > 1:
        first = b.concat([first, s.narrow(0, 1, s.shape[0] - 1) != s.narrow(0, 0, s.shape[0] - 1)], 0)
    return s, order, first


def unique_values(x: Any, /) -> Any:
    s, _, first = _unique(x)
    return s.masked_select(first)


def unique_counts(x: Any, /) -> tuple[Any, Any]:
    s, _, first = _unique(x)
    starts = first.nonzero().reshape([-1])
    i = unit_for(_dtypes.int64, device(x))
    ends = i.concat([starts.narrow(0, 1, starts.shape[0] - 1), i.tensor([s.shape[0]])], 0) if starts.shape[0] \
        else i.empty([0])
    return s.masked_select(first), ends - starts


def unique_inverse(x: Any, /) -> tuple[Any, Any]:
    s, order, first = _unique(x)
    run = convert(first, _dtypes.int64).cumsum(0) - 1 if s.shape[0] else convert(first, _dtypes.int64)
    inverse = unit_for(_dtypes.int64, device(x)).empty([s.shape[0]])
    if s.shape[0]:
        inverse = inverse.scatter(0, order, run)
    return s.masked_select(first), inverse.reshape(list(x.shape))


def unique_all(x: Any, /) -> tuple[Any, Any, Any, Any]:
    s, order, first = _unique(x)
    values, counts = unique_counts(x)
    _, inverse = unique_inverse(x)
    return values, order.masked_select(first), inverse, counts


# ---- indexing and linear algebra


def take(x: Any, indices: Any, /, *, axis: int | None = None) -> Any:
    array(x, "take")
    if axis is None:
        if x.ndim != 1:
            raise ValueError(f"take: axis is required for an array of {x.ndim} dims")
        axis = 0
    return x.index_select(axis, convert(array(indices, "take"), _dtypes.int64))


def take_along_axis(x: Any, indices: Any, /, *, axis: int = -1) -> Any:
    return array(x, "take_along_axis").take_along_dim(convert(array(indices, "take_along_axis"), _dtypes.int64),
                                                      axis)


def matmul(x1: Any, x2: Any, /) -> Any:
    t1, t2 = type(x1), type(x2)
    if t1 is t2:
        return x1.matmul(x2)
    if t1 in _UNIT_OF and t2 in _UNIT_OF and t1.device is t2.device:
        d = _dtypes.promote(t1.dtype, t2.dtype)
        return convert(x1, d).matmul(convert(x2, d))
    (a, b), _ = promote_operands("matmul", array(x1, "matmul"), array(x2, "matmul"))
    return a.matmul(b)


def matrix_transpose(x: Any, /) -> Any:
    return array(x, "matrix_transpose").mT


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """The products summed along axis, the other dims broadcast: the unit's einsum (one batched matmul)."""
    (a, b), _ = promote_operands("vecdot", array(x1, "vecdot"), array(x2, "vecdot"))
    if a.shape[axis] != b.shape[axis]:
        raise ValueError(f"vecdot: axis {axis} has sizes {a.shape[axis]} and {b.shape[axis]}")
    unit = _UNIT_OF[type(a)]
    if not hasattr(unit, "einsum"):  # (bool: no products; the error the operators give)
        return (a * b).sum([axis])
    return unit.einsum("...i,...i->...", [a.movedim(axis, -1), b.movedim(axis, -1)])


def tensordot(x1: Any, x2: Any, /, *, axes: int | tuple[Sequence[int], Sequence[int]] = 2) -> Any:
    """The unit's tensordot: one matmul of the operands permuted and reshaped to matrices."""
    (a, b), _ = promote_operands("tensordot", array(x1, "tensordot"), array(x2, "tensordot"))
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError(f"tensordot: axes must be non-negative, got {axes}")
        return a.tensordot(b, axes)
    return a.tensordot(b, (list(axes[0]), list(axes[1])))

