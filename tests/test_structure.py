"""The structure and product ops of cpp/satchel/structure.h (trace, diagonal, diag,
diag_embed, eye, vdot, inner, kron, tensordot, chain_matmul, multi_dot, einsum) on
every built unit that has them, against NumPy (and PyTorch's diag_embed).

As in test_linalg.py, float elements are small integers, so every product and sum
is exact in every dtype and the results must equal NumPy's bit for bit; integer
units take the whole range and wrap as NumPy does. Operands are often views
(transposed, stepped, reversed, expanded) and shapes have sizes 0 and 1.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np
import pytest
from conftest import SPEC, Unit, arrays, as_tensor, assert_same, elements, get_unit, to_numpy, units_where, viewed
from hypothesis import given
from hypothesis import strategies as st

STRUCTURE_OPS = {"trace", "diagonal", "diag", "diag_embed", "eye", "vdot", "inner", "kron", "tensordot",
                 "chain_matmul", "multi_dot", "einsum"}

sides = st.integers(0, 4)


def exact(u: Unit, value: Any) -> np.ndarray:
    """NumPy's result computed wide (float64, or int64 wrapping as the dtype does) in u's dtype."""
    return np.asarray(value).astype(u.np_dtype)


def wide(u: Unit, a: np.ndarray) -> np.ndarray:
    return a.astype(np.float64 if u.is_float else np.int64)


def units_of(name: str) -> list[Any]:
    return units_where(lambda u: u.has(name))


def small(u: Unit, bound: int = 8) -> st.SearchStrategy[Any]:
    """Floats: integers in [-bound, bound], whose sums of products here are exact even in float16."""
    return st.integers(-bound, bound).map(float) if u.is_float else elements(u)


def special(u: Unit) -> st.SearchStrategy[Any]:
    """Any value of the dtype, NaN and infinities included (for ops that only move elements)."""
    return elements(u, nan=True, inf=True) if u.is_float else elements(u)


def operand(u: Unit, shape: tuple[int, ...], el: st.SearchStrategy[Any] | None = None
            ) -> st.SearchStrategy[tuple[np.ndarray, Any]]:
    """An array of `shape` and the same elements as a tensor, often a view of another layout."""
    return viewed(u, shape, small(u) if el is None else el)


def shape(min_dims: int = 0, max_dims: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    return st.lists(sides, min_size=min_dims, max_size=max_dims).map(tuple)


def same_type(got: Any, u: Unit) -> None:
    assert type(got) is u.T.Tensor


# ---- trace, diagonal, diag, diag_embed, eye ------------------------------------------------


@pytest.mark.parametrize("u", units_of("trace"))
@given(data=st.data())
def test_trace(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(operand(u, data.draw(shape(2, 2))), label="self")
    s = get_unit(u.dtype.sum)  # int64 for the integers, as PyTorch
    want = np.asarray(np.trace(wide(u, a))).astype(s.np_dtype)
    for got in (u.T.trace(ta), ta.trace()):
        assert type(got) is s.T.Tensor and got.shape == ()
        assert_same(got, want, s)


@pytest.mark.parametrize("u", units_of("trace"))
def test_trace_wraps_as_int64_and_takes_only_matrices(u: Unit) -> None:
    if not u.is_float:
        big = np.full((3, 3), u.hi, dtype=u.np_dtype)
        want = 3 * int(u.hi)  # exact in int64 for the narrower dtypes, wrapping as int64 for int64
        assert int(to_numpy(u.T.trace(as_tensor(u, big)))) == (want + 2**63) % 2**64 - 2**63
    for bad in ([3], [2, 2, 2], []):
        with pytest.raises(ValueError, match=r"trace: expected a matrix"):
            u.T.trace(u.T.zeros(bad))


@st.composite
def diagonal_args(draw: st.DrawFn, nd: int) -> tuple[int, int, int]:
    offset = draw(st.integers(-5, 5))
    d1, d2 = draw(st.lists(st.integers(0, nd - 1), min_size=2, max_size=2, unique=True))
    return offset, d1 - nd * draw(st.integers(0, 1)), d2 - nd * draw(st.integers(0, 1))


@pytest.mark.parametrize("u", units_of("diagonal"))
@given(data=st.data())
def test_diagonal(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(operand(u, data.draw(shape(2, 4)), special(u)), label="self")
    offset, d1, d2 = data.draw(diagonal_args(a.ndim), label="offset, dim1, dim2")
    want = np.diagonal(a, offset, d1, d2)
    got = u.T.diagonal(ta, offset, d1, d2)
    same_type(got, u)
    assert_same(got, want, u)
    assert_same(ta.diagonal(offset=offset, dim1=d1, dim2=d2), want, u)
    if a.ndim == 2 and offset == 0 and {d1 % 2, d2 % 2} == {0, 1}:
        assert_same(u.T.diagonal(ta), np.diagonal(a), u)


@pytest.mark.parametrize("u", units_of("diagonal"))
def test_diagonal_is_a_view(u: Unit) -> None:
    t = u.T.zeros([3, 4, 5])
    d = u.T.diagonal(t, 1, 2, 0)  # shape (4, 2): elements t[i + 1, :, i] (the offset moves along dim2)
    assert d.shape == (4, 2)
    d.fill_(1)
    want = np.zeros((3, 4, 5), dtype=u.np_dtype)
    for i in range(2):
        want[i + 1, :, i] = 1
    assert_same(t, want, u)
    with pytest.raises(ValueError, match=r"diagonal: dim1 and dim2 are both dim 1"):
        u.T.diagonal(t, 0, 1, -2)
    with pytest.raises(IndexError, match=r"diagonal: dim 3 is out of range"):
        u.T.diagonal(t, 0, 0, 3)
    with pytest.raises(ValueError, match=r"diagonal: expected a tensor of at least 2 dims"):
        u.T.diagonal(u.T.zeros([3]))
    for far in (2**63 - 1, -2**63, 5, -4):  # past the matrix: empty
        assert u.T.diagonal(t, far, 1, 2).shape == (3, 0)


@pytest.mark.parametrize("u", units_of("diag"))
@given(data=st.data())
def test_diag(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(operand(u, data.draw(shape(1, 2)), special(u)), label="self")
    k = data.draw(st.integers(-5, 5), label="diagonal")
    want = np.diag(a, k)
    got = u.T.diag(ta, k)
    same_type(got, u)
    assert_same(got, want, u)
    assert_same(ta.diag(k), want, u)
    if a.ndim == 2:  # a copy, not a view
        assert got.is_contiguous()
    with pytest.raises(ValueError, match=r"diag: expected a 1-D or 2-D tensor, got shape \(2, 2, 2\)"):
        u.T.diag(u.T.zeros([2, 2, 2]))


@pytest.mark.parametrize("u", units_of("diag_embed"))
@given(data=st.data())
def test_diag_embed(u: Unit, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch")
    a, ta = data.draw(operand(u, data.draw(shape(1, 3)), special(u)), label="self")
    nd = a.ndim + 1
    offset, d1, d2 = data.draw(diagonal_args(nd), label="offset, dim1, dim2")
    want = torch.diag_embed(torch.from_numpy(a.copy(order="C")), offset, d1, d2).numpy()
    got = u.T.diag_embed(ta, offset, d1, d2)
    same_type(got, u)
    assert_same(got, want, u)
    assert_same(ta.diag_embed(offset, d1, d2), want, u)
    if nd >= 2:
        assert_same(u.T.diag_embed(ta), torch.diag_embed(torch.from_numpy(a.copy(order="C"))).numpy(), u)


@pytest.mark.parametrize("u", units_of("diag_embed"))
def test_diag_embed_errors(u: Unit) -> None:
    with pytest.raises(ValueError, match=r"diag_embed: expected a tensor of at least 1 dim"):
        u.T.diag_embed(u.T.zeros([]))
    with pytest.raises(ValueError, match=r"diag_embed: dim1 and dim2 are both dim 2"):
        u.T.diag_embed(u.T.zeros([2, 2]), 0, 2, -1)
    with pytest.raises(IndexError, match=r"diag_embed: dim 3 is out of range"):
        u.T.diag_embed(u.T.zeros([2, 2]), 0, 0, 3)
    for far in (2**63 - 1, -2**63):
        with pytest.raises(OverflowError, match=r"diag_embed: offset"):
            u.T.diag_embed(u.T.zeros([2]), far)
        with pytest.raises(OverflowError, match=r"diag_embed: offset"):
            u.T.diag(u.T.zeros([2]), far)


@pytest.mark.parametrize("u", units_of("eye"))
@given(n=st.integers(0, 7), m=st.none() | st.integers(0, 7))
def test_eye(u: Unit, n: int, m: int | None) -> None:
    got = u.T.eye(n, m)
    same_type(got, u)
    assert_same(got, np.eye(n, m, dtype=u.np_dtype), u)
    if m is None:
        assert_same(u.T.eye(n), np.eye(n, dtype=u.np_dtype), u)


@pytest.mark.parametrize("u", units_of("eye"))
def test_eye_refuses_negative_sizes(u: Unit) -> None:
    with pytest.raises(ValueError, match=r"eye: n and m must be non-negative, got n=-1, m=-1"):
        u.T.eye(-1)
    with pytest.raises(ValueError, match=r"eye: n and m must be non-negative, got n=2, m=-3"):
        u.T.eye(2, -3)


# ---- vdot, inner, kron, tensordot --------------------------------------------------------


@pytest.mark.parametrize("u", units_of("vdot"))
@given(data=st.data())
def test_vdot(u: Unit, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 40), label="n")
    a, ta = data.draw(operand(u, (n,)), label="self")
    b, tb = data.draw(operand(u, (n,)), label="other")
    want = exact(u, np.dot(wide(u, a), wide(u, b)))
    got = u.T.vdot(ta, tb)
    same_type(got, u)
    assert_same(got, want, u)
    assert_same(ta.vdot(tb), want, u)


@pytest.mark.parametrize("u", units_of("vdot"))
def test_vdot_errors(u: Unit) -> None:
    with pytest.raises(ValueError, match=r"vdot: self \(size 3\) and other \(size 4\) differ in size"):
        u.T.vdot(u.T.zeros([3]), u.T.zeros([4]))
    with pytest.raises(ValueError, match=r"vdot: expected 1-D tensors, got shapes \(2, 2\) and \(4,\)"):
        u.T.vdot(u.T.zeros([2, 2]), u.T.zeros([4]))


@pytest.mark.parametrize("u", units_of("inner"))
@given(data=st.data())
def test_inner(u: Unit, data: st.DataObject) -> None:
    k = data.draw(sides, label="k")
    sa = data.draw(shape(0, 3), label="self lead") + (k,)
    sb = data.draw(shape(0, 3), label="other lead") + (k,)
    if data.draw(st.booleans(), label="self 0-d"):
        sa = ()
    elif data.draw(st.booleans(), label="other 0-d"):
        sb = ()
    a, ta = data.draw(operand(u, sa), label="self")
    b, tb = data.draw(operand(u, sb), label="other")
    want = exact(u, np.inner(wide(u, a), wide(u, b)))
    got = u.T.inner(ta, tb)
    same_type(got, u)
    assert_same(got, want, u)
    assert_same(ta.inner(tb), want, u)


@pytest.mark.parametrize("u", units_of("inner"))
def test_inner_errors(u: Unit) -> None:
    with pytest.raises(ValueError, match=r"inner: the last dims of self \(shape \(2, 3\)\) and other \(shape \(4,\)\) "
                                         r"differ \(3 and 4\)"):
        u.T.inner(u.T.zeros([2, 3]), u.T.zeros([4]))


@pytest.mark.parametrize("u", units_of("kron"))
@given(data=st.data())
def test_kron(u: Unit, data: st.DataObject) -> None:
    a, ta = data.draw(operand(u, data.draw(shape(0, 3), label="self shape")), label="self")
    b, tb = data.draw(operand(u, data.draw(shape(0, 3), label="other shape")), label="other")
    want = exact(u, np.kron(wide(u, a), wide(u, b)))
    got = u.T.kron(ta, tb)
    same_type(got, u)
    assert_same(got, want, u)
    assert_same(ta.kron(tb), want, u)


@st.composite
def tensordot_case(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...], Any, list[int], list[int]]:
    """Shapes and dims: an int n, or pairs of dims (negative too) whose sizes agree."""
    sa = draw(shape(0, 4), label="self shape")
    if draw(st.booleans()):  # dims = n: self's last n with other's first n
        n = draw(st.integers(0, len(sa)))
        sb = sa[len(sa) - n:] + draw(shape(0, 4 - n))
        return sa, sb, n, list(range(len(sa) - n, len(sa))), list(range(n))
    free_b = draw(shape(0, 3))
    ka = draw(st.lists(st.integers(0, len(sa) - 1), unique=True, max_size=len(sa))) if sa else []
    nb = len(free_b) + len(ka)
    kb = draw(st.permutations(range(nb)))[:len(ka)]
    sb_list = [0] * nb
    rest = iter(free_b)
    for i in range(nb):
        sb_list[i] = sa[ka[kb.index(i)]] if i in kb else next(rest)
    da = [d - len(sa) * draw(st.integers(0, 1)) for d in ka]
    db = [d - nb * draw(st.integers(0, 1)) for d in kb]
    form = draw(st.sampled_from(["tuple", "list"]))
    dims = (da, db) if form == "tuple" else [da, db]
    return sa, tuple(sb_list), dims, da, db


@pytest.mark.parametrize("u", units_of("tensordot"))
@given(data=st.data())
def test_tensordot(u: Unit, data: st.DataObject) -> None:
    sa, sb, dims, da, db = data.draw(tensordot_case(), label="case")
    a, ta = data.draw(operand(u, sa), label="self")
    b, tb = data.draw(operand(u, sb), label="other")
    want = exact(u, np.tensordot(wide(u, a), wide(u, b), (da, db)))
    got = u.T.tensordot(ta, tb, dims)
    same_type(got, u)
    assert_same(got, want, u)
    assert_same(ta.tensordot(tb, dims), want, u)
    if dims == 2:
        assert_same(u.T.tensordot(ta, tb), want, u)  # the default


@pytest.mark.parametrize("u", units_of("tensordot"))
def test_tensordot_errors(u: Unit) -> None:
    a, b = u.T.zeros([2, 3]), u.T.zeros([4, 3])
    with pytest.raises(ValueError, match=r"tensordot: dims \[0\] of self \(size 2\) and \[1\] of other \(size 3\) differ"):
        u.T.tensordot(a, b, ([0], [1]))
    with pytest.raises(ValueError, match=r"tensordot: dims \[0, 1\] of self and \[1\] of other are not as many"):
        u.T.tensordot(a, b, ([0, 1], [1]))
    with pytest.raises(ValueError, match=r"name a dim twice"):
        u.T.tensordot(a, u.T.zeros([3, 3]), ([1, 1], [0, 1]))
    with pytest.raises(ValueError, match=r"tensordot: dims=3 must be 0 to the dims of both"):
        u.T.tensordot(a, b, 3)
    with pytest.raises(ValueError, match=r"tensordot: dims must be an int or a pair of lists"):
        u.T.tensordot(a, b, "x")
    with pytest.raises(ValueError, match=r"tensordot: dims\[0\] must be an int or a list of ints"):
        u.T.tensordot(a, b, (["a"], [0]))
    with pytest.raises(IndexError, match=r"tensordot: dim 2 is out of range"):
        u.T.tensordot(a, b, ([2], [0]))


# ---- chain_matmul, multi_dot --------------------------------------------------------------


@st.composite
def chain(draw: st.DrawFn, u: Unit, n: int, vectors: bool) -> tuple[list[np.ndarray], list[Any]]:
    p = draw(st.lists(st.integers(0, 6), min_size=n + 1, max_size=n + 1), label="sizes")
    shapes = [(p[i], p[i + 1]) for i in range(n)]
    if vectors and draw(st.booleans()):
        shapes[0] = (p[1],)
    if vectors and draw(st.booleans()):
        shapes[-1] = (p[-2],)
    pairs = [draw(operand(u, s, small(u, 3)), label=f"tensors[{i}]") for i, s in enumerate(shapes)]
    return [a for a, _ in pairs], [t for _, t in pairs]


def chain_oracle(u: Unit, arrays_: list[np.ndarray]) -> np.ndarray:
    out = wide(u, arrays_[0])
    for a in arrays_[1:]:
        out = np.dot(out, wide(u, a))
    return exact(u, out)


@pytest.mark.parametrize("u", units_of("multi_dot"))
@given(data=st.data())
def test_multi_dot(u: Unit, data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 5), label="n")
    arrays_, tensors = data.draw(chain(u, n, True))
    want = chain_oracle(u, arrays_)
    got = u.T.multi_dot(tensors)
    same_type(got, u)
    assert_same(got, want, u)


@pytest.mark.parametrize("u", units_of("chain_matmul"))
@given(data=st.data())
def test_chain_matmul(u: Unit, data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 5), label="n")
    arrays_, tensors = data.draw(chain(u, n, False))
    got = u.T.chain_matmul(tensors)
    same_type(got, u)
    assert_same(got, chain_oracle(u, arrays_), u)


@pytest.mark.parametrize("u", units_of("multi_dot"))
def test_chain_errors(u: Unit) -> None:
    z = u.T.zeros
    with pytest.raises(ValueError, match=r"multi_dot: expected at least 2 tensors, got 1"):
        u.T.multi_dot([z([2, 2])])
    with pytest.raises(ValueError, match=r"multi_dot: tensors\[1\] must be 2-D, got shape \(3,\)"):
        u.T.multi_dot([z([2, 3]), z([3]), z([3, 2])])
    with pytest.raises(ValueError, match=r"multi_dot: tensors\[0\] \(shape \(2, 3\)\) and tensors\[1\] \(shape \(4, 2\)\) "
                                         r"cannot be multiplied"):
        u.T.multi_dot([z([2, 3]), z([4, 2])])
    with pytest.raises(ValueError, match=r"chain_matmul: expected at least 1 matrix, got none"):
        u.T.chain_matmul([])
    with pytest.raises(ValueError, match=r"chain_matmul: matrices\[0\] must be 2-D, got shape \(3,\)"):
        u.T.chain_matmul([z([3])])


@pytest.mark.parametrize("u", units_where(lambda u: u.has("multi_dot") and u.dtype.name in ("float32", "float64")))
def test_multi_dot_takes_the_cheapest_order(u: Unit) -> None:
    """(n x 1)(1 x n)(n x n): left to right multiplies n^2 + n^3 times, right first 2 n^2. The
    order shows in overflow: a @ c overflows to inf, c @ b is n and a @ (c @ b) finite."""
    big = 1e30 if u.dtype.name == "float32" else 1e200
    for n in (2, 5):
        a, c, b = u.T.full([n, 1], big), u.T.full([1, n], big), u.T.full([n, n], 1 / big)
        assert np.isinf(to_numpy(u.T.matmul(u.T.matmul(a, c), b))).all()
        got = to_numpy(u.T.multi_dot([a, c, b]))
        np.testing.assert_allclose(got, np.full((n, n), n * big), rtol=1e-6)
        np.testing.assert_allclose(to_numpy(u.T.chain_matmul([a, c, b])), got, rtol=0)


# ---- einsum -------------------------------------------------------------------------------


@st.composite
def einsum_case(draw: st.DrawFn) -> tuple[str, list[tuple[int, ...]]]:
    """An equation of 1 to 3 operands over a few letters (repeats within an operand, an
    ellipsis, an implicit output) and shapes that fit it, sizes 1 broadcasting."""
    letters = draw(st.lists(st.sampled_from("abcdeXY"), min_size=1, max_size=4, unique=True), label="letters")
    size = {c: draw(st.integers(0, 3)) for c in letters}
    n = draw(st.integers(1, 3), label="operands")
    use_ellipsis = draw(st.booleans())
    ell = draw(st.lists(st.integers(1, 3), max_size=2)) if use_ellipsis else []
    terms, shapes = [], []
    for _ in range(n):
        subs = draw(st.lists(st.sampled_from(letters), max_size=4))
        sh = [size[c] for c in subs]
        for i, c in enumerate(subs):  # a size-1 dim broadcasts, where the letter is not repeated here
            if subs.count(c) == 1 and size[c] > 1 and draw(st.integers(0, 5)) == 0:
                sh[i] = 1
        term = "".join(subs)
        if use_ellipsis and draw(st.booleans()):
            k = draw(st.integers(0, len(ell)))
            e = ell[len(ell) - k:]
            e = [1 if draw(st.integers(0, 3)) == 0 else s for s in e]
            pos = draw(st.integers(0, len(subs)))
            term = term[:pos] + "..." + term[pos:]
            sh = sh[:pos] + e + sh[pos:]
        terms.append(term)
        shapes.append(tuple(sh))
    eq = ",".join(terms)
    if draw(st.booleans()):
        used = sorted({c for t in terms for c in t if c != "."})
        out = draw(st.permutations(used))[:draw(st.integers(0, len(used)))]
        out_s = "".join(out)
        if any("..." in t for t in terms):  # (NumPy refuses to sum ellipsis dims: test_einsum_forms)
            pos = draw(st.integers(0, len(out_s)))
            out_s = out_s[:pos] + "..." + out_s[pos:]
        eq += "->" + out_s
    return eq, shapes


@pytest.mark.parametrize("u", units_of("einsum"))
@given(data=st.data())
def test_einsum(u: Unit, data: st.DataObject) -> None:
    eq, shapes = data.draw(einsum_case(), label="equation, shapes")
    pairs = [data.draw(operand(u, s, small(u, 2)), label=f"operand {i}") for i, s in enumerate(shapes)]
    want = np.einsum(eq, *[wide(u, a) for a, _ in pairs])
    got = u.T.einsum(eq, [t for _, t in pairs])
    same_type(got, u)
    assert_same(got, exact(u, want), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("einsum") and u.dtype.name in ("float64", "int64")))
@given(data=st.data())
def test_einsum_as_pytorch(u: Unit, data: st.DataObject) -> None:
    """PyTorch's semantics where NumPy has none: an explicit output without the ellipsis sums its dims."""
    torch = pytest.importorskip("torch")
    eq, shapes = data.draw(einsum_case(), label="equation, shapes")
    if "->" in eq and data.draw(st.booleans(), label="drop the output's ellipsis"):
        eq = eq.split("->")[0] + "->" + eq.split("->")[1].replace("...", "")
    arrays_ = [data.draw(arrays(u, sh, small(u, 3)), label=f"operand {i}") for i, sh in enumerate(shapes)]
    want = torch.einsum(eq, *[torch.from_numpy(a) for a in arrays_]).numpy()
    assert_same(u.T.einsum(eq, [as_tensor(u, a) for a in arrays_]), want, u)


@pytest.mark.parametrize("u", units_of("einsum"))
def test_einsum_forms(u: Unit) -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(-3, 4, size=(2, 3, 4)).astype(u.np_dtype)
    b = rng.integers(-3, 4, size=(4, 5)).astype(u.np_dtype)
    m = rng.integers(-3, 4, size=(3, 3)).astype(u.np_dtype)
    ta, tb, tm = as_tensor(u, a), as_tensor(u, b), as_tensor(u, m)
    for eq, ops, arrs in [("bij,jk->bik", [ta, tb], [a, b]), ("ii->i", [tm], [m]), ("ii", [tm], [m]),
                          ("ij->ji", [tm], [m]), ("...j,jk", [ta, tb], [a, b]), ("i j k -> k", [ta], [a]),
                          ("bij,bij->", [ta, ta], [a, a]), ("ij,jk,kl->il", [tm, tm, tm], [m, m, m]),
                          ("bij->", [ta], [a]), ("i,j->ij", [tm[0], tm[1]], [m[0], m[1]])]:
        assert_same(u.T.einsum(eq, ops), exact(u, np.einsum(eq, *[wide(u, x) for x in arrs])), u)
    # An explicit output without the ellipsis sums its dims (PyTorch; NumPy refuses).
    assert_same(u.T.einsum("...ij->ij", [ta]), exact(u, wide(u, a).sum(axis=0)), u)
    assert_same(u.T.einsum("i...,i...->...", [tm, tm]), exact(u, (wide(u, m) * wide(u, m)).sum(axis=0)), u)


@pytest.mark.parametrize("u", units_where(lambda u: u.has("einsum") and u.dtype.name in ("float32", "float64")))
def test_einsum_multiplies_the_cheapest_pair_first(u: Unit) -> None:
    """(n x 1)(1 x m)(m x 1): the second pair multiplies m times, the first n * m, so it goes first.
    The order shows in overflow: a @ b overflows to inf, b @ c is m and a @ (b @ c) finite."""
    big = 1e30 if u.dtype.name == "float32" else 1e200
    a, b, c = u.T.full([3, 1], big), u.T.full([1, 4], big), u.T.full([4, 1], 1 / big)
    assert np.isinf(to_numpy(u.T.einsum("ij,jk->ik", [a, b]))).all()
    got = to_numpy(u.T.einsum("ij,jk,kl->il", [a, b, c]))
    np.testing.assert_allclose(got, np.full((3, 1), 4 * big), rtol=1e-6)
    got = to_numpy(u.T.einsum("kl,ij,jk->il", [c, a, b]))  # wherever the pair stands
    np.testing.assert_allclose(got, np.full((3, 1), 4 * big), rtol=1e-6)


@pytest.mark.parametrize("u", units_of("einsum"))
def test_einsum_errors(u: Unit) -> None:
    z = u.T.zeros
    cases = [
        ("ii", [z([2, 3])], r"einsum: subscript i is repeated for operand 0 but the sizes don't match, 2 != 3"),
        ("ij->k", [z([2, 3])], r"einsum: output subscript k is in no operand"),
        ("ij->ii", [z([2, 2])], r"einsum: output subscript i appears more than once in the output"),
        ("i", [z([2, 3])], r"einsum: operand 0 has 2 dims, its subscripts name 1 and no ellipsis is given"),
        ("ij,jk", [z([2, 3]), z([4, 5])], r"einsum: subscript j has size 3 in operand 0 and 4 in operand 1"),
        ("i,j", [z([2])], r"einsum: 2 operands in the equation, 1 given"),
        ("i1", [z([2, 2])], r"einsum: '1' is not a letter"),
        ("i..", [z([2, 2])], r"einsum: a '.' that is not one ellipsis"),
        ("i->i->i", [z([2])], r"einsum: more than one '->'"),
    ]
    for eq, ops, msg in cases:
        with pytest.raises(ValueError, match=msg):
            u.T.einsum(eq, ops)
    with pytest.raises(ValueError, match=r"einsum: expected at least one operand"):
        u.T.einsum("", [])


@pytest.mark.parametrize("u", units_of("einsum"))
def test_einsum_large(u: Unit) -> None:
    """Past the blocked kernels' and the BLAS's thresholds: a batched product and a contraction of three."""
    rng = np.random.default_rng(3)
    a = rng.integers(-2, 3, size=(16, 40, 30)).astype(u.np_dtype)
    b = rng.integers(-2, 3, size=(30, 16, 20)).astype(u.np_dtype)
    c = rng.integers(-2, 3, size=(20, 7)).astype(u.np_dtype)
    want = np.einsum("bik,kbj,jl->bil", wide(u, a), wide(u, b), wide(u, c))
    got = u.T.einsum("bik,kbj,jl->bil", [as_tensor(u, a), as_tensor(u, b), as_tensor(u, c)])
    if u.dtype.name == "float16":  # sums beyond 2048: float16 rounds each product's result
        np.testing.assert_allclose(to_numpy(got).astype(np.float64), want, rtol=2e-3, atol=2)
    else:
        assert_same(got, exact(u, want), u)


def test_every_structure_op_is_in_the_spec() -> None:
    assert STRUCTURE_OPS <= {op.name for op in SPEC.ops}
