"""Signatures: the Protocols a program is written against, one per dtype class,
and the conformances (unit, Protocol) that the generated mypy check asserts."""

from __future__ import annotations

from dataclasses import dataclass

from .cpp import Unit, module_name, operands, units
from .model import ACCREAL_DTYPE, ROLE_DTYPES, SUM_DTYPE, Op, Spec
from .signature import Signature, TensorType
from .stubs import Spelling, doc_of, stub_params, stub_return


@dataclass(frozen=True)
class ProtocolMember:
    name: str
    params: tuple[str, ...]
    ret: str
    doc: str


@dataclass(frozen=True)
class TensorParam:
    """A type parameter of the Protocols: the tensor class of another unit on the
    same device, named in signatures as Tensor(<dtype>). mypy wants a Protocol's
    type parameter covariant where it only returns it, contravariant where it only
    takes it, and invariant where it does both, so there is one per use."""

    dtype: str  # a dtype name or a role (ROLE_DTYPES)
    base: str  # "BoolTensor", "AccRealTensor", "SumTensor"
    taken: bool
    returned: bool

    @property
    def name(self) -> str:
        suffix = "T" if not self.taken else "ContraT" if not self.returned else "InvT"
        return self.base + suffix

    @property
    def variance(self) -> str:
        """The TypeVar's keyword argument, with its comma."""
        return ", covariant=True" if not self.taken else ", contravariant=True" if not self.returned else ""

    @property
    def comment(self) -> str:
        return "  # only ever returned" if not self.taken else "  # only ever taken" if not self.returned else ""

    @property
    def doc(self) -> str:
        roles = {ACCREAL_DTYPE: "the unit of the accreal dtype", SUM_DTYPE: "the unit of the dtype of sums along dims"}
        unit = roles.get(self.dtype, f"the {self.dtype} unit")
        uses = " and ".join(w for w, used in (("arguments", self.taken), ("results", self.returned)) if used)
        return f"{self.name} is the tensor class of {unit} of the same device, which some {uses} belong to."


@dataclass(frozen=True)
class SignatureProtocol:
    """The functions every unit of a dtype class has, generic in its number types."""

    name: str  # "FloatingSignature"
    cls: str  # "floating"
    dtypes: tuple[str, ...]
    members: tuple[ProtocolMember, ...]
    tensor_params: tuple[TensorParam, ...]  # of its members' Tensor(<dtype>)s

    @property
    def type_params(self) -> tuple[str, ...]:
        return ("TensorT", "RealT", "AccRealT") + tuple(p.name for p in self.tensor_params)


def protocol_name(cls: str) -> str:
    return "Signature" if cls == "all" else cls.capitalize() + "Signature"


def _sigs(op: Op) -> list[Signature]:
    return [op.sig] + ([op.inplace_sig()] if op.inplace else [])


def _ops_of(spec: Spec, cls: str) -> list[Op]:
    """The ops every unit of class cls has."""
    leaves = spec.types.classes[cls]
    return [op for op in spec.ops if leaves <= spec.types.classes[op.dtypes]]


def _tensor_params(spec: Spec, ops: list[Op]) -> tuple[TensorParam, ...]:
    """The type parameters of a Protocol of ops, in spec/types.yaml's order, the roles last."""
    uses: dict[str, set[bool]] = {}
    for op in ops:
        for t, is_result in op.sig.tensors():
            if t.dtype is not None:
                uses.setdefault(t.dtype, set()).add(is_result)
    out = []
    role_bases = {ACCREAL_DTYPE: "AccRealTensor", SUM_DTYPE: "SumTensor"}
    for d in [d.name for d in spec.types.dtypes] + list(ROLE_DTYPES):
        if d in uses:
            named = spec.types.dtype_named(d)
            base = named.th if named is not None else role_bases[d]
            out.append(TensorParam(d, base, False in uses[d], True in uses[d]))
    return tuple(out)


def tensor_params(spec: Spec) -> tuple[TensorParam, ...]:
    """Every Protocol's tensor type parameters, each once: the TypeVars signatures.py declares."""
    out: dict[str, TensorParam] = {}
    for cls in spec.types.classes:
        for p in _tensor_params(spec, _ops_of(spec, cls)):
            out.setdefault(p.name, p)
    order = [d.name for d in spec.types.dtypes] + list(ROLE_DTYPES)
    return tuple(sorted(out.values(), key=lambda p: (order.index(p.dtype), p.taken, not p.returned)))


def signature_protocols(spec: Spec) -> list[SignatureProtocol]:
    out = []
    for cls in spec.types.classes:
        ops = _ops_of(spec, cls)
        params = _tensor_params(spec, ops)
        spelling = Spelling.generic(spec.types.dtypes_of(cls), {p.dtype: p.name for p in params}.__getitem__)
        members = []
        for op in ops:
            for sig in _sigs(op):
                # The Protocol's own receiver is `self`, so the tensor argument is renamed
                # (it is positional-only: implementations may call it anything).
                params_text = ("self",) + tuple(p.replace("self:", "tensor:", 1) for p in
                                                stub_params(sig, spelling, operands(op, sig), positional_only=True))
                members.append(ProtocolMember(sig.name, params_text, stub_return(op, sig, spelling),
                                              doc_of(op, sig).split(". ")[0].rstrip(".") + "."))
        dtypes = tuple(d.name for d in spec.types.dtypes_of(cls))
        out.append(SignatureProtocol(protocol_name(cls), cls, dtypes, tuple(members), params))
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
        for p in protos:
            if d.name not in p.dtypes:
                continue
            tensors = tuple(f"{module_name(t, u.device)}.{t.th}" for t in
                            (spec.types.tensor_dtype(TensorType(tp.dtype), d) for tp in p.tensor_params))
            out.append(Conformance(u, p, (f"{u.module}.{u.tensor_cls}", d.python, d.accreal.python) + tensors))
    return out
