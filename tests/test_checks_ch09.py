"""Tests of lessons_lib.checks.ch09: the metric exercises."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.checks.ch09 import _reference_prf, check_precision_recall_f1, check_r2
from lessons_lib.checks.feedback import Feedback
from lessons_lib.metrics import r2_score


def by_counts(t, p):
    tp = np.sum((t == 1) & (p == 1))
    fp = np.sum((t == 0) & (p == 1))
    fn = np.sum((t == 1) & (p == 0))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


@pytest.mark.parametrize("answer", [_reference_prf, by_counts, lambda t, p: list(by_counts(t, p))])
def test_prf_accepts_correct_answers(answer):
    fb = check_precision_recall_f1(answer)
    assert fb
    assert "F1 0.6" in fb.message


def f1_from_accuracy(t, p):
    prec, rec, _ = by_counts(t, p)
    return prec, rec, float(np.mean(t == p))


def arithmetic_mean(t, p):
    prec, rec, _ = by_counts(t, p)
    return prec, rec, (prec + rec) / 2


def swapped(t, p):
    prec, rec, f1 = by_counts(t, p)
    return rec, prec, f1


def nan_on_zero(t, p):
    tp = np.sum((t == 1) & (p == 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        prec = tp / np.sum(p == 1)
    rec = tp / np.sum(t == 1)
    return prec, rec, 2 * prec * rec / (prec + rec)


def counts_negatives(t, p):
    tp = np.sum(t == p)
    return tp / len(p), tp / len(t), tp / len(t)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (f1_from_accuracy, "that is the accuracy"),
        (arithmetic_mean, "harmonic mean 2PR / (P + R)"),
        (swapped, "swapped"),
        (nan_on_zero, "return 0 for that ratio"),
        (counts_negatives, "precision should be 0.500"),
        (lambda t, p: (*by_counts(t, p)[:2], 0.123), "F1 = 2PR / (P + R)"),
        (lambda t, p: (by_counts(t, p)[0], 0.9, 0.5), "recall should be 0.750"),
    ],
)
def test_prf_rejects_typical_mistakes(answer, phrase):
    fb = check_precision_recall_f1(answer)
    assert not fb
    assert phrase in fb.message


@pytest.mark.parametrize("returned", [0.5, (1, 2), "abc", None])
def test_prf_asks_for_a_triple(returned):
    fb = check_precision_recall_f1(lambda t, p: returned)
    assert not fb
    assert "return a triple (precision, recall, f1)" in fb.message


def test_prf_reports_stubs_and_errors():
    def todo(t, p):
        raise NotImplementedError()

    assert "not attempted yet" in check_precision_recall_f1(todo).message
    fb = check_precision_recall_f1(lambda t, p: t["x"])
    assert isinstance(fb, Feedback) and not fb
    assert "your function raised IndexError" in fb.message


def by_hand_r2(t, p):
    return 1 - np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2)


@pytest.mark.parametrize("answer", [r2_score, by_hand_r2])
def test_r2_accepts_correct_answers(answer):
    fb = check_r2(answer)
    assert fb
    assert "not fooled" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda t, p: 1 - np.mean((t - p) ** 2), "1 - MSE"),
        (lambda t, p: np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2), "the ratio itself"),
        (lambda t, p: 1 - np.sum((t - p) ** 2) / np.sum(t**2), "subtract the mean"),
        (lambda t, p: np.corrcoef(t, p)[0, 1] ** 2, "squared correlation"),
        (
            lambda t, p: 1 - np.sum((t - p) ** 2) / np.sum((p - p.mean()) ** 2 + 1e-300),
            "spread of the true targets",
        ),
        (lambda t, p: 0.5, "R^2 = 1 - sum"),
    ],
)
def test_r2_rejects_typical_mistakes(answer, phrase):
    with np.errstate(all="ignore"):
        fb = check_r2(answer)
    assert not fb
    assert phrase in fb.message


def test_r2_reports_stubs_and_bad_returns():
    def todo(t, p):
        raise NotImplementedError()

    assert "not attempted yet" in check_r2(todo).message
    assert "return one number" in check_r2(lambda t, p: [1.0, 2.0]).message
