"""The seed program: written once against the base signature, run unchanged on every unit.

It reads two 1-D tensors of 10 numbers from files, takes their dot product and
the sum of the first (both accreal) and gives the sum of the two.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .signatures import AccRealT, BoolTensorInvT, LongTensorInvT, RealT, Signature, TensorT

DATA = Path(__file__).parent / "data"


def app(T: Signature[TensorT, RealT, AccRealT, BoolTensorInvT, LongTensorInvT], x: str | Path = DATA / "x",
        y: str | Path = DATA / "y") -> float:
    xs = T.read1d_file(str(x), 10)
    ys = T.read1d_file(str(y), 10)
    d = T.dot(xs, ys)
    s = T.sumall(xs)
    return d + s
