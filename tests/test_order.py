"""Order statistics (median, nanmedian, medianall, quantile) on every built unit
that has them: medians against NumPy's stable sort (the lower median, its index
the element's own; a row holding NaN gives its first NaN, as PyTorch, or for
nanmedian the median of the rest), quantiles against np.quantile for each
interpolation. Inputs as test_sorting.py's: views, sides of 0 and 1, ties, NaN,
infinities and -0.0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import Unit, as_tensor, to_numpy, units_where
from hypothesis import given
from hypothesis import strategies as st
from test_sorting import assert_indices, assert_values, dim_of, operand, stable_order, take

MEDIANS = units_where(lambda u: u.has("median"))
QUANTILES = units_where(lambda u: u.has("quantile"))
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


def median_positions(a: np.ndarray, axis: int, ignore_nan: bool) -> np.ndarray:
    """Sorted positions (keepdims) of each row's median: the lower one of the
    numbers, or the first NaN (median of a row holding one; nanmedian of all NaN)."""
    rows = a.reshape(1) if a.ndim == 0 else a
    n = rows.shape[axis]
    nans = np.isnan(rows).sum(axis=axis, keepdims=True) if rows.dtype.kind == "f" else \
        np.zeros(np.sum(rows, axis=axis, keepdims=True).shape, np.int64)
    numbers = n - nans
    if ignore_nan:
        return np.where(numbers > 0, (numbers - 1) // 2, 0)
    return np.where(nans > 0, numbers, (n - 1) // 2)


def expected_median(a: np.ndarray, axis: int, keepdim: bool, ignore_nan: bool) -> tuple[np.ndarray, np.ndarray]:
    order = stable_order(a.reshape(1) if a.ndim == 0 else a, axis)
    at = np.take_along_axis(order, median_positions(a, axis, ignore_nan), axis)
    values = take(a.reshape(1) if a.ndim == 0 else a, at, axis)
    if a.ndim == 0:
        return values.reshape(()), at.reshape(())
    return (values, at) if keepdim else (np.squeeze(values, axis), np.squeeze(at, axis))


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("u", MEDIANS)
@given(data=st.data())
def test_median_along_a_dim(u: Unit, name: str, data: st.DataObject) -> None:
    if not u.has(name):
        return
    a, t = data.draw(operand(u))
    dim = dim_of(data.draw, a)
    if a.ndim and a.shape[dim] == 0:
        with pytest.raises(ValueError, match=rf"{name}: dim {dim % a.ndim} of shape .* is empty"):
            getattr(u.T, name)(t, dim)
        return
    keepdim = data.draw(st.booleans())
    values, indices = getattr(u.T, name)(t, dim, keepdim=keepdim)
    want_values, want_indices = expected_median(a, dim, keepdim, name == "nanmedian")
    assert_indices(indices, want_indices)
    assert_values(values, want_values, u)


@pytest.mark.parametrize("u", MEDIANS)
@given(data=st.data())
def test_medianall(u: Unit, data: st.DataObject) -> None:
    a, t = data.draw(operand(u))
    if a.size == 0:
        with pytest.raises(ValueError, match="medianall: .* is empty"):
            u.T.medianall(t)
        return
    want, _ = expected_median(a.reshape(-1), 0, False, False)
    got = u.T.medianall(t)
    assert type(got) is type(want.item()) and (got == want.item() or (np.isnan(got) and np.isnan(want)))


@pytest.mark.parametrize("u", QUANTILES)
@given(data=st.data())
def test_quantile(u: Unit, data: st.DataObject) -> None:
    a, t = data.draw(operand(u))
    along = data.draw(st.booleans())
    dim = dim_of(data.draw, a) if along else None
    keepdim = data.draw(st.booleans())
    q = data.draw(st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(0, 1)))
    method = data.draw(st.sampled_from(METHODS))
    if (a.size == 0 and dim is None) or (a.ndim and dim is not None and a.shape[dim] == 0):
        with pytest.raises(ValueError, match="quantile: .* is empty"):
            u.T.quantile(t, q, dim, keepdim, interpolation=method)
        return
    got = to_numpy(u.T.quantile(t, q, dim, keepdim, interpolation=method))
    wide = a.astype(np.float64)
    with np.errstate(all="ignore"):
        if a.ndim == 0:
            want = np.quantile(wide.reshape(1), q, method=method).reshape(())  # (a 0-d result, keepdim or not)
        else:
            want = np.quantile(wide, q, axis=dim, keepdims=keepdim, method=method)
    assert got.dtype == u.np_dtype and got.shape == np.shape(want), (got.shape, np.shape(want))
    eps = float(np.finfo(u.np_dtype).eps)
    np.testing.assert_allclose(got.astype(np.float64), np.asarray(want).astype(u.np_dtype).astype(np.float64),
                               rtol=2 * eps, atol=0, equal_nan=True)


@pytest.mark.parametrize("u", QUANTILES)
def test_quantile_arguments_are_checked(u: Unit) -> None:
    t = as_tensor(u, np.arange(6, dtype=u.np_dtype).reshape(2, 3))
    for q in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match=r"quantile: q \(.*\) must be in \[0, 1\]"):
            t.quantile(q)
    with pytest.raises(ValueError, match="interpolation must be 'linear', .* not 'cubic'"):
        t.quantile(0.5, interpolation="cubic")
    with pytest.raises(IndexError, match="quantile: dim 2 is out of range"):
        t.quantile(0.5, 2)
    assert to_numpy(t.quantile(0.5, 1, keepdim=True)).tolist() == [[1.0], [4.0]]


@pytest.mark.parametrize("u", MEDIANS)
def test_median_results_are_named_tuples(u: Unit) -> None:
    r: Any = u.T.median(as_tensor(u, np.array([[3, 1, 2], [1, 1, 0]], u.np_dtype)), 1)
    assert r._fields == ("values", "indices")
    assert to_numpy(r.values).tolist() == [2, 1] and to_numpy(r.indices).tolist() == [2, 0]
