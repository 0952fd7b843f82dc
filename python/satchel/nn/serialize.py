"""state_dict files: NumPy ``.npz``, one array per entry, loadable into a model of any dtype and device."""

from __future__ import annotations

from typing import Any

from .module import Module


def save(model: Module[Any], path: str) -> None:
    import numpy as np  # only saving and loading need NumPy

    arrays: dict[str, Any] = {name: np.asarray(t.cpu()) for name, t in model.state_dict().items()}
    np.savez(path, **arrays)


def load(model: Module[Any], path: str) -> None:
    import numpy as np

    with np.load(path) as archive:
        model.load_state_dict({name: archive[name] for name in archive.files})
