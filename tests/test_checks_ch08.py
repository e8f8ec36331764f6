"""Chapter 8 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib.checks import check_label_smoothing, check_mixup


def mix_loop(x, t, lam, perm):
    xs, ts = [], []
    for i in range(len(x)):
        j = int(perm[i])
        xs.append(lam[i] * x[i] + (1 - lam[i]) * x[j])
        ts.append(lam[i] * t[i] + (1 - lam[i]) * t[j])
    return torch.stack(xs), torch.stack(ts)


@pytest.mark.parametrize(
    "answer",
    [
        mix_loop,
        lambda x, t, lam, p: (
            torch.lerp(x[p], x, lam.view(-1, 1, 1).to(x.dtype)),
            torch.lerp(t[p], t, lam.view(-1, 1).to(t.dtype)),
        ),
        lambda x, t, lam, p: tuple(v.numpy() for v in mix_loop(x, t, lam, p)),
    ],
)
def test_mixup_accepts_correct_answers(answer):
    fb = check_mixup(answer)
    assert fb, fb.message


@pytest.mark.parametrize(
    "answer",
    [
        lambda y, k, e: (1 - e) * F.one_hot(y, k) + e / k,
        lambda y, k, e: np.full((len(y), k), e / k) + (1 - e) * np.eye(k)[y.numpy()],
        lambda y, k, e: torch.full((len(y), k), e / k).scatter_(1, y[:, None], 1 - e + e / k),
    ],
)
def test_label_smoothing_accepts_correct_answers(answer):
    assert check_label_smoothing(answer)


def test_label_smoothing_numpy_answer_passes_without_a_traceback():
    def as_numpy(y, k, e):
        return ((1 - e) * np.eye(k)[y.numpy()] + e / k).astype(np.float32)

    fb = check_label_smoothing(as_numpy)
    assert fb, fb.message
