"""A minimal DataLoader over tensors that share their first dim (inputs, targets, ...)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .._registry import unit as _unit_named


class DataLoader:
    """Yields tuples of batches, one slice of each tensor; ``shuffle`` reorders the samples every epoch.

    A shuffled epoch gathers each tensor once in the new order (one ``randperm`` of the
    tensors' device, from ``generator`` or the device's default one), so every batch
    is then a contiguous view.
    """

    def __init__(self, tensors: Sequence[Any], batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 *, generator: object | None = None) -> None:
        if not tensors:
            raise ValueError("DataLoader: needs at least one tensor")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        n = len(tensors[0])
        for i, t in enumerate(tensors):
            if len(t) != n:
                raise ValueError(f"DataLoader: tensor {i} has {len(t)} samples, tensor 0 has {n}")
        self.tensors = list(tensors)
        self.n = n
        self.batch_size, self.shuffle, self.drop_last, self.generator = batch_size, shuffle, drop_last, generator

    def __len__(self) -> int:
        full, rest = divmod(self.n, self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        tensors = self.tensors
        if self.shuffle:
            order = _unit_named("int64", tensors[0].device).randperm(self.n, generator=self.generator)
            tensors = [t[order] for t in tensors]
        for b in range(len(self)):
            start = b * self.batch_size
            yield tuple(t[start:start + self.batch_size] for t in tensors)
