"""How the spec's objects are spelled in Python stubs: a unit's .pyi (exact types
for that unit) and the generic spellings the signature Protocols use."""

from __future__ import annotations

from dataclasses import dataclass

from .cpp import Unit, operands, reflected_name
from .model import DType, Op
from .signature import Arg, Signature, Type


@dataclass(frozen=True)
class Spelling:
    """How a stub spells the types that depend on the unit: its tensor class, the
    number type its Scalar parameters take, and the types of real and accreal results."""

    tensor: str
    scalar: str
    real: str
    accreal: str
    result_suffix: str  # a Tensor[dtype] result is spelled dtype.th + result_suffix

    @staticmethod
    def of_unit(dtype: DType, tensor_cls: str) -> Spelling:
        return Spelling(tensor_cls, dtype.python, dtype.python, dtype.accreal.python, "")

    @staticmethod
    def generic(dtypes: tuple[DType, ...]) -> Spelling:
        """For a Protocol over several dtypes: Scalar parameters take the narrowest
        number type every one of them accepts (bool < int < float)."""
        kinds = {d.python for d in dtypes}
        scalar = next(k for k in ("bool", "int", "float") if k in kinds)
        return Spelling("TensorT", scalar, "RealT", "AccRealT", "T")


def _stub_type(t: Type, spelling: Spelling, operand: bool) -> str:
    if operand:
        return f"{spelling.tensor} | {spelling.scalar}"
    return {
        Type.TENSOR: spelling.tensor, Type.TENSOR_OUT: spelling.tensor, Type.SCALAR: spelling.scalar,
        Type.INT: "int", Type.FLOAT: "float", Type.BOOL: "bool", Type.STR: "str", Type.SHAPE: "int | Sequence[int]",
        Type.OBJECT: "object", Type.REAL: spelling.real, Type.ACCREAL: spelling.accreal, Type.NONE: "None",
    }[t]


def stub_return(op: Op, sig: Signature, spelling: Spelling) -> str:
    if op.result:  # (an op with a result has no in-place form)
        return op.result.th + spelling.result_suffix
    return _stub_type(sig.returns, spelling, False)


def _stub_param(arg: Arg, spelling: Spelling, operand: bool) -> str:
    t = _stub_type(arg.type, spelling, operand)
    if arg.optional:
        t += " | None"
    return f"{arg.name}: {t}" if arg.default is None else f"{arg.name}: {t} = {arg.default.replace(chr(39), chr(34))}"


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
class UnitStub:
    unit: Unit
    functions: tuple[StubFunction, ...]
    operators: tuple[StubOperator, ...]

    @property
    def hashable(self) -> bool:
        """Tensors with an elementwise __eq__ are unhashable, as NumPy arrays are."""
        return not any(o.dunder == "__eq__" for o in self.operators)


def unit_stub(unit: Unit) -> UnitStub:
    spelling = Spelling.of_unit(unit.dtype, unit.tensor_cls)
    functions: list[StubFunction] = []
    operators: list[StubOperator] = []
    for code in unit.ops:
        op = code.op
        by_name: dict[str, StubFunction] = {}
        for sig in [op.sig] + ([op.inplace_sig()] if op.inplace else []):
            f = StubFunction(sig.name, stub_params(sig, spelling, operands(op, sig)), stub_return(op, sig, spelling),
                             doc_of(op, sig), sig.is_method)
            functions.append(f)
            by_name[f.name] = f
        by_name[reflected_name(op)] = StubFunction(reflected_name(op), ("self", f"other: {unit.dtype.python}"),
                                                   unit.tensor_cls, "", True)
        for o in code.operators:
            f = by_name[o.function]
            operators.append(StubOperator(o.dunder, f.params, f.ret, o.dunder in ("__eq__", "__ne__")))
    return UnitStub(unit, tuple(functions), tuple(operators))
