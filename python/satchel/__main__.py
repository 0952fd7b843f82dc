"""``python -m satchel demo [X Y] [--dtype D ...] [--device cpu]``: the seed program on units."""

from __future__ import annotations

import argparse
import sys

from . import _registry
from .seed import DATA, app


def demo(args: argparse.Namespace) -> int:
    device = args.device
    if args.dtype:
        dtypes = args.dtype
    else:  # every built numeric unit: the seed's numbers are not booleans
        dtypes = [u.split(".", 1)[1] for u in _registry.units(device)]
        dtypes = [d for d in dtypes if d != "bool"]
    if not dtypes:
        print(f"no units built for device {device}", file=sys.stderr)
        return 1
    failed = False
    for dtype in dtypes:
        try:
            T = _registry.unit(dtype, device)
            print(f"satchel.{device}.{dtype}: {app(T, args.x, args.y)}")
        except (OSError, ValueError, LookupError, RuntimeError) as e:  # RuntimeError: satchel.cuda.CudaError
            print(f"satchel.{device}.{dtype}: error: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m satchel")
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run the seed program (dot(x, y) + sumall(x)) on units")
    d.add_argument("x", nargs="?", default=str(DATA / "x"), help="text file of 10 numbers (default: 1..10)")
    d.add_argument("y", nargs="?", default=str(DATA / "y"), help="text file of 10 numbers (default: 1..10)")
    d.add_argument("--dtype", action="append", help="a dtype to run on (repeatable; default: every built one)")
    d.add_argument("--device", default="cpu", help="the device of the units (default: cpu)")
    args = parser.parse_args(argv)
    return demo(args)


if __name__ == "__main__":
    sys.exit(main())
