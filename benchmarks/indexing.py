"""Times index tensors and masks against NumPy and PyTorch, in one process.

    PYTHONPATH=python python benchmarks/indexing.py [--rows 1000000] [--cols 16]

On a rows x cols float32 matrix: x[idx] gathering `rows` random rows, x[mask]
(half the rows), index_select along dim 0, gather along dim 0 (an index of the
matrix's shape), scatter_add along dim 0, and x[idx] / x[mask] on a 10-element
tensor (the per-call cost). Each time is the best of a few calls; the ratios are
NumPy's and PyTorch's time over satchel's (above 1: satchel is faster). PyTorch
runs on 2 threads, satchel on what OMP_NUM_THREADS gives it, NumPy on one.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import satchel

REPEATS = 5


def best_time(fn: Callable[[], Any], repeats: int = REPEATS, number: int = 1) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=16)
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None
    T, L, B = satchel.cpu.float32, satchel.cpu.int64, satchel.cpu.bool
    rng = np.random.default_rng(0)
    n, m = args.rows, args.cols
    a = rng.standard_normal((n, m)).astype(np.float32)
    idx = rng.integers(0, n, n)
    mask = rng.random(n) < 0.5
    full = rng.integers(0, n, (n, m))
    ones = np.ones((n, m), dtype=np.float32)
    x, li, lb, lf, so = T.tensor(a), L.tensor(idx), B.tensor(mask), L.tensor(full), T.tensor(ones)
    t = ti = tb = tf = to = None
    if torch is not None:
        t, ti, tb, tf, to = (torch.from_numpy(v) for v in (a, idx, mask, full, ones))
    small = np.arange(10, dtype=np.float32)
    sidx, smask = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]), small > 4
    xs, ts = T.tensor(small), None if torch is None else torch.from_numpy(small)
    tsi, tsm = (None, None) if torch is None else (torch.from_numpy(sidx), torch.from_numpy(smask))

    def zeros_np() -> np.ndarray:
        z = np.zeros((n, m), dtype=np.float32)
        np.add.at(z, (full, np.arange(m)), ones)
        return z

    # (label, satchel, NumPy, torch, calls per timing)
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[], Any] | None, int]] = [
        (f"x[idx] {n}x{m} rows", lambda: x[idx], lambda: a[idx], lambda: t[ti], 1),
        ("x[idx] (int64 tensor)", lambda: x[li], lambda: a[idx], lambda: t[ti], 1),
        ("x[mask]", lambda: x[mask], lambda: a[mask], lambda: t[tb], 1),
        ("masked_select", lambda: x.masked_select(lb.unsqueeze(1)), lambda: a[np.broadcast_to(mask[:, None], a.shape)],
         lambda: t.masked_select(tb.unsqueeze(1)), 1),
        ("index_select(0)", lambda: x.index_select(0, li), lambda: np.take(a, idx, axis=0),
         lambda: t.index_select(0, ti), 1),
        ("gather(0)", lambda: x.gather(0, lf), lambda: np.take_along_axis(a, full, 0), lambda: t.gather(0, tf), 1),
        ("scatter_add(0)", lambda: T.zeros([n, m]).scatter_add_(0, lf, so), zeros_np,
         lambda: torch.zeros(n, m).scatter_add_(0, tf, to), 1),
        ("x[idx] 10 elements", lambda: xs[sidx], lambda: small[sidx], lambda: ts[tsi], 2000),
        ("x[mask] 10 elements", lambda: xs[smask], lambda: small[smask], lambda: ts[tsm], 2000),
        ("x[3] 10 elements (basic)", lambda: xs[3], lambda: small[3], lambda: ts[3], 2000),
    ]
    print(f"{'case':<28} {'satchel':>10} {'numpy':>10} {'torch':>10} {'np/sat':>7} {'torch/sat':>9}")
    for label, sat, num, tor, number in cases:
        tsat = best_time(sat, number=number)
        tnum = best_time(num, number=number)
        ttor = best_time(tor, number=number) if torch is not None and tor is not None else float("nan")
        unit, scale = ("us", 1e6) if number > 1 else ("ms", 1e3)
        print(f"{label:<28} {tsat * scale:>8.2f}{unit} {tnum * scale:>8.2f}{unit} {ttor * scale:>8.2f}{unit} "
              f"{tnum / tsat:>7.2f} {ttor / tsat:>9.2f}")


if __name__ == "__main__":
    main()
