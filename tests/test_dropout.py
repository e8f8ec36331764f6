"""Tests of lessons_lib.dropout against torch.nn.Dropout and closed forms."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from lessons_lib.dropout import (
    DropConnectLinear,
    Dropout,
    drop_connect_linear,
    dropout,
    dropout_mask,
)


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- statistics, compared with nn.Dropout -----------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_zero_fraction_and_mean_match_nn_dropout(p):
    n = 200_000
    x = torch.full((n,), 3.0)
    ours = dropout(x, p, generator=gen(1))
    torch.manual_seed(1)
    theirs = nn.Dropout(p).train()(x)
    # zero fraction: binomial standard error sqrt(p(1-p)/n) < 0.0012; allow 5 of them
    tol = 5 * math.sqrt(p * (1 - p) / n)
    for out in (ours, theirs):
        assert abs(float((out == 0).double().mean()) - p) < tol
        # mean of 3 * m / (1 - p): standard error 3 * sqrt(p / ((1 - p) n))
        assert abs(float(out.double().mean()) - 3.0) < 5 * 3 * math.sqrt(p / ((1 - p) * n))


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_kept_entries_are_scaled_like_nn_dropout(p):
    x = torch.randn(1000, generator=gen(2))
    ours = dropout(x, p, generator=gen(3))
    theirs = nn.Dropout(p).train()(x)
    for out in (ours, theirs):
        kept = out != 0
        torch.testing.assert_close(out[kept], x[kept] / (1 - p))


def test_eval_mode_is_the_identity_like_nn_dropout():
    x = torch.randn(5, 7)
    layer = Dropout(0.5).eval()
    assert torch.equal(layer(x), x)
    assert torch.equal(nn.Dropout(0.5).eval()(x), x)
    assert dropout(x, 0.9, training=False) is x


def test_p_zero_is_the_identity_in_training_too():
    x = torch.randn(10)
    assert dropout(x, 0.0, generator=gen()) is x
    assert torch.equal(Dropout(0.0).train()(x), x)


def test_p_close_to_one_keeps_expectation_but_not_variance():
    p = 0.98
    x = torch.ones(400_000)
    out = dropout(x, p, generator=gen(4))
    assert abs(float(out.double().mean()) - 1.0) < 5 * math.sqrt(p / ((1 - p) * len(x)))
    # variance of m / (1 - p) is p / (1 - p) = 49
    assert abs(float(out.double().var()) - p / (1 - p)) < 0.05 * p / (1 - p)


def test_same_generator_seed_gives_the_same_mask():
    x = torch.randn(50)
    a = Dropout(0.5, generator=gen(7))(x)
    b = Dropout(0.5, generator=gen(7))(x)
    c = Dropout(0.5, generator=gen(8))(x)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_gradient_flows_only_through_kept_entries():
    x = torch.randn(100, requires_grad=True)
    out = dropout(x, 0.3, generator=gen(5))
    out.sum().backward()
    kept = (out != 0).to(x.dtype)
    torch.testing.assert_close(x.grad, kept / 0.7)


@given(
    p=st.floats(0.0, 0.95),
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    seed=st.integers(0, 1000),
)
def test_output_is_zero_or_scaled_input_for_all_inputs(p, shape, seed):
    x = torch.randn(*shape, generator=gen(seed)) + 5.0  # no zeros in the input
    out = dropout(x, p, generator=gen(seed + 1))
    assert out.shape == x.shape
    kept = out != 0
    torch.testing.assert_close(out[kept], x[kept] / (1 - p))


@given(p=st.floats(0.0, 0.95), seed=st.integers(0, 1000))
def test_mask_has_only_zeros_and_ones(p, seed):
    m = dropout_mask((3, 4), p, gen(seed), dtype=torch.float64)
    assert m.dtype == torch.float64
    assert set(m.unique().tolist()) <= {0.0, 1.0}


# --- DropConnect -------------------------------------------------------------------------------


def test_drop_connect_eval_is_nn_linear():
    torch.manual_seed(0)
    layer = DropConnectLinear(4, 3, p=0.5).eval()
    ref = nn.Linear(4, 3)
    ref.load_state_dict(layer.state_dict())
    x = torch.randn(6, 4)
    torch.testing.assert_close(layer(x), ref(x))


def test_drop_connect_expectation_is_the_linear_layer():
    W = torch.randn(3, 5, generator=gen(0))
    b = torch.randn(3, generator=gen(1))
    x = torch.randn(2, 5, generator=gen(2))
    g = gen(3)
    outs = torch.stack([drop_connect_linear(x, W, b, 0.4, generator=g) for _ in range(20_000)])
    torch.testing.assert_close(outs.mean(0), x @ W.T + b, atol=0.06, rtol=0)


def test_drop_connect_masks_weights_not_bias():
    W, b = torch.ones(2, 3), torch.full((2,), 10.0)
    out = drop_connect_linear(torch.ones(1, 3), W, b, p=0.5, generator=gen(0))
    # every output is 10 + 2 * (number of kept weights in its row)
    assert torch.all((out - 10) % 2 == 0)
    assert torch.all(out >= 10)


# --- bad arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_p_outside_the_unit_interval_is_rejected(p):
    with pytest.raises(ValueError, match=r"p must be in \[0.0, 1.0\), got"):
        dropout(torch.ones(3), p)
    with pytest.raises(ValueError, match="p must be in"):
        Dropout(p)
    with pytest.raises(ValueError, match="p must be in"):
        DropConnectLinear(2, 2, p=p)


def test_bad_types_are_rejected():
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        dropout([1.0, 2.0], 0.5)
    with pytest.raises(TypeError, match="floating-point"):
        dropout(torch.ones(3, dtype=torch.int64), 0.5)
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        Dropout(0.5, generator=0)
    with pytest.raises(TypeError, match="training must be a bool"):
        dropout(torch.ones(3), 0.5, training=1)


def test_drop_connect_rejects_wrong_rank_and_feature_mismatch():
    W = torch.ones(2, 3)
    with pytest.raises(ValueError, match="x has 4 features but weight expects in_features=3"):
        drop_connect_linear(torch.ones(5, 4), W)
    with pytest.raises(ValueError, match="x must be 1-D or 2-D"):
        drop_connect_linear(torch.ones(2, 5, 3), W)
    with pytest.raises(ValueError, match="weight must be 2-D"):
        drop_connect_linear(torch.ones(3), torch.ones(3))


# --- input_dropout_penalty (the chapter 5 exercise reference) ----------------------------------


def test_input_dropout_penalty_is_the_expected_extra_squared_error():
    import numpy as np

    from lessons_lib.dropout import input_dropout_penalty

    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3)) + 0.5
    w, y, p = np.array([1.0, -2.0, 0.5]), rng.normal(size=8), 0.3
    masks = rng.random((200_000, 1, 3)) >= p  # every pass drops inputs independently
    errors = ((X * masks / (1 - p)) @ w - y) ** 2
    mc = errors.mean()
    se = errors.mean(axis=1).std() / np.sqrt(len(masks))
    exact = np.mean((X @ w - y) ** 2) + input_dropout_penalty(X, w, p)
    assert abs(mc - exact) < 5 * se
    assert input_dropout_penalty(X, w, 0.0) == 0.0
    with pytest.raises(ValueError, match="shapes"):
        input_dropout_penalty(X, w[:2], p)
