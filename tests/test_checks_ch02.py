"""Tests of lessons_lib.checks.ch02: the backward pass and the L2 update of chapter 2."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.checks.ch02 import _problem, check_backward_pass, check_l2_update


def reference_backward(X, Y, params):
    m = X.shape[1]
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.maximum(Z1, 0.0)
    Y_hat = 1.0 / (1.0 + np.exp(-(params["W2"] @ A1 + params["b2"])))
    d2 = (Y_hat - Y) / m
    d1 = (params["W2"].T @ d2) * (Z1 > 0)
    return {
        "W1": d1 @ X.T,
        "b1": d1.sum(axis=1, keepdims=True),
        "W2": d2 @ A1.T,
        "b2": d2.sum(axis=1, keepdims=True),
    }


def variant(*, scale=1.0, mask=True, sign=1.0, transpose_w1=False, drop=None):
    def backward(X, Y, params):
        m = X.shape[1]
        Z1 = params["W1"] @ X + params["b1"]
        A1 = np.maximum(Z1, 0.0)
        Y_hat = 1.0 / (1.0 + np.exp(-(params["W2"] @ A1 + params["b2"])))
        d2 = sign * scale * (Y_hat - Y) / m
        d1 = params["W2"].T @ d2
        if mask:
            d1 = d1 * (Z1 > 0)
        grads = {
            "W1": (d1 @ X.T).T if transpose_w1 else d1 @ X.T,
            "b1": d1.sum(axis=1, keepdims=True),
            "W2": d2 @ A1.T,
            "b2": d2.sum(axis=1, keepdims=True),
        }
        if drop:
            del grads[drop]
        return grads

    return backward


def test_problem_has_inactive_relu_units():
    X, _, params = _problem()
    Z1 = params["W1"] @ X + params["b1"]
    assert 0 < (Z1 > 0).mean() < 1
    # and the mask changes W1's gradient (so a missing mask is detectable)
    assert not np.allclose(
        variant(mask=False)(X, _, params)["W1"], reference_backward(X, _, params)["W1"]
    )


def test_backward_accepts_the_reference():
    fb = check_backward_pass(reference_backward)
    assert fb.passed, fb.message


def test_backward_accepts_a_scalar_b2():
    def scalar_b2(X, Y, params):
        grads = reference_backward(X, Y, params)
        grads["b2"] = float(grads["b2"].item())
        return grads

    assert check_backward_pass(scalar_b2)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (variant(scale=7.0), "divide δ⁽²⁾ by m"),
        (variant(mask=False), "ReLU's derivative is missing"),
        (variant(sign=-1.0), "sign is flipped"),
        (variant(transpose_w1=True), "W1 is wrong"),
        (variant(drop="b1"), "no entry for b1"),
    ],
)
def test_backward_rejects_typical_mistakes(wrong, phrase):
    fb = check_backward_pass(wrong)
    assert not fb.passed
    assert phrase in fb.message


def test_backward_reports_wrong_shapes_and_types():
    def flat(X, Y, params):
        return {k: v.ravel() for k, v in reference_backward(X, Y, params).items()}

    fb = check_backward_pass(flat)
    assert not fb and "must have the shape" in fb.message
    fb = check_backward_pass(lambda X, Y, p: [1, 2])
    assert not fb and "return a dict" in fb.message


def test_backward_stub_and_errors_become_feedback():
    def stub(X, Y, params):
        raise NotImplementedError()

    assert check_backward_pass(stub).message.startswith("not attempted yet")
    fb = check_backward_pass(lambda X, Y, p: 1 / 0)
    assert not fb and "ZeroDivisionError" in fb.message


def test_backward_does_not_let_the_learner_mutate_the_problem():
    def mutating(X, Y, params):
        grads = reference_backward(X, Y, params)
        params["W1"][:] = 0
        X[:] = 0
        return grads

    assert check_backward_pass(mutating)


# --- check_l2_update ---------------------------------------------------------------------------


def test_l2_update_accepts_the_reference_and_the_decay_form():
    assert check_l2_update(lambda W, g, lr, lam, m: W - lr * (g + lam / m * W))
    assert check_l2_update(lambda W, g, lr, lam, m: (1 - lr * lam / m) * W - lr * g)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda W, g, lr, lam, m: W - lr * (g + lam / (2 * m) * W), "factor 2 is missing"),
        (lambda W, g, lr, lam, m: W - lr * (g + 2 * lam / m * W), "1/2 is missing"),
        (lambda W, g, lr, lam, m: W - lr * (g + lam * W), "divide λ by m"),
        (lambda W, g, lr, lam, m: W - lr * g - lam / m * W, "learning rate"),
        (lambda W, g, lr, lam, m: W + lr * (g + lam / m * W), "use −"),
        (lambda W, g, lr, lam, m: W - lr * g, "penalty term is missing"),
        (lambda W, g, lr, lam, m: W * 0, "expected W − η"),
    ],
)
def test_l2_update_rejects_typical_mistakes(wrong, phrase):
    fb = check_l2_update(wrong)
    assert not fb.passed
    assert phrase in fb.message


def test_l2_update_reports_shape_type_and_stub():
    assert "shape" in check_l2_update(lambda W, g, lr, lam, m: W[0]).message
    assert "return the new weight matrix" in check_l2_update(lambda *a: {"a": 1}).message

    def stub(*args):
        raise NotImplementedError()

    assert check_l2_update(stub).message.startswith("not attempted yet")
