"""Chapter 1 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lessons_lib.checks import check_bias_variance, check_polynomial_features


def poly_loop(x, degree):
    out = np.ones((len(x), degree + 1))
    for j in range(1, degree + 1):
        out[:, j] = out[:, j - 1] * x
    return out


@pytest.mark.parametrize(
    "answer",
    [
        poly_loop,
        lambda x, d: np.vander(x, d + 1, increasing=True),
        lambda x, d: x[:, None] ** np.arange(d + 1),
        lambda x, d: np.power.outer(x, range(d + 1)).tolist(),
        lambda x, d: torch.tensor(x)[:, None] ** torch.arange(d + 1),
        lambda x, d: np.column_stack([x**j for j in range(d + 1)]).astype(np.float32),
    ],
)
def test_polynomial_accepts_correct_answers(answer):
    assert check_polynomial_features(answer)


def test_polynomial_missing_top_power_is_not_asked_about_the_constant_column():
    fb = check_polynomial_features(lambda x, d: np.vander(x, d, increasing=True))
    assert not fb and "top power" in fb.message and "constant" not in fb.message


def test_polynomial_missing_constant_column_is_named():
    fb = check_polynomial_features(lambda x, d: np.vander(x, d + 1, increasing=True)[:, 1:])
    assert "constant column" in fb.message


def test_polynomial_wrong_for_degree_zero_only_is_caught():
    def no_degree_zero(x, d):
        return np.vander(x, d + 1, increasing=True) if d else np.zeros((len(x), 1))

    fb = check_polynomial_features(no_degree_zero)
    assert not fb and "degree 0" in fb.message


def bv_loop(P, f):
    n_sets, n_points = P.shape
    b2 = v = 0.0
    for j in range(n_points):
        mean = sum(P[i, j] for i in range(n_sets)) / n_sets
        b2 += (mean - f[j]) ** 2 / n_points
        v += sum((P[i, j] - mean) ** 2 for i in range(n_sets)) / n_sets / n_points
    return b2, v


@pytest.mark.parametrize(
    "answer",
    [
        bv_loop,
        lambda P, f: [((P.mean(0) - f) ** 2).mean(), P.var(0).mean()],
        lambda P, f: np.array([((P.mean(0) - f) ** 2).mean(), P.var(0).mean()]),
        lambda P, f: tuple(torch.tensor([((P.mean(0) - f) ** 2).mean(), P.var(0).mean()])),
        lambda P, f: (
            np.mean((P - f) ** 2) - np.mean((P - P.mean(0)) ** 2),
            np.mean((P - P.mean(0)) ** 2),
        ),
    ],
)
def test_bias_variance_accepts_correct_answers(answer):
    assert check_bias_variance(answer)


def test_bias_variance_asks_for_a_pair():
    fb = check_bias_variance(lambda P, f: 0.5)
    assert not fb and "(bias2, variance)" in fb.message


def test_bias_variance_names_the_ddof1_and_corrected_pairs():
    ddof1 = check_bias_variance(
        lambda P, f: (((P.mean(0) - f) ** 2).mean(), P.var(0, ddof=1).mean())
    )
    assert not ddof1 and "ddof=1" in ddof1.message and "plug-in" in ddof1.message
    R = lambda P: P.shape[0]  # noqa: E731
    corrected = check_bias_variance(
        lambda P, f: (
            ((P.mean(0) - f) ** 2).mean() - P.var(0, ddof=1).mean() / R(P),
            P.var(0, ddof=1).mean(),
        )
    )
    assert not corrected and "corrected pair" in corrected.message
