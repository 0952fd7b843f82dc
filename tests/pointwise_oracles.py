"""NumPy oracles of the pointwise ops beyond + - * / (spec/ops.yaml's arithmetic,
rounding, bitwise, logical and floating-math sections), one table entry per op.

An entry says how many tensor inputs the op takes, its oracle on integer units
(exact Python ints, wrapped as the unit's C type wraps) and on floating units
(NumPy in the unit's compute type, or in float64 for library math, which is then
compared within a few ulps), and the input ranges that keep floating results
meaningful. test_pointwise.py runs every entry on every unit that has the op.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


def floor_div(a: int, b: int) -> int:
    return 0 if b == 0 else a // b


def py_mod(a: int, b: int) -> int:
    return 0 if b == 0 else a % b


def c_fmod(a: int, b: int) -> int:
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return a - (q if (a >= 0) == (b >= 0) else -q) * b


def int_pow(bits: int) -> Callable[[int, int], int]:
    def f(a: int, b: int) -> int:
        if b < 0:
            return 1 if a == 1 else (1 if b % 2 == 0 else -1) if a == -1 else 0
        return pow(a, b, 1 << bits)  # (wrapped into the dtype afterwards)
    return f


def shift_left(bits: int) -> Callable[[int, int], int]:
    return lambda a, b: 0 if b < 0 or b >= bits else a << b


def shift_right(bits: int) -> Callable[[int, int], int]:
    return lambda a, b: (-1 if a < 0 else 0) if b < 0 or b >= bits else a >> b


def lcm(a: int, b: int) -> int:
    g = math.gcd(a, b)
    return 0 if g == 0 else abs(a) // g * abs(b)


def heaviside_int(a: int, y: int) -> int:
    return y if a == 0 else int(a > 0)


def _lerp(s: np.ndarray, e: np.ndarray, w: np.ndarray) -> np.ndarray:
    d = e - s
    return np.where(np.abs(w) < 0.5, s + w * d, e - d * (np.ones_like(w) - w))


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(y), y, np.where(x == 0, 0.0, x * np.log(y)))


def _from_math(fn: Callable[[float], float]) -> Callable[[np.ndarray], np.ndarray]:
    def f(x: np.ndarray) -> np.ndarray:
        def one(v: float) -> float:
            try:
                return fn(float(v))
            except ValueError:  # math.lgamma's poles
                return math.inf
            except OverflowError:
                return math.inf
        return np.asarray(np.frompyfunc(one, 1, 1)(x), dtype=np.float64)
    return f


def _lgamma(x: float) -> float:
    """log |Gamma(x)|, by mpmath where it is installed: CPython's math.lgamma is its
    own, many ulps off near lgamma's zeros at 1 and 2."""
    try:
        import mpmath
    except ImportError:
        return math.lgamma(x)
    if math.isnan(x):
        return x
    if not math.isfinite(x) or (x <= 0 and x == int(x)):
        return math.lgamma(x) if math.isfinite(x) else math.inf  # raises at the poles: inf
    with mpmath.workprec(80):
        return float(mpmath.log(abs(mpmath.gamma(x))))


def erfinv(y: float) -> float:
    """The inverse of math.erf to the last bit of float64: bisection over the bit
    patterns of non-negative floats (on erfc's side beyond 1/2, where 1 - |y| is exact)."""
    if math.isnan(y) or abs(y) > 1:
        return math.nan
    a = abs(y)
    if a == 1:
        return math.copysign(math.inf, y)
    if a == 0:
        return y
    below = (lambda r: math.erf(r) < a) if a <= 0.5 else (lambda r: math.erfc(r) > 1 - a)
    as_float = (lambda k: float(np.int64(k).view(np.float64)))
    lo, hi = 0, int(np.float64(6.0).view(np.int64))  # (erfinv(1 - 2^-53) is 5.86)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if below(as_float(mid)) else (lo, mid)
    r = min((as_float(lo), as_float(hi)), key=lambda r: abs((math.erf(r) - a) if a <= 0.5 else (math.erfc(r) - (1 - a))))
    return math.copysign(r, y)


def _erfinv(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.frompyfunc(lambda v: erfinv(float(v)), 1, 1)(x), dtype=np.float64)


def _logit(x: np.ndarray) -> np.ndarray:
    """With log1p near 1/2, where log of a quotient near 1 would lose digits."""
    d = 2 * x - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(d) < 0.5, np.log1p(d / (1 - x)), np.log(x / (1 - x)))


@dataclass(frozen=True)
class Oracle:
    arity: int  # tensor inputs, self included
    ints: Callable[..., Any] | None  # on Python ints (needs the unit's bits where it takes `bits`)
    floats: Callable[..., Any] | None  # on NumPy arrays
    # floats: computed in the compute type and compared bit for bit, else within
    # ulps (library math, and bodies the compiler may contract into an fma)
    exact: bool = True
    bool_result: bool = False
    ranges: tuple[tuple[float, float] | None, ...] = ()  # per input, for floats (None: any finite)
    int_ranges: tuple[tuple[int, int] | None, ...] = ()  # per input, for integers
    scalar: str | None = None  # the keyword of a Scalar argument (addcmul's value)
    bits: bool = False  # ints is a function of the unit's bits, giving the oracle
    ulps: float = 8  # the tolerance of a non-exact op, in ulps of the result
    in_dtype: bool = False  # floats computed in the unit's own dtype (whose range it needs), not its compute type
    result: str | None = None  # the dtype of a result of another unit (float_power: float64), computed in it


ORACLES: dict[str, Oracle] = {
    # arithmetic
    "floor_divide": Oracle(2, floor_div, np.floor_divide),
    "remainder": Oracle(2, py_mod, np.remainder),
    "fmod": Oracle(2, c_fmod, np.fmod),
    "pow": Oracle(2, int_pow, np.power, exact=False, ranges=((0.0, 3.0), (-8.0, 8.0)), bits=True),
    "square": Oracle(1, lambda a: a * a, np.square, ranges=((-1e15, 1e15),)),
    "positive": Oracle(1, lambda a: a, np.positive),
    "sign": Oracle(1, lambda a: (a > 0) - (a < 0), np.sign),
    "signbit": Oracle(1, lambda a: a < 0, np.signbit, bool_result=True),
    "maximum": Oracle(2, max, np.maximum),
    "minimum": Oracle(2, min, np.minimum),
    "fmax": Oracle(2, max, np.fmax),
    "fmin": Oracle(2, min, np.fmin),
    "clamp": Oracle(3, lambda a, lo, hi: min(max(a, lo), hi), lambda a, lo, hi: np.minimum(np.maximum(a, lo), hi)),
    "clamp_min": Oracle(2, max, np.maximum),
    "clamp_max": Oracle(2, min, np.minimum),
    "heaviside": Oracle(2, heaviside_int, np.heaviside),
    "addcmul": Oracle(3, lambda s, a, b, value=1: s + value * a * b, lambda s, a, b, value=1: s + value * a * b,
                      exact=False, ranges=((-1e3, 1e3),) * 3, scalar="value"),
    "gcd": Oracle(2, math.gcd, None),
    "lcm": Oracle(2, lcm, None),
    # rounding and classification
    "ceil": Oracle(1, lambda a: a, np.ceil),
    "floor": Oracle(1, lambda a: a, np.floor),
    "round": Oracle(1, lambda a: a, np.rint),
    "trunc": Oracle(1, lambda a: a, np.trunc),
    "isnan": Oracle(1, lambda a: False, np.isnan, bool_result=True),
    "isinf": Oracle(1, lambda a: False, np.isinf, bool_result=True),
    "isfinite": Oracle(1, lambda a: True, np.isfinite, bool_result=True),
    "isposinf": Oracle(1, lambda a: False, np.isposinf, bool_result=True),
    "isneginf": Oracle(1, lambda a: False, np.isneginf, bool_result=True),
    "float_power": Oracle(2, None, np.power, exact=False, result="float64"),
    # bitwise and logical
    "bitwise_and": Oracle(2, lambda a, b: a & b, None),
    "bitwise_or": Oracle(2, lambda a, b: a | b, None),
    "bitwise_xor": Oracle(2, lambda a, b: a ^ b, None),
    "bitwise_not": Oracle(1, lambda a: (not a) if isinstance(a, bool) else ~a, None),
    "bitwise_left_shift": Oracle(2, shift_left, None, bits=True, int_ranges=(None, (-3, 70))),
    "bitwise_right_shift": Oracle(2, shift_right, None, bits=True, int_ranges=(None, (-3, 70))),
    "logical_and": Oracle(2, lambda a, b: bool(a) and bool(b), np.logical_and, bool_result=True),
    "logical_or": Oracle(2, lambda a, b: bool(a) or bool(b), np.logical_or, bool_result=True),
    "logical_xor": Oracle(2, lambda a, b: bool(a) != bool(b), np.logical_xor, bool_result=True),
    "logical_not": Oracle(1, lambda a: not a, np.logical_not, bool_result=True),
    # floating: exact in the compute type
    "reciprocal": Oracle(1, None, np.reciprocal),
    "rsqrt": Oracle(1, None, lambda a: np.reciprocal(np.sqrt(a)), ranges=((0.0, None),)),  # type: ignore[arg-type]
    "frac": Oracle(1, None, lambda a: a - np.trunc(a)),
    # (NumPy's float32 constants are 180 / pi and pi / 180 of a rounded pi; satchel's are rounded once)
    "deg2rad": Oracle(1, None, np.deg2rad, exact=False),
    "rad2deg": Oracle(1, None, np.rad2deg, exact=False, ranges=((-1e30, 1e30),)),
    "copysign": Oracle(2, None, np.copysign),
    "nan_to_num": Oracle(1, None, lambda a: np.nan_to_num(a, nan=0.0), in_dtype=True),
    "lerp": Oracle(3, None, _lerp, exact=False, ranges=((-1e3, 1e3), (-1e3, 1e3), (-2.0, 2.0))),
    "addcdiv": Oracle(3, None, lambda s, a, b, value=1: s + value * a / b, exact=False, ranges=((-1e3, 1e3),) * 3,
                      scalar="value"),
    # floating: library math, within ulps of float64
    "sin": Oracle(1, None, np.sin, exact=False, ranges=((-100.0, 100.0),)),
    "cos": Oracle(1, None, np.cos, exact=False, ranges=((-100.0, 100.0),)),
    "tan": Oracle(1, None, np.tan, exact=False, ranges=((-100.0, 100.0),)),
    "asin": Oracle(1, None, np.arcsin, exact=False, ranges=((-1.0, 1.0),)),
    "acos": Oracle(1, None, np.arccos, exact=False, ranges=((-1.0, 1.0),)),
    "atan": Oracle(1, None, np.arctan, exact=False),
    "sinh": Oracle(1, None, np.sinh, exact=False, ranges=((-10.0, 10.0),)),
    "cosh": Oracle(1, None, np.cosh, exact=False, ranges=((-10.0, 10.0),)),
    "asinh": Oracle(1, None, np.arcsinh, exact=False),
    "acosh": Oracle(1, None, np.arccosh, exact=False, ranges=((1.0, None),)),  # type: ignore[arg-type]
    "atanh": Oracle(1, None, np.arctanh, exact=False, ranges=((-1.0, 1.0),)),
    "log1p": Oracle(1, None, np.log1p, exact=False, ranges=((-1.0, None),)),  # type: ignore[arg-type]
    "expm1": Oracle(1, None, np.expm1, exact=False, ranges=((-20.0, 10.0),)),
    "log2": Oracle(1, None, np.log2, exact=False, ranges=((0.0, None),)),  # type: ignore[arg-type]
    "log10": Oracle(1, None, np.log10, exact=False, ranges=((0.0, None),)),  # type: ignore[arg-type]
    "exp2": Oracle(1, None, np.exp2, exact=False, ranges=((-20.0, 15.0),)),
    "erf": Oracle(1, None, _from_math(math.erf), exact=False),
    "erfc": Oracle(1, None, _from_math(math.erfc), exact=False, ranges=((-5.0, 9.0),)),
    "lgamma": Oracle(1, None, _from_math(_lgamma), exact=False, ranges=((1e-3, 1e3),)),
    "atan2": Oracle(2, None, np.arctan2, exact=False),
    "hypot": Oracle(2, None, np.hypot, exact=False, ranges=((-1e15, 1e15),) * 2),
    "logaddexp": Oracle(2, None, np.logaddexp, exact=False, ranges=((-1e3, 1e3),) * 2),
    "xlogy": Oracle(2, None, _xlogy, exact=False, ranges=((-1e3, 1e3), (0.0, 1e3))),
    "ldexp": Oracle(2, None, lambda a, b: a * np.exp2(b), exact=False, ranges=(None, (-100.0, 100.0))),
    "logaddexp2": Oracle(2, None, np.logaddexp2, exact=False, ranges=((-1e3, 1e3),) * 2),
    "sinc": Oracle(1, None, np.sinc, exact=False, ranges=((-100.0, 100.0),)),
    "logit": Oracle(1, None, _logit, exact=False, ranges=((0.0, 1.0),)),
    "erfinv": Oracle(1, None, _erfinv, exact=False, ranges=((-1.0, 1.0),)),
}


def _isclose(a: Any, b: Any) -> Any:
    """PyTorch's isclose at its defaults, in float64 (ints as exact floats)."""
    x, y = np.float64(a), np.float64(b)
    with np.errstate(invalid="ignore", over="ignore"):
        return (x == y) | (np.isfinite(x - y) & (np.abs(x - y) <= 1e-08 + 1e-05 * np.abs(y)))


ORACLES.update({
    "isclose": Oracle(2, lambda a, b: bool(_isclose(a, b)), _isclose, bool_result=True),
    "isreal": Oracle(1, lambda a: True, lambda a: np.ones(np.shape(a), bool), bool_result=True),
})
# Other names of the same ops (PyTorch's sgn and clip, TH's cinv, bitand, ..., rshift).
ALIASES = {"sgn": "sign", "clip": "clamp", "cinv": "reciprocal", "bitand": "bitwise_and", "bitor": "bitwise_or",
           "bitxor": "bitwise_xor", "lshift": "bitwise_left_shift", "rshift": "bitwise_right_shift"}
ORACLES.update({alias: ORACLES[name] for alias, name in ALIASES.items()})
