"""satchel: typed tensor units generated from one spec, behind one facade.

Each unit is an extension module for one (dtype, device), e.g.
``satchel.cpu.float32``; its tensor class has TH's name (``satchel.FloatTensor``).
Units are imported when first asked for, so ``import satchel`` never fails even
where none was built.

``satchel`` itself is the Array API (2024.12) namespace: ``satchel.add(x, y)``,
``satchel.sum(x, axis=0)``, dtype objects ``satchel.float32``..., promotion across
units; it dispatches to the units' kernels (README: The Array API namespace).
"""

from __future__ import annotations

from ._api_creation import (arange, asarray, astype, empty, empty_like, eye, full, full_like, linspace, meshgrid,
                            ones, ones_like, tril, triu, zeros, zeros_like)
from ._api_elementwise import (abs, acos, acosh, add, asin, asinh, atan, atan2, atanh, bitwise_and, bitwise_invert,
                               bitwise_left_shift, bitwise_or, bitwise_right_shift, bitwise_xor, ceil, clip, copysign,
                               cos, cosh, divide, equal, exp, expm1, floor, floor_divide, greater, greater_equal,
                               hypot, isfinite, isinf, isnan, less, less_equal, log, log1p, log2, log10, logaddexp,
                               logical_and, logical_not, logical_or, logical_xor, maximum, minimum, multiply,
                               negative, not_equal, positive, pow, reciprocal, remainder, round, sign, signbit, sin,
                               sinh, sqrt, square, subtract, tan, tanh, trunc)
from ._api_functions import (all, any, argmax, argmin, argsort, broadcast_arrays, broadcast_shapes, broadcast_to,
                             concat, count_nonzero, cumulative_prod, cumulative_sum, diff, expand_dims, flip, isin,
                             matmul, matrix_transpose, max, mean, min, moveaxis, nonzero, permute_dims, prod, repeat,
                             reshape, roll, searchsorted, sort, squeeze, stack, std, sum, take, take_along_axis,
                             tensordot, tile, unique_all, unique_counts, unique_inverse, unique_values, unstack, var,
                             vecdot, where)
from ._api_info import __array_namespace_info__
from ._dlpack import from_dlpack
from . import linalg
from ._dtypes import (Device, DType, can_cast, e, finfo, float16, float32, float64, iinfo, inf, int8, int16, int32,
                      int64, isdtype, nan, newaxis, pi, result_type, uint8)
from ._dtypes import bool_ as bool  # noqa: A001 (the standard's name)
from ._errors import LinAlgError
from ._host import cache_limit, empty_cache, get_num_threads, memory_cached, set_num_threads
from ._random import Generator, default_generator, fork_rng, get_rng_state, initial_seed, manual_seed, set_rng_state
from ._printing import get_printoptions, printoptions, set_printoptions
from ._registry import UnitNotFound, th_class, unit, unit_of, units

try:  # the device submodules (satchel.cpu, ...), generated with the units, as attributes
    from ._units.exports import *  # noqa: F403
except ImportError:  # a source tree where nothing was built yet
    pass

__array_api_version__ = "2024.12"

__all__ = ["__array_api_version__", "__array_namespace_info__", "abs", "acos", "acosh", "add", "all", "any", "arange",
           "argmax", "argmin", "argsort", "asarray", "asin", "asinh", "astype", "atan", "atan2", "atanh",
           "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
           "bool", "broadcast_arrays", "broadcast_shapes", "broadcast_to", "cache_limit", "can_cast", "ceil", "clip",
           "concat", "copysign", "cos", "cosh", "count_nonzero", "cumulative_prod", "cumulative_sum",
           "default_generator", "Device", "diff", "divide", "DType", "e", "empty", "empty_cache", "empty_like",
           "equal", "exp", "expand_dims", "expm1", "eye", "finfo", "flip", "float16", "float32", "float64", "floor",
           "floor_divide", "fork_rng", "from_dlpack", "full", "full_like", "Generator", "get_num_threads",
           "get_printoptions", "get_rng_state", "greater", "greater_equal", "hypot", "iinfo", "inf", "initial_seed",
           "int16", "int32", "int64", "int8", "isdtype", "isfinite", "isin", "isinf", "isnan", "less", "less_equal",
           "linalg", "LinAlgError", "linspace", "log", "log10", "log1p", "log2", "logaddexp", "logical_and",
           "logical_not", "logical_or", "logical_xor", "manual_seed", "matmul", "matrix_transpose", "max", "maximum",
           "mean", "memory_cached", "meshgrid", "min", "minimum", "moveaxis", "multiply", "nan", "negative", "newaxis",
           "nonzero", "not_equal", "ones", "ones_like", "permute_dims", "pi", "positive", "pow", "printoptions",
           "prod", "reciprocal", "remainder", "repeat", "reshape", "result_type", "roll", "round", "searchsorted",
           "set_num_threads", "set_printoptions", "set_rng_state", "sign", "signbit", "sin", "sinh", "sort", "sqrt",
           "square", "squeeze", "stack", "std", "subtract", "sum", "take", "take_along_axis", "tan", "tanh",
           "tensordot", "tile", "tril", "triu", "trunc", "uint8", "unique_all", "unique_counts", "unique_inverse",
           "unique_values", "unit", "unit_of", "UnitNotFound", "units", "unstack", "var", "vecdot", "where", "zeros",
           "zeros_like"]


def __getattr__(name: str) -> object:
    """TH names: ``satchel.FloatTensor`` is the tensor class of ``satchel.cpu.float32``."""
    cls = th_class(name)
    if cls is None:
        raise AttributeError(f"module 'satchel' has no attribute {name!r}")
    return cls
