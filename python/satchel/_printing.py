"""Printing tensors the way TH did: the values, then a footer naming the unit.

Above ``threshold`` elements a tensor is summarised as NumPy and PyTorch do: only
``edgeitems`` at each end of each dimension are fetched and printed, with ``...``
between, so a tensor of any size prints at once. Floats are printed each in full
(fixed or scientific notation for all of them), never under a common scale factor.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_OPTIONS = {"precision": 4, "threshold": 1000, "edgeitems": 3}
_LEAST = {"precision": 0, "threshold": 0, "edgeitems": 1}


def set_printoptions(*, precision: int | None = None, threshold: int | None = None,
                     edgeitems: int | None = None) -> None:
    """Set how tensors print: ``precision`` digits after the point (4), summaries
    above ``threshold`` elements (1000) showing ``edgeitems`` at each end of each
    dimension (3). None leaves an option as it is."""
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems}
    for name, value in given.items():
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"set_printoptions: {name} must be an int, got {type(value).__name__}")
        if value < _LEAST[name]:
            raise ValueError(f"set_printoptions: {name} must be >= {_LEAST[name]}, got {value}")
    _OPTIONS.update({k: v for k, v in given.items() if v is not None})


def get_printoptions() -> dict[str, int]:
    """The current print options (those set_printoptions takes)."""
    return dict(_OPTIONS)


@contextmanager
def printoptions(**options: int) -> Iterator[None]:
    """``with satchel.printoptions(threshold=10):`` sets options for the block only."""
    saved = get_printoptions()
    set_printoptions(**options)
    try:
        yield
    finally:
        _OPTIONS.update(saved)


def _formatter(values: list[Any], floating: bool, precision: int) -> Any:
    """A function formatting one value, all values to one width."""
    if not floating:
        width = max((len(str(int(v))) for v in values), default=1)
        return lambda v: str(int(v)).rjust(width)
    finite = [abs(v) for v in values if math.isfinite(v)]
    biggest = max(finite, default=0.0)
    smallest = min((v for v in finite if v != 0), default=0.0)
    if all(v == int(v) for v in finite) and biggest < 1e8:
        fmt = "{:.0f}"
    elif biggest >= 1e8 or (smallest and (smallest < 1e-4 or biggest / smallest > 1e3)):
        fmt = f"{{:.{precision}e}}"  # as NumPy: values of very different sizes each keep their digits
    else:
        fmt = f"{{:.{precision}f}}"

    def text(v: float) -> str:
        return fmt.format(v) if math.isfinite(v) else str(v)

    width = max((len(text(v)) for v in values), default=1)
    return lambda v: text(v).rjust(width)


# A gathered tensor: a number (0-d), a list of numbers and SKIPPED (1-D), else a
# list of (index, gathered sub-tensor) pairs and (None, SKIPPED).
SKIPPED = Ellipsis


def _kept(n: int, edge: int, summarise: bool) -> list[int | None]:
    """The indices of a dimension of size n that print; None where the rest are skipped."""
    if not summarise or n <= 2 * edge:
        return list(range(n))
    return [*range(edge), None, *range(n - edge, n)]


def _gather(t: Any, summarise: bool, edge: int) -> Any:
    """Only the elements that print, fetched by views (a 1-D run at a time)."""
    if t.ndim == 0:
        return t.item()
    kept = _kept(t.shape[0], edge, summarise)
    if t.ndim == 1:
        if None not in kept:
            return t.tolist()
        return [*t[:edge].tolist(), SKIPPED, *t[t.shape[0] - edge:].tolist()]
    return [(i, SKIPPED if i is None else _gather(t[i], summarise, edge)) for i in kept]


def _values(data: Any) -> Iterator[Any]:
    if isinstance(data, list):
        for item in data:
            yield from _values(item[1] if isinstance(item, tuple) else item)
    elif data is not SKIPPED:
        yield data


def format_tensor(t: Any) -> str:
    cls = type(t)
    shape = t.shape
    footer = f"[satchel.{cls.device}.{cls.__name__} of size {'x'.join(map(str, shape)) or '()'}]"
    if t.numel() == 0:
        return f"[{footer[1:-1]} with no elements]"
    summarise = t.numel() > _OPTIONS["threshold"]
    if cls.device != "cpu" and not summarise:  # the values through one host copy; summaries fetch only theirs
        t = t.cpu()
    data = _gather(t, summarise, _OPTIONS["edgeitems"])
    fmt = _formatter(list(_values(data)), str(cls.dtype).startswith("float"), _OPTIONS["precision"])
    if len(shape) == 0:
        return f"{fmt(data)}\n{footer}"
    lines: list[str] = []
    _emit(data, len(shape), (), fmt, lines)
    return "\n".join(lines) + "\n" + footer


def _row(values: list[Any], fmt: Any) -> str:
    return " ".join("..." if v is SKIPPED else fmt(v) for v in values)


def _emit(data: Any, ndim: int, index: tuple[int, ...], fmt: Any, lines: list[str]) -> None:
    """1-D: one value per line; 2-D: rows; more: one 2-D slice after another, TH's (i,j,.,.) headers."""
    if ndim == 1:
        lines.extend("..." if v is SKIPPED else fmt(v) for v in data)
    elif ndim == 2:
        lines.extend("..." if row is SKIPPED else _row(row, fmt) for _, row in data)
    else:
        for i, sub in data:
            if sub is SKIPPED:
                lines.extend(["...", ""] if ndim == 3 else ["..."])
            elif ndim == 3:
                lines.append(f"({','.join(map(str, index + (i + 1,)))},.,.) = ")
                _emit(sub, ndim - 1, index + (i + 1,), fmt, lines)
                lines.append("")
            else:
                _emit(sub, ndim - 1, index + (i + 1,), fmt, lines)
