"""The CUDA units on a machine with a GPU: their tests, then memory bandwidth.

    python benchmarks/cuda.py [--no-tests] [--dtype float32 ...] [--elements N ...]
    (PYTHONPATH=python python benchmarks/cuda.py after an in-tree cmake build)

1. Runs tests/test_cuda.py (each op of each CUDA unit against the CPU unit of its
   dtype, the natives, host <-> device copies, the runtime); stops if they fail.
2. Times add (reads 2 tensors, writes 1), sumall (reads 1) and dot (reads 2) on
   tensors of N elements (default 1, 2^20 and 2^28: the cost of a call, of a
   mid-sized one, and 1 GiB of float32 per tensor) and gives each
   one's bandwidth as a fraction of the device's peak (memory clock x bus width x
   2), beside copy_ (reads 1, writes 1) as what an elementwise kernel can reach,
   and, where PyTorch with CUDA is installed, PyTorch's time for the same call on
   the same device in the same run (torch/sat > 1: satchel faster).

Prints one table; --json FILE also writes the numbers. Exits 0 after printing the
reason when no GPU can be used, 1 when the tests fail.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import satchel

ROOT = Path(__file__).resolve().parents[1]
ITEMSIZE = {"bool": 1, "uint8": 1, "int8": 1, "int16": 2, "int32": 4, "int64": 8, "float16": 2, "float32": 4,
            "float64": 8}


def run_tests() -> int:
    print("== tests/test_cuda.py", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", str(ROOT / "tests/test_cuda.py"), "-q", "-rs"],
                           cwd=ROOT)


def seconds_per_call(fn: Any, repeat: int, synchronize: Any) -> float:
    """Best of three rounds of `repeat` calls, each round timed until the device has
    run them all (synchronize() waits for it)."""
    fn()  # warm up: the first call loads kernels and fills the allocator's cache
    synchronize()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        synchronize()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def torch_cuda() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch if torch.cuda.is_available() else None


def torch_seconds(torch: Any, dtype: str, n: int, repeat: int) -> dict[str, float]:
    """PyTorch's time for the same calls; sums and dots accumulate in the tensor's dtype
    there except for integers (int64), so its figures are for the cheaper job."""
    tdtype = getattr(torch, dtype)
    x = torch.ones(n, dtype=tdtype, device="cuda")
    y = torch.ones(n, dtype=tdtype, device="cuda")
    out = torch.empty(n, dtype=tdtype, device="cuda")

    def timed(fn: Any) -> float:
        return seconds_per_call(fn, repeat, torch.cuda.synchronize)

    dot = (lambda: torch.dot(x, y).item()) if dtype.startswith("float") else (lambda: (x * y).sum().item())
    times = {"copy_": timed(lambda: out.copy_(x)), "add": timed(lambda: torch.add(x, y)),
             "sumall": timed(lambda: x.sum().item()), "dot": timed(dot)}
    del x, y, out
    torch.cuda.empty_cache()
    return times


def bench(dtype: str, n: int, repeat: int, peak: float) -> list[dict[str, Any]]:
    T = satchel.unit(dtype, "cuda")
    item = ITEMSIZE[dtype]
    x = T.ones([n])
    y = T.ones([n])
    out = T.empty([n])
    cases = [
        ("copy_", lambda: out.copy_(x), 2),
        ("add", lambda: T.add(x, y), 3),
        ("sumall", lambda: T.sumall(x), 1),
        ("dot", lambda: T.dot(x, y), 2),
    ]
    rows = []
    for name, fn, tensors in cases:
        if name != "copy_" and not hasattr(T, name):  # e.g. bool units have no add
            continue
        t = seconds_per_call(fn, repeat, satchel.cuda.synchronize)
        bandwidth = tensors * n * item / t
        rows.append({"op": name, "dtype": dtype, "elements": n, "us": t * 1e6, "GB/s": bandwidth / 1e9,
                     "of_peak": bandwidth / peak if peak else None})
    del x, y, out
    satchel.cuda.empty_cache()
    torch = torch_cuda()
    if torch is not None and hasattr(torch, dtype):
        torch_times = torch_seconds(torch, dtype, n, repeat)
        for row in rows:
            row["torch_us"] = torch_times[row["op"]] * 1e6
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-tests", action="store_true", help="only the benchmarks")
    parser.add_argument("--dtype", action="append", help="dtypes to time (repeatable; default float32)")
    parser.add_argument("--elements", type=int, action="append",
                        help="elements per tensor (repeatable; default 1, 2^20 and 2^28)")
    parser.add_argument("--repeat", type=int, default=20,
                        help="calls per timing round (default 20; ten times as many below 2^24 elements)")
    parser.add_argument("--peak-gbps", type=float, help="the device's peak bandwidth, if the driver reports none")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    if not satchel.cuda.is_available():
        print(f"no CUDA device: {satchel.cuda.unavailable_reason()}")
        return 0
    if not args.no_tests and run_tests() != 0:
        print("tests/test_cuda.py failed; not timing", file=sys.stderr)
        return 1

    props = satchel.cuda.device_properties()
    peak = args.peak_gbps * 1e9 if args.peak_gbps else float(props["peak_bandwidth"])
    print(f"\n== {props['name']} (sm_{props['compute_capability'][0]}{props['compute_capability'][1]}, "
          f"{props['multiprocessors']} SMs, {props['total_memory'] / 2**30:.0f} GiB), "
          f"peak {peak / 1e9:.0f} GB/s ({props['memory_bus_width']}-bit bus at {props['memory_clock_khz'] / 1e6:.2f} GHz)")
    print(f"\n{'op':8} {'dtype':8} {'elements':>11} {'time (us)':>10} {'GB/s':>8} {'of peak':>8}"
          f" {'torch (us)':>10} {'torch/sat':>9}", flush=True)
    rows = []
    for dtype in args.dtype or ["float32"]:
        for n in args.elements or [1, 1 << 20, 1 << 28]:
            new = bench(dtype, n, args.repeat if n >= 1 << 24 else 10 * args.repeat, peak)
            rows += new
            for r in new:
                frac = f"{r['of_peak']:.0%}" if r["of_peak"] else "?"
                vs = f"{r['torch_us']:>10.1f} {r['torch_us'] / r['us']:>9.2f}" if "torch_us" in r else ""
                print(f"{r['op']:8} {r['dtype']:8} {r['elements']:>11} {r['us']:>10.1f} {r['GB/s']:>8.0f} {frac:>8} {vs}",
                      flush=True)
    if args.json:
        args.json.write_text(json.dumps({"device": props, "peak_bandwidth": peak, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
