"""Per-call cost of the Array API namespace and of promoting operators, on 10-element arrays,
against NumPy and PyTorch (CPU) in one process.

    PYTHONPATH=python python benchmarks/namespace.py

Each row: the best of 7 rounds of the per-call mean over a loop of calls (the
overhead of a call is the point, so the minimum is the measure), and NumPy's and
PyTorch's time divided by satchel's (above 1: satchel is faster).
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

import satchel as sa

try:
    import torch
except ImportError:  # the torch column reads n/a
    torch = None


def per_call(fn: Callable[[], Any], number: int = 20000) -> float:
    fn()
    return min(timeit.repeat(fn, number=number, repeat=7)) / number


def main() -> None:
    n = 10
    f32 = np.arange(n, dtype=np.float32)
    i64 = np.arange(n, dtype=np.int64)
    i8 = np.arange(n, dtype=np.int8)
    x, y, i, b = sa.asarray(f32), sa.asarray(f32 + 1), sa.asarray(i64), sa.asarray(i8)
    a1, a2 = f32, f32 + 1
    if torch is not None:
        torch.set_num_threads(1)
        t1, t2, ti, tb = (torch.from_numpy(v.copy()) for v in (f32, f32 + 1, i64, i8))
    rows: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[], Any] | None]] = [
        ("satchel.add(x, y)   float32, float32", lambda: sa.add(x, y), lambda: np.add(a1, a2),
         (lambda: torch.add(t1, t2)) if torch else None),
        ("satchel.add(x, i)   float32, int64", lambda: sa.add(x, i), lambda: np.add(a1, i64),
         (lambda: torch.add(t1, ti)) if torch else None),
        ("satchel.sum(x)      float32", lambda: sa.sum(x), lambda: np.sum(a1), (lambda: torch.sum(t1)) if torch else None),
        ("satchel.sum(b)      int8 -> int64", lambda: sa.sum(b), lambda: np.sum(i8),
         (lambda: torch.sum(tb)) if torch else None),
        ("satchel.matmul(x, y) float32", lambda: sa.matmul(x, y), lambda: np.matmul(a1, a2),
         (lambda: torch.matmul(t1, t2)) if torch else None),
        ("satchel.matmul(x, i) float32, int64", lambda: sa.matmul(x, i), lambda: np.matmul(a1, i64),
         (lambda: torch.matmul(t1.double(), ti.double())) if torch else None),
        ("x + y               float32, float32", lambda: x + y, lambda: a1 + a2, (lambda: t1 + t2) if torch else None),
        ("x + i               float32, int64", lambda: x + i, lambda: a1 + i64, (lambda: t1 + ti) if torch else None),
        ("i + x               int64, float32", lambda: i + x, lambda: i64 + a1, (lambda: ti + t1) if torch else None),
        ("x + 2               float32, int", lambda: x + 2, lambda: a1 + 2, (lambda: t1 + 2) if torch else None),
        ("2 + x               int, float32", lambda: 2 + x, lambda: 2 + a1, (lambda: 2 + t1) if torch else None),
        ("x * 2.5             float32, float", lambda: x * 2.5, lambda: a1 * 2.5, (lambda: t1 * 2.5) if torch else None),
    ]
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'n/a'}; n = {n}")
    print(f"{'call':40} {'satchel':>10} {'numpy':>10} {'torch':>10} {'numpy/sat':>10} {'torch/sat':>10}")
    for label, s, npf, tf in rows:
        ts, tn = per_call(s), per_call(npf)
        tt = per_call(tf) if tf is not None else None
        torch_time = f"{tt * 1e9:.0f}ns" if tt is not None else "n/a"
        torch_ratio = f"{tt / ts:.2f}" if tt is not None else "n/a"
        print(f"{label:40} {ts * 1e9:8.0f}ns {tn * 1e9:8.0f}ns {torch_time:>10} {tn / ts:10.2f} {torch_ratio:>10}")


if __name__ == "__main__":
    main()
