"""Chapter 3 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.checks import check_penalty_gradient, check_soft_threshold
from lessons_lib.checks.ch03 import _soft_cases
from lessons_lib.proximal import soft_threshold


@pytest.mark.parametrize(
    "answer",
    [
        lambda w, a, b: a * np.sign(w) + 2 * b * w,
        lambda w, a, b: [a * (x > 0) - a * (x < 0) + 2 * b * x for x in w],
        lambda w, a, b: torch.tensor(w).sign() * a + 2 * b * torch.tensor(w).float(),
    ],
)
def test_penalty_gradient_accepts_correct_answers(answer):
    assert check_penalty_gradient(answer)


def soft_in_place_safe(v, t):
    out = np.abs(v) - t
    np.maximum(out, 0, out=out)
    out *= np.sign(v)
    return out


@pytest.mark.parametrize(
    "answer",
    [
        soft_threshold,
        soft_in_place_safe,
        lambda v, t: np.where(v > t, v - t, np.where(v < -t, v + t, 0.0)),
        lambda v, t: np.clip(v - t, 0, None) + np.clip(v + t, None, 0),
        lambda v, t: torch.nn.functional.softshrink(torch.tensor(v), t) if t > 0 else v,
    ],
)
def test_soft_threshold_accepts_correct_answers(answer):
    assert check_soft_threshold(answer)


def test_soft_threshold_rejects_the_in_place_answer_wrong_only_between_t_and_2t():
    def in_place(v, t):
        v -= t * np.sign(v)
        v[np.abs(v) <= t] = 0
        return v

    fb = check_soft_threshold(in_place)
    assert not fb and "t < |v| ≤ 2t" in fb.message


def test_the_inputs_cover_every_regime_of_soft_thresholding():
    for case in _soft_cases():
        v, t = case.args
        if t in (0.0, 3.0):  # no band at all / everything inside the band
            continue
        a = np.abs(v)
        for regime in (a < t, a == t, (t < a) & (a <= 2 * t), a > 2 * t, v == 0, v < -t):
            assert regime.any(), (t, regime)


REGIMES = {
    "inside": lambda a, t: (a < t) & (a > 0),
    "edge": lambda a, t: a == t,
    "just_outside": lambda a, t: (t < a) & (a <= 2 * t),
    "far_outside": lambda a, t: a > 2 * t,
    "zero": lambda a, t: a == 0,
}


@settings(max_examples=40, deadline=None)
@given(
    regime=st.sampled_from(sorted(REGIMES)), wrong=st.floats(-5, 5).filter(lambda x: abs(x) > 1e-3)
)
def test_an_answer_wrong_in_any_single_regime_is_rejected(regime, wrong):
    def answer(v, t):
        out = soft_threshold(v, t)
        where = REGIMES[regime](np.abs(v), t)
        return np.where(where, out + wrong, out)

    assert not check_soft_threshold(answer)
