"""Sorting and searching on CUDA units against the CPU unit of the same dtype:
the same keys (NaN last, -0.0 tied with 0.0, ties by position) give the same
values and indices, bit for bit, on contiguous, transposed and stepped inputs,
one row and many, short and long. Skipped without a GPU (test_cuda.py checks
what holds without one).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_cuda import PAIRED, _compare, _dtype, _pair, needs_gpu

SORTED = PAIRED  # (bool sorts too)
NUMERIC = [d for d in PAIRED if _dtype(d).cls != "bool"]


def _data(dtype: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    cls = _dtype(dtype).cls
    if cls == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if cls == "floating":
        a = rng.integers(-5, 6, shape).astype(dtype)  # ties
        flat = a.reshape(-1)
        for v in (np.nan, -0.0, np.inf, -np.inf):
            flat[rng.integers(0, flat.size, max(flat.size // 20, 1))] = v
        return a
    return rng.integers(-5, 6, shape).astype(dtype)


def _views(dtype: str, shape: tuple[int, ...], rng: np.random.Generator) -> list[tuple[Any, Any]]:
    C, G = _pair(dtype)
    a = _data(dtype, shape, rng)
    b = _data(dtype, shape[:-1] + (2 * shape[-1],), rng)
    out = [(C.tensor(a), G.tensor(a)), (C.tensor(b)[..., ::2], G.tensor(b)[..., ::2])]
    if len(shape) >= 2:
        out.append((C.tensor(a).transpose(0, -1), G.tensor(a).transpose(0, -1)))
    return out


@needs_gpu
@pytest.mark.parametrize("dtype", SORTED)
@pytest.mark.parametrize("shape", [(0,), (1,), (37,), (3, 0), (5, 7), (2, 3, 4), (1 << 17,), (300, 1000)], ids=str)
def test_sort_matches_cpu(dtype: str, shape: tuple[int, ...]) -> None:
    C, G = _pair(dtype)
    rng = np.random.default_rng(len(shape))
    for c, g in _views(dtype, shape, rng):
        for dim in range(-c.ndim, c.ndim):
            for descending in (False, True):
                got, want = G.sort(g, dim, descending), C.sort(c, dim, descending)
                _compare("sort", dtype, got.values, want.values)
                _compare("sort", dtype, got.indices, want.indices)
                _compare("argsort", dtype, G.argsort(g, dim, descending), C.argsort(c, dim, descending))
        _compare("msort", dtype, G.msort(g), C.msort(c))


@needs_gpu
@pytest.mark.parametrize("dtype", NUMERIC)
def test_topk_kthvalue_match_cpu(dtype: str) -> None:
    C, G = _pair(dtype)
    rng = np.random.default_rng(5)
    for c, g in _views(dtype, (6, 50), rng):
        for k in (0, 1, 5, 6):
            for largest in (False, True):
                got, want = G.topk(g, k, 0, largest), C.topk(c, k, 0, largest)
                _compare("topk", dtype, got.values, want.values)
                _compare("topk", dtype, got.indices, want.indices)
        for k in (1, 17, 50):
            for keepdim in (False, True):
                got, want = G.kthvalue(g, k, -1, keepdim), C.kthvalue(c, k, -1, keepdim)
                _compare("kthvalue", dtype, got.values, want.values)
                _compare("kthvalue", dtype, got.indices, want.indices)
    with pytest.raises(ValueError, match=r"topk: k \(7\) is out of range for dim 0 of size 6"):
        G.topk(G.zeros([6, 2]), 7, 0)


@needs_gpu
@pytest.mark.parametrize("dtype", NUMERIC)
def test_searchsorted_bucketize_match_cpu(dtype: str) -> None:
    C, G = _pair(dtype)
    L = _pair("int64")
    rng = np.random.default_rng(7)
    seq = np.sort(_data(dtype, (4, 30), rng), axis=-1)
    values = _data(dtype, (4, 9), rng)
    for right in (False, True):
        _compare("searchsorted", dtype, G.searchsorted(G.tensor(seq), G.tensor(values), right=right),
                 C.searchsorted(C.tensor(seq), C.tensor(values), right=right))
        _compare("searchsorted", dtype, G.searchsorted(G.tensor(seq[0]), G.tensor(values).t(), right=right),
                 C.searchsorted(C.tensor(seq[0]), C.tensor(values).t(), right=right))
        _compare("bucketize", dtype, G.bucketize(G.tensor(values), G.tensor(seq[1]), right=right),
                 C.bucketize(C.tensor(values), C.tensor(seq[1]), right=right))
    unsorted = _data(dtype, (30,), rng)
    sorter = np.argsort(unsorted, kind="stable")
    _compare("searchsorted", dtype,
             G.searchsorted(G.tensor(unsorted), G.tensor(values), side="right", sorter=L[1].tensor(sorter)),
             C.searchsorted(C.tensor(unsorted), C.tensor(values), side="right", sorter=L[0].tensor(sorter)))
    with pytest.raises(IndexError, match="sorter holds 30"):
        G.searchsorted(G.tensor(unsorted), G.tensor(values), sorter=L[1].tensor(np.full(30, 30)))


@needs_gpu
@pytest.mark.parametrize("dtype", SORTED)
def test_isin_matches_cpu(dtype: str) -> None:
    C, G = _pair(dtype)
    rng = np.random.default_rng(11)
    for (c, g), (ct, gt) in zip(_views(dtype, (6, 40), rng), _views(dtype, (3, 5), rng)):
        for invert in (False, True):
            _compare("isin", dtype, G.isin(g, gt, invert=invert), C.isin(c, ct, invert=invert))
    a = _data(dtype, (7,), rng)
    _compare("isin", dtype, G.isin(G.tensor(a), G.empty([0])), C.isin(C.tensor(a), C.empty([0])))


@needs_gpu
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", [(1,), (38,), (5, 7), (2, 3, 4), (300, 1000)], ids=str)
def test_order_statistics_match_cpu(dtype: str, shape: tuple[int, ...]) -> None:
    C, G = _pair(dtype)
    floating = _dtype(dtype).cls == "floating"
    rng = np.random.default_rng(len(shape) + 7)
    for c, g in _views(dtype, shape, rng):
        for dim in range(-c.ndim, c.ndim):
            for name in ("median", "nanmedian") if floating else ("median",):
                got, want = getattr(G, name)(g, dim), getattr(C, name)(c, dim)
                _compare(name, dtype, got.values, want.values)
                _compare(name, dtype, got.indices, want.indices)
            if floating:
                for how in ("linear", "lower", "higher", "midpoint", "nearest"):
                    _compare("quantile", dtype, G.quantile(g, 0.3, dim, interpolation=how),
                             C.quantile(c, 0.3, dim, interpolation=how))
        got_all, want_all = G.medianall(g), C.medianall(c)
        assert got_all == want_all or (got_all != got_all and want_all != want_all)
