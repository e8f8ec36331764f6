"""Tests of lessons_lib.metrics against sklearn.metrics and closed-form cases."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm

from lessons_lib.metrics import (
    accuracy,
    confusion_counts,
    f1_score,
    mean_absolute_error,
    mse,
    precision,
    r2_score,
    recall,
)

labels = st.integers(2, 60).flatmap(
    lambda n: st.tuples(
        arrays(np.int64, n, elements=st.integers(0, 3)),
        arrays(np.int64, n, elements=st.integers(0, 3)),
    )
)
binary = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        arrays(np.int64, n, elements=st.integers(0, 1)),
        arrays(np.int64, n, elements=st.integers(0, 1)),
    )
)
reals = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=st.floats(-100, 100)),
        arrays(np.float64, n, elements=st.floats(-100, 100)),
    )
)


@given(binary)
def test_binary_metrics_match_sklearn(pair):
    t, p = pair
    assert accuracy(t, p) == pytest.approx(skm.accuracy_score(t, p))
    assert precision(t, p) == pytest.approx(skm.precision_score(t, p, zero_division=0))
    assert recall(t, p) == pytest.approx(skm.recall_score(t, p, zero_division=0))
    assert f1_score(t, p) == pytest.approx(skm.f1_score(t, p, zero_division=0))


@given(labels)
def test_macro_metrics_match_sklearn(pair):
    t, p = pair
    for ours, theirs in (
        (precision, skm.precision_score),
        (recall, skm.recall_score),
        (f1_score, skm.f1_score),
    ):
        assert ours(t, p, average="macro") == pytest.approx(
            theirs(t, p, average="macro", zero_division=0)
        )
    assert precision(t, p, pos_label=2) == pytest.approx(
        skm.precision_score(t, p, labels=[2], average="macro", zero_division=0)
    )


@given(reals)
def test_regression_metrics_match_sklearn(pair):
    t, p = pair
    assert mse(t, p) == pytest.approx(skm.mean_squared_error(t, p))
    assert mean_absolute_error(t, p) == pytest.approx(skm.mean_absolute_error(t, p))
    assert r2_score(t, p) == pytest.approx(skm.r2_score(t, p), abs=1e-9)


@given(binary)
def test_f1_is_the_harmonic_mean_and_lies_between_precision_and_recall(pair):
    t, p = pair
    P, R, F = precision(t, p), recall(t, p), f1_score(t, p)
    if P + R > 0:
        assert F == pytest.approx(2 * P * R / (P + R))
    assert min(P, R) - 1e-12 <= F <= max(P, R) + 1e-12


@given(binary)
def test_confusion_counts_add_up(pair):
    t, p = pair
    tp, fp, fn, tn = confusion_counts(t, p)
    assert tp + fp + fn + tn == len(t)
    assert (tn, fp, fn, tp) == tuple(skm.confusion_matrix(t, p, labels=[0, 1]).ravel())


def test_always_negative_on_imbalanced_data():
    y = np.array([1] * 5 + [0] * 95)
    y_hat = np.zeros(100, dtype=int)
    assert accuracy(y, y_hat) == 0.95
    assert precision(y, y_hat) == 0.0
    assert recall(y, y_hat) == 0.0
    assert f1_score(y, y_hat) == 0.0


def test_accepts_tensors_and_lists():
    t = torch.tensor([1, 0, 1, 1])
    p = torch.tensor([1, 1, 1, 0])
    assert f1_score(t, p) == f1_score([1, 0, 1, 1], [1, 1, 1, 0]) == pytest.approx(2 / 3)
    assert r2_score(torch.tensor([1.0, 2.0, 3.0]), [1.0, 2.0, 4.0]) == pytest.approx(0.5)


def test_r2_reference_points():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert r2_score(y, y) == 1.0
    assert r2_score(y, np.full(4, y.mean())) == 0.0
    assert r2_score(y, -y) < 0
    assert r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert r2_score([2.0, 2.0], [1.0, 2.0]) == 0.0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: accuracy([0, 1], [0]), ValueError, "same length, got 2 and 1"),
        (
            lambda: accuracy([[0, 1]], [[0, 1]]),
            ValueError,
            r"y_true must be 1-D, got shape \(1, 2\)",
        ),
        (lambda: f1_score([], []), ValueError, "y_true must not be empty"),
        (
            lambda: precision([0, 1], [0, 1], average="micro"),
            ValueError,
            "average must be one of 'binary', 'macro'; got 'micro'",
        ),
    ],
)
def test_rejects_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- mse: target first, as in scikit-learn------------------------------------------------------


@given(reals)
def test_mse_takes_the_target_first_like_every_course_metric(pair):
    target, pred = pair
    expected = torch.nn.functional.mse_loss(torch.as_tensor(pred), torch.as_tensor(target))
    assert mse(target, pred) == pytest.approx(float(expected), rel=1e-12, abs=1e-12)
    assert mse(target, target) == 0.0


def test_mse_returns_a_python_float_and_accepts_lists_and_tensors():
    result = mse([1, 2], [1, 4])
    assert type(result) is float
    assert result == 2.0
    assert mse(np.array([1.0, 2.0]), torch.tensor([1.0, 4.0], requires_grad=True)) == 2.0


def test_mse_names_its_arguments_in_errors():
    with pytest.raises(
        ValueError, match=r"y_true and y_pred must have the same length, got 3 and 2"
    ):
        mse(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"y_pred must be 1-D, got shape \(3, 1\)"):
        mse(np.zeros(3), np.zeros((3, 1)))
