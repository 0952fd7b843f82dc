"""The standard's elementwise functions: each the unit's kernel, after promotion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _dtypes
from ._array_object import _UNIT_OF
from ._api_common import array, convert, device, dtype, promote_operands, unit_for

# standard name -> unit method
UNARY = {"abs": "abs", "acos": "acos", "acosh": "acosh", "asin": "asin", "asinh": "asinh", "atan": "atan",
         "atanh": "atanh", "bitwise_invert": "bitwise_not", "ceil": "ceil", "cos": "cos", "cosh": "cosh",
         "exp": "exp", "expm1": "expm1", "floor": "floor", "isfinite": "isfinite", "isinf": "isinf",
         "isnan": "isnan", "log": "log", "log1p": "log1p", "log2": "log2", "log10": "log10",
         "logical_not": "logical_not", "negative": "neg", "positive": "positive", "reciprocal": "reciprocal",
         "round": "round", "sign": "sign", "signbit": "signbit", "sin": "sin", "sinh": "sinh",
         "square": "square", "sqrt": "sqrt", "tan": "tan", "tanh": "tanh", "trunc": "trunc"}
BINARY = {"add": "add", "atan2": "atan2", "bitwise_and": "bitwise_and", "bitwise_left_shift": "bitwise_left_shift",
          "bitwise_or": "bitwise_or", "bitwise_right_shift": "bitwise_right_shift", "bitwise_xor": "bitwise_xor",
          "copysign": "copysign", "divide": "div", "equal": "eq", "floor_divide": "floor_divide",
          "greater": "gt", "greater_equal": "ge", "hypot": "hypot", "less": "lt", "less_equal": "le",
          "logaddexp": "logaddexp", "logical_and": "logical_and", "logical_or": "logical_or",
          "logical_xor": "logical_xor", "maximum": "maximum", "minimum": "minimum", "multiply": "mul",
          "not_equal": "ne", "pow": "pow", "remainder": "remainder", "subtract": "sub"}
_INTEGER_IDENTITY = {"ceil", "floor", "round", "trunc"}  # integers are their own value
_TO_FLOAT = {"divide"}  # the standard's true division: integers give the default float
_LOGICAL = {"logical_and", "logical_or", "logical_xor", "logical_not"}  # on bool only


def _method(fn: str, x: Any, method: str) -> Callable[..., Any]:
    m = getattr(type(x), method, None)
    if m is None:
        raise TypeError(f"{fn}: not defined for dtype {dtype(x)} (the {dtype(x)} unit has no {method})")
    return m  # type: ignore[no-any-return]


def _unary(fn: str, method: str) -> Callable[[Any], Any]:
    def f(x: Any, /) -> Any:
        array(x, fn)
        d = dtype(x)
        if fn in _INTEGER_IDENTITY and d.kind in ("signed", "unsigned", "bool"):
            return x.clone()
        if fn in _LOGICAL and d.kind != "bool":
            raise TypeError(f"{fn}: expected a bool array, got {d}")
        return _method(fn, x, method)(x)
    f.__name__ = f.__qualname__ = fn
    f.__doc__ = f"The standard's ``{fn}``: the unit's ``{method}``."
    return f


def _binary(fn: str, method: str) -> Callable[[Any, Any], Any]:
    def f(x1: Any, x2: Any, /) -> Any:
        t = type(x1)
        if t is type(x2) and fn not in _TO_FLOAT and fn not in _LOGICAL:  # one unit: its kernel, nothing else
            return getattr(t, method)(x1, x2)
        if t in _UNIT_OF and type(x2) in _UNIT_OF and t.device is type(x2).device:  # two units: the table
            d = _dtypes.promote(t.dtype, type(x2).dtype)
            a, b = convert(x1, d), convert(x2, d)
        else:
            (a, b), d = promote_operands(fn, x1, x2)
        if fn in _TO_FLOAT and d.kind != "real floating":
            a, b = convert(a, _dtypes.DEFAULT_FLOAT), convert(b, _dtypes.DEFAULT_FLOAT)
        if fn in _LOGICAL and d.kind != "bool":
            raise TypeError(f"{fn}: expected bool arrays, got {dtype(a)}")
        return _method(fn, a, method)(a, b)
    f.__name__ = f.__qualname__ = fn
    f.__doc__ = f"The standard's ``{fn}``: both operands at their result type, then the unit's ``{method}``."
    return f


FUNCTIONS: dict[str, Callable[..., Any]] = {
    **{fn: _unary(fn, m) for fn, m in UNARY.items()}, **{fn: _binary(fn, m) for fn, m in BINARY.items()}}


def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:  # noqa: A002 (the standard's names)
    """The standard's ``clip``: bounds of x's dtype (scalars or arrays), either optional."""
    array(x, "clip")
    out = x
    for bound, method in ((min, "maximum"), (max, "minimum")):
        if bound is None:
            continue
        if type(bound) is type(out):
            b = bound
        elif isinstance(bound, (bool, int, float)):
            b = unit_for(dtype(x), device(x)).full(list(x.shape), bound) if x.shape else unit_for(
                dtype(x), device(x)).tensor(bound)
        else:
            raise TypeError(f"clip: {method[:3]} must be a scalar or an array of dtype {dtype(x)}, got "
                            f"{getattr(bound, 'dtype', type(bound).__name__)}")
        out = getattr(type(out), method)(out, b)
    return out if out is not x else x.clone()


FUNCTIONS["clip"] = clip

# as module attributes, so that type checkers see them
abs = FUNCTIONS['abs']
acos = FUNCTIONS['acos']
acosh = FUNCTIONS['acosh']
add = FUNCTIONS['add']
asin = FUNCTIONS['asin']
asinh = FUNCTIONS['asinh']
atan = FUNCTIONS['atan']
atan2 = FUNCTIONS['atan2']
atanh = FUNCTIONS['atanh']
bitwise_and = FUNCTIONS['bitwise_and']
bitwise_invert = FUNCTIONS['bitwise_invert']
bitwise_left_shift = FUNCTIONS['bitwise_left_shift']
bitwise_or = FUNCTIONS['bitwise_or']
bitwise_right_shift = FUNCTIONS['bitwise_right_shift']
bitwise_xor = FUNCTIONS['bitwise_xor']
ceil = FUNCTIONS['ceil']
copysign = FUNCTIONS['copysign']
cos = FUNCTIONS['cos']
cosh = FUNCTIONS['cosh']
divide = FUNCTIONS['divide']
equal = FUNCTIONS['equal']
exp = FUNCTIONS['exp']
expm1 = FUNCTIONS['expm1']
floor = FUNCTIONS['floor']
floor_divide = FUNCTIONS['floor_divide']
greater = FUNCTIONS['greater']
greater_equal = FUNCTIONS['greater_equal']
hypot = FUNCTIONS['hypot']
isfinite = FUNCTIONS['isfinite']
isinf = FUNCTIONS['isinf']
isnan = FUNCTIONS['isnan']
less = FUNCTIONS['less']
less_equal = FUNCTIONS['less_equal']
log = FUNCTIONS['log']
log10 = FUNCTIONS['log10']
log1p = FUNCTIONS['log1p']
log2 = FUNCTIONS['log2']
logaddexp = FUNCTIONS['logaddexp']
logical_and = FUNCTIONS['logical_and']
logical_not = FUNCTIONS['logical_not']
logical_or = FUNCTIONS['logical_or']
logical_xor = FUNCTIONS['logical_xor']
maximum = FUNCTIONS['maximum']
minimum = FUNCTIONS['minimum']
multiply = FUNCTIONS['multiply']
negative = FUNCTIONS['negative']
not_equal = FUNCTIONS['not_equal']
positive = FUNCTIONS['positive']
pow = FUNCTIONS['pow']
reciprocal = FUNCTIONS['reciprocal']
remainder = FUNCTIONS['remainder']
round = FUNCTIONS['round']
sign = FUNCTIONS['sign']
signbit = FUNCTIONS['signbit']
sin = FUNCTIONS['sin']
sinh = FUNCTIONS['sinh']
sqrt = FUNCTIONS['sqrt']
square = FUNCTIONS['square']
subtract = FUNCTIONS['subtract']
tan = FUNCTIONS['tan']
tanh = FUNCTIONS['tanh']
trunc = FUNCTIONS['trunc']
