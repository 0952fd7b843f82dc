"""Times satchel's sorting and searching against NumPy and PyTorch (CPU) in one process.

    PYTHONPATH=python python benchmarks/sorting.py [--quick]

Each row: the median time of one call per library and satchel's speed relative
to each (their time / satchel's: above 1 means satchel is faster). satchel's
sort and PyTorch's return values and indices; NumPy's np.sort returns values
only, so the rows name np.argsort(kind='stable') beside it where indices are
the point. PyTorch runs with torch.set_num_threads set to satchel's thread count;
NumPy's sorts are single-threaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import satchel

try:
    import torch
except ImportError:  # the torch column reads n/a
    torch = None


def median_time(fn: Callable[[], Any], budget: float) -> float:
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < 200):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def data(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(0)
    if dtype.startswith("float"):
        return rng.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)


Calls = tuple[Callable[[Any], Any], Callable[[np.ndarray], Any], Callable[[Any], Any]]


def cases(quick: bool) -> list[tuple[str, str, tuple[int, ...], Calls]]:
    """(label, dtype, shape, (satchel call of a tensor, NumPy call of the array, torch call of the tensor))."""
    n = 10**6 if quick else 10**7
    big = 1024 if quick else 4096
    e = f"1e{len(str(n)) - 1}"
    seq = np.sort(data("float32", (10**5,)))
    sorts: Calls = (lambda t: t.sort(), np.sort, lambda x: torch.sort(x))
    return [
        (f"sort {e}", "float32", (n,), sorts),
        (f"sort {e}", "int32", (n,), sorts),
        (f"sort {e}", "int64", (n,), sorts),
        (f"argsort {e}", "float32", (n,),
         (lambda t: t.argsort(stable=True), lambda a: np.argsort(a, kind="stable"),
          lambda x: torch.argsort(x, stable=True))),
        (f"sort dim=1 {big}^2", "float32", (big, big),
         (lambda t: t.sort(1), lambda a: np.sort(a, axis=1), lambda x: torch.sort(x, dim=1))),
        (f"sort dim=0 {big}^2", "float32", (big, big),
         (lambda t: t.sort(0), lambda a: np.sort(a, axis=0), lambda x: torch.sort(x, dim=0))),
        ("sort dim=1 1e5x10", "float32", (100_000, 10),
         (lambda t: t.sort(1), lambda a: np.sort(a, axis=1), lambda x: torch.sort(x, dim=1))),
        (f"topk 100 of {e}", "float32", (n,),
         (lambda t: t.topk(100), lambda a: np.sort(np.partition(a, a.size - 100)[-100:])[::-1],
          lambda x: torch.topk(x, 100))),
        (f"kthvalue dim=1 {big}^2", "float32", (big, big),
         (lambda t: t.kthvalue(big // 2, 1), lambda a: np.partition(a, big // 2 - 1, axis=1)[:, big // 2 - 1],
          lambda x: torch.kthvalue(x, big // 2, 1))),
        ("searchsorted 1e6 in 1e5", "float32", (10**6,),
         (lambda t: satchel.cpu.float32.searchsorted(satchel.cpu.float32.from_numpy(seq), t),
          lambda a: np.searchsorted(seq, a), lambda x: torch.searchsorted(torch.from_numpy(seq), x))),
    ]


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller inputs, short timing")
    args = parser.parse_args()
    budget = 0.5 if args.quick else 2.0
    threads = satchel.get_num_threads()
    if torch is not None:
        torch.set_num_threads(threads)
    print(f"satchel threads {threads}, numpy {np.__version__}, torch {torch.__version__ if torch else 'n/a'}, "
          f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f}")
    print(f"{'case':<24} {'dtype':<8} {'satchel':>10} {'numpy':>10} {'torch':>10} {'vs numpy':>9} {'vs torch':>9}")
    for label, dtype, shape, (ours_fn, np_fn, torch_fn) in cases(args.quick):
        try:
            T = satchel.unit(dtype)
        except LookupError:  # a partial build
            print(f"{label:<24} {dtype:<8} (unit not built)")
            continue
        a = data(dtype, shape)
        t = T.from_numpy(a)
        ours = median_time(lambda: ours_fn(t), budget)
        theirs = median_time(lambda: np_fn(a), budget)
        x = torch.from_numpy(a) if torch is not None else None
        torch_time = median_time(lambda: torch_fn(x), budget) if torch is not None else None
        vs_torch = f"{torch_time / ours:.2f}x" if torch_time else "n/a"
        print(f"{label:<24} {dtype:<8} {fmt(ours):>10} {fmt(theirs):>10} {fmt(torch_time):>10} "
              f"{theirs / ours:>8.2f}x {vs_torch:>9}", flush=True)


if __name__ == "__main__":
    main()
