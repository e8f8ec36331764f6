"""Checks for chapter 2, *A tiny network by hand*.

The exercise's backward pass is that of the chapter's 2-2-1 network with a tanh hidden
layer instead of the lesson's ReLU. It is compared with ``torch.autograd`` in float64, so
a learner's derivation is tested against automatic differentiation, as the chapter does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from .answers import to_array
from .ch02_l2 import check_l2_update as check_l2_update  # the chapter's second check
from .exercise import Case, Exercise, Mistake
from .feedback import Feedback

KEYS = ("W1", "b1", "W2", "b2")

# --- backward pass of the tanh network -------------------------------------------------------


def _batch(seed: int, m: int, scale: float) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """A batch whose hidden pre-activations are negative, small and (with scale) saturated."""
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal((2, m))
    Y = (np.arange(m) % 2).astype(float)[None, :]
    params = {
        "W1": np.array([[1.2, -0.7], [-0.4, 0.9]]),
        "b1": np.array([[0.1], [-0.2]]),
        "W2": np.array([[0.8, -1.3]]),
        "b2": np.array([[0.05]]),
    }
    return X, Y, params


def _backward_cases() -> list[Case]:
    return [
        Case(_batch(2, 7, 1.0), "on a batch of 7 examples"),
        Case(_batch(5, 3, 3.0), "on 3 examples, some hidden units saturated (|z| > 2)"),
    ]


def _autograd(X: Any, Y: Any, params: Mapping[str, Any], reduction: str = "mean") -> dict:
    t = {
        k: torch.tensor(np.asarray(v), dtype=torch.float64, requires_grad=True)
        for k, v in params.items()
    }
    Z1 = t["W1"] @ torch.tensor(np.asarray(X), dtype=torch.float64) + t["b1"]
    Z2 = t["W2"] @ torch.tanh(Z1) + t["b2"]
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        Z2, torch.tensor(np.asarray(Y), dtype=torch.float64), reduction=reduction
    )
    loss.backward()
    return {k: torch.zeros_like(v) if v.grad is None else v.grad for k, v in t.items()}


def _manual(
    X: np.ndarray,
    Y: np.ndarray,
    p: Mapping[str, np.ndarray],
    *,
    derivative: str = "tanh",
    scale: str = "mean",
    sign: float = 1.0,
    output: str = "bce",
    transpose: str = "",
    keep_bias_axis: bool = False,
    inputs: str = "",
) -> dict[str, np.ndarray]:
    """Hand-written gradients with one switch per typical mistake."""
    m = X.shape[1]
    Z1 = p["W1"] @ X + p["b1"]
    A1 = np.tanh(Z1)
    Y_hat = 1.0 / (1.0 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    d2 = sign * (Y_hat - Y)
    if output == "mse":
        d2 = d2 * Y_hat * (1 - Y_hat)
    if scale in ("mean", "twice"):
        d2 = d2 / m
    d1 = p["W2"].T @ d2
    d1 = (
        d1
        * {
            "tanh": 1.0 - A1**2,
            "relu": (Z1 > 0).astype(float),
            "of_z": 1.0 - Z1**2,
            "none": np.ones_like(Z1),
            "sigmoid": A1 * (1.0 - A1),
            "a_squared": A1**2,
            "one_minus_a_squared": (1.0 - A1) ** 2,
            "tanh_of_a": 1.0 - np.tanh(A1) ** 2,
        }[derivative]
    )
    grads = {
        "W2": d2 @ (Z1 if "W2:Z1" in inputs else A1).T,
        "b2": d2,
        "W1": d1 @ (A1 if "W1:A1" in inputs else X).T,
        "b1": d1,
    }
    if scale == "twice":
        grads["b2"], grads["b1"] = d2.mean(axis=1, keepdims=True), d1.mean(axis=1, keepdims=True)
    elif not keep_bias_axis:
        grads["b2"], grads["b1"] = d2.sum(axis=1, keepdims=True), d1.sum(axis=1, keepdims=True)
    if "b:sum" in inputs:  # the biases summed without the 1/m
        grads["b2"], grads["b1"] = grads["b2"] * m, grads["b1"] * m
    for name in transpose.split():
        grads[name] = grads[name].T
    return grads


def _read_grads(got: Any, case: Case) -> Any:
    if not isinstance(got, Mapping):
        return f"return a dict with keys 'W1', 'b1', 'W2', 'b2', got {type(got).__name__}."
    missing = [k for k in KEYS if k not in got]
    if missing:
        return f"the dict has no entry for {', '.join(missing)}."
    out = {}
    for k in KEYS:
        value = to_array(got[k], None, f"the gradient for {k}")
        if isinstance(value, str):
            return value
        out[k] = value
    return out


BACKWARD_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "relu_mask",
        lambda X, Y, p: _manual(X, Y, p, derivative="relu"),
        "that is the ReLU's mask (Z1 > 0), the lesson's network: this hidden layer is tanh, "
        "whose derivative is 1 − a² with a = tanh(z), not 0 or 1.",
    ),
    Mistake(
        "derivative_of_z",
        lambda X, Y, p: _manual(X, Y, p, derivative="of_z"),
        "you wrote 1 − z²: the derivative of tanh is 1 − tanh(z)², so square the activation "
        "A1, not the pre-activation Z1.",
    ),
    Mistake(
        "no_tanh_derivative",
        lambda X, Y, p: _manual(X, Y, p, derivative="none"),
        "the hidden layer's derivative is missing: multiply W2ᵀδ⁽²⁾ by tanh'(Z1) before "
        "forming the hidden layer's gradients.",
    ),
    Mistake(
        "sigmoid_derivative_in_hidden_layer",
        lambda X, Y, p: _manual(X, Y, p, derivative="sigmoid"),
        "you used A1·(1 − A1), the derivative of the sigmoid: the hidden layer is tanh, "
        "whose derivative is 1 − A1².",
    ),
    Mistake(
        "one_minus_a_squared",
        lambda X, Y, p: _manual(X, Y, p, derivative="one_minus_a_squared"),
        "you wrote (1 − A1)²: tanh's derivative is 1 − A1², the square of A1 subtracted "
        "from 1 (mind the brackets).",
    ),
    Mistake(
        "tanh_applied_twice",
        lambda X, Y, p: _manual(X, Y, p, derivative="tanh_of_a"),
        "you wrote 1 − tanh(A1)²: A1 is already tanh(Z1), so tanh was applied twice; the "
        "derivative is 1 − A1² (or 1 − tanh(Z1)²).",
    ),
    Mistake(
        "a_squared",
        lambda X, Y, p: _manual(X, Y, p, derivative="a_squared"),
        "you multiplied by A1²: tanh's derivative is 1 − A1² (the 1 − is missing).",
    ),
    Mistake(
        "w2_from_z1",
        lambda X, Y, p: _manual(X, Y, p, inputs="W2:Z1"),
        "the gradient for W2 uses Z1: the output layer's input is the activation A1, so "
        "∂L/∂W2 = δ⁽²⁾·A1ᵀ.",
    ),
    Mistake(
        "w1_from_a1",
        lambda X, Y, p: _manual(X, Y, p, inputs="W1:A1"),
        "the gradient for W1 uses A1: the hidden layer's input is X, so ∂L/∂W1 = δ⁽¹⁾·Xᵀ.",
    ),
    Mistake(
        "bias_without_mean",
        lambda X, Y, p: _manual(X, Y, p, inputs="b:sum"),
        "the bias gradients are m times too large: the weight gradients carry the 1/m of "
        "the mean, the bias gradients must too.",
    ),
    Mistake(
        "summed_loss",
        lambda X, Y, p: _manual(X, Y, p, scale="sum"),
        "every gradient is m times too large: the loss is a mean over the batch, so divide "
        "δ⁽²⁾ by m.",
    ),
    Mistake(
        "sign_flipped",
        lambda X, Y, p: _manual(X, Y, p, sign=-1.0),
        "the signs are flipped: δ⁽²⁾ is prediction minus label, ŷ − y.",
    ),
    Mistake(
        "sigmoid_derivative",
        lambda X, Y, p: _manual(X, Y, p, output="mse"),
        "you multiplied by the sigmoid's derivative ŷ(1 − ŷ): with the cross-entropy loss it "
        "cancels, and δ⁽²⁾ is simply (ŷ − y)/m.",
    ),
    Mistake(
        "transposed_weights",
        lambda X, Y, p: _manual(X, Y, p, transpose="W1 W2"),
        "the weight gradients are transposed: ∂L/∂W must have the shape of W (δ times the "
        "transposed input, δ · Aᵀ).",
    ),
    Mistake(
        "w1_transposed",
        lambda X, Y, p: _manual(X, Y, p, transpose="W1"),
        "the gradient for W1 is transposed (X·δ⁽¹⁾ᵀ): it is δ⁽¹⁾·Xᵀ, with row i for hidden "
        "unit i like W1. Both are 2 × 2 here, so the shape cannot tell.",
    ),
    Mistake(
        "bias_not_summed",
        lambda X, Y, p: _manual(X, Y, p, keep_bias_axis=True),
        "the bias gradients still have one column per example: sum them over the batch "
        "(axis=1, keepdims=True).",
    ),
    Mistake(
        "bias_divided_twice",
        lambda X, Y, p: _manual(X, Y, p, scale="twice"),
        "the bias gradients are divided by m twice: δ already carries the 1/m, so sum it over "
        "the batch instead of averaging.",
    ),
)


def _backward_fallback(value: dict, want: dict, case: Case) -> str:
    from .answers import FLOAT64, close

    bad = [k for k in ("W2", "b2", "W1", "b1") if not close(value[k], want[k], FLOAT64)]
    return (
        f"the gradient(s) for {', '.join(bad)} differ from autograd's; follow the derivation "
        "from the output layer backwards."
    )


TANH_BACKWARD = Exercise(
    name="backward pass (tanh)",
    reference=_autograd,
    cases=_backward_cases,
    read=_read_grads,
    mistakes=BACKWARD_MISTAKES,
    success="all four gradients match autograd, tanh's derivative 1 − a² included.",
    fallback=_backward_fallback,
)


def check_tanh_backward(fn: Callable[..., dict]) -> Feedback:
    """Check a learner's ``backward(X, Y, params) -> dict of gradients`` (2-2-1, tanh).

    The network is the chapter's, with a tanh hidden layer. The dict's entries ``W1``,
    ``b1``, ``W2``, ``b2`` are compared, in the shapes of the parameters, with autograd's
    gradients of the mean binary cross-entropy on two batches whose hidden
    pre-activations are negative, small, and large enough to saturate tanh. Arrays or
    tensors, float32 or float64, are accepted.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_tanh_backward(lambda X, Y, p: {k: 0 * v for k, v in p.items()}).passed
        False
    """
    return TANH_BACKWARD.check(fn)
