"""CUDA units (satchel.cuda.<dtype>).

With a GPU: every op of the spec on every built CUDA unit, compared with the CPU
unit of the same dtype on the same inputs (contiguous, broadcast, strided,
in place, with Python numbers, empty and large), the natives, host <-> device
copies and the runtime (allocator, device, streams). Those tests skip, giving
the reason, where no GPU can be used.

Without one (they also run on a GPU machine, in a child process that sees no
device): ``import satchel`` works, ``satchel.cuda.is_available()`` is False and
using a CUDA unit raises one error, ``CudaError("no CUDA device: ...")``.
"""

from __future__ import annotations

import json
import operator
import os
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import satchel
from satchel.codegen.model import Op, Pointwise, Positional, Reduce, Result, Scan, load_spec
from satchel.codegen.signature import SCALAR, TENSOR, TENSOR_OUT, OptionalType, TensorType
from satchel.codegen.yamlload import SpecError
from satchel.seed import DATA, app

ROOT = Path(__file__).resolve().parents[1]
SPEC = load_spec(ROOT)
CUDA_DECLARED = any(d.name == "cuda" for d in SPEC.types.devices)
CUDA_BUILT = [u.split(".", 1)[1] for u in satchel.units("cuda")]
GPU = satchel.cuda.is_available()

needs_units = pytest.mark.skipif(not CUDA_BUILT, reason="satchel was built without its CUDA units "
                                                        "(CMake found no CUDA compiler)")
needs_gpu = pytest.mark.skipif(not GPU, reason=f"no CUDA device: {satchel.cuda.unavailable_reason()}")
# Units compared on a GPU: those whose CPU unit was built too.
PAIRED = [d for d in CUDA_BUILT if f"cpu.{d}" in satchel.units("cpu")]


def _dtype(name: str) -> Any:
    return next(d for d in SPEC.types.dtypes if d.name == name)


# ---- without a GPU ----------------------------------------------------------------------


def _run_without_device(code: str) -> subprocess.CompletedProcess[str]:
    """Python code in a child process for which the driver shows no device."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    env["PYTHONPATH"] = os.pathsep.join([str(Path(satchel.__file__).parents[1]), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, check=False, timeout=120)


def test_spec_declares_cuda() -> None:
    assert CUDA_DECLARED
    cuda = next(d for d in SPEC.types.devices if d.name == "cuda")
    assert cuda.kernels == "cuda" and cuda.separate_kernels
    for dtype in SPEC.types.dtypes:  # per shard, nvcc's kernels beside the host compiler's bindings
        unit = ROOT / f"generated/cuda/{dtype.name}"
        assert (unit / "module.cpp").is_file() and (unit / "copies.cu").is_file()
        for kernels in unit.glob("kernels*.cu"):
            assert (unit / kernels.name.replace("kernels", "shard").replace(".cu", ".cpp")).is_file()


def test_cuda_units_use_the_cpu_units_functors() -> None:
    """The functors of a CUDA unit are the CPU unit's, text for text (one rendering of the spec)."""
    def functors(paths: list[Path]) -> dict[str, str]:
        out = {}
        for path in paths:
            text = path.read_text()
            body = text[text.index("namespace kernels {"):text.index("}  // namespace kernels")]
            for block in body.split("\nstruct ")[1:]:
                out[block.split(" ", 1)[0]] = block.strip()
        return out

    for dtype in SPEC.types.dtypes:
        cu = functors(sorted((ROOT / f"generated/cuda/{dtype.name}").glob("kernels*.cu")))
        cpu = functors([p for p in sorted((ROOT / f"generated/cpu/{dtype.name}").glob("shard*.cpp"))
                        if "namespace kernels {" in p.read_text()])
        assert cu and cu == {name: block for name, block in cpu.items() if name in cu}, dtype.name
        assert all("SATCHEL_HD" in block for block in cu.values())


def test_import_and_is_available_without_a_device() -> None:
    result = _run_without_device("""
        import json, satchel
        print(json.dumps([satchel.cuda.is_available(), satchel.cuda.device_count(),
                          satchel.cuda.unavailable_reason(), satchel.cuda.memory_allocated()]))
        satchel.cuda.empty_cache()  # nothing to give back: not an error
    """)
    assert result.returncode == 0, result.stderr
    available, count, reason, allocated = json.loads(result.stdout)
    assert (available, count, allocated) == (False, 0, 0)
    assert isinstance(reason, str) and reason


@needs_units
def test_using_a_cuda_unit_without_a_device_raises_one_clear_error() -> None:
    result = _run_without_device(f"""
        import json, satchel, tempfile
        dtypes = {CUDA_BUILT!r}
        path = tempfile.mktemp()
        open(path, "w").write("1 0 1")
        out = []
        def attempt(f):
            try:
                f()
            except Exception as e:
                out.append([type(e).__name__, isinstance(e, RuntimeError), isinstance(e, satchel.cuda.CudaError),
                            str(e)])
            else:
                out.append(None)
        for d in dtypes:
            T = getattr(satchel.cuda, d)  # the unit imports
            assert T.device == "cuda" and T.dtype == d
            attempt(lambda: T.zeros(3))
            attempt(lambda: T.empty([0]))
            attempt(lambda: T.tensor([1, 0, 1]))
            attempt(lambda: T.read1d_file(path, 3))
            if "cpu." + d in satchel.units("cpu"):
                host = satchel.unit(d, "cpu").ones(2)
                attempt(lambda: host.to("cuda"))
                attempt(lambda: T.from_host(host))
        attempt(lambda: satchel.cuda.set_device(0))
        attempt(lambda: satchel.cuda.synchronize())
        attempt(lambda: satchel.cuda.Stream())
        print(json.dumps(out))
    """)
    assert result.returncode == 0, result.stderr
    errors = json.loads(result.stdout)
    assert errors and None not in errors
    for name, is_runtime_error, is_cuda_error, message in errors:
        assert (name, is_runtime_error, is_cuda_error) == ("CudaError", True, True)
        assert message.startswith("no CUDA device: "), message


@pytest.mark.skipif(GPU, reason="a CUDA device is available")
def test_is_available_is_false_here() -> None:
    assert satchel.cuda.is_available() is False
    assert satchel.cuda.device_count() == 0
    assert satchel.cuda.unavailable_reason()


@needs_units
def test_units_lists_the_cuda_units() -> None:
    assert set(CUDA_BUILT) <= {t.name for t in SPEC.types.dtypes}
    assert all(f"cuda.{d}" in satchel.units() for d in CUDA_BUILT)
    for d in CUDA_BUILT:
        T = getattr(satchel.cuda, d)
        assert T is satchel.unit(d, "cuda")
        assert T.Tensor.device == "cuda" and T.Tensor.__name__ == _dtype(d).th
        assert T.__name__ == f"satchel._units.cuda_{d}"


def test_device_specific_body_needs_a_reason(tmp_path: Path) -> None:
    import shutil

    for name in ("spec", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    ops = tmp_path / "spec/ops.yaml"
    text = ops.read_text()
    exp_body = "  pointwise: exp(self)\n"
    assert exp_body in text
    ops.write_text(text.replace(exp_body, exp_body + "  on_device:\n    cuda: {pointwise: exp(self) + 0}\n", 1))
    with pytest.raises(SpecError, match="must say why"):
        load_spec(tmp_path)
    ops.write_text(text.replace(exp_body, exp_body + "  on_device:\n    gpu: {pointwise: exp(self), why: x}\n", 1))
    with pytest.raises(SpecError, match="unknown device 'gpu'"):
        load_spec(tmp_path)
    ops.write_text(text.replace(exp_body, exp_body + "  on_device:\n    cuda: {pointwise: exp(self), why: x}\n", 1))
    with pytest.raises(SpecError, match="the op's own"):
        load_spec(tmp_path)
    ops.write_text(text.replace(exp_body, exp_body + "  on_device:\n"
                                "    cuda: {pointwise: exp(self) * 1, why: a test of the mechanism}\n", 1))
    spec = load_spec(tmp_path)
    op = next(o for o in spec.ops if o.name == "exp")
    assert op.on("cuda").body == Pointwise("exp(self) * 1") and op.on("cpu").body == Pointwise("exp(self)")
    from satchel.codegen.emit import render_all

    files = render_all(spec, tmp_path / "templates")
    assert any("return exp(self) * 1;" in text for path, text in files.items() if path.startswith("cuda/float32/"))
    assert not any("return exp(self) * 1;" in text for path, text in files.items() if path.startswith("cpu/"))


# ---- with a GPU: each CUDA unit against the CPU unit of its dtype -----------------------

RNG = np.random.default_rng(20240601)
TRANSCENDENTAL = {"exp", "log", "sqrt", "tanh", "sigmoid"}


def _values(dtype: str, shape: tuple[int, ...], *, near_one: bool = False) -> np.ndarray:
    d = _dtype(dtype)
    np_dtype = np.dtype(dtype)
    if d.cls == "bool":
        return RNG.integers(0, 2, shape).astype(bool)
    if d.cls == "floating":
        if near_one:  # products of a million of them stay far from overflow and underflow
            return RNG.uniform(0.999, 1.001, shape).astype(np_dtype)
        return RNG.uniform(-8, 8, shape).astype(np_dtype)
    info = np.iinfo(np_dtype)
    lo, hi = (0, 3) if near_one else (max(info.min, -1000), min(info.max, 1000))
    v = RNG.integers(lo, hi, shape, endpoint=True).astype(np_dtype)
    if v.size > 2 and not near_one:  # the wrap-around corners
        v.flat[0], v.flat[1] = info.min, info.max
    return v


def _pair(dtype: str) -> tuple[Any, Any]:
    return satchel.unit(dtype, "cpu"), satchel.unit(dtype, "cuda")


def _host(t: Any) -> np.ndarray:
    return np.asarray(t.cpu() if t.device == "cuda" else t)


def _compare(op: str, dtype: str, got: Any, want: Any) -> None:
    if isinstance(want, (int, float, bool)) or np.isscalar(want):
        assert type(got) is type(want), (op, dtype, got, want)
        if isinstance(want, float):
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=f"{op} {dtype}")
        else:
            assert got == want, (op, dtype)
        return
    assert got.device == "cuda" and type(got).__name__ == type(want).__name__
    assert got.shape == want.shape, (op, dtype, got.shape, want.shape)
    g, w = _host(got), _host(want)
    assert g.dtype == w.dtype
    if op in TRANSCENDENTAL:
        eps = float(np.finfo(g.dtype).eps)
        np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=16 * eps, atol=4 * eps,
                                   equal_nan=True, err_msg=f"{op} {dtype}")
    else:
        np.testing.assert_array_equal(g, w, err_msg=f"{op} {dtype}", strict=True)


def _ops(dtype: str, kind: type) -> list[Op]:
    """The ops of a body kind; reductions to one number (along dims: test_dims_match_cpu)."""
    return [op for op in SPEC.ops_for(_dtype(dtype), "cuda") if isinstance(op.body, kind)
            and not getattr(op.body, "along_dims", False)]


def _gpu_cases(kind: type) -> list[Any]:
    return [pytest.param(d, op, id=f"{d}-{op.name}") for d in PAIRED for op in _ops(d, kind)]


SHAPES = {  # self shape, other shape
    "same": ((5, 7), (5, 7)),
    "broadcast": ((4, 1, 3), (5, 1)),
    "row": ((6, 5), (5,)),
    "empty": ((0, 3), (3,)),
    "large": (((1 << 20) + 3,), ((1 << 20) + 3,)),
    "scalar-shaped": ((), ()),
}


@needs_gpu
@pytest.mark.parametrize("shapes", list(SHAPES), ids=str)
@pytest.mark.parametrize(("dtype", "op"), _gpu_cases(Pointwise))
def test_pointwise_matches_cpu(dtype: str, op: Op, shapes: str) -> None:
    C, G = _pair(dtype)
    a_shape, b_shape = SHAPES[shapes]
    tensors = [a for a in op.sig.args if isinstance(a.type, TensorType)]
    scalars = [a for a in op.sig.args if a.type == SCALAR]
    arrays = [_values(dtype, a_shape if i == 0 else b_shape) for i, _ in enumerate(tensors)]
    numbers = [_values(dtype, ()).item() for _ in scalars]

    def call(T: Any, fn: str, with_number: bool = False) -> Any:
        ts = [T.tensor(a) for a in arrays]
        args: list[Any] = []
        for a in op.sig.args:
            if isinstance(a.type, TensorType):
                t = ts.pop(0)
                args.append(t.item() if with_number and args and t.numel() == 1 else t)
            else:
                args.append(numbers[scalars.index(a)])
        return getattr(T, fn)(*args), args[0]

    if op.sig.args[0].type == TENSOR_OUT:  # fill_, copy_: written in place; the other broadcasts to self
        if shapes == "broadcast":
            pytest.skip("an in-place result keeps self's shape")
        got, self_g = call(G, op.name)
        want, self_c = call(C, op.name)
        assert got is self_g
        _compare(op.name, dtype, self_g, self_c)
        return
    _compare(op.name, dtype, call(G, op.name)[0], call(C, op.name)[0])
    if len(tensors) == 2 and shapes == "same":  # a Python number for other
        arrays[1] = arrays[1][:1, :1]
        _compare(op.name, dtype, call(G, op.name, True)[0], call(C, op.name, True)[0])
    if op.inplace and shapes != "broadcast":  # op_ writes into self (other broadcasts to it)
        got, self_g = call(G, op.name + "_")
        want, self_c = call(C, op.name + "_")
        assert got is self_g
        _compare(op.name, dtype, self_g, self_c)


@needs_gpu
@pytest.mark.parametrize(("dtype", "op"), _gpu_cases(Pointwise))
def test_pointwise_on_strided_views_and_operators(dtype: str, op: Op) -> None:
    C, G = _pair(dtype)
    tensors = [a for a in op.sig.args if a.type == TENSOR]
    if op.sig.args[0].type == TENSOR_OUT or not tensors:
        pytest.skip("not an out-of-place op over tensors")
    base = [_values(dtype, (6, 9)) for _ in tensors]
    n = _values(dtype, ()).item()  # one Python number for both units

    def run(T: Any) -> list[Any]:
        ts = [T.tensor(a) for a in base]
        views = [t.transpose(0, 1)[1:8:2] for t in ts]  # strided, non-contiguous
        out = [getattr(T, op.name)(*views)]
        if op.operator and len(tensors) == 2:  # number (op) view: __r<op>__, or the swapped comparison
            fn = getattr(operator, op.operator)
            out += [fn(views[0], views[1]), fn(views[0], n), fn(n, views[0])]
        if op.inplace:  # in place through a view writes into its base
            getattr(views[0], op.name + "_")(*views[1:])
            out.append(ts[0])
        return out

    for got, want in zip(run(G), run(C), strict=True):
        _compare(op.name, dtype, got, want)


@needs_gpu
@pytest.mark.parametrize("dtype", [d for d in PAIRED if d != "bool"])
def test_results_follow_a_dense_input_layout(dtype: str) -> None:
    """As on the CPU: a new result is laid out as its first input of the result's
    shape when that one is dense, else row-major; values as the CPU unit's."""
    C, G = _pair(dtype)
    a, b = _values(dtype, (2, 3, 4)), _values(dtype, (2, 3, 4))
    x, y = G.tensor(a), G.tensor(b)
    xt, yt = x.permute((2, 0, 1)), y.permute((2, 0, 1))
    row = G.tensor(np.ones((4, 2, 3), a.dtype))
    assert (xt + yt).strides == xt.strides and not (xt + yt).is_contiguous()
    assert (xt * 2).strides == xt.strides
    assert (row + xt).is_contiguous()  # the first input leads
    assert (x[:, ::2] + 1).is_contiguous()
    cx, cy = C.tensor(a).permute((2, 0, 1)), C.tensor(b).permute((2, 0, 1))
    for got, want in ((xt + yt, cx + cy), (xt * 2, cx * 2), (row + xt, C.tensor(np.ones((4, 2, 3), a.dtype)) + cx)):
        _compare("layout", dtype, got, want)


@needs_gpu
@pytest.mark.parametrize("dtype", PAIRED)
def test_comparisons_match_cpu(dtype: str) -> None:
    """Tensors of satchel.cuda.bool, as the CPU's, on small values (many equal pairs) and NaN."""
    C, G = _pair(dtype)
    a = RNG.integers(-2, 3, (5, 6)).astype(dtype)
    if _dtype(dtype).cls == "floating":
        a[::2, ::3] = np.nan
    n = a.flat[1].item()

    def run(T: Any) -> list[Any]:
        t = T.tensor(a)
        x = t.t()[1::2]  # (3, 5), strided
        return [getattr(operator, name)(*args) for name in ("eq", "ne", "lt", "le", "gt", "ge")
                for args in ((t, t[::-1]), (x, t[:5, 2]), (t, n), (n, t), (t[2], t))]

    for got, want in zip(run(G), run(C), strict=True):
        assert type(got) is satchel.cuda.bool.Tensor
        _compare("comparison", dtype, got, want)


@needs_gpu
@pytest.mark.parametrize("n", [1, 7, 1000, (1 << 20) + 5])
@pytest.mark.parametrize(("dtype", "op"), _gpu_cases(Reduce))
def test_reductions_match_cpu(dtype: str, op: Op, n: int) -> None:
    C, G = _pair(dtype)
    near_one = op.name == "prodall"
    arrays = [_values(dtype, (n,), near_one=near_one) for a in op.sig.args if a.type == TENSOR]
    want = getattr(C, op.name)(*[C.tensor(a) for a in arrays])
    got = getattr(G, op.name)(*[G.tensor(a) for a in arrays])
    _same_reduction(op, arrays, got, want)
    if n > 1:  # strided inputs: every other element
        halves = [a[::2] for a in arrays]
        want = getattr(C, op.name)(*[C.tensor(a)[::2] for a in arrays])
        got = getattr(G, op.name)(*[G.tensor(a)[::2] for a in arrays])
        _same_reduction(op, halves, got, want)


def _dims_ops(dtype: str) -> list[Op]:
    return [op for op in SPEC.ops_for(_dtype(dtype), "cuda")
            if isinstance(op.body, (Scan, Positional)) or isinstance(op.body, Reduce) and op.body.along_dims]


# (shape, view, dim): the block-per-result and thread-per-result kernels, strided and 0-d inputs.
DIMS_CASES = [((5, 7), "plain", 1), ((5, 7), "t", 0), ((3, 5000), "plain", -1), ((5000, 3), "plain", 0),
              ((4, 6, 8), "step", 1), ((4, 6, 8), "plain", None), ((), "plain", 0), ((0, 4), "plain", 1)]


# Their floating results depend on the order of the additions, which differs by device.
SUMMED = {"sum", "mean", "nanmean", "var", "std", "var_mean", "std_mean", "logsumexp"}


@needs_gpu
@pytest.mark.parametrize("dtype", PAIRED)
def test_dims_match_cpu(dtype: str) -> None:
    """Every reduction along dims, scan and positional op against the CPU unit's."""
    C, G = _pair(dtype)
    for op in _dims_ops(dtype):
        for shape, view, dim in DIMS_CASES:
            a = _values(dtype, shape, near_one=op.name in ("cumprod",))

            def run(T: Any) -> Any:
                t = T.tensor(a)
                t = t.t() if view == "t" else t[:, ::2] if view == "step" else t
                body = op.body
                if isinstance(body, Positional):
                    return getattr(T, op.name)(t, 1) if t.ndim >= 2 else None
                if isinstance(body, Scan):
                    return getattr(T, op.name)(t, 0 if dim is None else dim)
                if dim is None and body.result == Result.BOTH:
                    return None
                if t.numel() == 0 and body.combine.identity is None:
                    return None
                if dim is None and not isinstance(op.sig.args[1].type, OptionalType):
                    return getattr(T, op.name)(t, [], keepdim=True)  # logsumexp's dim is required
                return getattr(T, op.name)(t, dim, keepdim=True)

            want, got = run(C), run(G)
            if want is None:
                continue
            for g, w in zip(got, want) if isinstance(want, tuple) else [(got, want)]:
                if g.dtype.startswith("float") and op.name in SUMMED:
                    gh, wh = _host(g).astype(np.float64), _host(w).astype(np.float64)
                    np.testing.assert_allclose(gh, wh, rtol=4 * float(np.finfo(g.dtype).eps), err_msg=op.name)
                else:
                    _compare(op.name, dtype, g, w)


@needs_gpu
@pytest.mark.parametrize("dtype", [d for d in ("float32", "int64") if d in PAIRED])
def test_reductions_from_several_threads(dtype: str) -> None:
    """Reductions wait for the device without the GIL: threads reducing at once, each
    its own tensor, still get the CPU's answers."""
    C, G = _pair(dtype)
    arrays = [_values(dtype, ((1 << 22) + i,)) for i in range(4)]
    want = [(C.sumall(C.tensor(a)), C.dot(C.tensor(a), C.tensor(a))) for a in arrays]
    start = threading.Barrier(len(arrays))

    def work(i: int) -> list[tuple[Any, Any]]:
        x = G.tensor(arrays[i])
        start.wait()
        return [(G.sumall(x), G.dot(x, x)) for _ in range(20)]

    with ThreadPoolExecutor(len(arrays)) as pool:
        results = list(pool.map(work, range(len(arrays))))
    sumall, dot = (next(op for op in SPEC.ops if op.name == name) for name in ("sumall", "dot"))
    for i, rounds in enumerate(results):
        for got_sum, got_dot in rounds:
            _same_reduction(sumall, [arrays[i]], got_sum, want[i][0])
            _same_reduction(dot, [arrays[i], arrays[i]], got_dot, want[i][1])


def _same_reduction(op: Op, arrays: list[np.ndarray], got: Any, want: Any) -> None:
    """Integers exactly (wrapping is order-free); float sums within rounding of the summation order."""
    assert type(got) is type(want), (got, want)
    if not isinstance(want, float):
        assert got == want
        return
    terms = np.prod([a.astype(np.float64) for a in arrays], axis=0)
    tol = 1e-12 * (float(np.sum(np.abs(terms))) or 1.0) if op.name in ("dot", "sumall") else 1e-9 * abs(want)
    assert abs(got - want) <= tol or (want != want and got != got), (op.name, got, want)


@needs_gpu
@pytest.mark.parametrize("dtype", PAIRED)
def test_reduction_edge_cases(dtype: str) -> None:
    C, G = _pair(dtype)
    for name in ("sumall", "prodall", "dot"):
        args = [G.empty([0])] * (2 if name == "dot" else 1)
        assert getattr(G, name)(*args) == getattr(C, name)(*[C.empty([0])] * len(args))
    for name in ("minall", "maxall"):
        with pytest.raises(ValueError, match="empty"):
            getattr(G, name)(G.empty([0]))
    with pytest.raises(ValueError, match="same shape"):
        G.dot(G.ones(3), G.ones(4))
    if _dtype(dtype).cls == "floating":
        x = np.array([1.0, np.nan, -2.0], dtype=dtype)
        assert np.isnan(G.minall(G.tensor(x))) and np.isnan(G.maxall(G.tensor(x)))


@needs_gpu
@pytest.mark.parametrize("dtype", PAIRED)
def test_natives_match_cpu(dtype: str, tmp_path: Path) -> None:
    C, G = _pair(dtype)
    numeric = _dtype(dtype).cls != "bool"
    e = G.empty([2, 3])
    assert e.shape == (2, 3) and e.device == "cuda"
    one = 1 if numeric else True
    pairs = [(G.zeros([2, 3]), C.zeros([2, 3])), (G.ones(4), C.ones(4)),
             (G.full([3, 2], one), C.full([3, 2], one))]
    if numeric:
        pairs += [(G.arange(10), C.arange(10)), (G.arange(2, 11, 3), C.arange(2, 11, 3))]
    a = _values(dtype, (3, 4))
    pairs += [(G.tensor(a), C.tensor(a)), (G.tensor(a.tolist()), C.tensor(a.tolist())),
              (G.tensor(C.tensor(a)), C.tensor(a)), (G.tensor(G.tensor(a)), C.tensor(a)),
              (G.tensor(a.T), C.tensor(a.T)), (G.from_tensor(C.tensor(a)), C.tensor(a)),
              (G.from_tensor(G.tensor(a).t()), C.tensor(a.T)),
              (G.from_tensor(satchel.cuda.float64.tensor(a.astype(np.float64))),
               C.from_tensor(satchel.cpu.float64.tensor(a.astype(np.float64)))),
              (G.tensor(a), C.from_tensor(G.tensor(a)))]
    for g, c in pairs:
        _compare("native", dtype, g, c)
    # views and copies, then a round trip through the files of read1d_file / write1d_file
    g, c = G.tensor(a), C.tensor(a)
    for f in (lambda t: t.t(), lambda t: t.narrow(1, 1, 2), lambda t: t.select(0, 2), lambda t: t.unfold(1, 2, 1),
              lambda t: t.t().contiguous(), lambda t: t.t().reshape([-1]), lambda t: t.t().flatten(),
              lambda t: t.clone(), lambda t: t.expand([2, 3, 4]), lambda t: t.unsqueeze(0).squeeze()):
        _compare("view", dtype, f(g), f(c))
    for binary in (False, True):
        path = tmp_path / f"v{binary}"
        G.write1d_file(g.t()[1], str(path), binary=binary)
        _compare("io", dtype, G.read1d_file(str(path), 3, binary=binary), C.tensor(a.T[1]))


@needs_gpu
@pytest.mark.parametrize("dtype", PAIRED)
def test_host_device_copies(dtype: str) -> None:
    C, G = _pair(dtype)
    a = _values(dtype, (4, 5))
    host = C.tensor(a)
    dev = host.to("cuda")
    assert type(dev) is G.Tensor and dev.shape == (4, 5) and dev.is_contiguous()
    back = dev.cpu()
    assert type(back) is C.Tensor
    np.testing.assert_array_equal(np.asarray(back), a, strict=True)
    assert dev.to("cuda") is dev and host.to("cpu") is host and host.cpu() is host
    np.testing.assert_array_equal(np.asarray(dev.to("cpu")), a, strict=True)
    np.testing.assert_array_equal(np.asarray(G.from_host(host.t())), a.T, strict=True)  # strided source
    np.testing.assert_array_equal(np.asarray(dev.t().cpu()), a.T, strict=True)  # strided device tensor
    np.testing.assert_array_equal(np.asarray(dev), a, strict=True)  # __array__
    assert dev.tolist() == host.tolist() and dev[1, 2].item() == host[1, 2].item()
    dev[1:3, ::2] = host[0, ::2]
    host[1:3, ::2] = host[0, ::2]
    dev[0] = 1
    host[0] = 1
    np.testing.assert_array_equal(np.asarray(dev), np.asarray(host), strict=True)
    with pytest.raises(TypeError, match="from_host"):
        G.from_host(a)
    with pytest.raises(ValueError, match="neither a dtype nor a device"):
        dev.to("tpu")
    assert "satchel.cuda" in repr(dev)


@needs_gpu
@pytest.mark.parametrize("dtype", [d for d in ("float32", "int32") if d in PAIRED])
def test_seed_program_runs_unchanged(dtype: str) -> None:
    want = app(satchel.unit(dtype, "cpu"))
    got = app(getattr(satchel.cuda, dtype))
    assert got == want == 440 and type(got) is type(want)


@needs_gpu
def test_runtime_allocator_device_and_streams() -> None:
    d = "float32" if "float32" in CUDA_BUILT else next(d for d in CUDA_BUILT if _dtype(d).cls == "floating")
    G = satchel.unit(d, "cuda")
    assert satchel.cuda.device_count() >= 1
    satchel.cuda.set_device(satchel.cuda.current_device())
    props = satchel.cuda.device_properties()
    assert props["multiprocessors"] > 0 and props["peak_bandwidth"] > 0
    satchel.cuda.synchronize()
    satchel.cuda.empty_cache()
    assert satchel.cuda.memory_cached() == 0
    t = G.zeros(1 << 20)
    held = satchel.cuda.memory_allocated()
    assert held >= t.numel() * np.dtype(d).itemsize
    del t
    assert satchel.cuda.memory_allocated() < held
    cached = satchel.cuda.memory_cached()
    assert cached > 0  # the freed block is kept ...
    u = G.zeros(1 << 20)
    assert satchel.cuda.memory_cached() < cached  # ... and reused for the same size
    del u
    satchel.cuda.empty_cache()
    assert satchel.cuda.memory_cached() == 0
    default = satchel.cuda.current_stream()
    assert default.handle == 0
    s = satchel.cuda.Stream()
    with s:
        assert satchel.cuda.current_stream() == s
        x = G.ones(1000)
        total = G.sumall(x + x)
    assert satchel.cuda.current_stream() == default
    assert total == 2000
    s.synchronize()
    with pytest.raises(ValueError, match="no device"):
        satchel.cuda.set_device(satchel.cuda.device_count())


@needs_gpu
def test_errors_name_the_cuda_call() -> None:
    G = satchel.unit(CUDA_BUILT[0], "cuda")
    with pytest.raises(MemoryError, match="cudaMalloc"):
        G.empty([1 << 62 >> 3])  # more bytes than any device has



def _torch_cuda() -> Any:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch has no CUDA device")
    return torch


@needs_gpu
@pytest.mark.parametrize("dtype", PAIRED)
def test_dlpack_shares_device_memory_with_pytorch(dtype: str) -> None:
    torch = _torch_cuda()
    G = satchel.unit(dtype, "cuda")
    a = _values(dtype, (3, 4))
    t = G.tensor(a)
    assert t.__dlpack_device__() == (2, satchel.cuda.current_device())
    x = torch.from_dlpack(t.t())  # a strided view, zero-copy
    assert x.device.type == "cuda" and tuple(x.shape) == (4, 3) and x.stride() == t.t().strides
    np.testing.assert_array_equal(x.cpu().numpy(), a.T, strict=True)
    t.fill_(1)  # both libraries queue on the legacy default stream here
    assert bool((x == 1).all())
    y = torch.from_numpy(a.copy()).cuda()
    s = satchel.from_dlpack(y)
    assert satchel.unit_of(s) is G and s.device == "cuda"
    np.testing.assert_array_equal(_host(s), a, strict=True)
    y.fill_(0)
    torch.cuda.synchronize()
    assert not _host(s).any()
    copied = satchel.from_dlpack(y, copy=True)
    y.fill_(1)
    torch.cuda.synchronize()
    assert not _host(copied).any()
    with pytest.raises(BufferError, match=f"the memory is on cpu:0; satchel.cuda.{dtype} takes memory on cuda:"):
        G.from_dlpack(np.asarray(a))
    with pytest.raises(BufferError, match=f"the memory is on cuda:.*satchel.cpu.{dtype} takes memory on cpu:0"):
        satchel.unit(dtype, "cpu").from_dlpack(y)


@needs_gpu
def test_dlpack_capsules_and_streams() -> None:
    G = satchel.cuda.float32
    t = G.arange(6).view((2, 3))
    for max_version in (None, (1, 0)):
        s = G.from_dlpack(t.__dlpack__(max_version=max_version, stream=1))
        assert s.tolist() == t.tolist() and s.strides == t.strides
    with pytest.raises(ValueError, match="stream 0 is ambiguous"):
        t.__dlpack__(stream=0)
    with pytest.raises(BufferError, match="cannot export a tensor on cuda:0 to cpu:0"):
        t.__dlpack__(dl_device=(1, 0))
    assert G.from_dlpack(t.__dlpack__(stream=-1)).tolist() == t.tolist()


@needs_gpu
@pytest.mark.parametrize("dtype", [d for d in PAIRED if _dtype(d).cls != "bool"])
def test_products_match_cpu(dtype: str) -> None:
    """Every product (cuBLAS for floats, satchel's kernel for integers) and, on floating
    units, every solver, on contiguous, transposed and stepped operands, against the CPU unit.
    Small integer elements keep every sum exact, so the results must be equal."""
    C, G = _pair(dtype)
    rng = np.random.default_rng(3)

    def pair(shape: tuple[int, ...], view: str = "plain") -> tuple[Any, Any]:
        """The same operand of `shape` in both units: contiguous, a transpose or every other column."""
        if view == "t" and len(shape) >= 2:
            a = rng.integers(-4, 5, size=shape[:-2] + (shape[-1], shape[-2])).astype(dtype)
            return C.tensor(a).transpose(-1, -2), G.tensor(a).transpose(-1, -2)
        if view == "step":
            a = rng.integers(-4, 5, size=shape[:-1] + (2 * shape[-1],)).astype(dtype)
            return C.tensor(a)[..., ::2], G.tensor(a)[..., ::2]
        a = rng.integers(-4, 5, size=shape).astype(dtype)
        return C.tensor(a), G.tensor(a)

    cases: list[tuple[str, list[tuple[Any, Any]], dict[str, Any]]] = []
    for v in ("plain", "t", "step"):
        cases += [("matmul", [pair((3, 4, 6), v), pair((6, 5), v)], {}),
                  ("matmul", [pair((2, 1, 3, 4), v), pair((5, 4, 6), v)], {}),
                  ("matmul", [pair((4,), v), pair((4, 6), v)], {}),
                  ("matmul", [pair((5, 4), v), pair((4,), v)], {}),
                  ("mm", [pair((70, 40), v), pair((40, 90), v)], {}),
                  ("mv", [pair((5, 7), v), pair((7,), v)], {}),
                  ("bmm", [pair((3, 4, 5), v), pair((3, 5, 6), v)], {}),
                  ("outer", [pair((5,), v), pair((6,), v)], {}),
                  ("addmm", [pair((6,), v), pair((4, 5), v), pair((5, 6), v)], {"beta": 2, "alpha": 3}),
                  ("addbmm", [pair((4, 6), v), pair((3, 4, 5), v), pair((3, 5, 6), v)], {"beta": 0, "alpha": 1}),
                  ("baddbmm", [pair((1, 6), v), pair((3, 4, 5), v), pair((3, 5, 6), v)], {}),
                  ("addmv", [pair((4,), v), pair((4, 5), v), pair((5,), v)], {"alpha": 2}),
                  ("addr", [pair((4, 5), v), pair((4,), v), pair((5,), v)], {})]
    for name, operands, kw in cases:
        got = getattr(G, name)(*[g for _, g in operands], **kw)
        want = getattr(C, name)(*[c for c, _ in operands], **kw)
        _compare(name, dtype, got, want)
    if _dtype(dtype).cls == "floating":
        a = (rng.uniform(-1, 1, (2, 4, 4)) + 5 * np.eye(4)).astype(dtype)
        spd = (a @ a.swapaxes(-1, -2)).astype(dtype)
        b = rng.uniform(-1, 1, (2, 4, 3)).astype(dtype)
        rect = rng.uniform(-1, 1, (2, 5, 3)).astype(dtype)
        solvers: list[tuple[str, list[Any], dict[str, Any]]] = [
            ("inv", [a], {}), ("det", [a], {}), ("solve", [a, b], {}), ("cholesky", [spd], {}),
            ("slogdet", [a], {}), ("lu_factor", [a], {}), ("cholesky_solve", [b, spd], {}),
            ("cholesky_inverse", [a], {"upper": True}), ("solve_triangular", [a, b], {"upper": True}),
            ("qr", [rect], {}), ("geqrf", [rect], {}), ("svd", [rect], {"full_matrices": False}), ("svdvals", [rect], {}),
            ("eigh", [spd], {}), ("eigvalsh", [spd], {"UPLO": "U"}), ("lstsq", [rect, rect[..., :2]], {}),
            ("pinv", [rect], {}), ("matrix_rank", [rect], {})]
        for name, args, kw in solvers:  # (the LAPACK ops run on the host: the same results, copied over)
            got = getattr(G, name)(*[G.tensor(x) for x in args], **kw)
            want = getattr(C, name)(*[C.tensor(x) for x in args], **kw)
            for g, w in zip(got, want, strict=True) if isinstance(want, tuple) else [(got, want)]:
                assert g.device == "cuda" and g.shape == w.shape, name
                np.testing.assert_allclose(_host(g).astype(np.float64), _host(w).astype(np.float64), rtol=1e-6)
        (lu, pivots), (c_lu, c_pivots) = G.lu_factor(G.tensor(a)), C.lu_factor(C.tensor(a))
        np.testing.assert_allclose(_host(G.lu_solve(lu, pivots, G.tensor(b))).astype(np.float64),
                                   _host(C.lu_solve(c_lu, c_pivots, C.tensor(b))).astype(np.float64), rtol=1e-6)


@needs_gpu
@pytest.mark.parametrize("dtype", PAIRED)
def test_structure_ops_match_cpu(dtype: str) -> None:
    """cpp/satchel/structure.h's ops (test_structure.py's on the CPU) run on the device as on the host.
    Elements are small integers, so the products agree exactly whichever BLAS sums them."""
    C, G = _pair(dtype)
    d = _dtype(dtype)
    v = (lambda s: RNG.integers(0, 2, s).astype(bool)) if d.cls == "bool" else \
        (lambda s: RNG.integers(-3, 4, s).astype(dtype))
    a, b, m = v((3, 4, 5)), v((5, 2)), v((4, 4))
    pairs = [(G.tensor(x), C.tensor(x)) for x in (a, b, m)]
    (ga, ca), (gb, cb), (gm, cm) = pairs
    calls: list[tuple[str, Any]] = [
        ("diagonal", lambda T, x, y, s: T.diagonal(x, 1, 0, 2)), ("diag", lambda T, x, y, s: T.diag(s, -1)),
        ("diag", lambda T, x, y, s: T.diag(s[0], 2)), ("diag_embed", lambda T, x, y, s: T.diag_embed(y, 1, 0, 2)),
        ("eye", lambda T, x, y, s: T.eye(3, 5)), ("kron", lambda T, x, y, s: T.kron(y, s.t())),
    ]
    if d.cls != "bool":
        calls += [
            ("trace", lambda T, x, y, s: T.trace(s.t())), ("vdot", lambda T, x, y, s: T.vdot(s[0], s[:, 1])),
            ("inner", lambda T, x, y, s: T.inner(x, s)), ("tensordot", lambda T, x, y, s: T.tensordot(x, y, 1)),
            ("tensordot", lambda T, x, y, s: T.tensordot(x, s, ([1], [0]))),
            ("multi_dot", lambda T, x, y, s: T.multi_dot([s[0], s, s, s[:, 0]])),
            ("chain_matmul", lambda T, x, y, s: T.chain_matmul([s, s.t(), s])),
            ("einsum", lambda T, x, y, s: T.einsum("bij,jk->bik", [x, y])),
            ("einsum", lambda T, x, y, s: T.einsum("ii,bi...->b...", [s, x])),
        ]
    for name, f in calls:
        _compare(name, dtype, f(G, ga, gb, gm), f(C, ca, cb, cm))
