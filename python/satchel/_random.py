"""Random generators: ``satchel.Generator``, the default generator of each device,
``manual_seed`` and ``fork_rng``.

A generator is a Philox4x32-10 stream (a 64-bit seed and a 64-bit offset counted
in 128-bit blocks), held by the core and bound in ``satchel._units._host``; the
units' random ops take one as ``generator=`` and, by default, draw from their
device's. Each draw reserves its blocks under the generator's lock, so threads
may share one.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed",
           "set_rng_state"]

try:
    _host: Any = importlib.import_module("satchel._units._host")
except ImportError:  # a source tree where nothing was built yet
    _host = None
if _host is not None and not hasattr(_host, "Generator"):  # built before generators were (the codegen still runs)
    _host = None


class _Unbuilt:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ImportError("satchel.Generator: satchel._units._host was not built (or is older than this source)")


Generator: Any = _host.Generator if _host is not None else _Unbuilt
if _host is not None:
    Generator.__module__ = "satchel"


def _devices(devices: Iterable[str] | None) -> list[Any]:
    """The default generators of devices (None: the CPU's and every CUDA device's)."""
    if devices is None:
        from . import _cuda

        count = _cuda.device_count() if _cuda.is_available() else 0
        devices = ["cpu"] + [f"cuda:{i}" for i in range(count)]
    return [default_generator(d) for d in devices]


def default_generator(device: str = "cpu") -> Any:
    """The default generator of a device ("cpu", "cuda:N"; "cuda": the current device's)."""
    if _host is None:
        raise ImportError("satchel: satchel._units._host was not built")
    if device == "cuda":
        from . import _cuda

        device = f"cuda:{_cuda.current_device()}"
    index = int(device.split(":", 1)[1]) if device.startswith("cuda:") else 0
    return _host.default_generator(device.split(":", 1)[0] if device.startswith("cuda:") else device, index)


def manual_seed(seed: int) -> Any:
    """Seed the default generators of every device (as torch.manual_seed); returns the CPU's."""
    for g in _devices(None):
        g.manual_seed(seed)
    return default_generator()


def seed() -> int:
    """Seed the default generators from the operating system's entropy; returns the seed.
    (Not satchel.seed, which names the seed program's module: satchel._random.seed.)"""
    s = default_generator().seed()
    for g in _devices(None)[1:]:
        g.manual_seed(s)
    return int(s)


def initial_seed() -> int:
    """The seed of the CPU's default generator."""
    return int(default_generator().initial_seed())


def get_rng_state() -> bytes:
    """The CPU default generator's state (Generator.get_state)."""
    return bytes(default_generator().get_state())


def set_rng_state(new_state: bytes) -> None:
    default_generator().set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Iterable[str] | None = None, enabled: bool = True) -> Iterator[None]:
    """Save the default generators' states (the CPU's and each CUDA device's, or
    those of `devices`) and restore them on leaving, as torch.random.fork_rng."""
    if not enabled:
        yield
        return
    generators = _devices(devices)
    states = [g.get_state() for g in generators]
    try:
        yield
    finally:
        for g, s in zip(generators, states):
            g.set_state(s)
