"""Tests of lessons_lib.stochastic_depth: stochastic depth and the residual MLP."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from lessons_lib.stochastic_depth import ResidualMLP, StochasticDepth


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def branch(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 4), nn.Tanh())


# --- StochasticDepth ------------------------------------------------------------------------------


def test_eval_mode_is_the_plain_residual_block():
    block = StochasticDepth(branch(), p=0.7, generator=gen()).eval()
    x = torch.randn(6, 4, generator=gen(1))
    assert torch.equal(block(x), x + block.branch(x))


def test_training_average_is_the_eval_output():
    survival = 0.4
    block = StochasticDepth(branch(), p=1 - survival, generator=gen(2))
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
    block = StochasticDepth(nn.Linear(4, 4), p=0.5, generator=gen(4)).train()
    x = torch.randn(200, 4, generator=gen(5))
    with torch.no_grad():
        delta = block(x) - x
        f = block.branch(x)
    ratio = delta / f
    # the whole row of an example is either 0 or 2 (= 1 / survival)
    assert torch.all((ratio - ratio[:, :1]).abs() < 1e-4)
    assert set(ratio[:, 0].round().tolist()) == {0.0, 2.0}


def test_p_zero_is_deterministic():
    block = StochasticDepth(branch(), p=0.0).train()
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
    block = StochasticDepth(nn.Linear(4, 4), p=0.5, generator=gen(9)).train()
    x = torch.randn(2, 4, generator=gen(10))
    block(x).sum().backward()
    grad = block.branch.bias.grad  # sum over kept examples of 1 / survival
    assert set(torch.unique(grad).tolist()) <= {0.0, 2.0, 4.0}


@pytest.mark.parametrize("p", [1.0, 1.5, -0.2])
def test_bad_p_is_rejected(p):
    with pytest.raises(ValueError, match="p must be in"):
        StochasticDepth(nn.Identity(), p)


def test_branch_must_be_a_module():
    with pytest.raises(TypeError, match="branch must be a torch.nn.Module"):
        StochasticDepth(lambda x: x, 0.5)


# --- ResidualMLP ---------------------------------------------------------------------------------


def test_drop_probability_grows_linearly():
    net = ResidualMLP(2, 8, 5, 1, stochastic_depth_prob=0.8)
    drops = [b.p for b in net.blocks]
    assert drops == pytest.approx([0.16, 0.32, 0.48, 0.64, 0.8])
    assert [b.p for b in ResidualMLP(2, 8, 3, 1).blocks] == [0.0, 0.0, 0.0]


def test_residual_mlp_shape_and_eval_computation():
    net = ResidualMLP(3, 8, 2, 4, stochastic_depth_prob=0.5, seed=1).eval()
    x = torch.randn(6, 3, generator=gen(11))
    out = net(x)
    assert out.shape == (6, 4)
    h = net.stem(x)
    for b in net.blocks:
        h = h + b.branch(h)
    torch.testing.assert_close(out, net.head[1](torch.relu(h)))


def test_residual_mlp_is_seeded_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a = ResidualMLP(2, 8, 3, 1, stochastic_depth_prob=0.5, seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    b = ResidualMLP(2, 8, 3, 1, stochastic_depth_prob=0.5, seed=3)
    c = ResidualMLP(2, 8, 3, 1, stochastic_depth_prob=0.5, seed=4)
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
    with pytest.raises(ValueError, match="stochastic_depth_prob must be in"):
        ResidualMLP(2, 8, 3, 1, stochastic_depth_prob=1.0)
    with pytest.raises(ValueError, match="depth must be in"):
        ResidualMLP(2, 8, 0, 1)
    with pytest.raises(TypeError, match="width must be an integer"):
        ResidualMLP(2, 8.0, 3, 1)


def test_batch_mode_skips_the_branch_for_the_whole_batch():
    calls = []
    f = branch()
    f.register_forward_hook(lambda *_: calls.append(1))
    block = StochasticDepth(f, p=0.7, generator=gen(11), mode="batch").train()
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
