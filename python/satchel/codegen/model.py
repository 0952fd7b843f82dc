"""The spec as typed, frozen objects, validated as they are built.

``load_spec(root)`` reads ``spec/types.yaml`` and ``spec/ops.yaml``; every
problem raises one SpecError naming the file, the line and the op or dtype.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass, field
from pathlib import Path

from .signature import (ACCREAL, BOOL, FLOAT, INT, REAL, SCALAR, TENSOR, TENSOR_OUT, Arg, BaseKind, BaseType, ListType,
                        OptionalType, Return, Signature, SignatureError, TensorType)
from .yamlload import Location, Node, SpecError, load_yaml

LEAF_CLASSES = ("bool", "unsigned", "signed", "floating")
KERNEL_LANGUAGES = ("c++", "cuda")


class AccReal(enum.Enum):
    """The accumulator types a dtype may name: (C++ type, Python type)."""

    INT64 = ("int64", "int64_t", "int")
    UINT64 = ("uint64", "uint64_t", "int")
    FLOAT64 = ("float64", "double", "float")

    @property
    def cpp(self) -> str:
        return self.value[1]

    @property
    def python(self) -> str:
        return self.value[2]

    @staticmethod
    def parse(text: object, where: Location, what: str) -> AccReal:
        for a in AccReal:
            if a.value[0] == text:
                return a
        known = ", ".join(a.value[0] for a in AccReal)
        raise SpecError(where, f"{what}: unknown accreal {text!r} (known: {known})")


PYTHON_TYPES = ("bool", "int", "float")
# DLPack's type codes (DLDataTypeCode).
DLPACK_CODES = {"int": 0, "uint": 1, "float": 2, "bfloat": 4, "complex": 5, "bool": 6}


@dataclass(frozen=True)
class DType:
    name: str
    cpp: str
    compute: str  # the C++ type arithmetic runs in
    cls: str  # a leaf class
    accreal: AccReal
    th: str
    python: str  # the Python type of one element: bool, int or float
    format: str  # its buffer-protocol format character
    dlpack: str  # its DLPack type code's name (DLPACK_CODES)
    range: tuple[int | float, int | float]  # lowest and highest value
    sum: str  # the dtype of its sums along dims (Tensor(sum)): int64 for bool and integers, as PyTorch
    location: Location = field(compare=False, repr=False)


@dataclass(frozen=True)
class Device:
    name: str
    doc: str
    runtime: str | None  # a Python module of device functions (is_available, ...)
    kernels: str  # the language of its kernels: "c++" (compiled with the bindings) or "cuda"
    location: Location = field(compare=False, repr=False)

    @property
    def host_memory(self) -> bool:
        """Whether its tensors live in host memory (it needs no device runtime), where
        NumPy and the buffer protocol can see them."""
        return self.runtime is None

    @property
    def separate_kernels(self) -> bool:
        """Whether its kernels are compiled apart from the bindings (by nvcc, for cuda)."""
        return self.kernels != "c++"


ACCREAL_DTYPE = "accreal"  # Tensor(accreal): a tensor of the unit's accreal dtype
SUM_DTYPE = "sum"  # Tensor(sum): of the dtype its sums along dims have (types.yaml's `sum`)
ROLE_DTYPES = (ACCREAL_DTYPE, SUM_DTYPE)  # dtypes a signature names by their role for the unit


@dataclass(frozen=True)
class Types:
    classes: dict[str, frozenset[str]]  # class name -> leaf classes
    dtypes: tuple[DType, ...]
    devices: tuple[Device, ...]

    def dtypes_of(self, cls: str) -> tuple[DType, ...]:
        leaves = self.classes[cls]
        return tuple(d for d in self.dtypes if d.cls in leaves)

    def dtype_named(self, name: str) -> DType | None:
        return next((d for d in self.dtypes if d.name == name), None)

    def tensor_dtype(self, t: TensorType, unit: DType) -> DType:
        """The dtype of the tensors of type t in unit's signatures: the unit's own
        (Tensor), a named one (Tensor(bool)), its accreal's (Tensor(accreal)) or its
        sums' (Tensor(sum))."""
        roles = {None: unit.name, ACCREAL_DTYPE: unit.accreal.value[0], SUM_DTYPE: unit.sum}
        name = roles.get(t.dtype, t.dtype)
        assert name is not None
        dtype = self.dtype_named(name)
        if dtype is None:  # parse_op has checked that every unit of the op has it
            raise RuntimeError(f"generator bug: {t} of {unit.name} is unknown dtype {name!r}")
        return dtype


@dataclass(frozen=True)
class Pointwise:
    expr: str


class Combine(enum.Enum):
    """How a reduction folds: (name, C++ expression over x and y, identity or None,
    whether it adds, and for min and max whether y beats x, which arg-reductions use).

    A fold starts from the identity; one without (min, max) needs a non-empty
    tensor. "Adds" is what lets sums of narrow integers run in 32-bit lanes."""

    ADD = ("add", "x + y", "0", True, None)
    MUL = ("mul", "x * y", "1", False, None)
    AND = ("and", "x && y", "true", False, None)
    OR = ("or", "x || y", "false", False, None)
    MIN = ("min", "minimum(x, y)", None, False, "precedes(y, x)")
    MAX = ("max", "maximum(x, y)", None, False, "exceeds(y, x)")
    LOGADDEXP = ("logaddexp", "logaddexp(x, y)", "-INFINITY", False, None)  # floating only

    @property
    def expr(self) -> str:
        return self.value[1]

    @property
    def identity(self) -> str | None:
        return self.value[2]

    @property
    def adds(self) -> bool:
        return self.value[3]

    @property
    def beats(self) -> str | None:
        return self.value[4]

    @property
    def default_accumulate(self) -> str:
        """Sums and products accumulate in accreal; the others are exact in compute."""
        return "accreal" if self in (Combine.ADD, Combine.MUL) else "compute"


class Result(enum.Enum):
    """What a reduction or scan along dims gives: the folded values, the index of
    the element a min or max combine picks (argmax), or both (max(dim), cummax),
    or the values and the prior's (var_mean)."""

    VALUE = ("value",)
    INDEX = ("index",)
    BOTH = ("value", "index")
    PRIOR = ("value", "prior")  # and the prior pass's values (var_mean's mean)

    @property
    def indexed(self) -> bool:
        return "index" in self.value


@dataclass(frozen=True)
class Reduce:
    map: str  # over the arguments; the one input itself where the spec gives none
    combine: Combine
    # The map is the product of this many inputs, each at most once (1: the input
    # itself), so each term is at most max|T|^product_of; None where the spec
    # does not say so.
    product_of: int | None
    # Along the signature's dims (tensor results) rather than over all elements to one number.
    along_dims: bool = False
    accumulate: str = "accreal"  # "accreal" or "compute": the type the fold runs in
    project: str = "x"  # the result from the folded value x and the count n folded in (mean: x / n)
    result: Result = Result.VALUE
    # A first fold over the same elements (over self, in the same accumulator
    # type) whose per-result value map and project see as `prior`: var's mean.
    prior: Reduce | None = None
    # The signature's arguments besides the tensors, dim and keepdim (var's
    # correction): members of the map's and project's functors.
    params: tuple[Arg, ...] = ()


@dataclass(frozen=True)
class Scan:
    """A fold along one dim that keeps every prefix's result (cumsum, cummax)."""

    combine: Combine
    accumulate: str
    result: Result


@dataclass(frozen=True)
class Positional:
    """An elementwise expression that also sees the element's row i and column j
    (its indices in the last two dims) and its position `index` in row-major order
    (the counter of a random draw), over tensors of at least min_dims dims."""

    expr: str
    min_dims: int = 0


@dataclass(frozen=True)
class Native:
    name: str
    # The header of cpp/satchel/ (and of cpp/satchel/<device>/ for a device's own)
    # declaring it, which only the shards of its ops include; None for those that
    # every unit includes (unit.h). An edit to it recompiles only those shards.
    header: str | None = None


Body = Pointwise | Reduce | Scan | Positional | Native


@dataclass(frozen=True)
class DeviceBody:
    """An op's body on one device, replacing its own there, and why it must differ."""

    device: str
    body: Body
    why: str

# Python operators an op may provide: name -> number of tensor operands.
OPERATORS = {"add": 2, "sub": 2, "mul": 2, "truediv": 2, "floordiv": 2, "mod": 2, "pow": 2,
             "and": 2, "or": 2, "xor": 2, "lshift": 2, "rshift": 2, "neg": 1, "pos": 1, "abs": 1, "invert": 1,
             "eq": 2, "ne": 2, "lt": 2, "le": 2, "gt": 2, "ge": 2, "matmul": 2}
# Comparisons have no __r<op>__: for `3 < t` Python itself calls t.__gt__(3).
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
# Operators of tensors alone, whatever the op's body (@ is a native's): no Python
# number is an operand, so there is no __r<op>__ either.
TENSOR_OPERATORS = ("matmul",)


@dataclass(frozen=True)
class Op:
    name: str
    doc: str
    sig: Signature  # Types.tensor_dtype gives the dtype of each of its tensors in a unit
    dtypes: str  # a class of Types.classes
    body: Body
    inplace: bool
    operator: str | None
    device_bodies: tuple[DeviceBody, ...]
    location: Location = field(compare=False, repr=False)

    def on(self, device: str) -> Op:
        """The op as a unit of ``device`` has it: with that device's body where the spec names one."""
        for d in self.device_bodies:
            if d.device == device:
                return dataclasses.replace(self, body=d.body, device_bodies=())
        return self

    @property
    def reflected(self) -> bool:
        """Whether the op is also Python's __r<operator>__ (other <op> self for a number other)."""
        return (self.operator is not None and OPERATORS[self.operator] == 2
                and self.operator not in COMPARISONS + TENSOR_OPERATORS)

    def inplace_sig(self) -> Signature:
        """The signature of ``<op>_``: self is written and returned."""
        args = (Arg(self.sig.args[0].name, TENSOR_OUT),) + self.sig.args[1:]
        return Signature(self.name + "_", args, (Return(None, TENSOR_OUT),))


@dataclass(frozen=True)
class Spec:
    types: Types
    ops: tuple[Op, ...]

    def ops_for(self, dtype: DType, device: str | None = None) -> tuple[Op, ...]:
        """The ops of dtype's units; with a device, as that device has them (``Op.on``)."""
        ops = tuple(op for op in self.ops if dtype.cls in self.types.classes[op.dtypes])
        return ops if device is None else tuple(op.on(device) for op in ops)


# ---- types.yaml ---------------------------------------------------------------

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def _name(node: Node, key: str, what: str) -> str:
    value = node.pop_required(key, what)
    if not isinstance(value, str) or not _NAME.match(value):
        raise SpecError(node.where(key), f"{what}: {key} {value!r} is not a lowercase identifier")
    return value


def _text(node: Node, key: str, what: str, default: str | None = None) -> str:
    value = node.pop(key, default) if default is not None else node.pop_required(key, what)
    if not isinstance(value, str) or not value.strip():
        raise SpecError(node.where(key), f"{what}: {key} must be a non-empty string")
    return value.strip()


def _choice(node: Node, key: str, known: tuple[str, ...], what: str) -> str:
    value = node.pop_required(key, what)
    if value not in known:
        raise SpecError(node.where(key), f"{what}: unknown {key} {value!r} (known: {', '.join(known)})")
    return str(value)


def _format(node: Node, what: str) -> str:
    value = node.pop_required("format", what)
    if not isinstance(value, str) or len(value) != 1 or not value.isprintable():
        raise SpecError(node.where("format"), f"{what}: format must be one buffer-protocol format character, "
                                              f"got {value!r}")
    return value


def _range(node: Node, what: str) -> tuple[int | float, int | float]:
    value = node.pop_required("range", what)
    if (not isinstance(value, list) or len(value) != 2 or
            not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) or value[0] >= value[1]):
        raise SpecError(node.where("range"), f"{what}: range must be [lowest, highest], two numbers in order, "
                                             f"got {value!r}")
    return (value[0], value[1])


def _list_of_nodes(value: object, where: Location, what: str) -> list[Node]:
    if not isinstance(value, list) or not all(isinstance(v, Node) for v in value):
        raise SpecError(where, f"{what} must be a list of mappings")
    return value


def parse_types(root: Node | object, path: str) -> Types:
    if not isinstance(root, Node):
        raise SpecError(Location(path, 1), "expected a mapping with keys classes, dtypes, devices")
    classes = _parse_classes(root)
    dtype_nodes = _list_of_nodes(root.pop_required("dtypes", path), root.where("dtypes"), "dtypes")
    device_nodes = _list_of_nodes(root.pop_required("devices", path), root.where("devices"), "devices")
    root.reject_leftovers(path, ["classes", "dtypes", "devices"])
    dtypes: list[DType] = []
    for node in dtype_nodes:
        name = _name(node, "name", "dtype")
        what = f"dtype '{name}'"
        cls = node.pop_required("class", what)
        if cls not in LEAF_CLASSES:
            raise SpecError(node.where("class"), f"{what}: unknown class {cls!r} (known: {', '.join(LEAF_CLASSES)})")
        cpp = _text(node, "cpp", what)
        dtype = DType(
            name=name, cpp=cpp, compute=_text(node, "compute", what, cpp), cls=cls,
            accreal=AccReal.parse(node.pop_required("accreal", what), node.where("accreal"), what),
            th=_text(node, "th", what), python=_choice(node, "python", PYTHON_TYPES, what),
            format=_format(node, what), dlpack=_choice(node, "dlpack", tuple(DLPACK_CODES), what),
            range=_range(node, what), sum=_name(node, "sum", what) if "sum" in node else name,
            location=node.location,
        )
        node.reject_leftovers(what, ["name", "cpp", "compute", "class", "accreal", "th", "python", "format",
                                     "dlpack", "range", "sum"])
        if any(d.name == name for d in dtypes):
            raise SpecError(node.location, f"{what} is declared twice")
        dtypes.append(dtype)
    names = [d.name for d in dtypes]
    for d in dtypes:
        if d.sum not in names:
            raise SpecError(d.location, f"dtype '{d.name}': sum names unknown dtype {d.sum!r} "
                                        f"(known: {', '.join(names)})")
    devices: list[Device] = []
    for node in device_nodes:
        name = _name(node, "name", "device")
        what = f"device '{name}'"
        runtime = node.pop("runtime", None)
        if runtime is not None and not (isinstance(runtime, str) and re.fullmatch(r"[a-z_][a-z0-9_.]*", runtime)):
            raise SpecError(node.where("runtime"), f"{what}: runtime must name a Python module")
        kernels = node.pop("kernels", "c++")
        if kernels not in KERNEL_LANGUAGES:
            raise SpecError(node.where("kernels"), f"{what}: unknown kernels language {kernels!r} "
                                                   f"(known: {', '.join(KERNEL_LANGUAGES)})")
        devices.append(Device(name, _text(node, "doc", what), runtime, kernels, node.location))
        node.reject_leftovers(what, ["name", "doc", "runtime", "kernels"])
    return Types(classes, tuple(dtypes), tuple(devices))


def _parse_classes(root: Node) -> dict[str, frozenset[str]]:
    classes = {c: frozenset([c]) for c in LEAF_CLASSES}
    unions = root.pop("classes", None) or Node()
    if not isinstance(unions, Node):
        raise SpecError(root.where("classes"), "classes must map a name to a list of classes")
    for name, members in unions.items():
        where = unions.where(name)
        if name in classes:
            raise SpecError(where, f"class '{name}' is declared twice")
        if not isinstance(members, list) or not members:
            raise SpecError(where, f"class '{name}' must list its member classes")
        leaves: set[str] = set()
        for m in members:
            if m not in classes:
                raise SpecError(where, f"class '{name}': unknown class {m!r} (known: {', '.join(classes)})")
            leaves |= classes[m]
        classes[name] = frozenset(leaves)
    return classes


# ---- ops.yaml -------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_:]*")


def names_in(expr: str) -> list[tuple[str, bool]]:
    """Identifiers of a C++ expression, each with whether it is called."""
    out = []
    for m in _WORD.finditer(expr):
        if m.start() > 0 and (expr[m.start() - 1].isdigit() or expr[m.start() - 1] == "."):
            continue  # part of a number such as 1e5 or 0.5f
        rest = expr[m.end():].lstrip()
        out.append((m.group(), rest.startswith("(")))
    return out


def _check_expr(expr: object, allowed: set[str], where: Location, what: str, key: str) -> str:
    if not isinstance(expr, (str, int, float)) or isinstance(expr, bool) or not str(expr).strip():
        raise SpecError(where, f"{what}: {key} must be a C++ expression")
    text = str(expr).strip()
    for name, called in names_in(text):
        if not called and name not in allowed:
            raise SpecError(where, f"{what}: {key} '{text}' uses '{name}', which is not one of "
                                   f"{', '.join(sorted(allowed))}")
    return text


BODY_KINDS = ("pointwise", "reduce", "scan", "positional", "native")
# A pointwise body may name the unit dtype's finite range (nan_to_num's defaults).
RANGE_NAMES = ("lowest", "highest")
# A Scalar? argument of a pointwise op reaches its body as NaN where it is None,
# so only floating ops may have one (the body tests is_nan(arg)).
OPTIONAL_SCALAR = OptionalType(SCALAR)
ONE_DIM_TYPES = (INT, OptionalType(INT))  # the dim of arg-reductions
DIM_TYPES = ONE_DIM_TYPES + (ListType(INT), OptionalType(ListType(INT)))
INDEX = TensorType("int64")  # the indices of arg-reductions and of cummax


def _parse_combine(value: Node, what: str) -> Combine:
    name = value.pop_required("combine", what)
    combine = next((c for c in Combine if c.value[0] == name), None)
    if combine is None:
        raise SpecError(value.where("combine"), f"{what}: unknown combine {name!r} "
                                                f"(known: {', '.join(c.value[0] for c in Combine)})")
    return combine


def _parse_result(value: Node, combine: Combine, sig: Signature, what: str, one_dim: bool,
                  has_prior: bool = False) -> Result:
    """`result: value` (the default), `index`, `[value, index]` or `[value, prior]`,
    checked against the signature."""
    raw = value.pop("result", "value")
    where = value.where("result") if "result" in value else value.location
    words = tuple(raw) if isinstance(raw, list) else (raw,)
    result = next((r for r in Result if r.value == words), None)
    if result is None:
        raise SpecError(where, f"{what}: result must be value, index, [value, index] or [value, prior], got {raw!r}")
    types = tuple(r.type for r in sig.returns)
    if result.indexed:
        if combine.beats is None:
            raise SpecError(where, f"{what}: only a min or max combine picks an element whose index it can give")
        if not one_dim:
            raise SpecError(where, f"{what}: an index is along one dim: dim must be int or int?")
    if result == Result.PRIOR and not has_prior:
        raise SpecError(where, f"{what}: result [value, prior] needs a prior")
    want = {Result.VALUE: None, Result.INDEX: (INDEX,), Result.BOTH: (TENSOR, INDEX),
            Result.PRIOR: (TENSOR, TENSOR)}[result]
    if want is None:
        if len(types) != 1 or not isinstance(types[0], TensorType) or types[0].written:
            raise SpecError(where, f"{what}: a reduction along dims returns Tensor or Tensor(<dtype>)")
    elif types != want:
        spelled = {Result.INDEX: "Tensor(int64)", Result.BOTH: "(Tensor values, Tensor(int64) indices)",
                   Result.PRIOR: "(Tensor a, Tensor b)"}[result]
        raise SpecError(where, f"{what}: result {raw} returns {spelled}")
    return result


def _parse_accumulate(value: Node, combine: Combine, what: str) -> str:
    acc = value.pop("accumulate", combine.default_accumulate)
    if acc not in ("accreal", "compute"):
        raise SpecError(value.where("accumulate"), f"{what}: accumulate must be accreal or compute, got {acc!r}")
    return str(acc)


# What a reduction's arguments besides its tensors, dim and keepdim may be: members of its functors.
REDUCE_PARAMS = (INT, BaseType(BaseKind.FLOAT), BOOL)


def _parse_prior(value: object, accumulate: str, names: set[str], where: Location, what: str) -> Reduce:
    """A reduction's prior pass: map (over the reduction's tensors and params),
    combine and project, folded in the main fold's type."""
    if not isinstance(value, Node):
        raise SpecError(where, f"{what}: prior needs a mapping with at least combine")
    combine = _parse_combine(value, f"{what}: prior")
    map_expr = _check_expr(value.pop("map"), names, value.where("map"), what, "prior map") \
        if "map" in value else "self"
    project = _check_expr(value.pop("project"), {"x", "n"}, value.where("project"), what, "prior project") \
        if "project" in value else "x"
    value.reject_leftovers(f"{what}: prior", ["map", "combine", "project"])
    return Reduce(map_expr, combine, None, accumulate=accumulate, project=project)


def _parse_reduce(value: Node, sig: Signature, where: Location, what: str) -> Reduce:
    along_dims = any(isinstance(r.type, TensorType) for r in sig.returns)
    names = [a.name for a in sig.args]
    if along_dims:
        args = [(a.name, a.type) for a in sig.args]
        dim = next((a for a in sig.args if a.name == "dim"), None)
        rest = [t for name, t in args[1:] if name not in ("dim", "keepdim")]
        if args[0] != ("self", TENSOR) or dim is None or dim.type not in DIM_TYPES or \
                any(name == "keepdim" and t != BOOL for name, t in args) or any(t not in REDUCE_PARAMS for t in rest):
            raise SpecError(where, f"{what}: a reduction along dims takes (Tensor self, <int, int?, int[] or int[]?> "
                                   f"dim[, bool keepdim]) and int, float or bool arguments")
        names = ["self"]
        params = tuple(a for a in sig.args[1:] if a.name not in ("dim", "keepdim"))
    else:
        if sig.returns[0].type not in (ACCREAL, REAL) or sig.is_tuple:
            raise SpecError(where, f"{what}: a reduction returns accreal or real, or tensors along dims")
        tensors = [a for a in sig.args if a.type == TENSOR]
        params = tuple(sig.args[len(tensors):])
        if list(sig.args[:len(tensors)]) != tensors or any(a.type not in REDUCE_PARAMS for a in params):
            raise SpecError(where, f"{what}: a reduction to one number takes Tensor arguments, then int, float or "
                                   f"bool ones")
        names = [a.name for a in tensors]
    param_names = {a.name for a in params}
    combine = _parse_combine(value, what)
    accumulate = _parse_accumulate(value, combine, what) if along_dims else \
        "accreal" if sig.return_type == ACCREAL else "compute"
    prior_where = value.where("prior") if "prior" in value else where
    prior = _parse_prior(value.pop("prior"), accumulate, set(names) | param_names, prior_where, what) \
        if "prior" in value else None
    seen = {"prior"} if prior else set()
    if "map" in value:
        map_expr = _check_expr(value.pop("map"), set(names) | param_names | seen, value.where("map"), what, "map")
    elif len(names) == 1:
        map_expr = names[0]
    else:
        raise SpecError(where, f"{what}: a reduction of {len(names)} tensors needs a map")
    product_of = value.pop("product_of", 1 if map_expr in names else None)
    if product_of is not None:
        factors = [f.strip() for f in map_expr.split("*")]
        if (not isinstance(product_of, int) or isinstance(product_of, bool) or len(factors) != product_of or
                len(set(factors)) != len(factors) or not set(factors) <= set(names)):
            raise SpecError(value.where("product_of"), f"{what}: product_of {product_of!r} says the map is a product "
                                                       f"of that many distinct inputs, but it is '{map_expr}'")
    project = _check_expr(value.pop("project"), {"x", "n"} | param_names | seen, value.where("project"), what,
                          "project") if "project" in value else "x"
    if prior and combine.identity is None:
        raise SpecError(prior_where, f"{what}: a reduction with a prior needs a combine with an identity (add, mul, and, "
                               f"or)")
    if not along_dims:
        value.reject_leftovers(f"{what}: reduce", ["map", "combine", "product_of", "project", "prior"])
        return Reduce(map_expr, combine, product_of, accumulate=accumulate, project=project, prior=prior,
                      params=params)
    one_dim = next(a for a in sig.args if a.name == "dim").type in ONE_DIM_TYPES
    result = _parse_result(value, combine, sig, what, one_dim, prior is not None)
    if result.indexed and (map_expr != "self" or project != "x" or accumulate != "compute" or params):
        raise SpecError(where, f"{what}: a reduction that gives an index has no map, project, accumulate or "
                               f"arguments besides dim and keepdim: it picks an element")
    value.reject_leftovers(f"{what}: reduce", ["map", "combine", "product_of", "accumulate", "project", "result",
                                               "prior"])
    return Reduce(map_expr, combine, product_of, True, accumulate, project, result, prior, params)


def _parse_scan(value: Node, sig: Signature, where: Location, what: str) -> Scan:
    if [(a.name, a.type) for a in sig.args] != [("self", TENSOR), ("dim", INT)]:
        raise SpecError(where, f"{what}: a scan takes (Tensor self, int dim)")
    combine = _parse_combine(value, what)
    result = _parse_result(value, combine, sig, what, True)
    accumulate = _parse_accumulate(value, combine, what)
    if result.indexed and accumulate != "compute":
        raise SpecError(where, f"{what}: a scan that gives indices picks elements: it accumulates in compute")
    value.reject_leftovers(f"{what}: scan", ["combine", "result", "accumulate"])
    return Scan(combine, accumulate, result)


# What a positional body's arguments after self may be: each is a member of its functor.
POSITIONAL_ARGS = (SCALAR, INT, BaseType(BaseKind.FLOAT), BOOL)


def _parse_positional(value: object, sig: Signature, where: Location, what: str) -> Positional:
    if sig.args[0].type != TENSOR or any(a.type not in POSITIONAL_ARGS for a in sig.args[1:]):
        raise SpecError(where, f"{what}: a positional op takes Tensor self, then Scalar, int, float or bool arguments")
    if sig.returns[0].type != TENSOR or sig.is_tuple:
        raise SpecError(where, f"{what}: a positional op returns Tensor")
    if not isinstance(value, Node):
        raise SpecError(where, f"{what}: positional needs a mapping with expr and optionally min_dims")
    names = {a.name for a in sig.args} | {"i", "j", "index"}
    expr = _check_expr(value.pop_required("expr", what), names, value.where("expr"), what, "expr")
    min_dims = value.pop("min_dims", 0)
    if not isinstance(min_dims, int) or isinstance(min_dims, bool) or not 0 <= min_dims <= 2:
        raise SpecError(value.where("min_dims"), f"{what}: min_dims must be 0, 1 or 2, got {min_dims!r}")
    value.reject_leftovers(f"{what}: positional", ["expr", "min_dims"])
    return Positional(expr, min_dims)


def _parse_body(node: Node, sig: Signature, what: str) -> Body:
    kinds = [k for k in BODY_KINDS if k in node]
    if len(kinds) != 1:
        raise SpecError(node.location, f"{what}: needs exactly one body ({', '.join(BODY_KINDS)}), "
                                       f"found {len(kinds) or 'none'}")
    kind = kinds[0]
    where = node.where(kind)
    value = node.pop(kind)
    if kind == "native":  # a native takes and returns whatever cpp.py can spell
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise SpecError(where, f"{what}: native must name a C++ template in satchel::native")
        return Native(value)
    if not sig.is_method:
        raise SpecError(where, f"{what}: a {kind} op's first argument must be 'Tensor self'")
    if kind == "positional":
        return _parse_positional(value, sig, where, what)
    if kind in ("reduce", "scan"):
        if not isinstance(value, Node):
            raise SpecError(where, f"{what}: {kind} needs a mapping with at least combine")
        return _parse_reduce(value, sig, where, what) if kind == "reduce" else _parse_scan(value, sig, where, what)
    bad = [a for a in sig.args if a.type not in (TENSOR, TENSOR_OUT, SCALAR, OPTIONAL_SCALAR, FLOAT, BOOL)]
    if bad:
        raise SpecError(where, f"{what}: a pointwise op takes only Tensor, Scalar, Scalar?, float and bool "
                               f"arguments, not {bad[0].type} {bad[0].name}")
    if any(a.type == OPTIONAL_SCALAR and a.default != "None" for a in sig.args):
        raise SpecError(where, f"{what}: a Scalar? argument of a pointwise op defaults to None")
    ret = sig.return_type
    if sig.args[0].type == TENSOR_OUT:
        if ret != TENSOR_OUT:
            raise SpecError(where, f"{what}: a pointwise op that writes self returns Tensor!")
    elif not (isinstance(ret, TensorType) and not ret.written) or sig.is_tuple:
        raise SpecError(where, f"{what}: a pointwise op returns Tensor or Tensor(<dtype>)")
    return Pointwise(_check_expr(value, {a.name for a in sig.args} | set(RANGE_NAMES), where, what, kind))


def _check_signature(sig: Signature, dtypes: tuple[DType, ...], types: Types, where: Location, what: str) -> None:
    """What the signature language leaves to the spec: dtype names, defaults that
    depend on the dtypes, and the forms no body kind can generate yet."""
    known = [d.name for d in types.dtypes] + list(ROLE_DTYPES)
    for t, _ in sig.tensors():
        if t.dtype is None:
            continue
        if t.dtype not in known:
            raise SpecError(where, f"{what}: {t} names an unknown dtype (known: {', '.join(known)})")
        if t.dtype == ACCREAL_DTYPE:
            for d in dtypes:
                if types.dtype_named(d.accreal.value[0]) is None:
                    raise SpecError(where, f"{what}: {t} of the {d.name} unit is a tensor of {d.accreal.value[0]}, "
                                           f"which spec/types.yaml does not declare")
    for arg in sig.args:
        inner = arg.type.elem if isinstance(arg.type, OptionalType) else arg.type
        if arg.default is None or arg.default == "None" or not isinstance(inner, BaseType):
            continue
        if inner.kind == BaseKind.SCALAR_TYPE and types.dtype_named(arg.default.strip("'")) is None:
            raise SpecError(where, f"{what}: argument {arg.name!r}: default {arg.default} names no dtype "
                                   f"(known: {', '.join(d.name for d in types.dtypes)})")
        if inner.kind == BaseKind.SCALAR:  # a number every unit's dtype holds (a float only a floating one)
            value: int | float = int(arg.default) if re.fullmatch(r"-?\d+", arg.default) else float(arg.default)
            for d in dtypes:
                if (d.cls != "floating" and isinstance(value, float)) or not d.range[0] <= value <= d.range[1]:
                    raise SpecError(where, f"{what}: argument {arg.name!r}: default {arg.default} is not a "
                                           f"{d.name} number")


OP_KEYS = ["op", "doc", "sig", "dtypes", *BODY_KINDS, "header", "inplace", "operator", "on_device"]


def _parse_device_bodies(node: Node, sig: Signature, body: Body, types: Types, what: str) -> tuple[DeviceBody, ...]:
    """``on_device: {cuda: {native: name, why: text}}``: a body for some devices, each with its reason."""
    value = node.pop("on_device", None)
    if value is None:
        return ()
    if not isinstance(value, Node) or not value:
        raise SpecError(node.where("on_device"), f"{what}: on_device must map device names to bodies")
    devices = [d.name for d in types.devices]
    out = []
    for device, entry in value.items():
        where = value.where(device)
        dwhat = f"{what} on device '{device}'"
        if device not in devices:
            raise SpecError(where, f"{what}: on_device names unknown device {device!r} (known: {', '.join(devices)})")
        if not isinstance(entry, Node):
            raise SpecError(where, f"{dwhat}: needs a body ({', '.join(BODY_KINDS)}) and why")
        entry.reject_unknown(dwhat, [*BODY_KINDS, "why"])
        if "why" not in entry:
            raise SpecError(where, f"{dwhat}: a device-specific body must say why (key 'why')")
        why = _text(entry, "why", dwhat)
        device_body = _parse_body(entry, sig, dwhat)
        if device_body == body:
            raise SpecError(where, f"{dwhat}: the body is the op's own; drop it")
        out.append(DeviceBody(device, device_body, why))
    return tuple(out)


def parse_op(node: Node, types: Types) -> Op:
    name = node.pop_required("op", "op entry")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise SpecError(node.where("op"), f"op name {name!r} is not a lowercase identifier")
    what = f"op '{name}'"
    node.reject_unknown(what, OP_KEYS)
    try:
        sig = Signature.parse(_text(node, "sig", what))
    except SignatureError as e:
        raise SpecError(node.where("sig"), f"{what}: malformed signature: {e}") from None
    if sig.name != name:
        raise SpecError(node.where("sig"), f"{what}: the signature names '{sig.name}'")
    cls = node.pop_required("dtypes", what)
    if cls not in types.classes:
        raise SpecError(node.where("dtypes"), f"{what}: unknown dtype class {cls!r} "
                                              f"(known: {', '.join(types.classes)})")
    _check_signature(sig, types.dtypes_of(cls), types, node.where("sig"), what)
    doc = _text(node, "doc", what)
    body = _parse_body(node, sig, what)
    header = node.pop("header", None)
    if header is not None:
        if not isinstance(body, Native):
            raise SpecError(node.where("header"), f"{what}: only a native names a header")
        if not isinstance(header, str) or not re.fullmatch(r"[a-z][a-z0-9_]*\.h", header):
            raise SpecError(node.where("header"), f"{what}: header must name a file of cpp/satchel/ "
                                                  f"such as sorting.h, not {header!r}")
        body = Native(body.name, header)
    inplace = node.pop("inplace", False)
    if not isinstance(inplace, bool):
        raise SpecError(node.where("inplace"), f"{what}: inplace must be true or false")
    if inplace and (not isinstance(body, Pointwise) or sig.args[0].type != TENSOR):
        raise SpecError(node.where("inplace"), f"{what}: only an out-of-place pointwise op has an in-place form")
    if inplace and sig.return_type != TENSOR:
        raise SpecError(node.where("inplace"), f"{what}: self cannot hold a {sig.return_type} result, "
                                               f"so there is no in-place form")
    if isinstance(body, Pointwise) and any(a.type == OPTIONAL_SCALAR for a in sig.args) and cls != "floating":
        raise SpecError(node.where("sig"), f"{what}: a pointwise op's Scalar? arguments reach its body as NaN "
                                           f"where None, so the op must be floating, not {cls}")
    device_bodies = _parse_device_bodies(node, sig, body, types, what)
    pointwise_operator = node.get("operator") is not None and node.get("operator") not in TENSOR_OPERATORS
    if (inplace or pointwise_operator) and any(not isinstance(d.body, Pointwise) for d in device_bodies):
        raise SpecError(node.where("on_device"), f"{what}: an op with an in-place form or an operator "
                                                 f"needs a pointwise body on every device")
    operator = node.pop("operator", None)
    if operator is not None:
        if operator not in OPERATORS:
            raise SpecError(node.where("operator"), f"{what}: unknown operator {operator!r} "
                                                    f"(known: {', '.join(OPERATORS)})")
        if operator in TENSOR_OPERATORS:
            if [a.type for a in sig.args] != [TENSOR] * OPERATORS[operator] or sig.return_type != TENSOR:
                raise SpecError(node.where("operator"), f"{what}: operator '{operator}' needs an op of "
                                                        f"{OPERATORS[operator]} Tensor argument(s) returning a Tensor")
        elif not isinstance(body, Pointwise) or len(sig.args) != OPERATORS[operator]:
            raise SpecError(node.where("operator"), f"{what}: operator '{operator}' needs a pointwise op "
                                                    f"of {OPERATORS[operator]} argument(s)")
    return Op(name, doc, sig, cls, body, inplace, operator, device_bodies, node.location)


def parse_ops(root: object, path: str, types: Types) -> tuple[Op, ...]:
    nodes = _list_of_nodes(root, Location(path, 1), path)
    ops: dict[str, Op] = {}
    for node in nodes:
        op = parse_op(node, types)
        names = [op.name] + ([op.name + "_"] if op.inplace else [])
        for n in names:
            if n in ops:
                raise SpecError(node.location, f"op '{n}' is declared twice (first at {ops[n].location})")
            ops[n] = op
    return tuple(dict.fromkeys(ops.values()))


def load_spec(root: Path) -> Spec:
    """Load and validate the spec under ``root`` (the repository)."""
    types = parse_types(load_yaml(root / "spec/types.yaml", "spec/types.yaml"), "spec/types.yaml")
    ops = parse_ops(load_yaml(root / "spec/ops.yaml", "spec/ops.yaml"), "spec/ops.yaml", types)
    return Spec(types, ops)
