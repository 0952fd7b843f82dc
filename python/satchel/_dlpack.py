"""DLPack for CPU tensors, through NumPy's implementation of the protocol.

A tensor exports the capsule of a NumPy array viewing its memory (the array keeps
the tensor alive through the buffer protocol, the capsule keeps the array alive),
and imports whatever NumPy can take in, as a tensor sharing that memory.
"""

from __future__ import annotations

from typing import Any

from ._registry import unit

CPU = (1, 0)  # (kDLCPU, device 0)


def export(tensor: object, **kwargs: Any) -> object:
    """``tensor.__dlpack__(stream=None, max_version=None, dl_device=None, copy=None)``."""
    import numpy as np

    return np.asarray(tensor).__dlpack__(**kwargs)


def from_dlpack(obj: Any, *, copy: bool | None = None) -> object:
    """A tensor sharing memory with any DLPack producer on the CPU (a NumPy array, a
    PyTorch CPU tensor, ...); a copy where copy=True or the producer is read-only."""
    import numpy as np

    array = np.from_dlpack(obj, copy=copy)
    T = unit(array.dtype.name, "cpu")
    if array.flags.writeable:
        return T.from_numpy(array)
    if copy is False:
        raise BufferError("from_dlpack: the producer's memory is read-only and copy=False forbids a copy")
    return T.tensor(array)
