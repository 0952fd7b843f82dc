"""Signatures: the Protocols a program is written against, one per dtype class,
and the conformances (unit, Protocol) that the generated mypy check asserts."""

from __future__ import annotations

from dataclasses import dataclass

from .cpp import Unit, module_name, operands, units
from .model import DType, Spec
from .stubs import Spelling, doc_of, stub_params, stub_return


@dataclass(frozen=True)
class ProtocolMember:
    name: str
    params: tuple[str, ...]
    ret: str
    doc: str


@dataclass(frozen=True)
class SignatureProtocol:
    """The functions every unit of a dtype class has, generic in its number types."""

    name: str  # "FloatingSignature"
    cls: str  # "floating"
    dtypes: tuple[str, ...]
    members: tuple[ProtocolMember, ...]
    type_params: tuple[str, ...]  # "TensorT", "RealT", "AccRealT", then one per result_dtypes


def protocol_name(cls: str) -> str:
    return "Signature" if cls == "all" else cls.capitalize() + "Signature"


def result_dtypes(spec: Spec) -> tuple[DType, ...]:
    """The dtypes of Tensor[dtype] results: each is a type parameter of every Protocol."""
    return tuple(d for d in spec.types.dtypes if any(op.result == d for op in spec.ops))


def signature_protocols(spec: Spec) -> list[SignatureProtocol]:
    out = []
    for cls, leaves in spec.types.classes.items():
        members = []
        spelling = Spelling.generic(spec.types.dtypes_of(cls))
        for op in spec.ops:
            if not leaves <= spec.types.classes[op.dtypes]:
                continue
            for sig in [op.sig] + ([op.inplace_sig()] if op.inplace else []):
                # The Protocol's own receiver is `self`, so the tensor argument is renamed
                # (it is positional-only: implementations may call it anything).
                params = ("self",) + tuple(p.replace("self:", "tensor:", 1) for p in
                                           stub_params(sig, spelling, operands(op, sig), positional_only=True))
                members.append(ProtocolMember(sig.name, params, stub_return(op, sig, spelling),
                                              doc_of(op, sig).split(". ")[0].rstrip(".") + "."))
        dtypes = tuple(d.name for d in spec.types.dtypes_of(cls))
        type_params = ("TensorT", "RealT", "AccRealT") + tuple(d.th + "T" for d in result_dtypes(spec))
        out.append(SignatureProtocol(protocol_name(cls), cls, dtypes, tuple(members), type_params))
    return out


@dataclass(frozen=True)
class Conformance:
    """A unit and a signature it must satisfy, for the generated mypy check."""

    unit: Unit
    protocol: SignatureProtocol
    type_args: tuple[str, ...]  # "cpu_float32.FloatTensor", "float", "float", "cpu_bool.BoolTensor"


def conformances(spec: Spec) -> list[Conformance]:
    protos = signature_protocols(spec)
    out = []
    for u in units(spec):
        d = u.dtype
        results = tuple(f"{module_name(r, u.device)}.{r.th}" for r in result_dtypes(spec))
        args = (f"{u.module}.{u.tensor_cls}", d.python, d.accreal.python) + results
        out += [Conformance(u, p, args) for p in protos if d.name in p.dtypes]
    return out
