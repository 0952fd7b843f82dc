"""Which file gets which text: renders the templates for the whole spec and
writes them under generated/, touching only files whose content changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from .cpp import HEADER, dtype_traits, units
from .files import unit_files
from .model import Spec
from .protocols import conformances, signature_protocols, tensor_params
from .stubs import doc_of, unit_stub


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = repr
    return env


def docs(spec: Spec) -> list[tuple[str, str]]:
    """Every function's docstring by name, as the units bind them."""
    out = []
    for op in spec.ops:
        for sig in [op.sig] + ([op.inplace_sig()] if op.inplace else []):
            out.append((sig.name, doc_of(op, sig)))
    return out


def render_all(spec: Spec, templates: Path) -> dict[str, str]:
    """Every generated file, by path relative to generated/."""
    env = environment(templates)
    all_units = units(spec)
    all_files = [unit_files(spec, u) for u in all_units]
    files: dict[str, str] = {}

    def add(path: str, template: str, **context: object) -> None:
        if path in files:
            raise RuntimeError(f"generator bug: {path} is produced twice")
        files[path] = env.get_template(template).render(header=HEADER, **context)

    for unit_files_ in all_files:
        unit = unit_files_.unit
        for source in unit_files_.sources():
            add(source.path, source.template, unit=unit, files=unit_files_, shard=source.shard)
        add(f"python/_units/{unit.module}.pyi", "unit.pyi.j2", unit=unit, stub=unit_stub(unit, spec.types))
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
        tensor_params=tensor_params(spec))
    add("python/_units/check_signatures.py", "check_signatures.py.j2", conformances=conformances(spec))
    add("python/_units/registry.py", "registry.py.j2", units=all_units)
    add("python/_units/docs.py", "docs.py.j2", docs=docs(spec))
    add("include/satchel/dtypes.h", "dtypes.h.j2", traits=dtype_traits(spec))
    add("units.cmake", "units.cmake.j2", files=all_files)
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


__all__ = ["Changes", "render_all", "sync"]
