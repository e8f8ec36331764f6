"""Check for chapter 9's R² exercise (the other check: :mod:`.ch09`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..metrics import r2_score
from .exercise import Case, Exercise, Mistake, number_reader
from .feedback import Feedback

# --- R squared -------------------------------------------------------------------------------


def _r2_cases() -> list[Case]:
    rng = np.random.default_rng(3)
    y = 5.0 + 2.0 * rng.standard_normal(15)
    return [
        Case((y, y + 0.8 * rng.standard_normal(15)), "for a decent fit"),
        Case((y, np.full(15, y.mean())), "for predicting the mean"),
        Case((y, y.mean() - (y - y.mean())), "for mirrored predictions"),
        Case((y, 2.0 * y), "for predictions 2·y"),
    ]


def _ss(t: Any, p: Any) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(t, dtype=float), np.asarray(p, dtype=float)


def _r2_variant(how: str) -> Callable[[Any, Any], float]:
    def answer(t, p):
        t, p = _ss(t, p)
        res, tot = np.sum((t - p) ** 2), np.sum((t - t.mean()) ** 2)
        return float(
            {
                "one_minus_mse": 1 - np.mean((t - p) ** 2),
                "ratio": res / tot,
                "uncentred": 1 - res / np.sum(t**2),
                "corr2": np.corrcoef(t, p)[0, 1] ** 2 if np.std(p) > 0 else 0.0,
                "pred_spread": 1 - res / np.sum((p - p.mean()) ** 2) if np.std(p) > 0 else 0.0,
                "ddof": 1 - np.mean((t - p) ** 2) / np.var(t, ddof=1),
                "absolute": 1 - np.sum(np.abs(t - p)) / np.sum(np.abs(t - t.mean())),
                "clipped": max(0.0, 1 - res / tot),
                "pred_mean": 1 - res / np.sum((t - p.mean()) ** 2),
                "mean_over_sum": 1 - np.mean((t - p) ** 2) / tot,
                "explained": 1 - np.var(t - p) / np.var(t),
                "unsquared": 1 - np.sum(t - p) / tot,
                "corr": np.corrcoef(t, p)[0, 1] if np.std(p) > 0 else 0.0,
            }[how]
        )

    return answer


R2_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "centred_on_prediction_mean",
        _r2_variant("pred_mean"),
        "the total sum of squares is taken around the mean of y_true, not the mean of y_pred.",
    ),
    Mistake(
        "mean_over_sum",
        _r2_variant("mean_over_sum"),
        "numerator and denominator must be normalized alike: you divided a mean of squared "
        "errors by a sum; use two sums (or two means).",
    ),
    Mistake(
        "one_minus_mse",
        _r2_variant("one_minus_mse"),
        "that is 1 − MSE; divide the squared errors by the spread of the targets.",
    ),
    Mistake("ratio", _r2_variant("ratio"), "that is the ratio of the two sums; R² is 1 minus it."),
    Mistake(
        "uncentred",
        _r2_variant("uncentred"),
        "subtract the mean of y_true before squaring in the denominator.",
    ),
    Mistake(
        "squared_correlation",
        _r2_variant("corr2"),
        "that is the squared correlation, which ignores offsets and scale: predictions 2y "
        "have correlation 1 but are a bad fit.",
    ),
    Mistake(
        "prediction_spread",
        _r2_variant("pred_spread"),
        "the denominator uses the spread of the true targets, not of the predictions "
        "(check the order of the arguments).",
    ),
    Mistake(
        "ddof_mismatch",
        _r2_variant("ddof"),
        "numerator and denominator must be normalized alike: both sums, or both means "
        "(np.var uses ddof=0, you mixed it with ddof=1).",
    ),
    Mistake(
        "absolute_errors",
        _r2_variant("absolute"),
        "use squared errors, not absolute ones, in both sums.",
    ),
    Mistake(
        "clipped_at_zero",
        _r2_variant("clipped"),
        "R² is not clipped at 0: a model worse than predicting the mean has a negative R².",
    ),
    Mistake(
        "explained_variance",
        _r2_variant("explained"),
        "that is the explained variance, 1 − Var(y − ŷ)/Var(y): it ignores a constant "
        "offset in the errors; R² sums the squared errors themselves.",
    ),
    Mistake(
        "residuals_not_squared",
        _r2_variant("unsquared"),
        "square the residuals in the numerator: Σ(y − ŷ)², not Σ(y − ŷ).",
    ),
    Mistake(
        "correlation_not_squared",
        _r2_variant("corr"),
        "that is the correlation r itself; and even r² is not R²: it ignores offsets and scale.",
    ),
)

R2 = Exercise(
    name="R squared",
    reference=r2_score,
    cases=_r2_cases,
    read=number_reader("R²"),
    mistakes=R2_MISTAKES,
    success="0 for predicting the mean, negative for worse, and not fooled by predictions "
    "that are merely correlated with the targets.",
    fallback=lambda value, want, case: f"R² should be {want:.3f}, got {value:.3f}.",
)


def check_r2(fn: Callable[[np.ndarray, np.ndarray], float]) -> Feedback:
    """Check a learner's ``r2(y_true, y_pred)``.

    The number is compared with the coefficient of determination for a decent fit, for
    predicting the mean, for predictions worse than the mean and for predictions that are
    correlated with the targets but off in scale.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_r2(lambda t, p: 1 - np.mean((t - p) ** 2)).passed
        False
    """
    return R2.check(fn)
