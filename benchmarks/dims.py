"""Times reductions along dims and scans against NumPy and PyTorch, in one process.

    PYTHONPATH=python python benchmarks/dims.py [--side 4096] [--dtypes float32,int32]

For a side x side matrix, contiguous and transposed (a view whose inner dim in
memory is its first): sum, amax and argmax along each dim, and cumsum along each
dim. Each time is the best of a few calls; the ratios are NumPy's and PyTorch's
time over satchel's (above 1: satchel is faster). PyTorch runs on 2 threads,
satchel on what OMP_NUM_THREADS gives it, NumPy on one (its reductions are
single-threaded).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import satchel

REPEATS = 5


def best_time(fn: Callable[[], Any]) -> float:
    fn()
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# (label, satchel call, NumPy call, PyTorch call) for an input x of each library and a dim.
CASES: list[tuple[str, Callable[[Any, int], Any], Callable[[Any, int], Any], Callable[[Any, int], Any]]] = [
    ("sum", lambda x, d: x.sum(d), lambda x, d: x.sum(axis=d), lambda x, d: x.sum(d)),
    ("amax", lambda x, d: x.amax(d), lambda x, d: x.max(axis=d), lambda x, d: x.amax(d)),
    ("argmax", lambda x, d: x.argmax(d), lambda x, d: x.argmax(axis=d), lambda x, d: x.argmax(d)),
    ("cumsum", lambda x, d: x.cumsum(d), lambda x, d: x.cumsum(axis=d), lambda x, d: x.cumsum(d)),
    # (NumPy's median averages the two middle elements of an even row; the cost is its partition's)
    ("median", lambda x, d: x.median(d), lambda x, d: np.median(x, axis=d), lambda x, d: x.median(d)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", type=int, default=4096)
    parser.add_argument("--dtypes", default="float32,int32")
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    print(f"{'op':<8} {'dtype':<8} {'layout':<11} {'dim':>3} {'satchel':>10} {'numpy':>10} {'torch':>10}"
          f" {'np/sat':>7} {'torch/sat':>9}")
    for dtype in args.dtypes.split(","):
        T = satchel.unit(dtype, "cpu")
        a = rng.integers(-100, 100, (args.side, args.side)).astype(dtype)
        for layout in ("contiguous", "transposed"):
            n = a if layout == "contiguous" else a.T
            s = T.tensor(a) if layout == "contiguous" else T.tensor(a).t()
            t = None if torch is None else torch.from_numpy(a) if layout == "contiguous" else torch.from_numpy(a).t()
            for label, sat, num, tor in CASES:
                for dim in (0, 1):
                    ts = best_time(lambda: sat(s, dim))
                    tn = best_time(lambda: num(n, dim))
                    tt = best_time(lambda: tor(t, dim)) if t is not None else float("nan")
                    print(f"{label:<8} {dtype:<8} {layout:<11} {dim:>3} {ts * 1e3:>8.2f}ms {tn * 1e3:>8.2f}ms "
                          f"{tt * 1e3:>8.2f}ms {tn / ts:>7.2f} {tt / ts:>9.2f}")


if __name__ == "__main__":
    main()
