"""Which file gets which text: renders the templates for the whole spec and
writes them under generated/, touching only files whose content changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from .api import HEADER, Unit, conformances, result_dtypes, signature_protocols, unit_code, units
from .model import Spec


def environment(templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render_all(spec: Spec, templates: Path) -> dict[str, str]:
    """Every generated file, by path relative to generated/."""
    env = environment(templates)
    all_units = units(spec)
    files: dict[str, str] = {}

    def add(path: str, template: str, **context: object) -> None:
        if path in files:
            raise RuntimeError(f"generator bug: {path} is produced twice")
        files[path] = env.get_template(template).render(header=HEADER, **context)

    for unit in all_units:
        code = unit_code(spec, unit)
        add(f"{unit.device.name}/{unit.dtype.name}/unit.cpp", "unit.cpp.j2", unit=unit, code=code)
        if code.kernels_header:  # kernels compiled apart, by nvcc
            add(f"{unit.device.name}/{unit.dtype.name}/kernels.cu", "unit_kernels.cu.j2", unit=unit, code=code)
        add(f"python/_units/{unit.module}.pyi", "unit.pyi.j2", unit=unit)
    # generated/python/ is laid out as the package: satchel.<device> beside
    # satchel/__init__.py, stubs and tables beside the units in satchel/_units/.
    devices = [d.name for d in spec.types.devices]
    for device in spec.types.devices:
        device_units = [u for u in all_units if u.device == device]
        add(f"python/{device.name}.py", "device.py.j2", device=device)
        add(f"python/{device.name}.pyi", "device.pyi.j2", device=device, units=device_units)
    add("python/_units/exports.py", "exports.py.j2", devices=devices)
    add("python/_units/exports.pyi", "exports.pyi.j2", devices=devices, units=all_units)
    add("python/_units/signatures.py", "signatures.py.j2", protocols=signature_protocols(spec),
        result_dtypes=result_dtypes(spec))
    add("python/_units/check_signatures.py", "check_signatures.py.j2", conformances=conformances(spec))
    add("python/_units/registry.py", "registry.py.j2", units=all_units)
    add("units.cmake", "units.cmake.j2", units=all_units)
    add("docs/ops.md", "ops.md.j2", spec=spec, units=all_units)
    return files


@dataclass
class Changes:
    written: list[str]
    removed: list[str]
    stale: list[str]  # in check mode: what would be written or removed


def sync(files: dict[str, str], out: Path, check: bool) -> Changes:
    """Make ``out`` hold exactly ``files``; in check mode only report what differs."""
    changes = Changes([], [], [])
    for rel, text in sorted(files.items()):
        path = out / rel
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current == text:
            continue
        if check:
            changes.stale.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        changes.written.append(rel)
    if out.exists():
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            rel = path.relative_to(out).as_posix()
            if rel not in files:
                if check:
                    changes.stale.append(rel)
                else:
                    path.unlink()
                    changes.removed.append(rel)
    return changes


__all__ = ["Changes", "Unit", "render_all", "sync"]
