"""The generator: spec validation errors, signature round trips, --check, minimal writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from satchel.codegen.__main__ import main
from satchel.codegen.emit import render_all, sync
from satchel.codegen.model import load_spec
from satchel.codegen.signature import Signature
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
                   "(known: op, doc, sig, dtypes, pointwise, reduce, native, inplace, operator, on_device)")


def test_unknown_dtype_class(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  sig: dot(Tensor self, Tensor other) -> accreal\n  dtypes: all",
         "  sig: dot(Tensor self, Tensor other) -> accreal\n  dtypes: floaty")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, 'floaty')}: op 'dot': unknown dtype class 'floaty'")
    assert "(known: bool, unsigned, signed, floating, integral, numeric, all)" in msg


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


@pytest.mark.parametrize(("sig", "problem"), [
    ("dot(Tensor self, Tensor other -> accreal", "expected 'name(args) -> Type'"),
    ("dot(Tensor self, Tensr other) -> accreal", "unknown argument type 'Tensr'"),
    ("dot(Tensor self, Tensor self) -> accreal", "argument 'self' appears twice"),
    ("dot(Tensor self, Tensor other) -> acreal", "unknown return type 'acreal'"),
    ("dot(Tensor self, Tensor other=None) -> accreal", "defaults to None, so its type needs '?'"),
    ("dotty(Tensor self, Tensor other) -> accreal", "the signature names 'dotty'"),
])
def test_malformed_signature(repo: Path, sig: str, problem: str) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "sig: dot(Tensor self, Tensor other) -> accreal", f"sig: {sig}")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, sig)}: op 'dot'")
    assert problem in msg


@pytest.mark.parametrize(("ret", "problem"), [
    ("Tensor[Bool]", "return type 'Tensor[Bool]': Tensor[...] names a dtype in lowercase, as in Tensor[bool]"),
    ("Tensor[]", "return type 'Tensor[]': Tensor[...] names a dtype in lowercase"),
    ("Scalar[bool]", "unknown return type 'Scalar[bool]' (known: Tensor, Tensor!, real, accreal, None, int, float, "
                     "bool, Tensor[<dtype>])"),
    ("Tensor[boolean]", "Tensor[boolean] names an unknown dtype (known: bool, uint8, int8, int16, int32, int64, "
                        "float16, float32, float64)"),
])
def test_bad_result_dtype(repo: Path, ret: str, problem: str) -> None:
    ops = repo / "spec/ops.yaml"
    sig = f"eq(Tensor self, Tensor other) -> {ret}"
    edit(ops, "eq(Tensor self, Tensor other) -> Tensor[bool]", sig)
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, sig)}: op 'eq'")
    assert problem in msg


def test_result_of_another_dtype_comes_from_an_out_of_place_pointwise_op(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    text = ops.read_text()
    edit(ops, "  pointwise: self == other\n", "  pointwise: self == other\n  inplace: yes  # eq\n")
    msg = spec_error(repo)
    assert msg.startswith(f"spec/ops.yaml:{line_of(ops, 'inplace: yes  # eq')}: op 'eq': ")
    assert msg.endswith("self cannot hold a Tensor[bool] result, so there is no in-place form")
    ops.write_text(text)
    edit(ops, "sig: clone(Tensor self) -> Tensor", "sig: clone(Tensor self) -> Tensor[bool]")
    assert "op 'clone': only a pointwise op may return Tensor[bool]" in spec_error(repo)


def test_op_without_body(repo: Path) -> None:
    ops = repo / "spec/ops.yaml"
    edit(ops, "  dtypes: floating\n  pointwise: log(self)\n", "  dtypes: floating\n")
    msg = spec_error(repo)
    assert "op 'log': needs exactly one body (pointwise, reduce or native), found none" in msg


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


def test_every_signature_round_trips() -> None:
    for op in load_spec(ROOT).ops:
        assert str(Signature.parse(str(op.sig))) == str(op.sig)
    text = "f(Tensor self, Scalar? x=None, *, int[] size, bool flag=True, str mode='a') -> Tensor!"
    assert str(Signature.parse(text)) == text
    sig = Signature.parse("lt(Tensor self, Tensor other) -> Tensor[bool]")
    assert (sig.returns.value, sig.result_dtype) == ("Tensor", "bool")
    assert str(sig) == "lt(Tensor self, Tensor other) -> Tensor[bool]"


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
    ("combine: mul}", "combine: times}", "unknown combine 'times' (known: add, mul, min, max)"),
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
