"""Checks for chapter 2, *A tiny network by hand*.

The references are computed with ``torch.autograd`` in float64, so the checks test a
learner's derivation against automatic differentiation, as the chapter does.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .feedback import Feedback, call_learner

SHAPES = {"W1": (2, 2), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}


def _problem() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """A fixed batch on which some hidden units are off for some examples."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((2, 7))
    Y = (rng.random((1, 7)) < 0.5).astype(float)
    params = {
        "W1": np.array([[1.2, -0.7], [-0.4, 0.9]]),
        "b1": np.array([[0.1], [-0.2]]),
        "W2": np.array([[0.8, -1.3]]),
        "b2": np.array([[0.05]]),
    }
    return X, Y, params


def _reference(
    X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray], mean: bool = True
) -> dict[str, np.ndarray]:
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    Z1 = t["W1"] @ torch.tensor(X) + t["b1"]
    Z2 = t["W2"] @ torch.relu(Z1) + t["b2"]
    reduction = "mean" if mean else "sum"
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        Z2, torch.tensor(Y), reduction=reduction
    )
    loss.backward()
    return {k: v.grad.numpy() for k, v in t.items()}


def _no_mask(X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Gradients computed as if the hidden layer were linear (ReLU mask forgotten)."""
    m = X.shape[1]
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.maximum(Z1, 0.0)
    Y_hat = 1.0 / (1.0 + np.exp(-(params["W2"] @ A1 + params["b2"])))
    d2 = (Y_hat - Y) / m
    d1 = params["W2"].T @ d2
    return {"W1": d1 @ X.T, "b1": d1.sum(axis=1, keepdims=True)}


def check_backward_pass(fn: Callable[..., dict]) -> Feedback:
    """Check a learner's ``backward(X, Y, params) -> dict of gradients`` (2-2-1 network).

    Expected: the gradients of the mean binary cross-entropy with respect to ``W1``,
    ``b1``, ``W2``, ``b2``, in the shapes of the parameters, equal to autograd's.

    Example:
        >>> def by_autograd(X, Y, params):
        ...     return _reference(X, Y, params)
        >>> check_backward_pass(by_autograd).passed
        True
        >>> check_backward_pass(lambda X, Y, p: {k: 0 * v for k, v in p.items()}).passed
        False
    """
    name = "backward pass"
    X, Y, params = _problem()
    got, problem = call_learner(
        name, fn, X.copy(), Y.copy(), {k: v.copy() for k, v in params.items()}
    )
    if problem is not None:
        return problem
    if not isinstance(got, dict):
        return Feedback(
            name,
            False,
            f"return a dict with keys 'W1', 'b1', 'W2', 'b2', got {type(got).__name__}.",
        )
    missing = [k for k in SHAPES if k not in got]
    if missing:
        return Feedback(name, False, f"the dict has no entry for {', '.join(missing)}.")
    want = _reference(X, Y, params)
    summed = _reference(X, Y, params, mean=False)
    wrong_mask = _no_mask(X, Y, params)
    m = X.shape[1]
    for key in ("W2", "b2", "W1", "b1"):
        try:
            value = np.asarray(got[key], dtype=float)
        except (TypeError, ValueError):
            return Feedback(
                name, False, f"{key}: return a NumPy array, got {type(got[key]).__name__}."
            )
        if value.shape != SHAPES[key]:
            hint = " It looks transposed." if value.shape == SHAPES[key][::-1] else ""
            if value.size == 1 and SHAPES[key] == (1, 1):
                value = value.reshape(1, 1)
            else:
                return Feedback(
                    name,
                    False,
                    f"the gradient for {key} must have the shape of {key}, {SHAPES[key]}, "
                    f"got {value.shape}.{hint}",
                )
        if np.allclose(value, want[key], rtol=1e-7, atol=1e-10):
            continue
        if np.allclose(value, summed[key], rtol=1e-7, atol=1e-10):
            why = f"it is {m} times too large: the loss is a mean, so divide δ⁽²⁾ by m."
        elif key in wrong_mask and np.allclose(value, wrong_mask[key], rtol=1e-7, atol=1e-10):
            why = (
                "the ReLU's derivative is missing: multiply Wᵀδ⁽²⁾ by the mask (Z1 > 0) "
                "before forming the hidden layer's gradients."
            )
        elif np.allclose(value, -want[key], rtol=1e-7, atol=1e-10):
            why = "the sign is flipped: δ⁽²⁾ is (ŷ − y)/m, prediction minus label."
        else:
            why = "compare with the five steps of the derivation, starting from δ⁽²⁾ = (ŷ − y)/m."
        return Feedback(name, False, f"the gradient for {key} is wrong: {why}")
    return Feedback(name, True, "all four gradients match autograd, ReLU mask included.")


def check_l2_update(fn: Callable[..., np.ndarray]) -> Feedback:
    """Check a learner's ``l2_update(W, grad_W, lr, lam, m)``.

    Expected: ``W - lr * (grad_W + lam / m * W)``, one gradient-descent step on
    ``L + lam / (2m) * ||W||²``.

    Example:
        >>> check_l2_update(lambda W, g, lr, lam, m: W - lr * (g + lam / m * W)).passed
        True
        >>> check_l2_update(lambda W, g, lr, lam, m: W - lr * (g + lam / (2 * m) * W)).passed
        False
    """
    name = "L2 update"
    rng = np.random.default_rng(3)
    W = rng.standard_normal((2, 3))
    grad = rng.standard_normal((2, 3))
    lr, lam, m = 0.1, 2.0, 8
    got, problem = call_learner(name, fn, W.copy(), grad.copy(), lr, lam, m)
    if problem is not None:
        return problem
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return Feedback(name, False, f"return the new weight matrix, got {type(got).__name__}.")
    if got.shape != W.shape:
        return Feedback(name, False, f"return an array of W's shape {W.shape}, got {got.shape}.")
    want = W - lr * (grad + lam / m * W)
    if np.allclose(got, want):
        return Feedback(
            name, True, f"the weights shrink by the factor 1 − ηλ/m = {1 - lr * lam / m:.3f}."
        )
    candidates = [
        (
            W - lr * (grad + lam / (2 * m) * W),
            "the power rule's factor 2 is missing: d/dW of λ/(2m)·W² is (λ/m)·W, not λ/(2m)·W.",
        ),
        (
            W - lr * (grad + 2 * lam / m * W),
            "the penalty's 1/2 is missing: λ/(2m)·W² has "
            "gradient (λ/m)·W, the 2 and the 1/2 cancel.",
        ),
        (W - lr * (grad + lam * W), "divide λ by m: the penalty is λ/(2m)·||W||²."),
        (
            W - lr * grad - lam / m * W,
            "the penalty's gradient must be multiplied by the learning rate too.",
        ),
        (W + lr * (grad + lam / m * W), "gradient descent steps against the gradient: use −."),
        (W - lr * grad, "the penalty term is missing."),
    ]
    for wrong, why in candidates:
        if np.allclose(got, wrong):
            return Feedback(name, False, why)
    return Feedback(name, False, "expected W − η(∂L/∂W + (λ/m)·W).")
