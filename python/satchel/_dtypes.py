"""The Array API's dtype and device objects, and its data-type functions.

A dtype object is a ``str`` subclass equal to (and hashing as) its name, so the
tensor classes' ``dtype`` attribute stays what the units' code and its users
compare and format (``T.dtype == "float32"``, ``f"{device}_{dtype}"``) while being
the standard's dtype object. Devices are the same: ``x.device == "cpu"``.
The submodules ``satchel.cpu`` and ``satchel.cuda`` stay what they are (the
units by dtype); wherever a device is taken they are accepted too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType

_KINDS = {"bool": "bool", "uint8": "unsigned", "int8": "signed", "int16": "signed", "int32": "signed",
          "int64": "signed", "float16": "real floating", "float32": "real floating", "float64": "real floating"}
_BITS = {"bool": 8, "uint8": 8, "int8": 8, "int16": 16, "int32": 32, "int64": 64, "float16": 16, "float32": 32,
         "float64": 64}


class DType(str):
    """A dtype of the Array API, e.g. ``satchel.float32``; ``== "float32"`` too."""

    __slots__ = ()

    @property
    def kind(self) -> str:
        return _KINDS[self]

    @property
    def bits(self) -> int:
        return _BITS[self]

    def units(self) -> list[str]:
        """The built units of this dtype, as ``"device.dtype"``."""
        from ._registry import units
        return [u for u in units() if u.endswith("." + self)]

    def __repr__(self) -> str:
        return f"satchel.{str.__str__(self)}"


class Device(str):
    """A device of the Array API; ``str(satchel.cpu_device) == "cpu"``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Device({str.__str__(self)!r})"


bool_ = DType("bool")
uint8 = DType("uint8")
int8 = DType("int8")
int16 = DType("int16")
int32 = DType("int32")
int64 = DType("int64")
float16 = DType("float16")
float32 = DType("float32")
float64 = DType("float64")
DTYPES: dict[str, DType] = {d: d for d in (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)}
CPU = Device("cpu")
CUDA = Device("cuda")
DEVICES: dict[str, Device] = {"cpu": CPU, "cuda": CUDA}
DEFAULT_FLOAT, DEFAULT_INT, DEFAULT_INDEX = float64, int64, int64


def dtype_of(d: object) -> DType:
    """The dtype object for ``d``: a dtype, its name, or a tensor class's ``dtype``."""
    if isinstance(d, str) and d in DTYPES:
        return DTYPES[d]
    raise TypeError(f"{d!r} is not a satchel dtype (known: {', '.join(DTYPES)})")


def device_of(d: object) -> Device:
    """The device object for ``d``: a device, its name, or the submodule ``satchel.cpu``/``satchel.cuda``."""
    if isinstance(d, ModuleType) and d.__name__.startswith("satchel."):
        d = d.__name__.rsplit(".", 1)[1]
    if isinstance(d, str):
        name = d.split(":", 1)[0]
        if name in DEVICES and d in (name, name + ":0"):
            return DEVICES[name]
    raise ValueError(f"{d!r} is not a satchel device (known: {', '.join(DEVICES)})")


def _promote_same_kind(a: DType, b: DType) -> DType:
    return a if a.bits >= b.bits else b


def promote(a: DType, b: DType) -> DType:
    """The standard's promotion of two dtypes, and NumPy 2's (NEP 50) across kinds (a table lookup)."""
    try:
        return _TABLE[a, b]
    except KeyError:
        raise TypeError(f"{a!r} and {b!r} are not both satchel dtypes") from None


def _promote(a: DType, b: DType) -> DType:
    if a is b:
        return a
    ka, kb = a.kind, b.kind
    if ka == kb:
        return _promote_same_kind(a, b)
    if ka == "bool":
        return b
    if kb == "bool":
        return a
    if ka == "real floating" or kb == "real floating":
        f, i = (a, b) if ka == "real floating" else (b, a)
        # the smallest float that holds every value of the integer exactly, as NumPy
        need = {8: float16, 16: float32, 32: float64, 64: float64}[i.bits]
        return _promote_same_kind(f, need)
    s, u = (a, b) if ka == "signed" else (b, a)  # a signed and an unsigned integer
    return s if s.bits > u.bits else DTYPES[f"int{2 * u.bits}"] if 2 * u.bits <= 64 else float64


_TABLE = {(a, b): _promote(a, b) for a in DTYPES.values() for b in DTYPES.values()}


def promote_scalar(d: DType, x: bool | int | float) -> DType:
    """A weak Python scalar takes the array's dtype when it is of the array's kind or a lower one."""
    if isinstance(x, bool) or (isinstance(x, int) and d.kind != "bool"):
        return d
    if isinstance(x, int):
        return DEFAULT_INT
    if isinstance(x, float):
        return d if d.kind == "real floating" else DEFAULT_FLOAT
    raise TypeError(f"{type(x).__name__} is not an operand of satchel arrays (bool, int, float or an array)")


def result_type(*arrays_and_dtypes: object) -> DType:
    """The standard's ``result_type``: arrays and dtypes first, then Python scalars as weak."""
    dtypes: list[DType] = []
    scalars: list[bool | int | float] = []
    for a in arrays_and_dtypes:
        if isinstance(a, (bool, int, float)):
            scalars.append(a)
        elif isinstance(a, str):
            dtypes.append(dtype_of(a))
        else:
            dtypes.append(dtype_of(getattr(a, "dtype", a)))
    if not dtypes:
        raise ValueError("result_type: at least one array or dtype is required")
    out = dtypes[0]
    for d in dtypes[1:]:
        out = promote(out, d)
    for s in scalars:
        out = promote_scalar(out, s)
    return out


def can_cast(from_: object, to: object, /) -> bool:
    """Whether promoting ``from_`` with ``to`` gives ``to`` (a cast that loses no value)."""
    src = dtype_of(getattr(from_, "dtype", from_))
    return promote(src, dtype_of(to)) == to


def isdtype(dtype: object, kind: object) -> bool:
    """The standard's ``isdtype``: a dtype, a kind name, or a tuple of either."""
    d = dtype_of(dtype)
    if isinstance(kind, tuple):
        return any(isdtype(d, k) for k in kind)
    if isinstance(kind, DType):
        return d == kind
    kinds = {"bool": ("bool",), "signed integer": ("signed",), "unsigned integer": ("unsigned",),
             "integral": ("signed", "unsigned"), "real floating": ("real floating",), "complex floating": (),
             "numeric": ("signed", "unsigned", "real floating")}
    if not isinstance(kind, str) or kind not in kinds:
        raise ValueError(f"isdtype: {kind!r} is neither a dtype nor a kind (kinds: {', '.join(kinds)})")
    return d.kind in kinds[kind]


@dataclass(frozen=True)
class finfo_object:  # noqa: N801 (the standard's name)
    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: DType


@dataclass(frozen=True)
class iinfo_object:  # noqa: N801
    bits: int
    max: int
    min: int
    dtype: DType


_FINFO = {"float16": (11, 15), "float32": (24, 127), "float64": (53, 1023)}  # mantissa digits, max exponent


def finfo(type: object, /) -> finfo_object:  # noqa: A002 (the standard's parameter name)
    d = dtype_of(getattr(type, "dtype", type))
    if d.kind != "real floating":
        raise TypeError(f"finfo: {d} is not a floating dtype")
    digits, emax = _FINFO[d]
    big = (2.0 - 2.0 ** (1 - digits)) * 2.0 ** emax if d != "float64" else 1.7976931348623157e308
    return finfo_object(d.bits, 2.0 ** (1 - digits), big, -big, 2.0 ** (1 - emax), d)


def iinfo(type: object, /) -> iinfo_object:  # noqa: A002
    d = dtype_of(getattr(type, "dtype", type))
    if d.kind not in ("signed", "unsigned"):
        raise TypeError(f"iinfo: {d} is not an integer dtype")
    if d.kind == "unsigned":
        return iinfo_object(d.bits, 2 ** d.bits - 1, 0, d)
    return iinfo_object(d.bits, 2 ** (d.bits - 1) - 1, -(2 ** (d.bits - 1)), d)


e, inf, nan, pi, newaxis = math.e, math.inf, math.nan, math.pi, None
