"""Tests of lessons_lib.regularizers: stochastic depth, MC dropout, smoothed optimal logit."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lessons_lib.dropout import Dropout as CourseDropout
from lessons_lib.regularizers import (
    ResidualMLP,
    StochasticDepth,
    mc_dropout_predict,
    smoothed_optimal_logit,
)


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def branch(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 4), nn.Tanh())


# --- StochasticDepth ------------------------------------------------------------------------------


def test_eval_mode_is_the_plain_residual_block():
    block = StochasticDepth(branch(), survival=0.3, generator=gen()).eval()
    x = torch.randn(6, 4, generator=gen(1))
    assert torch.equal(block(x), x + block.branch(x))


def test_training_average_is_the_eval_output():
    survival = 0.4
    block = StochasticDepth(branch(), survival=survival, generator=gen(2))
    x = torch.randn(3, 4, generator=gen(3))
    reps = 20_000
    with torch.no_grad():
        expected = block.eval()(x)
        out = block.train()(x.repeat(reps, 1)).view(reps, 3, 4)
    mean, std = out.mean(0), out.std(0)
    assert torch.all((mean - expected).abs() < 5 * std / math.sqrt(reps))
    # each example either skips the branch or keeps it scaled by 1 / survival
    f = block.branch(x).detach()
    skipped = torch.isclose(out, x.expand_as(out), atol=1e-6).all(dim=2)
    kept = torch.isclose(out, (x + f / survival).expand_as(out), atol=1e-6).all(dim=2)
    assert torch.all(skipped ^ kept)
    assert abs(float(kept.double().mean()) - survival) < 5 * math.sqrt(0.24 / (3 * reps))


def test_one_draw_per_example():
    block = StochasticDepth(nn.Linear(4, 4), survival=0.5, generator=gen(4)).train()
    x = torch.randn(200, 4, generator=gen(5))
    with torch.no_grad():
        delta = block(x) - x
        f = block.branch(x)
    ratio = delta / f
    # the whole row of an example is either 0 or 2 (= 1 / survival)
    assert torch.all((ratio - ratio[:, :1]).abs() < 1e-4)
    assert set(ratio[:, 0].round().tolist()) == {0.0, 2.0}


def test_survival_one_is_deterministic():
    block = StochasticDepth(branch(), survival=1.0).train()
    x = torch.randn(5, 4, generator=gen(6))
    state = torch.random.get_rng_state()
    assert torch.equal(block(x), x + block.branch(x))
    assert torch.equal(torch.random.get_rng_state(), state)


def test_the_generator_makes_draws_reproducible():
    x = torch.randn(50, 4, generator=gen(7))
    f = branch()
    a = StochasticDepth(f, 0.5, generator=gen(8)).train()(x)
    b = StochasticDepth(f, 0.5, generator=gen(8)).train()(x)
    assert torch.equal(a, b)


def test_gradient_reaches_the_branch_only_when_kept():
    block = StochasticDepth(nn.Linear(4, 4), survival=0.5, generator=gen(9)).train()
    x = torch.randn(2, 4, generator=gen(10))
    block(x).sum().backward()
    grad = block.branch.bias.grad  # sum over kept examples of 1 / survival
    assert set(torch.unique(grad).tolist()) <= {0.0, 2.0, 4.0}


@pytest.mark.parametrize("survival", [0.0, 1.5, -0.2])
def test_bad_survival_is_rejected(survival):
    with pytest.raises(ValueError, match="survival must be in"):
        StochasticDepth(nn.Identity(), survival)


def test_branch_must_be_a_module():
    with pytest.raises(TypeError, match="branch must be a torch.nn.Module"):
        StochasticDepth(lambda x: x, 0.5)


# --- ResidualMLP ---------------------------------------------------------------------------------


def test_survival_decays_linearly():
    net = ResidualMLP(2, 8, 5, 1, final_survival=0.2)
    survivals = [b.survival for b in net.blocks]
    assert survivals == pytest.approx([0.84, 0.68, 0.52, 0.36, 0.2])
    assert [b.survival for b in ResidualMLP(2, 8, 3, 1).blocks] == [1.0, 1.0, 1.0]


def test_residual_mlp_shape_and_eval_computation():
    net = ResidualMLP(3, 8, 2, 4, final_survival=0.5, seed=1).eval()
    x = torch.randn(6, 3, generator=gen(11))
    out = net(x)
    assert out.shape == (6, 4)
    h = net.stem(x)
    for b in net.blocks:
        h = h + b.branch(h)
    torch.testing.assert_close(out, net.head[1](torch.relu(h)))


def test_residual_mlp_is_seeded_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a = ResidualMLP(2, 8, 3, 1, final_survival=0.5, seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    b = ResidualMLP(2, 8, 3, 1, final_survival=0.5, seed=3)
    c = ResidualMLP(2, 8, 3, 1, final_survival=0.5, seed=4)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)
    assert not torch.equal(a.stem.weight, c.stem.weight)
    # the training-mode draws are seeded too, and do not use the global generator
    x = torch.randn(30, 2, generator=gen(12))
    state = torch.random.get_rng_state()
    out_a = a.train()(x)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.equal(out_a, b.train()(x))
    assert not torch.equal(out_a, a.eval()(x))


def test_residual_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="final_survival must be in"):
        ResidualMLP(2, 8, 3, 1, final_survival=0.0)
    with pytest.raises(ValueError, match="depth must be in"):
        ResidualMLP(2, 8, 0, 1)
    with pytest.raises(TypeError, match="width must be an integer"):
        ResidualMLP(2, 8.0, 3, 1)


# --- mc_dropout_predict ---------------------------------------------------------------------------


def dropout_net(p: float = 0.4, seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Dropout(p), nn.Linear(16, 2))


def test_mc_mean_is_the_eval_output_for_a_linear_head():
    model = dropout_net()
    X = torch.randn(5, 3, generator=gen(13))
    with torch.no_grad():
        expected = model.eval()(X)
    torch.manual_seed(0)
    n = 2000
    mean, std = mc_dropout_predict(model, X, num_samples=n)
    assert mean.shape == std.shape == (5, 2)
    assert torch.all(std > 0)
    assert torch.all((mean - expected).abs() < 5 * std / math.sqrt(n))
    assert not mean.requires_grad


def test_mc_std_is_the_spread_of_the_passes():
    model = dropout_net()
    X = torch.randn(4, 3, generator=gen(14))
    torch.manual_seed(5)
    mean, std = mc_dropout_predict(model, X, num_samples=10)
    torch.manual_seed(5)
    model.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(10)])
    torch.testing.assert_close(mean, passes.mean(0))
    torch.testing.assert_close(std, passes.std(0))


def test_mc_restores_every_modules_training_flag():
    model = dropout_net()
    model.train()
    model[0].eval()
    model[2].eval()  # dropout switched off by the user: switched on for the call only
    before = [m.training for m in model.modules()]
    mc_dropout_predict(model, torch.randn(3, 3), num_samples=3)
    assert [m.training for m in model.modules()] == before
    model.eval()
    mc_dropout_predict(model, torch.randn(3, 3), num_samples=3)
    assert not any(m.training for m in model.modules())


def test_mc_keeps_batch_norm_in_eval_mode():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1)
    ).train()
    model(torch.randn(16, 3))  # running statistics away from their start
    buffers = {n: b.clone() for n, b in model.named_buffers()}
    # one example: BatchNorm in training mode would raise, in eval mode it is fine
    mean, std = mc_dropout_predict(model, torch.randn(1, 3), num_samples=50)
    assert mean.shape == (1, 1)
    for name, b in model.named_buffers():
        assert torch.equal(b, buffers[name]), name
    assert model[1].training


def test_mc_recognizes_the_course_dropout():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), CourseDropout(0.5), nn.Linear(8, 1))
    _, std = mc_dropout_predict(model.eval(), torch.randn(4, 2), num_samples=20)
    assert torch.all(std > 0)


def test_mc_recognizes_channel_dropout():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 8),
        nn.ReLU(),
        nn.Unflatten(1, (8, 1)),
        nn.Dropout1d(0.5),
        nn.Flatten(),
        nn.Linear(8, 1),
    )
    _, std = mc_dropout_predict(model.eval(), torch.randn(4, 2), num_samples=20)
    assert torch.all(std > 0)


@pytest.mark.parametrize(
    "model",
    [
        nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)),
        nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.0), nn.Linear(4, 1)),
    ],
)
def test_mc_needs_an_active_dropout_layer(model):
    with pytest.raises(ValueError, match="no dropout layer with p > 0"):
        mc_dropout_predict(model, torch.randn(3, 2))


def test_mc_rejects_bad_arguments():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        mc_dropout_predict(lambda x: x, torch.randn(3, 2))
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        mc_dropout_predict(dropout_net(), [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="num_samples must be in"):
        mc_dropout_predict(dropout_net(), torch.randn(3, 3), num_samples=1)


# --- smoothed_optimal_logit ----------------------------------------------------------------------


@pytest.mark.parametrize("eps", [0.02, 0.1, 0.2, 0.5, 0.9])
def test_smoothed_optimal_logit_minimizes_the_smoothed_loss(eps):
    z_star = smoothed_optimal_logit(eps)
    target = torch.tensor(1 - eps / 2, dtype=torch.float64)

    def loss(z: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(z, target.expand_as(z), reduction="none")

    # a fine grid search ...
    grid = torch.linspace(-12.0, 12.0, 240_001, dtype=torch.float64)
    assert z_star == pytest.approx(float(grid[torch.argmin(loss(grid))]), abs=2e-4)
    # ... and a zero derivative: sigmoid(z*) equals the smoothed target
    z = torch.tensor(z_star, dtype=torch.float64, requires_grad=True)
    loss(z).backward()
    assert abs(float(z.grad)) < 1e-6
    # a negative example's smoothed optimum is the mirror image
    neg_grid = F.binary_cross_entropy_with_logits(
        grid, torch.full_like(grid, eps / 2), reduction="none"
    )
    assert -z_star == pytest.approx(float(grid[torch.argmin(neg_grid)]), abs=2e-4)


def test_smoothed_optimal_logit_shrinks_with_smoothing_and_is_infinite_at_zero():
    assert smoothed_optimal_logit(0.0) == math.inf
    values = [smoothed_optimal_logit(e) for e in (0.01, 0.1, 0.3, 0.6, 0.99)]
    assert values == sorted(values, reverse=True)
    assert smoothed_optimal_logit(0.2) == pytest.approx(math.log(9))


@pytest.mark.parametrize("eps", [1.0, -0.1, 2.0])
def test_smoothed_optimal_logit_rejects_bad_smoothing(eps):
    with pytest.raises(ValueError, match="smoothing must be in"):
        smoothed_optimal_logit(eps)


def test_batch_mode_skips_the_branch_for_the_whole_batch():
    calls = []
    f = branch()
    f.register_forward_hook(lambda *_: calls.append(1))
    block = StochasticDepth(f, survival=0.3, generator=gen(11), mode="batch").train()
    x = torch.randn(5, 4, generator=gen(12))
    with torch.no_grad():
        outs = [block(x) for _ in range(2000)]
    kept = [not torch.equal(o, x) for o in outs]
    assert sum(calls) == sum(kept)  # a skipped branch is never computed
    assert abs(sum(kept) / 2000 - 0.3) < 5 * math.sqrt(0.21 / 2000)
    with torch.no_grad():
        full = x + f(x) / 0.3
    assert all(torch.allclose(o, full) for o, k in zip(outs, kept, strict=True) if k)
    with pytest.raises(ValueError, match="mode"):
        StochasticDepth(f, 0.5, mode="layer")


# --- clip_by_total_norm (the chapter 10 exercise reference) ------------------------------------


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
def test_clip_by_total_norm_matches_clip_grad_norm_and_leaves_its_input(max_norm):
    from lessons_lib.regularizers import clip_by_total_norm

    gen = torch.Generator().manual_seed(0)
    grads = [torch.randn(3, 4, generator=gen), torch.randn(5, generator=gen)]
    before = [g.clone() for g in grads]
    params = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = g.clone()
    nn.utils.clip_grad_norm_(params, max_norm)
    ours = clip_by_total_norm(grads, max_norm)
    for o, p, g, b in zip(ours, params, grads, before, strict=True):
        assert torch.allclose(o, p.grad, atol=1e-6)
        assert torch.equal(g, b)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_total_norm(grads, 0.0)
