"""Tests of lessons_lib.optimizers and lessons_lib.update_rules: torch.optim's numbers."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch import nn

from lessons_lib.optimizers import SGD, Adam, AdamW, make_optimizer
from lessons_lib.penalties import param_groups
from lessons_lib.update_rules import adam_update, sgd_update

# (our class, torch's class, keyword arguments): every setting the library uses and more
SETTINGS = [
    (SGD, torch.optim.SGD, {"lr": 0.1}),
    (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.01}),
    (SGD, torch.optim.SGD, {"lr": 0.2, "weight_decay": 0.3}),
    (Adam, torch.optim.Adam, {"lr": 0.01}),
    (Adam, torch.optim.Adam, {"lr": 0.003, "weight_decay": 0.05}),
    (Adam, torch.optim.Adam, {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6}),
    (AdamW, torch.optim.AdamW, {"lr": 0.01}),
    (AdamW, torch.optim.AdamW, {"lr": 0.01, "weight_decay": 0.3}),
    (AdamW, torch.optim.AdamW, {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.0}),
]
IDS = [f"{ours.__name__}-{i}" for i, (ours, _, _) in enumerate(SETTINGS)]


def _net(dtype: torch.dtype, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 2)).to(dtype)


def _train(model: nn.Module, opt, steps: int, seed: int = 1) -> list[torch.Tensor]:
    """Mini-batch steps on a fixed random regression problem; the parameters at the end."""
    gen = torch.Generator().manual_seed(seed)
    dtype = next(model.parameters()).dtype
    X = torch.randn(64, 3, generator=gen, dtype=dtype)
    Y = torch.randn(64, 2, generator=gen, dtype=dtype)
    for step in range(steps):
        idx = slice(16 * (step % 4), 16 * (step % 4 + 1))
        opt.zero_grad()
        ((model(X[idx]) - Y[idx]) ** 2).mean().backward()
        opt.step()
    return [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), SETTINGS, ids=IDS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_same_parameters_as_torch_optim_after_200_steps(ours, theirs, kwargs, dtype):
    a, b = _net(dtype), _net(dtype)
    got = _train(a, ours(a.parameters(), **kwargs), 200)
    want = _train(b, theirs(b.parameters(), foreach=False, **kwargs), 200)
    for g, w in zip(got, want, strict=True):
        assert torch.equal(g, w)  # the same operations in the same order: bit for bit


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), SETTINGS, ids=IDS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_fused_gives_the_numbers_of_torch_optims_fused_option(ours, theirs, kwargs, dtype):
    a, b = _net(dtype), _net(dtype)
    got = _train(a, ours(a.parameters(), fused=True, **kwargs), 200)
    want = _train(b, theirs(b.parameters(), fused=True, **kwargs), 200)
    for g, w in zip(got, want, strict=True):
        assert torch.equal(g, w)


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), SETTINGS, ids=IDS)
def test_close_to_torch_optims_other_kernels(ours, theirs, kwargs):
    """fused=True and foreach=True round in another order: close, not equal."""
    a = _net(torch.float32)
    got = _train(a, ours(a.parameters(), **kwargs), 100)
    for flag in ("fused", "foreach"):
        b = _net(torch.float32)
        want = _train(b, theirs(b.parameters(), **{flag: True}, **kwargs), 100)
        for g, w in zip(got, want, strict=True):
            torch.testing.assert_close(g, w, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize(("ours", "kwargs"), [(SGD, {"momentum": 0.9}), (Adam, {}), (AdamW, {})])
def test_a_weight_decay_per_network_equals_separate_optimizers(fused, ours, kwargs):
    """A (k, 1, 1) tensor of decays on stacked weights: network j as if alone with decays[j]."""
    gen = torch.Generator().manual_seed(3)
    W0 = torch.randn(3, 4, 2, generator=gen)
    grads = [torch.randn(3, 4, 2, generator=gen) for _ in range(40)]
    decays = [0.0, 0.1, 0.5]
    W = nn.Parameter(W0.clone())
    opt = ours([W], lr=0.05, weight_decay=torch.tensor(decays).view(3, 1, 1), fused=fused, **kwargs)
    for g in grads:
        W.grad = g.clone()
        opt.step()
    for j, wd in enumerate(decays):
        Wj = nn.Parameter(W0[j].clone())
        alone = ours([Wj], lr=0.05, weight_decay=wd, fused=fused, **kwargs)
        for g in grads:
            Wj.grad = g[j].clone()
            alone.step()
        torch.testing.assert_close(W[j], Wj, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(SGD, torch.optim.SGD), (Adam, torch.optim.Adam), (AdamW, torch.optim.AdamW)],
)
def test_parameter_groups_with_their_own_settings(ours, theirs):
    """Weights decayed, biases not (param_groups), and a group with its own lr."""
    a, b = _net(torch.float64), _net(torch.float64)
    groups_a, groups_b = param_groups(a, 0.1), param_groups(b, 0.1)
    groups_a[1]["lr"] = groups_b[1]["lr"] = 0.002
    kwargs = {"momentum": 0.9} if ours is SGD else {}
    got = _train(a, ours(groups_a, lr=0.01, **kwargs), 60)
    want = _train(b, theirs(groups_b, lr=0.01, foreach=False, **kwargs), 60)
    for g, w in zip(got, want, strict=True):
        assert torch.equal(g, w)


def test_parameters_without_a_gradient_are_left_alone():
    frozen = nn.Parameter(torch.ones(3))
    used = nn.Parameter(torch.ones(3))
    opt = Adam([frozen, used], lr=0.1)
    used.sum().backward()
    opt.step()
    assert torch.equal(frozen, torch.ones(3))
    assert not torch.equal(used, torch.ones(3))
    assert frozen not in opt.state


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    w = nn.Parameter(torch.ones(2))
    opt = SGD([w], lr=0.1)
    (3 * w).sum().backward()
    opt.zero_grad(set_to_none=set_to_none)
    assert w.grad is None if set_to_none else torch.equal(w.grad, torch.zeros(2))


def _torch_path(cls, w0, grads, **kwargs):
    w = nn.Parameter(w0.clone())
    opt = cls([w], foreach=False, **kwargs)
    for g in grads:
        w.grad = g.clone()
        opt.step()
    return w.detach()


@pytest.mark.parametrize("update", ["sgd", "adam"])
def test_tensor_hyperparameters_train_a_grid_like_separate_runs(update):
    """One row per configuration: lr and weight_decay as (C, 1) tensors."""
    gen = torch.Generator().manual_seed(1)
    w0 = torch.randn(5, generator=gen, dtype=torch.float64)
    grads = [torch.randn(5, generator=gen, dtype=torch.float64) for _ in range(30)]
    lrs, wds = [0.01, 0.1, 0.05, 0.2], [0.5, 0.0, 2.0, 0.1]
    col = lambda v: torch.tensor(v, dtype=torch.float64).view(4, 1)  # noqa: E731
    w, state = w0.expand(4, 5).clone(), {}
    for g in grads:
        if update == "sgd":
            sgd_update(w, g.expand(4, 5), state, lr=col(lrs), momentum=0.9, weight_decay=col(wds))
        else:
            adam_update(w, g.expand(4, 5), state, lr=col(lrs), weight_decay=col(wds))
    for c in range(4):
        if update == "sgd":
            cls, extra = torch.optim.SGD, {"momentum": 0.9}
        else:
            cls, extra = torch.optim.Adam, {}
        want = _torch_path(cls, w0, grads, lr=lrs[c], weight_decay=wds[c], **extra)
        torch.testing.assert_close(w[c], want, rtol=1e-12, atol=1e-12)


def test_a_grid_may_mix_adam_with_l2_and_adamw():
    gen = torch.Generator().manual_seed(2)
    w0 = torch.randn(5, generator=gen, dtype=torch.float64)
    grads = [torch.randn(5, generator=gen, dtype=torch.float64) for _ in range(30)]
    lrs, wds, decs = [0.01, 0.1, 0.01, 0.1], [0.5, 0.0, 2.0, 1.0], [False, True, True, False]
    col = lambda v: torch.tensor(v, dtype=torch.float64).view(4, 1)  # noqa: E731
    w, state = w0.expand(4, 5).clone(), {}
    dec = torch.tensor(decs).view(4, 1)
    for g in grads:
        adam_update(w, g.expand(4, 5), state, lr=col(lrs), weight_decay=col(wds), decoupled=dec)
    for c in range(4):
        cls = torch.optim.AdamW if decs[c] else torch.optim.Adam
        want = _torch_path(cls, w0, grads, lr=lrs[c], weight_decay=wds[c])
        torch.testing.assert_close(w[c], want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("update", [sgd_update, adam_update])
def test_updates_reject_mismatched_shapes_and_non_tensors(update):
    with pytest.raises(ValueError, match=r"grad must have the shape of param \(3,\), got \(2,\)"):
        update(torch.zeros(3), torch.zeros(2), {}, lr=0.1)
    with pytest.raises(TypeError, match="param and grad must be tensors, got list and Tensor"):
        update([0.0], torch.zeros(1), {}, lr=0.1)


def test_make_optimizer_builds_by_name_and_passes_objects_through():
    w = nn.Parameter(torch.zeros(2))
    for name, cls in (("sgd", SGD), ("adam", Adam), ("adamw", AdamW)):
        opt = make_optimizer(name, [w], lr=0.3)
        assert type(opt) is cls and opt.param_groups[0]["lr"] == 0.3
    mine = SGD([w], lr=0.1, momentum=0.9)
    assert make_optimizer(mine, [w], lr=5.0) is mine
    theirs = torch.optim.SGD([w], lr=0.1)
    assert make_optimizer(theirs, [w], lr=5.0) is theirs


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda w: make_optimizer("rmsprop", [w], 0.1), ValueError, "optimizer must be one of"),
        (lambda w: make_optimizer(42, [w], 0.1), TypeError, "zero_grad.*got int"),
        (lambda w: SGD([w], lr=0.0), ValueError, r"lr must be in \(0\.0, inf\), got 0\.0"),
        (lambda w: SGD([w], lr=0.1, momentum=1.0), ValueError, "momentum must be in"),
        (lambda w: Adam([w], lr=0.1, weight_decay=-1), ValueError, "weight_decay must be in"),
        (lambda w: Adam([w], lr=0.1, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in"),
        (lambda w: Adam([], lr=0.1), ValueError, "Adam got an empty parameter list"),
        (lambda w: SGD([{"params": [w], "nesterov": True}]), ValueError, "sets .'nesterov'."),
        (lambda w: SGD([{"params": [w]}, 3]), TypeError, r"params\[1\] must be a dict"),
    ],
)
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call(nn.Parameter(torch.zeros(2)))


def test_training_with_them_leaves_torch_dynamo_unimported():
    """The point of the module: a lesson that trains through the library pays no dynamo import."""
    code = """
import sys
import torch
from torch import nn
from lessons_lib.optimizers import SGD, Adam, AdamW
net = nn.Linear(2, 1)
for cls in (SGD, Adam, AdamW):
    opt = cls(net.parameters(), lr=0.1)
    opt.zero_grad()
    net(torch.ones(4, 2)).sum().backward()
    opt.step()
print("torch._dynamo" in sys.modules)
torch.optim.SGD(net.parameters(), lr=0.1)
print("torch._dynamo" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]  # the second line: the check can fail


def test_the_library_training_loops_leave_torch_dynamo_unimported():
    """train, train_stack, fit_augmented, fit_linear_adam and the capstone, in a fresh process."""
    code = """
import sys
import torch
from lessons_lib.augmentation import random_shift
from lessons_lib.augmented_training import fit_augmented
from lessons_lib.capstone import Config, run_config, tune_strength
from lessons_lib.disk_data import stacked_splits
from lessons_lib.convnet import StackedConvNet
from lessons_lib.data import digits, two_moons
from lessons_lib.models import mlp
from lessons_lib.stacked import StackedMLP
from lessons_lib.stacked_training import train_stack
from lessons_lib.training import train
from lessons_lib.linear_training import fit_linear_adam
from lessons_lib.weight_decay import high_dim_regression

X, y = two_moons(40, seed=0)
for name in ("adam", "adamw", "sgd"):
    train(mlp(2, [8], 1, seed=0), X, y, X, y, num_epochs=3, optimizer=name, batch_size=16)
data = stacked_splits([0, 1], n_train=20, n_val=10, n_test=10)
train_stack(StackedMLP([0, 1], (2, 8, 1)), data.X_train, data.y_train, None, None, "adam",
            num_epochs=3)
for opt in ("adam", "adamw", "sgd"):
    run_config(Config(opt, optimizer=opt, weight_decay=0.1), data, [0, 1], num_epochs=3)
    tune_strength(Config(opt, optimizer=opt), "weight_decay", [0.0, 0.1], data, [0, 1],
                  num_epochs=3)
Xd, yd = digits()
images = Xd[:32].reshape(-1, 8, 8)
fit_augmented(mlp(64, [8], 10, seed=0), images, yd[:32], num_epochs=2,
              transform=lambda x, t, g: (random_shift(x, 1, g), t))
fit_augmented(StackedConvNet([0, 1]), images.expand(2, -1, -1, -1), yd[:32].expand(2, -1),
              num_epochs=2)
fit_linear_adam(high_dim_regression([0]), [0.01], [0.1], [True], num_epochs=2)
print("torch._dynamo" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]
