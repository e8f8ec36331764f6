"""Tests of lessons_lib.checks.ch03: the elastic-net gradient and soft-thresholding."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.checks.ch03 import check_penalty_gradient, check_soft_threshold
from lessons_lib.penalties import soft_threshold


def stub(*args):
    raise NotImplementedError()


# --- check_penalty_gradient --------------------------------------------------------------------


def test_penalty_gradient_accepts_the_reference():
    fb = check_penalty_gradient(lambda w, a, b: a * np.sign(w) + 2 * b * w)
    assert fb.passed, fb.message


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda w, a, b: a * np.sign(w) + b * w, "factor 2 of the square is missing"),
        (lambda w, a, b: a * np.sign(w) + 4 * b * w, "twice too large"),
        (lambda w, a, b: a * np.where(w >= 0, 1, -1) + 2 * b * w, "valid subgradient"),
        (lambda w, a, b: a * np.where(w > 0, 1, -1) + 2 * b * w, "valid subgradient"),
        (lambda w, a, b: 5 * a * np.where(w == 0, 1, np.sign(w)) + 0 * w, "expected"),
        (lambda w, a, b: a * w + 2 * b * w, "not λ₁·w"),
        (lambda w, a, b: -(a * np.sign(w) + 2 * b * w), "sign is flipped"),
        (lambda w, a, b: 2 * b * w, "L1 part λ₁·sign(w) is missing"),
        (lambda w, a, b: a * np.sign(w), "L2 part 2λ₂w is missing"),
    ],
)
def test_penalty_gradient_rejects_typical_mistakes(wrong, phrase):
    fb = check_penalty_gradient(wrong)
    assert not fb.passed
    assert phrase in fb.message


def test_penalty_gradient_flags_a_value_at_zero_outside_the_interval():
    def outside(w, a, b):
        g = a * np.sign(w) + 2 * b * w
        return np.where(w == 0, 3 * a, g)

    fb = check_penalty_gradient(outside)
    assert not fb and "outside the subgradient interval" in fb.message


def test_penalty_gradient_reports_shape_type_stub_and_errors():
    assert "shape" in check_penalty_gradient(lambda w, a, b: w[:2]).message
    assert "NumPy array" in check_penalty_gradient(lambda w, a, b: {"g": 1}).message
    assert check_penalty_gradient(stub).message.startswith("not attempted yet")
    fb = check_penalty_gradient(lambda w, a, b: w @ "x")
    assert not fb and "raised" in fb.message


# --- check_soft_threshold ----------------------------------------------------------------------


def test_soft_threshold_accepts_the_reference_and_the_library():
    assert check_soft_threshold(lambda v, t: np.sign(v) * np.maximum(np.abs(v) - t, 0))
    assert check_soft_threshold(soft_threshold)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda v, t: np.where(np.abs(v) > t, v, 0.0), "hard thresholding"),
        (lambda v, t: v - t * np.sign(v), "cross zero"),
        (lambda v, t: np.maximum(v - t, 0.0), "negative values"),
        (lambda v, t: np.maximum(np.abs(v) - t, 0.0), "signs are wrong"),
        (lambda v, t: v * 0.5, "expected"),
    ],
)
def test_soft_threshold_rejects_typical_mistakes(wrong, phrase):
    fb = check_soft_threshold(wrong)
    assert not fb.passed
    assert phrase in fb.message


def test_soft_threshold_reports_shape_stub_and_errors():
    assert "shape" in check_soft_threshold(lambda v, t: v.sum()).message
    assert check_soft_threshold(stub).message.startswith("not attempted yet")
    assert "raised KeyError" in check_soft_threshold(lambda v, t: {}["x"]).message
