"""How the spec's objects are spelled in Python stubs: a unit's .pyi (exact types
for that unit) and the generic spellings the signature Protocols use."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from .cpp import Unit, named_tuple_name, operands, reflected_name
from .model import DType, Op, Types
from .signature import INT, Arg, BaseKind, BaseType, ListType, Signature, TensorType, Type


@dataclass(frozen=True)
class Spelling:
    """How a stub spells the types that depend on the unit: its tensor class, the
    number type its Scalar parameters take, the types of real and accreal results,
    the classes of other units' tensors, and several results."""

    tensor: str
    scalar: str
    real: str
    accreal: str
    other: Callable[[str], str]  # Tensor(<dtype>) by its dtype name or "accreal": "BoolTensor"
    named_tuples: bool  # several results are a NamedTuple the stub declares (else a plain tuple[...])

    @staticmethod
    def of_unit(unit: Unit, types: Types) -> Spelling:
        dtype = unit.dtype
        return Spelling(unit.tensor_cls, dtype.python, dtype.python, dtype.accreal.python,
                        lambda name: types.tensor_dtype(TensorType(name), dtype).th, True)

    @staticmethod
    def generic(dtypes: tuple[DType, ...], other: Callable[[str], str]) -> Spelling:
        """For a Protocol over several dtypes: Scalar parameters take the narrowest
        number type every one of them accepts (bool < int < float); other units'
        tensors are the Protocol's type parameters (other)."""
        kinds = {d.python for d in dtypes}
        scalar = next(k for k in ("bool", "int", "float") if k in kinds)
        return Spelling("TensorT", scalar, "RealT", "AccRealT", other, False)

    def tensor_of(self, t: TensorType) -> str:
        return self.tensor if t.dtype is None else self.other(t.dtype)


_STUB_BASE = {BaseKind.INT: "int", BaseKind.FLOAT: "float", BaseKind.NUMBER: "float", BaseKind.BOOL: "bool",
              BaseKind.STR: "str",
              BaseKind.OBJECT: "object", BaseKind.GENERATOR: "object", BaseKind.SCALAR_TYPE: "str",
              BaseKind.NONE: "None"}


def stub_type(t: Type, spelling: Spelling, result: bool = False) -> str:
    """A type as a stub spells a parameter of it or (result) a result."""
    if isinstance(t, TensorType):
        return spelling.tensor_of(t)
    if isinstance(t, BaseType):
        by_unit = {BaseKind.SCALAR: spelling.scalar, BaseKind.REAL: spelling.real, BaseKind.ACCREAL: spelling.accreal}
        return by_unit.get(t.kind) or _STUB_BASE[t.kind]
    if isinstance(t, ListType):
        elem = stub_type(t.elem, spelling, result)
        if t.elem == INT and t.size is None:  # satchel::Dims: an int or ints in, a tuple out
            return "tuple[int, ...]" if result else "int | Sequence[int]"
        return f"list[{elem}]" if result else f"Sequence[{elem}]"
    return f"{stub_type(t.elem, spelling, result)} | None"


def stub_return(op: Op, sig: Signature, spelling: Spelling) -> str:
    if len(sig.returns) == 1:
        return stub_type(sig.returns[0].type, spelling, result=True)
    if spelling.named_tuples:
        return named_tuple_name(sig)
    return f"tuple[{', '.join(stub_type(r.type, spelling, result=True) for r in sig.returns)}]"


def _stub_default(text: str) -> str:
    """A default as Python writes it: "text" for 'text', a tuple for a [list]."""
    if text.startswith("'"):
        return json.dumps(text[1:-1])
    if text.startswith("["):
        items = [i for i in text[1:-1].split(", ") if i]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return text


def _stub_default_of(text: str, t: str) -> str:
    """The default for a parameter of stub type t: a Scalar's 1 is True for bool units (alpha=1)."""
    default = _stub_default(text)
    return {"0": "False", "1": "True"}.get(default, default) if t == "bool" else default


def _stub_param(arg: Arg, spelling: Spelling, operand: bool) -> str:
    t = f"{spelling.tensor} | {spelling.scalar}" if operand else stub_type(arg.type, spelling)
    return f"{arg.name}: {t}" if arg.default is None else f"{arg.name}: {t} = {_stub_default_of(arg.default, t)}"


def stub_params(sig: Signature, spelling: Spelling, operand: set[str],
                positional_only: bool = False) -> tuple[str, ...]:
    """Stub parameters with '*' before keyword-only ones; with positional_only, the
    leading required ones are positional-only so any implementation's names fit."""
    out: list[str] = []
    for i, arg in enumerate(sig.args):
        if arg.keyword_only and "*" not in out:
            if positional_only and "/" not in out and i:
                out.append("/")
            out.append("*")
        elif positional_only and "/" not in out and i and arg.default is not None:
            out.append("/")
        out.append(_stub_param(arg, spelling, arg.name in operand))
    if positional_only and "/" not in out and "*" not in out and out:
        out.append("/")
    return tuple(out)


def doc_of(op: Op, sig: Signature) -> str:
    """The docstring of an op's function or of its in-place form."""
    return op.doc if sig.name == op.name else f"In-place {op.name}: writes the result into self and returns it."


@dataclass(frozen=True)
class StubFunction:
    name: str
    params: tuple[str, ...]  # self included
    ret: str
    doc: str
    method: bool


@dataclass(frozen=True)
class StubOperator:
    dunder: str
    params: tuple[str, ...]  # self included
    ret: str
    overrides_object: bool  # object has it already (with another signature): the stub says so


@dataclass(frozen=True)
class StubNamedTuple:
    """The class of an op's several results."""

    name: str  # "MaxResult"
    fields: tuple[str, ...]  # "values: FloatTensor", ...


@dataclass(frozen=True)
class UnitStub:
    unit: Unit
    functions: tuple[StubFunction, ...]
    operators: tuple[StubOperator, ...]
    named_tuples: tuple[StubNamedTuple, ...]

    @property
    def is_index(self) -> bool:
        """Its 0-d tensors are indices (__index__), as NumPy's integer scalars."""
        return self.unit.dtype.cls in ("signed", "unsigned")

    @property
    def rounds(self) -> bool:
        """round(t) is its op round."""
        return any(f.name == "round" for f in self.functions)

    @property
    def hashable(self) -> bool:
        """Tensors with an elementwise __eq__ are unhashable, as NumPy arrays are."""
        return not any(o.dunder == "__eq__" for o in self.operators)


def unit_stub(unit: Unit, types: Types) -> UnitStub:
    spelling = Spelling.of_unit(unit, types)
    functions: list[StubFunction] = []
    operators: list[StubOperator] = []
    named_tuples: list[StubNamedTuple] = []
    for code in unit.ops:
        op = code.op
        by_name: dict[str, StubFunction] = {}
        if op.sig.is_tuple:
            named_tuples.append(StubNamedTuple(named_tuple_name(op.sig), tuple(
                f"{r.name}: {stub_type(r.type, spelling, result=True)}" for r in op.sig.returns)))
        for sig in [op.sig] + ([op.inplace_sig()] if op.inplace else []):
            f = StubFunction(sig.name, stub_params(sig, spelling, operands(op, sig)), stub_return(op, sig, spelling),
                             doc_of(op, sig), sig.is_method)
            functions.append(f)
            by_name[f.name] = f
        if op.reflected:
            by_name[reflected_name(op)] = StubFunction(reflected_name(op), ("self", f"other: {unit.dtype.python}"),
                                                       unit.tensor_cls, "", True)
        for o in code.operators:
            f = by_name[o.function]
            operators.append(StubOperator(o.dunder, f.params, f.ret, o.dunder in ("__eq__", "__ne__")))
    return UnitStub(unit, tuple(functions), tuple(operators), tuple(named_tuples))
