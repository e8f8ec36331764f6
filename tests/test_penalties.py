"""Tests of lessons_lib.penalties against autograd, closed forms and PyTorch's optimizers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch import nn

from lessons_lib import batch_norm as course_bn
from lessons_lib import normalization as course_norm
from lessons_lib.dropout import DropConnectLinear
from lessons_lib.penalties import (
    elastic_net_penalty,
    l1_penalty,
    l2_penalty,
    param_groups,
    penalized,
    split_weights,
    to_weight_decay,
)
from lessons_lib.stacked import StackedMLP
from lessons_lib.stochastic_depth import ResidualMLP

floats = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def net(batch_norm: type[nn.Module] = nn.BatchNorm1d) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), batch_norm(4), nn.ReLU(), nn.Linear(4, 1))


# --- split_weights / penalized -----------------------------------------------------------------


@pytest.mark.parametrize("batch_norm", [nn.BatchNorm1d, course_bn.BatchNorm1d])
def test_split_weights_of_a_module_uses_names_and_norm_layers(batch_norm):
    model = net(batch_norm)
    weights, biases = split_weights(model)
    assert [tuple(w.shape) for w in weights] == [(4, 3), (1, 4)]
    # linear biases and both BatchNorm parameters (weight and bias) are "biases"
    assert [tuple(b.shape) for b in biases] == [(4,), (4,), (4,), (1,)]
    assert any(b is model[1].weight for b in biases)  # gamma: not decayed


# Layers a course model is built from: PyTorch's and the course's own, each a factory of
# a module that maps (n, 4) to (n, 4); "tied" reuses the previous layer (shared weights).
LAYERS = {
    "torch linear": lambda: nn.Linear(4, 4),
    "torch linear, no bias": lambda: nn.Linear(4, 4, bias=False),
    "torch batch norm": lambda: nn.BatchNorm1d(4),
    "torch layer norm": lambda: nn.LayerNorm(4),
    "torch group norm": lambda: nn.GroupNorm(2, 4),
    "course batch norm": lambda: course_bn.BatchNorm1d(4),
    "course batch norm, no affine": lambda: course_bn.BatchNorm1d(4, affine=False),
    "course layer norm": lambda: course_norm.LayerNorm(4),
    "course group norm": lambda: course_norm.GroupNorm(2, 4),
    "course drop-connect": lambda: DropConnectLinear(4, 4, p=0.5),
    "residual MLP": lambda: ResidualMLP(4, 8, 2, 4),
    "stacked MLP": lambda: StackedMLP([0, 1], (4, 8, 1), batch_norm=True),
}
NORMS = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm)
COURSE_NORMS = (course_bn.BatchNorm1d, course_norm.LayerNorm, course_norm.GroupNorm)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.sampled_from([*LAYERS, "tied"]), min_size=1, max_size=6),
    nested=st.booleans(),
)
def test_split_weights_is_a_partition_of_the_parameters(names, nested):
    layers: list[nn.Module] = []
    for name in names:
        layers.append(
            layers[-1] if name == "tied" and layers else LAYERS.get(name, LAYERS["torch linear"])()
        )
    model = nn.Sequential(*layers)
    if nested:
        model = nn.Sequential(nn.Sequential(model), nn.Linear(4, 1))
    weights, biases = split_weights(model)
    ids = [id(p) for p in weights + biases]
    assert len(ids) == len(set(ids))  # no parameter twice, tied ones included
    assert set(ids) == {id(p) for p in model.parameters()}  # and none left out
    bias_ids = {id(p) for p in biases}
    for module_name, module in model.named_modules():
        for name, p in module.named_parameters(recurse=False):
            if isinstance(module, NORMS + COURSE_NORMS) or name.endswith("bias"):
                assert id(p) in bias_ids, f"{module_name}.{name} should not be decayed"
            if isinstance(module, nn.Linear) and name == "weight":
                assert id(p) not in bias_ids, f"{module_name}.{name} should be decayed"
        if isinstance(module, StackedMLP):
            stacked_biases = [*module.biases, *module.gammas, *module.betas]
            assert all(id(p) in bias_ids for p in stacked_biases)
            assert not any(id(p) in bias_ids for p in module.weights)


def test_split_weights_of_a_list_uses_dimensions():
    W, b, s = torch.ones(2, 3), torch.ones(3), torch.tensor(1.0)
    weights, biases = split_weights([W, b, s])
    assert weights[0] is W and biases[0] is b and biases[1] is s


@pytest.mark.parametrize("bad", [torch.ones(3), 3.0, "w"])
def test_split_weights_rejects_non_iterables(bad):
    with pytest.raises(TypeError, match="params must be"):
        split_weights(bad)


def test_split_weights_rejects_non_tensors_in_a_list():
    with pytest.raises(TypeError, match=r"params\[1\] must be a torch.Tensor, got float"):
        split_weights([torch.ones(2, 2), 1.0])


def test_penalized_include_bias_must_be_bool():
    with pytest.raises(TypeError, match="include_bias must be a bool"):
        penalized(net(), include_bias=1)


# --- penalties ---------------------------------------------------------------------------------


def test_penalties_match_explicit_sums_on_a_model():
    model = net()
    w = [model[0].weight, model[3].weight]
    allp = list(model.parameters())
    assert torch.isclose(l1_penalty(model, 0.3), 0.3 * sum(t.abs().sum() for t in w))
    assert torch.isclose(l2_penalty(model, 0.3), 0.3 * sum((t**2).sum() for t in w))
    assert torch.isclose(
        l2_penalty(model, 0.3, include_bias=True), 0.3 * sum((t**2).sum() for t in allp)
    )


def test_penalty_gradients_match_closed_forms():
    W = torch.tensor([[1.5, -2.0], [0.0, 0.25]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([3.0, -1.0], dtype=torch.float64, requires_grad=True)
    lam = 0.7
    (l2_penalty([W, b], lam)).backward()
    torch.testing.assert_close(W.grad, 2 * lam * W.detach())
    assert b.grad is None  # biases are excluded by default: not even in the graph
    W.grad = None
    (l1_penalty([W, b], lam, include_bias=True)).backward()
    torch.testing.assert_close(W.grad, lam * torch.sign(W.detach()))  # 0 at W == 0
    torch.testing.assert_close(b.grad, lam * torch.sign(b.detach()))


def test_elastic_net_maps_onto_l1_plus_half_l2():
    model = net()
    alpha, rho = 0.8, 0.3
    lam1, lam2 = alpha * rho, alpha * (1 - rho)
    want = l1_penalty(model, lam1) + l2_penalty(model, lam2 / 2)
    torch.testing.assert_close(elastic_net_penalty(model, alpha, rho), want)
    torch.testing.assert_close(elastic_net_penalty(model, alpha, 1.0), l1_penalty(model, alpha))
    torch.testing.assert_close(elastic_net_penalty(model, alpha, 0.0), l2_penalty(model, alpha / 2))


def test_elastic_net_matches_scikit_learn_objective():
    """The penalty part of sklearn's ElasticNet objective, at sklearn's own solution."""
    from sklearn.linear_model import ElasticNet

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    y = X @ np.array([1.0, 0.0, -2.0, 0.0, 0.5]) + 0.1 * rng.standard_normal(40)
    alpha, rho = 0.1, 0.7
    coef = ElasticNet(alpha=alpha, l1_ratio=rho, fit_intercept=False, tol=1e-12, max_iter=100_000)
    coef = coef.fit(X, y).coef_
    w = torch.tensor(coef, requires_grad=True)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    objective = ((Xt @ w - yt) ** 2).sum() / (2 * len(y)) + elastic_net_penalty(
        [w.reshape(1, -1)], alpha, rho
    )
    objective.backward()
    # sklearn's solution is a minimizer: on its non-zero coordinates the gradient vanishes
    nz = np.abs(coef) > 1e-8
    assert nz.sum() >= 2
    assert np.abs(w.grad.numpy()[nz]).max() < 1e-6


def test_empty_parameter_lists_give_zero():
    assert float(l1_penalty([], 1.0)) == 0.0
    assert float(l2_penalty([torch.ones(3)], 1.0)) == 0.0  # a vector is a bias


@pytest.mark.parametrize("fn", [l1_penalty, l2_penalty])
def test_penalties_reject_negative_or_non_numeric_lambda(fn):
    with pytest.raises(ValueError, match=r"lam must be in \[0.0, inf\), got -1.0"):
        fn(net(), -1.0)
    with pytest.raises(TypeError, match="lam must be a real number"):
        fn(net(), "0.1")


def test_elastic_net_rejects_bad_ratio():
    with pytest.raises(ValueError, match=r"l1_ratio must be in \[0.0, 1.0\], got 1.5"):
        elastic_net_penalty(net(), 1.0, 1.5)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (3, 4), elements=floats), st.floats(0, 5))
def test_penalties_are_non_negative_and_homogeneous(w, lam):
    W = torch.tensor(w)
    assert float(l1_penalty([W], lam)) >= 0 and float(l2_penalty([W], lam)) >= 0
    torch.testing.assert_close(l1_penalty([2 * W], lam), 2 * l1_penalty([W], lam))
    torch.testing.assert_close(l2_penalty([2 * W], lam), 4 * l2_penalty([W], lam))


# --- to_weight_decay ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("convention", "penalty"),
    [
        ("lam", lambda w, lam, n: lam * (w**2).sum()),
        ("lam/2", lambda w, lam, n: lam / 2 * (w**2).sum()),
        ("lam/2n", lambda w, lam, n: lam / (2 * n) * (w**2).sum()),
        ("lam/2m", lambda w, lam, n: lam / (2 * n) * (w**2).sum()),  # full batch: m = n
    ],
)
def test_to_weight_decay_gives_the_same_sgd_step(convention, penalty):
    lam, n, lr = 0.3, 50, 0.1
    torch.manual_seed(0)
    X, y = torch.randn(n, 3, dtype=torch.float64), torch.randn(n, dtype=torch.float64)
    w0 = torch.randn(3, dtype=torch.float64)
    w_a = w0.clone().requires_grad_()
    w_b = w0.clone().requires_grad_()
    opt_a = torch.optim.SGD([w_a], lr=lr)
    opt_b = torch.optim.SGD([w_b], lr=lr, weight_decay=to_weight_decay(lam, convention, n=n, m=n))
    for _ in range(5):
        for w, opt, extra in ((w_a, opt_a, True), (w_b, opt_b, False)):
            opt.zero_grad()
            loss = ((X @ w - y) ** 2).mean()
            if extra:
                loss = loss + penalty(w, lam, n)
            loss.backward()
            opt.step()
    torch.testing.assert_close(w_a, w_b, rtol=0, atol=1e-12)


def test_to_weight_decay_rejects_bad_arguments():
    with pytest.raises(ValueError, match="convention must be one of"):
        to_weight_decay(0.1, "lam/4")
    with pytest.raises(ValueError, match="n must be given"):
        to_weight_decay(0.1, "lam/2n")
    with pytest.raises(ValueError, match=r"n must be in \(0.0, inf\), got 0.0"):
        to_weight_decay(0.1, "lam/2n", n=0)
    with pytest.raises(ValueError, match="m must be given"):
        to_weight_decay(0.1, "lam/2m", n=100)
    with pytest.raises(ValueError, match=r"m must be in \(0.0, inf\), got -1"):
        to_weight_decay(0.1, "lam/2m", m=-1)


def test_lam_2m_and_lam_2n_differ_with_mini_batches():
    # lam/(2m) on each mini-batch of m examples, and lam/(2n) with n training examples,
    # are different penalties once m < n: each matches its own weight_decay only.
    assert to_weight_decay(1.0, "lam/2m", m=10) == 10 * to_weight_decay(1.0, "lam/2n", n=100)


# --- param_groups ------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_norm", [nn.BatchNorm1d, course_bn.BatchNorm1d])
def test_param_groups_decay_only_weights_in_sgd(batch_norm):
    model = net(batch_norm)
    model.eval()
    opt = torch.optim.SGD(param_groups(model, weight_decay=0.5), lr=0.1)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    opt.zero_grad()
    (0 * model(torch.ones(2, 3)).sum()).backward()  # zero data gradient: only decay acts
    opt.step()
    for name, p in model.named_parameters():
        factor = 1 - 0.1 * 0.5 if name.endswith("weight") and name[0] in "03" else 1.0
        torch.testing.assert_close(p.detach(), factor * before[name])


def test_param_groups_rejects_bad_arguments():
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        param_groups([torch.ones(2, 2)], 0.1)
    with pytest.raises(ValueError, match="weight_decay must be in"):
        param_groups(net(), -0.1)
