"""Times the pointwise functions beyond exp, log and tanh against NumPy and PyTorch in one run.

    PYTHONPATH=python python benchmarks/pointwise.py [--size 1000000] [--dtypes float32,float64]

Each function on `size` elements of inputs in its domain; the best of several
calls, in milliseconds, and satchel's speed relative to each library (> 1:
satchel is faster). PyTorch runs on 2 threads, as in run.py; where it is not
installed its columns are empty.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import satchel

# name -> (NumPy function, PyTorch name, input range)
FUNCTIONS: dict[str, tuple[Callable[..., Any], str, tuple[float, float]]] = {
    "sin": (np.sin, "sin", (-10, 10)), "cos": (np.cos, "cos", (-10, 10)), "tan": (np.tan, "tan", (-1.5, 1.5)),
    "asin": (np.arcsin, "asin", (-1, 1)), "acos": (np.arccos, "acos", (-1, 1)), "atan": (np.arctan, "atan", (-10, 10)),
    "sinh": (np.sinh, "sinh", (-10, 10)), "cosh": (np.cosh, "cosh", (-10, 10)), "asinh": (np.arcsinh, "asinh", (-10, 10)),
    "acosh": (np.arccosh, "acosh", (1, 10)), "atanh": (np.arctanh, "atanh", (-0.99, 0.99)),
    "log1p": (np.log1p, "log1p", (0, 10)), "expm1": (np.expm1, "expm1", (-5, 5)), "log2": (np.log2, "log2", (0.1, 10)),
    "log10": (np.log10, "log10", (0.1, 10)), "exp2": (np.exp2, "exp2", (-10, 10)),
    "erf": (None, "erf", (-3, 3)), "erfc": (None, "erfc", (-3, 3)), "lgamma": (None, "lgamma", (0.1, 10)),
    "rsqrt": (lambda a: 1 / np.sqrt(a), "rsqrt", (0.1, 10)), "reciprocal": (np.reciprocal, "reciprocal", (0.1, 10)),
    "floor": (np.floor, "floor", (-10, 10)), "round": (np.rint, "round", (-10, 10)), "sign": (np.sign, "sign", (-1, 1)),
    "square": (np.square, "square", (-10, 10)), "deg2rad": (np.deg2rad, "deg2rad", (-180, 180)),
    "atan2": (np.arctan2, "atan2", (-10, 10)), "hypot": (np.hypot, "hypot", (-10, 10)),
    "logaddexp": (np.logaddexp, "logaddexp", (-10, 10)), "maximum": (np.maximum, "maximum", (-10, 10)),
    "pow": (np.power, "pow", (0.1, 3)), "floor_divide": (np.floor_divide, "floor_divide", (1, 10)),
    "remainder": (np.remainder, "remainder", (1, 10)), "isclose": (np.isclose, "isclose", (0.999, 1.001)),
}
BINARY = {"atan2", "hypot", "logaddexp", "maximum", "pow", "floor_divide", "remainder", "isclose"}


def best(fn: Callable[[], Any], repeats: int = 7) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=10**6)
    p.add_argument("--dtypes", default="float32,float64")
    args = p.parse_args()
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    print(f"{args.size} elements; satchel {satchel.get_num_threads()} threads"
          + (f", PyTorch {torch.__version__} (2 threads)" if torch else ", no PyTorch"))
    print("| function | dtype | satchel ms | NumPy ms | PyTorch ms | x NumPy | x PyTorch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for dtype in args.dtypes.split(","):
        T = satchel.unit(dtype)
        for name, (np_fn, torch_name, (lo, hi)) in FUNCTIONS.items():
            n_in = 2 if name in BINARY else 1
            arrays = [rng.uniform(lo, hi, args.size).astype(dtype) for _ in range(n_in)]
            tensors = [T.tensor(a) for a in arrays]
            mine = best(lambda: getattr(T, name)(*tensors))
            theirs = best(lambda: np_fn(*arrays)) if np_fn is not None else None
            torch_t = None
            if torch is not None:
                ts = [torch.from_numpy(a) for a in arrays]
                torch_t = best(lambda: getattr(torch, torch_name)(*ts))
            cell = (lambda t: f"{t * 1e3:.3f}" if t is not None else "")
            ratio = (lambda t: f"{t / mine:.2f}" if t is not None else "")
            print(f"| {name} | {dtype} | {cell(mine)} | {cell(theirs)} | {cell(torch_t)} | {ratio(theirs)} | "
                  f"{ratio(torch_t)} |")


if __name__ == "__main__":
    main()
