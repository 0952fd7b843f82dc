"""The matrix products (matmul, mm, mv, bmm, outer, ger, addmm, addmv, addr,
baddbmm, addbmm) and the LAPACK ops (inv, det, solve, cholesky) on every built
unit that has them, against NumPy.

Elements are small integers (floats too), so every product is exact in every
dtype and the results must equal NumPy's bit for bit, whatever the summation
order of the BLAS; integer units take the whole range and wrap as NumPy does.
Operands are often views (transposed, stepped, reversed, expanded), so the BLAS
is seen to get leading dims or a copy, never wrong strides. Real-valued floats
are checked with a tolerance in test_real_floats.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import SPEC, UNITS, Unit, arrays, as_tensor, assert_same, elements, get_unit, requires, shape_broadcasting_to, \
    to_numpy, units_where, viewed
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_joining import CHECKED as JOINING_OPS
from test_sorting import SORTING_OPS
from test_indexing import INDEX_OPS
from test_decompositions import DECOMPOSITION_OPS
from test_structure import STRUCTURE_OPS

import satchel
from satchel.codegen.model import Native
from satchel.codegen.signature import TENSOR, BaseKind, BaseType, OptionalType

ADDS = {"addmm": "mm", "addmv": "mv", "addr": "outer", "baddbmm": "bmm", "addbmm": "bmm"}
PRODUCTS = {"matmul", "mm", "mv", "bmm", "outer", "ger"}
PRODUCT_UNITS = units_where(lambda u: u.has("matmul"))
# Random draws (a Generator argument) are natives too, tested in test_random.py.
RANDOM_OPS = {op.name for op in SPEC.ops
              if any(a.type.elem == BaseType(BaseKind.GENERATOR) for a in op.sig.args if isinstance(a.type, OptionalType))}


def test_every_product_has_a_test() -> None:
    """A native op of two or more tensors is a product or a solver: it needs a case here
    (those of index tensors, scatter and friends, have theirs in test_indexing.py)."""
    products = [op.name for op in SPEC.ops if isinstance(op.body, Native)
                and sum(a.type == TENSOR for a in op.sig.args) >= 2]
    untested = sorted(set(products) - PRODUCTS - set(ADDS) - LAPACK_OPS - set(JOINING_OPS) - SORTING_OPS
                      - INDEX_OPS - RANDOM_OPS - DECOMPOSITION_OPS - STRUCTURE_OPS)  # (their test files)
    assert not untested, f"products without a test: {untested}"


# ---- operands -------------------------------------------------------------------------


def small(u: Unit) -> st.SearchStrategy[Any]:
    """Floats: integers in [-8, 8], whose sums of up to 30 products are exact even in float16."""
    return st.integers(-8, 8).map(float) if u.is_float else elements(u)


def operand(u: Unit, shape: tuple[int, ...]) -> st.SearchStrategy[tuple[np.ndarray, Any]]:
    """An array of `shape` and the same small elements as a tensor, often a view of another layout."""
    return viewed(u, shape, small(u))


def exact(u: Unit, value: Any) -> np.ndarray:
    """NumPy's result computed wide (float64, or int64 wrapping as the dtype does) in u's dtype."""
    return np.asarray(value).astype(u.np_dtype)


def wide(u: Unit, a: np.ndarray) -> np.ndarray:
    return a.astype(np.float64 if u.is_float else np.int64)


sides = st.integers(0, 5)


@st.composite
def matmul_shapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shapes matmul takes: 1-D or N-D each, batch dims that broadcast (0 and 1 sized dims too)."""
    m, k, n = draw(sides), draw(sides), draw(sides)
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3))
    ba, bb = batch.input_shapes
    a = (k,) if draw(st.booleans()) and draw(st.booleans()) else tuple(ba) + (m, k)
    b = (k,) if draw(st.booleans()) and draw(st.booleans()) else tuple(bb) + (k, n)
    return a, b


def product_shapes(form: str) -> st.SearchStrategy[tuple[tuple[int, ...], tuple[int, ...]]]:
    if form == "matmul":
        return matmul_shapes()
    if form == "mm":
        return st.tuples(sides, sides, sides).map(lambda s: ((s[0], s[1]), (s[1], s[2])))
    if form == "mv":
        return st.tuples(sides, sides).map(lambda s: ((s[0], s[1]), (s[1],)))
    if form == "bmm":
        return st.tuples(sides, sides, sides, sides).map(lambda s: ((s[3], s[0], s[1]), (s[3], s[1], s[2])))
    return st.tuples(st.integers(0, 30), st.integers(0, 30)).map(lambda s: ((s[0],), (s[1],)))  # outer


def oracle(form: str, u: Unit, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if form in ("outer", "ger"):
        return np.multiply.outer(wide(u, a), wide(u, b))
    return np.matmul(wide(u, a), wide(u, b))


# ---- products ---------------------------------------------------------------------------


@pytest.mark.parametrize("u", PRODUCT_UNITS)
@pytest.mark.parametrize("name", sorted(PRODUCTS))
@given(data=st.data())
def test_product(u: Unit, name: str, data: st.DataObject) -> None:
    form = "outer" if name == "ger" else name
    sa, sb = data.draw(product_shapes(form), label="shapes")
    a, ta = data.draw(operand(u, sa), label="a")
    b, tb = data.draw(operand(u, sb), label="b")
    want = exact(u, oracle(form, u, a, b))
    got = getattr(u.T, name)(ta, tb)
    assert type(got) is u.T.Tensor
    assert_same(got, want, u)
    assert_same(getattr(ta, name)(tb), want, u)  # the method
    if name == "matmul":
        assert_same(ta @ tb, want, u)


@pytest.mark.parametrize("u", PRODUCT_UNITS)
@pytest.mark.parametrize("name", sorted(ADDS))
@given(data=st.data())
def test_add_product(u: Unit, name: str, data: st.DataObject) -> None:
    form = ADDS[name]
    sa, sb = data.draw(product_shapes(form), label="shapes")
    a, ta = data.draw(operand(u, sa), label="a")
    b, tb = data.draw(operand(u, sb), label="b")
    prod = oracle(form, u, a, b)
    if name == "addbmm":
        prod = prod.sum(axis=0)
    unsigned = u.lo == 0  # a Scalar of an unsigned dtype holds no negative number
    beta = data.draw(st.sampled_from([0, 1, 2] if unsigned else [0, 1, 2, -1]), label="beta")
    alpha = data.draw(st.sampled_from([0, 1, 3] if unsigned else [0, 1, 3, -2]), label="alpha")
    self_shape = data.draw(shape_broadcasting_to(prod.shape), label="self shape")
    s, ts = data.draw(operand(u, self_shape), label="self")
    if beta == 0 and u.is_float and s.size:  # beta = 0 ignores self, NaN included, as BLAS does
        s = np.full(self_shape, np.nan, dtype=u.np_dtype)
        ts = as_tensor(u, s)
    want = exact(u, alpha * prod + (beta * wide(u, s) if beta else 0))
    assert_same(getattr(u.T, name)(ts, ta, tb, beta=beta, alpha=alpha), want, u)
    if beta == 1 and alpha == 1:
        assert_same(getattr(ts, name)(ta, tb), want, u)


@pytest.mark.parametrize("u", PRODUCT_UNITS)
def test_large_products(u: Unit) -> None:
    """Sizes past the blocks of the integer kernel and the BLAS's threading threshold."""
    rng = np.random.default_rng(5)
    for m, k, n, batch in [(70, 600, 300, ()), (3, 1000, 1, ()), (1, 300, 520, ()), (8, 8, 8, (2000,))]:
        a = rng.integers(-3, 4, size=batch + (m, k)).astype(u.np_dtype)
        b = rng.integers(-3, 4, size=batch + (n, k)).astype(u.np_dtype).swapaxes(-1, -2)
        tb = as_tensor(u, b.swapaxes(-1, -2).copy()).transpose(-1, -2)  # a transposed view
        got = u.T.matmul(as_tensor(u, a), tb)
        want = np.matmul(wide(u, a), wide(u, b))
        if u.dtype.name == "float16":  # beyond 2048 float16 rounds: compare as float32 sums rounded once
            np.testing.assert_allclose(to_numpy(got).astype(np.float64), want, rtol=1e-3, atol=1)
        else:
            assert_same(got, exact(u, want), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("matmul") and u.is_float))
def test_fresh_memory_holding_nan_is_not_read(u: Unit) -> None:
    """Results go to memory the allocator may hand back holding NaN: beta = 0 must write, not scale, it."""
    for m, k, n in [(700, 3, 500), (700, 3, 1), (1, 3, 700), (512, 512, 512)]:
        junk = u.T.full([m * n + 4096], float("nan"))
        del junk  # a big block: the allocator keeps it and gives it to the next result of its size class
        got = to_numpy(u.T.matmul(u.T.ones([m, k]), u.T.ones([k, n])))
        assert not np.isnan(got).any() and np.all(got == k)


@requires("int32")
def test_integer_products_wrap() -> None:
    u = get_unit("int32")
    a = np.array([[2**30, 2**30], [-(2**31), 7]], dtype=np.int32)
    want = np.matmul(a.astype(np.int64), a.astype(np.int64)).astype(np.int32)
    assert_same(u.T.mm(as_tensor(u, a), as_tensor(u, a)), want, u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("matmul") and u.dtype.name in ("float32", "float64")))
@given(data=st.data())
def test_real_floats(u: Unit, data: st.DataObject) -> None:
    """Real-valued floats through the BLAS: within the float rounding of k products."""
    sa, sb = data.draw(matmul_shapes(), label="shapes")
    el = elements(u, -1e3, 1e3)
    a, b = data.draw(arrays(u, sa, el), label="a"), data.draw(arrays(u, sb, el), label="b")
    ta, tb = as_tensor(u, a), as_tensor(u, b)
    got = to_numpy(ta @ tb).astype(np.float64)
    want = np.matmul(a.astype(np.float64), b.astype(np.float64))
    bound = np.matmul(np.abs(a.astype(np.float64)), np.abs(b.astype(np.float64)))
    k = sa[-1]
    assert got.shape == want.shape
    tiny = float(np.finfo(u.np_dtype).smallest_subnormal)  # products may underflow
    assert np.all(np.abs(got - want) <= (k + 2) * (float(np.finfo(u.np_dtype).eps) * bound + tiny))


# ---- errors, operators ------------------------------------------------------------------


@pytest.mark.parametrize("u", PRODUCT_UNITS)
def test_shape_errors_name_op_arguments_and_shapes(u: Unit) -> None:
    T = u.T
    cases = [
        (lambda: T.matmul(T.ones([2, 3]), T.ones([4, 5])), r"matmul: cannot multiply 2x3 by 4x5 .*self has shape "
                                                           r"\(2, 3\), other \(4, 5\)"),
        (lambda: T.matmul(T.ones([2, 2, 3]), T.ones([3, 3, 4])), r"matmul: batch dims \(2,\) and \(3,\) do not "
                                                                 r"broadcast"),
        (lambda: T.matmul(T.ones([]), T.ones([3])), r"matmul: both arguments must be at least 1-D"),
        (lambda: T.mm(T.ones([3]), T.ones([3, 3])), r"mm: expected self to be a 2-D tensor, got shape \(3,\)"),
        (lambda: T.mv(T.ones([3, 3]), T.ones([3, 1])), r"mv: expected vec to be a 1-D tensor, got shape \(3, 1\)"),
        (lambda: T.bmm(T.ones([2, 3, 3]), T.ones([3, 3, 3])), r"bmm: batch sizes differ .*self has shape "
                                                              r"\(2, 3, 3\), mat2 \(3, 3, 3\)"),
        (lambda: T.outer(T.ones([2, 2]), T.ones([2])), r"outer: expected self to be a 1-D tensor"),
        (lambda: T.addmm(T.ones([3]), T.ones([2, 2]), T.ones([2, 2])), r"addmm: self \(shape \(3,\)\) does not "
                                                                      r"broadcast to the product's shape \(2, 2\)"),
        (lambda: T.addbmm(T.ones([2, 2]), T.ones([2, 2, 3]), T.ones([2, 2, 2])), r"addbmm: cannot multiply 2x3 by "
                                                                                 r"2x2 .*batch1 has shape"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()


@pytest.mark.parametrize("u", PRODUCT_UNITS)
def test_matmul_operator(u: Unit) -> None:
    x = u.T.ones([2, 3])
    y = u.T.ones([3, 4])
    z = x
    z @= y  # @= rebinds to a new tensor, as in PyTorch
    assert z.shape == (2, 4) and x.shape == (2, 3)
    with pytest.raises(TypeError):
        x @ 2  # type: ignore[operator]
    with pytest.raises(TypeError):
        2 @ x  # type: ignore[operator]
    with pytest.raises(TypeError):
        x @ np.ones((3, 4), dtype=u.np_dtype)


@pytest.mark.parametrize("u", PRODUCT_UNITS)
def test_matmul_of_other_units_is_refused(u: Unit) -> None:
    """The unit's matmul takes its own unit's tensors; ``@`` promotes (test_array_api.py)."""
    other = next((v for v in UNITS if v.has("matmul") and v is not u), None)
    if other is None:
        pytest.skip("one unit with matmul was built")
    with pytest.raises(TypeError):
        u.T.matmul(u.T.ones([2, 2]), other.T.ones([2, 2]))


# ---- threads --------------------------------------------------------------------------


def test_blas_threads_follow_satchels() -> None:
    """The BLAS runs with satchel's thread cap, whatever it is set to, LAPACK's calls included."""
    from satchel._units import _host

    T = next((u.T for u in UNITS if u.has("solve")), None)
    try:
        for n in (1, 2, 3):
            satchel.set_num_threads(n)
            assert _host.blas_num_threads() == n
            if T is not None:  # (an LU runs on one thread, and the BLAS goes back to satchel's count)
                T.solve(T.ones([64, 64]) + T.eye(64) * 64, T.ones([64]))
                assert _host.blas_num_threads() == n
    finally:
        satchel.set_num_threads(0)
    assert _host.blas_num_threads() == satchel.get_num_threads()
    assert _host.blas_config().startswith("OpenBLAS")


@requires("float32")
def test_blas_starts_no_threads_of_its_own() -> None:
    """A threaded BLAS call runs on the OpenMP threads satchel's own kernels use: it adds no thread."""
    code = textwrap.dedent("""
        import os
        import satchel
        from satchel.cpu import float32 as T
        satchel.set_num_threads(2)
        x = T.ones([10**6])
        x + x  # starts OpenMP's threads
        before = len(os.listdir("/proc/self/task"))
        a = T.ones([1024, 1024])
        a @ a
        print(before, len(os.listdir("/proc/self/task")))
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(satchel.__file__).parents[1]),
                                                        os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    before, after = map(int, out.stdout.split())
    assert after == before


@requires("float32")
def test_products_from_several_python_threads() -> None:
    """Threaded BLAS calls from several Python threads at once (each its own OpenMP team) finish and agree."""
    from concurrent.futures import ThreadPoolExecutor

    u = get_unit("float32")
    rng = np.random.default_rng(1)
    a = rng.integers(-3, 4, size=(300, 300)).astype(np.float32)
    ta = as_tensor(u, a)
    want = exact(u, np.matmul(wide(u, a), wide(u, a)))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: u.T.matmul(ta, ta), range(8)))
    for r in results:
        assert_same(r, want, u)


# ---- LAPACK -------------------------------------------------------------------------------

LAPACK_OPS = {"inv", "det", "solve", "cholesky"}
LAPACK_UNITS = units_where(lambda u: u.has("inv"))


def test_every_solver_has_a_test() -> None:
    natives = {op.name for op in SPEC.ops if isinstance(op.body, Native) and op.dtypes == "floating"} - RANDOM_OPS
    natives -= SORTING_OPS | DECOMPOSITION_OPS  # (test_order.py, test_decompositions.py)
    assert natives <= LAPACK_OPS, f"floating natives without a test: {sorted(natives - LAPACK_OPS)}"


def lapack_tol(u: Unit) -> float:
    """float16 computes in float32 and rounds once."""
    return {"float16": 4e-3, "float32": 2e-5, "float64": 1e-12}[u.dtype.name]


@st.composite
def well_conditioned(draw: st.DrawFn, u: Unit, spd: bool = False) -> tuple[np.ndarray, Any]:
    """A batch of n x n matrices, diagonally dominant (or symmetric positive-definite), often a view."""
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3), label="batch")
    n = draw(st.integers(0, 6), label="n")
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m = rng.uniform(-1, 1, size=batch + (n, n))
    a = m @ m.swapaxes(-1, -2) + n * np.eye(n) if spd else m + (n + 1) * np.eye(n)
    a = a.astype(u.np_dtype)
    if draw(st.booleans()):  # a transposed view
        base = np.ascontiguousarray(a.swapaxes(-1, -2))
        return a, as_tensor(u, base).transpose(-1, -2)
    return a, as_tensor(u, a)


def close(u: Unit, got: Any, want: np.ndarray, scale: float = 1.0) -> None:
    """Within the tolerance of u's dtype of want rounded to it (a float16 determinant may be inf)."""
    g = to_numpy(got)
    assert g.dtype == u.np_dtype and g.shape == want.shape, (g.dtype, g.shape, want.shape)
    with np.errstate(over="ignore"):
        w = np.asarray(want).astype(u.np_dtype).astype(np.float64)
    np.testing.assert_allclose(g.astype(np.float64), w, rtol=lapack_tol(u) * 10, atol=lapack_tol(u) * 10 * scale)


@pytest.mark.parametrize("u", LAPACK_UNITS)
@given(data=st.data())
def test_inv_det_solve(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(well_conditioned(u), label="a")
    a64 = a.astype(np.float64)
    close(u, u.T.inv(ta), np.linalg.inv(a64) if a.size else np.zeros(a.shape))
    want_det = np.linalg.det(a64) if a.shape[-1] else np.ones(a.shape[:-2])
    close(u, u.T.det(ta), want_det, scale=min(float(np.max(np.abs(want_det), initial=1.0)), float(u.hi)))
    n = a.shape[-1]
    k = data.draw(st.integers(0, 3), label="k")
    b = np.random.default_rng(n).uniform(-4, 4, size=a.shape[:-1] + (k,)).astype(u.np_dtype)
    close(u, u.T.solve(ta, as_tensor(u, b)), np.linalg.solve(a64, b.astype(np.float64)) if a.size and k else
          np.zeros(b.shape), scale=4.0)
    v = np.arange(n, dtype=u.np_dtype)
    want_v = np.linalg.solve(a64, np.broadcast_to(v.astype(np.float64), a.shape[:-1])[..., None])[..., 0] \
        if a.size else np.zeros(a.shape[:-1])
    close(u, ta.solve(as_tensor(u, v)), want_v, scale=float(n))


@pytest.mark.parametrize("u", LAPACK_UNITS)
@given(data=st.data())
def test_cholesky_reconstructs(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(well_conditioned(u, spd=True), label="a")
    n = a.shape[-1]
    lower = to_numpy(u.T.cholesky(ta)).astype(np.float64)
    upper = to_numpy(ta.cholesky(upper=True)).astype(np.float64)
    assert np.all(np.triu(lower, 1) == 0) and np.all(np.tril(upper, -1) == 0)
    scale = float(np.max(np.abs(a), initial=1.0))
    np.testing.assert_allclose(lower @ lower.swapaxes(-1, -2), a, rtol=lapack_tol(u) * 20, atol=lapack_tol(u) * 20 * scale)
    np.testing.assert_allclose(upper.swapaxes(-1, -2) @ upper, a, rtol=lapack_tol(u) * 20,
                               atol=lapack_tol(u) * 20 * scale)
    if n:
        np.testing.assert_allclose(lower, np.linalg.cholesky(a.astype(np.float64)), rtol=lapack_tol(u) * 20,
                                   atol=lapack_tol(u) * 20 * scale)


@pytest.mark.parametrize("u", LAPACK_UNITS)
def test_lapack_errors(u: Unit) -> None:
    T = u.T
    singular = np.stack([np.eye(3), np.ones((3, 3))]).astype(u.np_dtype)
    with pytest.raises(satchel.LinAlgError, match=r"inv: matrix \(1,\) of the batch is singular"):
        T.inv(as_tensor(u, singular))
    with pytest.raises(ValueError, match=r"solve: the matrix \(self\) is singular"):
        T.solve(T.zeros([2, 2]), T.ones([2]))
    with pytest.raises(satchel.LinAlgError, match=r"cholesky: the matrix is not positive-definite \(its leading "
                                                  r"minor of order 2"):
        T.cholesky(as_tensor(u, np.array([[1, 2], [2, 1]], dtype=u.np_dtype)))
    assert to_numpy(T.det(as_tensor(u, singular))).tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match=r"inv: expected self to be a square matrix or a batch of them \(\.\.\., n, "
                                         r"n\), got shape \(2, 3\)"):
        T.inv(T.ones([2, 3]))
    with pytest.raises(ValueError, match=r"solve: other must be a vector of 2 elements or a batch of matrices of 2 "
                                         r"rows \(self has shape \(2, 2\), other \(3,\)\)"):
        T.solve(T.ones([2, 2]), T.ones([3]))
    with pytest.raises(ValueError, match=r"solve: batch dims \(2,\) and \(3,\) do not broadcast"):
        T.solve(T.ones([2, 2, 2]), T.ones([3, 2, 1]))
    assert issubclass(satchel.LinAlgError, ValueError)
