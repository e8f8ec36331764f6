"""Checks for chapter 9, *Diagnosing overfitting*."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..metrics import f1_score, precision, r2_score, recall
from .answers import FLOAT64, Tolerance
from .exercise import Case, Exercise, Mistake, number_reader, tuple_reader, wrong_parts
from .feedback import Feedback

# --- precision, recall, F1 -------------------------------------------------------------------

# Imbalanced labels (4 positives out of 20) and predictions with tp=3, fp=3, fn=1:
# accuracy 0.8, precision 0.5, recall 0.75, F1 0.6 -- every plausible mistake differs.
_Y_TRUE = np.array([1, 1, 1, 1] + [0] * 16)
_Y_PRED = np.array([1, 1, 1, 0] + [1, 1, 1] + [0] * 13)


def _prf_cases() -> list[Case]:
    return [
        Case((_Y_TRUE, _Y_PRED), "on 20 imbalanced labels"),
        Case((_Y_TRUE, np.zeros_like(_Y_TRUE)), "for a classifier that never predicts 1"),
        Case(
            (np.array([1, 1, 1, 1, 1, 0, 0, 0]), np.array([1, 1, 0, 0, 0, 0, 0, 0])), "on 8 labels"
        ),
        Case((np.array([0, 1, 1, 0, 1]), np.array([0, 1, 1, 0, 1])), "for perfect predictions"),
        Case((np.zeros(6, dtype=int), np.zeros(6, dtype=int)), "when neither array has a 1"),
    ]


def _prf_reference(y_true: Any, y_pred: Any) -> tuple[float, float, float]:
    return precision(y_true, y_pred), recall(y_true, y_pred), f1_score(y_true, y_pred)


def _counts(t: Any, p: Any, pos: int = 1) -> tuple[int, int, int, int]:
    t, p = np.asarray(t) == pos, np.asarray(p) == pos
    return int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p)), int(np.sum(~t & ~p))


def _ratio(a: float, b: float, empty: float = 0.0) -> float:
    return a / b if b else empty


def _prf(t: Any, p: Any, *, pos: int = 1, empty: float = 0.0, f1: str = "harmonic") -> tuple:
    tp, fp, fn, tn = _counts(t, p, pos)
    P, R = _ratio(tp, tp + fp, empty), _ratio(tp, tp + fn, empty)
    if f1 == "harmonic":
        F = _ratio(2 * P * R, P + R, empty)
    elif f1 == "arithmetic":
        F = (P + R) / 2
    elif f1 == "product":
        F = P * R
    else:
        F = (tp + tn) / (tp + fp + fn + tn)
    return P, R, F


def _accuracy(t: Any, p: Any) -> float:
    tp, fp, fn, tn = _counts(t, p)
    return (tp + tn) / (tp + fp + fn + tn)


def _prf_floor(t: Any, p: Any) -> tuple:
    tp, fp, fn, _ = _counts(t, p)
    P = tp // (tp + fp) if tp + fp else 0
    R = tp // (tp + fn) if tp + fn else 0
    return P, R, _prf(t, p)[2]


PRF_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "precision_recall_swapped",
        lambda t, p: _prf(t, p)[1::-1] + _prf(t, p)[2:],
        "precision and recall are swapped: precision is the share of predicted positives "
        "that are right, recall the share of true positives that are found.",
    ),
    Mistake(
        "f1_is_accuracy",
        lambda t, p: _prf(t, p, f1="accuracy"),
        "F1 is the accuracy here. F1 ignores the true negatives: it is the harmonic mean of "
        "precision and recall.",
    ),
    Mistake(
        "f1_arithmetic_mean",
        lambda t, p: _prf(t, p, f1="arithmetic"),
        "F1 is the arithmetic mean here; it is the harmonic mean of precision and recall.",
    ),
    Mistake(
        "f1_product",
        lambda t, p: _prf(t, p, f1="product"),
        "F1 is P·R here; the harmonic mean is 2PR / (P + R).",
    ),
    Mistake(
        "nan_for_empty",
        lambda t, p: _prf(t, p, empty=float("nan")),
        "you returned nan: when a denominator is 0 (nothing predicted positive, say) return "
        "0 for that ratio.",
    ),
    Mistake(
        "one_for_empty",
        lambda t, p: _prf(t, p, empty=1.0),
        "a classifier that never predicts the positive class gets precision 0 here, not 1 "
        "(return 0 when a denominator is 0).",
    ),
    Mistake(
        "percentages",
        lambda t, p: tuple(100 * v for v in _prf(t, p)),
        "you returned percentages; return fractions between 0 and 1.",
    ),
    Mistake(
        "integer_division",
        lambda t, p: _prf_floor(t, p),
        "integer division (//) floors each ratio to 0 or 1: divide with /.",
    ),
    Mistake(
        "accuracy_as_precision",
        lambda t, p: (_accuracy(t, p),) + _prf(t, p)[1:],
        "that precision is the accuracy (right predictions over all predictions); precision "
        "is tp / (tp + fp), over the predicted positives only.",
    ),
    Mistake(
        "negative_class",
        lambda t, p: _prf(t, p, pos=0),
        "those are the metrics of class 0; compute them for the positive class 1.",
    ),
)


def _prf_agree(a: Any, b: Any, case: Case, tol: Tolerance) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol.rtol, atol=1e-9, equal_nan=True))


def _prf_fallback(value: tuple, want: tuple, case: Case) -> str:
    bad = wrong_parts(value, want, ("precision", "recall", "F1"), FLOAT64)
    got = ", ".join(f"{v:.3f}" for v in value)
    expected = ", ".join(f"{w:.3f}" for w in want)
    hint = ""
    if np.isnan(np.asarray(value, dtype=float)).any():
        hint = " A nan means that a denominator is 0 here: return 0 for that ratio."
    return f"{' and '.join(bad)} wrong: expected ({expected}), got ({got}).{hint}"


PRECISION_RECALL_F1 = Exercise(
    name="precision, recall and F1",
    reference=_prf_reference,
    cases=_prf_cases,
    read=tuple_reader(("precision", "recall", "f1"), numbers=True),
    mistakes=PRF_MISTAKES,
    success="precision 0.5, recall 0.75 and F1 0.6 where accuracy is 0.8, and 0 (not nan) "
    "for a classifier that never predicts the positive class.",
    fallback=_prf_fallback,
    parts=("precision", "recall", "f1"),
    agree=_prf_agree,
)


def check_precision_recall_f1(
    fn: Callable[[np.ndarray, np.ndarray], tuple[float, float, float]],
) -> Feedback:
    """Check a learner's ``precision_recall_f1(y_true, y_pred) -> (precision, recall, f1)``.

    The three numbers are compared, for the positive class 1, on imbalanced labels, on a
    classifier that never predicts 1 (precision's denominator is empty, which should give
    0; recall and F1 are 0/4 there), on perfect predictions, and on arrays with no 1 in
    either (every denominator is empty, and each of the three should be 0).

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_precision_recall_f1(lambda t, p: (0.5, 0.75, float(np.mean(t == p)))).passed
        False
    """
    return PRECISION_RECALL_F1.check(fn)


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
