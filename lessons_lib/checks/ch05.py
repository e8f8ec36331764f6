"""Checks for chapter 5, *Dropout*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .feedback import Feedback, as_tensor, call_learner


def check_inverted_dropout(fn: Callable[..., torch.Tensor]) -> Feedback:
    """Check a learner's ``dropout(x, p, training, generator)`` (inverted dropout).

    Expected: in training mode, zeros with probability ``p`` and the other entries equal
    to ``x / (1 - p)``; in eval mode, ``x`` unchanged.

    Example:
        >>> from lessons_lib.dropout import dropout
        >>> check_inverted_dropout(dropout).passed
        True
        >>> check_inverted_dropout(lambda x, p, training, generator: x).passed
        False
    """
    name = "inverted dropout"
    n = 40_000
    x = torch.linspace(1.0, 2.0, n)  # positive, so a kept entry is never 0
    for p in (0.2, 0.6):
        gen = torch.Generator().manual_seed(0)
        got, problem = call_learner(name, fn, x.clone(), p, True, gen)
        if problem is not None:
            return problem
        out, problem = as_tensor(name, got, x.shape, dtype=torch.float64, require_tensor=True)
        if problem is not None:
            return problem
        zero_frac = float((out == 0).double().mean())
        tol = 5 * np.sqrt(p * (1 - p) / n)  # five binomial standard errors
        if zero_frac < 1e-3:
            return Feedback(
                name,
                False,
                f"with p={p} in training mode no entry was zeroed: drop each entry "
                "with probability p (e.g. torch.rand(x.shape, generator=generator) >= p keeps it).",
            )
        if abs(zero_frac - (1 - p)) < tol and abs(p - 0.5) > 0.05:
            return Feedback(
                name,
                False,
                f"with p={p} you zeroed {zero_frac:.1%} of the entries, about 1 - p: "
                "p is the probability of *dropping* an entry (PyTorch's convention), not of "
                "keeping it.",
            )
        if abs(zero_frac - p) > tol:
            return Feedback(
                name,
                False,
                f"with p={p} the share of zeros should be about {p:.0%}, got {zero_frac:.1%}.",
            )
        kept = out != 0
        ratio = out[kept] / x.double()[kept]
        for scale, why in (
            (
                1.0,
                "the kept entries are not rescaled: divide them by (1 - p) so that the "
                "expected output equals the input.",
            ),
            (
                1.0 / p,
                "the kept entries are divided by p: with p the drop probability, divide "
                "by the keep probability 1 - p.",
            ),
            (1.0 - p, "the kept entries are multiplied by (1 - p): divide by it instead."),
        ):
            if torch.allclose(ratio, torch.full_like(ratio, scale)):
                return Feedback(name, False, f"with p={p}, {why}")
        if not torch.allclose(ratio, torch.full_like(ratio, 1 / (1 - p))):
            return Feedback(
                name,
                False,
                f"with p={p} every kept entry should equal x / (1 - p) = {1 / (1 - p):.3f} x.",
            )
    got, problem = call_learner(name, fn, x.clone(), 0.5, False, torch.Generator().manual_seed(0))
    if problem is not None:
        return problem
    out, problem = as_tensor(name, got, x.shape, dtype=torch.float64, require_tensor=True)
    if problem is not None:
        return problem
    if torch.allclose(out, 0.5 * x.double()):
        return Feedback(
            name,
            False,
            "in eval mode you multiplied by (1 - p): inverted dropout already "
            "scaled during training, so scaling again shrinks every output (seed 004's error). "
            "Return x unchanged.",
        )
    if not torch.allclose(out, x.double()):
        return Feedback(
            name,
            False,
            "in eval mode (training=False) the input must come back unchanged: "
            "no mask and no scaling.",
        )
    return Feedback(
        name,
        True,
        "zeros with probability p, survivors scaled by 1/(1 - p), identity in "
        "eval mode, for p = 0.2 and 0.6.",
    )


def reference_dropout_penalty(X: np.ndarray, w: np.ndarray, p: float) -> float:
    """The penalty ``p/(1-p) * sum_j w_j^2 * mean_i x_ij^2`` (mean squared error loss)."""
    return float(p / (1 - p) * np.sum(w**2 * np.mean(X**2, axis=0)))


def check_dropout_penalty(fn: Callable[[np.ndarray, np.ndarray, float], float]) -> Feedback:
    """Check a learner's ``dropout_penalty(X, w, p)``.

    Expected: the term that input dropout adds to the expected mean squared error of a
    linear model, ``p/(1-p) · Σ_j w_j² · (1/n) Σ_i x_ij²``.

    Example:
        >>> check_dropout_penalty(reference_dropout_penalty).passed
        True
        >>> check_dropout_penalty(lambda X, w, p: p / (1 - p) * np.sum(w**2)).passed
        False
    """
    name = "dropout as a penalty"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4)) * np.array([0.5, 1.0, 2.0, 3.0]) + 0.7
    w = np.array([1.5, -2.0, 0.5, 1.0])
    p = 0.3
    got, problem = call_learner(name, fn, X.copy(), w.copy(), p)
    if problem is not None:
        return problem
    try:
        value = float(got)
    except (TypeError, ValueError):
        return Feedback(name, False, f"return one number, got {type(got).__name__}.")
    want = reference_dropout_penalty(X, w, p)
    if np.isclose(value, want):
        return Feedback(
            name,
            True,
            f"penalty = {value:.4f}: an L2 penalty whose weight for feature j grows "
            "with p/(1-p) and with the mean square of that feature.",
        )
    col = np.mean(X**2, axis=0)
    wrong = {
        "use p/(1-p), the variance of the scaled mask m/(1-p), not p.": p * np.sum(w**2 * col),
        "use p/(1-p), not (1-p)/p: the variance of m/(1-p) is p(1-p)/(1-p)².": (1 - p)
        / p
        * np.sum(w**2 * col),
        "the penalty depends on the data: weight each w_j² by the mean of x_ij² over examples.": p
        / (1 - p)
        * np.sum(w**2),
        "for the mean squared error, average over examples instead of summing.": p
        / (1 - p)
        * np.sum(w**2 * np.sum(X**2, axis=0)),
        "square the inputs: each term is Var(m/(1-p)) · x_ij² · w_j².": p
        / (1 - p)
        * np.sum(w**2 * np.mean(X, axis=0)),
        "use the mean of x_ij² (second moment), not the variance of feature j.": p
        / (1 - p)
        * np.sum(w**2 * np.var(X, axis=0)),
    }
    for why, v in wrong.items():
        if np.isclose(value, v):
            return Feedback(name, False, f"expected {want:.4f}, got {value:.4f}: {why}")
    return Feedback(
        name,
        False,
        f"expected {want:.4f}, got {value:.4f}: compute p/(1-p) · Σ_j w_j² · mean_i x_ij².",
    )
