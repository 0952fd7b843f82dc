"""How accurate the floating functions of spec/ops.yaml are, in ulps of the result.

float32 (and float16) against float64 NumPy or Python's math on the same inputs,
float64 against mpmath at 80 bits (where it is installed) on a sample; each
within BOUNDS over inputs that span its whole domain, and with the IEEE special
values (signed zeros, infinities, NaN) C99 Annex F gives.

`python tests/test_accuracy.py` prints the table of measured maxima.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import UNITS, Unit, as_tensor, to_numpy  # noqa: E402
from pointwise_oracles import _erfinv  # noqa: E402

try:
    import mpmath
except ImportError:  # the float64 checks then skip
    mpmath = None

F32_BOUND, F64_BOUND = 2.0, 2.0  # the elementary functions, unless BOUNDS says otherwise
BOUNDS: dict[str, tuple[float, float]] = {  # (float32, float64) where glibc's are looser
    "lgamma": (6.0, 6.0), "erfc": (4.0, 4.0), "logaddexp": (2.0, 4.0), "xlogy": (2.0, 3.0),
}


def _math(fn: Callable[..., float]) -> Callable[..., np.ndarray]:
    def f(*xs: np.ndarray) -> np.ndarray:
        def one(*v: float) -> float:
            try:
                return fn(*map(float, v))
            except (ValueError, OverflowError):
                return math.inf
        return np.asarray(np.frompyfunc(one, len(xs), 1)(*xs), dtype=np.float64)
    return f


def _logaddexp(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.logaddexp(a, b)


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


# name -> (float64 reference on NumPy arrays, mpmath reference on mpf numbers)
REFS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., object] | None]] = {
    "sin": (np.sin, lambda x: mpmath.sin(x)), "cos": (np.cos, lambda x: mpmath.cos(x)),
    "tan": (np.tan, lambda x: mpmath.tan(x)), "asin": (np.arcsin, lambda x: mpmath.asin(x)),
    "acos": (np.arccos, lambda x: mpmath.acos(x)), "atan": (np.arctan, lambda x: mpmath.atan(x)),
    "sinh": (np.sinh, lambda x: mpmath.sinh(x)), "cosh": (np.cosh, lambda x: mpmath.cosh(x)),
    "asinh": (np.arcsinh, lambda x: mpmath.asinh(x)), "acosh": (np.arccosh, lambda x: mpmath.acosh(x)),
    "atanh": (np.arctanh, lambda x: mpmath.atanh(x)), "log1p": (np.log1p, lambda x: mpmath.log1p(x)),
    "expm1": (np.expm1, lambda x: mpmath.expm1(x)), "log2": (np.log2, lambda x: mpmath.log(x, 2)),
    "log10": (np.log10, lambda x: mpmath.log10(x)), "exp2": (np.exp2, lambda x: mpmath.power(2, x)),
    "erf": (_math(math.erf), lambda x: mpmath.erf(x)), "erfc": (_math(math.erfc), lambda x: mpmath.erfc(x)),
    "lgamma": (_math(math.lgamma), lambda x: mpmath.log(abs(mpmath.gamma(x)))),
    "rsqrt": (lambda x: 1 / np.sqrt(x), lambda x: 1 / mpmath.sqrt(x)),
    "atan2": (np.arctan2, lambda y, x: mpmath.atan2(y, x)), "hypot": (np.hypot, lambda x, y: mpmath.hypot(x, y)),
    # (in the stable form: log(e^x + e^y) itself loses a tiny x + log(1 + e^(y - x)) at any fixed precision)
    "logaddexp": (_logaddexp, lambda x, y: max(x, y) + mpmath.log1p(mpmath.exp(-abs(x - y)))),
    "xlogy": (_xlogy, lambda x, y: x * mpmath.log(y)),
    "pow": (np.power, lambda x, y: mpmath.power(x, y)),
    "logaddexp2": (np.logaddexp2, lambda x, y: max(x, y) + mpmath.log1p(mpmath.power(2, -abs(x - y))) / mpmath.log(2)),
    "erfinv": (_erfinv, lambda x: mpmath.erfinv(x)),
}


def _spread(lo: float, hi: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points over [lo, hi]: uniform, plus log-spaced magnitudes where the range spans binades."""
    out = [rng.uniform(lo / 2, hi / 2, n) * 2]  # (halved: hi - lo may overflow a double)
    for sign, a, b in ((1, max(lo, 0.0), hi), (-1, max(-hi, 0.0), -lo)):
        if b > 0:
            a = max(a, 1e-300)
            out.append(sign * np.exp(rng.uniform(math.log(a), math.log(b), n)))
    return np.concatenate(out)


def inputs(name: str, dtype: np.dtype, n: int, seed: int = 7) -> list[np.ndarray]:
    """Inputs over the function's whole domain in dtype (subnormals to the largest values)."""
    rng = np.random.default_rng(seed)
    fi = np.finfo(dtype)
    big, tiny = float(fi.max), float(fi.smallest_subnormal)
    unary = {
        "sin": (-big, big), "cos": (-big, big), "tan": (-big, big), "asin": (-1, 1), "acos": (-1, 1),
        "atan": (-big, big), "sinh": (-90 if dtype == np.float32 else -710, 90 if dtype == np.float32 else 710),
        "cosh": (-90 if dtype == np.float32 else -710, 90 if dtype == np.float32 else 710),
        "asinh": (-big, big), "acosh": (1, big), "atanh": (-1, 1), "log1p": (-1, big),
        "expm1": (-120, 89 if dtype == np.float32 else 710), "log2": (tiny, big), "log10": (tiny, big),
        "exp2": (-150 if dtype == np.float32 else -1075, 128 if dtype == np.float32 else 1024),
        "erf": (-10, 10), "erfc": (-10, 30), "lgamma": (tiny, big), "rsqrt": (tiny, big),
        "erfinv": (-1, 1),
    }
    if name in unary:
        a = _spread(*unary[name], n, rng)
        if name == "lgamma":  # and negative non-integers, away from the poles
            neg = -rng.uniform(0, 40, n)
            a = np.concatenate([a, neg[np.abs(neg - np.round(neg)) > 1e-3]])
        if name == "erfinv":  # and the tails, up to the last float below 1
            tail = 1 - np.exp(rng.uniform(math.log(float(fi.eps) / 2), 0, n))
            a = np.concatenate([a, tail, -tail])
        return [a.astype(dtype)]
    if name == "pow":
        x = np.exp(rng.uniform(-10, 10, n))
        y = rng.uniform(-8, 8, n)
        return [x.astype(dtype), y.astype(dtype)]
    if name == "xlogy":
        return [_spread(-1e3, 1e3, n, rng).astype(dtype), _spread(tiny, big, n, rng)[: 3 * n].astype(dtype)]
    lim = {"atan2": big, "hypot": big / 4, "logaddexp": 1e4, "logaddexp2": 1e4}[name]
    return [_spread(-lim, lim, n, rng).astype(dtype), _spread(-lim, lim, n, rng).astype(dtype)]


def _same_length(xs: list[np.ndarray]) -> list[np.ndarray]:
    m = min(len(x) for x in xs)
    return [x[:m] for x in xs]


def ulps(got: np.ndarray, want: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """|got - want| in units in the last place of want rounded to dtype, where want is finite."""
    w = want.astype(dtype).astype(np.float64)
    ulp = np.spacing(np.maximum(np.abs(want.astype(dtype)), np.finfo(dtype).smallest_subnormal).astype(dtype))
    with np.errstate(all="ignore"):
        e = np.abs(got.astype(np.float64) - want) / ulp.astype(np.float64)
    e[~np.isfinite(w)] = np.where(got[~np.isfinite(w)] == w[~np.isfinite(w)], 0, np.inf)
    return e


def measure(u: Unit, name: str, n: int = 20_000) -> float:
    """The largest error of u's name in ulps: float32 and float16 against float64,
    float64 against mpmath (or NaN where there is no mpmath)."""
    dtype = u.np_dtype
    xs = _same_length(inputs(name, np.dtype(np.float32) if dtype == np.float16 else dtype, n))
    xs = [x.astype(dtype) for x in xs]
    got = to_numpy(getattr(u.T, name)(*(as_tensor(u, x) for x in xs)))
    if dtype != np.float64:
        with np.errstate(all="ignore"):
            want = REFS[name][0](*(x.astype(np.float64) for x in xs))
        nan = np.isnan(want)
        assert np.array_equal(np.isnan(got), nan), [x[np.isnan(got) != nan][:3] for x in xs]
        return float(ulps(got[~nan], want[~nan], dtype).max())
    if mpmath is None:
        return math.nan
    ref = REFS[name][1]
    assert ref is not None
    pick = np.random.default_rng(1).choice(len(xs[0]), 1500, replace=False)
    worst = 0.0
    with mpmath.workprec(80):
        for i in pick:
            args = [mpmath.mpf(float(x[i])) for x in xs]
            try:
                r = ref(*args)
                want = float(mpmath.re(r)) if not isinstance(r, mpmath.mpf) else float(r)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            if math.isnan(want):
                assert math.isnan(got[i]), ([float(x[i]) for x in xs], got[i])
                continue
            worst = max(worst, float(ulps(np.array([got[i]]), np.array([want]), dtype)[0]))
    return worst


FUNCTIONS = sorted(REFS)
BINARY = ("atan2", "hypot", "logaddexp", "logaddexp2", "xlogy", "pow")
FLOAT_UNITS = [u for u in UNITS if u.is_float]


@pytest.mark.parametrize("u, name", [pytest.param(u, f, id=f"{u.name}-{f}") for u in FLOAT_UNITS
                                     for f in FUNCTIONS if u.has(f)])
def test_within_the_stated_ulps(u: Unit, name: str) -> None:
    if u.dtype.name == "float64" and mpmath is None:
        pytest.skip("mpmath is not installed")
    f32, f64 = BOUNDS.get(name, (F32_BOUND, F64_BOUND))
    bound = {"float16": 1.0, "float32": f32, "float64": f64}[u.dtype.name]  # float16: float32 math, rounded once
    worst = measure(u, name, 4000 if u.dtype.name == "float64" else 20_000)
    assert worst <= bound, f"{u.name}.{name}: {worst:.2f} ulps (stated: {bound})"


SPECIALS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 2.0, -2.0, 0.5]


@pytest.mark.parametrize("u, name", [pytest.param(u, f, id=f"{u.name}-{f}") for u in FLOAT_UNITS
                                     for f in FUNCTIONS if u.has(f)])
def test_special_values_as_c99_annex_f(u: Unit, name: str) -> None:
    """Every special value (and every pair, for two arguments) gives what float64 C
    gives, signed zeros and infinities included."""
    v = np.array(SPECIALS)
    arity = 2 if name in BINARY else 1
    xs = [v[:, None], v[None, :]] if arity == 2 else [v]
    got = to_numpy(getattr(u.T, name)(*(as_tensor(u, x.astype(u.np_dtype)) for x in xs)))
    with np.errstate(all="ignore"):
        want = REFS[name][0](*np.broadcast_arrays(*xs)).astype(u.np_dtype)
    if name == "xlogy":  # NaN y stays NaN (PyTorch's and SciPy's xlogy), 0 * log(y) is 0 otherwise
        y = np.broadcast_to(xs[1], want.shape)
        want = np.where(np.isnan(y), np.nan, want).astype(u.np_dtype)
    assert np.array_equal(np.isnan(got), np.isnan(want)), (got, want)
    exact = ~np.isnan(want) & (~np.isfinite(want) | (want == 0))
    assert np.array_equal(got[exact], want[exact]), (got, want)
    assert np.array_equal(np.signbit(got[exact]), np.signbit(want[exact])), (got, want)


def main() -> None:
    print("| function | " + " | ".join(u.dtype.name for u in FLOAT_UNITS) + " |")
    print("| --- |" + " --- |" * len(FLOAT_UNITS))
    for name in FUNCTIONS:
        cells = [f"{measure(u, name, 4000 if u.dtype.name == 'float64' else 200_000):.2f}" for u in FLOAT_UNITS]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
