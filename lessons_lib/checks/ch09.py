"""Checks for chapter 9, *Diagnosing overfitting*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..metrics import accuracy, f1_score, precision, r2_score, recall
from .feedback import Feedback, call_learner

# Imbalanced labels (4 positives out of 20) and predictions with tp=3, fp=3, fn=1:
# accuracy 0.8, precision 0.5, recall 0.75, F1 0.6 -- every plausible mistake differs.
_Y_TRUE = np.array([1, 1, 1, 1] + [0] * 16)
_Y_PRED = np.array([1, 1, 1, 0] + [1, 1, 1] + [0] * 13)


def _reference_prf(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    return precision(y_true, y_pred), recall(y_true, y_pred), f1_score(y_true, y_pred)


def check_precision_recall_f1(
    fn: Callable[[np.ndarray, np.ndarray], tuple[float, float, float]],
) -> Feedback:
    """Check a learner's ``precision_recall_f1(y_true, y_pred) -> (precision, recall, f1)``.

    Expected: the metrics of the positive class 1, with 0 for a ratio whose denominator
    is 0.

    Example:
        >>> from lessons_lib.checks.ch09 import _reference_prf
        >>> check_precision_recall_f1(_reference_prf).passed
        True
        >>> check_precision_recall_f1(lambda t, p: (0.5, 0.75, float(np.mean(t == p)))).passed
        False
    """
    name = "precision, recall and F1"
    cases = [
        (_Y_TRUE, _Y_PRED),
        (_Y_TRUE, np.zeros_like(_Y_TRUE)),  # "always negative": every ratio is 0
        (np.array([0, 1, 1, 0, 1]), np.array([0, 1, 1, 0, 1])),  # perfect
    ]
    for y_true, y_pred in cases:
        got, problem = call_learner(name, fn, y_true.copy(), y_pred.copy())
        if problem is not None:
            return problem
        try:
            p, r, f = (float(v) for v in got)
        except (TypeError, ValueError):
            return Feedback(
                name, False, f"return a triple (precision, recall, f1) of numbers, got {got!r}."
            )
        wp, wr, wf = _reference_prf(y_true, y_pred)
        acc = accuracy(y_true, y_pred)
        where = f"for y_true={y_true.tolist()} and y_pred={y_pred.tolist()}"
        if any(np.isnan(v) for v in (p, r, f)):
            return Feedback(
                name,
                False,
                f"{where} you returned nan: when a denominator is 0 (nothing predicted "
                "positive, say) return 0 for that ratio.",
            )
        if np.allclose((p, r), (wr, wp)) and not np.isclose(wp, wr):
            return Feedback(
                name,
                False,
                f"{where} precision and recall are swapped: precision = tp / (tp + fp) "
                "(of the predicted positives), recall = tp / (tp + fn) (of the true positives).",
            )
        if not np.isclose(p, wp):
            return Feedback(name, False, f"{where} precision should be {wp:.3f}, got {p:.3f}.")
        if not np.isclose(r, wr):
            return Feedback(name, False, f"{where} recall should be {wr:.3f}, got {r:.3f}.")
        if not np.isclose(f, wf):
            if np.isclose(f, acc):
                why = (
                    "that is the accuracy. F1 ignores the true negatives: it is the harmonic "
                    "mean of precision and recall."
                )
            elif np.isclose(f, (wp + wr) / 2):
                why = "that is the arithmetic mean; F1 is the harmonic mean 2PR / (P + R)."
            elif np.isclose(f, 2 * acc * acc / (2 * acc)) or np.isclose(f, acc * acc):
                why = "F1 is computed from precision and recall, not from accuracy."
            else:
                why = "F1 = 2PR / (P + R), or 2tp / (2tp + fp + fn)."
            return Feedback(name, False, f"{where} F1 should be {wf:.3f}, got {f:.3f}: {why}")
    return Feedback(
        name,
        True,
        "precision 0.5, recall 0.75 and F1 0.6 where accuracy is 0.8, and 0 (not nan) for "
        "a classifier that never predicts the positive class.",
    )


def check_r2(fn: Callable[[np.ndarray, np.ndarray], float]) -> Feedback:
    """Check a learner's ``r2(y_true, y_pred)``.

    Example:
        >>> check_r2(r2_score).passed
        True
        >>> check_r2(lambda t, p: 1 - np.mean((t - p) ** 2)).passed
        False
    """
    name = "R squared"
    rng = np.random.default_rng(3)
    y_true = 5.0 + 2.0 * rng.standard_normal(15)
    cases = [
        y_true + 0.8 * rng.standard_normal(15),  # a decent fit
        np.full(15, y_true.mean()),  # the mean: R^2 = 0
        y_true.mean() - (y_true - y_true.mean()),  # mirrored: R^2 = -3
        2.0 * y_true,  # correlation 1 but a bad fit
    ]
    for y_pred in cases:
        got, problem = call_learner(name, fn, y_true.copy(), y_pred.copy())
        if problem is not None:
            return problem
        try:
            got = float(got)
        except (TypeError, ValueError):
            return Feedback(name, False, f"return one number, got {type(got).__name__}.")
        want = r2_score(y_true, y_pred)
        if np.isclose(got, want):
            continue
        ss_res = np.sum((y_true - y_pred) ** 2)
        ss_tot = np.sum((y_true - y_true.mean()) ** 2)
        if np.isclose(got, 1 - np.mean((y_true - y_pred) ** 2)):
            why = "that is 1 - MSE; divide the squared errors by the spread of the targets."
        elif np.isclose(got, ss_res / ss_tot):
            why = "that is the ratio itself; R^2 is 1 minus it."
        elif np.isclose(got, 1 - ss_res / np.sum(y_true**2)):
            why = "subtract the mean of y_true before squaring in the denominator."
        elif np.isclose(got, np.corrcoef(y_true, y_pred)[0, 1] ** 2):
            why = (
                "that is the squared correlation, which ignores offsets and scale: "
                "predictions 2y have correlation 1 but are a bad fit."
            )
        elif np.isclose(got, 1 - ss_res / np.sum((y_pred - y_pred.mean()) ** 2)):
            why = "the denominator uses the spread of the true targets, not of the predictions."
        else:
            why = "R^2 = 1 - sum((y - y_hat)^2) / sum((y - mean(y))^2)."
        return Feedback(name, False, f"R^2 should be {want:.3f}, got {got:.3f}: {why}")
    return Feedback(
        name,
        True,
        "0 for predicting the mean, negative for worse, and it is not fooled by "
        "predictions that are merely correlated with the targets.",
    )
