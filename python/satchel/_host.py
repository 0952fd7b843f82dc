"""The host side's process-wide settings: how many threads kernels use, and the
host allocator's cache of freed big blocks (as satchel.cuda has for the device)."""

from __future__ import annotations

import importlib
from typing import Any

_host: Any = None


def _module() -> Any:
    global _host
    if _host is None:  # imported when first used, so that `import satchel` works before a build
        _host = importlib.import_module("satchel._units._host")
    return _host


def set_num_threads(n: int) -> None:
    """Use at most n threads per kernel (0: OpenMP's default, OMP_NUM_THREADS or
    every core). Kernels below about 65,536 elements run on one thread anyway."""
    _module().set_num_threads(n)


def get_num_threads() -> int:
    """The most threads a kernel uses."""
    return int(_module().get_num_threads())


def memory_cached() -> int:
    """Bytes of freed big host blocks (1 MiB and more) kept for reuse, at most cache_limit()."""
    return int(_module().memory_cached())


def cache_limit() -> int:
    """The most bytes the host allocator keeps for reuse (1 GiB); blocks beyond go back at once."""
    return int(_module().cache_limit())


def empty_cache() -> None:
    """Give the freed blocks the host allocator keeps for reuse back to the system."""
    _module().empty_cache()
