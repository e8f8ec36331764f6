"""Tests of lessons_lib.stacked: a stack of k networks against k plain torch MLPs."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from stacked_helpers import gen, plain_mlp
from torch import nn

from lessons_lib.stacked import StackedMLP

# --- the forward pass ---------------------------------------------------------------------------


def test_each_network_is_a_plain_torch_mlp_in_eval_mode():
    model = StackedMLP([3, 1, 4], (5, 7, 6, 1)).eval()
    x = torch.randn(3, 11, 5, generator=gen(1))
    out = model(x)
    assert out.shape == (3, 11)
    for j in range(3):
        ref = plain_mlp(model, j)
        torch.testing.assert_close(out[j], ref(x[j]).squeeze(-1))


def test_networks_are_independent():
    model = StackedMLP([0, 1, 2], (3, 8, 8, 1), batch_norm=True).train()
    x = torch.randn(3, 10, 3, generator=gen(2))
    model(x)[0].pow(2).sum().backward()
    for p in model.parameters():
        assert p.grad is not None
        assert p.grad[0].abs().sum() > 0
        assert torch.all(p.grad[1:] == 0)


def test_changing_one_networks_input_leaves_the_others_alone():
    model = StackedMLP([0, 1], (2, 8, 1), batch_norm=True).train()
    x = torch.randn(2, 6, 2, generator=gen(3))
    a = model(x)
    x2 = x.clone()
    x2[0] *= 50
    b = model(x2)
    assert torch.equal(a[1], b[1])
    assert not torch.allclose(a[0], b[0])


def test_initialization_depends_only_on_the_networks_seed():
    sizes = (2, 9, 4, 1)
    pair = StackedMLP([5, 11], sizes)
    alone = StackedMLP([11], sizes)
    other = StackedMLP([11, 5, 7], sizes, seed=3)
    for i in range(len(sizes) - 1):
        assert torch.equal(pair.weights[i][1], alone.weights[i][0])
        assert torch.equal(pair.biases[i][1], alone.biases[i][0])
        assert torch.equal(pair.weights[i][0], other.weights[i][1])
        assert torch.equal(pair.weights[i][1], other.weights[i][0])
        assert not torch.equal(pair.weights[i][0], pair.weights[i][1])


def test_initialization_has_nn_linear_bounds():
    model = StackedMLP(list(range(20)), (16, 64, 1))
    W, b = model.weights[0].detach(), model.biases[0].detach()
    bound = 1 / math.sqrt(16)
    assert W.abs().max() <= bound and b.abs().max() <= bound
    # uniform on [-bound, bound]: standard deviation bound / sqrt(3)
    assert abs(float(W.std()) - bound / math.sqrt(3)) < 0.01


def test_the_global_rng_is_not_touched():
    state = torch.random.get_rng_state()
    model = StackedMLP([0, 1], (2, 8, 1), dropout=0.5, input_noise=0.1, weight_noise=0.1)
    model.train()(torch.randn(2, 4, 2, generator=gen()))
    assert torch.equal(torch.random.get_rng_state(), state)


# --- dropout and noise ----------------------------------------------------------------------------


def test_dropout_average_over_many_passes_is_the_eval_output():
    # one hidden layer: the output is linear in the dropped activations, so the
    # expectation over masks is exactly the eval output (inverted scaling)
    model = StackedMLP([0, 1], (3, 16, 1), dropout=0.4)
    x = torch.randn(2, 5, 3, generator=gen(4))
    reps = 4000
    with torch.no_grad():
        expected = model.eval()(x)
        passes = model.train()(x.repeat(1, reps, 1)).view(2, reps, 5)
    mean, std = passes.mean(1), passes.std(1)
    assert torch.all(std > 0)
    assert torch.all((mean - expected).abs() < 5 * std / math.sqrt(reps))
    # the kept activations are scaled by 1 / (1 - p): without it, the mean would be off
    b = model.biases[1].detach().squeeze(-1)
    unscaled = b + (1 - 0.4) * (mean - b)
    assert not torch.all((unscaled - expected).abs() < 5 * std / math.sqrt(reps))


def test_dropout_is_off_in_eval_mode_and_seeded():
    model = StackedMLP([0, 1], (3, 16, 16, 1), dropout=0.5, seed=3)
    x = torch.randn(2, 5, 3, generator=gen(5))
    model.eval()
    assert torch.equal(model(x), model(x))
    torch.testing.assert_close(model(x)[1], plain_mlp(model, 1)(x[1]).squeeze(-1))
    model.train()
    assert not torch.equal(model(x), model(x))
    again = StackedMLP([0, 1], (3, 16, 16, 1), dropout=0.5, seed=3).train()
    assert torch.equal(StackedMLP([0, 1], (3, 16, 16, 1), dropout=0.5, seed=3).train()(x), again(x))


def test_dropout_can_differ_per_network():
    ps = [0.0, 0.25, 0.75]
    model = StackedMLP([5, 5, 5], (3, 400, 1), dropout=ps, seed=1)
    assert model.p == tuple(ps)
    x = torch.rand(3, 50, 3, generator=gen(7)) + 1.0  # positive inputs
    with torch.no_grad():
        W, b = model.weights[0], model.biases[0]
        hidden = torch.relu(torch.baddbmm(b, x, W))
        train_out, eval_out = model.train()(x), model.eval()(x)
    # network 0 has p = 0: training mode is deterministic and equals eval mode
    torch.testing.assert_close(train_out[0], eval_out[0])
    assert not torch.allclose(train_out[1:], eval_out[1:])
    # the same seed gives the same weights: the sweep over p is paired
    assert torch.equal(model.weights[0][0], model.weights[0][2])
    # each network drops its own share of the hidden units: replay the masks, drawn as
    # rand >= p_j from a generator with the model's seed
    replay = StackedMLP([5, 5, 5], (3, 400, 1), dropout=ps, seed=1).train()
    keep = torch.rand(hidden.shape, generator=replay.generator) >= torch.tensor(ps).view(3, 1, 1)
    share = 1 - keep.float().mean(dim=(1, 2))
    n = hidden[0].numel()
    for j, p in enumerate(ps):
        assert abs(float(share[j]) - p) < 5 * math.sqrt(p * (1 - p) / n) + 1e-9


def test_one_dropout_value_per_network_is_required():
    with pytest.raises(ValueError, match=r"one probability per network \(2\), got 3 values"):
        StackedMLP([0, 1], (2, 4, 1), dropout=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"dropout\[1\] must be in"):
        StackedMLP([0, 1], (2, 4, 1), dropout=[0.1, 1.0])


def test_subset_copies_networks_and_their_dropout():
    model = StackedMLP([3, 4, 3, 4], (2, 8, 8, 1), dropout=[0.0, 0.0, 0.5, 0.5], batch_norm=True)
    x = torch.randn(4, 6, 2, generator=gen(8))
    half = model.subset([2, 3], seed=1)
    assert half.k == 2 and half.p == 0.5 and half.training
    with torch.no_grad():
        torch.testing.assert_close(half.eval()(x[2:]), model.eval()(x)[2:])
    half.weights[0].data.zero_()  # a copy: the original is untouched
    assert model.weights[0].abs().sum() > 0
    assert model.subset([0], dropout=0.25).p == 0.25
    with pytest.raises(ValueError, match=r"idx\[0\] must be in \[0, 3\], got 4"):
        model.subset([4])
    with pytest.raises(TypeError, match="idx must be a non-empty sequence"):
        model.subset([])


def test_zero_dropout_training_output_equals_eval_output():
    model = StackedMLP([0, 1], (3, 8, 1))
    x = torch.randn(2, 5, 3, generator=gen(6))
    assert torch.equal(model.train()(x), model.eval()(x))


@pytest.mark.parametrize("noise", [{"input_noise": 0.3}, {"weight_noise": 0.3}])
def test_noise_changes_training_outputs_only(noise):
    clean = StackedMLP([0, 1], (3, 8, 1))
    noisy = StackedMLP([0, 1], (3, 8, 1), **noise)
    x = torch.randn(2, 5, 3, generator=gen(7))
    with torch.no_grad():
        reference = clean.eval()(x)
        assert torch.equal(noisy.eval()(x), reference)
        a, b = noisy.train()(x), noisy(x)
    assert not torch.allclose(a, reference)
    assert not torch.allclose(a, b)
    # the noise does not modify the parameters
    assert all(
        torch.equal(p, q) for p, q in zip(clean.parameters(), noisy.parameters(), strict=True)
    )


def test_weight_noise_has_the_requested_standard_deviation():
    # a linear model with zero weights: the output is x @ noise, so for x = e_1 it is
    # one noise entry, of standard deviation weight_noise
    model = StackedMLP([0], (1, 1), weight_noise=0.5)
    with torch.no_grad():
        model.weights[0].zero_()
        model.biases[0].zero_()
        model.train()
        draws = torch.stack([model(torch.ones(1, 1, 1)) for _ in range(4000)])
    assert abs(float(draws.std()) - 0.5) < 0.03


# --- batch normalization --------------------------------------------------------------------------


def bn_model() -> tuple[StackedMLP, torch.Tensor]:
    model = StackedMLP([0, 1, 2], (3, 5, 1), batch_norm=True)
    with torch.no_grad():
        model.gammas[0].copy_(1 + torch.rand(model.gammas[0].shape, generator=gen(8)))
        model.betas[0].copy_(torch.randn(model.betas[0].shape, generator=gen(9)))
    x = torch.randn(3, 8, 3, generator=gen(10))
    x[1] = 40 * x[1] + 7  # very different statistics: pooling the networks would show
    return model, x


def pre_activation(model: StackedMLP, x: torch.Tensor, j: int) -> torch.Tensor:
    return (x[j] @ model.weights[0][j] + model.biases[0][j]).detach()


def test_batch_norm_uses_each_networks_own_batch_statistics():
    model, x = bn_model()
    out = model.train()(x).detach()
    for j in range(3):
        h = F.batch_norm(
            pre_activation(model, x, j),
            None,
            None,
            model.gammas[0][j, 0].detach(),
            model.betas[0][j, 0].detach(),
            training=True,
            eps=1e-5,
        )
        want = torch.relu(h) @ model.weights[1][j].detach() + model.biases[1][j].detach()
        torch.testing.assert_close(out[j], want.squeeze(-1))


def test_batch_norm_running_statistics_follow_nn_batchnorm1d():
    model, x = bn_model()
    refs = [nn.BatchNorm1d(5).train() for _ in range(3)]
    for step in range(3):
        xs = x * (1 + step) + step  # three different batches
        model.train()(xs)
        for j, bn in enumerate(refs):
            bn(pre_activation(model, xs, j))
    for j, bn in enumerate(refs):
        torch.testing.assert_close(model.running_mean0[j, 0], bn.running_mean)
        torch.testing.assert_close(model.running_var0[j, 0], bn.running_var)
    # eval mode normalizes with the running statistics, like BatchNorm1d.eval()
    out = model.eval()(x).detach()
    for j, bn in enumerate(refs):
        bn.eval()
        with torch.no_grad():
            bn.weight.copy_(model.gammas[0][j, 0])
            bn.bias.copy_(model.betas[0][j, 0])
            h = torch.relu(bn(pre_activation(model, x, j)))
        want = h @ model.weights[1][j].detach() + model.biases[1][j].detach()
        torch.testing.assert_close(out[j], want.squeeze(-1))


def test_eval_mode_does_not_update_running_statistics():
    model, x = bn_model()
    before = {n: b.clone() for n, b in model.named_buffers()}
    model.eval()(x)
    assert all(torch.equal(b, before[n]) for n, b in model.named_buffers())
    model.train()(x)
    assert not torch.equal(model.running_mean0, before["running_mean0"])


# --- max-norm and member -----------------------------------------------------------------------


def test_apply_max_norm_is_torch_renorm_per_unit():
    model = StackedMLP([0, 1], (4, 6, 3, 1))
    with torch.no_grad():
        for W in model.weights:
            scales = torch.rand(W.shape[0], 1, W.shape[2], generator=gen(11)) * 6
            W.mul_(scales)
    before = [W.detach().clone() for W in model.weights]
    c = 1.2
    model.apply_max_norm(c)
    for W0, W in zip(before, model.weights, strict=True):
        W = W.detach()
        norms = W.norm(dim=1)  # (k, fan_out): incoming weights of each unit
        assert torch.all(norms <= c * (1 + 1e-5))
        short = W0.norm(dim=1) <= c
        assert short.any() and (~short).any()
        assert torch.equal(W.transpose(1, 2)[short], W0.transpose(1, 2)[short])
        torch.testing.assert_close(norms[~short], torch.full_like(norms[~short], c))
        for j in range(2):
            torch.testing.assert_close(W[j].T, torch.renorm(W0[j].T, 2, 0, c))


def test_apply_max_norm_leaves_biases_alone():
    model = StackedMLP([0], (3, 4, 1))
    biases = [b.detach().clone() for b in model.biases]
    model.apply_max_norm(1e-3)
    assert all(torch.equal(a, b) for a, b in zip(biases, model.biases, strict=True))
    with pytest.raises(ValueError, match="max_norm must be in"):
        model.apply_max_norm(0.0)


def test_member_returns_one_network_and_restores_the_mode():
    model = StackedMLP([0, 1, 2], (2, 8, 1), dropout=0.5, batch_norm=True)
    x = torch.randn(3, 10, 2, generator=gen(12))
    model.train()(x)  # move the running statistics away from their start
    points = torch.randn(7, 2, generator=gen(13))
    f = model.member(2)
    assert model.training
    out = f(points)
    assert model.training
    assert out.shape == (7,)
    assert torch.equal(out, f(points))  # eval mode: no dropout
    expected = model.eval()(points.expand(3, 7, 2))[2]
    torch.testing.assert_close(out, expected)
    assert not model.training
    model.member(0)(points)
    assert not model.training
    with pytest.raises(ValueError, match="j must be in"):
        model.member(3)


# --- bad arguments -----------------------------------------------------------------------------


def test_bad_constructor_arguments_are_rejected():
    with pytest.raises(ValueError, match="sizes must end with 1"):
        StackedMLP([0], (2, 8, 2))
    with pytest.raises(ValueError, match="seeds must contain at least one seed"):
        StackedMLP([], (2, 1))
    with pytest.raises(TypeError, match="seeds must be"):
        StackedMLP(3, (2, 1))
    with pytest.raises(ValueError, match=r"seeds\[1\] must be in"):
        StackedMLP([0, -1], (2, 1))
    with pytest.raises(TypeError, match=r"sizes\[1\] must be an integer"):
        StackedMLP([0], (2, 2.5, 1))
    with pytest.raises(ValueError, match=r"dropout must be in \[0.0, 1.0\)"):
        StackedMLP([0], (2, 1), dropout=-0.1)
    with pytest.raises(ValueError, match="dropout must be in"):
        StackedMLP([0], (2, 1), dropout=1.0)
    with pytest.raises(ValueError, match="input_noise must be in"):
        StackedMLP([0], (2, 1), input_noise=-1.0)
    with pytest.raises(ValueError, match="weight_noise must be in"):
        StackedMLP([0], (2, 1), weight_noise=-1.0)


def test_empty_seeds_and_short_sizes_are_value_errors():
    with pytest.raises(ValueError, match="seeds"):
        StackedMLP([], (2, 1))
    with pytest.raises(ValueError, match="sizes"):
        StackedMLP([0], (1,))


@pytest.mark.parametrize("shape", [(2, 5, 2), (3, 5, 3), (5, 2), (3, 5, 2, 1)])
def test_wrong_input_shape_is_rejected(shape):
    model = StackedMLP([0, 1, 2], (2, 4, 1))
    with pytest.raises(ValueError, match=r"x must have shape \(k=3, n, d=2\)"):
        model(torch.zeros(shape))
