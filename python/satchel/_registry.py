"""Finding units: which the spec declares, which were built, and importing them."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from functools import cache
from types import ModuleType


class UnitNotFound(LookupError):
    """A (dtype, device) that was not declared or not built."""


@cache
def _declared() -> tuple[tuple[str, str, str, str], ...]:
    """(module, device, dtype, TH name) of every unit in the spec."""
    try:
        from ._units.registry import UNITS
    except ImportError:  # nothing built yet
        return ()
    return UNITS


def _is_built(module: str) -> bool:
    return importlib.util.find_spec(f"satchel._units.{module}") is not None


_ADOPTED: set[ModuleType] = set()


def _adopt(module: ModuleType) -> None:
    """The unit's tensor class made an Array API array object, once."""
    from ._array_object import adopt
    th = next(th for m, _, _, th in _declared() if module.__name__.endswith("." + m))
    adopt(module, getattr(module, th))
    _ADOPTED.add(module)


def units(device: str | None = None) -> list[str]:
    """The built units as ``"device.dtype"`` names, optionally of one device."""
    return [f"{dev}.{dtype}" for module, dev, dtype, _ in _declared()
            if (device is None or dev == device) and _is_built(module)]


def unit(dtype: str, device: str = "cpu") -> ModuleType:
    """The unit module for (dtype, device), e.g. ``unit("float32", "cpu")``."""
    module = f"{device}_{dtype}"
    if any(m == module for m, *_ in _declared()) and _is_built(module):
        loaded = importlib.import_module(f"satchel._units.{module}")
        if loaded not in _ADOPTED:
            _adopt(loaded)
        return loaded
    built = units()
    raise UnitNotFound(
        f"no unit {device}.{dtype}; built units: {', '.join(built) if built else 'none (build satchel first)'}"
    )


def unit_of(tensor: object) -> ModuleType:
    """The unit a tensor belongs to."""
    cls = type(tensor)
    return unit(getattr(cls, "dtype", "?"), getattr(cls, "device", "?"))


def to(tensor: object, target: str) -> object:
    """``tensor.to(target)``: a copy as dtype or device ``target``, or tensor itself.

    Between dtypes, elements convert as C++ does, made total: floats to integers
    truncate toward zero and saturate at the integer's range, NaN gives 0;
    integers wrap around modulo 2^bits; anything nonzero is true.
    """
    cls = type(tensor)
    if target in (cls.dtype, cls.device):  # type: ignore[attr-defined]
        return tensor
    if any(device == target for _, device, _, _ in _declared()):
        return unit(cls.dtype, target).from_host(tensor)  # type: ignore[attr-defined]
    if not any(dtype == target for _, _, dtype, _ in _declared()):
        known = sorted({d for _, _, d, _ in _declared()} | {d for _, d, _, _ in _declared()})
        raise ValueError(f"to: {target!r} is neither a dtype nor a device (known: {', '.join(known)})")
    return unit(target, cls.device).tensor(tensor)  # type: ignore[attr-defined]


def th_class(name: str) -> type | None:
    """The tensor class called ``name`` (a TH name such as FloatTensor) of a CPU unit."""
    for module, device, dtype, th in _declared():
        if th == name and device == "cpu":
            return getattr(unit(dtype, device), th)  # type: ignore[no-any-return]
    return None


def device_namespace(device: str, namespace: dict[str, object]) -> tuple[
        Callable[[str], ModuleType], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` of the module ``satchel.<device>``,
    whose globals are ``namespace`` (the device's runtime functions, if any): its other
    attributes are its units by dtype, each imported when first asked for
    (``satchel.cpu.float32``, ``from satchel.cpu import float32``). ``__all__`` is the
    built units, as the stub's is the declared ones."""

    def __getattr__(dtype: str) -> ModuleType:
        if dtype.startswith("__"):
            raise AttributeError(dtype)
        try:
            module = unit(dtype, device)
        except UnitNotFound as e:
            raise AttributeError(str(e), name=dtype) from None
        namespace[dtype] = module  # found without __getattr__ from now on
        return module

    def built() -> list[str]:
        return [dtype for module, dev, dtype, _ in _declared() if dev == device and _is_built(module)]

    def __dir__() -> list[str]:
        return sorted({*namespace, *built()})

    return __getattr__, __dir__, built()
