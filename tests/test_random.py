"""Random draws: the Philox4x32-10 stream (Random123's known answers), generators
and their states, every distribution of spec/ops.yaml's random section on every
unit that has it (KS and chi-square tests at fixed seeds, scipy.stats as the
oracle), reproducibility across thread counts, errors, and CPU == CUDA.

Thresholds: p > 1e-4 at fixed seeds, which a correct generator passes with
overwhelming probability (and, the seeds being fixed, always); a biased one (one
mantissa bit stuck, a shifted mean) fails them, as test_a_biased_rand_fails shows.
"""

from __future__ import annotations

import math
import pickle
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

import satchel
from satchel.codegen.signature import BaseKind, BaseType, OptionalType

from conftest import SPEC, UNITS, Unit, requires, to_numpy, units_where

P_MIN = 1e-4
N = 200_000  # draws per distribution test: enough to see a 1% bias in a bin


def _gen(seed: int = 1234) -> satchel.Generator:
    return satchel.Generator(seed=seed)


def _np(t) -> np.ndarray:
    return to_numpy(t).astype(np.float64)


def floats() -> list:
    return units_where(lambda u: u.is_float)


# ---- Philox4x32-10 --------------------------------------------------------------------

# Random123's kat_vectors for philox4x32_10: counter, key -> output.
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF, 0xFFFFFFFF), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("counter, key, want", KAT)
def test_philox_known_answers(counter, key, want) -> None:
    from satchel._units import _host

    assert _host.philox4x32_10(counter, key) == want


@requires("float32", "float64")
def test_rand_reads_the_stream() -> None:
    """rand(float32) is each word's top 24 bits times 2^-24; float64 53 bits of two words."""
    from satchel._units import _host

    words = _host.philox4x32_10((0, 0, 0, 0), (0, 0))
    got = to_numpy(satchel.cpu.float32.rand(4, generator=satchel.Generator(seed=0)))
    np.testing.assert_array_equal(got, np.array([w >> 8 for w in words], dtype=np.float64) / 2**24)
    got = to_numpy(satchel.cpu.float64.rand(2, generator=satchel.Generator(seed=0)))
    want = [((words[2 * k] << 32 | words[2 * k + 1]) >> 11) / 2**53 for k in range(2)]
    np.testing.assert_array_equal(got, np.array(want))
    # the next draw starts at the next block
    g = satchel.Generator(seed=0)
    satchel.cpu.float32.rand(5, generator=g)
    assert g.offset == 2
    second = _host.philox4x32_10((2, 0, 0, 0), (0, 0))
    assert to_numpy(satchel.cpu.float32.rand(1, generator=g))[0] == (second[0] >> 8) / 2**24


# ---- generators -------------------------------------------------------------------------


def test_generator_seeds_and_states() -> None:
    g = satchel.Generator()
    assert g.device == "cpu" and g.initial_seed() == 67280421310721  # PyTorch's default seed
    assert g.manual_seed(7) is g and g.initial_seed() == 7
    assert satchel.Generator(seed=-1).initial_seed() == 2**64 - 1  # modulo 2^64, as PyTorch
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2**64
    state = g.get_state()
    assert isinstance(state, bytes) and len(state) == 24
    if UNITS:
        T = next(u for u in UNITS if u.is_float).T if any(u.is_float for u in UNITS) else None
        if T is not None:
            a = to_numpy(T.rand(10, generator=g))
            assert g.get_state() != state
            g.set_state(state)
            np.testing.assert_array_equal(to_numpy(T.rand(10, generator=g)), a)
            h = pickle.loads(pickle.dumps(g))
            assert h.get_state() == g.get_state() and h.device == "cpu"
            np.testing.assert_array_equal(to_numpy(T.rand(10, generator=h)), to_numpy(T.rand(10, generator=g)))
    with pytest.raises(ValueError, match="24 bytes"):
        g.set_state(b"nonsense")
    with pytest.raises(TypeError, match="bytes"):
        g.set_state(3)
    with pytest.raises(ValueError, match="device must be"):
        satchel.Generator(device="tpu")
    with pytest.raises(TypeError, match="int"):
        g.manual_seed(1.5)
    assert "cuda:1" in repr(satchel.Generator(device="cuda:1"))


@requires("float32")
def test_default_generator_manual_seed_and_fork_rng() -> None:
    T = satchel.cpu.float32
    satchel.manual_seed(3)
    a = to_numpy(T.randn(100))
    satchel.manual_seed(3)
    assert satchel.initial_seed() == 3
    np.testing.assert_array_equal(to_numpy(T.randn(100)), a)
    before = satchel.get_rng_state()
    with satchel.fork_rng():
        T.rand(1000)
    assert satchel.get_rng_state() == before
    b = to_numpy(T.rand(10))
    satchel.set_rng_state(before)
    np.testing.assert_array_equal(to_numpy(T.rand(10)), b)
    assert satchel.default_generator("cpu") is satchel.default_generator()


@requires("float32")
def test_generator_argument_errors() -> None:
    T = satchel.cpu.float32
    with pytest.raises(TypeError, match="generator must be a satchel.Generator"):
        T.rand(3, generator=5)
    with pytest.raises(ValueError, match="generator is for cuda"):
        T.rand(3, generator=satchel.Generator(device="cuda"))


@requires("float32")
def test_threads_share_a_generator() -> None:
    """Each draw reserves its blocks under the lock: draws from threads at once are
    the blocks of one stream, none read twice."""
    T = satchel.cpu.float32
    g = _gen(9)
    out: list[np.ndarray] = []

    def work() -> None:
        for _ in range(50):
            out.append(to_numpy(T.rand(400, generator=g)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert g.offset == 4 * 50 * 100
    got = np.sort(np.concatenate(out))
    want = np.sort(to_numpy(T.rand(4 * 50 * 400, generator=_gen(9))))
    np.testing.assert_array_equal(got, want)


# ---- every op on every unit -----------------------------------------------------------

# One call of each random op, given a unit and a generator; every op of the spec's
# random section (those with a generator argument) must be here.
CALLS = {
    "rand": lambda T, g: T.rand([3, 4], generator=g),
    "rand_like": lambda T, g: T.rand_like(T.zeros([3, 4]), generator=g),
    "randn": lambda T, g: T.randn([3, 4], generator=g),
    "randn_like": lambda T, g: T.randn_like(T.zeros([3, 4]), generator=g),
    "uniform_": lambda T, g: T.zeros([3, 4]).uniform_(-2, 3, generator=g),
    "normal_": lambda T, g: T.zeros([3, 4]).normal_(1, 2, generator=g),
    "normal": lambda T, g: T.normal(T.zeros([3, 1]), T.ones([4]), generator=g),
    "log_normal_": lambda T, g: T.zeros([3, 4]).log_normal_(0, 0.5, generator=g),
    "exponential_": lambda T, g: T.zeros([3, 4]).exponential_(2, generator=g),
    "geometric_": lambda T, g: T.zeros([3, 4]).geometric_(0.3, generator=g),
    "cauchy_": lambda T, g: T.zeros([3, 4]).cauchy_(generator=g),
    "poisson": lambda T, g: T.poisson(T.full([3, 4], 3), generator=g),
    "bernoulli": lambda T, g: T.bernoulli(T.zeros([3, 4]), 0.5, generator=g),
    "bernoulli_": lambda T, g: T.zeros([3, 4]).bernoulli_(0.5, generator=g),
    "randint": lambda T, g: T.randint(0, 2, [3, 4], generator=g),
    "randint_like": lambda T, g: T.randint_like(T.zeros([3, 4]), 0, 2, generator=g),
    "random_": lambda T, g: T.zeros([3, 4]).random_(0, 2, generator=g),
    "randperm": lambda T, g: T.randperm(12, generator=g).reshape([3, 4]),
    "multinomial": lambda T, g: T.multinomial(T.ones([3, 5]), 4, generator=g),
}


def _takes_generator(op) -> bool:
    return any(isinstance(a.type, OptionalType) and a.type.elem == BaseType(BaseKind.GENERATOR) for a in op.sig.args)


RANDOM_OPS = [op for op in SPEC.ops if _takes_generator(op)]


def test_every_random_op_has_a_call() -> None:
    assert sorted(op.name for op in RANDOM_OPS) == sorted(CALLS)


@pytest.mark.parametrize("u", units_where(lambda u: any(u.has(op.name) for op in RANDOM_OPS)), ids=str)
def test_every_random_op_on_every_unit(u: Unit) -> None:
    """Each op the unit has: the shape, the dtype, the same values for the same seed,
    and the same values as the default generator seeded alike."""
    for op in RANDOM_OPS:
        if not u.has(op.name):
            continue
        a = CALLS[op.name](u.T, _gen(5))
        b = CALLS[op.name](u.T, _gen(5))
        assert a.dtype == ("int64" if op.name == "multinomial" else u.dtype.name), op.name
        assert a.shape == ((3, 4) if op.name != "multinomial" else (3, 4)), op.name
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b), err_msg=op.name)
        satchel.manual_seed(5)
        np.testing.assert_array_equal(to_numpy(CALLS[op.name](u.T, None)), to_numpy(a), err_msg=op.name)


@pytest.mark.parametrize("u", floats(), ids=str)
def test_same_results_whatever_the_thread_count(u: Unit) -> None:
    """Big draws split over the pool read the same blocks as one thread does."""
    n = 300_001  # over the parallel threshold, and not a multiple of a block
    before = satchel.get_num_threads()
    results = []
    try:
        for threads in (1, 2, 3):
            satchel.set_num_threads(threads)
            T = u.T
            g = _gen(11)
            x = T.empty([n])
            results.append([to_numpy(r) for r in (
                T.rand(n, generator=g), T.randn(n, generator=g), x.exponential_(generator=g).clone(),
                T.bernoulli(T.full([n], 0.3), generator=g), T.randint(0, 1000, [n], generator=g),
                T.poisson(T.full([n], 12.5), generator=g), T.multinomial(T.ones([n // 1000, 1000]), 50, generator=g))])
    finally:
        satchel.set_num_threads(before)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


@requires("int64")
def test_randperm_same_whatever_the_thread_count() -> None:
    before = satchel.get_num_threads()
    try:
        got = []
        for threads in (1, 2, 3):
            satchel.set_num_threads(threads)
            got.append(to_numpy(satchel.cpu.int64.randperm(1_000_003, generator=_gen(2))))
    finally:
        satchel.set_num_threads(before)
    np.testing.assert_array_equal(got[0], got[1])
    np.testing.assert_array_equal(got[0], got[2])


# ---- distributions -----------------------------------------------------------------------


def _ks(sample: np.ndarray, cdf, *args) -> float:
    return float(stats.kstest(sample, cdf, args=args).pvalue)


def _chi2(observed: np.ndarray, expected: np.ndarray) -> float:
    keep = expected >= 5
    obs = np.append(observed[keep], observed[~keep].sum())
    exp = np.append(expected[keep], expected[~keep].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    return float(stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue)


@pytest.mark.parametrize("u", floats(), ids=str)
def test_uniform(u: Unit) -> None:
    T, g = u.T, _gen(21)
    x = _np(T.rand(N, generator=g))
    assert x.min() >= 0 and x.max() < 1
    if u.dtype.name == "float16":  # 2^11 values: chi-square over the grid
        counts = np.bincount((x * 2048).astype(int), minlength=2048)
        assert _chi2(counts, np.full(2048, N / 2048)) > P_MIN
    else:
        assert _ks(x, "uniform") > P_MIN
    y = _np(T.empty([N]).uniform_(-3, 5, generator=g))
    assert y.min() >= -3 and y.max() < 5
    assert _ks(y, "uniform", -3, 8) > P_MIN or u.dtype.name == "float16"
    # the mean within 5 standard errors
    assert abs(x.mean() - 0.5) < 5 * math.sqrt(1 / 12 / N)


@pytest.mark.parametrize("u", floats(), ids=str)
def test_half_open_at_the_ends(u: Unit) -> None:
    """to is never drawn, after rounding to the dtype too (float16 rand from 11 bits)."""
    T, g = u.T, _gen(22)
    assert _np(T.rand(1 << 16, generator=g)).max() < 1
    eps = float(np.finfo(u.np_dtype).eps)
    y = _np(T.empty([1 << 16]).uniform_(1, 1 + 4 * eps, generator=g))  # 4 values of the dtype
    assert set(np.unique(y)) <= {1 + k * eps for k in range(4)} and y.max() < 1 + 4 * eps
    assert len(np.unique(y)) == 4
    assert (_np(T.empty([5]).uniform_(2, 2, generator=g)) == 2).all()


@pytest.mark.parametrize("u", floats(), ids=str)
def test_normal(u: Unit) -> None:
    T, g = u.T, _gen(23)
    z = _np(T.randn(N, generator=g))
    assert _ks(z, "norm") > P_MIN
    assert abs(z.mean()) < 5 / math.sqrt(N) and abs(z.var() - 1) < 5 * math.sqrt(2 / N)
    y = _np(T.empty([N]).normal_(2, 3, generator=g))
    assert _ks(y, "norm", 2, 3) > P_MIN
    m = T.tensor(np.array([[-5.0], [0.0], [7.0]], dtype=u.np_dtype))
    s = T.tensor(np.array([0.5, 1.0, 2.0, 0.0], dtype=u.np_dtype))
    w = _np(T.normal(m, s, generator=g))
    assert w.shape == (3, 4) and (w[:, 3] == [-5, 0, 7]).all()  # std 0: the mean
    big = _np(T.normal(T.full([N], 1.0), T.full([N], 2.0), generator=g))
    assert _ks(big, "norm", 1, 2) > P_MIN


@pytest.mark.parametrize("u", floats(), ids=str)
def test_exponential_cauchy_log_normal(u: Unit) -> None:
    T, g = u.T, _gen(24)
    x = _np(T.empty([N]).exponential_(2.5, generator=g))
    assert x.min() >= 0 and _ks(x, "expon", 0, 1 / 2.5) > P_MIN
    c = _np(T.empty([N]).cauchy_(1, 2, generator=g))
    assert _ks(c[np.isfinite(c)], "cauchy", 1, 2) > P_MIN
    ln = _np(T.empty([N]).log_normal_(0.5, 0.75, generator=g))
    assert _ks(ln, "lognorm", 0.75, 0, math.exp(0.5)) > P_MIN
    if u.dtype.name == "float16":  # rounding to 11 bits shows in KS at N; the others are checked above
        return


@pytest.mark.parametrize("u", floats(), ids=str)
def test_geometric_and_poisson(u: Unit) -> None:
    T, g = u.T, _gen(25)
    x = _np(T.empty([N]).geometric_(0.2, generator=g)).astype(int)
    assert x.min() >= 1
    k = np.arange(1, x.max() + 1)
    assert _chi2(np.bincount(x, minlength=k[-1] + 1)[1:], N * stats.geom.pmf(k, 0.2)) > P_MIN
    assert (_np(T.empty([5]).geometric_(1, generator=g)) == 1).all()
    assert (_np(T.empty([1000]).geometric_(1e-300, generator=g)) >= 1).all()  # past int64: no overflow
    if u.dtype.name != "float16":
        with pytest.raises(ValueError, match="at most 2"):
            T.poisson(T.full([1], 1e17))
    for lam in (0.0, 0.7, 4.0, 9.99, 10.0, 37.5, 1000.0):
        if lam > float(np.finfo(u.np_dtype).max) / 100:
            continue
        p = _np(T.poisson(T.full([N // 4], lam), generator=g)).astype(int)
        if lam == 0:
            assert (p == 0).all()
            continue
        k = np.arange(0, p.max() + 1)
        assert _chi2(np.bincount(p, minlength=k[-1] + 1), len(p) * stats.poisson.pmf(k, lam)) > P_MIN, lam


@pytest.mark.parametrize("u", units_where(lambda u: u.has("bernoulli")), ids=str)
def test_bernoulli(u: Unit) -> None:
    T, g = u.T, _gen(26)
    for p in (0.0, 0.1, 0.5, 1.0):
        x = _np(T.bernoulli(T.zeros([N]), p, generator=g))
        assert set(np.unique(x)) <= {0, 1}
        assert stats.binomtest(int(x.sum()), N, p).pvalue > P_MIN if 0 < p < 1 else x.mean() == p
        y = _np(T.zeros([N]).bernoulli_(p, generator=g))
        assert stats.binomtest(int(y.sum()), N, p).pvalue > P_MIN if 0 < p < 1 else y.mean() == p
    if u.is_float:  # per-element probabilities
        probs = np.tile(np.array([0.0, 0.25, 0.9, 1.0], dtype=u.np_dtype), N // 4)
        x = _np(T.bernoulli(T.tensor(probs), generator=g)).reshape(-1, 4)
        assert x[:, 0].sum() == 0 and x[:, 3].all()
        assert stats.binomtest(int(x[:, 1].sum()), N // 4, 0.25).pvalue > P_MIN
    else:
        x = _np(T.bernoulli(T.tensor(np.array([0, 1] * 10, dtype=u.np_dtype)), generator=g))
        assert (x == [0, 1] * 10).all()


@pytest.mark.parametrize("u", units_where(lambda u: u.has("randint")), ids=str)
def test_randint_and_random_(u: Unit) -> None:
    T, g = u.T, _gen(27)
    x = _np(T.randint(-3, 7, [N], generator=g)).astype(int) if not u.dtype.name.startswith("uint") else None
    if x is not None:
        assert x.min() == -3 and x.max() == 6
        assert _chi2(np.bincount(x + 3), np.full(10, N / 10)) > P_MIN
    y = _np(T.randint_like(T.zeros([N]), 0, 5, generator=g)).astype(int)
    assert _chi2(np.bincount(y, minlength=5), np.full(5, N / 5)) > P_MIN
    r = _np(T.empty([N]).random_(10, generator=g))  # random_(to): [0, to), as PyTorch
    assert r.min() == 0 and r.max() == 9
    r = _np(T.empty([N]).random_(5, 8, generator=g))
    assert set(np.unique(r)) == {5, 6, 7}
    full = _np(T.empty([N]).random_(generator=g))
    top = 2 ** {"float16": 11, "float32": 24, "float64": 53}[u.dtype.name] if u.is_float else int(u.hi)
    assert full.min() >= 0 and full.max() <= top and full.max() > top / 2


@pytest.mark.parametrize("u", units_where(lambda u: u.has("randperm")), ids=str)
@given(n=st.sampled_from([0, 1, 2, 3, 17, 100, 65_536, 65_537, 300_000]), seed=st.integers(0, 2**64 - 1))
def test_randperm_is_a_permutation(u: Unit, n: int, seed: int) -> None:
    if n - 1 > u.hi:
        return
    p = to_numpy(u.T.randperm(n, generator=_gen(seed)))
    assert p.dtype == u.np_dtype and p.shape == (n,)
    np.testing.assert_array_equal(np.sort(p.astype(np.int64)), np.arange(n))


@requires("int64")
@pytest.mark.parametrize("n", [5, 200_000])
def test_randperm_is_uniform(n: int) -> None:
    """Where element 0 lands and which value position 0 takes: uniform, for the
    one-bucket shuffle (n = 5: all 120 permutations equally often) and the bucketed one."""
    T, g = satchel.cpu.int64, _gen(28)
    if n == 5:
        perms = np.stack([to_numpy(T.randperm(5, generator=g)) for _ in range(12_000)])
        codes = perms @ (5 ** np.arange(5))
        _, counts = np.unique(codes, return_counts=True)
        assert len(counts) == 120 and _chi2(counts, np.full(120, 100.0)) > P_MIN
        return
    firsts, lands = [], []
    for _ in range(100):
        p = to_numpy(T.randperm(n, generator=g))
        firsts.append(p[0] * 10 // n)
        lands.append(int(np.argmax(p == n - 1)) * 10 // n)
    for v in (firsts, lands):
        assert _chi2(np.bincount(v, minlength=10), np.full(10, 10.0)) > P_MIN


@pytest.mark.parametrize("u", floats(), ids=str)
def test_multinomial(u: Unit) -> None:
    T, g = u.T, _gen(29)
    w = np.array([0.0, 1.0, 2.0, 0.0, 5.0, 2.0])
    x = to_numpy(T.multinomial(T.tensor(w.astype(u.np_dtype)), N, replacement=True, generator=g))
    assert x.dtype == np.int64 and x.shape == (N,)
    counts = np.bincount(x, minlength=6)
    assert counts[0] == counts[3] == 0
    assert _chi2(counts[[1, 2, 4, 5]], N * w[[1, 2, 4, 5]] / w.sum()) > P_MIN
    rows = T.tensor(np.tile(w, (2000, 1)).astype(u.np_dtype))
    y = to_numpy(T.multinomial(rows, 4, generator=g))
    assert y.shape == (2000, 4)
    assert all(len(set(r)) == 4 for r in y.tolist()) and not np.isin(y, [0, 3]).any()
    # the first draw of each row is a draw with weights w
    first = np.bincount(y[:, 0], minlength=6)
    assert _chi2(first[[1, 2, 4, 5]], 2000 * w[[1, 2, 4, 5]] / w.sum()) > P_MIN
    # without replacement, all of them: a permutation of the nonzero categories
    z = to_numpy(T.multinomial(T.tensor(w.astype(u.np_dtype)), 4, generator=g))
    assert sorted(z.tolist()) == [1, 2, 4, 5]


@requires("float32")
def test_a_biased_rand_fails() -> None:
    """The tests above would see a generator with one mantissa bit stuck or 24 bits
    made 23: the same KS test rejects them."""
    x = to_numpy(satchel.cpu.float32.rand(N, generator=_gen(21)))
    assert _ks(x.astype(np.float64), "uniform") > P_MIN
    stuck = (x.view(np.uint32) | np.uint32(1 << 21)).view(np.float32)  # mantissa bit 21 always set
    assert _ks(stuck.astype(np.float64), "uniform") < P_MIN
    shifted = x * np.float32(0.99)
    assert _ks(shifted.astype(np.float64), "uniform") < P_MIN


# ---- non-contiguous and empty ----------------------------------------------------------


@pytest.mark.parametrize("u", floats(), ids=str)
def test_in_place_on_views(u: Unit) -> None:
    """A view is filled in its own row-major order: as a new tensor of its shape would be."""
    T = u.T
    base = T.zeros([4, 6])
    view = base.t()[::2]  # (3, 4), strided
    view.uniform_(generator=_gen(30))
    np.testing.assert_array_equal(to_numpy(view), to_numpy(T.rand([3, 4], generator=_gen(30))))
    assert (to_numpy(base)[:, 1::2] == 0).all()
    for shape in ([0], [0, 3], [], [1]):
        g = _gen(31)
        assert T.rand(shape, generator=g).shape == tuple(shape)
        assert T.empty(shape).normal_(generator=g).shape == tuple(shape)
    assert g.offset == 2  # the 0-d and 1-element draws took one block each


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("u", floats(), ids=str)
def test_errors_name_the_argument(u: Unit) -> None:
    T = u.T
    x = T.zeros([3])
    cases = [
        (lambda: x.normal_(0, -1), "std must be finite and >= 0, got -1"),
        (lambda: x.normal_(0, math.nan), "std"),
        (lambda: T.normal(T.zeros([2]), T.tensor(np.array([1, -1], dtype=u.np_dtype))), "std must be .* element 1"),
        (lambda: x.log_normal_(0, 0), "std must be finite and > 0"),
        (lambda: x.exponential_(0), "lambd must be finite and > 0"),
        (lambda: x.geometric_(0), r"p must be in \(0, 1\]"),
        (lambda: x.geometric_(1.5), r"p must be in \(0, 1\]"),
        (lambda: x.cauchy_(0, -1), "sigma"),
        (lambda: x.uniform_(1, 0), "from_ must be <= to"),
        (lambda: x.uniform_(0, math.inf), "to must be finite"),
        (lambda: T.bernoulli(x, 1.5), r"p must be in \[0, 1\], got 1.5"),
        (lambda: T.bernoulli(x, -0.1), r"p must be in \[0, 1\]"),
        (lambda: x.bernoulli_(2), r"p must be in \[0, 1\]"),
        (lambda: T.bernoulli(T.tensor(np.array([0.5, math.nan], dtype=u.np_dtype))), r"probabilities.*element 1"),
        (lambda: T.randint(3, 3, [2]), "low must be < high, got low=3, high=3"),
        (lambda: T.randint(0, 2**60, [2]), "exactly"),
        (lambda: x.random_(5, 2), "from_ must be < to"),
        (lambda: T.poisson(T.tensor(np.array([1, -1], dtype=u.np_dtype))), "rates"),
        (lambda: T.multinomial(T.tensor(np.array([1, -1], dtype=u.np_dtype)), 1), "weights must be finite and >= 0"),
        (lambda: T.multinomial(T.tensor(np.array([1, math.nan], dtype=u.np_dtype)), 1), "weights"),
        (lambda: T.multinomial(T.zeros([3]), 1), "all zero"),
        (lambda: T.multinomial(T.zeros([0]), 1), "no categories"),
        (lambda: T.multinomial(T.ones([3]), 4), "exceeds the 3 categories"),
        (lambda: T.multinomial(T.tensor(np.array([1, 0, 1], dtype=u.np_dtype)), 3), "nonzero weights"),
        (lambda: T.multinomial(T.ones([3]), 0), "num_samples must be > 0"),
        (lambda: T.multinomial(T.ones([2, 2, 2]), 1), "1-D or 2-D"),
    ]
    for fn, message in cases:
        with pytest.raises(ValueError, match=message):
            fn()


@requires("int64", "bool")
def test_integer_errors() -> None:
    I = satchel.cpu.int64
    with pytest.raises(ValueError, match="n must be >= 0"):
        I.randperm(-1)
    with pytest.raises(ValueError, match="low must be < high"):
        I.randint(5, 0, [3])
    B = satchel.cpu.bool
    with pytest.raises(ValueError, match=r"probabilities"):
        B.bernoulli(B.ones([2]), None) if False else I.bernoulli(I.tensor(np.array([0, 2])))


# ---- CPU == CUDA -------------------------------------------------------------------------

CUDA_FLOATS = [d for d in ("float16", "float32", "float64")
               if f"cuda.{d}" in satchel.units("cuda") and f"cpu.{d}" in satchel.units("cpu")]
needs_gpu = pytest.mark.skipif(not satchel.cuda.is_available(), reason="no CUDA device")


@needs_gpu
@pytest.mark.parametrize("dtype", CUDA_FLOATS + [d for d in ("int64", "int32", "bool")
                                                 if f"cuda.{d}" in satchel.units("cuda")
                                                 and f"cpu.{d}" in satchel.units("cpu")])
def test_cpu_and_cuda_draw_the_same_bits(dtype: str) -> None:
    """The same seed gives bit-identical results on both devices, every op, sizes
    that end mid-block included."""
    C, G = satchel.unit(dtype, "cpu"), satchel.unit(dtype, "cuda")
    names = [op.name for op in RANDOM_OPS if hasattr(C, op.name)]
    for name in names:
        for n in (1, 7, 1 << 20):
            def call(T, device):
                g = satchel.Generator(device=device, seed=77)
                if name in ("randperm",):
                    return T.randperm(n * 12, generator=g)
                if name == "multinomial":
                    return T.multinomial(T.ones([n, 5]), 3, generator=g)
                return CALLS[name](T, g) if n == 1 else _big_call(name, T, g, n)
            got, want = call(G, "cuda").cpu(), call(C, "cpu")
            np.testing.assert_array_equal(to_numpy(got), to_numpy(want), err_msg=f"{name} {n}")


def _big_call(name: str, T, g, n: int):
    """CALLS' ops with n elements rather than 12."""
    shape = [n]
    table = {
        "rand": lambda: T.rand(shape, generator=g), "randn": lambda: T.randn(shape, generator=g),
        "rand_like": lambda: T.rand_like(T.zeros(shape), generator=g),
        "randn_like": lambda: T.randn_like(T.zeros(shape), generator=g),
        "uniform_": lambda: T.zeros(shape).uniform_(-2, 3, generator=g),
        "normal_": lambda: T.zeros(shape).normal_(1, 2, generator=g),
        "normal": lambda: T.normal(T.zeros(shape), T.ones(shape), generator=g),
        "log_normal_": lambda: T.zeros(shape).log_normal_(0, 0.5, generator=g),
        "exponential_": lambda: T.zeros(shape).exponential_(2, generator=g),
        "geometric_": lambda: T.zeros(shape).geometric_(0.3, generator=g),
        "cauchy_": lambda: T.zeros(shape).cauchy_(generator=g),
        "poisson": lambda: T.poisson(T.full(shape, 30), generator=g),
        "bernoulli": lambda: T.bernoulli(T.zeros(shape), 0.5, generator=g),
        "bernoulli_": lambda: T.zeros(shape).bernoulli_(0.5, generator=g),
        "randint": lambda: T.randint(0, 2, shape, generator=g),
        "randint_like": lambda: T.randint_like(T.zeros(shape), 0, 2, generator=g),
        "random_": lambda: T.zeros(shape).random_(generator=g),
    }
    return table[name]()


IN_PLACE = {
    "uniform_": lambda t, g: t.uniform_(-1, 2, generator=g),
    "normal_": lambda t, g: t.normal_(0.5, 2, generator=g),
    "log_normal_": lambda t, g: t.log_normal_(generator=g),
    "exponential_": lambda t, g: t.exponential_(generator=g),
    "geometric_": lambda t, g: t.geometric_(0.4, generator=g),
    "cauchy_": lambda t, g: t.cauchy_(generator=g),
    "bernoulli_": lambda t, g: t.bernoulli_(0.3, generator=g),
    "random_": lambda t, g: t.random_(0, 100, generator=g),
}


@pytest.mark.parametrize("u", floats(), ids=str)
@given(shape=hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=5), seed=st.integers(0, 2**64 - 1),
       name=st.sampled_from(sorted(IN_PLACE)))
def test_in_place_views_any_shape(u: Unit, shape: tuple[int, ...], seed: int, name: str) -> None:
    """In place on a transposed view (shapes with 0 and 1 sides too): the values of a
    contiguous tensor of the view's shape, and the generator moves on as much."""
    T = u.T
    view = T.zeros(list(reversed(shape))).t() if len(shape) == 2 else T.zeros(list(shape)).transpose(0, 1)
    plain = T.zeros(list(view.shape))
    g1, g2 = _gen(seed), _gen(seed)
    IN_PLACE[name](view, g1)
    IN_PLACE[name](plain, g2)
    np.testing.assert_array_equal(to_numpy(view), to_numpy(plain))
    assert g1.get_state() == g2.get_state()
