"""``python -m satchel.codegen [--check] [--root DIR]``: regenerate generated/."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .emit import render_all, sync
from .model import load_spec
from .yamlload import SpecError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m satchel.codegen", description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail listing the files that differ from the spec")
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="the repository, holding spec/ and templates/ (default: the current directory)")
    parser.add_argument("--quiet", action="store_true", help="print nothing when successful")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        spec = load_spec(args.root)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    files = render_all(spec, args.root / "templates")
    changes = sync(files, args.root / "generated", check=args.check)
    elapsed = time.perf_counter() - start
    if args.check:
        if changes.stale:
            print("generated/ is stale; run python -m satchel.codegen. Differing files:", file=sys.stderr)
            for rel in changes.stale:
                print(f"  generated/{rel}", file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"generated/ matches the spec ({len(files)} files, {elapsed:.2f} s)")
        return 0
    if not args.quiet:
        print(f"{len(files)} files, {len(changes.written)} written, {len(changes.removed)} removed "
              f"({elapsed:.2f} s)")
        for rel in changes.written:
            print(f"  wrote generated/{rel}")
        for rel in changes.removed:
            print(f"  removed generated/{rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
