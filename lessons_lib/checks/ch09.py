"""Checks for chapter 9, *Diagnosing overfitting*."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..metrics import f1_score, precision, recall
from .answers import FLOAT64, Tolerance
from .ch09_r2 import check_r2 as check_r2  # the chapter's second check
from .exercise import Case, Exercise, Mistake, tuple_reader, wrong_parts
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


def _f1_short(t: Any, p: Any) -> float:
    tp, fp, fn, _ = _counts(t, p)
    return _ratio(2 * tp, tp + fp + fn)


def _prf_matches(t: Any, p: Any) -> tuple:
    tp, fp, fn, tn = _counts(t, p)
    hits = tp + tn
    P, R = _ratio(hits, hits + fp), _ratio(hits, hits + fn)
    return P, R, _ratio(2 * hits, 2 * hits + fp + fn)


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
    Mistake(
        "f1_denominator_without_2",
        lambda t, p: _prf(t, p)[:2] + (_f1_short(t, p),),
        "F1 = 2tp / (2tp + fp + fn): the denominator counts tp twice too (the count form of "
        "the harmonic mean).",
    ),
    Mistake(
        "recall_over_all",
        lambda t, p: (_prf(t, p)[0], _counts(t, p)[0] / len(t), _prf(t, p)[2]),
        "recall divides by the actual positives, tp + fn, not by the number of examples.",
    ),
    Mistake(
        "true_negatives_as_hits",
        lambda t, p: _prf_matches(t, p),
        "you counted every match (true negatives too) as a true positive: tp counts "
        "examples where both y_true and y_pred are 1.",
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
