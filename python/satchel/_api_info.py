"""The standard's ``__array_namespace_info__()``: what this build of satchel has."""

from __future__ import annotations

from . import _dtypes
from ._dtypes import Device, DType

_KINDS = {"bool": ("bool",), "signed integer": ("signed",), "unsigned integer": ("unsigned",),
          "integral": ("signed", "unsigned"), "real floating": ("real floating",), "complex floating": (),
          "numeric": ("signed", "unsigned", "real floating")}


class Info:
    """Capabilities, devices and dtypes; the dtypes of a device are those of its built units."""

    def capabilities(self) -> dict[str, object]:
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self) -> Device:
        return _dtypes.CPU

    def default_dtypes(self, *, device: object = None) -> dict[str, DType | None]:
        return {"real floating": _dtypes.DEFAULT_FLOAT, "complex floating": None, "integral": _dtypes.DEFAULT_INT,
                "indexing": _dtypes.DEFAULT_INDEX}

    def devices(self) -> list[Device]:
        from ._registry import units
        return [d for d in _dtypes.DEVICES.values() if units(d)]

    def dtypes(self, *, device: object = None, kind: str | tuple[str, ...] | None = None) -> dict[str, DType]:
        from ._registry import units
        dev = _dtypes.CPU if device is None else _dtypes.device_of(device)
        built = {u.split(".", 1)[1] for u in units(dev)}
        kinds = (kind,) if isinstance(kind, str) else kind
        if kinds is not None and (unknown := [k for k in kinds if k not in _KINDS]):
            raise ValueError(f"dtypes: unknown kind {unknown[0]!r} (kinds: {', '.join(_KINDS)})")
        return {n: d for n, d in _dtypes.DTYPES.items()
                if n in built and (kinds is None or any(d.kind in _KINDS[k] for k in kinds))}


def __array_namespace_info__() -> Info:
    return Info()
