"""Calls every op of one unit with hostile arguments, derived from the spec alone.

Run as a child process (``python hostile_calls.py cpu.float32``) so that a crash
is a failed exit status rather than a dead test run. Each op is called with a
valid-looking argument for every parameter, then with each parameter in turn
replaced by every hostile value of its type (wrong types, wrong units, empty,
0-d, expanded and transposed tensors, out-of-range and overflowing ints, NaN
and infinities, shapes whose size overflows). A call may return or raise an
exception of a documented type; anything else is reported. The last line
printed is a JSON summary.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import satchel
from satchel.codegen.model import Op, load_spec
from satchel.codegen.signature import Arg, BaseKind, BaseType, ListType, OptionalType, TensorType

# What a bad argument may raise (satchel.LinAlgError is a ValueError; OSError: files).
DOCUMENTED = (TypeError, ValueError, IndexError, OverflowError, MemoryError, RuntimeError, NotImplementedError,
              OSError)


# The shapes of the valid-looking tensors of each round of calls (ops want 1-D, 2-D or 3-D).
SHAPES = ([3, 4], [4], [2, 3, 4])


def tensor_values(U: Any, other: Any, shape: list[int]) -> list[Any]:
    """A valid-looking tensor of U first, then the hostile ones."""
    return [U.ones(shape), U.ones([]), U.ones([0, 3]), U.ones([1, 4]).expand([3, 4]), U.ones([4, 3]).t(),
            U.ones([5, 1, 4]), U.ones([2, 3, 4])[:, ::2], other.ones([3, 4]), None, 3, "x", [1.0, 2.0]]


def index_values(I: Any, other: Any) -> list[Any]:
    return [I.tensor([0, 1, 2]), I.tensor([-100, 2**40]), I.ones([3, 4]), I.tensor([]), I.tensor(1),
            I.tensor([0, 1]).expand([3, 2]), other.ones([3]), None]


SCALARS = [1, 0, -1, 2.5, math.nan, math.inf, -math.inf, 1e308, 2**70, -(2**70), True, None, "x"]
INTS = [0, 1, -1, 3, -5, 2**62, -(2**63), 2**64, 2.5, None]
FLOATS = [0.5, 0.0, math.nan, math.inf, -math.inf, -1.0, 1e308, None, "x"]
NUMBERS = [0, 3, 2**62, -(2**63), 0.5, math.nan, math.inf, None]
BOOLS = [True, False, 2, None]
INT_LISTS: list[Any] = [[0], [], [-1], [1, 0], [0, 0], [3, 4], [2**40], [-9], [2**32, 2**32], [2**62, 4],
                        [0, 2**62], 5, None, ["x"]]
STRS = ["left", "right", "bogus", "", "a\0b", None]
OBJECTS: list[Any] = [[[1, 2], [3, 4]], [], None, object(), math.nan, [[1], [2, 3]], "x"]


class Values:
    def __init__(self, unit: str) -> None:
        self.T = satchel.unit(*reversed(unit.split(".")))
        device = unit.split(".")[0]
        self.other = satchel.unit("bool" if self.T.dtype != "bool" else "float32", device)
        self.units = {d.split(".")[1]: d for d in satchel.units(device)}
        self.device = device

    def of_dtype(self, dtype: str | None) -> Any:
        if dtype in (None, "sum"):
            return self.T
        return satchel.unit(dtype, self.device)

    def of(self, t: Any, shape: list[int]) -> list[Any]:
        """Values for type t, a valid-looking one (tensors of shape) first."""
        if isinstance(t, OptionalType):
            return self.of(t.elem, shape) + [None]
        if isinstance(t, TensorType):
            U = self.of_dtype(t.dtype)
            if t.dtype == "int64":
                return index_values(U, self.T)
            if t.dtype == "int32":  # (lu_solve's pivots: counted from 1, so 0 and huge are out of range)
                return tensor_values(U, self.other, shape) + [U.zeros(shape), U.full(shape, 2**31 - 1)]
            return tensor_values(U, self.other, shape)
        if isinstance(t, ListType):
            if isinstance(t.elem, TensorType):
                a, b = self.of(t.elem, shape)[:2]
                return [[a, a], [], [a, b], [a, self.other.ones([3, 4])], [a, None], a]
            return INT_LISTS if t.elem.kind == BaseKind.INT else [[0.5, 1.0], [], [math.nan], [1e308] * 3, None]
        assert isinstance(t, BaseType)
        return {BaseKind.SCALAR: SCALARS, BaseKind.INT: INTS, BaseKind.FLOAT: FLOATS, BaseKind.NUMBER: NUMBERS,
                BaseKind.BOOL: BOOLS, BaseKind.STR: STRS, BaseKind.OBJECT: OBJECTS,
                BaseKind.GENERATOR: [None, "bogus", 3], BaseKind.SCALAR_TYPE: ["float32", "bogus", None, 3]}[t.kind]


def calls(op: Op, values: Values) -> Iterator[dict[str, Any]]:
    """For each of SHAPES, the baseline keyword arguments, then each with one argument replaced."""
    args: list[Arg] = list(op.sig.args)
    for shape in SHAPES if any(True for a in args for _ in a.type.tensors()) else SHAPES[:1]:
        choices = {a.name: values.of(a.type, shape) for a in args}
        base = {name: vs[0] for name, vs in choices.items()}
        yield base
        for name, vs in choices.items():
            for v in vs[1:]:
                yield {**base, name: v}


def run(unit: str) -> dict[str, Any]:
    spec = load_spec(Path(__file__).resolve().parents[1])
    values = Values(unit)
    T = values.T
    dtype = next(d for d in spec.types.dtypes if d.name == T.dtype)
    count, bad = 0, []
    for op in spec.ops_for(dtype):
        names = [op.name] + ([op.name + "_"] if op.inplace else [])
        for name in names:
            fn: Callable[..., Any] = getattr(T, name)
            for kw in calls(op, values):
                count += 1
                try:
                    fn(**kw)
                except DOCUMENTED:
                    pass
                except Exception as e:  # noqa: BLE001 (what is not documented is the finding)
                    bad.append(f"{name}({', '.join(f'{k}={v!r:.40}' for k, v in kw.items())}): "
                               f"{type(e).__name__}: {e}")
    return {"unit": unit, "calls": count, "undocumented": bad}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1])))
