"""Exceptions of satchel's own, raised by every unit."""

from __future__ import annotations


class LinAlgError(ValueError):
    """A matrix a linear-algebra op cannot take: singular for inv and solve, not
    positive-definite for cholesky. The message names the matrix of the batch."""
