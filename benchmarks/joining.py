"""Times joins, rearrangements and masks against NumPy and PyTorch, in one process.

    PYTHONPATH=python python benchmarks/joining.py [--dtype float32]

cat of 100 tensors of 10^5 elements, stack of the same, flip, roll and
repeat of a 2048x2048 matrix, where and masked_fill over 10^7 elements, and the
per-call cost of cat and where on 10-element tensors. Each time is the best of a
few calls; the ratios are NumPy's and PyTorch's time over satchel's (above 1:
satchel is faster). PyTorch runs on 2 threads, satchel on what OMP_NUM_THREADS
gives it, NumPy on one.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import satchel


def best_time(fn: Callable[[], Any], repeats: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dtype", default="float32")
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None
    T, B = satchel.unit(args.dtype, "cpu"), satchel.unit("bool", "cpu")
    rng = np.random.default_rng(0)
    parts = [rng.integers(0, 100, 100_000).astype(args.dtype) for _ in range(100)]
    m = rng.integers(0, 100, (2048, 2048)).astype(args.dtype)
    big = rng.integers(0, 100, 10_000_000).astype(args.dtype)
    other = rng.integers(0, 100, 10_000_000).astype(args.dtype)
    mask = rng.random(10_000_000) < 0.5
    tiny, tiny_mask = big[:10].copy(), mask[:10].copy()

    sp, sm, sb, so, smask = [T.tensor(p) for p in parts], T.tensor(m), T.tensor(big), T.tensor(other), B.tensor(mask)
    st, stm = T.tensor(tiny), B.tensor(tiny_mask)
    tp = tm = tb = to = tmask = tt = ttm = None
    if torch is not None:
        tp, tm, tb, to = [torch.from_numpy(p) for p in parts], torch.from_numpy(m), torch.from_numpy(big), torch.from_numpy(other)
        tmask, tt, ttm = torch.from_numpy(mask), torch.from_numpy(tiny), torch.from_numpy(tiny_mask)

    # (label, satchel, NumPy, PyTorch, repeats)
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[], Any] | None, int]] = [
        ("cat 100 x 1e5", lambda: T.cat(sp), lambda: np.concatenate(parts), tp and (lambda: torch.cat(tp)), 5),
        ("stack 100 x 1e5", lambda: T.stack(sp), lambda: np.stack(parts), tp and (lambda: torch.stack(tp)), 5),
        ("flip 2048^2 dim 0", lambda: sm.flip([0]), lambda: np.flip(m, 0).copy(), tm is not None and (lambda: tm.flip(0)), 5),
        ("flip 2048^2 dim 1", lambda: sm.flip([1]), lambda: np.flip(m, 1).copy(), tm is not None and (lambda: tm.flip(1)), 5),
        ("roll 2048^2 dim 1", lambda: sm.roll([7], [1]), lambda: np.roll(m, 7, 1), tm is not None and (lambda: tm.roll(7, 1)), 5),
        ("repeat 2048^2 x (2,2)", lambda: sm.repeat([2, 2]), lambda: np.tile(m, (2, 2)), tm is not None and (lambda: tm.repeat(2, 2)), 5),
        ("where 1e7", lambda: T.where(smask, sb, so), lambda: np.where(mask, big, other),
         tb is not None and (lambda: torch.where(tmask, tb, to)), 5),
        ("masked_fill 1e7", lambda: sb.masked_fill(smask, 0), lambda: np.where(mask, 0, big),
         tb is not None and (lambda: tb.masked_fill(tmask, 0)), 5),
        ("cat 2 x 10", lambda: T.cat([st, st]), lambda: np.concatenate([tiny, tiny]),
         tt is not None and (lambda: torch.cat([tt, tt])), 2000),
        ("where 10", lambda: T.where(stm, st, st), lambda: np.where(tiny_mask, tiny, tiny),
         tt is not None and (lambda: torch.where(ttm, tt, tt)), 2000),
    ]
    print(f"{'op':<24} {'satchel':>10} {'numpy':>10} {'torch':>10} {'np/sat':>7} {'torch/sat':>9}")
    for label, sat, num, tor, repeats in cases:
        ts, tn = best_time(sat, repeats), best_time(num, repeats)
        tt_ = best_time(tor, repeats) if tor else float("nan")
        unit = 1e6 if repeats > 100 else 1e3
        suffix = "us" if repeats > 100 else "ms"
        print(f"{label:<24} {ts * unit:>8.2f}{suffix} {tn * unit:>8.2f}{suffix} {tt_ * unit:>8.2f}{suffix} "
              f"{tn / ts:>7.2f} {tt_ / ts:>9.2f}")


if __name__ == "__main__":
    main()
