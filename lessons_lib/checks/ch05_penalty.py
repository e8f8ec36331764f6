"""Check for chapter 5's dropout-as-a-penalty exercise (the other check: :mod:`.ch05`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..dropout import input_dropout_penalty
from .exercise import Case, Exercise, Mistake, number_reader
from .feedback import Feedback

# --- dropout as a penalty --------------------------------------------------------------------


def _penalty_cases() -> list[Case]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4)) * np.array([0.5, 1.0, 2.0, 3.0]) + 0.7
    w = np.array([1.5, -2.0, 0.5, 1.0])
    X2 = rng.normal(size=(12, 3)) + np.array([-1.0, 0.3, 2.0])
    w2 = np.array([0.4, 1.2, -0.7])
    return [Case((X, w, 0.3), "with p=0.3"), Case((X2, w2, 0.6), "with p=0.6")]


def _col(X: Any, how: str = "mean2") -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return {
        "mean2": np.mean(X**2, axis=0),
        "sum2": np.sum(X**2, axis=0),
        "mean": np.mean(X, axis=0),
        "var": np.var(X, axis=0),
        "mean_squared": np.mean(X, axis=0) ** 2,
    }[how]


def _pen(factor: Callable[[float], float], how: str = "mean2", reduce=np.sum) -> Callable:
    return lambda X, w, p: float(factor(p) * reduce(np.asarray(w) ** 2 * _col(X, how)))


PENALTY_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "factor_p",
        _pen(lambda p: p),
        "the factor is p/(1 − p), the variance of the scaled mask m/(1 − p), not p.",
    ),
    Mistake(
        "factor_inverted",
        _pen(lambda p: (1 - p) / p),
        "the factor is p/(1 − p), not (1 − p)/p: the variance of m/(1 − p) is p(1 − p)/(1 − p)².",
    ),
    Mistake(
        "factor_squared",
        _pen(lambda p: p / (1 - p) ** 2),
        "the factor is p/(1 − p): one power of (1 − p) cancels against the Bernoulli "
        "variance p(1 − p).",
    ),
    Mistake(
        "no_data",
        lambda X, w, p: float(p / (1 - p) * np.sum(np.asarray(w) ** 2)),
        "the penalty depends on the data: weight each w_j² by the mean of x_ij² over examples.",
    ),
    Mistake(
        "summed_over_examples",
        _pen(lambda p: p / (1 - p), "sum2"),
        "for the mean squared error, average x_ij² over the examples instead of summing.",
    ),
    Mistake(
        "inputs_not_squared",
        _pen(lambda p: p / (1 - p), "mean"),
        "square the inputs: each feature contributes w_j² times the mean of x_ij².",
    ),
    Mistake(
        "variance_of_feature",
        _pen(lambda p: p / (1 - p), "var"),
        "use the mean of x_ij² (the second moment), not the variance of feature j.",
    ),
    Mistake(
        "square_of_mean",
        _pen(lambda p: p / (1 - p), "mean_squared"),
        "use the mean of the squares, mean over i of x_ij², not the square of the mean "
        "(mean over i of x_ij)².",
    ),
    Mistake(
        "w_not_squared",
        lambda X, w, p: float(p / (1 - p) * np.sum(np.abs(w) * _col(X))),
        "w_j enters squared: the term is p/(1 − p)·Σ_j w_j²·mean_i x_ij².",
    ),
    Mistake(
        "w_signed",
        lambda X, w, p: float(p / (1 - p) * np.sum(np.asarray(w) * _col(X))),
        "w_j enters squared (not signed): the term is p/(1 − p)·Σ_j w_j²·mean_i x_ij².",
    ),
    Mistake(
        "prediction_squared",
        lambda X, w, p: float(p / (1 - p) * np.mean((np.asarray(X) @ np.asarray(w)) ** 2)),
        "that is p/(1 − p)·mean((Xw)²), which keeps the cross terms x_ij·x_ik·w_j·w_k: the "
        "mask entries are independent, so only each feature's own term w_j²·x_ij² survives.",
    ),
    Mistake(
        "factor_p_times_keep",
        _pen(lambda p: p * (1 - p)),
        "the factor is p/(1 − p), not p·(1 − p): the Bernoulli variance p(1 − p) is divided "
        "by (1 − p)² by the rescaling.",
    ),
    Mistake(
        "half",
        _pen(lambda p: p / (1 - p) / 2),
        "there is no 1/2: the term added to the expected mean squared error is "
        "p/(1 − p)·Σ_j w_j²·mean_i x_ij² (a 1/2 comes only with a loss that carries one).",
    ),
    Mistake(
        "mean_over_features",
        _pen(lambda p: p / (1 - p), reduce=np.mean),
        "sum the terms over the features j; averaging them divides by the number of features.",
    ),
    Mistake(
        "no_dropout_factor",
        _pen(lambda p: 1.0),
        "the dropout factor p/(1 − p) is missing: Σ_j w_j²·mean_i x_ij² is multiplied by it.",
    ),
    Mistake(
        "std_of_feature",
        lambda X, w, p: float(p / (1 - p) * np.sum(np.asarray(w) ** 2 * np.std(X, axis=0))),
        "use the mean of x_ij² (the second moment), not the standard deviation of feature j.",
    ),
)

DROPOUT_PENALTY = Exercise(
    name="dropout as a penalty",
    reference=input_dropout_penalty,
    cases=_penalty_cases,
    read=number_reader("the penalty"),
    mistakes=PENALTY_MISTAKES,
    success="an L2 penalty whose weight for feature j grows with p/(1 − p) and with the "
    "mean square of that feature.",
    fallback=lambda value, want, case: (
        f"expected {float(want):.4f}, got {float(value):.4f}: the term is "
        "p/(1 − p)·Σ_j w_j²·mean_i x_ij², one factor at a time."
    ),
)


def check_dropout_penalty(fn: Callable[[np.ndarray, np.ndarray, float], float]) -> Feedback:
    """Check a learner's ``dropout_penalty(X, w, p)``.

    The number returned is compared with the term that input dropout adds to the expected
    mean squared error of a linear model, for two data sets and two values of ``p``.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_dropout_penalty(lambda X, w, p: 0.0).passed
        False
    """
    return DROPOUT_PENALTY.check(fn)
