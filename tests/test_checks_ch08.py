"""Tests of lessons_lib.checks.ch08: the augmentation exercises."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from lessons_lib.checks.ch08 import _reference_mixup, check_label_smoothing, check_mixup
from lessons_lib.checks.feedback import Feedback
from lessons_lib.mixing import smooth_labels


def loop_mixup(x, t, lam, perm):
    xs, ts = [], []
    for i in range(len(x)):
        j = int(perm[i])
        xs.append(lam[i] * x[i] + (1 - lam[i]) * x[j])
        ts.append(lam[i] * t[i] + (1 - lam[i]) * t[j])
    return torch.stack(xs), torch.stack(ts)


@pytest.mark.parametrize("answer", [_reference_mixup, loop_mixup])
def test_mixup_accepts_correct_answers(answer):
    fb = check_mixup(answer)
    assert fb
    assert "same weights" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda x, t, lam, p: (_reference_mixup(x, t, lam, p)[0], t), "labels are not"),
        (
            lambda x, t, lam, p: (
                _reference_mixup(x, t, lam, p)[0],
                _reference_mixup(x, t, 1 - lam, p)[1],
            ),
            "targets use 1 - lam",
        ),
        (
            lambda x, t, lam, p: (
                _reference_mixup(x, t, 1 - lam, p)[0],
                _reference_mixup(x, t, lam, p)[1],
            ),
            "images use 1 - lam",
        ),
        (
            lambda x, t, lam, p: (lam[:, None, None] * (x + x[p]), lam[:, None] * (t + t[p])),
            "partner's weight is 1 - lam",
        ),
        (lambda x, t, lam, p: (x, t * 2), "sum to 1"),
        (lambda x, t, lam, p: (x * 0.5, t), "x_mixed = lam x"),
    ],
)
def test_mixup_rejects_typical_mistakes(answer, phrase):
    fb = check_mixup(answer)
    assert not fb
    assert phrase in fb.message


def test_mixup_rejects_bad_returns_and_reports_stubs():
    assert "return a pair" in check_mixup(lambda x, t, lam, p: 3).message
    assert "shapes should be" in check_mixup(lambda x, t, lam, p: (x[0], t)).message

    def todo(x, t, lam, p):
        raise NotImplementedError()

    assert "not attempted yet" in check_mixup(todo).message
    fb = check_mixup(lambda x, t, lam, p: x @ t)
    assert isinstance(fb, Feedback) and "your function raised" in fb.message


def by_hand_smoothing(y, k, eps):
    return (1 - eps) * F.one_hot(y, k).float() + eps / k


@pytest.mark.parametrize("answer", [smooth_labels, by_hand_smoothing])
def test_label_smoothing_accepts_correct_answers(answer):
    fb = check_label_smoothing(answer)
    assert fb
    assert "matches PyTorch" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (
            lambda y, k, e: (
                (1 - e) * F.one_hot(y, k).float() + e / (k - 1) * (1 - F.one_hot(y, k).float())
            ),
            "k - 1 wrong classes",
        ),
        (lambda y, k, e: F.one_hot(y, k).float() + e / k, "no longer sum to 1"),
        (lambda y, k, e: (1 - e) * F.one_hot(y, k).float(), "add eps / k"),
        (lambda y, k, e: F.one_hot(y, k).float() * 0.5 + 0.1, "(1 - eps) * one_hot(y) + eps / k"),
    ],
)
def test_label_smoothing_rejects_typical_mistakes(answer, phrase):
    fb = check_label_smoothing(answer)
    assert not fb
    assert phrase in fb.message


def test_label_smoothing_rejects_bad_shapes_and_reports_stubs():
    assert "shape should be (4, 3)" in check_label_smoothing(lambda y, k, e: y).message
    assert "return a tensor" in check_label_smoothing(lambda y, k, e: "soft").message

    def todo(y, k, e):
        raise NotImplementedError()

    assert "not attempted yet" in check_label_smoothing(todo).message
