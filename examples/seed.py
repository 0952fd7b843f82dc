"""The seed program of "Backpack for deep learning", written once against a signature.

``app`` only knows ``Signature``: a tensor type, its number types and the
functions every unit has. mypy checks it against each unit it is linked to
(``mypy --strict examples/seed.py``), and at run time it runs unchanged on every
unit: ``python examples/seed.py [X Y]`` (default: the bundled files holding 1..10).
"""

from __future__ import annotations

import sys

import satchel
from satchel.seed import DATA
from satchel.signatures import AccRealT, BoolTensorInvT, LongTensorInvT, RealT, Signature, TensorT


def app(T: Signature[TensorT, RealT, AccRealT, BoolTensorInvT, LongTensorInvT], x: str, y: str) -> None:
    xs = T.read1d_file(x, 10)
    ys = T.read1d_file(y, 10)
    d = T.dot(xs, ys)
    s = T.sumall(xs)
    print(d + s)


def main(argv: list[str]) -> None:
    x, y = argv if len(argv) == 2 else (str(DATA / "x"), str(DATA / "y"))
    app(satchel.cpu.float32, x, y)  # prints 440.0 on the bundled files
    app(satchel.cpu.int32, x, y)  # prints 440
    app(satchel.cpu.uint8, x, y)
    app(satchel.cpu.float16, x, y)


if __name__ == "__main__":
    main(sys.argv[1:])
