"""Checks for chapter 1, *Why regularize?*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..linear import polynomial_features
from ..stats import bias_variance
from .feedback import Feedback, call_learner


def check_polynomial_features(fn: Callable[[np.ndarray, int], np.ndarray]) -> Feedback:
    """Check a learner's ``polynomial_features(x, degree)``.

    Expected: an array of shape ``(n, degree + 1)`` whose column ``j`` is ``x**j``.

    Example:
        >>> check_polynomial_features(polynomial_features).passed
        True
        >>> check_polynomial_features(lambda x, d: np.vander(x, d + 1)).passed
        False
    """
    name = "polynomial features"
    x = np.array([0.5, -1.0, 2.0, 3.0, -1.5])
    for degree in (3, 0, 5):
        got, problem = call_learner(name, fn, x.copy(), degree)
        if problem is not None:
            return problem
        want = polynomial_features(x, degree)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return Feedback(
                name,
                False,
                f"return a NumPy array of shape {want.shape}, got {type(got).__name__}.",
            )
        if got.shape != want.shape:
            hint = ""
            if got.shape == (len(x), degree):
                hint = " Did you leave out the constant column x**0 = 1?"
            elif got.shape == want.shape[::-1]:
                hint = " It looks transposed: one row per data point, one column per power."
            return Feedback(
                name,
                False,
                f"for {len(x)} points and degree {degree} the shape should be {want.shape}, "
                f"got {got.shape}.{hint}",
            )
        if not np.allclose(got, want):
            hint = ""
            if got.shape == want.shape[::-1] and np.allclose(got, want.T):
                hint = " It looks transposed: one row per data point, one column per power."
            elif np.allclose(got, want[:, ::-1]):
                hint = (
                    " The columns are in decreasing order (np.vander's default): column j "
                    "should hold x**j, e.g. np.vander(x, degree + 1, increasing=True)."
                )
            return Feedback(name, False, f"wrong values for degree {degree}.{hint}")
    return Feedback(name, True, "shape (n, degree + 1) and column j = x**j for degrees 0, 3 and 5.")


def check_bias_variance(fn: Callable[[np.ndarray, np.ndarray], tuple[float, float]]) -> Feedback:
    """Check a learner's ``bias_variance(predictions, truth) -> (bias2, variance)``.

    Example:
        >>> from lessons_lib.stats import bias_variance as ref
        >>> check_bias_variance(lambda P, f: (ref(P, f).bias2, ref(P, f).variance)).passed
        True
        >>> check_bias_variance(lambda P, f: (ref(P, f).bias2, P.var(axis=0, ddof=1).mean())).passed
        False
    """
    name = "bias and variance"
    rng = np.random.default_rng(0)
    truth = np.sin(np.linspace(0, 3, 7))
    # The offset changes sign across points, so bias and |bias| differ on average.
    predictions = truth + 0.3 * np.cos(np.linspace(0, 6, 7)) + 0.5 * rng.standard_normal((5, 7))
    got, problem = call_learner(name, fn, predictions.copy(), truth.copy())
    if problem is not None:
        return problem
    try:
        bias2, variance = (float(v) for v in got)
    except (TypeError, ValueError):
        return Feedback(name, False, f"return a pair (bias2, variance) of numbers, got {got!r}.")
    ref = bias_variance(predictions, truth)
    mse = float(np.mean((predictions - truth) ** 2))
    ok_b, ok_v = np.isclose(bias2, ref.bias2), np.isclose(variance, ref.variance)
    if ok_b and ok_v:
        return Feedback(
            name,
            True,
            f"bias² = {bias2:.4f} and variance = {variance:.4f}; "
            "their sum is the mean squared error against the true function.",
        )
    if not ok_b:
        if np.isclose(bias2, mse):
            why = (
                "that is the total squared error: average the predictions over training sets first."
            )
        elif np.isclose(bias2, np.mean(predictions.mean(axis=0) - truth)):
            why = "that is the average bias: square it point by point before averaging."
        elif np.isclose(bias2, np.mean(np.abs(predictions.mean(axis=0) - truth))):
            why = "square the differences instead of taking their absolute value."
        else:
            why = (
                "at each point take the mean prediction over training sets, subtract the "
                "truth and square; then average over points."
            )
        return Feedback(name, False, f"bias² should be {ref.bias2:.4f}, got {bias2:.4f}: {why}")
    n_sets = predictions.shape[0]
    if np.isclose(variance, ref.variance * n_sets / (n_sets - 1)):
        why = "you used ddof=1; the variance of the fits over training sets uses ddof=0 here."
    elif np.isclose(variance, predictions.var()):
        why = (
            "take the variance over training sets (axis 0) at each point, then average over points."
        )
    elif np.isclose(variance, np.mean(predictions.std(axis=0))):
        why = "that is the standard deviation: square it."
    else:
        why = "variance over training sets (axis 0) at each point, then the mean over points."
    return Feedback(
        name, False, f"variance should be {ref.variance:.4f}, got {variance:.4f}: {why}"
    )
