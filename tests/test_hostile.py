"""Every op of every unit, called with hostile arguments derived from the spec
(hostile_calls.py), in a child process: only documented exceptions, never a crash.
Ops added to the spec are covered without edits here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import Unit

HERE = Path(__file__).resolve().parent


def test_every_op_survives_hostile_arguments(u: Unit, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(sys.modules["satchel"].__file__).parents[1]),
                                                    env.get("PYTHONPATH")) if p)
    # (in a scratch directory: write1d_file is among the ops)
    child = subprocess.run([sys.executable, str(HERE / "hostile_calls.py"), u.name], capture_output=True, text=True,
                           cwd=tmp_path, env=env, timeout=300, check=False)
    assert child.returncode == 0, f"{u.name}: exit status {child.returncode}\n{child.stderr[-4000:]}"
    report = json.loads(child.stdout.splitlines()[-1])
    assert report["calls"] > 1000 and not report["undocumented"], report["undocumented"][:20]

