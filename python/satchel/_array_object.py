"""The units' tensor classes as the Array API's array objects, with no wrapper.

``adopt`` runs once per unit, when the facade first imports it, and sets on its
tensor class what the standard adds to the units' own class: dtype and device
objects, ``size``, ``T``, ``mT``, ``to_device``, ``__array_namespace__``, and the
reflected operators that promote across units.

Promotion costs nothing on same-unit operators: ``x + y`` of one unit still runs
the extension's ``__add__`` directly. When it refuses (another unit, a Python
scalar it does not take), Python asks the right operand's ``__radd__``, which is
the Python function set here: it tries the extension's first, then promotes both
operands to the result type and runs the operator of that type's unit. In-place
operators are wrapped the same way, and refuse a promotion that would change
self's dtype.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import _dtypes
from ._dtypes import DType

# operator name -> (reflected dunder, in-place dunder or "", operator applying it the normal way round)
_BINARY: dict[str, tuple[str, str, Callable[[Any, Any], Any]]] = {
    "add": ("__radd__", "__iadd__", operator.add), "sub": ("__rsub__", "__isub__", operator.sub),
    "mul": ("__rmul__", "__imul__", operator.mul), "truediv": ("__rtruediv__", "__itruediv__", operator.truediv),
    "floordiv": ("__rfloordiv__", "__ifloordiv__", operator.floordiv), "mod": ("__rmod__", "__imod__", operator.mod),
    "pow": ("__rpow__", "__ipow__", operator.pow), "matmul": ("__rmatmul__", "", operator.matmul),
    "and": ("__rand__", "__iand__", operator.and_), "or": ("__ror__", "__ior__", operator.or_),
    "xor": ("__rxor__", "__ixor__", operator.xor), "lshift": ("__rlshift__", "__ilshift__", operator.lshift),
    "rshift": ("__rrshift__", "__irshift__", operator.rshift),
}

_UNIT_OF: dict[type, ModuleType] = {}  # tensor class -> its unit, filled by adopt
_UNITS: dict[tuple[str, str], ModuleType] = {}  # (dtype, device) -> unit, filled as asked for


def unit_for(dtype: str, device: str) -> ModuleType:
    """The unit of (dtype, device), looked up once."""
    try:
        return _UNITS[dtype, device]
    except KeyError:
        from ._registry import unit
        _UNITS[dtype, device] = m = unit(dtype, device)
        return m


def unit_of(x: object) -> ModuleType:
    """The unit of a tensor (a dict lookup)."""
    try:
        return _UNIT_OF[type(x)]
    except KeyError:
        raise TypeError(f"expected a satchel array, got {type(x).__name__}") from None


def is_array(x: object) -> bool:
    return type(x) in _UNIT_OF


_TENSOR: dict[tuple[type, str], Callable[[Any], Any]] = {}  # (class, dtype) -> the unit's tensor() converting to it


def convert(x: Any, dtype: DType) -> Any:
    """x as ``dtype`` on its device (x itself when it already is)."""
    cls = type(x)
    if cls.dtype is dtype:
        return x
    try:
        return _TENSOR[cls, dtype](x)
    except KeyError:
        _TENSOR[cls, dtype] = f = unit_for(dtype, cls.device).tensor
        return f(x)


def promoted(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """``op(a, b)`` with both operands at their result type (the standard's promotion, NEP 50 across kinds)."""
    ta, tb = type(a) in _UNIT_OF, type(b) in _UNIT_OF
    if ta and tb:
        if type(a).device != type(b).device:
            raise ValueError(f"operands on different devices: {type(a).device} and {type(b).device}")
        d = _dtypes.promote(type(a).dtype, type(b).dtype)
        if d is type(a).dtype and d is type(b).dtype:  # one unit, which has no such operator
            return NotImplemented
        return op(convert(a, d), convert(b, d))
    array, scalar = (a, b) if ta else (b, a)
    if not isinstance(scalar, (bool, int, float)):
        return NotImplemented
    d = _dtypes.promote_scalar(type(array).dtype, scalar)
    if d is type(array).dtype:  # the unit refused this scalar for this operator: say so
        return NotImplemented
    c = convert(array, d)
    return op(c, scalar) if ta else op(scalar, c)


def _reflected(op: Callable[[Any, Any], Any], native: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def reflected(self: Any, other: Any) -> Any:
        if type(other) in _UNIT_OF:  # another unit's array (the same unit's never gets here)
            return promoted(op, other, self)
        r = native(self, other)
        return promoted(op, other, self) if r is NotImplemented else r
    return reflected


def _inplace(name: str, op: Callable[[Any, Any], Any], native: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def inplace(self: Any, other: Any) -> Any:
        r = native(self, other)
        if r is not NotImplemented:
            return r
        d = _dtypes.result_type(self, other)
        if d != type(self).dtype:
            raise TypeError(f"in-place {name}: {type(self).dtype} {name} {getattr(other, 'dtype', type(other).__name__)}"
                            f" is {d}, which self ({type(self).dtype}) cannot hold")
        if type(other) in _UNIT_OF:
            r = native(self, convert(other, d))
            if r is not NotImplemented:
                return r
        raise TypeError(f"unsupported operand type(s) for {name}=: {type(self).__name__} and {type(other).__name__}")
    return inplace


def _refuse(self: Any, other: Any) -> Any:
    return NotImplemented


def _namespace(self: Any, /, *, api_version: str | None = None) -> ModuleType:
    if api_version not in (None, "2024.12", "2023.12", "2022.12", "2021.12"):
        raise ValueError(f"__array_namespace__: api_version {api_version!r} is not supported (2024.12)")
    return sys.modules["satchel"]


def _to_device(self: Any, device: object, /, *, stream: object = None) -> Any:
    if stream is not None:
        raise ValueError("to_device: stream is not supported")
    from ._registry import to
    return to(self, _dtypes.device_of(device))


def _matrix_T(self: Any) -> Any:
    if self.ndim < 2:
        raise ValueError(f"mT: an array of at least 2 dims is required, got shape {self.shape}")
    return self.swapaxes(-1, -2)


def _T(self: Any) -> Any:
    if self.ndim != 2:
        raise ValueError(f"T: a 2-d array is required (matrix_transpose or permute_dims for others), got shape {self.shape}")
    return self.swapaxes(0, 1)


def _size(self: Any) -> int:
    return int(self.numel())


def _index(self: Any) -> int:
    if self.ndim != 0 or type(self).dtype.kind not in ("signed", "unsigned"):
        raise TypeError(f"only 0-d integer arrays can be indices, got {type(self).dtype} of shape {self.shape}")
    return int(self.item())


def adopt(module: ModuleType, cls: type) -> None:
    """Make ``cls``, the tensor class of ``module``, an Array API array object."""
    if cls in _UNIT_OF:
        return
    dtype = _dtypes.dtype_of(cls.dtype)  # type: ignore[attr-defined]
    cls.dtype = dtype  # type: ignore[attr-defined]
    cls.device = _dtypes.device_of(cls.device)  # type: ignore[attr-defined]
    for name, (rname, iname, op) in _BINARY.items():  # an operator the unit lacks (bool's +) stays absent one way round
        setattr(cls, rname, _reflected(op, cls.__dict__.get(rname, _refuse)))
        if iname and iname in cls.__dict__:
            setattr(cls, iname, _inplace(name, op, cls.__dict__[iname]))
    cls.size = property(_size)  # type: ignore[attr-defined]
    cls.mT = property(_matrix_T)  # type: ignore[attr-defined]
    cls.T = property(_T)  # type: ignore[attr-defined]
    cls.to_device = _to_device  # type: ignore[attr-defined]
    cls.__array_namespace__ = _namespace  # type: ignore[attr-defined]
    if dtype.kind in ("signed", "unsigned"):
        cls.__index__ = _index  # type: ignore[attr-defined]
    _UNIT_OF[cls] = module
