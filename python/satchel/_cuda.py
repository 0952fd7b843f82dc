"""satchel.cuda's own functions (spec/types.yaml names this module the runtime of
device cuda): whether a GPU can be used, the current device and stream, the
caching allocator.

They wrap the extension module ``satchel._units._cuda_runtime``, built with the
CUDA units. Where satchel was built without CUDA, or runs without a driver or GPU,
``is_available()`` is False and what needs a device raises ``CudaError`` with
"no CUDA device: ..." and the reason; every CUDA unit raises the same error.
"""

from __future__ import annotations

import importlib
from typing import Any

_rt: Any
try:
    _rt = importlib.import_module("satchel._units._cuda_runtime")
except ImportError:  # built without a CUDA compiler, or not built yet
    _rt = None

__all__ = [
    "CudaError", "Stream", "current_device", "current_stream", "device_count", "device_properties",
    "empty_cache", "is_available", "memory_allocated", "memory_cached", "set_device", "set_stream",
    "synchronize", "unavailable_reason",
]

NOT_BUILT = "satchel was built without its CUDA units (CMake found no CUDA compiler)"


class _CudaError(RuntimeError):
    """An error of the CUDA runtime, or the use of a CUDA unit with no usable device."""


_CudaError.__name__ = _CudaError.__qualname__ = "CudaError"


class _NoStream:
    """A CUDA stream of the current device; ``with stream:`` makes it current."""

    def __init__(self) -> None:
        raise CudaError(f"no CUDA device: {NOT_BUILT}")


# The extension module's classes where it was built; stand-ins that say why not elsewhere.
CudaError: type[RuntimeError] = _rt.CudaError if _rt is not None else _CudaError
Stream: Any = _rt.Stream if _rt is not None else _NoStream


def _runtime() -> Any:
    if _rt is None:
        raise CudaError(f"no CUDA device: {NOT_BUILT}")
    return _rt


def is_available() -> bool:
    """Whether CUDA units were built and a CUDA device can be used (a driver and a GPU)."""
    return _rt is not None and bool(_rt.is_available())


def unavailable_reason() -> str | None:
    """Why no CUDA device can be used, or None when one can."""
    return NOT_BUILT if _rt is None else _rt.unavailable_reason()


def device_count() -> int:
    """The number of CUDA devices (0 without CUDA units, a driver or a GPU)."""
    return 0 if _rt is None else int(_rt.device_count())


def current_device() -> int:
    """The index of the current device: where tensors are made and ops run."""
    return 0 if _rt is None else int(_rt.current_device())


def set_device(device: int) -> None:
    """Make ``device`` current (its default stream becomes the current stream)."""
    _runtime().set_device(device)


def synchronize() -> None:
    """Wait until all work queued on the current device has run."""
    _runtime().synchronize()


def current_stream() -> Any:
    """The stream CUDA units queue their work on (handle 0: the device's default stream)."""
    return _runtime().current_stream()


def set_stream(stream: Any) -> Any:
    """Make ``stream`` current (None: the default stream); returns the stream it replaced,
    after waiting for the work queued on it."""
    return _runtime().set_stream(stream)


def empty_cache() -> None:
    """Give the device memory of freed tensors, which the caching allocator keeps for
    reuse, back to the driver. Does nothing without CUDA."""
    if _rt is not None:
        _rt.empty_cache()


def memory_allocated() -> int:
    """Bytes of device memory held by tensors (rounded to the allocator's size classes)."""
    return 0 if _rt is None else int(_rt.memory_allocated())


def memory_cached() -> int:
    """Bytes of device memory in freed blocks kept for reuse."""
    return 0 if _rt is None else int(_rt.memory_cached())


def device_properties(device: int | None = None) -> dict[str, Any]:
    """name, compute_capability, multiprocessors, total_memory, memory_clock_khz,
    memory_bus_width and peak_bandwidth (bytes/s) of a device (default: the current one)."""
    return dict(_runtime().device_properties(device))
