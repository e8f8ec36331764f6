"""Chapter 7 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.checks import check_early_stopped_gd, check_should_stop


def stop_loop(values, patience, min_delta):
    best, waited = float("inf"), 0
    for epoch, v in enumerate(values, start=1):
        if v < best - min_delta:
            best, waited = v, 0
        else:
            waited += 1
            if waited == patience:
                return epoch
    return None


def stop_index(values, patience, min_delta):
    best_i = 0
    for i in range(1, len(values)):
        if values[i] < values[best_i] - min_delta:
            best_i = i
        elif i - best_i >= patience:
            return i + 1
    return None


@pytest.mark.parametrize(
    "answer", [stop_loop, lambda v, p, d: np.int64(s) if (s := stop_loop(v, p, d)) else None]
)
def test_should_stop_accepts_correct_answers(answer):
    assert check_should_stop(answer)


def test_should_stop_rejects_a_relative_min_delta():
    def relative(values, patience, min_delta):
        best, waited = float("inf"), 0
        for epoch, v in enumerate(values, start=1):
            if v < best * (1 - min_delta):
                best, waited = v, 0
            else:
                waited += 1
                if waited >= patience:
                    return epoch
        return None

    fb = check_should_stop(relative)
    assert not fb and "absolute" in fb.message


def test_should_stop_returning_the_best_epoch_is_not_told_to_reset_the_counter():
    def best_epoch(values, patience, min_delta):
        stop = stop_loop(values, patience, min_delta)
        return None if stop is None else int(np.argmin(values[:stop])) + 1

    fb = check_should_stop(best_epoch)
    assert not fb and "return the epoch at which training stops" in fb.message
    assert "counter" not in fb.message


def test_should_stop_names_a_running_minimum_as_the_reference():
    def running_minimum(values, patience, min_delta):
        lowest, waited = float("inf"), 0
        for epoch, v in enumerate(values, start=1):
            waited = 0 if v < lowest - min_delta else waited + 1
            lowest = min(lowest, v)
            if waited >= patience:
                return epoch
        return None

    fb = check_should_stop(running_minimum)
    assert not fb and "last improvement" in fb.message


def test_should_stop_index_based_answer_is_checked_on_a_non_unit_best():
    # stop_index keeps min_delta absolute, so it must pass
    assert check_should_stop(stop_index)


@pytest.mark.parametrize(
    "answer",
    [
        lambda X, y, lr, k: (
            np.linalg.matrix_power(np.eye(X.shape[1]) - lr * X.T @ X, 0) @ np.zeros(X.shape[1])
            if k == 0
            else _closed_form(X, y, lr, k)
        ),
        lambda X, y, lr, k: _loop(X, y, lr, k).reshape(-1, 1),
        lambda X, y, lr, k: _loop(X, y, lr, k).astype(np.float32),
    ],
)
def test_gd_accepts_correct_answers(answer):
    assert check_early_stopped_gd(answer)


def _loop(X, y, lr, k):
    w = np.zeros(X.shape[1])
    for _ in range(k):
        w -= lr * (X.T @ X @ w - X.T @ y)
    return w


def _closed_form(X, y, lr, k):
    # w_k = (I - (I - lr XᵀX)^k) (XᵀX)⁻¹ Xᵀy
    A = X.T @ X
    M = np.linalg.matrix_power(np.eye(len(A)) - lr * A, k)
    return (np.eye(len(A)) - M) @ np.linalg.solve(A, X.T @ y)
