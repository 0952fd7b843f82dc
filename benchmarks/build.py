"""What a build costs, from a clean clone: ``python benchmarks/build.py [--cuda] [--jobs N]``.

Clones the repository's committed HEAD into a temporary directory, then measures
with CMake and Ninja (the build ``pip install .`` drives):

- a clean build of every unit (CPU only, unless --cuda);
- the rebuild after adding one numeric pointwise op to spec/ops.yaml;
- the rebuild after editing one op's ``doc:``;
- the rebuild after touching one typed runtime header (pointwise.h) and one core
  source (core/views.cpp);
- the installed size of the units and the core;
- the marginal cost of one op on one unit and the fixed cost of a shard: a
  least-squares line through every shard's compile time in the clean build
  against the number of ops it holds.

Times are wall-clock seconds on this machine; the figures go into the notes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NEW_OP = """- op: cube
  doc: Elementwise self cubed (added by benchmarks/build.py).
  sig: cube(Tensor self) -> Tensor
  dtypes: numeric
  pointwise: self * self * self

"""


def run(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def ninja_times(build: Path) -> dict[str, float]:
    """Each output's compile time in seconds, from the latest run that built it."""
    out: dict[str, float] = {}
    for line in (build / ".ninja_log").read_text().splitlines()[1:]:
        start, end, _, path, _ = line.split("\t")
        out[path] = (int(end) - int(start)) / 1000
    return out


def shard_costs(times: dict[str, float], src: Path) -> tuple[float, float]:
    """(fixed, per op): the line through (ops in a shard, its compile time) over every shard."""
    points = []
    for path, seconds in times.items():
        if "/shard" in path and path.endswith(".cpp.o"):
            source = src / "generated" / path.split("/generated/", 1)[1].removesuffix(".o")
            ops = source.read_text().splitlines()[1].split(": ", 1)[1].rstrip(".").split(", ")
            points.append((len(ops), seconds))
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return my - slope * mx, slope


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cuda", action="store_true", help="build the CUDA units too (needs nvcc)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="parallel compile jobs (default: all cores)")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="satchel-build-"))
    src, build = work / "src", work / "build"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(src)], check=True)
    devices = "cpu;cuda" if args.cuda else "cpu"
    configure = ["cmake", "-G", "Ninja", "-S", str(src), "-B", str(build), f"-DSATCHEL_DEVICES={devices}",
                 f"-DPython_EXECUTABLE={sys.executable}"]
    ninja = ["ninja", "-C", str(build), f"-j{args.jobs}"]
    rows: list[tuple[str, str]] = []
    try:
        configured = run(configure, work)
        clean = run(ninja, work)
        rows.append(("configure", f"{configured:.1f} s"))
        rows.append((f"clean build ({devices.replace(';', ' + ')}, {args.jobs} jobs)", f"{clean:.1f} s"))
        before = ninja_times(build)

        ops = src / "spec/ops.yaml"
        text = ops.read_text()
        anchor = "# ---- floating-point math"
        ops.write_text(text.replace(anchor, NEW_OP + anchor, 1))
        added = run(ninja, work)
        after = ninja_times(build)
        rebuilt = [p for p in after if after[p] != before.get(p) and "/shard" in p and p.endswith(".o")]
        rows.append(("rebuild after adding one numeric pointwise op", f"{added:.1f} s ({len(rebuilt)} shards)"))
        fixed, per_op = shard_costs(before, src)
        rows.append(("compile cost of a shard", f"{fixed:.2f} s + {per_op:.2f} s per op it holds (least squares)"))

        ops.write_text(ops.read_text().replace("Elementwise hyperbolic tangent.", "The hyperbolic tangent.", 1))
        rows.append(("rebuild after editing one doc:", f"{run(ninja, work):.1f} s"))

        for header in ("cpp/satchel/pointwise.h", "cpp/satchel/core/views.cpp"):
            (src / header).touch()
            rows.append((f"rebuild after touching {header}", f"{run(ninja, work):.1f} s"))

        units = src / "python/satchel/_units"
        cpu = [p for p in units.glob("*.so") if p.name.startswith(("cpu_", "libsatchel_core"))]
        rows.append(("installed size of the CPU units and the core", f"{sum(p.stat().st_size for p in cpu) / 1e6:.2f} MB"
                     f" ({len(cpu)} files)"))
        if args.cuda:
            cuda = [p for p in units.glob("*.so") if p.name.startswith(("cuda_", "_cuda_runtime"))]
            rows.append(("installed size of the CUDA units", f"{sum(p.stat().st_size for p in cuda) / 1e6:.2f} MB"))
    finally:
        if args.keep:
            print(f"clone kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
