"""What the namespace's functions share: finding units, promoting operands, axes."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from . import _dtypes
from ._array_object import _UNIT_OF, convert, unit_of
from ._array_object import unit_for as _unit_for
from ._dtypes import DType, Device



def unit_for(dtype: object, device: object = None) -> ModuleType:
    """The unit of (dtype, device), each given as an object or a name; device None is the CPU."""
    return _unit_for(_dtypes.dtype_of(dtype), _dtypes.CPU if device is None else _dtypes.device_of(device))


def array(x: object, name: str) -> Any:
    """x when it is a satchel array, else a TypeError naming the argument."""
    if type(x) not in _UNIT_OF:
        raise TypeError(f"{name}: expected a satchel array, got {type(x).__name__}")
    return x


def dtype(x: Any) -> DType:
    return type(x).dtype  # type: ignore[no-any-return]


def device(x: Any) -> Device:
    return type(x).device  # type: ignore[no-any-return]


def promote_operands(fn: str, *xs: object) -> tuple[list[Any], DType]:
    """The operands at their result type; Python scalars become 0-d arrays of it."""
    arrays = [x for x in xs if type(x) in _UNIT_OF]
    if not arrays:
        raise TypeError(f"{fn}: at least one operand must be a satchel array, got "
                        f"{', '.join(type(x).__name__ for x in xs)}")
    dev = device(arrays[0])
    for a in arrays[1:]:
        if device(a) != dev:
            raise ValueError(f"{fn}: operands on different devices: {dev} and {device(a)}")
    d = _dtypes.result_type(*xs)
    out: list[Any] = []
    for x in xs:
        if type(x) in _UNIT_OF:
            out.append(convert(x, d))
        elif isinstance(x, (bool, int, float)):
            out.append(unit_for(d, dev).tensor(x))
        else:
            raise TypeError(f"{fn}: {type(x).__name__} is not an operand (an array, bool, int or float)")
    return out, d


def axes(fn: str, axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    """axis normalized to non-negative dims, checked against ndim."""
    if axis is None:
        return tuple(range(ndim))
    items = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in items:
        if not isinstance(a, int) or isinstance(a, bool):
            raise TypeError(f"{fn}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -max(ndim, 1) <= a < max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise IndexError(f"{fn}: axis {a} is out of range for an array of {ndim} dims")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: repeated axis in {axis!r}")
    return tuple(out)


__all__ = ["array", "axes", "convert", "device", "dtype", "promote_operands", "unit_for", "unit_of"]
