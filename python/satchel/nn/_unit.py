"""The one type every module is written against: a floating unit whose tensors are ``TensorT``."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

from ..signatures import FloatingSignature, TensorT

# Masks (bool), indices (int64) and float64 results belong to sibling units the
# module never names; sums along dims of a floating unit are its own tensors.
Unit: TypeAlias = FloatingSignature[TensorT, float, float, Any, Any, Any, Any, TensorT]


class Index(Protocol):
    """An int64 tensor of class indices (targets, embedding ids), of the module's device."""

    @property
    def shape(self) -> tuple[int, ...]: ...
    def numel(self) -> int: ...
    def view(self, shape: int | list[int], /) -> Any: ...
