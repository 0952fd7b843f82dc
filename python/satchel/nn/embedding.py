"""Embedding: rows of a (num_embeddings, embedding_dim) table looked up by int64 ids."""

from __future__ import annotations

from ..signatures import TensorT
from ._unit import Index, Unit
from .module import Module


class Embedding(Module[TensorT]):
    """``forward(ids)`` takes int64 ids of any shape and gives (*ids.shape, embedding_dim).

    Its input is an index tensor, not a ``TensorT``, so it begins a model rather than
    sitting inside a Sequential; ``backward(ids, grad_output)`` only accumulates the
    table's gradient (ids have none).
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, *, unit: Unit[TensorT],
                 generator: object | None = None) -> None:
        super().__init__(unit)
        if num_embeddings < 1 or embedding_dim < 1:
            raise ValueError(f"Embedding: sizes must be >= 1, got {num_embeddings}, {embedding_dim}")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = self.add_parameter("weight", unit.normal_(unit.empty([num_embeddings, embedding_dim]),
                                                                generator=generator))

    def forward(self, ids: Index) -> TensorT:  # type: ignore[override]
        T = self.T
        rows = T.index_select(self.weight.data, 0, ids.view([-1]))
        return T.view(rows, [*ids.shape, self.embedding_dim])

    def backward(self, ids: Index, grad_output: TensorT) -> None:  # type: ignore[override]
        T = self.T
        T.index_add_(self.weight.grad, 0, ids.view([-1]), T.reshape(grad_output, [-1, self.embedding_dim]))

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
