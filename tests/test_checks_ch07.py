"""Tests of lessons_lib.checks.ch07: the early-stopping exercises."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.checks.ch07 import (
    _gd_reference,
    _reference_stop,
    check_early_stopped_gd,
    check_should_stop,
)
from lessons_lib.checks.feedback import Feedback

# --- check_should_stop ------------------------------------------------------------------------


def loop_answer(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None


def late_by_one(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait > patience:
                return epoch
    return None


def zero_based(val_losses, patience, min_delta):
    stop = loop_answer(val_losses, patience, min_delta)
    return None if stop is None else stop - 1


def consecutive_increases(val_losses, patience, min_delta):
    run = 0
    for i in range(1, len(val_losses)):
        run = run + 1 if val_losses[i] > val_losses[i - 1] else 0
        if run >= patience:
            return i + 1
    return None


def ties_improve(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None


def ignores_min_delta(val_losses, patience, min_delta):
    return loop_answer(val_losses, patience, 0.0)


def never_resets(val_losses, patience, min_delta):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best = loss
        else:
            wait += 1
        if wait >= patience:
            return epoch
    return None


@pytest.mark.parametrize("answer", [_reference_stop, loop_answer])
def test_should_stop_accepts_correct_answers(answer):
    fb = check_should_stop(answer)
    assert fb
    assert fb.exercise == "should stop"
    assert "patience epochs after the best" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (late_by_one, "One epoch late"),
        (zero_based, "numbered from 1"),
        (consecutive_increases, "consecutive increases"),
        (ties_improve, "use <, not <="),
        (ignores_min_delta, "more than min_delta"),
        (never_resets, "Reset the counter"),
    ],
)
def test_should_stop_rejects_typical_mistakes(answer, phrase):
    fb = check_should_stop(answer)
    assert not fb
    assert phrase in fb.message
    assert "training should stop at epoch" in fb.message


def test_should_stop_rejects_a_non_integer_result():
    fb = check_should_stop(lambda v, p, d: "epoch 6")
    assert not fb
    assert "return an integer epoch or None" in fb.message


def test_should_stop_reports_stubs_and_errors_without_raising():
    def todo(v, p, d):
        raise NotImplementedError()

    assert "not attempted yet" in check_should_stop(todo).message
    fb = check_should_stop(lambda v, p, d: v[100])
    assert isinstance(fb, Feedback) and not fb
    assert "your function raised IndexError" in fb.message


def test_should_stop_passes_copies():
    def mutating(v, p, d):
        stop = loop_answer(v, p, d)
        v.clear()
        return stop

    assert check_should_stop(mutating)


# --- check_early_stopped_gd -----------------------------------------------------------------


def vectorized(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w -= lr * (X.T @ X @ w - X.T @ y)
    return w


@pytest.mark.parametrize("answer", [_gd_reference, vectorized])
def test_gd_accepts_correct_answers(answer):
    fb = check_early_stopped_gd(answer)
    assert fb
    assert "0, 1, 5 and 40 steps" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda X, y, lr, k: _gd_reference(X, y, lr, k + 1), "one step too many"),
        (lambda X, y, lr, k: _gd_reference(X, y, lr, max(k - 1, 0)), "one step too few"),
        (lambda X, y, lr, k: _gd_reference(X, y, lr / len(y), k), "divided by n"),
        (lambda X, y, lr, k: np.linalg.lstsq(X, y, rcond=None)[0], "least-squares solution"),
        (lambda X, y, lr, k: _gd_reference(X, y, -lr, k), "uphill"),
        (lambda X, y, lr, k: np.ones(X.shape[1]), "Start from zeros"),
    ],
)
def test_gd_rejects_typical_mistakes(answer, phrase):
    fb = check_early_stopped_gd(answer)
    assert not fb
    assert phrase in fb.message


def test_gd_rejects_wrong_shapes_and_types():
    assert "shape (4,)" in check_early_stopped_gd(lambda X, y, lr, k: np.zeros(3)).message
    assert "as an array" in check_early_stopped_gd(lambda X, y, lr, k: {"w": 1}).message


def test_gd_reports_stubs_without_raising():
    def todo(X, y, lr, k):
        raise NotImplementedError()

    assert "not attempted yet" in check_early_stopped_gd(todo).message
