"""Shared fixtures, strategies and NumPy oracles for the satchel test suite.

Everything is derived from what was built (``satchel.units()``) and from the spec
(``spec/ops.yaml``, ``spec/types.yaml``), so the suite adapts to a partial build
(``-DSATCHEL_DTYPES=...``) and to ops added to the spec.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import satchel
from satchel.codegen.model import DType, Op, load_spec

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC = load_spec(REPO_ROOT)

settings.register_profile(
    "satchel",
    max_examples=int(os.environ.get("SATCHEL_MAX_EXAMPLES", "20")),
    deadline=None,
    # (filter_too_much: float16 elements are drawn by filtering; on a loaded machine the
    # check can fail a run whose examples are all fine)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.load_profile("satchel")  # SATCHEL_MAX_EXAMPLES=500 for a longer hunt


# ---- units ------------------------------------------------------------------------


class Unit:
    """One built unit with what the spec says about it."""

    def __init__(self, name: str, device: str, dtype: DType, T: ModuleType, ops: dict[str, Op]) -> None:
        self.name = name  # "cpu.float32"
        self.device = device
        self.dtype = dtype
        self.T = T  # the unit module
        self.ops = ops  # every function name the spec gives it (`add_` included)

    def __repr__(self) -> str:  # short, for hypothesis' falsifying examples
        return f"<unit {self.name}>"

    @property
    def np_dtype(self) -> np.dtype:
        return np.dtype(self.dtype.name)

    @property
    def cls(self) -> str:
        return self.dtype.cls

    @property
    def is_float(self) -> bool:
        return self.cls == "floating"

    @property
    def is_bool(self) -> bool:
        return self.cls == "bool"

    @property
    def is_int(self) -> bool:  # integral: signed or unsigned, not bool
        return self.cls in SPEC.types.classes["integral"]

    @property
    def bits(self) -> int:
        return self.np_dtype.itemsize * 8

    @property
    def lo(self) -> Any:
        if self.is_bool:
            return False
        return np.iinfo(self.np_dtype).min if not self.is_float else float(np.finfo(self.np_dtype).min)

    @property
    def hi(self) -> Any:
        if self.is_bool:
            return True
        return np.iinfo(self.np_dtype).max if not self.is_float else float(np.finfo(self.np_dtype).max)

    @property
    def compute(self) -> np.dtype:
        """The NumPy type arithmetic runs in (float16 computes in float32)."""
        return np.dtype(np.float32) if self.dtype.name == "float16" else self.np_dtype

    @property
    def py_type(self) -> type:
        return {"bool": bool, "int": int, "float": float}[self.dtype.python]

    @property
    def acc_type(self) -> type:
        return {"int": int, "float": float}[self.dtype.accreal.python]

    def has(self, name: str) -> bool:
        return name in self.ops

    def __str__(self) -> str:
        return self.name


def _op_names(op: Op) -> list[str]:
    return [op.name] + ([op.name + "_"] if op.inplace else [])


def _make_unit(name: str) -> Unit:
    device, dtype_name = name.split(".", 1)
    dtype = next(d for d in SPEC.types.dtypes if d.name == dtype_name)
    ops = {n: op for op in SPEC.ops_for(dtype) for n in _op_names(op)}
    return Unit(name, device, dtype, satchel.unit(dtype_name, device), ops)


# CPU units: these tests read results through the buffer protocol (device units: test_cuda.py).
# A unit that fails to import is reported by test_ops.py::test_built_units_import rather than
# breaking the collection of every test here.
UNITS: list[Unit] = []
UNIT_IMPORT_ERRORS: dict[str, str] = {}
for _name in satchel.units("cpu"):
    try:
        UNITS.append(_make_unit(_name))
    except ImportError as _e:
        UNIT_IMPORT_ERRORS[_name] = str(_e)
ALL_OP_NAMES: dict[str, Op] = {n: op for op in SPEC.ops for n in _op_names(op)}


def units_where(pred=lambda u: True) -> list[Any]:
    """Units satisfying pred, as pytest params with readable ids."""
    return [pytest.param(u, id=u.name) for u in UNITS if pred(u)]


def unit_ops_where(pred) -> list[Any]:
    """(unit, op name) of every built unit and every spec op it has, filtered by pred(unit, op)."""
    out = []
    for u in UNITS:
        for op in SPEC.ops_for(u.dtype):
            if pred(u, op):
                out.append(pytest.param(u, op.name, id=f"{u.name}-{op.name}"))
    return out


@pytest.fixture(params=UNITS, ids=str)
def u(request: pytest.FixtureRequest) -> Unit:
    """Each built unit in turn (tests about some units parametrize with units_where instead)."""
    return request.param


def requires(*dtypes: str) -> pytest.MarkDecorator:
    """Skip a test about particular dtypes when those units were not built."""
    built = {u.dtype.name for u in UNITS}
    missing = [d for d in dtypes if d not in built]
    return pytest.mark.skipif(bool(missing), reason=f"units not built: {', '.join(missing)}")


def get_unit(dtype: str, device: str = "cpu") -> Unit:
    return next(u for u in UNITS if u.dtype.name == dtype and u.device == device)


def other_unit(u: Unit) -> Unit | None:
    """A built unit of another dtype (preferring a non-bool one), for type errors."""
    others = sorted((v for v in UNITS if v.dtype != u.dtype), key=lambda v: v.is_bool)
    return others[0] if others else None


# ---- strategies -----------------------------------------------------------------


def shapes(max_dims: int = 4, max_side: int = 4, max_len: int = 48) -> st.SearchStrategy[tuple[int, ...]]:
    """1-D shapes of lengths 0 .. max_len, and N-D shapes (0-d included) with sides 0 .. max_side."""
    return st.one_of(
        st.integers(0, max_len).map(lambda n: (n,)),
        hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side),
    )


@st.composite
def shape_broadcasting_to(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to exactly ``shape``: a suffix of it with some sides set to 1."""
    k = draw(st.integers(0, len(shape)))
    tail = shape[len(shape) - k:]
    return tuple(draw(st.sampled_from([s, 1])) if s != 1 else 1 for s in tail)


def shape_pairs(inplace: bool = False) -> st.SearchStrategy[tuple[tuple[int, ...], tuple[int, ...]]]:
    """(self shape, other shape) that broadcast; with inplace, to self's shape."""
    to_self = shapes().flatmap(lambda s: st.tuples(st.just(s), shape_broadcasting_to(s)))
    if inplace:
        return to_self
    mutual = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=4)
    return st.one_of(
        shapes().map(lambda s: (s, s)),
        to_self,
        to_self.map(lambda p: (p[1], p[0])),
        mutual.map(lambda m: tuple(m.input_shapes)),
    )


def elements(u: Unit, lo: float | None = None, hi: float | None = None, *, nan: bool = False,
             inf: bool = False) -> st.SearchStrategy[Any]:
    """Values of u's dtype, within [lo, hi] when given (clipped to the dtype's range)."""
    if u.is_bool:
        return st.booleans()
    if u.is_int:
        a = u.lo if lo is None else max(u.lo, math.ceil(lo))
        b = u.hi if hi is None else min(u.hi, math.floor(hi))
        return st.integers(int(a), int(b))
    kw: dict[str, Any] = {"allow_nan": nan, "allow_infinity": inf}
    # bounds rounded to the dtype (hypothesis wants them representable)
    if lo is not None:
        kw["min_value"] = float(np.float64(max(lo, u.lo)).astype(u.np_dtype))
    if hi is not None:
        kw["max_value"] = float(np.float64(min(hi, u.hi)).astype(u.np_dtype))
    if lo is not None or hi is not None:  # bounds exclude NaN
        kw["allow_nan"] = False
    return hnp.from_dtype(u.np_dtype, **kw)


def arrays(u: Unit, shape: Any, elems: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(u.np_dtype, shape, elements=elems if elems is not None else elements(u))


def scalars(u: Unit, elems: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """Python numbers exactly representable in u's dtype."""
    return (elems if elems is not None else elements(u)).map(lambda v: u.py_type(v))


# ---- helpers ----------------------------------------------------------------------


def as_tensor(u: Unit, a: np.ndarray) -> Any:
    t = u.T.tensor(a)
    assert t.shape == a.shape
    return t


def to_numpy(t: Any) -> np.ndarray:
    """A copy of t's elements as a NumPy array (through the buffer protocol)."""
    return np.array(t, copy=True)


def assert_same(actual: Any, expected: np.ndarray, u: Unit) -> None:
    """Same shape, same dtype, same values (NaN equal to NaN)."""
    got = to_numpy(actual)
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape}"
    assert got.dtype == u.np_dtype, f"dtype {got.dtype} != {u.np_dtype}"
    np.testing.assert_array_equal(got, expected.astype(u.np_dtype), strict=True)


def float_rtol(u: Unit) -> float:
    """Tolerance for library math (exp, tanh, ...): a few units in the last place of the result."""
    return {"float16": 2.0, "float32": 8.0, "float64": 8.0}[u.dtype.name] * float(np.finfo(u.np_dtype).eps)


def assert_close(actual: Any, expected: np.ndarray, u: Unit) -> None:
    got = to_numpy(actual)
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape}"
    assert got.dtype == u.np_dtype
    tiny = float(np.finfo(u.np_dtype).smallest_subnormal)
    np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64), rtol=float_rtol(u),
                               atol=4 * tiny, equal_nan=True)


def wrap_int(values: Any, u: Unit) -> np.ndarray:
    """Python integers (an object array) reduced modulo 2^bits into u's dtype, as C wraps them."""
    v = np.asarray(values, dtype=object)
    m = 1 << u.bits
    if np.issubdtype(u.np_dtype, np.signedinteger):
        v = (v + (m >> 1)) % m - (m >> 1)
    else:
        v = v % m
    return np.asarray(v, dtype=object).astype(u.np_dtype)


def wrap_acc(value: int, u: Unit) -> int:
    """An exact integer wrapped into u's accreal (int64 or uint64)."""
    m = 1 << 64
    if u.dtype.accreal.value[0] == "uint64":
        return value % m
    return (value + (m >> 1)) % m - (m >> 1)


def py_ints(a: np.ndarray) -> np.ndarray:
    """An integer array as an object array of exact Python ints."""
    return np.asarray(a).astype(object)


def trunc_div(x: int, y: int) -> int:
    """C integer division (toward zero); 0 for a zero divisor, as satchel documents."""
    if y == 0:
        return 0
    q = abs(x) // abs(y)
    return q if (x >= 0) == (y >= 0) else -q


@st.composite
def viewed(draw: st.DrawFn, u: Unit, shape: tuple[int, ...], el: st.SearchStrategy[Any]) -> tuple[np.ndarray, Any]:
    """An array of `shape`, elements drawn from el, and the same elements as a tensor, often a
    view of another layout: transposed, stepped, flipped or expanded."""
    nd = len(shape)
    kind = draw(st.sampled_from(["plain", "t", "step", "flip", "expand"] if nd else ["plain"]))
    if kind == "t" and nd >= 2:
        base = draw(arrays(u, shape[:-2] + (shape[-1], shape[-2]), el))
        return base.swapaxes(-1, -2), as_tensor(u, base).transpose(-1, -2)
    d = draw(st.integers(0, nd - 1)) if nd else 0
    index: list[Any] = [slice(None)] * nd
    if kind == "step":
        base = draw(arrays(u, shape[:d] + (2 * shape[d],) + shape[d + 1:], el))
        index[d] = slice(None, None, 2)
        return base[tuple(index)], as_tensor(u, base)[tuple(index)]
    if kind == "flip":
        base = draw(arrays(u, shape, el))
        index[d] = slice(None, None, -1)
        return base[tuple(index)], as_tensor(u, base)[tuple(index)]
    if kind == "expand":
        base = draw(arrays(u, shape[:d] + (1,) + shape[d + 1:], el))
        return np.broadcast_to(base, shape), as_tensor(u, base).expand(list(shape))
    base = draw(arrays(u, shape, el))
    return base, as_tensor(u, base)
