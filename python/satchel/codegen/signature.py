"""Operation signatures: ``name(Type arg, *, Type kw=default) -> Ret``.

``Ret`` may be ``Tensor[dtype]``: a tensor of the unit of that dtype on the same
device (comparisons return ``Tensor[bool]``); the model checks that the dtype exists.

Parsing and printing round-trip: ``str(Signature.parse(s)) == s`` for every
signature written in canonical form.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class SignatureError(ValueError):
    """A malformed signature; the model adds the file, line and op."""


class Type(enum.Enum):
    TENSOR = "Tensor"
    TENSOR_OUT = "Tensor!"  # written in place
    SCALAR = "Scalar"  # a number of the unit's dtype
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    STR = "str"
    SHAPE = "int[]"
    OBJECT = "object"
    REAL = "real"  # results only
    ACCREAL = "accreal"  # results only
    NONE = "None"  # results only

    @property
    def is_tensor(self) -> bool:
        return self in (Type.TENSOR, Type.TENSOR_OUT)


ARG_TYPES = [t for t in Type if t not in (Type.REAL, Type.ACCREAL, Type.NONE)]
RETURN_TYPES = [Type.TENSOR, Type.TENSOR_OUT, Type.REAL, Type.ACCREAL, Type.NONE,
                Type.INT, Type.FLOAT, Type.BOOL]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DTYPE_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_DEFAULT = re.compile(r"None|True|False|-?\d+(\.\d*)?([eE][-+]?\d+)?|'[^']*'\Z")


@dataclass(frozen=True)
class Arg:
    name: str
    type: Type
    optional: bool = False
    default: str | None = None  # as written: None, True, 1, 0.5, 'text'
    keyword_only: bool = False

    def __str__(self) -> str:
        text = f"{self.type.value}{'?' if self.optional else ''} {self.name}"
        return text if self.default is None else f"{text}={self.default}"


@dataclass(frozen=True)
class Signature:
    name: str
    args: tuple[Arg, ...]
    returns: Type
    result_dtype: str | None = None  # Tensor[result_dtype]: another unit's tensor

    @staticmethod
    def parse(text: str) -> Signature:
        m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\((.*)\)\s*->\s*(\S+)\s*", text)
        if not m:
            raise SignatureError(f"expected 'name(args) -> Type', got {text!r}")
        name, args_text, ret_text = m.groups()
        returns, result_dtype = _parse_return(ret_text)
        args: list[Arg] = []
        keyword_only = False
        for part in [p.strip() for p in args_text.split(",")] if args_text.strip() else []:
            if part == "*":
                if keyword_only:
                    raise SignatureError("'*' appears twice")
                keyword_only = True
                continue
            args.append(_parse_arg(part, keyword_only))
        _check_args(args)
        return Signature(name, tuple(args), returns, result_dtype)

    def __str__(self) -> str:
        parts: list[str] = []
        for arg in self.args:
            if arg.keyword_only and "*" not in parts:
                parts.append("*")
            parts.append(str(arg))
        ret = self.returns.value if self.result_dtype is None else f"Tensor[{self.result_dtype}]"
        return f"{self.name}({', '.join(parts)}) -> {ret}"

    @property
    def tensor_args(self) -> tuple[Arg, ...]:
        return tuple(a for a in self.args if a.type.is_tensor)

    @property
    def is_method(self) -> bool:
        """Whether the op is also a method of the tensor class (its first arg is self)."""
        return bool(self.args) and self.args[0].name == "self" and self.args[0].type.is_tensor


def _parse_type(text: str, allowed: list[Type], what: str, *more_known: str) -> Type:
    for t in allowed:
        if t.value == text:
            return t
    known = [t.value for t in allowed] + list(more_known)
    raise SignatureError(f"unknown {what} {text!r} (known: {', '.join(known)})")


def _parse_return(text: str) -> tuple[Type, str | None]:
    m = re.fullmatch(r"Tensor\[(.*)\]", text)
    if m is None:
        return _parse_type(text, RETURN_TYPES, "return type", "Tensor[<dtype>]"), None
    if not _DTYPE_NAME.match(m.group(1)):
        raise SignatureError(f"return type {text!r}: Tensor[...] names a dtype in lowercase, as in Tensor[bool]")
    return Type.TENSOR, m.group(1)


def _parse_arg(part: str, keyword_only: bool) -> Arg:
    default: str | None = None
    if "=" in part:
        part, default = (s.strip() for s in part.split("=", 1))
        if not _DEFAULT.match(default):
            raise SignatureError(f"default {default!r} is not None, True, False, a number or a 'string'")
    pieces = part.split()
    if len(pieces) != 2:
        raise SignatureError(f"argument {part!r} should be 'Type name'")
    type_text, name = pieces
    optional = type_text.endswith("?")
    arg_type = _parse_type(type_text.rstrip("?"), ARG_TYPES, "argument type")
    if not _IDENT.match(name):
        raise SignatureError(f"argument name {name!r} is not an identifier")
    if default == "None" and not optional:
        raise SignatureError(f"argument {name!r} defaults to None, so its type needs '?'")
    return Arg(name, arg_type, optional, default, keyword_only)


def _check_args(args: list[Arg]) -> None:
    seen: set[str] = set()
    defaulted = False
    for arg in args:
        if arg.name in seen:
            raise SignatureError(f"argument {arg.name!r} appears twice")
        seen.add(arg.name)
        if arg.default is not None:
            defaulted = True
        elif defaulted and not arg.keyword_only:
            raise SignatureError(f"argument {arg.name!r} without a default follows one with a default")
