"""Check for chapter 7's early-stopped gradient descent exercise (the other check: :mod:`.ch07`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..early_stopping import early_stopped_least_squares
from .answers import to_array
from .exercise import Case, Exercise, Mistake
from .feedback import Feedback

# --- early-stopped gradient descent ----------------------------------------------------------


def _gd_cases() -> list[Case]:
    rng = np.random.default_rng(7)
    X = rng.standard_normal((12, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 * rng.standard_normal(12)
    lr = 0.5 / np.linalg.eigvalsh(X.T @ X).max()
    return [Case((X, y, lr, k), f"after {k} steps") for k in (0, 1, 5, 40)]


def _gd(X, y, lr, k, *, start=0.0, scale=1.0, extra=0) -> np.ndarray:
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = np.full(X.shape[1], start)
    for _ in range(max(k + extra, 0)):
        w = w - lr * scale * X.T @ (X @ w - y)
    return w


GD_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "one_step_too_many",
        lambda X, y, lr, k: _gd(X, y, lr, k, extra=1),
        "you took one step too many: num_steps steps from the start.",
    ),
    Mistake(
        "one_step_too_few",
        lambda X, y, lr, k: _gd(X, y, lr, k, extra=-1),
        "you took one step too few: num_steps steps from the start.",
    ),
    Mistake(
        "mean_gradient",
        lambda X, y, lr, k: _gd(X, y, lr, k, scale=1 / len(y)),
        "your gradient is divided by n: the loss here is 0.5·||Xw − y||² (a sum).",
    ),
    Mistake(
        "no_half",
        lambda X, y, lr, k: _gd(X, y, lr, k, scale=2.0),
        "your gradient is twice too large: the loss has a factor 0.5 that cancels the 2.",
    ),
    Mistake(
        "uphill",
        lambda X, y, lr, k: _gd(X, y, lr, k, scale=-1.0),
        "you stepped uphill (gradient ascent: the step has the wrong sign): subtract lr "
        "times the gradient.",
    ),
    Mistake(
        "start_at_ones",
        lambda X, y, lr, k: _gd(X, y, lr, k, start=1.0),
        "start from w = 0: early stopping's link with ridge needs the zero start.",
    ),
    Mistake(
        "least_squares",
        lambda X, y, lr, k: np.linalg.lstsq(X, y, rcond=None)[0],
        "that is the least-squares solution; stop after num_steps steps.",
    ),
    Mistake(
        "ridge_solution",
        lambda X, y, lr, k: np.linalg.solve(
            np.asarray(X).T @ np.asarray(X)
            + (1 / (lr * k) if k else 1e12) * np.eye(np.shape(X)[1]),
            np.asarray(X).T @ np.asarray(y),
        ),
        "that is the ridge solution at λ = 1/(ηk), which early-stopped gradient descent only "
        "approximates: run the num_steps steps from w = 0.",
    ),
)


def _read_weights(got: Any, case: Case) -> Any:
    value = to_array(got, None, "the weights")
    if isinstance(value, np.ndarray) and value.ndim == 2 and 1 in value.shape:
        return value.reshape(-1)
    return value


EARLY_STOPPED_GD = Exercise(
    name="early-stopped gradient descent",
    reference=early_stopped_least_squares,
    cases=_gd_cases,
    read=_read_weights,
    mistakes=GD_MISTAKES,
    success="matches gradient descent from zero for 0, 1, 5 and 40 steps.",
    fallback=lambda value, want, case: (
        "after 0 steps return the starting point, w = 0."
        if case.args[3] == 0
        else "the weights differ from gradient descent started at 0."
    ),
)


def check_early_stopped_gd(
    fn: Callable[[np.ndarray, np.ndarray, float, int], np.ndarray],
) -> Feedback:
    """Check a learner's ``gradient_descent(X, y, lr, num_steps)``.

    The weights are compared with gradient descent on the least-squares loss of the
    chapter, started from zero, after 0, 1, 5 and 40 steps.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_early_stopped_gd(lambda X, y, lr, k: np.linalg.lstsq(X, y)[0]).passed
        False
    """
    return EARLY_STOPPED_GD.check(fn)
