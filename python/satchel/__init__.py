"""satchel: typed tensor units generated from one spec, behind one facade.

Each unit is an extension module for one (dtype, device), e.g.
``satchel.cpu.float32``; its tensor class has TH's name (``satchel.FloatTensor``).
Units are imported when first asked for, so ``import satchel`` never fails even
where none was built.
"""

from __future__ import annotations

from ._dlpack import from_dlpack
from ._errors import LinAlgError
from ._host import cache_limit, empty_cache, get_num_threads, memory_cached, set_num_threads
from ._random import Generator, default_generator, fork_rng, get_rng_state, initial_seed, manual_seed, set_rng_state
from ._printing import get_printoptions, printoptions, set_printoptions
from ._registry import UnitNotFound, th_class, unit, unit_of, units

try:  # the device submodules (satchel.cpu, ...), generated with the units, as attributes
    from ._units.exports import *  # noqa: F403
except ImportError:  # a source tree where nothing was built yet
    pass

__all__ = ["Generator", "LinAlgError", "UnitNotFound", "cache_limit", "default_generator", "empty_cache", "fork_rng",
           "from_dlpack", "get_num_threads", "get_printoptions", "get_rng_state", "initial_seed", "manual_seed",
           "memory_cached", "printoptions", "set_num_threads", "set_printoptions", "set_rng_state", "unit",
           "unit_of", "units"]


def __getattr__(name: str) -> object:
    """TH names: ``satchel.FloatTensor`` is the tensor class of ``satchel.cpu.float32``."""
    cls = th_class(name)
    if cls is None:
        raise AttributeError(f"module 'satchel' has no attribute {name!r}")
    return cls
