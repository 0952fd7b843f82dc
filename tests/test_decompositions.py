"""The factorizations and their solvers (slogdet, lu_factor, lu_solve, cholesky_solve,
cholesky_inverse, solve_triangular, qr, geqrf, householder_product, orgqr, ormqr, svd,
svdvals, eigh, eigvalsh, lstsq, pinv, matrix_rank) on every floating unit.

Values against NumPy's LAPACK in float64 on the same (rounded) inputs; results
that are unique only up to signs (Q, U, V, eigenvectors) by reconstruction and
orthonormality. Operands are batches (0 and 1 included), empty matrices and
views (transposed, stepped); result types and names are PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import SPEC, Unit, as_tensor, to_numpy, units_where
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import satchel
from satchel.codegen.model import Native

DECOMPOSITION_OPS = {"slogdet", "lu_factor", "lu_solve", "cholesky_solve", "cholesky_inverse", "solve_triangular",
                     "qr", "geqrf", "householder_product", "orgqr", "ormqr", "svd", "svdvals", "eigh", "eigvalsh", "lstsq",
                     "pinv", "matrix_rank"}
FLOATING = units_where(lambda u: u.has("svd"))


def test_every_decomposition_has_a_test() -> None:
    """The spec's natives of decompositions.h are exactly those tested here."""
    section = {op.name for op in SPEC.ops if isinstance(op.body, Native) and op.body.header == "decompositions.h"}
    assert section == DECOMPOSITION_OPS


def tol(u: Unit) -> float:
    """float16 computes in float32 and rounds once; the others lose a few digits to conditioning."""
    return {"float16": 2e-2, "float32": 1e-4, "float64": 1e-10}[u.dtype.name]


def close(u: Unit, got: Any, want: np.ndarray, scale: float = 1.0) -> None:
    g = to_numpy(got)
    assert g.dtype == u.np_dtype and g.shape == want.shape, (g.dtype, g.shape, want.shape)
    np.testing.assert_allclose(g.astype(np.float64), want, rtol=tol(u), atol=tol(u) * scale)


def f64(u: Unit, a: np.ndarray) -> np.ndarray:
    return a.astype(u.np_dtype).astype(np.float64)


@st.composite
def matrices(draw: st.DrawFn, u: Unit, square: bool = False, kind: str = "general",
             max_n: int = 5) -> tuple[np.ndarray, Any]:
    """A batch of m x n matrices (entries in [-1, 1]; 'dominant' adds (n + 1) I, 'spd'
    makes them symmetric positive-definite) as float64 of u's rounded values and as
    a tensor, often a view: transposed, or every other matrix of a larger batch."""
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3), label="batch")
    m = draw(st.integers(0, max_n), label="m")
    n = m if square else draw(st.integers(0, max_n), label="n")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    a = rng.uniform(-1, 1, size=batch + (m, n))
    if kind == "dominant":
        a = a + (n + 1) * np.eye(m, n)
    elif kind == "spd":
        a = a @ a.swapaxes(-1, -2) + n * np.eye(n)
    a = f64(u, a)
    view = draw(st.sampled_from(["plain", "transposed", "stepped"]), label="view")
    if view == "transposed":
        return a, as_tensor(u, np.ascontiguousarray(a.swapaxes(-1, -2)).astype(u.np_dtype)).transpose(-1, -2)
    if view == "stepped" and batch:
        wide = np.repeat(a, 2, axis=0).astype(u.np_dtype)
        return a, as_tensor(u, wide)[::2]
    return a, as_tensor(u, a.astype(u.np_dtype))


def rhs(u: Unit, shape: tuple[int, ...], seed: int = 0) -> tuple[np.ndarray, Any]:
    b = f64(u, np.random.default_rng(seed).uniform(-2, 2, size=shape))
    return b, as_tensor(u, b.astype(u.np_dtype))


def eye_like(a: np.ndarray, n: int) -> np.ndarray:
    return np.broadcast_to(np.eye(n), a.shape[:-2] + (n, n))


def orthonormal_columns(u: Unit, q: np.ndarray) -> None:
    k = q.shape[-1]
    np.testing.assert_allclose(q.swapaxes(-1, -2) @ q, eye_like(q, k), atol=tol(u) * 10)


# ---- LU ------------------------------------------------------------------------------------


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_slogdet(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u, square=True), label="a")
    r = u.T.slogdet(ta)
    assert type(r).__name__ == "SlogdetResult" and r._fields == ("sign", "logabsdet")
    sign, logabs = np.linalg.slogdet(a) if a.shape[-1] else (np.ones(a.shape[:-2]), np.zeros(a.shape[:-2]))
    definite = np.abs(logabs) < 30  # (a nearly singular float16 matrix may round to either sign)
    g_sign, g_log = to_numpy(r.sign), to_numpy(r.logabsdet)
    assert g_sign.shape == a.shape[:-2] and g_sign.dtype == u.np_dtype
    if u.dtype.name != "float16":
        np.testing.assert_array_equal(g_sign[definite], sign[definite])
    np.testing.assert_allclose(np.exp(g_log.astype(np.float64))[definite] * g_sign[definite],
                               np.exp(logabs[definite]) * sign[definite], rtol=tol(u) * 100, atol=tol(u) * 100)


def test_slogdet_of_a_singular_matrix() -> None:
    for u in (p.values[0] for p in FLOATING):
        r = u.T.slogdet(u.T.zeros([2, 3, 3]))
        assert to_numpy(r.sign).tolist() == [0, 0] and np.all(np.isneginf(to_numpy(r.logabsdet)))
        r = u.T.slogdet(u.T.zeros([0, 0]))
        assert float(r.sign) == 1 and float(r.logabsdet) == 0


def unpack_lu(lu: np.ndarray, pivots: np.ndarray) -> np.ndarray:
    """P L U of one matrix of lu_factor's result: its rows swapped back as LAPACK swapped them."""
    m, n = lu.shape
    k = min(m, n)
    lower = np.tril(lu, -1)[:, :k] + np.eye(m, k)
    upper = np.triu(lu)[:k, :]
    out = lower @ upper
    for i in reversed(range(k)):
        p = pivots[i] - 1
        out[[i, p]] = out[[p, i]]
    return out


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_lu_factor_reconstructs_and_lu_solve_solves(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u, kind="dominant"), label="a")
    m, n = a.shape[-2:]
    lu, pivots = u.T.lu_factor(ta)
    p = to_numpy(pivots)
    assert p.dtype == np.int32 and p.shape == a.shape[:-2] + (min(m, n),)
    l64 = to_numpy(lu).astype(np.float64)
    for i in np.ndindex(a.shape[:-2]):
        np.testing.assert_allclose(unpack_lu(l64[i], p[i]), a[i], atol=tol(u) * 10)
    if m != n:
        return
    k = data.draw(st.integers(0, 3), label="k")
    left, adjoint = data.draw(st.booleans(), label="left"), data.draw(st.booleans(), label="adjoint")
    b, tb = rhs(u, a.shape[:-2] + ((n, k) if left else (k, n)), seed=k)
    x = u.T.lu_solve(lu, pivots, tb, left=left, adjoint=adjoint)
    at = a.swapaxes(-1, -2) if adjoint else a
    if not n or not k:
        want = np.zeros(b.shape)
    elif left:
        want = np.linalg.solve(at, b)
    else:  # X A = B: A^T X^T = B^T
        want = np.linalg.solve(at.swapaxes(-1, -2), b.swapaxes(-1, -2)).swapaxes(-1, -2)
    close(u, x, want, scale=4.0)


# ---- Cholesky and triangular ------------------------------------------------------------


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_cholesky_solve_and_inverse(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u, square=True, kind="spd"), label="a")
    n = a.shape[-1]
    upper = data.draw(st.booleans(), label="upper")
    factor = u.T.cholesky(ta, upper)
    f = to_numpy(factor).astype(np.float64)
    a = f.swapaxes(-1, -2) @ f if upper else f @ f.swapaxes(-1, -2)  # the matrix the (rounded) factor is of
    k = data.draw(st.integers(0, 3), label="k")
    b, tb = rhs(u, (n, k), seed=n)  # (its batch dims broadcast)
    want = np.linalg.solve(a, np.broadcast_to(b, a.shape[:-1] + (k,))) if n and k else np.zeros(a.shape[:-1] + (k,))
    close(u, u.T.cholesky_solve(tb, factor, upper), want, scale=4.0)
    close(u, factor.cholesky_inverse(upper), np.linalg.inv(a) if n else np.zeros(a.shape))


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_solve_triangular(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u, square=True, kind="dominant"), label="a")
    n = a.shape[-1]
    upper, left, unit = (data.draw(st.booleans(), label=w) for w in ("upper", "left", "unitriangular"))
    k = data.draw(st.integers(0, 3), label="k")
    b, tb = rhs(u, a.shape[:-2] + ((n, k) if left else (k, n)), seed=k)
    t = np.triu(a) if upper else np.tril(a)  # only that triangle is read
    if unit:
        t = t - t * np.eye(n) + np.eye(n)
    x = u.T.solve_triangular(ta, tb, upper=upper, left=left, unitriangular=unit)
    if not n or not k:
        want = np.zeros(b.shape)
    elif left:
        want = np.linalg.solve(t, b)
    else:
        want = np.linalg.solve(t.swapaxes(-1, -2), b.swapaxes(-1, -2)).swapaxes(-1, -2)
    close(u, x, want, scale=4.0)


def test_solve_triangular_with_a_zero_on_the_diagonal_gives_inf_as_pytorch() -> None:
    for u in (p.values[0] for p in FLOATING):
        x = to_numpy(u.T.solve_triangular(u.T.zeros([2, 2]), u.T.ones([2, 1]), upper=True))
        assert np.isnan(x[0, 0]) and np.isinf(x[1, 0])


# ---- QR ------------------------------------------------------------------------------------


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_qr(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u), label="a")
    m, n = a.shape[-2:]
    k = min(m, n)
    mode = data.draw(st.sampled_from(["reduced", "complete", "r"]), label="mode")
    q, r = u.T.qr(ta, mode)
    rr = to_numpy(r).astype(np.float64)
    assert rr.shape == a.shape[:-2] + ((m if mode == "complete" else k), n)
    assert np.all(np.tril(rr, -1) == 0)
    if mode == "r":
        assert q.shape == (0,)
        np.testing.assert_array_equal(rr, to_numpy(u.T.qr(ta)[1]).astype(np.float64))
        return
    qq = to_numpy(q).astype(np.float64)
    assert qq.shape == a.shape[:-2] + (m, m if mode == "complete" else k)
    orthonormal_columns(u, qq)
    np.testing.assert_allclose(qq @ rr, a, atol=tol(u) * 10)


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_geqrf_and_householder_product(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u), label="a")
    m, n = a.shape[-2:]
    reflectors, tau = u.T.geqrf(ta)
    assert reflectors.shape == a.shape and tau.shape == a.shape[:-2] + (min(m, n),)
    q, r = u.T.qr(ta)
    np.testing.assert_array_equal(np.triu(to_numpy(reflectors))[..., :min(m, n), :], to_numpy(r))
    if m >= n:  # the reflectors' product is qr's Q
        close(u, u.T.householder_product(reflectors, tau), to_numpy(q).astype(np.float64), scale=10.0)
        close(u, reflectors.orgqr(tau), to_numpy(q).astype(np.float64), scale=10.0)


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_ormqr_multiplies_by_q(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u), label="a")
    m, n = a.shape[-2:]
    reflectors, tau = u.T.geqrf(ta)
    q = to_numpy(u.T.qr(ta, "complete")[0]).astype(np.float64)  # the product of all m x m
    left, transpose = data.draw(st.booleans(), label="left"), data.draw(st.booleans(), label="transpose")
    k = data.draw(st.integers(0, 3), label="k")
    c, tc = rhs(u, (m, k) if left else (k, m), seed=k)  # (its batch dims broadcast)
    op_q = q.swapaxes(-1, -2) if transpose else q
    want = op_q @ c if left else c @ op_q
    close(u, u.T.ormqr(reflectors, tau, tc, left, transpose), want, scale=4.0)


# ---- SVD and symmetric eigenproblems ----------------------------------------------------


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_svd(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u), label="a")
    m, n = a.shape[-2:]
    k = min(m, n)
    full = data.draw(st.booleans(), label="full_matrices")
    r = u.T.svd(ta, full)
    assert type(r).__name__ == "SvdResult" and r._fields == ("U", "S", "Vh")
    uu, s, vh = (to_numpy(x).astype(np.float64) for x in r)
    assert uu.shape == a.shape[:-2] + (m, m if full else k) and vh.shape == a.shape[:-2] + (n if full else k, n)
    want_s = np.linalg.svd(a, compute_uv=False) if k else np.zeros(a.shape[:-2] + (0,))
    close(u, r.S, want_s, scale=2.0)
    close(u, u.T.svdvals(ta), want_s, scale=2.0)
    assert np.all(np.diff(s, axis=-1) <= 0)
    orthonormal_columns(u, uu)
    orthonormal_columns(u, vh.swapaxes(-1, -2))
    np.testing.assert_allclose((uu[..., :k] * s[..., None, :]) @ vh[..., :k, :], a, atol=tol(u) * 10)


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_eigh_reads_one_triangle(u: Unit, data: st.DataObject) -> None:
    a, _ = data.draw(matrices(u, square=True), label="a")
    n = a.shape[-1]
    uplo = data.draw(st.sampled_from(["L", "U"]), label="UPLO")
    sym = np.tril(a) + np.tril(a, -1).swapaxes(-1, -2) if uplo == "L" else np.triu(a) + np.triu(a, 1).swapaxes(-1, -2)
    other = np.triu(np.ones((n, n), bool), 1) if uplo == "L" else np.tril(np.ones((n, n), bool), -1)
    noisy = np.where(other, 1e4, a)  # the other triangle holds anything: it is not read
    t = as_tensor(u, noisy.astype(u.np_dtype))
    w, v = u.T.eigh(t, uplo)
    want = np.linalg.eigvalsh(sym) if n else np.zeros(a.shape[:-1])
    close(u, w, want, scale=2.0)
    close(u, t.eigvalsh(uplo), want, scale=2.0)
    vv = to_numpy(v).astype(np.float64)
    orthonormal_columns(u, vv)
    np.testing.assert_allclose(sym @ vv, vv * to_numpy(w).astype(np.float64)[..., None, :], atol=tol(u) * 20)


# ---- least squares, pseudo-inverse, rank ---------------------------------------------------


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_lstsq_as_numpy(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(matrices(u), label="a")
    m, n = a.shape[-2:]
    vector = data.draw(st.booleans(), label="vector")
    k = 1 if vector else data.draw(st.integers(0, 3), label="k")
    b, tb = rhs(u, a.shape[:-2] + ((m,) if vector else (m, k)), seed=k)
    r = u.T.lstsq(ta, tb)
    assert r._fields == ("solution", "residuals", "rank", "singular_values")
    assert to_numpy(r.rank).dtype == np.int64 and r.rank.shape == a.shape[:-2]
    sols, ranks, svs, res = [], [], [], []
    for i in np.ndindex(a.shape[:-2]):
        x, rs, rank, sv = np.linalg.lstsq(a[i], b[i], rcond=float(np.finfo(u.np_dtype).eps) * max(m, n))
        sols.append(x), ranks.append(rank), svs.append(sv), res.append(rs)
    shape = a.shape[:-2]
    close(u, r.solution, np.array(sols).reshape(shape + ((n,) if vector else (n, k))), scale=10.0)
    assert to_numpy(r.rank).tolist() == np.array(ranks, dtype=np.int64).reshape(shape).tolist()
    close(u, r.singular_values, np.array(svs).reshape(shape + (min(m, n),)), scale=2.0)
    full = m > n and all(rank == n for rank in ranks)
    assert r.residuals.shape == ((shape + (k,)) if full else (0,))
    if full and np.prod(shape) and k:
        close(u, r.residuals, np.array(res).reshape(shape + (k,)), scale=10.0)


def low_rank(u: Unit, seed: int, m: int, n: int, rank: int) -> np.ndarray:
    """An m x n matrix of the rank, its nonzero singular values in [1, 2] (well above its rounding's)."""
    rng = np.random.default_rng(seed)
    left = np.linalg.qr(rng.normal(size=(m, rank)))[0]
    right = np.linalg.qr(rng.normal(size=(n, rank)))[0]
    return f64(u, (left * rng.uniform(1, 2, size=rank)) @ right.T)


def cut(u: Unit) -> float:
    """A relative cutoff between rounding's singular values and the matrices' own."""
    return 1e-2 if u.dtype.name == "float16" else 1e-6


@pytest.mark.parametrize("u", FLOATING)
@given(data=st.data())
def test_pinv_and_matrix_rank(u: Unit, data: st.DataObject) -> None:
    m, n = data.draw(st.integers(1, 6), label="m"), data.draw(st.integers(1, 6), label="n")
    rank = data.draw(st.integers(0, min(m, n)), label="rank")
    a = low_rank(u, data.draw(st.integers(0, 2**32 - 1)), m, n, rank)
    ta = as_tensor(u, a.astype(u.np_dtype))
    got = u.T.matrix_rank(ta, rtol=cut(u))
    assert got.shape == () and to_numpy(got).dtype == np.int64 and int(got) == rank
    assert int(u.T.matrix_rank(ta, atol=0.5)) == rank
    close(u, ta.pinv(rtol=cut(u)), np.linalg.pinv(a, rcond=cut(u)), scale=10.0)
    sym = f64(u, a @ a.T)  # eigenvalues in [1, 4] and zeros
    ts = as_tensor(u, sym.astype(u.np_dtype))
    close(u, ts.pinv(rtol=cut(u), hermitian=True), np.linalg.pinv(sym, rcond=cut(u), hermitian=True), scale=10.0)
    assert int(ts.matrix_rank(atol=0.5, hermitian=True)) == rank


@pytest.mark.parametrize("u", FLOATING)
def test_pinv_defaults_and_batches(u: Unit) -> None:
    a = np.stack([low_rank(u, s, 4, 3, 3) for s in range(3)]).reshape(3, 1, 4, 3)
    ta = as_tensor(u, a.astype(u.np_dtype))
    close(u, u.T.pinv(ta), np.linalg.pinv(a), scale=10.0)
    assert to_numpy(u.T.matrix_rank(ta)).tolist() == [[3], [3], [3]]
    assert u.T.pinv(u.T.zeros([2, 0, 3])).shape == (2, 3, 0)
    assert to_numpy(u.T.matrix_rank(u.T.zeros([2, 0, 3]))).tolist() == [0, 0]
    assert int(u.T.matrix_rank(u.T.zeros([3, 3]))) == 0


# ---- PyTorch's semantics ------------------------------------------------------------------


@pytest.mark.parametrize("u", FLOATING)
def test_results_are_pytorchs(u: Unit) -> None:
    """Shapes, dtypes and empty cases as torch.linalg's (float64 values compared too)."""
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(3).uniform(-1, 1, size=(2, 4, 3))
    ta, tt = as_tensor(u, a.astype(u.np_dtype)), torch.tensor(a)
    cases = [
        ("svd", (), {"full_matrices": False}, lambda: torch.linalg.svd(tt, full_matrices=False)),
        ("qr", ("complete",), {}, lambda: torch.linalg.qr(tt, "complete")),
        ("lstsq", (as_tensor(u, np.ones((2, 4), dtype=u.np_dtype)),), {},
         lambda: torch.linalg.lstsq(tt, torch.ones(2, 4, dtype=torch.float64), driver="gelsd")),
        ("lu_factor", (), {}, lambda: torch.linalg.lu_factor(tt)),
        ("matrix_rank", (), {}, lambda: torch.linalg.matrix_rank(tt)),
        ("pinv", (), {}, lambda: torch.linalg.pinv(tt)),
        ("geqrf", (), {}, lambda: torch.geqrf(tt)),
    ]
    for name, args, kwargs, oracle in cases:
        got, want = getattr(u.T, name)(ta, *args, **kwargs), oracle()
        gots, wants = (got, want) if isinstance(want, tuple) else ((got,), (want,))
        for g, w in zip(gots, wants, strict=True):
            assert tuple(g.shape) == tuple(w.shape), (name, g.shape, w.shape)
            gn = to_numpy(g)
            want_dtype = np.dtype(str(w.dtype).removeprefix("torch.")) if not w.is_floating_point() else u.np_dtype
            assert gn.dtype == want_dtype, (name, gn.dtype, w.dtype)
            if u.dtype.name == "float64" and name in ("lstsq", "lu_factor", "matrix_rank", "pinv"):
                np.testing.assert_allclose(np.abs(gn), np.abs(w.numpy()), atol=1e-12)
    empty = u.T.svd(u.T.zeros([0, 3]))
    assert empty.U.shape == (0, 0) and empty.S.shape == (0,) and to_numpy(empty.Vh).tolist() == np.eye(3).tolist()
    w, v = u.T.eigh(u.T.zeros([0, 0]))
    assert w.shape == (0,) and v.shape == (0, 0)


# ---- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("u", FLOATING)
def test_decomposition_errors(u: Unit) -> None:
    T = u.T
    with pytest.raises(ValueError, match=r"qr: mode must be 'reduced', 'complete' or 'r', got 'full'"):
        T.qr(T.ones([2, 2]), "full")
    with pytest.raises(ValueError, match=r"eigh: UPLO must be 'L' or 'U', got 'X'"):
        T.eigh(T.ones([2, 2]), "X")
    with pytest.raises(ValueError, match=r"svd: expected self to be a matrix .* got shape \(3,\)"):
        T.svd(T.ones([3]))
    with pytest.raises(ValueError, match=r"eigvalsh: expected self to be a square matrix .* got shape \(2, 3\)"):
        T.eigvalsh(T.ones([2, 3]))
    with pytest.raises(ValueError, match=r"lstsq: driver 'gelsy' is not available"):
        T.lstsq(T.ones([3, 2]), T.ones([3, 1]), driver="gelsy")
    with pytest.raises(ValueError, match=r"lstsq: b must be a vector of 3 elements .* \(self has shape \(3, 2\), "
                                         r"b \(4, 1\)\)"):
        T.lstsq(T.ones([3, 2]), T.ones([4, 1]))
    with pytest.raises(ValueError, match=r"lstsq: batch dims \(2,\) and \(3,\) do not broadcast"):
        T.lstsq(T.ones([2, 3, 2]), T.ones([3, 3, 1]))
    nan = as_tensor(u, np.array([[1.0, np.nan], [0.0, 1.0]], dtype=u.np_dtype))
    for op in ("svd", "svdvals", "eigh", "eigvalsh", "pinv", "matrix_rank"):
        with pytest.raises(satchel.LinAlgError, match=rf"{op}: the matrix holds NaN or infinity"):
            getattr(T, op)(nan if op not in ("eigh", "eigvalsh") else nan.transpose(0, 1))
    with pytest.raises(satchel.LinAlgError, match=r"lu_factor: matrix \(1,\) of the batch is singular"):
        T.lu_factor(as_tensor(u, np.stack([np.eye(2), np.zeros((2, 2))]).astype(u.np_dtype)))
    with pytest.raises(ValueError, match=r"lu_factor: pivot=False"):
        T.lu_factor(T.ones([2, 2]), pivot=False)
    lu, pivots = T.lu_factor(as_tensor(u, np.eye(3, dtype=u.np_dtype)))
    bad = satchel.cpu.int32.tensor(np.array([1, 7, 3], dtype=np.int32))
    with pytest.raises(ValueError, match=r"lu_solve: the matrix: pivot 1 is 7, outside \[1, 3\]"):
        T.lu_solve(lu, bad, T.ones([3, 1]))
    with pytest.raises(ValueError, match=r"lu_solve: pivots must have shape \(3,\)"):
        T.lu_solve(lu, satchel.cpu.int32.ones([2]), T.ones([3, 1]))
    with pytest.raises(ValueError, match=r"lu_solve: B must be a matrix or a batch of them with 3 columns"):
        T.lu_solve(lu, pivots, T.ones([3, 2]), left=False)
    with pytest.raises(satchel.LinAlgError, match=r"cholesky_inverse: the matrix is singular \(its diagonal "
                                                 r"element 1 is zero\)"):
        T.cholesky_inverse(as_tensor(u, np.diag([1.0, 0.0]).astype(u.np_dtype)))
    with pytest.raises(ValueError, match=r"cholesky_solve: self must be a matrix or a batch of them with 2 rows"):
        T.cholesky_solve(T.ones([3, 1]), T.ones([2, 2]))
    with pytest.raises(ValueError, match=r"householder_product: self must have at least as many rows as columns"):
        T.householder_product(T.ones([2, 3]), T.ones([2]))
    with pytest.raises(ValueError, match=r"householder_product: tau must have shape \(\*batch, k\)"):
        T.householder_product(T.ones([3, 2]), T.ones([3]))
    with pytest.raises(ValueError, match=r"ormqr: input3 must be a matrix or a batch of them with 3 rows"):
        T.ormqr(*T.geqrf(T.ones([3, 2])), T.ones([2, 2]))
    with pytest.raises(ValueError, match=r"ormqr: input2 \(tau\) must have shape"):
        T.ormqr(T.ones([3, 2]), T.ones([3]), T.ones([3, 2]))
    with pytest.raises(ValueError, match=r"pinv: atol \(-1.000000\) must be >= 0"):
        T.pinv(T.ones([2, 2]), atol=-1.0)
    with pytest.raises(TypeError):
        T.solve_triangular(T.ones([2, 2]), T.ones([2, 1]))  # upper is required, as PyTorch's


@pytest.mark.parametrize("u", FLOATING)
def test_big_batches_of_small_matrices_split_across_threads(u: Unit) -> None:
    """A batch of thousands of small matrices runs on several threads (core/lapack_batch.h):
    each result as the matrix's alone, and the error the first bad matrix's, as in order."""
    rng = np.random.default_rng(7)
    a = f64(u, rng.uniform(-1, 1, size=(3000, 4, 4)) + 5 * np.eye(4))
    ta = as_tensor(u, a.astype(u.np_dtype))
    for op, args in (("inv", ()), ("slogdet", ()), ("svdvals", ()), ("qr", ()), ("eigvalsh", ()), ("pinv", ()),
                     ("lstsq", (as_tensor(u, a[..., :2].astype(u.np_dtype)),))):
        whole = getattr(u.T, op)(ta, *args)
        for i in (0, 1499, 1500, 2999):
            alone = getattr(u.T, op)(ta[i], *(x[i] for x in args))
            for w, s in zip(whole, alone, strict=True) if isinstance(alone, tuple) else [(whole, alone)]:
                if s.shape != (0,):  # (residuals: per batch, not per matrix)
                    np.testing.assert_array_equal(to_numpy(w[i]), to_numpy(s))
    bad = a.copy()
    bad[[2000, 2500], 1, 1] = np.nan
    with pytest.raises(satchel.LinAlgError, match=r"svd: matrix \(2000,\) of the batch holds NaN"):
        u.T.svd(as_tensor(u, bad.astype(u.np_dtype)))
