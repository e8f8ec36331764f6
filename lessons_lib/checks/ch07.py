"""Checks for chapter 7, *Early stopping*."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..early_stopping import EarlyStopping
from .feedback import Feedback, call_learner

# (values, patience, min_delta): each case separates the reference from one typical mistake.
_STOP_CASES: list[tuple[list[float], int, float]] = [
    ([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 3.8, 3.9], 3, 0.0),  # plain: stop 3 epochs after the best
    ([1.0, 0.9, 0.95, 0.92, 0.97, 0.93, 0.99, 0.94], 3, 0.0),  # zig-zag: no k increases in a row
    ([1.0, 1.0, 1.0, 1.0, 1.0], 2, 0.0),  # ties are not improvements
    ([1.0, 0.98, 0.97, 0.96, 0.95, 0.94], 2, 0.05),  # improvements smaller than min_delta
    ([1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0, 1.0], 3, 0.0),  # improvement on the last allowed epoch
    ([3.0, 2.0, 1.0, 0.5], 2, 0.0),  # never stops
]


def _reference_stop(values: Sequence[float], patience: int, min_delta: float) -> int | None:
    """The reference answer: the same rule as :class:`~lessons_lib.early_stopping.EarlyStopping`."""
    es = EarlyStopping(patience=patience, min_delta=min_delta)
    for v in values:
        if es.step(v):
            return es.epoch
    return None


def _consecutive_increases(values: Sequence[float], patience: int) -> int | None:
    run = 0
    for i in range(1, len(values)):
        run = run + 1 if values[i] > values[i - 1] else 0
        if run >= patience:
            return i + 1
    return None


def check_should_stop(fn: Callable[[list[float], int, float], int | None]) -> Feedback:
    """Check a learner's ``should_stop(val_losses, patience, min_delta)``.

    Expected: the 1-based epoch at the end of which early stopping ends training (the
    ``patience``-th consecutive epoch that fails to beat the best loss by more than
    ``min_delta``), or ``None`` if it never fires.

    Example:
        >>> from lessons_lib.checks.ch07 import _reference_stop
        >>> check_should_stop(_reference_stop).passed
        True
        >>> check_should_stop(lambda v, p, d: None).passed
        False
    """
    name = "should stop"
    for values, patience, min_delta in _STOP_CASES:
        got, problem = call_learner(name, fn, list(values), patience, min_delta)
        if problem is not None:
            return problem
        want = _reference_stop(values, patience, min_delta)
        if got is not None and not isinstance(got, (int, np.integer)):
            return Feedback(
                name, False, f"return an integer epoch or None, got {got!r} ({type(got).__name__})."
            )
        if got == want:
            continue
        case = f"for val_losses={values}, patience={patience}, min_delta={min_delta}"
        msg = f"{case} training should stop at epoch {want}, got {got}."
        if want is not None and got is not None and got == want + 1:
            hint = (
                " One epoch late: stop as soon as the counter of epochs without improvement "
                "reaches patience (>=, not >)."
            )
        elif want is not None and got is not None and got == want - 1:
            hint = " One epoch early: epochs are numbered from 1, not from 0."
        elif min_delta == 0 and len(set(values)) == 1:
            hint = " A loss equal to the best one is not an improvement (use <, not <=)."
        elif min_delta > 0:
            hint = " An improvement must beat the best loss by more than min_delta."
        elif got == _consecutive_increases(values, patience):
            hint = (
                " You counted consecutive increases from one epoch to the next; compare each "
                "loss with the best loss so far instead."
            )
        else:
            hint = " Reset the counter whenever the loss beats the best so far."
        return Feedback(name, False, msg + hint)
    return Feedback(
        name,
        True,
        "stops patience epochs after the best, treats ties and changes below min_delta as "
        "no improvement, and resets on a late improvement.",
    )


def _gd_reference(X: np.ndarray, y: np.ndarray, lr: float, num_steps: int) -> np.ndarray:
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w - lr * X.T @ (X @ w - y)
    return w


def check_early_stopped_gd(
    fn: Callable[[np.ndarray, np.ndarray, float, int], np.ndarray],
) -> Feedback:
    """Check a learner's ``gradient_descent(X, y, lr, num_steps)``.

    Expected: the weights after ``num_steps`` steps of gradient descent on
    ``0.5 * ||X w - y||^2`` started from ``w = 0``.

    Example:
        >>> from lessons_lib.checks.ch07 import _gd_reference
        >>> check_early_stopped_gd(_gd_reference).passed
        True
        >>> check_early_stopped_gd(lambda X, y, lr, k: np.linalg.lstsq(X, y)[0]).passed
        False
    """
    name = "early-stopped gradient descent"
    rng = np.random.default_rng(7)
    X = rng.standard_normal((12, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 * rng.standard_normal(12)
    lr = 0.5 / np.linalg.eigvalsh(X.T @ X).max()
    for num_steps in (0, 1, 5, 40):
        got, problem = call_learner(name, fn, X.copy(), y.copy(), lr, num_steps)
        if problem is not None:
            return problem
        try:
            got = np.asarray(got, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            return Feedback(
                name, False, f"return the weights as an array, got {type(got).__name__}."
            )
        want = _gd_reference(X, y, lr, num_steps)
        if got.shape != want.shape:
            return Feedback(
                name, False, f"the weights should have shape {want.shape}, got {got.shape}."
            )
        if np.allclose(got, want):
            continue
        msg = f"after {num_steps} steps the weights differ from gradient descent started at 0."
        if np.allclose(got, _gd_reference(X, y, lr, num_steps + 1)):
            hint = " You took one step too many."
        elif num_steps >= 1 and np.allclose(got, _gd_reference(X, y, lr, num_steps - 1)):
            hint = " You took one step too few."
        elif np.allclose(got, _gd_reference(X, y, lr / len(y), num_steps)):
            hint = (
                " Your gradient is divided by n: the loss here is 0.5 * ||Xw - y||^2 (a sum), "
                "whose gradient is X^T (Xw - y)."
            )
        elif np.allclose(got, np.linalg.lstsq(X, y, rcond=None)[0]):
            hint = " That is the least-squares solution; stop after num_steps steps."
        elif np.allclose(got, _gd_reference(X, y, -lr, num_steps)):
            hint = " You stepped uphill: subtract lr times the gradient."
        else:
            hint = " Start from zeros and repeat w = w - lr * X.T @ (X @ w - y)."
        return Feedback(name, False, msg + hint)
    return Feedback(name, True, "matches gradient descent from zero for 0, 1, 5 and 40 steps.")
