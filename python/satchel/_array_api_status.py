"""Which names of the Array API standard satchel has: a table generated from the
standard's list as array-api-strict (its reference implementation) exports it.

    python -m satchel._array_api_status     # the Markdown table of README's section
"""

from __future__ import annotations

import sys

_STRICT_ONLY = {"Device", "set_array_api_strict_flags", "get_array_api_strict_flags",
                "reset_array_api_strict_flags", "ArrayAPIStrictFlags", "__version__", "fft", "linalg"}


def rows() -> list[tuple[str, str, bool]]:
    """(group, name, whether satchel has it) for every name of the standard, 2024.12."""
    import array_api_strict as xp

    import satchel

    xp.set_array_api_strict_flags(api_version="2024.12")
    out = []
    for name in xp.__all__:
        if name in _STRICT_ONLY:
            continue
        module = getattr(getattr(xp, name), "__module__", "") or ""
        group = module.rsplit(".", 1)[-1].lstrip("_").replace("_functions", "") if module.startswith(
            "array_api_strict._") and callable(getattr(xp, name)) and not isinstance(getattr(xp, name), type) \
            else "constants and dtypes"
        out.append((group, name, hasattr(satchel, name)))
    for ext in ("linalg", "fft"):
        for name in getattr(xp, ext).__all__:
            out.append((f"{ext} extension", name, hasattr(getattr(satchel, ext, None), name)))
    return sorted(out, key=lambda r: (r[0], r[1]))


def table() -> str:
    """The Markdown table: one row per group, with the names present and missing."""
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for group, name, has in rows():
        groups.setdefault(group, ([], []))[0 if has else 1].append(name)
    lines = ["| group | present | missing |", "| --- | --- | --- |"]
    for group, (present, missing) in groups.items():
        lines.append(f"| {group} ({len(present)}/{len(present) + len(missing)}) | "
                     f"{', '.join(f'`{n}`' for n in present) or '-'} | {', '.join(f'`{n}`' for n in missing) or '-'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
