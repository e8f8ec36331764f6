"""Chapter 2 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lessons_lib.checks import check_l2_update, check_tanh_backward


def backward_numpy(X, Y, p, dtype=np.float64):
    X, Y = X.astype(dtype), Y.astype(dtype)
    p = {k: v.astype(dtype) for k, v in p.items()}
    m = X.shape[1]
    Z1 = p["W1"] @ X + p["b1"]
    A1 = np.tanh(Z1)
    Y_hat = 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    d2 = (Y_hat - Y) / m
    d1 = (p["W2"].T @ d2) * (1 - A1**2)
    return {
        "W2": d2 @ A1.T,
        "b2": d2.sum(axis=1, keepdims=True),
        "W1": d1 @ X.T,
        "b1": d1.sum(axis=1, keepdims=True),
    }


def backward_autograd_float32(X, Y, p):
    t = {k: torch.tensor(v, dtype=torch.float32, requires_grad=True) for k, v in p.items()}
    Z1 = t["W1"] @ torch.tensor(X, dtype=torch.float32) + t["b1"]
    Z2 = t["W2"] @ torch.tanh(Z1) + t["b2"]
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        Z2, torch.tensor(Y, dtype=torch.float32)
    )
    loss.backward()
    return {k: v.grad for k, v in t.items()}


@pytest.mark.parametrize(
    "answer",
    [
        backward_numpy,
        lambda X, Y, p: backward_numpy(X, Y, p, np.float32),  # float32 derivation (issue 14)
        backward_autograd_float32,
        lambda X, Y, p: {k: v.tolist() for k, v in backward_numpy(X, Y, p).items()},
        lambda X, Y, p: {**backward_numpy(X, Y, p), "b2": backward_numpy(X, Y, p)["b2"].item()},
    ],
)
def test_backward_accepts_correct_answers(answer):
    fb = check_tanh_backward(answer)
    assert fb, fb.message


def test_backward_float32_is_not_blamed_on_the_maths():
    assert check_tanh_backward(lambda X, Y, p: backward_numpy(X, Y, p, np.float32))


def test_backward_cases_cover_negative_small_and_saturated_units():
    from lessons_lib.checks.ch02 import _backward_cases

    Z = np.concatenate(
        [c.args[2]["W1"] @ c.args[0] + c.args[2]["b1"] for c in _backward_cases()], axis=1
    )
    assert (Z < 0).any() and (np.abs(Z) < 0.5).any() and (np.abs(Z) > 2.5).any()


def test_the_lessons_relu_backward_is_rejected_as_the_relu_mask():
    def relu_backward(X, Y, p):
        m = X.shape[1]
        Z1 = p["W1"] @ X + p["b1"]
        A1 = np.maximum(Z1, 0)
        d2 = (1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"]))) - Y) / m
        d1 = (p["W2"].T @ d2) * (Z1 > 0)
        return {
            "W2": d2 @ A1.T,
            "b2": d2.sum(1, keepdims=True),
            "W1": d1 @ X.T,
            "b1": d1.sum(1, keepdims=True),
        }

    fb = check_tanh_backward(relu_backward)
    assert not fb.passed


def test_backward_names_a_missing_key():
    fb = check_tanh_backward(lambda X, Y, p: {"W1": 0})
    assert "no entry for b1, W2, b2" in fb.message


@pytest.mark.parametrize(
    "answer",
    [
        lambda W, g, lr, lam, m: W * (1 - lr * lam / m) - lr * g,
        lambda W, g, lr, lam, m: (
            torch.tensor(W) - lr * (torch.tensor(g) + lam / m * torch.tensor(W))
        ),
        lambda W, g, lr, lam, m: (W - lr * (g + lam / m * W)).astype(np.float32),
    ],
)
def test_l2_update_accepts_correct_answers(answer):
    assert check_l2_update(answer)
