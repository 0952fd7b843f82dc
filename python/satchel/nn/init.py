"""Kaiming (He) and Xavier (Glorot) initialisation, drawn from the device's generator.

Same formulas as torch.nn.init; the draws are satchel's (Philox), so one seed gives
one model on every device, not PyTorch's numbers.
"""

from __future__ import annotations

import math

from ..signatures import TensorT
from ._unit import Unit


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel)."""
    if len(shape) < 2:
        raise ValueError(f"fans: a weight needs at least 2 dims, got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _gain(nonlinearity: str, negative_slope: float) -> float:
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0),
             "leaky_relu": math.sqrt(2.0 / (1 + negative_slope ** 2))}
    if nonlinearity not in gains:
        raise ValueError(f"init: unknown nonlinearity {nonlinearity!r} (known: {', '.join(gains)})")
    return gains[nonlinearity]


def _fan(shape: tuple[int, ...], mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return fans(shape)[0 if mode == "fan_in" else 1]


def kaiming_uniform_(T: Unit[TensorT], w: TensorT, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: object | None = None) -> TensorT:
    bound = math.sqrt(3.0) * _gain(nonlinearity, a) / math.sqrt(_fan(tuple(w.shape), mode))
    return T.uniform_(w, -bound, bound, generator=generator)


def kaiming_normal_(T: Unit[TensorT], w: TensorT, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: object | None = None) -> TensorT:
    std = _gain(nonlinearity, a) / math.sqrt(_fan(tuple(w.shape), mode))
    return T.normal_(w, 0.0, std, generator=generator)


def xavier_uniform_(T: Unit[TensorT], w: TensorT, gain: float = 1.0, generator: object | None = None) -> TensorT:
    fan_in, fan_out = fans(tuple(w.shape))
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return T.uniform_(w, -bound, bound, generator=generator)


def xavier_normal_(T: Unit[TensorT], w: TensorT, gain: float = 1.0, generator: object | None = None) -> TensorT:
    fan_in, fan_out = fans(tuple(w.shape))
    return T.normal_(w, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)
