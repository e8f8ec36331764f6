"""Chapter 9 checks: correct answers written differently."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.checks import check_precision_recall_f1, check_r2


def prf_counts(t, p):
    tp = int(np.sum((t == 1) & (p == 1)))
    fp = int(np.sum((t == 0) & (p == 1)))
    fn = int(np.sum((t == 1) & (p == 0)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return prec, rec, f1


@pytest.mark.parametrize(
    "answer",
    [prf_counts, lambda t, p: list(prf_counts(t, p)), lambda t, p: np.array(prf_counts(t, p))],
)
def test_prf_accepts_correct_answers(answer):
    assert check_precision_recall_f1(answer)


@pytest.mark.parametrize(
    "answer",
    [
        lambda t, p: 1 - np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2),
        lambda t, p: 1 - np.mean((t - p) ** 2) / np.var(t),
        lambda t, p: np.float32(1 - ((t - p) ** 2).sum() / ((t - t.mean()) ** 2).sum()),
    ],
)
def test_r2_accepts_correct_answers(answer):
    assert check_r2(answer)


def prf_guarding_precision_only(t, p):
    """Guards precision's empty denominator only: recall and F1 are nan with no 1 at all."""
    tp = int(np.sum((t == 1) & (p == 1)))
    fp = int(np.sum((t == 0) & (p == 1)))
    fn = int(np.sum((t == 1) & (p == 0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = np.float64(tp) / (tp + fn)
        f1 = np.float64(2 * tp) / (2 * tp + fp + fn)
    return prec, rec, f1


def test_prf_rejects_unguarded_recall_and_f1():
    feedback = check_precision_recall_f1(prf_guarding_precision_only)
    assert not feedback
    message = str(feedback)
    assert "recall" in message and "F1" in message, message
    assert "neither array has a 1" in message and "return 0" in message, message
