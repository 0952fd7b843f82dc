"""DLPack on the Python side: how satchel asks a producer for its capsule, and which
unit takes it. Capsules are made and consumed in C++ (cpp/satchel/dlpack.h)."""

from __future__ import annotations

import ctypes
from typing import Any

from ._registry import unit

CPU, CUDA = 1, 2  # kDLCPU, kDLCUDA
DEVICES = {CPU: "cpu", CUDA: "cuda"}
DTYPES = {(0, 8): "int8", (0, 16): "int16", (0, 32): "int32", (0, 64): "int64", (1, 8): "uint8",
          (2, 16): "float16", (2, 32): "float32", (2, 64): "float64", (6, 8): "bool"}  # (type code, bits)
_NAMES = (b"dltensor", b"dltensor_versioned")
# DLManagedTensorVersioned puts version, manager_ctx, deleter and flags before its DLTensor.
_TENSOR_AT = {b"dltensor": 0, b"dltensor_versioned": 32}

_api = ctypes.pythonapi
_api.PyCapsule_GetName.restype = ctypes.c_char_p
_api.PyCapsule_GetName.argtypes = [ctypes.py_object]
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def is_capsule(obj: object) -> bool:
    return type(obj).__name__ == "PyCapsule"


def capsule(obj: Any, copy: bool | None) -> object:
    """obj's DLPack capsule (obj itself if it is one), asked as DLPack 1.x says: from a
    CUDA producer on satchel's current stream. Producers older than 1.0 take neither
    max_version nor copy (copy=True then copies on import)."""
    if is_capsule(obj):
        return obj
    if not (hasattr(obj, "__dlpack__") and hasattr(obj, "__dlpack_device__")):
        raise TypeError(f"from_dlpack: {type(obj).__name__} does not support DLPack (no __dlpack__)")
    kwargs: dict[str, Any] = {}
    if obj.__dlpack_device__()[0] == CUDA:
        from . import _cuda

        kwargs["stream"] = _cuda.current_stream().handle or 1  # 1: the legacy default stream
    try:
        return obj.__dlpack__(max_version=(1, 0), copy=copy, **kwargs)
    except TypeError:
        return obj.__dlpack__(**kwargs)


def describe(cap: object) -> tuple[str, str]:
    """(dtype, device) of an unconsumed capsule's tensor, read from its DLTensor."""
    name = _api.PyCapsule_GetName(cap)
    if name not in _NAMES:
        raise ValueError(f"from_dlpack: expected an unconsumed DLPack capsule, got one named {name!r}")
    tensor = _api.PyCapsule_GetPointer(cap, name) + _TENSOR_AT[name]
    device_type = ctypes.c_int32.from_address(tensor + 8).value  # after void* data
    code, bits = ctypes.c_uint8.from_address(tensor + 20).value, ctypes.c_uint8.from_address(tensor + 21).value
    lanes = ctypes.c_uint16.from_address(tensor + 22).value  # after DLDevice and int32 ndim
    if device_type not in DEVICES:
        raise BufferError(f"from_dlpack: satchel has no unit for memory of DLPack device type {device_type}")
    if lanes != 1 or (code, bits) not in DTYPES:
        raise TypeError(f"from_dlpack: satchel has no dtype for DLPack elements of type code {code}, "
                        f"{bits} bits, {lanes} lanes")
    return DTYPES[code, bits], DEVICES[device_type]


def from_dlpack(obj: Any, /, *, device: object = None, copy: bool | None = None) -> object:
    """A tensor sharing memory with a DLPack producer (a NumPy array, a PyTorch
    tensor, a CuPy array, ...) on the CPU or a CUDA device, in the unit of its dtype
    and device; a copy where copy=True or the producer's memory is read-only,
    and on ``device`` where one is given (a copy there unless copy=False, which refuses)."""
    obj = capsule(obj, copy)
    dtype, found = describe(obj)
    t = unit(dtype, found).from_dlpack(obj, copy=copy)
    if device is None or str(device).split(":")[0] == found:
        return t
    if copy is False:
        raise ValueError(f"from_dlpack: copy=False, but the producer is on {found}, not {device}")
    return t.to_device(device)
