"""The satchel namespace against array-api-strict (the standard's reference) and NumPy 2
(NEP 50, for promotion across kinds, which the standard leaves open)."""

from __future__ import annotations

import itertools
from typing import Any

import array_api_strict as xp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import satchel as sa

xp.set_array_api_strict_flags(api_version="2024.12")
NAMES = list(sa.__array_namespace_info__().dtypes())
STANDARD = [d for d in NAMES if d != "float16"]  # the standard's dtypes among satchel's
FLOATS = ["float32", "float64"]
FAST = settings(max_examples=100, deadline=None)


def strict(a: np.ndarray) -> Any:
    return xp.asarray(a)


def name(d: Any) -> str:
    """A dtype's name, for satchel's, array-api-strict's and NumPy's alike."""
    return str(np.dtype(getattr(d, "_np_dtype", d)).name) if not isinstance(d, sa.DType) else str(d)


def host(x: Any) -> np.ndarray:
    return np.asarray(x._array) if isinstance(x, xp._array_object.Array) else np.asarray(x)


def same(got: Any, want: Any, rtol: float = 1e-6) -> None:
    """Equal dtype, shape and values (NaN equal to NaN), within rtol for floats."""
    assert name(got.dtype) == name(want.dtype), f"dtype {got.dtype} != {want.dtype}"
    g, w = host(got), host(want)
    assert g.shape == w.shape, f"shape {g.shape} != {w.shape}"
    if g.dtype.kind == "f":
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, w)


def arrays(dtypes: list[str], shape: Any = None, min_dims: int = 0) -> st.SearchStrategy[np.ndarray]:
    shapes = shape if shape is not None else hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=0, max_side=4)
    return st.sampled_from(dtypes).flatmap(lambda d: hnp.arrays(np.dtype(d), shapes, elements=_elements(d)))


def _elements(d: str) -> st.SearchStrategy[Any]:
    if d == "bool":
        return st.booleans()
    if d.startswith("float"):
        return st.floats(-100, 100, width=np.finfo(d).bits) | st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0])
    return st.integers(int(np.iinfo(d).min) // 2, int(np.iinfo(d).max) // 2)


# ---- data types and promotion


@pytest.mark.parametrize("a,b", itertools.product(NAMES, NAMES))
def test_result_type_is_numpy_nep50_and_the_standard(a: str, b: str) -> None:
    got = sa.result_type(getattr(sa, a), b)
    assert got == np.result_type(a, b).name
    if a in STANDARD and b in STANDARD:
        try:
            want = xp.result_type(getattr(xp, a), getattr(xp, b))
        except TypeError:  # across kinds: the standard has no rule, NumPy's is ours
            return
        assert got == name(want)
        assert sa.can_cast(getattr(sa, a), b) == xp.can_cast(getattr(xp, a), getattr(xp, b))


@pytest.mark.parametrize("a,b", itertools.product(NAMES, NAMES))
def test_operators_promote_across_units(a: str, b: str) -> None:
    x, y = np.array([1, 0, 1], dtype=a), np.array([1, 1, 0], dtype=b)
    want = np.result_type(a, b)
    if a == b == "bool":
        return
    got = sa.asarray(x) * sa.asarray(y)
    assert got.dtype == want.name and np.array_equal(host(got), x * y)
    assert sa.multiply(sa.asarray(x), sa.asarray(y)).dtype == want.name


@pytest.mark.parametrize("d", NAMES)
@pytest.mark.parametrize("scalar", [True, 2, 2.5])
def test_python_scalars_are_weak(d: str, scalar: object) -> None:
    assert sa.result_type(d, scalar) == np.result_type(np.empty(0, d), scalar).name
    if d != "bool":  # the standard has no arithmetic on bool
        x = sa.ones(3, dtype=d)
        got = scalar * x
        assert got.dtype == np.result_type(np.empty(0, d), scalar).name


def test_in_place_operators_keep_self_dtype() -> None:
    x, i = sa.ones(3, dtype=sa.float64), sa.ones(3, dtype=sa.int32)
    x += i
    assert x.dtype == sa.float64 and host(x).tolist() == [2, 2, 2]
    f = sa.ones(3, dtype=sa.float32)
    with pytest.raises(TypeError, match="float32.*float64"):
        f += sa.ones(3, dtype=sa.int64)


@pytest.mark.parametrize("d", NAMES)
def test_dtype_objects_and_info(d: str) -> None:
    obj = getattr(sa, d)
    assert obj == d and sa.asarray([1], dtype=obj).dtype is obj and hash(obj) == hash(d)
    assert f"cpu.{d}" in obj.units()
    if d.startswith("float"):
        f, n = sa.finfo(obj), np.finfo(d)
        assert (f.bits, f.eps, f.max, f.min, f.smallest_normal) == (n.bits, n.eps, n.max, n.min, n.smallest_normal)
    elif d != "bool":
        i, m = sa.iinfo(obj), np.iinfo(d)
        assert (i.bits, i.max, i.min) == (m.bits, m.max, m.min)
    for kind in ("bool", "signed integer", "unsigned integer", "integral", "real floating", "numeric"):
        if d in STANDARD:
            assert sa.isdtype(obj, kind) == xp.isdtype(getattr(xp, d), kind)


def test_namespace_info_and_devices() -> None:
    info = sa.__array_namespace_info__()
    assert info.default_device() == "cpu" and str(sa.ones(2).device) == "cpu"
    assert info.default_dtypes() == {"real floating": "float64", "complex floating": None, "integral": "int64",
                                     "indexing": "int64"}
    assert set(info.dtypes(kind="real floating")) == {"float16", "float32", "float64"}
    x = sa.ones(2)
    assert x.to_device(x.device) is x and sa.asarray(x, device=sa.cpu) is x
    with pytest.raises(ValueError, match="not a satchel device"):
        sa.zeros(2, device="tpu")


def test_array_api_compat_finds_satchel() -> None:
    import array_api_compat as compat

    x = sa.asarray([1.0, 2.0])
    assert compat.array_namespace(x) is sa and x.__array_namespace__() is sa


# ---- creation and copies


def test_asarray_copy_semantics() -> None:
    x = sa.asarray([1.0, 2.0])
    assert sa.asarray(x) is x and sa.asarray(x, copy=False) is x
    c = sa.asarray(x, copy=True)
    c[0] = 5.0
    assert host(x)[0] == 1.0
    with pytest.raises(ValueError, match="copy=False"):
        sa.asarray(x, dtype=sa.float32, copy=False)
    with pytest.raises(ValueError, match="copy=False"):
        sa.asarray([1, 2], copy=False)
    a = np.arange(3.0)
    shared = sa.asarray(a, copy=False)
    a[0] = 7.0
    assert host(shared)[0] == 7.0
    assert host(sa.asarray(a, copy=True)).tolist() == [7.0, 1.0, 2.0]

    class Producer:  # another library's array: DLPack only
        def __init__(self, a: np.ndarray) -> None:
            self.a = a

        def __dlpack__(self, **kw: Any) -> Any:
            return self.a.__dlpack__(**kw)

        def __dlpack_device__(self) -> Any:
            return self.a.__dlpack_device__()

    b = np.arange(3.0)
    via = sa.asarray(Producer(b))
    b[1] = 8.0
    assert host(via).tolist() == [0.0, 8.0, 2.0] and sa.asarray(Producer(b), dtype=sa.float32).dtype == "float32"
    assert sa.asarray([True, 2]).dtype == "int64" and sa.asarray([1, 2.0]).dtype == "float64"
    assert sa.asarray([[False]]).dtype == "bool"


@FAST
@given(st.integers(-5, 5), st.integers(-5, 10), st.sampled_from([1, 2, -1, 3]), st.integers(0, 6),
       st.integers(0, 4), st.integers(-3, 3), st.booleans())
def test_creation_matches_strict(start: int, stop: int, step: int, num: int, n: int, k: int,
                                 endpoint: bool) -> None:
    same(sa.arange(start, stop, step), xp.arange(start, stop, step))
    same(sa.arange(float(start), stop, step), xp.arange(float(start), stop, step))
    same(sa.linspace(start, stop, num, endpoint=endpoint), xp.linspace(start, stop, num, endpoint=endpoint))
    same(sa.eye(n, n + 1, k=k), xp.eye(n, n + 1, k=k))
    same(sa.full((n, 2), 3), xp.full((n, 2), 3))
    same(sa.zeros_like(sa.eye(n)), xp.zeros_like(xp.eye(n)))
    same(sa.ones((2, n), dtype=sa.int8), xp.ones((2, n), dtype=xp.int8))
    m = np.arange(12.0).reshape(3, 4)
    same(sa.tril(sa.asarray(m), k=k), xp.tril(strict(m), k=k))
    same(sa.triu(sa.asarray(m), k=k), xp.triu(strict(m), k=k))


def test_meshgrid_and_dlpack() -> None:
    a, b = np.arange(3.0), np.arange(2, dtype=np.int32)
    for indexing in ("xy", "ij"):
        for g, w in zip(sa.meshgrid(sa.asarray(a), sa.asarray(b), indexing=indexing),
                        xp.meshgrid(strict(a), strict(b.astype(np.float64)), indexing=indexing)):
            same(g, w)
    t = sa.from_dlpack(a)
    assert t.dtype == "float64" and host(t).tolist() == a.tolist()


# ---- elementwise


UNARY_FLOAT = ["abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "exp", "expm1",
               "floor", "isfinite", "isinf", "isnan", "log", "log1p", "log2", "log10", "negative", "positive",
               "round", "sign", "signbit", "sin", "sinh", "square", "sqrt", "tan", "tanh", "trunc", "reciprocal"]
BINARY_ANY = ["add", "subtract", "multiply", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
              "maximum", "minimum"]
BINARY_FLOAT = ["divide", "atan2", "hypot", "copysign", "logaddexp", "pow"]


@FAST
@given(arrays(FLOATS), st.sampled_from(UNARY_FLOAT))
def test_unary_float_functions_match_strict(a: np.ndarray, fn: str) -> None:
    with np.errstate(all="ignore"):
        same(getattr(sa, fn)(sa.asarray(a)), getattr(xp, fn)(strict(a)), rtol=2e-5 if a.dtype == np.float32 else 1e-6)


@FAST
@given(arrays(["int8", "int16", "int32", "int64", "uint8"]), st.sampled_from(["abs", "negative", "sign", "square",
                                                                              "ceil", "floor", "round", "trunc"]))
def test_unary_integer_functions_match_strict(a: np.ndarray, fn: str) -> None:
    if fn in ("negative", "abs", "sign") and a.dtype == np.uint8:
        return  # the standard allows any wrap-around for unsigned negation
    a = a // 16 if fn == "square" else a
    same(getattr(sa, fn)(sa.asarray(a)), getattr(xp, fn)(strict(a)))


@FAST
@given(st.data(), st.sampled_from(BINARY_ANY + BINARY_FLOAT))
def test_binary_functions_match_strict_with_promotion(data: st.DataObject, fn: str) -> None:
    pool = FLOATS if fn in BINARY_FLOAT else STANDARD
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    d1 = data.draw(st.sampled_from(pool))
    if d1 == "bool" and fn not in ("equal", "not_equal"):
        d1 = "int16"  # the standard has no arithmetic or ordering on bool
    d2 = data.draw(st.sampled_from([d for d in pool if _kind(d) == _kind(d1) and _standard_promotes(d1, d)]))
    a = data.draw(hnp.arrays(np.dtype(d1), shape, elements=_elements(d1)))
    b = data.draw(hnp.arrays(np.dtype(d2), hnp.broadcastable_shapes(shape, max_dims=2, max_side=3),
                             elements=_elements(d2)))
    with np.errstate(all="ignore"):
        same(getattr(sa, fn)(sa.asarray(a), sa.asarray(b)), getattr(xp, fn)(strict(a), strict(b)), rtol=1e-5)


def _kind(d: str) -> str:
    return "b" if d == "bool" else "f" if d.startswith("float") else "i"


def _standard_promotes(d1: str, d2: str) -> bool:
    try:
        xp.result_type(getattr(xp, d1), getattr(xp, d2))
        return True
    except TypeError:
        return False


def test_elementwise_errors_and_special_cases() -> None:
    with pytest.raises(TypeError, match="logical_and.*bool"):
        sa.logical_and(sa.ones(2), sa.ones(2))
    with pytest.raises(TypeError, match="sin.*int64"):
        sa.sin(sa.asarray([1]))
    with pytest.raises(TypeError, match="expected a satchel array"):
        sa.sqrt([1.0])
    # divide of integers is floating; special cases of the standard on signed zeros and infinities
    assert sa.divide(sa.asarray([1]), sa.asarray([2])).dtype == "float64"
    got = host(sa.divide(sa.asarray([1.0, -1.0, 0.0]), sa.asarray([0.0, 0.0, 0.0])))
    assert got[0] == np.inf and got[1] == -np.inf and np.isnan(got[2])
    assert np.signbit(host(sa.negative(sa.asarray([0.0]))))[0]
    assert host(sa.clip(sa.asarray([1.0, 5.0, np.nan]), 2.0, 4.0)).tolist()[:2] == [2.0, 4.0]


# ---- statistical and utility


def _axis(ndim: int) -> st.SearchStrategy[Any]:
    if ndim == 0:
        return st.just(None)
    return st.none() | st.integers(-ndim, ndim - 1) | st.lists(st.integers(0, ndim - 1), unique=True,
                                                                 min_size=1).map(tuple)


@pytest.mark.filterwarnings("ignore:Degrees of freedom")  # NumPy's, under strict, for correction >= size
@FAST
@given(st.data(), st.sampled_from(["sum", "prod", "max", "min", "all", "any", "mean", "std", "var"]))
def test_reductions_match_strict(data: st.DataObject, fn: str) -> None:
    pool = FLOATS if fn in ("mean", "std", "var") else STANDARD
    if fn in ("sum", "prod", "max", "min"):
        pool = [d for d in pool if d not in ("bool", "uint8")]  # uint8's sum: test_reduction_dtypes_and_errors
    a = data.draw(arrays(pool, shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)))
    if fn == "prod" and a.dtype.kind in "iu":
        a = a % 3
    axis, keepdims = data.draw(_axis(a.ndim)), data.draw(st.booleans())
    kw: dict[str, Any] = {"axis": axis, "keepdims": keepdims}
    if fn in ("std", "var"):
        kw["correction"] = data.draw(st.sampled_from([0, 1]))
    with np.errstate(all="ignore"):
        same(getattr(sa, fn)(sa.asarray(a), **kw), getattr(xp, fn)(strict(a), **kw), rtol=1e-4)


@FAST
@given(arrays(["int8", "int32", "float32", "float64"], min_dims=1), st.booleans(),
       st.sampled_from(["cumulative_sum", "cumulative_prod"]))
def test_cumulative_and_diff_match_strict(a: np.ndarray, include_initial: bool, fn: str) -> None:
    a = a % 3 if a.dtype.kind in "iu" else a
    axis = a.ndim - 1
    with np.errstate(all="ignore"):
        same(getattr(sa, fn)(sa.asarray(a), axis=axis, include_initial=include_initial),
             getattr(xp, fn)(strict(a), axis=axis, include_initial=include_initial), rtol=1e-4)
        same(sa.diff(sa.asarray(a), axis=axis), xp.diff(strict(a), axis=axis))


def test_reduction_dtypes_and_errors() -> None:
    i8 = sa.asarray([100, 100], dtype=sa.int8)
    assert sa.sum(i8).dtype == "int64" and int(sa.sum(i8)) == 200 and sa.sum(i8).shape == ()
    assert sa.sum(i8, dtype=sa.int8).dtype == "int8"
    assert sa.sum(sa.asarray([True, True])).dtype == "int64"
    # the standard's uint64 for unsigned sums: satchel has no uint64 unit, so the default int
    assert sa.sum(sa.asarray([200, 200], dtype=sa.uint8)).dtype == "int64"
    assert int(sa.cumulative_sum(sa.asarray([200, 200], dtype=sa.uint8))[1]) == 400
    with pytest.raises(TypeError, match="mean.*floating"):
        sa.mean(sa.asarray([1, 2]))
    with pytest.raises(IndexError, match="axis 2"):
        sa.sum(sa.ones((2, 2)), axis=2)
    with pytest.raises(ValueError, match="repeated axis"):
        sa.sum(sa.ones((2, 2)), axis=(0, 0))
    a = np.array([[1.0, np.nan], [np.inf, -2.0]])
    with np.errstate(all="ignore"):
        for fn in ("sum", "prod", "max", "min", "mean", "std", "var", "all", "any"):  # axis=(): nothing reduced
            same(getattr(sa, fn)(sa.asarray(a), axis=()), getattr(xp, fn)(strict(a), axis=()))
        for correction in (0, 1):
            same(sa.var(sa.asarray(a), axis=(), correction=correction),
                 xp.var(strict(a), axis=(), correction=correction))


# ---- manipulation, searching, sorting, sets, indexing, linear algebra


@FAST
@given(arrays(STANDARD, shape=hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3)), st.data())
def test_manipulation_matches_strict(a: np.ndarray, data: st.DataObject) -> None:
    s, x = sa.asarray(a), strict(a)
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    perm = data.draw(st.permutations(range(a.ndim)))
    same(sa.reshape(s, (-1,)), xp.reshape(x, (-1,)))
    same(sa.permute_dims(s, tuple(perm)), xp.permute_dims(x, tuple(perm)))
    same(sa.expand_dims(s, axis=axis), xp.expand_dims(x, axis=axis))
    same(sa.flip(s, axis=axis), xp.flip(x, axis=axis))
    same(sa.flip(s), xp.flip(x))
    same(sa.roll(s, 2, axis=axis), xp.roll(x, 2, axis=axis))
    same(sa.roll(s, -1), xp.roll(x, -1))
    same(sa.concat([s, s], axis=axis), xp.concat([x, x], axis=axis))
    same(sa.concat([s, s], axis=None), xp.concat([x, x], axis=None))
    same(sa.stack([s, s], axis=axis), xp.stack([x, x], axis=axis))
    same(sa.moveaxis(s, 0, -1), xp.moveaxis(x, 0, -1))
    same(sa.tile(s, (2, 1)), xp.tile(x, (2, 1)))
    same(sa.repeat(s, 2, axis=axis), xp.repeat(x, 2, axis=axis))
    same(sa.broadcast_to(s, (2, *a.shape)), xp.broadcast_to(x, (2, *a.shape)))
    same(sa.matrix_transpose(s), xp.matrix_transpose(x))
    for g, w in zip(sa.unstack(s, axis=axis), xp.unstack(x, axis=axis)):
        same(g, w)
    same(sa.squeeze(sa.expand_dims(s, axis=0), axis=0), x)


@FAST
@given(arrays(["int8", "int64", "float32", "float64"], min_dims=1), st.booleans(), st.booleans())
def test_sorting_searching_and_sets_match_strict(a: np.ndarray, descending: bool, keepdims: bool) -> None:
    s, x = sa.asarray(a), strict(a)
    same(sa.sort(s, axis=-1, descending=descending), xp.sort(x, axis=-1, descending=descending))
    same(sa.argsort(s, axis=-1, descending=descending), xp.argsort(x, axis=-1, descending=descending))
    for g, w in zip(sa.nonzero(s), xp.nonzero(x)):
        same(g, w)
    same(sa.count_nonzero(s), xp.count_nonzero(x))
    same(sa.where(s > 0, s, 0), xp.where(x > 0, x, xp.asarray(0, dtype=x.dtype)))
    if a.size and not np.isnan(a).any():
        same(sa.argmax(s, axis=0, keepdims=keepdims), xp.argmax(x, axis=0, keepdims=keepdims))
        same(sa.argmin(s), xp.argmin(x))
        flat = np.sort(a.reshape(-1))
        same(sa.searchsorted(sa.asarray(flat), s.reshape([-1]), side="right"),
             xp.searchsorted(strict(flat), xp.reshape(x, (-1,)), side="right"))
        same(sa.unique_values(s), xp.unique_values(x))
        for g, w in zip(sa.unique_counts(s), xp.unique_counts(x)):
            same(g, w)
        for g, w in zip(sa.unique_inverse(s), xp.unique_inverse(x)):
            same(g, w)
        values, first, inverse, counts = sa.unique_all(s)
        assert np.array_equal(host(values)[host(inverse)], a)
        assert np.array_equal(a.reshape(-1)[host(first)], host(values))


@FAST
@given(st.sampled_from(FLOATS), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.data())
def test_linear_algebra_and_take_match_strict(d: str, n: int, k: int, m: int, data: st.DataObject) -> None:
    a = data.draw(hnp.arrays(np.dtype(d), (n, k), elements=st.floats(-3, 3, width=np.finfo(d).bits)))
    b = data.draw(hnp.arrays(np.dtype(d), (k, m), elements=st.floats(-3, 3, width=np.finfo(d).bits)))
    same(sa.matmul(sa.asarray(a), sa.asarray(b)), xp.matmul(strict(a), strict(b)), rtol=1e-4)
    same(sa.asarray(a) @ sa.asarray(b), strict(a) @ strict(b), rtol=1e-4)
    same(sa.tensordot(sa.asarray(a), sa.asarray(b), axes=1), xp.tensordot(strict(a), strict(b), axes=1), rtol=1e-4)
    same(sa.tensordot(sa.asarray(a), sa.asarray(a), axes=([0, 1], [0, 1])),
         xp.tensordot(strict(a), strict(a), axes=([0, 1], [0, 1])), rtol=1e-4)
    same(sa.vecdot(sa.asarray(a), sa.asarray(a)), xp.vecdot(strict(a), strict(a)), rtol=1e-4)
    idx = np.array(data.draw(st.lists(st.integers(0, k - 1), max_size=4)), dtype=np.int64)
    same(sa.take(sa.asarray(a), sa.asarray(idx), axis=1), xp.take(strict(a), strict(idx), axis=1))
    order = np.argsort(a, axis=1)
    same(sa.take_along_axis(sa.asarray(a), sa.asarray(order), axis=1),
         xp.take_along_axis(strict(a), strict(order), axis=1))


def test_matmul_promotes_and_array_attributes() -> None:
    a, b = sa.ones((2, 3), dtype=sa.float32), sa.ones((3, 2), dtype=sa.int64)
    assert (a @ b).dtype == "float64" and sa.matmul(a, b).dtype == "float64"
    assert a.mT.shape == (3, 2) and a.T.shape == (3, 2) and a.size == 6 and a.ndim == 2
    assert sa.astype(a, sa.int8).dtype == "int8" and sa.astype(a, sa.float32, copy=False) is a
    with pytest.raises(ValueError, match="T: a 2-d"):
        _ = sa.ones((2, 2, 2)).T
    with pytest.raises(ValueError, match="squeeze: axis 0 has size 2"):
        sa.squeeze(a, axis=0)
    assert int(sa.asarray(3)) == 3 and [1, 2, 3][sa.asarray(1)] == 2


def test_units_keep_their_same_dtype_semantics() -> None:
    f, i = sa.cpu.float32.ones([2]), sa.cpu.int64.ones([2])
    with pytest.raises(TypeError):
        sa.cpu.float32.add(f, i)  # type: ignore[arg-type]
    assert (f + f).dtype == "float32" and (i * 2).dtype == "int64"


def test_readme_status_table_is_the_generated_one() -> None:
    from pathlib import Path

    from satchel._array_api_status import table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert table() in readme, "README's Array API table is stale: python -m satchel._array_api_status"


@FAST
@given(st.sampled_from(FLOATS), st.integers(0, 2), st.integers(1, 4), st.integers(-2, 2), st.data())
def test_linalg_extension_matches_strict(d: str, batch: int, n: int, offset: int, data: st.DataObject) -> None:
    shape = (batch, n, n) if batch else (n, n)
    a = data.draw(hnp.arrays(np.dtype(d), shape, elements=st.floats(-1, 1, width=np.finfo(d).bits)))
    a = a + (2 * n * np.eye(n, dtype=d))  # well conditioned
    s, x = sa.asarray(a), strict(a)
    rtol = 1e-3 if d == "float32" else 1e-8
    for fn in ("det", "inv"):
        same(getattr(sa.linalg, fn)(s), getattr(xp.linalg, fn)(x), rtol=rtol)
    same(sa.linalg.solve(s, s), xp.linalg.solve(x, x), rtol=rtol)
    spd = a @ np.swapaxes(a, -1, -2)
    same(sa.linalg.cholesky(sa.asarray(spd)), xp.linalg.cholesky(strict(spd)), rtol=rtol)
    same(sa.linalg.diagonal(s, offset=offset), xp.linalg.diagonal(x, offset=offset))
    same(sa.linalg.trace(s, offset=offset), xp.linalg.trace(x, offset=offset), rtol=rtol)
    same(sa.linalg.matrix_power(s, 2), xp.linalg.matrix_power(x, 2), rtol=rtol)
    same(sa.linalg.vector_norm(s, axis=-1), xp.linalg.vector_norm(x, axis=-1), rtol=rtol)
    same(sa.linalg.vector_norm(s, keepdims=True), xp.linalg.vector_norm(x, keepdims=True), rtol=rtol)
    for ord in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        for keepdims in (False, True):
            same(sa.linalg.matrix_norm(s, ord=ord, keepdims=keepdims),
                 xp.linalg.matrix_norm(x, ord=ord, keepdims=keepdims), rtol=rtol)
    for fn in ("svdvals", "pinv", "matrix_rank"):
        same(getattr(sa.linalg, fn)(s), getattr(xp.linalg, fn)(x), rtol=rtol)
    same(sa.linalg.eigvalsh(sa.asarray(spd)), xp.linalg.eigvalsh(strict(spd)), rtol=rtol)
    for got, want in zip(sa.linalg.slogdet(s), xp.linalg.slogdet(x), strict=True):
        same(got, want, rtol=rtol)
    # (factors are unique up to signs: compare what is not)
    same(abs(sa.linalg.qr(s).R), abs(xp.linalg.qr(x).R), rtol=rtol)
    same(sa.linalg.svd(s).S, xp.linalg.svd(x).S, rtol=rtol)
    same(sa.linalg.eigh(sa.asarray(spd)).eigenvalues, xp.linalg.eigh(strict(spd)).eigenvalues, rtol=rtol)
    c = data.draw(hnp.arrays(np.dtype(d), (2, 3), elements=st.floats(-1, 1, width=np.finfo(d).bits)))
    same(sa.linalg.cross(sa.asarray(c), sa.asarray(c[::-1].copy())), xp.linalg.cross(strict(c), strict(c[::-1].copy())),
         rtol=rtol)
    v = a.reshape(-1)[:n]
    same(sa.linalg.outer(sa.asarray(v), sa.asarray(v)), xp.linalg.outer(strict(v), strict(v)), rtol=rtol)
