"""The standard's creation and data-type functions, on the units' constructors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import _dtypes
from ._api_common import array, convert, device, dtype, unit_for
from ._array_object import _UNIT_OF
from ._dtypes import DType

_BUFFER_FORMATS = {"?": "bool", "B": "uint8", "b": "int8", "h": "int16", "i": "int32", "l": "int64", "q": "int64",
                   "e": "float16", "f": "float32", "d": "float64"}


def _infer(obj: object) -> DType:
    """The dtype the standard gives Python values: bool, else the default int, else the default float."""
    kinds: set[str] = set()
    stack = [obj]
    while stack:
        v = stack.pop()
        if isinstance(v, bool):
            kinds.add("b")
        elif isinstance(v, int):
            kinds.add("i")
        elif isinstance(v, float):
            kinds.add("f")
        elif type(v) in _UNIT_OF:
            kinds.add({"bool": "b", "real floating": "f"}.get(dtype(v).kind, "i"))
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
        else:
            raise TypeError(f"asarray: {type(v).__name__} is not an array, a number or a sequence of them")
    return _dtypes.float64 if "f" in kinds else _dtypes.int64 if "i" in kinds else _dtypes.bool_ if kinds else \
        _dtypes.DEFAULT_FLOAT


def asarray(obj: object, /, *, dtype: object = None, device: object = None, copy: bool | None = None) -> Any:
    """The standard's ``asarray``; ``copy=False`` raises where a copy is needed, ``copy=True`` always copies."""
    if type(obj) in _UNIT_OF:
        x: Any = obj
        d = _dtypes.dtype_of(dtype) if dtype is not None else type(x).dtype
        dev = _dtypes.device_of(device) if device is not None else type(x).device
        if d is type(x).dtype and dev is type(x).device:
            return x.clone() if copy else x
        if copy is False:
            raise ValueError(f"asarray: copy=False, but {type(x).dtype} on {type(x).device} to {d} on {dev} "
                             "needs a copy")
        from ._registry import to
        return convert(to(x, dev), d)
    if hasattr(obj, "__dlpack__") and not hasattr(obj, "__array_interface__"):  # another library's array
        from ._dlpack import from_dlpack
        return asarray(from_dlpack(obj, copy=copy), dtype=dtype, device=device, copy=False if copy is False else None)
    if hasattr(obj, "__buffer__") or isinstance(obj, memoryview) or hasattr(obj, "__array_interface__"):
        view = memoryview(obj)  # type: ignore[arg-type]
        found = _BUFFER_FORMATS.get(view.format.lstrip("@=<"))
        if found is None:
            raise TypeError(f"asarray: buffer elements of format {view.format!r} have no satchel dtype")
        d = _dtypes.dtype_of(dtype) if dtype is not None else _dtypes.DTYPES[found]
        u = unit_for(d, device)
        if d == found and copy is not True and (device is None or _dtypes.device_of(device) == "cpu") \
                and not view.readonly:
            return u.from_numpy(obj)
        if copy is False:
            raise ValueError("asarray: copy=False, but the buffer cannot be shared as is (dtype, device or read-only)")
        return u.tensor(obj)
    if copy is False:
        raise ValueError("asarray: copy=False, but Python numbers and sequences are always copied")
    d = _dtypes.dtype_of(dtype) if dtype is not None else _infer(obj)
    return unit_for(d, device).tensor(obj)


def _shape(shape: int | Sequence[int]) -> list[int]:
    return [shape] if isinstance(shape, int) else list(shape)


def zeros(shape: int | Sequence[int], *, dtype: object = None, device: object = None) -> Any:
    return unit_for(dtype or _dtypes.DEFAULT_FLOAT, device).zeros(_shape(shape))


def ones(shape: int | Sequence[int], *, dtype: object = None, device: object = None) -> Any:
    return unit_for(dtype or _dtypes.DEFAULT_FLOAT, device).ones(_shape(shape))


def empty(shape: int | Sequence[int], *, dtype: object = None, device: object = None) -> Any:
    return unit_for(dtype or _dtypes.DEFAULT_FLOAT, device).empty(_shape(shape))


def full(shape: int | Sequence[int], fill_value: bool | int | float, *, dtype: object = None,
         device: object = None) -> Any:
    d = dtype or _infer(fill_value)
    return unit_for(d, device).full(_shape(shape), fill_value)


def _like(name: str, x: Any, dtype: object, device: object) -> tuple[object, object]:
    array(x, name)
    return dtype or type(x).dtype, device or type(x).device


def zeros_like(x: Any, /, *, dtype: object = None, device: object = None) -> Any:
    d, dev = _like("zeros_like", x, dtype, device)
    return zeros(x.shape, dtype=d, device=dev)


def ones_like(x: Any, /, *, dtype: object = None, device: object = None) -> Any:
    d, dev = _like("ones_like", x, dtype, device)
    return ones(x.shape, dtype=d, device=dev)


def empty_like(x: Any, /, *, dtype: object = None, device: object = None) -> Any:
    d, dev = _like("empty_like", x, dtype, device)
    return empty(x.shape, dtype=d, device=dev)


def full_like(x: Any, /, fill_value: bool | int | float, *, dtype: object = None, device: object = None) -> Any:
    d, dev = _like("full_like", x, dtype, device)
    return full(x.shape, fill_value, dtype=d, device=dev)


def arange(start: int | float, /, stop: int | float | None = None, step: int | float = 1, *, dtype: object = None,
           device: object = None) -> Any:
    """The standard's ``arange``: integers when every bound is an int, else the default float."""
    if step == 0:
        raise ValueError("arange: step must not be 0")
    if stop is None:
        start, stop = 0, start
    d = _dtypes.dtype_of(dtype) if dtype is not None else _infer([start, stop, step])
    n = max(0, math.ceil((stop - start) / step))
    if n == 0:
        return unit_for(d, device).empty([0])
    return unit_for(d, device).arange(start, start + n * step, step)[:n]


def linspace(start: int | float, stop: int | float, /, num: int, *, dtype: object = None, device: object = None,
             endpoint: bool = True) -> Any:
    """``start + i * step`` by the unit's arange and arithmetic (in float64, then cast)."""
    if not isinstance(num, int) or num < 0:
        raise ValueError(f"linspace: num must be a non-negative int, got {num!r}")
    d = _dtypes.dtype_of(dtype) if dtype is not None else _dtypes.DEFAULT_FLOAT
    f = unit_for(_dtypes.float64, device)
    div = (num - 1) if endpoint else num
    if num == 0:
        return unit_for(d, device).empty([0])
    step = (stop - start) / div if div > 0 else 0.0
    out = f.arange(0.0, float(num), 1.0)[:num] * step + start
    if endpoint and num > 1:
        out[num - 1] = float(stop)
    return convert(out, d)


def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: object = None, device: object = None) -> Any:
    """The unit's eye; for k != 0, its zeros with the k-th diagonal (the unit's diagonal, a view) set to one."""
    m = n_rows if n_cols is None else n_cols
    T = unit_for(_dtypes.dtype_of(dtype) if dtype is not None else _dtypes.DEFAULT_FLOAT, device)
    if k == 0:
        return T.eye(n_rows, m)
    out = T.zeros([n_rows, m])
    out.diagonal(k).fill_(1)
    return out


def tril(x: Any, /, *, k: int = 0) -> Any:
    return array(x, "tril").tril(k)


def triu(x: Any, /, *, k: int = 0) -> Any:
    return array(x, "triu").triu(k)


def meshgrid(*arrays: Any, indexing: str = "xy") -> list[Any]:
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    if not arrays:
        return []
    from ._api_common import promote_operands
    xs, d = promote_operands("meshgrid", *arrays)
    return list(unit_for(d, device(xs[0])).meshgrid(xs, indexing=indexing))


def astype(x: Any, dtype: object, /, *, copy: bool = True, device: object = None) -> Any:
    array(x, "astype")
    d = _dtypes.dtype_of(dtype)
    if device is not None and _dtypes.device_of(device) != type(x).device:
        from ._registry import to
        x = to(x, _dtypes.device_of(device))
    elif d is type(x).dtype:
        return x.clone() if copy else x
    return convert(x, d)
