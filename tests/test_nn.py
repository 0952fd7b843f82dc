"""satchel.nn: every module's and loss's backward against central differences in float64,
PyTorch's values as the oracle for forwards and optimisers, state_dict round trips."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import satchel
import satchel.nn as nn

D = satchel.cpu.float64
L = satchel.cpu.int64
FLOATING = [satchel.cpu.float16, satchel.cpu.float32, satchel.cpu.float64]


def arr(t: Any) -> np.ndarray:
    return np.asarray(t).astype(np.float64)


def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def check_module(m: nn.Module[Any], x_np: np.ndarray, reset: Callable[[], None] = lambda: None) -> None:
    """d sum(m(x) * r) / d x and / d each parameter, by backward and by central differences."""
    rng = np.random.default_rng(0)
    reset()
    out = m.forward(D.from_numpy(x_np.copy()))
    r_np = rng.standard_normal(out.shape)

    def objective(x: np.ndarray) -> float:
        reset()
        return float((arr(m.forward(D.from_numpy(x.copy()))) * r_np).sum())

    m.zero_grad()
    reset()
    x = D.from_numpy(x_np.copy())
    m.forward(x)
    grad_x = arr(m.backward(x, D.from_numpy(r_np)))
    np.testing.assert_allclose(grad_x, numeric_grad(objective, x_np.copy()), rtol=1e-5, atol=1e-7)
    for name, p in m.named_parameters():
        analytic = arr(p.grad)

        def of_param(w: np.ndarray, p: nn.Parameter[Any] = p) -> float:
            D.copy_(p.data, D.from_numpy(w.copy()))
            return objective(x_np)

        w0 = arr(p.data)
        numeric = numeric_grad(of_param, w0.copy())
        D.copy_(p.data, D.from_numpy(w0))
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def randn(*shape: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.Linear(3, 4, unit=D), (5, 3)),
    (lambda: nn.Linear(3, 2, bias=False, unit=D), (1, 3)),
    (lambda: nn.ReLU(unit=D), (4, 3)),
    (lambda: nn.LeakyReLU(0.2, unit=D), (4, 3)),
    (lambda: nn.Tanh(unit=D), (3, 3)),
    (lambda: nn.Sigmoid(unit=D), (3, 3)),
    (lambda: nn.GELU(unit=D), (3, 4)),
    (lambda: nn.SoftMax(unit=D), (3, 4)),
    (lambda: nn.SoftMax(0, unit=D), (3, 4)),
    (lambda: nn.LogSoftMax(unit=D), (3, 4)),
    (lambda: nn.Flatten(unit=D), (2, 3, 2)),
    (lambda: nn.Identity(unit=D), (2, 3)),
    (lambda: nn.Sequential(nn.Linear(3, 4, unit=D), nn.Tanh(unit=D), nn.Linear(4, 2, unit=D)), (3, 3)),
    (lambda: nn.Conv2d(2, 3, 3, unit=D), (2, 2, 5, 4)),
    (lambda: nn.Conv2d(2, 2, (2, 3), stride=2, padding=1, dilation=(1, 2), unit=D), (1, 2, 5, 6)),
    (lambda: nn.Conv2d(4, 6, 3, padding=1, groups=2, unit=D), (2, 4, 4, 3)),
    (lambda: nn.Conv2d(3, 3, 2, groups=3, bias=False, unit=D), (1, 3, 4, 4)),  # depthwise
    (lambda: nn.MaxPool2d(2, unit=D), (2, 2, 4, 4)),
    (lambda: nn.MaxPool2d(3, stride=2, padding=1, unit=D), (1, 2, 5, 5)),
    (lambda: nn.AvgPool2d(2, unit=D), (2, 2, 4, 5)),
    (lambda: nn.AvgPool2d(3, stride=1, padding=1, unit=D), (1, 1, 4, 4)),
    (lambda: nn.BatchNorm1d(3, unit=D), (5, 3)),
    (lambda: nn.BatchNorm1d(2, unit=D), (3, 2, 4)),
    (lambda: nn.BatchNorm2d(2, unit=D), (3, 2, 2, 3)),
    (lambda: nn.BatchNorm2d(2, unit=D).eval(), (2, 2, 2, 2)),
    (lambda: nn.LayerNorm(4, unit=D), (3, 4)),
    (lambda: nn.LayerNorm([2, 3], unit=D), (2, 2, 3)),
], ids=lambda v: "" if callable(v) else "x".join(map(str, v)))
def test_module_gradients(make: Callable[[], nn.Module[Any]], shape: tuple[int, ...]) -> None:
    m = make()
    for _, p in m.named_parameters():  # affine parameters off their trivial start
        D.copy_(p.data, D.from_numpy(randn(*p.data.shape, seed=7)))
    check_module(m, randn(*shape))


def test_dropout_gradient_and_modes() -> None:
    g = satchel.Generator(seed=3)
    state = g.get_state()
    m = nn.Dropout(0.4, unit=D, generator=g)
    check_module(m, randn(6, 5), reset=lambda: g.set_state(state))
    x = D.ones([200, 50])
    kept = arr(m.forward(x))
    assert set(np.unique(kept)) <= {0.0, 1 / 0.6}
    assert abs((kept == 0).mean() - 0.4) < 0.03
    m.eval()
    assert m.forward(x) is x
    with pytest.raises(ValueError, match="p must be"):
        nn.Dropout(1.0, unit=D)


def test_embedding_gradient() -> None:
    m = nn.Embedding(5, 3, unit=D)
    ids = L.tensor([[0, 2], [2, 4]])
    out = m.forward(ids)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(arr(out)[1, 0], arr(m.weight.data)[2])
    m.zero_grad()
    m.backward(ids, D.ones([2, 2, 3]))
    np.testing.assert_array_equal(arr(m.weight.grad)[:, 0], [1, 0, 2, 0, 1])


def check_loss(loss: Any, x_np: np.ndarray, target: Any) -> None:
    analytic = arr(loss.backward(D.from_numpy(x_np.copy()), target))
    numeric = numeric_grad(lambda x: loss.forward(D.from_numpy(x.copy()), target), x_np.copy())
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_losses_against_torch_and_finite_differences(reduction: str) -> None:
    x_np, t_np = randn(4, 3), randn(4, 3, seed=2)
    p_np, b_np = 1 / (1 + np.exp(-x_np)), (t_np > 0).astype(np.float64)
    y = L.tensor([2, 0, 1, 2])
    y_t = torch.tensor([2, 0, 1, 2])
    F, r = torch.nn.functional, reduction
    cases: list[tuple[Any, np.ndarray, Any, float]] = [
        (nn.MSELoss(unit=D, reduction=r), x_np, D.from_numpy(t_np),
         F.mse_loss(torch.tensor(x_np), torch.tensor(t_np), reduction=r).item()),
        (nn.BCELoss(unit=D, reduction=r), p_np, D.from_numpy(b_np),
         F.binary_cross_entropy(torch.tensor(p_np), torch.tensor(b_np), reduction=r).item()),
        (nn.BCEWithLogitsLoss(unit=D, reduction=r), x_np * 30, D.from_numpy(b_np),
         F.binary_cross_entropy_with_logits(torch.tensor(x_np * 30), torch.tensor(b_np), reduction=r).item()),
        (nn.CrossEntropyLoss(unit=D, reduction=r), x_np * 100, y,
         F.cross_entropy(torch.tensor(x_np * 100), y_t, reduction=r).item()),
        (nn.NLLLoss(unit=D, reduction=r), x_np, y, F.nll_loss(torch.tensor(x_np), y_t, reduction=r).item()),
    ]
    for loss, inp, target, expected in cases:
        assert loss.forward(D.from_numpy(inp.copy()), target) == pytest.approx(expected, rel=1e-12), type(loss)
        check_loss(loss, inp if not isinstance(loss, nn.CrossEntropyLoss) else x_np, target)


def test_loss_errors() -> None:
    with pytest.raises(ValueError, match="target of shape"):
        nn.CrossEntropyLoss(unit=D).forward(D.zeros([3, 4]), L.tensor([1, 2]))
    with pytest.raises(ValueError, match="input has shape"):
        nn.MSELoss(unit=D).forward(D.zeros([3]), D.zeros([4]))
    with pytest.raises(ValueError, match=r"reduction must be 'mean' or 'sum', got 'none'"):
        nn.NLLLoss(unit=D, reduction="none")


def torch_twin(m: nn.Sequential[Any]) -> torch.nn.Sequential:
    """The same MLP in PyTorch, weights copied over."""
    layers: list[torch.nn.Module] = []
    for layer in m.layers:
        if isinstance(layer, nn.Linear):
            lin = torch.nn.Linear(layer.in_features, layer.out_features, dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(arr(layer.weight.data)))
                assert layer.bias is not None
                lin.bias.copy_(torch.tensor(arr(layer.bias.data)))
            layers.append(lin)
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, weight_decay=0.1)), ("AdamW", dict(lr=0.01, weight_decay=0.1)),
])
def test_optimizers_match_torch(name: str, kwargs: dict[str, Any]) -> None:
    m = nn.Sequential(nn.Linear(3, 5, unit=D), nn.ReLU(unit=D), nn.Linear(5, 2, unit=D))
    tm = torch_twin(m)
    opt = getattr(nn, name)(m.parameters(), **kwargs)
    topt = getattr(torch.optim, name)(tm.parameters(), **kwargs)
    loss, tloss = nn.CrossEntropyLoss(unit=D), torch.nn.CrossEntropyLoss()
    x_np, y_np = randn(8, 3), np.arange(8) % 2
    x, y = D.from_numpy(x_np), L.from_numpy(y_np)
    for _ in range(4):
        out = m.forward(x)
        value = loss.forward(out, y)
        m.zero_grad()
        m.backward(x, loss.backward(out, y))
        opt.step()
        topt.zero_grad()
        tvalue = tloss(tm(torch.tensor(x_np)), torch.tensor(y_np))
        tvalue.backward()
        topt.step()
        assert value == pytest.approx(tvalue.item(), rel=1e-10)
    np.testing.assert_allclose(arr(m.layers[0].weight.data) if isinstance(m.layers[0], nn.Linear) else 0,
                               tm[0].weight.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_master_weights_float16() -> None:
    H = satchel.cpu.float16
    m = nn.Linear(2, 1, unit=H)
    opt = nn.SGD(m.parameters(), lr=1e-4, master_weights=True, master_unit=satchel.cpu.float32)
    before = arr(m.weight.data)
    for _ in range(10):  # each step alone is below float16's resolution near 0.5; the float32 copy adds them up
        H.fill_(m.weight.grad, 1.0)
        opt.step()
    np.testing.assert_allclose(arr(m.weight.data), before - 1e-3, atol=6e-4)


def test_forward_matches_torch_conv_pool_norm() -> None:
    x_np = randn(2, 3, 7, 6)
    x, xt = D.from_numpy(x_np), torch.tensor(x_np)
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1, dilation=2, unit=D)
    w, b = torch.tensor(arr(conv.weight.data)), torch.tensor(arr(conv.bias.data) if conv.bias else 0)
    F = torch.nn.functional
    np.testing.assert_allclose(arr(conv.forward(x)), F.conv2d(xt, w, b, 2, 1, 2).numpy(), rtol=1e-12)
    for groups, out in ((3, 6), (3, 3)):
        grouped = nn.Conv2d(3, out, 2, padding=1, groups=groups, unit=D)
        w, b = torch.tensor(arr(grouped.weight.data)), torch.tensor(arr(grouped.bias.data))
        np.testing.assert_allclose(arr(grouped.forward(x)), F.conv2d(xt, w, b, 1, 1, 1, groups).numpy(), rtol=1e-12)
    np.testing.assert_allclose(arr(nn.MaxPool2d(3, 2, 1, unit=D).forward(x)), F.max_pool2d(xt, 3, 2, 1).numpy())
    np.testing.assert_allclose(arr(nn.AvgPool2d(2, unit=D).forward(x)), F.avg_pool2d(xt, 2).numpy(), rtol=1e-12)
    bn, tbn = nn.BatchNorm2d(3, unit=D), torch.nn.BatchNorm2d(3, dtype=torch.float64)
    np.testing.assert_allclose(arr(bn.forward(x)), tbn(xt).detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(arr(bn.state_dict()["running_var"]), tbn.running_var.numpy(), rtol=1e-12)
    bn.eval()
    tbn.eval()
    np.testing.assert_allclose(arr(bn.forward(x)), tbn(xt).detach().numpy(), rtol=1e-10, atol=1e-12)
    ln = nn.LayerNorm([7, 6], unit=D)
    np.testing.assert_allclose(arr(ln.forward(x)), F.layer_norm(xt, [7, 6]).numpy(), rtol=1e-10, atol=1e-12)


def test_shape_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"Linear: expected input of shape \(batch, 3\), got \(2, 4\)"):
        nn.Linear(3, 2, unit=D).forward(D.zeros([2, 4]))
    with pytest.raises(ValueError, match="does not fit"):
        nn.Conv2d(1, 1, 5, unit=D).forward(D.zeros([1, 1, 3, 3]))
    with pytest.raises(ValueError, match=r"groups \(2\) must be >= 1 and divide in_channels \(3\)"):
        nn.Conv2d(3, 4, 3, groups=2, unit=D)
    with pytest.raises(ValueError, match="channels"):
        nn.BatchNorm2d(3, unit=D).forward(D.zeros([2, 4, 2, 2]))


@pytest.mark.parametrize("T", FLOATING, ids=lambda T: T.dtype)
def test_state_dict_roundtrip_across_dtypes(T: Any, tmp_path: Any) -> None:
    def model(U: Any) -> nn.Sequential[Any]:
        return nn.Sequential(nn.Linear(4, 3, unit=U), nn.BatchNorm1d(3, unit=U), nn.ReLU(unit=U))

    satchel.manual_seed(5)
    a = model(D)
    a.forward(D.randn([6, 4]))  # running statistics move off their start
    nn.save(a, str(tmp_path / "m.npz"))
    b = model(T)
    nn.load(b, str(tmp_path / "m.npz"))
    assert list(b.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"]
    for k, v in a.state_dict().items():
        np.testing.assert_allclose(arr(b.state_dict()[k]), arr(v), rtol=1e-3)
    with pytest.raises(KeyError, match="missing keys"):
        b.load_state_dict({})


def test_init_is_seeded_and_scaled() -> None:
    satchel.manual_seed(1)
    w1 = arr(nn.Linear(100, 50, unit=D).weight.data)
    satchel.manual_seed(1)
    w2 = arr(nn.Linear(100, 50, unit=D).weight.data)
    np.testing.assert_array_equal(w1, w2)
    assert np.abs(w1).max() <= 1 / 10
    w = D.empty([400, 300])
    assert arr(nn.init.kaiming_normal_(D, w, nonlinearity="relu")).std() == pytest.approx(np.sqrt(2 / 300), rel=0.03)
    assert np.abs(arr(nn.init.xavier_uniform_(D, w))).max() <= np.sqrt(6 / 700)
    assert arr(nn.init.xavier_normal_(D, w)).std() == pytest.approx(np.sqrt(2 / 700), rel=0.03)
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.init.kaiming_uniform_(D, w, nonlinearity="swish")


def test_dataloader() -> None:
    x, y = D.arange(10), L.arange(10)
    batches = list(nn.DataLoader([x, y], batch_size=4))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    assert len(nn.DataLoader([x], batch_size=4, drop_last=True)) == 2
    g = satchel.Generator(seed=0)
    seen = [b for b in nn.DataLoader([x, y], batch_size=3, shuffle=True, generator=g)]
    xs = np.concatenate([arr(b[0]) for b in seen])
    assert sorted(xs) == list(range(10)) and list(xs) != list(range(10))
    assert all(np.array_equal(arr(a), arr(b)) for a, b in seen)  # inputs and targets shuffled together
    with pytest.raises(ValueError, match="samples"):
        nn.DataLoader([x, L.arange(3)])


def test_mypy_checks_models_against_every_floating_unit(tmp_path: Any) -> None:
    from test_typing import mypy
    (tmp_path / "use.py").write_text(
        "import satchel\nimport satchel.nn as nn\n"
        "def f() -> None:\n"
        + "".join(f"    T{i} = satchel.{dev}.{dt}\n"
                  f"    m{i} = nn.Sequential(nn.Linear(4, 2, unit=T{i}), nn.GELU(unit=T{i}))\n"
                  f"    reveal_type(m{i}.forward(T{i}.zeros([1, 4])))\n"
                  for i, (dev, dt) in enumerate([(d, t) for d in ("cpu", "cuda")
                                                 for t in ("float16", "float32", "float64")]))
        + "    nn.Sequential(nn.Linear(4, 2, unit=T0), nn.ReLU(unit=T1))\n")
    out = mypy("use.py", tmp=tmp_path).stdout
    assert out.count("Revealed type") == 6
    for cls in ("cpu_float16.HalfTensor", "cpu_float64.DoubleTensor", "cuda_float32.FloatTensor"):
        assert cls in out
    assert 'Cannot infer value of type parameter "TensorT" of "Sequential"' in out
    package = mypy("-m", "satchel.nn", tmp=tmp_path)
    assert package.returncode == 0, package.stdout


def test_max_pool_gives_a_tie_to_the_first_largest() -> None:
    x = D.from_numpy(np.array([[[[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [2.0, 2.0, 0.0]]]]))
    m = nn.MaxPool2d(2, stride=1, unit=D)
    m.forward(x)
    xt = torch.tensor(np.asarray(x), requires_grad=True)
    torch.nn.functional.max_pool2d(xt, 2, stride=1).sum().backward()
    np.testing.assert_array_equal(arr(m.backward(x, D.ones([1, 1, 2, 2]))), xt.grad.numpy())


def test_lr_schedules_follow_pytorchs() -> None:
    """Each schedule sets the optimizer's lr epoch by epoch as torch.optim.lr_scheduler's does."""
    from satchel.nn import schedule

    S = torch.optim.lr_scheduler
    cases: list[tuple[Any, Any]] = [
        (lambda o: schedule.StepLR(o, 3, gamma=0.5), lambda o: S.StepLR(o, 3, gamma=0.5)),
        (lambda o: schedule.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3), lambda o: S.MultiStepLR(o, [2, 5, 5, 9], 0.3)),
        (lambda o: schedule.ExponentialLR(o, 0.9), lambda o: S.ExponentialLR(o, 0.9)),
        (lambda o: schedule.CosineAnnealingLR(o, 7, eta_min=0.01), lambda o: S.CosineAnnealingLR(o, 7, 0.01)),
        (lambda o: schedule.LambdaLR(o, lambda e: 1 / (1 + e)), lambda o: S.LambdaLR(o, lambda e: 1 / (1 + e))),
    ]
    for ours_of, theirs_of in cases:
        opt = nn.SGD([nn.Parameter(D, D.zeros([2]))], lr=0.2)
        topt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.2)
        ours, theirs = ours_of(opt), theirs_of(topt)
        for _ in range(20):
            topt.step()
            ours.step(), theirs.step()
            assert ours.get_last_lr()[0] == pytest.approx(theirs.get_last_lr()[0], rel=1e-12, abs=1e-15), ours
            assert opt.lr == ours.get_last_lr()[0]


def test_reduce_lr_on_plateau_follows_pytorchs() -> None:
    from satchel.nn import schedule

    metrics = [5.0, 4.0, 4.0, 3.9999, 4.1, 4.2, 3.0, 3.0, 3.0, 3.0, 3.0, -1.0, -1.0, -0.5, -0.99995, -2.0] * 2
    for kw in ({}, {"mode": "max", "threshold_mode": "abs", "threshold": 0.1}, {"patience": 1, "cooldown": 2},
               {"patience": 0, "factor": 0.5, "min_lr": 0.03}):
        opt = nn.SGD([nn.Parameter(D, D.zeros([2]))], lr=0.2)
        topt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.2)
        ours = schedule.ReduceLROnPlateau(opt, **{"patience": 2, **kw})
        theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **{"patience": 2, **kw})
        for m in metrics:
            topt.step()
            ours.step(m), theirs.step(m)
            assert opt.lr == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12), (kw, m)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        schedule.ReduceLROnPlateau(opt, mode="up")
