"""Tests of lessons_lib.diagnostics on synthetic and real histories."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib.data import two_moons
from lessons_lib.diagnostics import REGIMES, Diagnosis, diagnose
from lessons_lib.models import mlp
from lessons_lib.training import History, train


def history(train_loss, val_loss, train_acc=None, val_acc=None):
    n = len(train_loss)
    return History(
        train_loss=list(train_loss),
        val_loss=list(val_loss),
        train_acc=list(train_acc) if train_acc is not None else [math.nan] * n,
        val_acc=list(val_acc) if val_acc is not None else [math.nan] * n,
    )


def test_overfitting_with_the_epoch_the_validation_loss_started_rising():
    h = history(
        [1.0, 0.6, 0.3, 0.2, 0.1, 0.05],
        [1.0, 0.7, 0.5, 0.55, 0.7, 0.9],
        [0.6, 0.8, 0.9, 0.95, 0.98, 1.0],
        [0.6, 0.75, 0.85, 0.84, 0.8, 0.78],
    )
    d = diagnose(h)
    assert d.regime == "overfitting"
    assert d.best_epoch == 3
    assert d.rising_since == 3
    assert d.gap == pytest.approx(0.22)
    assert "validation loss rose from 0.5 (epoch 3) to 0.9" in str(d)
    assert "gap 0.220 > 0.05" in str(d)


def test_overfitting_from_the_gap_alone():
    h = history([1.0, 0.5, 0.3], [1.0, 0.6, 0.5], [0.7, 0.9, 1.0], [0.7, 0.8, 0.85])
    d = diagnose(h)
    assert d.regime == "overfitting"
    assert d.rising_since is None
    assert len(d.reasons) == 1


def test_underfitting():
    h = history([2.0, 1.8, 1.7], [2.0, 1.8, 1.7], [0.3, 0.4, 0.45], [0.3, 0.4, 0.44])
    d = diagnose(h)
    assert d.regime == "underfitting"
    assert "training accuracy 0.450 < 0.9" in str(d)
    assert "still falling at the last epoch" in str(d)


def test_good_fit():
    h = history([1.0, 0.4, 0.2], [1.0, 0.45, 0.25], [0.7, 0.93, 0.96], [0.7, 0.92, 0.94])
    d = diagnose(h)
    assert d.regime == "good fit"
    assert d.best_epoch == 3
    assert d.rising_since is None


def test_small_bumps_below_the_tolerance_are_not_a_rise():
    h = history([1.0, 0.5, 0.4], [1.0, 0.50, 0.51], [0.7, 0.95, 0.96], [0.7, 0.94, 0.94])
    assert diagnose(h).regime == "good fit"
    assert diagnose(h, rise_tol=0.0).regime == "overfitting"


def test_validation_loss_rising_while_training_loss_rises_too_is_not_overfitting():
    # Both losses going up is divergence (e.g. a learning rate too large), not overfitting.
    h = history([1.0, 0.5, 0.9], [1.0, 0.5, 0.9], [0.5, 0.6, 0.55], [0.5, 0.6, 0.55])
    assert diagnose(h).regime == "underfitting"


def test_regression_histories_use_the_loss_rule():
    rising = history([1.0, 0.5, 0.2, 0.1], [1.0, 0.6, 0.8, 1.0])
    flat = history([1.0, 0.5, 0.2, 0.1], [1.0, 0.6, 0.5, 0.45])
    assert diagnose(rising).regime == "overfitting"
    assert math.isnan(diagnose(rising).gap)
    assert diagnose(flat).regime == "good fit"


@given(st.lists(st.floats(0.01, 10.0), min_size=2, max_size=30))
def test_a_run_whose_validation_loss_ends_at_its_minimum_never_rose(val):
    val = sorted(val, reverse=True)
    train_loss = list(np.linspace(2.0, 0.1, len(val)))
    d = diagnose(history(train_loss, val))
    assert d.rising_since is None
    assert d.regime == "good fit"
    assert d.regime in REGIMES


def test_on_real_runs_small_and_large_networks():
    X, y = two_moons(40, noise=0.35, seed=0)
    X_val, y_val = two_moons(300, noise=0.35, seed=1)
    h_big = train(mlp(2, [128, 128], 1, seed=0), X, y, X_val, y_val, num_epochs=300, lr=0.01)
    h_linear = train(mlp(2, [], 1, seed=0), X, y, X_val, y_val, num_epochs=100, lr=0.05)
    assert diagnose(h_big).regime == "overfitting"
    assert diagnose(h_big).rising_since is not None
    assert diagnose(h_linear).regime == "underfitting"


def test_diagnosis_str():
    assert str(Diagnosis("good fit", ["a", "b"])) == "good fit: a; b"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_train_acc": 1.5}, ValueError, r"min_train_acc must be in \[0.0, 1.0\], got 1.5"),
        ({"max_gap": -1.5}, ValueError, r"max_gap must be in \[-1.0, 1.0\], got -1.5"),
        ({"rise_tol": -1}, ValueError, r"rise_tol must be in \[0.0, inf\), got -1"),
        ({"rise_tol": "5%"}, TypeError, "rise_tol must be a real number"),
    ],
)
def test_rejects_bad_arguments(kwargs, error, match):
    h = history([1.0, 0.5], [1.0, 0.6], [0.5, 0.9], [0.5, 0.9])
    with pytest.raises(error, match=match):
        diagnose(h, **kwargs)


def test_needs_a_history_with_validation_metrics():
    with pytest.raises(TypeError, match="history must be a History, got dict"):
        diagnose({"val_loss": [1.0]})
    with pytest.raises(ValueError, match="no validation metrics"):
        diagnose(History(train_loss=[1.0], train_acc=[0.5]))


def test_low_training_accuracy_is_underfitting_even_with_a_gap():
    # A model that fits neither set is underfitting first, whatever the gap.
    h = history([2.2, 2.1, 2.0], [2.2, 2.15, 2.1], [0.2, 0.28, 0.31], [0.2, 0.22, 0.23])
    d = diagnose(h)
    assert d.regime == "underfitting"
    assert d.gap == pytest.approx(0.08)


def test_min_train_acc_adapts_to_label_noise():
    # 30 % wrong labels: 0.7 training accuracy and 0.9 validation accuracy is the ideal.
    h = history([2.0, 1.2, 1.1], [2.0, 0.5, 0.45], [0.3, 0.68, 0.7], [0.3, 0.88, 0.9])
    assert diagnose(h).regime == "underfitting"
    assert diagnose(h, min_train_acc=0.6).regime == "good fit"


def test_a_negative_max_gap_for_noisy_training_labels():
    # Training accuracy below validation accuracy (noisy training labels, clean validation
    # labels): a good fit by the default, overfitting once max_gap says the gap of a model
    # that learned only the truth is about -0.2.
    h = history([1.5, 1.2, 1.1], [1.0, 0.8, 0.79], [0.5, 0.7, 0.75], [0.6, 0.8, 0.85])
    assert diagnose(h, min_train_acc=0.6).regime == "good fit"
    d = diagnose(h, min_train_acc=0.6, max_gap=-0.2)
    assert d.regime == "overfitting"
    assert "gap -0.100 > -0.2" in str(d)
