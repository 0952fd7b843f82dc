"""The generator: spec validation errors, signature round trips, --check, minimal writes."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from satchel.codegen.__main__ import main
from satchel.codegen.emit import render_all, sync
from satchel.codegen.model import load_spec
from satchel.codegen.signature import (INT, TENSOR, Arg, BaseKind, BaseType, ListType, OptionalType, Return, Signature,
                                       TensorType)
from satchel.codegen.yamlload import SpecError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the spec, templates and generated output to break."""
    for name in ("spec", "templates", "generated"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def spec_error(repo: Path) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(repo)
    return str(info.value)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


# ---- validation: one test per kind of error ------------------------------------


def test_unknown_key_names_file_line_and_op(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  dtypes: floating\n  pointwise: exp(self)", "  dtypes: floating\n  pointwize: exp(self)")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, 'pointwize')}: op 'exp'")
    assert "unknown key 'pointwize'" in msg


def test_misspelled_optional_key(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  inplace: true\n  operator: add", "  inplace: true\n  operater: add")
    msg = spec_error(repo)
    assert msg == (f"spec/ops.yaml:{line_of(ops, 'operater')}: op 'add': unknown key 'operater' "
                   "(known: op, doc, sig, dtypes, pointwise, reduce, scan, positional, native, header, inplace, "
                   "operator, on_device)")


def test_header_only_for_a_native(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  dtypes: floating\n  pointwise: exp(self)", "  dtypes: floating\n  pointwise: exp(self)\n  header: e.h")
    assert spec_error(repo) == f"spec/ops.yaml:{line_of(ops, 'header: e.h')}: op 'exp': only a native names a header"


def test_header_names_a_file_of_cpp_satchel(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  native: sort\n  header: sorting.h", "  native: sort\n  header: ../sorting.h")
    assert spec_error(repo) == (f"spec/ops.yaml:{line_of(ops, 'header: ../sorting.h')}: op 'sort': header must "
                                "name a file of cpp/satchel/ such as sorting.h, not '../sorting.h'")


def test_a_natives_header_is_included_by_its_shards_only() -> None:
    spec = load_spec(ROOT)
    with_header = [op.name for op in spec.ops if getattr(op.body, "header", None) == "sorting.h"]
    files = render_all(spec, ROOT / "templates")
    for device, include in (("cpu", "#include <satchel/sorting.h>"), ("cuda", "#include <satchel/cuda/sorting.h>")):
        shards = {path: text for path, text in files.items() if path.startswith(f"{device}/float32/shard")}
        calls = [f"native::{name}<Tensor>(" for name in with_header]
        for text in shards.values():
            assert (include in text) == any(call in text for call in calls)
    assert "sorting.h" not in (ROOT / "cpp/satchel/unit.h").read_text()


def test_matmul_operator_needs_two_tensors(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  dtypes: numeric\n  native: addr\n", "  dtypes: numeric\n  native: addr\n  operator: matmul\n")
    msg = spec_error(repo)
    assert msg == (f"spec/ops.yaml:{line_of(ops, 'native: addr') + 1}: op 'addr': operator 'matmul' needs an op "
                   "of 2 Tensor argument(s) returning a Tensor")


def test_unknown_dtype_class(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  sig: dot(Tensor self, Tensor other) -> accreal\n  dtypes: all",
         "  sig: dot(Tensor self, Tensor other) -> accreal\n  dtypes: floaty")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, 'floaty')}: op 'dot': unknown dtype class 'floaty'")
    assert "(known: bool, unsigned, signed, floating, integral, numeric, all, bitwise)" in msg


def test_duplicate_op(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    ops.write_text(ops.read_text() + "\n- op: sumall\n  doc: again\n  sig: sumall(Tensor self) -> accreal\n"
                   "  dtypes: all\n  native: sumall\n")
    msg = spec_error(repo)
    assert "op 'sumall' is declared twice (first at spec/ops.yaml:" in msg


def test_inplace_form_clashing_with_an_op(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    ops.write_text(ops.read_text() + "\n- op: add_\n  doc: clash\n  sig: add_(Tensor! self, Scalar v) -> Tensor!\n"
                   "  dtypes: all\n  pointwise: v\n")
    assert "op 'add_' is declared twice" in spec_error(repo)


# One row per kind of malformed signature: (dot's signature replaced by, what the message says).
MALFORMED = [
    ("dot Tensor self -> accreal", "expected 'name(args) -> Type', got 'dot Tensor self -> accreal'"),
    ("dot(Tensor self, Tensor other -> accreal", "expected ',' or ')' after argument 'other', found '->'"),
    ("dot(Tensor self, Tensor other) accreal", "expected '->' and the result after the arguments, found 'accreal'"),
    ("dot(Tensor self, Tensor other) -> accreal accreal",
     "a single result is unnamed: write '-> accreal' (only a tuple of several results names them)"),
    ("dot(Tensor self, Tensr other) -> accreal",
     "unknown argument type 'Tensr' (known: Tensor, Tensor(<dtype>), Tensor!, Scalar, int, float, number, bool, str, "
     "object, Generator, ScalarType)"),
    ("dot(Tensor self, Tensor other) -> acreal",
     "unknown result type 'acreal' (known: Tensor, Tensor(<dtype>), Tensor!, int, float, number, bool, str, object, "
     "real, accreal, None)"),
    ("dot(Tensor self, Tensor(int64 other) -> accreal", "'Tensor(int64' is not closed: expected ')', found 'other'"),
    ("dot(Tensor self, Tensor( -> accreal", "'Tensor(' is not closed: expected a dtype and ')', found '->'"),
    ("dot(Tensor self, Tensor() other) -> accreal", "'Tensor()' names no dtype"),
    ("dot(Tensor self, Tensor(Int64) other) -> accreal",
     "'Tensor(Int64)': a dtype is named in lowercase, as in Tensor(bool)"),
    ("dot(Tensor self, int[x] other) -> accreal", "'int[x...': a list's size is a positive integer, or nothing"),
    ("dot(Tensor self, int[0] other) -> accreal", "'int[0...': a list's size is a positive integer"),
    ("dot(Tensor self, int[2 other) -> accreal", "'int[2' is not closed: expected ']', found 'other'"),
    ("dot(Tensor self, int[][] other) -> accreal", "'int[][]': a list of lists is not a type"),
    ("dot(Tensor self, str[] other) -> accreal",
     "'str[]': a list holds Tensor, Tensor(<dtype>), Scalar, int, float, bool"),
    ("dot(Tensor self, Tensor?[] other) -> accreal", "'Tensor?[]': a list's elements cannot be optional"),
    ("dot(Tensor self, Tensor![] other) -> accreal", "'Tensor![]': a list's tensors cannot be written"),
    ("dot(Tensor self, int?? other=None) -> accreal", "'int??': a type is optional once"),
    ("dot(Tensor! self, Tensor other) -> Tensor!?", "'Tensor!?': a written tensor cannot be optional"),
    ("dot(Tensor self, int?! other) -> accreal", "'int?!': '!' marks a written tensor"),
    ("dot(Tensor self, Tensor self) -> accreal", "argument 'self' appears twice"),
    ("dot(Tensor self, int k=1, Tensor other) -> accreal",
     "argument 'other' without a default follows one with a default"),
    ("dot(Tensor self, *, int k, *, Tensor other) -> accreal", "'*' appears twice"),
    ("dot(Tensor self, Tensor other, *) -> accreal", "'*' must be followed by keyword-only arguments"),
    ("dot(Tensor self, Tensor other) -> (Tensor, Tensor)",
     "the results of a tuple are named, as in '-> (Tensor values, Tensor(int64) indices)': 'Tensor' has no name"),
    ("dot(Tensor self, Tensor other) -> (Tensor values)", "a tuple of one result: write '-> Tensor'"),
    ("dot(Tensor self, Tensor other) -> (Tensor x, Tensor x)", "result 'x' appears twice"),
    ("dot(Tensor self, Tensor other) -> (Tensor x, None y)", "result 'y': None cannot be one of several results"),
    ("dot(Tensor self, Tensor other) -> None?", "'None?': None cannot be optional"),
    ("dot(Tensor self, Tensor other=None) -> accreal", "argument 'other' defaults to None, so its type needs '?'"),
    ("dot(Tensor self, Tensor other=1) -> accreal",
     "argument 'other': default 1 is not a value of Tensor (a tensor argument's only default is None"),
    ("dot(Tensor self, int k=1.5) -> accreal", "argument 'k': default 1.5 is not a value of int"),
    ("dot(Tensor self, bool b=1) -> accreal", "argument 'b': default 1 is not a value of bool"),
    ("dot(Tensor self, int[2] p=[1]) -> accreal", "argument 'p': default [1] is not a value of int[2]"),
    ("dot(Tensor self, int[] p=3) -> accreal", "argument 'p': default 3 is not a value of int[]"),
    ("dot(Tensor self, Generator g=1) -> accreal", "argument 'g': default 1 is not a value of Generator"),
    ("dot(Tensor self, int k=x) -> accreal", "default 'x' is not None, True, False, a number, a 'string' or a [list]"),
    ("dot(Tensor self, int[] k=[x]) -> accreal", "a list default holds numbers, True or False, not 'x'"),
    ("dot(Tensor self, str s='x) -> accreal", "string \"'x) -> accreal\" is not closed"),
    ("dot(Tensor self, Tensor other) -> Tensor%", "unexpected character '%'"),
    ("dot(Tensor self, real other) -> accreal",
     "real is a result-only type (an argument of the unit's dtype is Scalar)"),
    ("dot(Tensor self, accreal[] other) -> accreal", "'accreal[]': a list holds"),
    ("dot(Tensor self, Tensor other) -> Generator", "Generator is an argument-only type"),
    ("dot(Tensor self, Tensor other) -> ScalarType?", "ScalarType is an argument-only type"),
    ("dot(Tensor self, Tensor other) -> Scalar",
     "Scalar is an argument-only type (a result of the unit's dtype is real)"),
    ("dot(Tensor self, Tensor! other) -> accreal",
     "argument 'other': only the first argument may be written (Tensor!)"),
    ("dot(Tensor self, Tensor other) -> Tensor!",
     "a written result (Tensor!) is the first argument returned, but the first argument is Tensor"),
    ("dotty(Tensor self, Tensor other) -> accreal", "the signature names 'dotty'"),
]


@pytest.mark.parametrize(("sig", "problem"), MALFORMED, ids=[p for p, _ in MALFORMED])
def test_malformed_signature(repo: Path, sig: str, problem: str) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "sig: dot(Tensor self, Tensor other) -> accreal", f"sig: {sig}")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, f'sig: {sig}')}: op 'dot': "), msg
    assert problem in msg, msg


# What the signature language accepts but the spec does not: (old text of spec/ops.yaml,
# new text, the op, the line's text, the message).
REJECTED = [
    ("eq(Tensor self, Tensor other) -> Tensor(bool)", "eq(Tensor self, Tensor other) -> Tensor(int65)", "eq",
     "Tensor(int65) names an unknown dtype (known: bool, uint8, int8, int16, int32, int64, float16, float32, "
     "float64, accreal, sum)"),
    ("eq(Tensor self, Tensor other) -> Tensor(bool)", "eq(Tensor self, Tensor other) -> Tensor(accreal)", "eq",
     "Tensor(accreal) of the uint8 unit is a tensor of uint64, which spec/types.yaml does not declare"),
    ("from_tensor(object x) -> Tensor", "from_tensor(object x, ScalarType dtype='float33') -> Tensor",
     "from_tensor", "argument 'dtype': default 'float33' names no dtype (known: bool, uint8,"),
    ("full(int[] size, Scalar value) -> Tensor", "full(int[] size, Scalar value=2) -> Tensor", "full",
     "argument 'value': default 2 is not a bool number"),
    ("add(Tensor self, Tensor other) -> Tensor", "add(Tensor self, Tensor other, Scalar alpha=0.5) -> Tensor", "add",
     "argument 'alpha': default 0.5 is not a uint8 number"),
]


@pytest.mark.parametrize(("old", "new", "op", "problem"), REJECTED, ids=[r[3][:40] for r in REJECTED])
def test_signature_the_spec_rejects(repo: Path, old: str, new: str, op: str, problem: str) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, f"sig: {old}", f"sig: {new}")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, f'sig: {new}')}: op '{op}': "), msg
    assert problem in msg, msg


# What a body kind cannot generate: (old text, new text, the op, the text of the line named, the message).
POINTWISE_ONLY = "a pointwise op takes only Tensor, Scalar, Scalar?, float and bool arguments, not "
UNSUPPORTED_BY_BODY = [
    ("sig: exp(Tensor self) -> Tensor", "sig: exp(Tensor self, int[]? dim=None) -> Tensor", "exp",
     "pointwise: exp(self)", POINTWISE_ONLY + "int[]? dim"),
    ("sig: add(Tensor self, Tensor other) -> Tensor", "sig: add(Tensor self, Tensor(bool) other) -> Tensor", "add",
     "pointwise: self + other", POINTWISE_ONLY + "Tensor(bool) other"),
    ("sig: add(Tensor self, Tensor other) -> Tensor", "sig: add(Tensor self, Tensor[] other) -> Tensor", "add",
     "pointwise: self + other", POINTWISE_ONLY + "Tensor[] other"),
    ("sig: exp(Tensor self) -> Tensor", "sig: exp(Tensor self, *, Generator? generator=None) -> Tensor", "exp",
     "pointwise: exp(self)", "not Generator? generator"),
    ("sig: exp(Tensor self) -> Tensor", "sig: exp(Tensor self, Scalar? base=2.0) -> Tensor", "exp",
     "pointwise: exp(self)", "a Scalar? argument of a pointwise op defaults to None"),
    ("sig: exp(Tensor self) -> Tensor", "sig: exp(Tensor self) -> Tensor[]", "exp",
     "pointwise: exp(self)", "a pointwise op returns Tensor or Tensor(<dtype>)"),
    ("sig: fill_(Tensor! self, Scalar value) -> Tensor!", "sig: fill_(Tensor! self, Scalar value) -> None", "fill_",
     "pointwise: value", "a pointwise op that writes self returns Tensor!"),
    ("sig: sumall(Tensor self) -> accreal", "sig: sumall(Tensor self) -> Tensor(bool)", "sumall",
     "reduce: {combine: add}", "a reduction along dims takes (Tensor self, <int, int?, int[] or int[]?> dim"
                               "[, bool keepdim])"),
    ("sig: sumall(Tensor self) -> accreal", "sig: sumall(Tensor self, *, ScalarType? dtype=None) -> accreal",
     "sumall", "reduce: {combine: add}", "a reduction to one number takes Tensor arguments, then int, float or bool ones"),
    ("sig: sumall(Tensor self) -> accreal", "sig: sumall(Tensor self) -> (real n, real x)", "sumall",
     "reduce: {combine: add}", "a reduction returns accreal or real, or tensors along dims"),
    ("reduce: {combine: max, result: index}", "reduce: {combine: add, result: index}", "argmax",
     "reduce: {combine: add, result: index}", "only a min or max combine picks an element whose index it can give"),
    ("sig: argmax(Tensor self, int? dim=None,", "sig: argmax(Tensor self, int[]? dim=None,", "argmax",
     "reduce: {combine: max, result: index}", "an index is along one dim: dim must be int or int?"),
    ("-> (Tensor values, Tensor(int64) indices)\n  dtypes: all\n  reduce: {combine: max",
     "-> (Tensor values, Tensor indices)\n  dtypes: all\n  reduce: {combine: max", "max",
     "reduce: {combine: max, result: [value, index]}",
     "result ['value', 'index'] returns (Tensor values, Tensor(int64) indices)"),
    ("reduce: {combine: add, project: x / n}", "reduce: {combine: add, project: x / count}", "mean",
     "reduce: {combine: add, project: x / count}", "project 'x / count' uses 'count', which is not one of n, x"),
    ("reduce: {combine: max, result: index}", "reduce: {combine: max, result: index, accumulate: accreal}", "argmax",
     "reduce: {combine: max, result: index, accumulate: accreal}",
     "a reduction that gives an index has no map, project, accumulate or arguments besides dim and keepdim: it "
     "picks an element"),
    ("reduce: {combine: add, project: x / n}", "reduce: {combine: add, project: x / n, result: [value, prior]}",
     "mean", "reduce: {combine: add, project: x / n, result: [value, prior]}",
     "result [value, prior] needs a prior"),
    ("    prior: {map: \"accreal(!is_nan(self))\", combine: add}", "    prior: {map: other, combine: add}", "nanmean",
     "    prior: {map: other, combine: add}", "prior map 'other' uses 'other', which is not one of self"),
    ("    prior: {combine: max}\n    map: exp(self - finite_or_zero(prior))\n    combine: add",
     "    prior: {combine: max}\n    map: exp(self - finite_or_zero(prior))\n    combine: max", "logsumexp",
     "    prior: {combine: max}", "a reduction with a prior needs a combine with an identity"),
    ("sig: cumsum(Tensor self, int dim)", "sig: cumsum(Tensor self, int[] dim)", "cumsum", "scan: {combine: add}",
     "a scan takes (Tensor self, int dim)"),
    ("scan: {combine: add}", "scan: {combine: add, result: index}", "cumsum", "scan: {combine: add, result: index}",
     "only a min or max combine picks an element"),
    ("sig: tril(Tensor self, int diagonal=0) -> Tensor", "sig: tril(Tensor self, int diagonal=0) -> Tensor(bool)",
     "tril", 'positional: {expr: "j - i <= diagonal ? self : compute(0)", min_dims: 2}',
     "a positional op returns Tensor"),
    ("sig: tril(Tensor self, int diagonal=0) -> Tensor", "sig: tril(Tensor self, str diagonal='0') -> Tensor",
     "tril", 'positional: {expr: "j - i <= diagonal ? self : compute(0)", min_dims: 2}',
     "a positional op takes Tensor self, then Scalar, int, float or bool arguments"),
    ('expr: "j - i <= diagonal ? self : compute(0)", min_dims: 2', 'expr: "j - k <= diagonal ? self : 0", min_dims: 2',
     "tril", 'positional: {expr: "j - k <= diagonal ? self : 0", min_dims: 2}', "uses 'k', which is not one of"),
    ('expr: "j - i <= diagonal ? self : compute(0)", min_dims: 2', 'expr: "j", min_dims: 3', "tril",
     'positional: {expr: "j", min_dims: 3}', "min_dims must be 0, 1 or 2, got 3"),
]


@pytest.mark.parametrize(("old", "new", "op", "line", "problem"), UNSUPPORTED_BY_BODY,
                         ids=[r[1][5:45] for r in UNSUPPORTED_BY_BODY])
def test_form_no_body_kind_of_the_op_generates(repo: Path, old: str, new: str, op: str, line: str,
                                               problem: str) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, old, new)
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, line)}: op '{op}': "), msg
    assert problem in msg, msg


def test_result_of_another_dtype_has_no_inplace_form(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  pointwise: self == other\n", "  pointwise: self == other\n  inplace: yes  # eq\n")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, 'inplace: yes  # eq')}: op 'eq': ")
    assert msg.endswith("self cannot hold a Tensor(bool) result, so there is no in-place form")


def test_op_without_body(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  dtypes: floating\n  pointwise: log(self)\n", "  dtypes: floating\n")
    msg = spec_error(repo)
    assert "op 'log': needs exactly one body (pointwise, reduce, scan, positional, native), found none" in msg


def test_optional_scalars_only_in_floating_pointwise_ops(repo: Path) -> None:
    """None reaches the body as NaN, which only a floating compute type has."""
    ops = repo / "spec/ops.yaml"
    edit(ops, "sig: add(Tensor self, Tensor other) -> Tensor", "sig: add(Tensor self, Tensor other, Scalar? alpha=None) -> Tensor")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, 'Scalar? alpha')}: op 'add': "), msg
    assert "must be floating, not numeric" in msg


def test_body_using_an_unknown_name(repo: Path) -> None:
    edit(repo / "spec/ops.yaml", "pointwise: self - other", "pointwise: self - othr")
    assert "op 'sub': pointwise 'self - othr' uses 'othr'" in spec_error(repo)


def test_unknown_dtype_field(repo: Path) -> None:
    types = repo / "spec/types.yaml"
    edit(types, "    th: FloatTensor", "    th: FloatTensor\n    alias: float")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/types.yaml:{line_of(types, 'alias')}: dtype 'float32': unknown key 'alias'")


def test_unknown_leaf_class_and_accreal(repo: Path) -> None:
    types = repo / "spec/types.yaml"
    edit(types, "accreal: uint64", "accreal: uint65")
    assert "dtype 'uint8': unknown accreal 'uint65' (known: int64, uint64, float64)" in spec_error(repo)


def test_invalid_yaml(repo: Path) -> None:
    (repo / "spec/ops.yaml").write_text("- op: [unclosed\n")
    assert spec_error(repo).startswith("spec/ops.yaml:")


def test_error_writes_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo / "spec/ops.yaml", "dtypes: floating", "dtypes: floaty")
    shutil.rmtree(repo / "generated")
    assert main(["--root", str(repo)]) == 1
    assert not (repo / "generated").exists()
    assert "unknown dtype class 'floaty'" in capsys.readouterr().err


# ---- signatures -------------------------------------------------------------------


# Canonical forms of every construct of the language, each of which must print back as written.
CANONICAL = [
    "f() -> None",
    "fill_(Tensor! self, Scalar value) -> Tensor!",
    "masked_fill_(Tensor(bool)! self, Scalar value) -> Tensor(bool)!",
    "lt(Tensor self, Tensor other) -> Tensor(bool)",
    "sum(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor(accreal)",
    "max(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor(int64) indices)",
    "cat(Tensor[] tensors, int dim=0) -> Tensor",
    "split(Tensor self, int size, int dim=0) -> Tensor[]",
    "where(Tensor(bool) condition, Tensor self, Tensor other) -> Tensor",
    "index_select(Tensor self, int dim, Tensor(int64) index) -> Tensor",
    "rand(int[] size, *, Generator? generator=None) -> Tensor",
    "pad(Tensor self, int[2] pad=[0, 1], float value=0.0, float[] w=[], float[3] v=[1, 2.5, -3e-2]) -> Tensor",
    "norm(Tensor self, Tensor? weight=None, Tensor(float32)[]? extra=None, bool[2] flags=[True, False]) -> Tensor",
    "f(Tensor self, Scalar? x=None, *, int[] size, bool flag=True, str mode='a b', object o=3) -> int[]",
    "f(Tensor self, *, ScalarType dtype='float32', Scalar[] values=[]) -> (real low, accreal high, int[] shape)",
    "f(str path, float? end=None) -> str",
]


def test_every_signature_round_trips() -> None:
    for op in load_spec(ROOT).ops:
        assert str(Signature.parse(str(op.sig))) == str(op.sig)
    for text in CANONICAL:
        assert str(Signature.parse(text)) == text


def test_signatures_parse_into_a_type_tree() -> None:
    sig = Signature.parse("lt(Tensor self, Tensor other) -> Tensor(bool)")
    assert sig.returns == (Return(None, TensorType("bool")),) and sig.return_type == TensorType("bool")
    sig = Signature.parse("max(Tensor self, int[]? dim=None, *, Generator? gen=None) -> "
                          "(Tensor values, Tensor(int64) indices)")
    assert sig.args == (Arg("self", TENSOR), Arg("dim", OptionalType(ListType(INT)), "None"),
                        Arg("gen", OptionalType(BaseType(BaseKind.GENERATOR)), "None", keyword_only=True))
    assert sig.returns == (Return("values", TENSOR), Return("indices", TensorType("int64")))
    assert sig.is_tuple and sig.return_type is None and sig.is_method
    assert list(sig.tensors()) == [(TENSOR, False), (TENSOR, True), (TensorType("int64"), True)]
    sig = Signature.parse("f(Tensor(bool)! self, int[2] pad=[0,1], float[] w = [ ]) -> Tensor(bool)!")
    assert sig.args[0].type == TensorType("bool", written=True) and not sig.is_method
    assert [a.default for a in sig.args[1:]] == ["[0, 1]", "[]"]  # lists print canonically
    assert sig.args[1].type == ListType(INT, 2) and str(sig.args[2].type) == "float[]"


# ---- how the forms are spelled --------------------------------------------------------

NATIVES = """
- op: gather_like
  doc: The forms a native takes.
  sig: "gather_like(Tensor self, Tensor(int64) index, Tensor[] others, int[]? dim=None, int[2] pad=[0, 1],
    float[] w=[], *, Generator? generator=None, ScalarType? dtype=None, Tensor(bool)? mask=None,
    str mode='a\\"b') -> Tensor(accreal)"
  dtypes: floating
  native: gather_like

- op: split_like
  doc: The lists a native returns.
  sig: split_like(Tensor self, int[] sizes=[1, 2]) -> Tensor[]
  dtypes: all
  native: split_like
"""


def test_an_op_named_as_a_cpp_token_gets_another_cpp_name() -> None:
    """TH's bitand and bitor are C++ alternative tokens: their C++ functions are bitand_op
    and bitor_op, bound under the ops' own names."""
    files = render_all(load_spec(ROOT), ROOT / "templates")
    shard = next(text for path, text in files.items() if path.startswith("cpu/int32/shard") and "bitand_op(" in text)
    assert 'm.def("bitand", &ops::bitand_op,' in shard and "Tensor& bitand_(Tensor& self" in shard


def test_natives_take_and_return_every_form(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    ops.write_text(ops.read_text() + NATIVES)
    files = render_all(load_spec(repo), repo / "templates")
    f32 = "".join(text for path, text in files.items() if path.startswith("cpu/float32/shard"))
    assert ("DoubleTensor gather_like(const Tensor& self, const LongTensor& index, const std::vector<Tensor>& others, "
            "std::optional<satchel::Dims> dim, const std::array<int64_t, 2>& pad, const std::vector<double>& w, "
            "std::optional<nb::object> generator, std::optional<std::string> dtype, std::optional<BoolTensor> mask, "
            "const std::string& mode) {") in f32
    assert 'nb::arg("dim") = nb::none(), nb::arg("pad") = nb::make_tuple(0, 1), nb::arg("w") = nb::make_tuple()' in f32
    assert 'nb::arg("mode") = std::string("a\\"b")' in f32
    assert "std::vector<Tensor> split_like(const Tensor& self, const satchel::Dims& sizes)" in f32
    assert 'nb::arg("sizes") = nb::make_tuple(1, 2)' in f32
    shard = next(text for path, text in files.items()
                 if path.startswith("cpu/float32/shard") and "gather_like(" in text)
    assert '#include "satchel/unit.h"\n#include <nanobind/stl/array.h>\n#include <nanobind/stl/vector.h>\n' in shard
    assert "using LongTensor = satchel::Tensor<int64_t, satchel::Device::cpu>;" in shard
    assert "using DoubleTensor = satchel::Tensor<double, satchel::Device::cpu>;" in shard
    module = files["cpu/float32/module.cpp"]
    assert 'import_("satchel._units.cpu_int64");  // registers LongTensor, which ops here take and return\n' in module
    assert 'import_("satchel._units.cpu_float64");  // registers DoubleTensor, which ops here return\n' in module
    assert "// registers BoolTensor, which ops here take and return" in module
    assert 'import_("satchel._units.cpu_float64")' not in files["cpu/float64/module.cpp"]  # its accreal is its own
    assert '"cpu_float32:cpu:float32:bool,int32,int64,float64"' in files["units.cmake"]
    shards = [text for path, text in files.items() if path.startswith("cpu/float32/shard")]
    for text in shards:  # a shard declares the tensor types its ops name, and only those
        declared = "using LongTensor =" in text
        assert declared == (text.count("LongTensor") > declared)
    assert any("using LongTensor =" not in text for text in shards)
    stub = files["python/_units/cpu_float32.pyi"]
    assert "from satchel._units.cpu_int64 import LongTensor\n" in stub
    assert ("def gather_like(self: FloatTensor, index: LongTensor, others: Sequence[FloatTensor], "
            "dim: int | Sequence[int] | None = None, pad: Sequence[int] = (0, 1), w: Sequence[float] = (), *, "
            "generator: object | None = None, dtype: str | None = None, mask: BoolTensor | None = None, "
            'mode: str = "a\\"b") -> DoubleTensor:') in stub
    assert "def split_like(self: FloatTensor, sizes: int | Sequence[int] = (1, 2)) -> list[FloatTensor]:" in stub
    # mypy wants a Protocol's type parameter invariant where it is taken and returned
    # (bool masks and comparisons), contravariant where only taken, covariant where only returned.
    sigs = files["python/_units/signatures.py"]
    assert ("class FloatingSignature(Protocol[TensorT, RealT, AccRealT, BoolTensorInvT, IntTensorInvT, LongTensorInvT, "
            "DoubleTensorT, AccRealTensorT, SumTensorT]):") in sigs
    # (where's condition and searchsorted's sorter: bool and int64 tensors are taken as well as returned)
    assert ("class IntegralSignature(Protocol[TensorT, RealT, AccRealT, BoolTensorInvT, LongTensorInvT, DoubleTensorT, "
            "SumTensorT]):") in sigs
    assert ('AccRealTensorT = TypeVar("AccRealTensorT", bound=Tensor, covariant=True, default=Tensor)  '
            '# only ever returned') in sigs
    assert 'BoolTensorInvT = TypeVar("BoolTensorInvT", bound=Tensor, default=Tensor)\n' in sigs
    assert "index: LongTensorInvT," in sigs and ") -> AccRealTensorT:" in sigs
    assert ("cpu_float16_floating: signatures.FloatingSignature[cpu_float16.HalfTensor, float, float, "
            "cpu_bool.BoolTensor, cpu_int32.IntTensor, cpu_int64.LongTensor, cpu_float64.DoubleTensor, "
            "cpu_float64.DoubleTensor, cpu_float16.HalfTensor] "
            "= cpu_float16") in \
        files["python/_units/check_signatures.py"]


def test_named_tuple_results() -> None:
    """Several results: a satchel::Named in C++, whose tag names the unit's named tuple
    class (made and put in the unit's module at import), a NamedTuple in the stub."""
    spec = load_spec(ROOT)
    sig = Signature.parse("clone(Tensor self) -> (Tensor values, Tensor(int64) indices)")
    spec = dataclasses.replace(spec, ops=tuple(dataclasses.replace(op, sig=sig) if op.name == "clone" else op
                                               for op in spec.ops))
    files = render_all(spec, ROOT / "templates")
    shard = next(text for path, text in files.items() if path.startswith("cpu/float32/shard") and "clone(" in text)
    assert "satchel::Named<CloneResult, Tensor, LongTensor> clone(const Tensor& self) {" in shard
    assert ('struct CloneResult {  // the class of CloneResult results: satchel.cpu.float32.CloneResult\n'
            '  static constexpr const char* name = "CloneResult";\n'
            '  static constexpr const char* module = "satchel._units.cpu_float32";\n'
            '  static constexpr const char* fields[] = {"values", "indices"};\n};\n') in shard
    assert "  satchel::add_named_tuple<CloneResult>(m);\n" in files["cpu/float32/module.cpp"]
    stub = files["python/_units/cpu_float32.pyi"]
    assert "from typing import Any, ClassVar, Literal, NamedTuple, Protocol\n" in stub
    assert "class CloneResult(NamedTuple):\n    values: FloatTensor\n    indices: LongTensor\n" in stub
    assert "def clone(self: FloatTensor) -> CloneResult:" in stub
    assert "def clone(self, tensor: TensorT, /) -> tuple[TensorT, LongTensorInvT]:" in files["python/_units/signatures.py"]


# ---- output ---------------------------------------------------------------------


def test_committed_output_is_current() -> None:
    files = render_all(load_spec(ROOT), ROOT / "templates")
    assert sync(files, ROOT / "generated", check=True).stale == []


def test_check_lists_stale_files(repo: Path) -> None:
    edit(repo / "spec/ops.yaml", "pointwise: tanh(self)", "pointwise: tanh(self) * 1")
    (repo / "generated/stray.txt").write_text("left over")
    result = subprocess.run([sys.executable, "-m", "satchel.codegen", "--check", "--root", str(repo)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    stale = {line.strip() for line in result.stderr.splitlines()[1:]}
    assert "generated/stray.txt" in stale
    assert any(p.startswith("generated/cpu/float32/shard") for p in stale), stale
    assert not any(p.startswith("generated/cpu/int32/") for p in stale)  # tanh is floating-only


def written_by(repo: Path, old: str, new: str) -> list[str]:
    """What regenerating writes after replacing old by new in spec/ops.yaml; nothing else is touched."""
    edit(repo / "spec/ops.yaml", old, new)
    before = {p: p.stat().st_mtime_ns for p in (repo / "generated").rglob("*") if p.is_file()}
    changes = sync(render_all(load_spec(repo), repo / "templates"), repo / "generated", check=False)
    for path, mtime in before.items():
        rel = path.relative_to(repo / "generated").as_posix()
        if rel not in changes.written:
            assert path.stat().st_mtime_ns == mtime, rel
    assert not changes.removed
    return changes.written


def test_one_op_edit_rewrites_one_shard_of_each_unit_that_has_it(repo: Path) -> None:
    written = written_by(repo, "pointwise: tanh(self)", "pointwise: tanh(self) * 1")
    code = [p for p in written if p.startswith(("cpu/", "cuda/"))]
    floating = {d.name for d in load_spec(repo).types.dtypes_of("floating")}
    # On CUDA the body is in the shard's kernels<K>.cu; its host shard<K>.cpp only declares it.
    for device, kind in (("cpu", "shard"), ("cuda", "kernels")):
        for dtype in floating:
            mine = [p for p in code if p.startswith(f"{device}/{dtype}/")]
            assert len(mine) == 1 and mine[0].split("/")[2].startswith(kind), mine
    assert all(p.split("/")[1] in floating for p in code), code


def test_a_doc_edit_rewrites_no_cpp(repo: Path) -> None:
    written = written_by(repo, "Elementwise hyperbolic tangent.", "Elementwise tanh.")
    assert "python/_units/docs.py" in written
    assert not [p for p in written if p.endswith((".cpp", ".cu", ".h", ".cmake"))], written


def test_adding_an_op_rewrites_one_shard_of_each_unit_and_the_module_lists(repo: Path) -> None:
    written = written_by(repo, "# ---- floating-point math", """- op: cube
  doc: Elementwise self cubed.
  sig: cube(Tensor self) -> Tensor
  dtypes: numeric
  pointwise: self * self * self

# ---- floating-point math""")
    numeric = {d.name for d in load_spec(repo).types.dtypes_of("numeric")}
    for dtype in numeric:
        shards = [p for p in written if p.startswith(f"cpu/{dtype}/")]
        assert len(shards) == 1 or (len(shards) == 2 and f"cpu/{dtype}/module.cpp" in shards), shards
    assert not [p for p in written if p.startswith("cpu/bool/")]


def test_generated_python_copied_into_the_source_tree_is_ignored_by_git() -> None:
    """CMake copies generated/python/ into python/satchel/ (it is laid out as the
    package), so .gitignore must name each copy, the device modules included."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = render_all(load_spec(ROOT), ROOT / "templates")
    copies = [f"python/satchel/{rel.removeprefix('python/')}" for rel in files if rel.startswith("python/")]
    result = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], input="\n".join(copies),
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert sorted(result.stdout.split()) == sorted(copies), "not in .gitignore: " + ", ".join(
        sorted(set(copies) - set(result.stdout.split())))


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("combine: mul}", "combine: times}", "unknown combine 'times' (known: add, mul, and, or, min, max, logaddexp)"),
    ("product_of: 2, combine: add", "product_of: 3, combine: add", "product_of 3 says the map is a product"),
    ("map: self * other, product_of: 2", "map: self * self, product_of: 2", "product_of 2 says the map is a product"),
    ("reduce: {combine: add}", "reduce: {combine: add, init: 0}", "unknown key 'init'"),
])
def test_reduce_facts_are_declared_and_checked(repo: Path, old: str, new: str, problem: str) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, old, new)
    message = spec_error(repo)
    assert problem in message and message.startswith(f"spec/ops.yaml:{line_of(ops, new.split(',')[0].split('}')[0])}")


def test_lanes_are_offered_to_every_body_of_one_input_and_cpp_decides() -> None:
    """The generator gives each one-input pointwise functor a `lanes` form typed by its
    body; whether it exists over registers is satchel/math.h's to say (register_t)."""
    files = render_all(load_spec(ROOT), ROOT / "templates")
    shards = "".join(text for path, text in files.items() if path.startswith("cpu/float32/shard"))
    for body in ("exp(self)", "-self", "sqrt(self)", "absolute(self)"):
        assert f"-> decltype({body}) {{ return {body}; }}" in shards, body


def test_positional_bodies_see_row_column_and_index(repo: Path) -> None:
    """A positional expression may use i, j and index (the counter random draws will use)."""
    ops = repo / "spec/ops.yaml"
    edit(ops, 'expr: "j - i <= diagonal ? self : compute(0)", min_dims: 2',
         'expr: "index % 2 ? self : compute(i + j)", min_dims: 2')
    files = render_all(load_spec(repo), repo / "templates")
    shard = next(text for path, text in files.items() if path.startswith("cpu/float32/shard") and "struct Tril" in text)
    assert ("SATCHEL_HD compute operator()(compute self, int64_t i, int64_t j, int64_t index) const "
            "{ return index % 2 ? self : compute(i + j); }") in shard
