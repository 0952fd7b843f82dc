"""Times satchel against NumPy and PyTorch on dot, sumall, add, add in place, exp, log and tanh.

    PYTHONPATH=python python benchmarks/run.py [--quick] [--dtypes float32,int32] [--sizes 1,1e6]

One process: a memory-bandwidth probe, the timing table, the per-call overhead of
element and view access, ops on strided views, exp, log and tanh in place, and
the rounding error of a float32 sumall of 10^7 numbers; then a child process
with satchel pinned to one OpenMP thread times big ops run by one Python thread
against two, to show the GIL is released.
benchmarks/README.md explains the columns.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import operator
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

import satchel

DEFAULT_DTYPES = ("float32", "float64", "int32", "int64", "float16")
DEFAULT_SIZES = (1, 10, 100, 10**4, 10**6, 10**7)
HUGE_SIZE = 10**8  # added for float32 only, unless --quick
QUICK_SIZES = (1, 100, 10**4, 10**6)
BIG_SIZE = 10**6  # from here on the table shows GB/s
ERROR_SIZE = 10**7
PROBE_BYTES = 2**29  # per array; well past the last-level cache
TORCH_THREADS = 2
LIB_NAMES = ("satchel", "numpy", "torch")
MIN_REPEATS, MAX_REPEATS = 3, 7
THREAD_SIZE = 10**7  # float32 elements per tensor in the two-thread section
THREAD_OPS = ("add_", "sumall", "exp")
THREAD_TARGET_S, QUICK_THREAD_TARGET_S = 0.4, 0.15  # one thread's calls last about this long, per round
THREAD_ROUNDS = 3  # the section reports medians over rounds
THREADS_CHILD = "--threads-child"  # hidden flag: run only the two-thread section, in this process


@dataclass(frozen=True)
class Op:
    name: str
    arity: int  # tensors it reads
    traffic: int  # elements read plus written, per element of the input
    floating_only: bool = False


OPS = (
    Op("dot", arity=2, traffic=2),
    Op("sumall", arity=1, traffic=1),
    Op("add", arity=2, traffic=3),  # z = x + y, a new tensor
    Op("add_", arity=2, traffic=3),  # x += y
    Op("exp", arity=1, traffic=2, floating_only=True),
    Op("log", arity=1, traffic=2, floating_only=True),
    Op("tanh", arity=1, traffic=2, floating_only=True),
)


@dataclass(frozen=True)
class Budget:
    """How long to time one (library, op, dtype, size): timeit's autorange, then repeats."""

    min_batch_s: float  # loop a call until one batch takes at least this long
    target_s: float  # aim for this much time over all repeats


FULL_BUDGET = Budget(min_batch_s=0.02, target_s=0.15)
QUICK_BUDGET = Budget(min_batch_s=0.004, target_s=0.025)


# ---- libraries ----------------------------------------------------------------


# Element and view access: label -> how to build the call on a library's tensor t.
Access = dict[str, Callable[[Any], Callable[[], Any]]]


@dataclass
class Library:
    """One library under test: how it copies a NumPy array in and spells each op."""

    name: str
    convert: Callable[[np.ndarray], Any]
    function: Callable[[str, str], Callable[..., Any] | None]  # (op, dtype) -> callable
    access: Access


def satchel_function(op: str, dtype: str) -> Callable[..., Any] | None:
    unit = satchel.unit(dtype)
    return {
        "dot": unit.dot,
        "sumall": unit.sumall,
        "add": operator.add,
        "add_": operator.iadd,
        "exp": getattr(unit, "exp", None),
        "log": getattr(unit, "log", None),
        "tanh": getattr(unit, "tanh", None),
    }[op]


def numpy_function(op: str, dtype: str) -> Callable[..., Any]:
    functions: dict[str, Callable[..., Any]] = {"dot": np.dot, "sumall": np.sum, "add": operator.add,
                                                "add_": operator.iadd, "exp": np.exp, "log": np.log, "tanh": np.tanh}
    return functions[op]


def torch_function(torch: Any, op: str, dtype: str) -> Callable[..., Any]:
    return {"dot": torch.dot, "sumall": torch.sum, "add": operator.add, "add_": operator.iadd, "exp": torch.exp,
            "log": torch.log, "tanh": torch.tanh}[op]


COMMON_ACCESS: Access = {
    "t.shape": lambda t: partial(getattr, t, "shape"),
    "t[3] (element)": lambda t: partial(operator.getitem, t, 3),
    "t.item() (1 element)": lambda t: t.item,
    "t[2:8] (view)": lambda t: partial(operator.getitem, t, slice(2, 8)),
}
NARROW = "t.narrow(0, 2, 6) (view)"
AS_NUMPY = "np.asarray(t) (zero-copy)"
SATCHEL_ACCESS: Access = {**COMMON_ACCESS, NARROW: lambda t: partial(t.narrow, 0, 2, 6),
                          AS_NUMPY: lambda t: partial(np.asarray, t)}
NUMPY_ACCESS: Access = {**COMMON_ACCESS, AS_NUMPY: lambda t: partial(np.asarray, t)}
TORCH_ACCESS: Access = {**COMMON_ACCESS, NARROW: lambda t: partial(t.narrow, 0, 2, 6), AS_NUMPY: lambda t: t.numpy}


def core_libraries() -> list[Library]:
    """satchel and NumPy, which every section times."""
    return [
        Library("satchel", lambda a: satchel.unit(a.dtype.name).tensor(a), satchel_function, SATCHEL_ACCESS),
        Library("numpy", np.copy, numpy_function, NUMPY_ACCESS),
    ]


def load_libraries() -> tuple[list[Library], str | None]:
    """satchel, NumPy and, when importable, PyTorch; plus why PyTorch is missing."""
    libs = core_libraries()
    try:
        import torch
    except ImportError as e:
        return libs, f"PyTorch not importable ({e}); its columns are empty"
    torch.set_num_threads(TORCH_THREADS)
    libs.append(Library("torch", lambda a: torch.from_numpy(a.copy()), partial(torch_function, torch),
                        TORCH_ACCESS))
    return libs, None


# ---- timing -------------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batch_time(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in itertools.repeat(None, number):
        fn()
    return time.perf_counter() - start


def calibrate(fn: Callable[[], Any], min_batch_s: float) -> tuple[int, float]:
    """Calls per batch (1, 2, 5, 10, 20, ...) so a batch lasts min_batch_s; warms fn up."""
    for number in (m * 10**e for e in itertools.count() for m in (1, 2, 5)):
        elapsed = batch_time(fn, number)
        if elapsed >= min_batch_s:
            return number, elapsed
    raise AssertionError("unreachable")


def time_per_call(fn: Callable[[], Any], budget: Budget) -> float:
    """Median seconds per call of fn over several batches; fn has been called already."""
    with gc_paused():
        number, elapsed = calibrate(fn, budget.min_batch_s)
        repeats = min(MAX_REPEATS, max(MIN_REPEATS, int(budget.target_s / elapsed)))
        return statistics.median(batch_time(fn, number) / number for _ in range(repeats))


def run_in_threads(calls: Sequence[Callable[[], Any]], calls_each: int) -> tuple[float, float]:
    """Wall and CPU seconds (all threads of the process) for each of calls run calls_each times in
    a Python thread of its own; a barrier starts them together."""
    start = threading.Barrier(len(calls) + 1)

    def work(call: Callable[[], Any]) -> None:
        start.wait()
        for _ in itertools.repeat(None, calls_each):
            call()

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    start.wait()
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    return time.perf_counter() - wall, time.process_time() - cpu


def first_call(fn: Callable[[], Any]) -> str | None:
    """Runs fn once as a warm-up; the reason when the library cannot do it."""
    try:
        fn()
    except (TypeError, AttributeError, NotImplementedError, RuntimeError, ValueError) as e:
        return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return None


# ---- inputs -------------------------------------------------------------------


def random_array(rng: np.random.Generator, dtype: str, n: int) -> np.ndarray:
    """n numbers: uniform in [0, 1) for floating dtypes, integers in [0, 100) otherwise."""
    kind = np.dtype(dtype)
    if kind.kind == "f":
        draw_as = kind if kind.itemsize >= 4 else np.dtype(np.float32)
        return rng.random(n, dtype=draw_as).astype(kind, copy=False)
    return rng.integers(0, 100, n, dtype=kind)


# ---- formatting ---------------------------------------------------------------


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None:
        return "-"
    return f"{numerator / denominator:.2f}"


def format_rate(bytes_moved: int, seconds: float | None) -> str:
    return "-" if seconds is None else f"{bytes_moved / seconds / 1e9:.1f}"


def format_size(n: int) -> str:
    exponent = round(math.log10(n)) if n > 0 else 0
    return f"1e{exponent}" if n >= 10**4 and n == 10**exponent else str(n)


def print_row(cells: Sequence[str], widths: Sequence[int]) -> None:
    print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))), flush=True)


# ---- sections -----------------------------------------------------------------


def print_environment(libs: list[Library], torch_note: str | None) -> None:
    print(f"Python {platform.python_version()}, NumPy {np.__version__}", end="")
    torch_lib = next((lib for lib in libs if lib.name == "torch"), None)
    if torch_lib is not None:
        import torch

        print(f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)", end="")
    print(f"; {os.cpu_count()} CPUs; satchel OpenMP threads: {os.environ.get('OMP_NUM_THREADS', 'default (all)')}")
    print(f"Load average at start (1 min): {os.getloadavg()[0]:.2f}; anything else running skews the numbers")
    if torch_note:
        print(torch_note)


def measure_bandwidth() -> float:
    """GB/s of a single-threaded NumPy copy between two big arrays (bytes read + written)."""
    src = np.ones(PROBE_BYTES // 8, dtype=np.float64)
    dst = np.empty_like(src)
    copy = partial(np.copyto, dst, src)
    copy()
    with gc_paused():
        seconds = statistics.median(batch_time(copy, 1) for _ in range(5))
    return 2 * src.nbytes / seconds / 1e9


def sizes_for(dtype: str, args: argparse.Namespace) -> tuple[int, ...]:
    if args.sizes:
        return args.sizes
    if args.quick:
        return QUICK_SIZES
    return DEFAULT_SIZES + ((HUGE_SIZE,) if dtype == "float32" else ())


def time_op(lib: Library, op: Op, dtype: str, inputs: Sequence[np.ndarray], budget: Budget,
            notes: dict[str, str]) -> float | None:
    """Seconds per call of op in lib on its own copy of inputs; None (and a note) when unsupported."""
    try:
        function = lib.function(op.name, dtype)
        args = [lib.convert(a) for a in inputs[: op.arity]]
    except (satchel.UnitNotFound, TypeError, ValueError) as e:
        notes[f"{lib.name} {op.name} {dtype}"] = f"{type(e).__name__}: {e}"
        return None
    if function is None:
        notes[f"{lib.name} {op.name} {dtype}"] = "no such op"
        return None
    call = partial(function, *args)
    problem = first_call(call)
    if problem:
        notes[f"{lib.name} {op.name} {dtype}"] = problem
        return None
    return time_per_call(call, budget)


def run_table(libs: list[Library], args: argparse.Namespace, budget: Budget) -> None:
    header = (["op", "dtype", "n"] + [f"{name} /call" for name in LIB_NAMES]
              + ["numpy/sat", "torch/sat", "GB/s sat", "GB/s np", "GB/s torch"])
    widths = [6, 7, 5, 13, 11, 11, 9, 9, 8, 7, 10]
    print_row(header, widths)
    notes: dict[str, str] = {}
    rng = np.random.default_rng(0)
    for dtype in args.dtypes:
        itemsize = np.dtype(dtype).itemsize
        for n in sizes_for(dtype, args):
            inputs = [random_array(rng, dtype, n) for _ in range(2)]
            for op in OPS:
                if op.floating_only and np.dtype(dtype).kind != "f":
                    continue
                times = {lib.name: time_op(lib, op, dtype, inputs, budget, notes) for lib in libs}
                sat, np_, torch_ = (times.get(name) for name in LIB_NAMES)
                moved = op.traffic * n * itemsize
                rates = [format_rate(moved, t) if n >= BIG_SIZE else "" for t in (sat, np_, torch_)]
                print_row([op.name, dtype, format_size(n)] + [format_time(t) for t in (sat, np_, torch_)]
                          + [format_ratio(np_, sat), format_ratio(torch_, sat)] + rates, widths)
            del inputs
    for where, why in notes.items():
        print(f"  n/a: {where}: {why}")


def access_time(lib: Library | None, label: str, size: int, budget: Budget) -> str:
    """Per-call time of one access on a float32 tensor of size elements, or n/a."""
    if lib is None or label not in lib.access:
        return "n/a"
    t = lib.convert(np.arange(size, dtype=np.float32))
    try:
        call = lib.access[label](t)
    except AttributeError:
        return "n/a"
    return "n/a" if first_call(call) else format_time(time_per_call(call, budget))


def run_access(libs: list[Library], budget: Budget) -> None:
    """Per-call cost of element and view access on a small float32 tensor."""
    print("\nElement and view access on a 10-element float32 tensor, per call (n/a: no such access)")
    widths = [28, 11, 11, 11]
    print_row(["access"] + list(LIB_NAMES), widths)
    by_name = {lib.name: lib for lib in libs}
    for label in dict.fromkeys(label for lib in libs for label in lib.access):
        size = 1 if "1 element" in label else 10
        print_row([label] + [access_time(by_name.get(name), label, size, budget) for name in LIB_NAMES], widths)


# Strided views: label -> how a library makes the call from its (side x side)
# tensors x and y, its transpose (NumPy's a.T, the others' t.t()) and its ops.
STRIDED_SIDE = 2000
Strided = Callable[[Any, Any, Callable[[Any], Any], Callable[[str], Any]], Callable[[], Any]]
STRIDED: dict[str, Strided] = {
    "x.T + y.T (new tensor)": lambda x, y, t, op: partial(operator.add, t(x), t(y)),
    "x.T + y (new tensor)": lambda x, y, t, op: partial(operator.add, t(x), y),
    "x.T += y.T (in place)": lambda x, y, t, op: partial(operator.iadd, t(x), t(y)),
    "sumall(x.T)": lambda x, y, t, op: partial(op("sumall"), t(x)),
    "sumall(x[::2]) (stepped rows)": lambda x, y, t, op: partial(op("sumall"), x[::2]),
    "x[:, ::3] * 2 (stepped columns)": lambda x, y, t, op: partial(operator.mul, x[:, ::3], 2),
}
TRANSPOSE: dict[str, Callable[[Any], Any]] = {"numpy": lambda a: a.T}


def run_strided(libs: list[Library], budget: Budget) -> None:
    """Ops on transposed and stepped views, which the layout code collapses and orders."""
    side = STRIDED_SIDE
    print(f"\nStrided views of float32 tensors x, y of {side}x{side}, per call (ratios > 1: satchel faster)")
    widths = [31, 11, 11, 11, 9, 9]
    print_row(["call", *LIB_NAMES, "numpy/sat", "torch/sat"], widths)
    rng = np.random.default_rng(4)
    arrays = [random_array(rng, "float32", side * side).reshape(side, side) for _ in range(2)]
    for label, make in STRIDED.items():
        times: dict[str, float | None] = {}
        for lib in libs:
            ops = partial(lambda lib, name: lib.function(name, "float32"), lib)
            call = make(lib.convert(arrays[0]), lib.convert(arrays[1]), TRANSPOSE.get(lib.name, lambda v: v.t()), ops)
            times[lib.name] = None if first_call(call) else time_per_call(call, budget)
        sat, np_, torch_ = (times.get(name) for name in LIB_NAMES)
        print_row([label] + [format_time(t) for t in (sat, np_, torch_)]
                  + [format_ratio(np_, sat), format_ratio(torch_, sat)], widths)


# Unary math in place: each call copies fresh inputs into the tensor, then applies
# the function to it in place; the copy alone is timed too and taken off, so no
# library pays for an allocation (at 10^7 float32, PyTorch's fresh results cost
# page faults that hide its arithmetic).
INPLACE_SIZE = 10**6
INPLACE_DTYPES = ("float16", "float32", "float64")
INPLACE_INPUTS: dict[str, tuple[float, float]] = {"exp": (-2.0, 2.0), "log": (0.1, 4.0), "tanh": (-2.0, 2.0)}
COPY: dict[str, Callable[[Any, Any], Any]] = {
    "satchel": lambda dst, src: dst.copy_(src), "numpy": np.copyto, "torch": lambda dst, src: dst.copy_(src)}
IN_PLACE: dict[str, Callable[[Any, str], Any]] = {
    "satchel": lambda t, f: getattr(t, f + "_")(), "numpy": lambda a, f: getattr(np, f)(a, out=a),
    "torch": lambda t, f: getattr(t, f + "_")()}


def inplace_math_time(lib: Library, name: str, source: np.ndarray, budget: Budget) -> float | None:
    """Seconds per in-place call of name on a copy of source, the copy's own time taken off."""
    dst, src = lib.convert(source.copy()), lib.convert(source)
    copy = partial(COPY[lib.name], dst, src)
    both = partial(lambda: (copy(), IN_PLACE[lib.name](dst, name)))
    if first_call(both):
        return None
    return max(time_per_call(both, budget) - time_per_call(copy, budget), 0.0) or None


def run_inplace_math(libs: list[Library], args: argparse.Namespace, budget: Budget) -> None:
    """exp, log and tanh in place: the arithmetic, without any allocation."""
    n = INPLACE_SIZE
    print(f"\nUnary math in place on {format_size(n)} elements, per call, the copy of fresh inputs taken off "
          "(ratios > 1: satchel faster)")
    widths = [5, 7, 11, 11, 11, 9, 9]
    print_row(["op", "dtype", *LIB_NAMES, "numpy/sat", "torch/sat"], widths)
    rng = np.random.default_rng(5)
    for dtype in (d for d in args.dtypes if d in INPLACE_DTYPES):
        for name, (lo, hi) in INPLACE_INPUTS.items():
            source = rng.uniform(lo, hi, n).astype(dtype)
            times = {lib.name: inplace_math_time(lib, name, source, budget) for lib in libs}
            sat, np_, torch_ = (times.get(lib) for lib in LIB_NAMES)
            print_row([name, dtype] + [format_time(t) for t in (sat, np_, torch_)]
                      + [format_ratio(np_, sat), format_ratio(torch_, sat)], widths)


def run_sum_error(libs: list[Library]) -> None:
    """Relative error of a float32 sumall of ERROR_SIZE uniform numbers against math.fsum."""
    print(f"\nfloat32 sumall of {format_size(ERROR_SIZE)} uniform [0, 1) numbers vs math.fsum")
    a = np.random.default_rng(1).random(ERROR_SIZE, dtype=np.float32)
    exact = math.fsum(a.tolist())
    print(f"  exact (math.fsum)  {exact!r}")
    for lib in libs:
        sumall = lib.function("sumall", "float32")
        assert sumall is not None
        total = float(sumall(lib.convert(a)))
        print(f"  {lib.name:<17}  {total!r:<22} relative error {abs(total - exact) / exact:.2e}")


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Split:
    """Median (wall, CPU) seconds of one op's calls: (a) all in one thread, (b) half in each of two."""

    calls: int
    one: tuple[float, float]
    two: tuple[float, float]


def medians(runs: Sequence[tuple[float, float]]) -> tuple[float, float]:
    walls, cpus = zip(*runs)
    return statistics.median(walls), statistics.median(cpus)


def time_thread_split(lib: Library, op: Op, inputs: Sequence[Sequence[np.ndarray]], target_s: float,
                      ) -> Split | str:
    """An even number of calls of op, about target_s long in one Python thread, made by one thread
    and split between two, each thread on its own copy of its own inputs; or why lib cannot run op."""
    function = lib.function(op.name, "float32")
    if function is None:
        return "no such op"
    bound = [partial(function, *[lib.convert(a) for a in own[: op.arity]]) for own in inputs]
    problem = first_call(bound[0])
    if problem:
        return problem
    run_in_threads(bound, 1)  # warm-up: both threads' results allocated once
    per_call = statistics.median(batch_time(bound[0], 1) for _ in range(3))
    calls = 2 * max(1, math.ceil(target_s / per_call / 2))
    one, two = [], []
    with gc_paused():
        for _ in range(THREAD_ROUNDS):  # interleaved, so a burst of outside load hits both alike
            one.append(run_in_threads(bound[:1], calls))
            two.append(run_in_threads(bound, calls // 2))
    return Split(calls, medians(one), medians(two))


def run_threads_child(args: argparse.Namespace) -> None:
    """The two-thread section; runs in a child whose OMP_NUM_THREADS=1, so a speedup can only come
    from two Python threads computing at once, that is from the GIL being released."""
    target_s = QUICK_THREAD_TARGET_S if args.quick else THREAD_TARGET_S
    print(f"\nTwo Python threads: K calls of an op on float32 tensors of {format_size(THREAD_SIZE)} elements, "
          "(a) all in one thread, (b) K/2 in each of two threads on their own tensors")
    print(f"satchel OpenMP threads: {os.environ.get('OMP_NUM_THREADS', 'default (all)')}; "
          f"{usable_cpus()} CPUs usable; load average now (1 min) {os.getloadavg()[0]:.2f}; "
          f"median of {THREAD_ROUNDS} rounds")
    rng = np.random.default_rng(2)
    inputs = [[random_array(rng, "float32", THREAD_SIZE) for _ in range(2)] for _ in range(2)]  # per thread
    widths = [6, 7, 4, 10, 10, 7, 10, 10]
    print_row(["op", "library", "K", "1 thread", "2 threads", "speedup", "cpu/wall 1", "cpu/wall 2"], widths)
    notes: dict[str, str] = {}
    for op in (op for op in OPS if op.name in THREAD_OPS):
        for lib in core_libraries():
            result = time_thread_split(lib, op, inputs, target_s)
            if isinstance(result, str):
                notes[f"{lib.name} {op.name}"] = result
                print_row([op.name, lib.name, "-"] + ["n/a"] * 5, widths)
                continue
            (wall1, cpu1), (wall2, cpu2) = result.one, result.two
            print_row([op.name, lib.name, str(result.calls), format_time(wall1), format_time(wall2),
                       format_ratio(wall1, wall2), format_ratio(cpu1, wall1), format_ratio(cpu2, wall2)], widths)
    for where, why in notes.items():
        print(f"  n/a: {where}: {why}")


def run_threads(args: argparse.Namespace) -> None:
    """Runs the two-thread section in a child process: OpenMP reads OMP_NUM_THREADS once, when
    the library loads, and this process has loaded satchel with all threads."""
    command = [sys.executable, os.path.abspath(__file__), THREADS_CHILD] + (["--quick"] if args.quick else [])
    sys.stdout.flush()
    child = subprocess.run(command, env={**os.environ, "OMP_NUM_THREADS": "1"}, check=False)
    if child.returncode:
        print(f"  the two-thread section failed: its process exited with status {child.returncode}")


# ---- main ---------------------------------------------------------------------


def parse_size(text: str) -> int:
    value = float(text)
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"not a positive whole size: {text}")
    return int(value)


def parse_dtypes(text: str) -> tuple[str, ...]:
    dtypes = tuple(text.split(","))
    for dtype in dtypes:
        try:
            numeric = np.dtype(dtype).kind in "fiu"
        except TypeError:
            numeric = False
        if not numeric:
            raise argparse.ArgumentTypeError(f"not a numeric dtype: {dtype}")
    return dtypes


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and shorter timing (under 30 s)")
    parser.add_argument("--dtypes", type=parse_dtypes, default=DEFAULT_DTYPES,
                        help=f"comma-separated dtypes (default {','.join(DEFAULT_DTYPES)})")
    parser.add_argument("--sizes", type=lambda s: tuple(parse_size(x) for x in s.split(",")), default=None,
                        help="comma-separated element counts, e.g. 1,100,1e6 (default: "
                             f"{','.join(map(format_size, DEFAULT_SIZES))}, and 1e8 for float32)")
    parser.add_argument(THREADS_CHILD, action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> None:
    args = parse_args(argv)
    if args.threads_child:
        run_threads_child(args)
        return
    budget = QUICK_BUDGET if args.quick else FULL_BUDGET
    start = time.perf_counter()
    libs, torch_note = load_libraries()
    print_environment(libs, torch_note)
    print(f"Memory bandwidth probe (NumPy copy of {PROBE_BYTES >> 20} MiB, 1 thread): "
          f"{measure_bandwidth():.1f} GB/s\n")
    with np.errstate(all="ignore"):  # NumPy's float16 dot and sum overflow to inf at large n
        run_table(libs, args, budget)
    run_access(libs, budget)
    run_strided(libs, budget)
    with np.errstate(all="ignore"):  # NumPy's float16 exp overflows where the inputs say
        run_inplace_math(libs, args, budget)
    run_sum_error(libs)
    run_threads(args)
    print(f"\nTotal time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
