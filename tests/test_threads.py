"""Big ops run from several Python threads at once give the results they give alone.

Kernels on at least kParallelGrain (32768) elements release the GIL, and from
65536 elements on each opens its own OpenMP team, so here several kernels really
run at the same time: on their own tensors, on a tensor all threads read, and
allocating results from the shared recycling allocator. Whether that is faster is
for benchmarks/run.py to show; this only checks the values, against NumPy.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from conftest import as_tensor, assert_close, assert_same, get_unit, requires

N = 3 * 32768 + 37  # above the parallel threshold, not a multiple of the chunk size
THREADS = 4
ROUNDS = 10


@requires("float32")
def test_concurrent_big_ops_match_numpy() -> None:
    u = get_unit("float32")
    rng = np.random.default_rng(7)
    shared = rng.random(N, dtype=np.float32)
    xs = [rng.random(N, dtype=np.float32) for _ in range(THREADS)]
    ys = [rng.random(N, dtype=np.float32) for _ in range(THREADS)]
    shared_t = as_tensor(u, shared)
    start = threading.Barrier(THREADS)  # so the threads' kernels overlap

    def work(i: int) -> tuple[Any, list[Any], list[float], list[float]]:
        x, y = as_tensor(u, xs[i]), as_tensor(u, ys[i])
        start.wait()
        exps, sums, shared_sums = [], [], []
        for _ in range(ROUNDS):
            x += y
            exps.append(u.T.exp(y))
            sums.append(u.T.sumall(x))
            shared_sums.append(u.T.sumall(shared_t))
        return x, exps, sums, shared_sums

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))  # re-raises a thread's exception

    shared_sum = np.sum(shared, dtype=np.float64)
    for i, (x, exps, sums, shared_sums) in enumerate(results):
        expected = xs[i].copy()
        for r in range(ROUNDS):
            expected += ys[i]  # float32 steps, rounded as satchel's add_ rounds them
            np.testing.assert_allclose(sums[r], np.sum(expected, dtype=np.float64), rtol=1e-12)
            assert_close(exps[r], np.exp(ys[i].astype(np.float64)), u)
            np.testing.assert_allclose(shared_sums[r], shared_sum, rtol=1e-12)
        assert_same(x, expected, u)
