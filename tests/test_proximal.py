"""Tests of lessons_lib.proximal: soft-thresholding, the proximal L1 step, elastic_net_path."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from torch import nn

from lessons_lib.proximal import elastic_net_path, proximal_l1_step, soft_threshold

floats = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


# --- soft_threshold and the proximal step ------------------------------------------------------


def test_soft_threshold_types_and_values():
    assert soft_threshold(-3.0, 1.0) == -2.0 and soft_threshold(0.5, 1.0) == 0.0
    out = soft_threshold(torch.tensor([-3.0, 0.5, 2.0]), 1.0)
    assert isinstance(out, torch.Tensor)
    torch.testing.assert_close(out, torch.tensor([-2.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="threshold must be in"):
        soft_threshold(1.0, -0.1)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, 7, elements=floats), st.floats(0, 5))
def test_soft_threshold_is_the_l1_proximal_map(w, t):
    """prox minimizes 1/2 (x - w)^2 + t|x|: no point on a fine grid does better."""
    x = soft_threshold(w, t)
    assert np.all(np.abs(x) <= np.abs(w) + 1e-12)  # shrinks ...
    assert np.all(x * w >= 0)  # ... never crosses zero ...
    assert np.all((np.abs(w) <= t) == (x == 0))  # ... and is exactly 0 inside [-t, t]

    def objective(z):
        return 0.5 * (z - w[:, None]) ** 2 + t * np.abs(z)

    grid = np.linspace(-12, 12, 4801)[None, :]
    best = objective(grid).min(axis=1)
    assert np.all(objective(x[:, None])[:, 0] <= best + 1e-9)


def test_proximal_step_shrinks_weights_in_place_and_spares_biases():
    model = nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.05, -0.3, 1.0], [0.0, 0.2, -0.08]]))
        model.bias.copy_(torch.tensor([0.05, -0.05]))
    proximal_l1_step(model, lr=0.1, lam=1.0)
    torch.testing.assert_close(
        model.weight.detach(), torch.tensor([[0.0, -0.2, 0.9], [0.0, 0.1, 0.0]])
    )
    torch.testing.assert_close(model.bias.detach(), torch.tensor([0.05, -0.05]))
    proximal_l1_step(model, lr=0.1, lam=1.0, include_bias=True)
    assert torch.all(model.bias == 0)
    with pytest.raises(ValueError, match=r"lr must be in \(0.0, inf\), got 0.0"):
        proximal_l1_step(model, lr=0.0, lam=1.0)


def test_ista_reaches_the_lasso_solution_of_scikit_learn():
    """Proximal gradient on mean squared error / 2 + lam * |w|_1 equals sklearn's Lasso."""
    from sklearn.linear_model import Lasso

    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 6))
    y = X @ np.array([2.0, 0.0, 0.0, -1.0, 0.0, 0.3]) + 0.2 * rng.standard_normal(60)
    lam = 0.15
    want = Lasso(alpha=lam, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_
    w = torch.zeros(1, 6, dtype=torch.float64, requires_grad=True)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    lr = 0.2
    for _ in range(3000):
        loss = ((Xt @ w[0] - yt) ** 2).mean() / 2
        (grad,) = torch.autograd.grad(loss, w)
        with torch.no_grad():
            w -= lr * grad
        proximal_l1_step([w], lr=lr, lam=lam)
    np.testing.assert_allclose(w.detach().numpy()[0], want, atol=1e-8)
    assert np.array_equal(w.detach().numpy()[0] == 0, want == 0)  # the same exact zeros


# --- elastic_net_path: scikit-learn's objectives, solved by FISTA ---------------------


def _regression(seed: int, n: int = 60, p: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X[:, :4] @ np.array([1.5, -1.0, 0.5, 2.0]) + rng.standard_normal(n)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_elastic_net_path_matches_sklearn_coefficients_and_zeros(seed, l1_ratio):
    X, y = _regression(seed)
    n = len(y)
    alphas = [0.003, 0.03, 0.3]
    path = elastic_net_path(X.T @ X / n, X.T @ y / n, alphas, l1_ratio=l1_ratio)
    assert path.shape == (X.shape[1], len(alphas))
    for j, alpha in enumerate(alphas):
        if l1_ratio == 1.0:
            model = Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=10**6)
        elif l1_ratio == 0.0:  # the table's mapping: ElasticNet(l1_ratio=0) = Ridge(n alpha)
            model = Ridge(alpha=n * alpha, fit_intercept=False)
        else:
            model = ElasticNet(
                alpha=alpha, l1_ratio=l1_ratio, fit_intercept=False, tol=1e-14, max_iter=10**6
            )
        coef = model.fit(X, y).coef_
        assert np.abs(coef - path[:, j]).max() < 1e-9
        assert np.array_equal(coef == 0, path[:, j] == 0)


def test_elastic_net_path_stacks_problems_with_different_n():
    data = [_regression(0, n=40), _regression(1, n=90)]
    gram = np.stack([X.T @ X / len(y) for X, y in data])
    xty = np.stack([X.T @ y / len(y) for X, y in data])
    both = elastic_net_path(gram, xty, 0.05)
    assert both.shape == (2, 12)
    for k, (X, y) in enumerate(data):
        alone = elastic_net_path(X.T @ X / len(y), X.T @ y / len(y), 0.05)
        assert np.abs(alone - both[k]).max() < 1e-10


def test_elastic_net_path_rejects_bad_arguments_by_name():
    gram, xty = np.eye(3), np.ones(3)
    with pytest.raises(ValueError, match="gram"):
        elastic_net_path(np.eye(3), np.ones(4), 0.1)
    with pytest.raises(ValueError, match="alphas"):
        elastic_net_path(gram, xty, [-0.1])
    with pytest.raises(ValueError, match="l1_ratio"):
        elastic_net_path(gram, xty, 0.1, l1_ratio=1.5)
    with pytest.raises(RuntimeError, match="max_steps"):
        elastic_net_path(gram, xty, 0.1, tol=1e-300, max_steps=1)
