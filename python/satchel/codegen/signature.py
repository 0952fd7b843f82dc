"""Operation signatures: a small typed language, parsed into a type tree.

    name(Type arg, Type arg=default, *, Type kw=default) -> Result
    name(...) -> (Type name, Type name)          # several results: a named tuple

A type is ``Tensor`` (a tensor of the unit), ``Tensor(<dtype>)`` (of the unit of
another dtype on the same device, or ``Tensor(accreal)``), either with ``!`` when
written in place, a base type (``Scalar``, ``int``, ``float``, ``number``, ``bool``, ``str``,
``object``, ``Generator``, ``ScalarType``; results also ``real``, ``accreal``,
``None``), a list of one (``int[]``, ``int[2]``, ``Tensor[]``) and any of those
optional (``int[]?``, ``Tensor?``). spec/ops.yaml's header documents each form.

This module knows the language only: which dtype names exist, and which forms a
body kind can generate, is the model's business (model.py).

Parsing and printing round-trip: ``str(Signature.parse(s)) == s`` for every
signature written in canonical form.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass


class SignatureError(ValueError):
    """A malformed signature; the model adds the file, line and op."""


class BaseKind(enum.Enum):
    SCALAR = "Scalar"  # a number of the unit's dtype
    INT = "int"
    FLOAT = "float"
    NUMBER = "number"  # an int or a float, the int kept exact (arange's bounds)
    BOOL = "bool"
    STR = "str"
    OBJECT = "object"  # any Python value
    GENERATOR = "Generator"  # a random generator object (arguments only)
    SCALAR_TYPE = "ScalarType"  # a dtype, by name (arguments only)
    REAL = "real"  # results only: a number of the unit's dtype
    ACCREAL = "accreal"  # results only: a number of its accumulation type
    NONE = "None"  # results only: nothing

    @property
    def result_only(self) -> bool:
        return self in (BaseKind.REAL, BaseKind.ACCREAL, BaseKind.NONE)

    @property
    def argument_only(self) -> bool:
        return self in (BaseKind.SCALAR, BaseKind.GENERATOR, BaseKind.SCALAR_TYPE)


@dataclass(frozen=True)
class BaseType:
    kind: BaseKind

    def __str__(self) -> str:
        return self.kind.value

    def tensors(self) -> Iterator[TensorType]:
        return iter(())


@dataclass(frozen=True)
class TensorType:
    """``Tensor``, ``Tensor(int64)``, ``Tensor!``: dtype None is the unit's own;
    any other is a lowercase dtype name or ``accreal``, which the model checks."""

    dtype: str | None = None
    written: bool = False  # written in place (`!`)

    def __str__(self) -> str:
        return "Tensor" + (f"({self.dtype})" if self.dtype else "") + ("!" if self.written else "")

    def tensors(self) -> Iterator[TensorType]:
        yield self


@dataclass(frozen=True)
class ListType:
    """``int[]`` (any length), ``int[2]`` (exactly two)."""

    elem: BaseType | TensorType
    size: int | None = None

    def __str__(self) -> str:
        return f"{self.elem}[{self.size or ''}]"

    def tensors(self) -> Iterator[TensorType]:
        return self.elem.tensors()


@dataclass(frozen=True)
class OptionalType:
    """``T?``: T or None."""

    elem: BaseType | TensorType | ListType

    def __str__(self) -> str:
        return f"{self.elem}?"

    def tensors(self) -> Iterator[TensorType]:
        return self.elem.tensors()


Type = BaseType | TensorType | ListType | OptionalType

TENSOR = TensorType()
TENSOR_OUT = TensorType(written=True)
SCALAR = BaseType(BaseKind.SCALAR)
INT = BaseType(BaseKind.INT)
FLOAT = BaseType(BaseKind.FLOAT)
BOOL = BaseType(BaseKind.BOOL)
REAL = BaseType(BaseKind.REAL)
ACCREAL = BaseType(BaseKind.ACCREAL)
NONE = BaseType(BaseKind.NONE)

# What a list may hold.
LIST_ELEMENTS = (BaseKind.SCALAR, BaseKind.INT, BaseKind.FLOAT, BaseKind.BOOL)


@dataclass(frozen=True)
class Arg:
    name: str
    type: Type
    default: str | None = None  # canonical text: None, True, 1, 0.5, 'text', [0, 1]
    keyword_only: bool = False

    def __str__(self) -> str:
        text = f"{self.type} {self.name}"
        return text if self.default is None else f"{text}={self.default}"


@dataclass(frozen=True)
class Return:
    name: str | None  # None only for the one result of a signature
    type: Type

    def __str__(self) -> str:
        return str(self.type) if self.name is None else f"{self.type} {self.name}"


@dataclass(frozen=True)
class Signature:
    name: str
    args: tuple[Arg, ...]
    returns: tuple[Return, ...]  # one unnamed, or two or more named (a named tuple)

    @staticmethod
    def parse(text: str) -> Signature:
        return _Parser(text).signature()

    def __str__(self) -> str:
        parts: list[str] = []
        for arg in self.args:
            if arg.keyword_only and "*" not in parts:
                parts.append("*")
            parts.append(str(arg))
        rets = str(self.returns[0]) if len(self.returns) == 1 else f"({', '.join(map(str, self.returns))})"
        return f"{self.name}({', '.join(parts)}) -> {rets}"

    @property
    def return_type(self) -> Type | None:
        """The type of its one result; None where it returns a named tuple."""
        return self.returns[0].type if len(self.returns) == 1 else None

    @property
    def is_tuple(self) -> bool:
        return len(self.returns) > 1

    @property
    def tensor_args(self) -> tuple[Arg, ...]:
        """Its arguments that are one tensor (of any dtype, written or not)."""
        return tuple(a for a in self.args if isinstance(a.type, TensorType))

    @property
    def is_method(self) -> bool:
        """Whether the op is also a method of the tensor class (its first arg is self, a tensor of the unit)."""
        return (bool(self.args) and self.args[0].name == "self" and isinstance(self.args[0].type, TensorType)
                and self.args[0].type.dtype is None)

    def tensors(self) -> Iterator[tuple[TensorType, bool]]:
        """Every tensor type it mentions, nested ones included, each with whether it is a result."""
        for a in self.args:
            for t in a.type.tensors():
                yield t, False
        for r in self.returns:
            for t in r.type.tensors():
                yield t, True


# ---- parsing ----------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:
    (?P<arrow>->)
  | (?P<number>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<string>'[^']*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[()\[\],*=?!])
)""", re.VERBOSE)
_DTYPE_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_KINDS = {k.value: k for k in BaseKind}
_LITERALS = ("None", "True", "False")


@dataclass(frozen=True)
class _Token:
    kind: str  # arrow, number, string, ident, punct, end
    text: str

    def __str__(self) -> str:
        return "the end" if self.kind == "end" else repr(self.text)


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup is None:
            rest = text[pos:].lstrip()
            if rest.startswith("'"):
                raise SignatureError(f"string {rest!r} is not closed")
            raise SignatureError(f"unexpected character {rest[0]!r} in {text!r}")
        out.append(_Token(m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    out.append(_Token("end", ""))
    return out


def _type_names(position: str) -> str:
    """The types known in an argument or a result, for messages."""
    kinds = [k.value for k in BaseKind if not (k.argument_only if position == "result" else k.result_only)]
    return ", ".join(["Tensor", "Tensor(<dtype>)", "Tensor!"] + kinds)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    # -- tokens
    def peek(self) -> _Token:
        return self.tokens[min(self.pos, len(self.tokens) - 1)]

    def take(self) -> _Token:
        tok = self.peek()
        self.pos += 1
        return tok

    def at(self, text: str) -> bool:
        """Whether the next token is the punctuation text."""
        return self.peek().kind in ("punct", "arrow") and self.peek().text == text

    def accept(self, text: str) -> bool:
        """Take the punctuation text if it comes next."""
        if self.at(text):
            self.pos += 1
            return True
        return False

    # -- the whole
    def signature(self) -> Signature:
        name = self.take()
        if name.kind != "ident" or not self.accept("("):
            raise SignatureError(f"expected 'name(args) -> Type', got {self.text!r}")
        args = self.params()
        if not self.accept("->"):
            raise SignatureError(f"expected '->' and the result after the arguments, found {self.peek()}")
        returns = self.returns(args)
        if self.peek().kind != "end":
            raise SignatureError(f"unexpected {self.peek()} after the result")
        return Signature(name.text, args, returns)

    def params(self) -> tuple[Arg, ...]:
        args: list[Arg] = []
        keyword_only = False
        if self.accept(")"):
            return ()
        while True:
            if self.accept("*"):
                if keyword_only:
                    raise SignatureError("'*' appears twice")
                keyword_only = True
                if self.at(")"):
                    raise SignatureError("'*' must be followed by keyword-only arguments")
                after = "'*'"
            else:
                args.append(self.arg(args, keyword_only))
                after = f"argument {args[-1].name!r}"
            if self.accept(")"):
                break
            if not self.accept(","):
                raise SignatureError(f"expected ',' or ')' after {after}, found {self.peek()}")
        return tuple(args)

    def arg(self, before: list[Arg], keyword_only: bool) -> Arg:
        t = self.type("argument")
        name = self.take()
        if name.kind != "ident":
            raise SignatureError(f"expected an argument name after '{t}', found {name}")
        default = self.default() if self.accept("=") else None
        arg = Arg(name.text, t, default, keyword_only)
        _check_arg(arg, before)
        return arg

    def returns(self, args: tuple[Arg, ...]) -> tuple[Return, ...]:
        out: tuple[Return, ...]
        if not self.accept("("):
            t = self.type("result")
            if self.peek().kind == "ident":
                raise SignatureError(f"a single result is unnamed: write '-> {t}' (only a tuple of several "
                                     f"results names them)")
            out = (Return(None, t),)
        else:
            rets: list[Return] = []
            while True:
                t = self.type("result")
                name = self.take()
                if name.kind != "ident":
                    raise SignatureError(f"the results of a tuple are named, as in '-> (Tensor values, "
                                         f"Tensor(int64) indices)': '{t}' has no name")
                if any(r.name == name.text for r in rets):
                    raise SignatureError(f"result {name.text!r} appears twice")
                if t == NONE:
                    raise SignatureError(f"result {name.text!r}: None cannot be one of several results")
                rets.append(Return(name.text, t))
                if self.accept(")"):
                    break
                if not self.accept(","):
                    raise SignatureError(f"expected ',' or ')' after result {name.text!r}, found {self.peek()}")
            if len(rets) == 1:
                raise SignatureError(f"a tuple of one result: write '-> {rets[0].type}'")
            out = tuple(rets)
        _check_written_results(out, args)
        return out

    # -- types
    def type(self, position: str) -> Type:
        """A type in an argument or a result (position "argument" or "result")."""
        tok = self.take()
        elem: BaseType | TensorType
        if tok.kind == "ident" and tok.text == "Tensor":
            elem = self.tensor()
        elif tok.kind == "ident" and tok.text in _KINDS:
            elem = BaseType(_KINDS[tok.text])
        elif tok.kind == "ident":
            raise SignatureError(f"unknown {position} type {tok.text!r} (known: {_type_names(position)})")
        else:
            raise SignatureError(f"expected a type, found {tok}")
        t: BaseType | TensorType | ListType = self.list_of(elem) if self.accept("[") else elem
        optional = self.accept("?")
        if optional:
            if self.at("?"):
                raise SignatureError(f"'{t}??': a type is optional once")
            if self.at("["):
                raise SignatureError(f"'{t}?[]': a list's elements cannot be optional")
            if isinstance(elem, TensorType) and elem.written:
                raise SignatureError(f"'{t}?': a written tensor cannot be optional")
            if t == NONE:
                raise SignatureError("'None?': None cannot be optional")
        if self.at("!"):
            raise SignatureError(f"'{t}{'?' if optional else ''}!': '!' marks a written tensor and follows Tensor "
                                 f"or Tensor(<dtype>) directly")
        _check_position(elem, position)
        return OptionalType(t) if optional else t

    def tensor(self) -> TensorType:
        dtype = None
        if self.accept("("):
            tok = self.take()
            if tok.kind == "punct" and tok.text == ")":
                raise SignatureError("'Tensor()' names no dtype: write Tensor for the unit's own, "
                                     "Tensor(<dtype>) for another's")
            if tok.kind != "ident":
                raise SignatureError(f"'Tensor(' is not closed: expected a dtype and ')', found {tok}")
            if not _DTYPE_NAME.match(tok.text):
                raise SignatureError(f"'Tensor({tok.text})': a dtype is named in lowercase, as in Tensor(bool)")
            if not self.accept(")"):
                raise SignatureError(f"'Tensor({tok.text}' is not closed: expected ')', found {self.peek()}")
            dtype = tok.text
        return TensorType(dtype, self.accept("!"))

    def list_of(self, elem: BaseType | TensorType) -> ListType:
        size = None
        tok = self.take()
        if not (tok.kind == "punct" and tok.text == "]"):
            if not (tok.kind == "number" and tok.text.isdigit() and int(tok.text) > 0):
                raise SignatureError(f"'{elem}[{tok.text}...': a list's size is a positive integer, or nothing "
                                     f"for any length, as in int[2] or int[]")
            size = int(tok.text)
            if not self.accept("]"):
                raise SignatureError(f"'{elem}[{size}' is not closed: expected ']', found {self.peek()}")
        t = ListType(elem, size)
        if self.at("["):
            raise SignatureError(f"'{t}[]': a list of lists is not a type")
        if isinstance(elem, TensorType) and elem.written:
            raise SignatureError(f"'{t}': a list's tensors cannot be written")
        if isinstance(elem, BaseType) and elem.kind not in LIST_ELEMENTS:
            raise SignatureError(f"'{t}': a list holds Tensor, Tensor(<dtype>), "
                                 f"{', '.join(k.value for k in LIST_ELEMENTS)}")
        return t

    # -- defaults
    def default(self) -> str:
        tok = self.take()
        if tok.kind in ("number", "string") or (tok.kind == "ident" and tok.text in _LITERALS):
            return tok.text
        if tok.kind == "punct" and tok.text == "[":
            items: list[str] = []
            if not self.accept("]"):
                while True:
                    item = self.take()
                    if not (item.kind == "number" or (item.kind == "ident" and item.text in ("True", "False"))):
                        raise SignatureError(f"a list default holds numbers, True or False, not {item}")
                    items.append(item.text)
                    if self.accept("]"):
                        break
                    if not self.accept(","):
                        raise SignatureError(f"expected ',' or ']' in a list default, found {self.peek()}")
            return f"[{', '.join(items)}]"
        raise SignatureError(f"default {tok} is not None, True, False, a number, a 'string' or a [list]")


# ---- rules --------------------------------------------------------------------------


def _check_position(elem: BaseType | TensorType, position: str) -> None:
    """Result-only types are no arguments; argument-only types are no results."""
    if not isinstance(elem, BaseType):
        return
    if position == "argument" and elem.kind.result_only:
        hint = " (an argument of the unit's dtype is Scalar)" if elem.kind == BaseKind.REAL else ""
        raise SignatureError(f"{elem} is a result-only type{hint}")
    if position == "result" and elem.kind.argument_only:
        hint = " (a result of the unit's dtype is real)" if elem.kind == BaseKind.SCALAR else ""
        raise SignatureError(f"{elem} is an argument-only type{hint}")


_INT = re.compile(r"-?\d+\Z")
_NUMBER = re.compile(r"-?\d+(\.\d*)?([eE][-+]?\d+)?\Z")


def _is_int(text: str) -> bool:
    return _INT.match(text) is not None


def _is_number(text: str) -> bool:
    return _NUMBER.match(text) is not None


def _fits(t: Type, default: str) -> bool:
    """Whether default (canonical text) is a value of type t."""
    if isinstance(t, OptionalType):
        return default == "None" or _fits(t.elem, default)
    if default == "None":
        return False
    if isinstance(t, TensorType):
        return False
    if isinstance(t, ListType):
        if not default.startswith("["):
            return False
        items = [s for s in default[1:-1].split(", ") if s]
        if t.size is not None and len(items) != t.size:
            return False
        return all(_fits(t.elem, item) for item in items)
    kind = t.kind
    if kind == BaseKind.BOOL:
        return default in ("True", "False")
    if kind == BaseKind.INT:
        return _is_int(default)
    if kind in (BaseKind.FLOAT, BaseKind.NUMBER, BaseKind.SCALAR):
        return _is_number(default)
    if kind in (BaseKind.STR, BaseKind.SCALAR_TYPE):
        return default.startswith("'")
    if kind == BaseKind.OBJECT:
        return not default.startswith("[")
    return False  # Generator: only None, when optional


def _check_arg(arg: Arg, before: list[Arg]) -> None:
    if any(a.name == arg.name for a in before):
        raise SignatureError(f"argument {arg.name!r} appears twice")
    if isinstance(arg.type, TensorType) and arg.type.written and before:
        raise SignatureError(f"argument {arg.name!r}: only the first argument may be written ({arg.type})")
    if arg.default is None:
        if not arg.keyword_only and any(a.default is not None and not a.keyword_only for a in before):
            raise SignatureError(f"argument {arg.name!r} without a default follows one with a default")
        return
    if arg.default == "None" and not isinstance(arg.type, OptionalType):
        raise SignatureError(f"argument {arg.name!r} defaults to None, so its type needs '?'")
    if not _fits(arg.type, arg.default):
        hint = {
            TensorType: " (a tensor argument's only default is None, where it is optional)",
            ListType: " (a list default is a [list] of its elements, as in [0, 1])",
        }.get(type(arg.type.elem if isinstance(arg.type, OptionalType) else arg.type), "")
        raise SignatureError(f"argument {arg.name!r}: default {arg.default} is not a value of {arg.type}{hint}")


def _check_written_results(returns: tuple[Return, ...], args: tuple[Arg, ...]) -> None:
    """A written result (Tensor!) is the written first argument, returned."""
    written = [r for r in returns if isinstance(r.type, TensorType) and r.type.written]
    if not written:
        return
    first = args[0].type if args else None
    if len(written) > 1:
        raise SignatureError("only one result can be the written first argument")
    if written[0].type != first:
        raise SignatureError(f"a written result ({written[0].type}) is the first argument returned, but the "
                             f"first argument is {first if first is not None else 'missing'}")
