"""Torch7's nn.Module: forward/backward as update_output, update_grad_input, acc_grad_parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic

from ..signatures import TensorT
from ._unit import Unit


class Parameter(Generic[TensorT]):
    """A learnable tensor and the gradient that backward accumulates into it."""

    __slots__ = ("unit", "data", "grad")

    def __init__(self, T: Unit[TensorT], data: TensorT) -> None:
        self.unit = T
        self.data = data
        self.grad = T.zeros_like(data)


class Module(Generic[TensorT]):
    """A layer: ``forward(x)`` gives ``output``; ``backward(x, g)`` gives ``grad_input`` and adds to the grads."""

    def __init__(self, unit: Unit[TensorT]) -> None:
        self.T = unit
        self.training = True
        self._params: dict[str, Parameter[TensorT]] = {}
        self._buffers: dict[str, TensorT] = {}
        self._children: dict[str, Module[TensorT]] = {}

    # -- Torch7's three calls; subclasses override these -------------------------------------
    def update_output(self, x: TensorT) -> TensorT:
        raise NotImplementedError(f"{type(self).__name__} has no update_output")

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        raise NotImplementedError(f"{type(self).__name__} has no update_grad_input")

    def acc_grad_parameters(self, x: TensorT, grad_output: TensorT) -> None:
        """Adds d loss / d parameter to each parameter's grad; modules without parameters do nothing."""

    # -- what users call ----------------------------------------------------------------------
    def forward(self, x: TensorT) -> TensorT:
        return self.update_output(x)

    def backward(self, x: TensorT, grad_output: TensorT) -> TensorT:
        """The gradient with respect to x of the last ``forward(x)``, given the output's gradient."""
        grad_input = self.update_grad_input(x, grad_output)
        self.acc_grad_parameters(x, grad_output)
        return grad_input

    __call__ = forward

    def add_parameter(self, name: str, data: TensorT) -> Parameter[TensorT]:
        p = Parameter(self.T, data)
        self._params[name] = p
        return p

    def add_module(self, name: str, module: Module[TensorT]) -> None:
        self._children[name] = module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter[TensorT]]]:
        for name, p in self._params.items():
            yield prefix + name, p
        for cname, child in self._children.items():
            yield from child.named_parameters(f"{prefix}{cname}.")

    def parameters(self) -> list[Parameter[TensorT]]:
        return [p for _, p in self.named_parameters()]

    def modules(self) -> Iterator[Module[TensorT]]:
        yield self
        for child in self._children.values():
            yield from child.modules()

    def zero_grad(self) -> None:
        for p in self.parameters():
            self.T.fill_(p.grad, 0)

    def train(self, mode: bool = True) -> Module[TensorT]:
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module[TensorT]:
        return self.train(False)

    def state_dict(self, prefix: str = "") -> dict[str, TensorT]:
        """Parameters and buffers (running statistics) by dotted name, as PyTorch names them."""
        state = {prefix + n: p.data for n, p in self._params.items()}
        state.update({prefix + n: b for n, b in self._buffers.items()})
        for cname, child in self._children.items():
            state.update(child.state_dict(f"{prefix}{cname}."))
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copies each entry (a tensor of any unit, or a NumPy array) into this model's tensors."""
        own = self.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        if missing or unexpected:
            raise KeyError(f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}")
        for name, dest in own.items():
            src = self.T.from_tensor(state[name]) if hasattr(state[name], "numel") else self.T.tensor(state[name])
            if tuple(src.shape) != tuple(dest.shape):
                raise ValueError(f"load_state_dict: {name} has shape {tuple(dest.shape)}, got {tuple(src.shape)}")
            self.T.copy_(dest, src)

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        if not self._children:
            return f"{type(self).__name__}({self.extra_repr()})"
        inner = "".join(f"\n  ({n}): " + repr(c).replace("\n", "\n  ") for n, c in self._children.items())
        return f"{type(self).__name__}({inner}\n)"


class Sequential(Module[TensorT]):
    """Modules applied in order; backward runs them in reverse, each with the input it saw."""

    def __init__(self, *modules: Module[TensorT]) -> None:
        if not modules:
            raise ValueError("Sequential: needs at least one module")
        super().__init__(modules[0].T)
        self.layers = list(modules)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)
        self._inputs: list[TensorT] = []

    def update_output(self, x: TensorT) -> TensorT:
        self._inputs = []
        for m in self.layers:
            self._inputs.append(x)
            x = m.forward(x)
        return x

    def backward(self, x: TensorT, grad_output: TensorT) -> TensorT:
        if len(self._inputs) != len(self.layers):
            raise RuntimeError("Sequential.backward: call forward first")
        g = grad_output
        for m, inp in zip(reversed(self.layers), reversed(self._inputs)):
            g = m.backward(inp, g)
        return g

    def __getitem__(self, i: int) -> Module[TensorT]:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)


class Identity(Module[TensorT]):
    def update_output(self, x: TensorT) -> TensorT:
        return x

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        return grad_output


class Flatten(Module[TensorT]):
    """Flattens every dim from ``start_dim`` on (batch kept), as torch.nn.Flatten."""

    def __init__(self, unit: Unit[TensorT], start_dim: int = 1) -> None:
        super().__init__(unit)
        self.start_dim = start_dim

    def update_output(self, x: TensorT) -> TensorT:
        return self.T.reshape(self.T.contiguous(x), [*x.shape[:self.start_dim], -1])

    def update_grad_input(self, x: TensorT, grad_output: TensorT) -> TensorT:
        return self.T.reshape(self.T.contiguous(grad_output), list(x.shape))
