"""Times satchel's matrix products, its structure ops (trace, kron, tensordot, einsum) and
its LAPACK ops against NumPy and PyTorch (CPU) in one process.

    PYTHONPATH=python python benchmarks/linalg.py [--quick]

Each row: the median time of one call per library and satchel's speed relative
to each (NumPy's time / satchel's: above 1 means satchel is faster). Inputs are
the same values in each library; PyTorch runs with torch.set_num_threads set to
satchel's thread count, and NumPy's OpenBLAS with its own default.
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

CASES = [  # (label, dtype, shape of a, shape of b)
    ("matmul 4x4", "float32", (4, 4), (4, 4)),
    ("matmul 10x10", "float32", (10, 10), (10, 10)),
    ("matmul 64x64", "float32", (64, 64), (64, 64)),
    ("matmul 256x256", "float32", (256, 256), (256, 256)),
    ("matmul 2048x2048", "float32", (2048, 2048), (2048, 2048)),
    ("matmul 10x10", "float64", (10, 10), (10, 10)),
    ("matmul 256x256", "float64", (256, 256), (256, 256)),
    ("matmul 2048x2048", "float64", (2048, 2048), (2048, 2048)),
    ("matmul a.T 1024", "float32", "T1024", (1024, 1024)),
    ("mv 2048", "float32", (2048, 2048), (2048,)),
    ("bmm 10000 of 4x4", "float32", (10000, 4, 4), (10000, 4, 4)),
    ("bmm 1000 of 64x64", "float32", (1000, 64, 64), (1000, 64, 64)),
    ("matmul 1024x1024", "float16", (1024, 1024), (1024, 1024)),
    ("matmul 512x512", "int32", (512, 512), (512, 512)),
    ("matmul 512x512", "int64", (512, 512), (512, 512)),
]
QUICK = {"matmul 4x4", "matmul 256x256", "bmm 10000 of 4x4", "matmul 512x512"}

# The structure ops (cpp/satchel/structure.h): (label, dtype, operand shapes, call), the call
# (op, extra argument) the same for each library: satchel's T.<op>, NumPy's np.<op> (einsum with
# optimize=True, which contracts by BLAS as satchel does), PyTorch's torch.<op>.
STRUCTURE = [
    ("trace 1000x1000", "float32", [(1000, 1000)], ("trace", None)),
    ("trace 1000x1000", "int32", [(1000, 1000)], ("trace", None)),
    ("kron 64x64, 64x64", "float32", [(64, 64), (64, 64)], ("kron", None)),
    ("kron 30x30, 30x30", "int32", [(30, 30), (30, 30)], ("kron", None)),
    ("tensordot dims=2", "float32", [(64, 64, 64), (64, 64, 32)], ("tensordot", 2)),
    ("tensordot ([0,2],[1,0])", "float32", [(64, 32, 64), (64, 64, 48)], ("tensordot", ([0, 2], [1, 0]))),
    ("einsum ij,jk->ik 256", "float32", [(256, 256), (256, 256)], ("einsum", "ij,jk->ik")),
    ("einsum bij,bjk->bik", "float32", [(64, 64, 64), (64, 64, 64)], ("einsum", "bij,bjk->bik")),
    ("einsum attention", "float32", [(8, 8, 128, 64), (8, 8, 128, 64)], ("einsum", "bhqd,bhkd->bhqk")),
    ("einsum ijk,jl->ikl", "float32", [(64, 64, 64), (64, 64)], ("einsum", "ijk,jl->ikl")),
    ("einsum ij,ij-> 1000", "float32", [(1000, 1000), (1000, 1000)], ("einsum", "ij,ij->")),
    ("einsum ii->i 1000", "float32", [(1000, 1000)], ("einsum", "ii->i")),
    ("einsum bij,bjk->bik", "int32", [(64, 32, 32), (64, 32, 32)], ("einsum", "bij,bjk->bik")),
    ("einsum ij,jk,kl->il", "float32", [(1000, 4), (4, 1000), (1000, 4)], ("einsum", "ij,jk,kl->il")),
]
STRUCTURE_QUICK = {"trace 1000x1000", "einsum bij,bjk->bik", "tensordot dims=2", "kron 64x64, 64x64"}


def structure_calls(T: Any, call: tuple[str, Any], ours: list[Any], arrays: list[np.ndarray],
                    xs: list[Any]) -> tuple[Callable[[], Any], Callable[[], Any], Callable[[], Any] | None]:
    op, extra = call
    if op == "einsum":
        return (lambda: T.einsum(extra, ours), lambda: np.einsum(extra, *arrays, optimize=True),
                (lambda: torch.einsum(extra, *xs)) if torch is not None else None)
    if op == "tensordot":
        return (lambda: T.tensordot(*ours, extra), lambda: np.tensordot(*arrays, extra),
                (lambda: torch.tensordot(*xs, dims=extra)) if torch is not None else None)
    return (lambda: getattr(T, op)(*ours), lambda: getattr(np, op)(*arrays),
            (lambda: getattr(torch, op)(*xs)) if torch is not None else None)

# The LAPACK ops: (name, how satchel, NumPy and PyTorch call it on a matrix a and a right side b).
SOLVERS: list[tuple[str, Callable[[Any, Any, Any], Any], Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = [
    ("inv", lambda T, a, b: T.inv(a), lambda a, b: np.linalg.inv(a), lambda a, b: torch.linalg.inv(a)),
    ("solve", lambda T, a, b: T.solve(a, b), np.linalg.solve, lambda a, b: torch.linalg.solve(a, b)),
    ("det", lambda T, a, b: T.det(a), lambda a, b: np.linalg.det(a), lambda a, b: torch.linalg.det(a)),
    ("slogdet", lambda T, a, b: T.slogdet(a), lambda a, b: np.linalg.slogdet(a), lambda a, b: torch.linalg.slogdet(a)),
    ("cholesky", lambda T, a, b: T.cholesky(a), lambda a, b: np.linalg.cholesky(a),
     lambda a, b: torch.linalg.cholesky(a)),
    ("qr", lambda T, a, b: T.qr(a), lambda a, b: np.linalg.qr(a), lambda a, b: torch.linalg.qr(a)),
    ("svd", lambda T, a, b: T.svd(a), lambda a, b: np.linalg.svd(a), lambda a, b: torch.linalg.svd(a)),
    ("svdvals", lambda T, a, b: T.svdvals(a), lambda a, b: np.linalg.svd(a, compute_uv=False),
     lambda a, b: torch.linalg.svdvals(a)),
    ("eigh", lambda T, a, b: T.eigh(a), lambda a, b: np.linalg.eigh(a), lambda a, b: torch.linalg.eigh(a)),
    ("eigvalsh", lambda T, a, b: T.eigvalsh(a), lambda a, b: np.linalg.eigvalsh(a),
     lambda a, b: torch.linalg.eigvalsh(a)),
    ("lstsq", lambda T, a, b: T.lstsq(a, b), lambda a, b: numpy_lstsq(a, b),
     lambda a, b: torch.linalg.lstsq(a, b, driver="gelsd")),
    ("pinv", lambda T, a, b: T.pinv(a), lambda a, b: np.linalg.pinv(a), lambda a, b: torch.linalg.pinv(a)),
]


def numpy_lstsq(a: np.ndarray, b: np.ndarray) -> Any:
    """NumPy's lstsq takes one matrix: a batch is a loop."""
    if a.ndim == 2:
        return np.linalg.lstsq(a, b, rcond=None)
    return [np.linalg.lstsq(x, y, rcond=None) for x, y in zip(a, b, strict=True)]


SOLVER_SIZES = [("512x512", "float64", (512, 512)), ("512x512", "float32", (512, 512)),
                ("1000 of 4x4", "float64", (1000, 4, 4))]


def median_time(fn: Callable[[], Any], budget: float) -> float:
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < 2000):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def operands(dtype: str, sa: Any, sb: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    make = (lambda s: rng.integers(-9, 10, size=s).astype(dtype)) if "int" in dtype else \
        (lambda s: rng.standard_normal(s).astype(dtype))
    if sa == "T1024":  # a transposed view: the BLAS gets it as a transpose, not a copy
        return make((1024, 1024)).T, make(sb)
    return make(sa), make(sb)


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a few cases, short timing")
    args = parser.parse_args()
    budget = 0.3 if args.quick else 1.0
    threads = satchel.get_num_threads()
    if torch is not None:
        torch.set_num_threads(threads)
    print(f"satchel threads {threads} (BLAS {satchel._units._host.blas_num_threads()}), "
          f"numpy {np.__version__}, torch {torch.__version__ if torch else 'n/a'}, cores {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"{'case':<20} {'dtype':<8} {'satchel':>10} {'numpy':>10} {'torch':>10} {'vs numpy':>9} {'vs torch':>9}")
    for label, dtype, sa, sb in CASES:
        if args.quick and label not in QUICK:
            continue
        a, b = operands(dtype, sa, sb)
        T = satchel.unit(dtype)
        ta = T.from_numpy(a) if a.flags.c_contiguous else T.from_numpy(a.T.copy()).t()
        tb = T.from_numpy(b)
        op = "bmm" if label.startswith("bmm") else "mv" if label.startswith("mv") else "matmul"
        ours = median_time(lambda: getattr(T, op)(ta, tb), budget)
        theirs = median_time(lambda: np.matmul(a, b), budget)
        torch_time = None
        if torch is not None:
            xa, xb = torch.from_numpy(np.ascontiguousarray(a)), torch.from_numpy(b)
            if sa == "T1024":
                xa = torch.from_numpy(a.T.copy()).t()
            torch_time = median_time(lambda: getattr(torch, op)(xa, xb), budget)
        row(label, dtype, ours, theirs, torch_time)
    print()
    print(f"{'structure op':<26} {'dtype':<8} {'satchel':>10} {'numpy':>10} {'torch':>10} {'vs numpy':>9} {'vs torch':>9}")
    for label, dtype, shapes, call in STRUCTURE:
        if args.quick and label not in STRUCTURE_QUICK:
            continue
        rng = np.random.default_rng(1)
        arrays = [(rng.integers(-9, 10, size=sh) if "int" in dtype else rng.standard_normal(sh)).astype(dtype)
                  for sh in shapes]
        T = satchel.unit(dtype)
        mine = [T.from_numpy(x) for x in arrays]
        xs = [torch.from_numpy(x) for x in arrays] if torch is not None else []
        f_ours, f_numpy, f_torch = structure_calls(T, call, mine, arrays, xs)
        ours, theirs = median_time(f_ours, budget), median_time(f_numpy, budget)
        torch_time = median_time(f_torch, budget) if f_torch is not None else None
        row(label, dtype, ours, theirs, torch_time, width=26)
    print()
    print(f"{'LAPACK op':<26} {'dtype':<8} {'satchel':>10} {'numpy':>10} {'torch':>10} {'vs numpy':>9} {'vs torch':>9}")
    for size, dtype, shape in SOLVER_SIZES[:1] if args.quick else SOLVER_SIZES:
        rng = np.random.default_rng(0)
        m = rng.standard_normal(shape)
        a = (m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)  # symmetric positive-definite
        b = rng.standard_normal(shape[:-1] + (1,)).astype(dtype)
        T = satchel.unit(dtype)
        ta, tb = T.from_numpy(a), T.from_numpy(b)
        xa, xb = (torch.from_numpy(a), torch.from_numpy(b)) if torch is not None else (None, None)
        for name, ours_fn, numpy_fn, torch_fn in SOLVERS:
            ours = median_time(lambda: ours_fn(T, ta, tb), budget)
            theirs = median_time(lambda: numpy_fn(a, b), budget)
            torch_time = median_time(lambda: torch_fn(xa, xb), budget) if torch is not None else None
            row(f"{name} {size}", dtype, ours, theirs, torch_time, width=26)


def row(label: str, dtype: str, ours: float, theirs: float, torch_time: float | None, width: int = 20) -> None:
    vs_torch = f"{torch_time / ours:.2f}x" if torch_time else "n/a"
    print(f"{label:<{width}} {dtype:<8} {fmt(ours):>10} {fmt(theirs):>10} {fmt(torch_time):>10} "
          f"{theirs / ours:>8.2f}x {vs_torch:>9}")


if __name__ == "__main__":
    main()
