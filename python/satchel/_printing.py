"""Printing tensors the way TH did: the values, then a footer naming the unit."""

from __future__ import annotations

import math
from typing import Any


def _is_float(t: Any) -> bool:
    return str(t.dtype).startswith("float")


def _formatter(values: list[Any], floating: bool) -> tuple[str, Any]:
    """A common scale ("1e+05 *") and a function formatting one value, as TH chose them."""
    if not floating:
        width = max((len(str(int(v))) for v in values), default=1)
        return "", lambda v: str(int(v)).rjust(width)
    finite = [abs(v) for v in values if math.isfinite(v)]
    biggest = max(finite, default=0.0)
    smallest = min((v for v in finite if v != 0), default=0.0)
    all_ints = all(v == int(v) for v in values if math.isfinite(v))
    scale = ""
    factor = 1.0
    if all_ints and biggest < 1e8:
        fmt = "{:.0f}"
    elif biggest >= 1e5 or (smallest and smallest < 1e-4):
        exp = int(math.floor(math.log10(biggest))) if biggest else 0
        factor = 10.0 ** exp
        scale = f"{factor:.0e} *\n"
        fmt = "{:.4f}"
    else:
        fmt = "{:.4f}"

    def text(v: float) -> str:
        return fmt.format(v / factor) if math.isfinite(v) else str(v)

    width = max((len(text(v)) for v in values), default=1)
    return scale, lambda v: text(v).rjust(width)


def _flatten(x: Any) -> list[Any]:
    return [y for item in x for y in _flatten(item)] if isinstance(x, list) else [x]


def format_tensor(t: Any) -> str:
    cls = type(t)
    shape = t.shape
    footer = f"[satchel.{cls.device}.{cls.__name__} of size {'x'.join(map(str, shape)) or '()'}]"
    if cls.device != "cpu":  # the values through a host copy; the footer still names the device
        t = t.cpu()
    data = t.tolist()
    values = _flatten(data)
    if t.numel() == 0:
        return f"[{footer[1:-1]} with no elements]"
    scale, fmt = _formatter(values, _is_float(cls))
    if len(shape) == 0:
        return f"{scale}{fmt(values[0])}\n{footer}"
    lines: list[str] = []
    _emit(data, shape, (), fmt, scale, lines)
    return "\n".join(lines) + "\n" + footer


def _emit(data: Any, shape: tuple[int, ...], index: tuple[int, ...], fmt: Any, scale: str,
          lines: list[str]) -> None:
    """1-D: one value per line; 2-D: rows; more: one 2-D slice after another, TH's (i,j,.,.) headers."""
    if len(shape) == 1:
        if scale:
            lines.append(scale.rstrip("\n"))
        lines.extend(fmt(v) for v in data)
    elif len(shape) == 2:
        if scale:
            lines.append(scale.rstrip("\n"))
        lines.extend(" ".join(fmt(v) for v in row) for row in data)
    else:
        for i, sub in enumerate(data):
            if len(shape) == 3:
                lines.append(f"({','.join(map(str, index + (i + 1,)))},.,.) = ")
                _emit(sub, shape[1:], index + (i + 1,), fmt, scale, lines)
                lines.append("")
            else:
                _emit(sub, shape[1:], index + (i + 1,), fmt, scale, lines)
