"""Python's number, container, NumPy and pickling protocols for every unit's tensor class.

They are written once here, over each unit's own functions, rather than compiled
into every unit: `install(cls)` puts them on a tensor class as the unit's module
binds it. A one-element tensor converts as its element does (`float(t)`,
`int(t)`, `f"{t:.2f}"`); a 0-d integer tensor is an index (`range(t)`,
`x[t]`), as in NumPy.
"""

from __future__ import annotations

import importlib
import struct
from typing import Any


def _unit(t: Any) -> Any:
    cls = type(t)
    return importlib.import_module(f"satchel._units.{cls.device}_{cls.dtype}")


def _one(t: Any, what: str) -> Any:
    """The only element of t, for a conversion to a Python number."""
    n = t.numel()
    if n != 1:
        raise TypeError(f"{what}: only a one-element tensor converts to a Python number; this one has "
                        f"{n} elements (shape {t.shape})")
    return t.item()


def _float(self: Any) -> float:
    return float(_one(self, "float()"))


def _int(self: Any) -> int:
    return int(_one(self, "int()"))  # NaN raises ValueError and inf OverflowError, as int(float) does


def _complex(self: Any) -> complex:
    return complex(_one(self, "complex()"))


def _index(self: Any) -> int:
    if self.ndim != 0:
        raise TypeError(f"only a 0-d integer tensor is an index, not one of shape {self.shape}")
    return int(self.item())


def _format(self: Any, spec: str) -> str:
    if self.numel() == 1:
        return format(self.item(), spec)
    if not spec:
        return str(self)
    raise TypeError(f"format spec {spec!r} applies to a one-element tensor, not one of shape {self.shape}")


def _round(self: Any, ndigits: int | None = None) -> Any:
    """Elementwise, half to even, as NumPy's round: round(t) is t.round(); round(t, n)
    rounds to n decimals (n < 0: to tens, hundreds, ...)."""
    T = _unit(self)
    if not hasattr(T, "round"):
        raise TypeError(f"round() of a {type(self).dtype} tensor: the unit has no round")
    if ndigits is None or ndigits == 0:
        return T.round(self)
    if not isinstance(ndigits, int):
        raise TypeError(f"round(): ndigits must be an int, not {type(ndigits).__name__}")
    if _dtype_class(self) != "floating":  # integers: whole already; n < 0 rounds half to even at 10^-n
        if ndigits > 0:
            return T.clone(self)
        return _round_int(T, self, 10 ** -ndigits)
    scale = 10.0 ** abs(ndigits)
    if ndigits > 0:
        return T.div(T.round(T.mul(self, scale)), scale)
    return T.mul(T.round(T.div(self, scale)), scale)


def _round_int(T: Any, t: Any, q: int) -> Any:
    """t rounded to a multiple of q, half to even (NumPy's round of integers to
    negative ndigits), wrapping as the dtype does; q beyond the dtype gives 0s."""
    cls = type(t)
    bits = 8 * memoryview(_host(T.zeros(0))).itemsize - (_dtype_class(t) == "signed")
    if q >= 1 << bits:  # beyond the dtype: every element is nearer 0 (but int64's past 5e18)
        return T.zeros(t.shape)
    quotient = T.floor_divide(t, q)
    down = T.mul(quotient, q)  # the multiple at or below t
    r = T.sub(t, down)  # 0 <= r < q
    odd = T.ne(T.remainder(quotient, 2), 0)
    up = T.gt(r, q // 2) | (T.eq(r, q // 2) & odd)  # bool tensors
    return T.add(down, T.mul(up.to(cls.dtype), q))


def _dtype_class(t: Any) -> str:
    from ._units.registry import DTYPE_CLASSES

    return str(DTYPE_CLASSES[type(t).dtype])


def _contains(self: Any, value: object) -> bool:
    """`value in t`: whether some element equals value, as NumPy's (t == value).any()."""
    return bool(self.eq(value).any())


def _host(self: Any) -> Any:
    return self if type(self).device == "cpu" else self.cpu()


def _array(self: Any, dtype: Any = None, copy: bool | None = None) -> Any:
    """NumPy's __array__ (NumPy 2): the tensor's own memory for a CPU tensor unless
    copy=True or dtype differs; a device tensor is always copied, so copy=False raises."""
    import numpy as np

    if copy is False and type(self).device != "cpu":
        raise ValueError(f"__array__: a tensor on {type(self).device} cannot be seen by NumPy without a copy")
    a = np.asarray(memoryview(_host(self)))
    if dtype is not None and np.dtype(dtype) != a.dtype:
        if copy is False:
            raise ValueError(f"__array__: converting {a.dtype} to {np.dtype(dtype)} needs a copy")
        return a.astype(dtype)
    return a.copy() if copy else a


def _reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickled by value: dtype, device, shape and the elements' bytes (native order)."""
    cls = type(self)
    data = bytes(memoryview(_host(self).contiguous()))
    return rebuild, (cls.dtype, cls.device, tuple(self.shape), data)


def rebuild(dtype: str, device: str, shape: tuple[int, ...], data: bytes) -> Any:
    """The tensor a pickle of __reduce__ describes."""
    host = importlib.import_module(f"satchel._units.cpu_{dtype}")
    fmt = memoryview(host.zeros(0)).format
    try:
        elements: object = memoryview(data).cast(fmt)  # type: ignore[call-overload]
    except ValueError:  # a format memoryview cannot cast to (float16's "e"): through Python numbers
        elements = list(struct.unpack(f"={len(data) // struct.calcsize(fmt)}{fmt}", data))
    t = host.tensor(elements).reshape(shape)
    return t if device == "cpu" else t.to(device)


def _copy(self: Any) -> Any:
    return self.clone()


def _deepcopy(self: Any, memo: dict[int, Any]) -> Any:
    return self.clone()


_ALL = {
    "__float__": _float, "__int__": _int, "__complex__": _complex, "__format__": _format, "__round__": _round,
    "__contains__": _contains, "__array__": _array, "__reduce__": _reduce, "__copy__": _copy,
    "__deepcopy__": _deepcopy,
}


def install(cls: type) -> None:
    """Puts the protocols on a unit's tensor class (integer classes are also indices)."""
    for name, fn in _ALL.items():
        setattr(cls, name, fn)
    from ._units.registry import DTYPE_CLASSES

    if DTYPE_CLASSES[cls.dtype] in ("signed", "unsigned"):  # type: ignore[attr-defined]
        cls.__index__ = _index  # type: ignore[attr-defined]
