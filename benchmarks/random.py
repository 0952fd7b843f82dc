"""Times random draws against NumPy's Generator (PCG64) and PyTorch in one run.

    PYTHONPATH=python python benchmarks/random.py [--size 10000000] [--tiny 16]

rand and randn of `size` float32 and float64 elements, randperm(size) (int64),
and a tiny draw (per-call overhead); the best of several calls, in milliseconds,
and satchel's speed relative to each library (> 1: satchel is faster). NumPy
draws float32 itself (Generator.random / standard_normal with dtype=float32);
PyTorch runs on 2 threads, as in run.py; where it is not installed its columns
are empty.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import satchel


def best(fn: Callable[[], Any], repeats: int = 7) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def cases(n: int, tiny: int, torch: Any) -> list[tuple[str, str, Callable[[], Any], Callable[[], Any], Any]]:
    rng = np.random.default_rng(0)
    out = []
    for dtype in ("float32", "float64"):
        T = satchel.unit(dtype)
        td = getattr(torch, dtype) if torch else None
        out += [
            ("rand", dtype, lambda T=T: T.rand(n), lambda d=dtype: rng.random(n, dtype=d),
             (lambda td=td: torch.rand(n, dtype=td)) if torch else None),
            ("randn", dtype, lambda T=T: T.randn(n), lambda d=dtype: rng.standard_normal(n, dtype=d),
             (lambda td=td: torch.randn(n, dtype=td)) if torch else None),
        ]
    I, F = satchel.unit("int64"), satchel.unit("float32")
    out += [
        ("randperm", "int64", lambda: I.randperm(n), lambda: rng.permutation(n),
         (lambda: torch.randperm(n)) if torch else None),
        (f"rand({tiny})", "float32", lambda: F.rand(tiny), lambda: rng.random(tiny, dtype="float32"),
         (lambda: torch.rand(tiny)) if torch else None),
    ]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=10**7)
    p.add_argument("--tiny", type=int, default=16)
    args = p.parse_args()
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        torch = None
    print(f"{args.size} elements; satchel {satchel.get_num_threads()} threads"
          + (f", PyTorch {torch.__version__} (2 threads)" if torch else ", no PyTorch") + f", NumPy {np.__version__}")
    print("| draw | dtype | satchel ms | NumPy ms | PyTorch ms | x NumPy | x PyTorch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, dtype, mine_fn, np_fn, torch_fn in cases(args.size, args.tiny, torch):
        tiny = name.startswith("rand(")
        repeats = 2000 if tiny else 7
        mine = best(mine_fn, repeats)
        theirs = best(np_fn, repeats)
        torch_t = best(torch_fn, repeats) if torch_fn else None
        unit = 1e6 if tiny else 1e3
        cell = (lambda t: f"{t * unit:.3f}" if t is not None else "")
        ratio = (lambda t: f"{t / mine:.2f}" if t is not None else "")
        label = f"{name} (us)" if tiny else name
        print(f"| {label} | {dtype} | {cell(mine)} | {cell(theirs)} | {cell(torch_t)} | {ratio(theirs)} | {ratio(torch_t)} |")


if __name__ == "__main__":
    main()
