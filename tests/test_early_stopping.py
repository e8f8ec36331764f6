"""Tests of lessons_lib.early_stopping: the stopping rule on crafted sequences and real runs."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib.data import two_moons
from lessons_lib.early_stopping import (
    EarlyStopping,
    early_stopped_least_squares,
    stopping_epoch,
    trigger_epoch,
)
from lessons_lib.models import mlp
from lessons_lib.training import evaluate, train


def run(values, **kwargs):
    """Feed ``values`` to a fresh EarlyStopping; return (stop epoch or None, callback)."""
    es = EarlyStopping(**kwargs)
    for v in values:
        if es.step(v):
            return es.epoch, es
    return None, es


# --- the rule on crafted sequences ------------------------------------------------------------


def test_stops_patience_epochs_after_the_best():
    stop, es = run([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 3.8], patience=3)
    assert stop == 6
    assert es.best_epoch == 3
    assert es.best == 3.0
    assert es.stopped_epoch == 6


def test_improvement_on_the_last_allowed_epoch_resets_the_counter():
    # best at 1; epochs 2 and 3 do not improve; epoch 4 (the last one patience=3 allows
    # before stopping) improves, so training continues.
    stop, es = run([1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0], patience=3)
    assert es.best_epoch == 4
    assert stop == 7


def test_improvement_one_epoch_too_late_is_not_seen():
    stop, es = run([1.0, 1.1, 1.2, 1.3, 0.5], patience=3)
    assert stop == 4
    assert es.best_epoch == 1


def test_a_tie_is_not_an_improvement():
    stop, es = run([1.0, 1.0, 1.0], patience=2)
    assert stop == 3
    assert es.best_epoch == 1


def test_min_delta_requires_a_large_enough_improvement():
    stop, es = run([1.0, 0.95, 0.92, 0.91], patience=3, min_delta=0.1)
    assert stop == 4
    assert es.best_epoch == 1
    stop, es = run([1.0, 0.85, 0.9], patience=3, min_delta=0.1)
    assert es.best_epoch == 2
    assert stop is None


def test_mode_max_for_accuracies():
    stop, es = run([0.5, 0.7, 0.7, 0.6, 0.8], patience=2, mode="max")
    assert stop == 4
    assert es.best == 0.7
    assert es.best_epoch == 2


def test_patience_zero_stops_at_the_first_epoch_without_improvement():
    stop, es = run([3.0, 2.0, 1.0, 1.5, 0.1], patience=0)
    assert stop == 4
    assert es.best_epoch == 3
    # patience 0 and 1 coincide (as in Keras): the stopping epoch itself is the one waited.
    assert run([3.0, 2.0, 1.0, 1.5, 0.1], patience=1)[0] == 4


def test_nan_stops_at_once_and_is_never_the_best():
    stop, es = run([1.0, 0.5, math.nan, 0.1], patience=10)
    assert stop == 3
    assert es.best == 0.5
    assert es.best_epoch == 2


def test_infinity_stops_at_once_in_both_modes():
    stop, es = run([1.0, 0.5, math.inf, 0.1], patience=10)
    assert (stop, es.best_epoch) == (3, 2)
    es = EarlyStopping(patience=10, mode="max")
    assert [es.step(v) for v in [0.5, -math.inf]] == [False, True]
    assert (es.stopped_epoch, es.best_epoch) == (2, 1)


def test_nan_first_value():
    stop, es = run([math.nan, 1.0], patience=5)
    assert stop == 1
    assert es.best_epoch == 0


def test_reset_forgets_the_previous_run():
    _, es = run([1.0, 2.0, 3.0], patience=5)
    es.reset()
    assert (es.best, es.best_epoch, es.wait, es.epoch, es.stopped_epoch) == (
        math.inf,
        0,
        0,
        0,
        None,
    )
    es = EarlyStopping(mode="max")
    assert es.best == -math.inf


def test_stopping_epoch_replays_the_rule():
    values = [3.0, 2.0, 2.5, 2.4, 2.6, 1.0]
    assert stopping_epoch(values, patience=3) == (5, 2)
    assert stopping_epoch(values, patience=4) == (6, 6)
    assert stopping_epoch([0.1, 0.2], patience=0, mode="max") == (2, 2)
    with pytest.raises(ValueError, match="at least one value"):
        stopping_epoch([])


@given(
    st.lists(st.floats(0.0, 10.0, allow_nan=False), min_size=1, max_size=40),
    st.integers(0, 8),
)
def test_stopping_epoch_properties(values, patience):
    stop, best = stopping_epoch(values, patience=patience)
    seen = values[:stop]
    # The best epoch holds the first minimum of what was seen ...
    assert seen[best - 1] == min(seen)
    assert best - 1 == seen.index(min(seen))
    # ... and the run stops exactly max(patience, 1) epochs after it, or runs to the end.
    if stop < len(values):
        assert stop - best == max(patience, 1)
    else:
        assert stop - best <= max(patience, 1)


@given(st.lists(st.floats(-5.0, 5.0, allow_nan=False), min_size=1, max_size=30))
def test_mode_max_mirrors_mode_min(values):
    assert stopping_epoch(values, patience=2, mode="max") == stopping_epoch(
        [-v for v in values], patience=2, mode="min"
    )


# --- as a callback on real runs -------------------------------------------------------------


@pytest.fixture(scope="module")
def noisy_moons():
    X, y = two_moons(60, noise=0.35, seed=0)
    X_val, y_val = two_moons(200, noise=0.35, seed=1)
    return X, y, X_val, y_val


def test_restored_weights_reproduce_the_best_validation_loss_exactly(noisy_moons):
    X, y, X_val, y_val = noisy_moons
    model = mlp(2, [64, 64], 1, seed=0)
    es = EarlyStopping(patience=10)
    h = train(model, X, y, X_val, y_val, num_epochs=400, lr=0.02, callbacks=[es])
    assert h.stopped_epoch is not None and h.stopped_epoch < 400
    best = min(range(len(h)), key=h.val_loss.__getitem__)
    assert es.best_epoch == best + 1
    assert h.stopped_epoch == es.best_epoch + 10
    assert h.notes["best_epoch"] == es.best_epoch
    assert h.notes["restored"] is True
    val_loss, val_acc = evaluate(model, X_val, y_val)
    assert val_loss == h.val_loss[best]
    assert val_acc == h.val_acc[best]


def test_without_restoring_the_model_keeps_its_last_weights(noisy_moons):
    X, y, X_val, y_val = noisy_moons
    model = mlp(2, [64, 64], 1, seed=0)
    es = EarlyStopping(patience=10, restore_best_weights=False)
    h = train(model, X, y, X_val, y_val, num_epochs=400, lr=0.02, callbacks=[es])
    assert evaluate(model, X_val, y_val)[0] == h.val_loss[-1]
    assert h.val_loss[-1] > min(h.val_loss)
    assert h.notes["restored"] is False


def test_the_saved_state_is_a_copy(noisy_moons):
    X, y, X_val, y_val = noisy_moons
    model = mlp(2, [16], 1, seed=0)
    es = EarlyStopping(patience=3)
    train(model, X, y, X_val, y_val, num_epochs=30, lr=0.05, callbacks=[es])
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    assert not torch.equal(es.best_state["0.weight"], model[0].weight)


def test_a_callback_object_can_be_reused(noisy_moons):
    X, y, X_val, y_val = noisy_moons
    es = EarlyStopping(patience=5)
    h1 = train(mlp(2, [32], 1, seed=0), X, y, X_val, y_val, num_epochs=200, callbacks=[es])
    h2 = train(mlp(2, [32], 1, seed=0), X, y, X_val, y_val, num_epochs=200, callbacks=[es])
    assert h1.stopped_epoch == h2.stopped_epoch
    assert h1.notes == h2.notes


def test_monitoring_validation_without_validation_data_fails_clearly(noisy_moons):
    X, y, _, _ = noisy_moons
    with pytest.raises(ValueError, match="monitor='val_loss' has no values"):
        train(mlp(2, [4], 1, seed=0), X, y, num_epochs=2, callbacks=[EarlyStopping()])


def test_monitoring_training_accuracy_in_mode_max(noisy_moons):
    X, y, _, _ = noisy_moons
    es = EarlyStopping(monitor="train_acc", mode="max", patience=2)
    h = train(mlp(2, [4], 1, seed=0), X, y, num_epochs=300, callbacks=[es])
    assert h.notes["best_value"] == max(h.train_acc)


# --- bad arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"patience": -1}, ValueError, r"patience must be in \[0, inf\], got -1"),
        ({"patience": 2.0}, TypeError, "patience must be an integer, got 2.0"),
        ({"min_delta": -0.1}, ValueError, r"min_delta must be in \[0.0, inf\), got -0.1"),
        ({"mode": "lowest"}, ValueError, "mode must be one of 'min', 'max'; got 'lowest'"),
        ({"monitor": "loss"}, ValueError, "monitor must be one of .*; got 'loss'"),
        ({"restore_best_weights": 1}, TypeError, "restore_best_weights must be a bool, got 1"),
    ],
)
def test_rejects_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)


# --- trigger_epoch and early_stopped_least_squares (the chapter 7 exercise references) -------


@given(
    values=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=30),
    patience=st.integers(1, 5),
    min_delta=st.sampled_from([0.0, 0.05, 0.5]),
)
def test_trigger_epoch_agrees_with_stopping_epoch_and_a_plain_loop(values, patience, min_delta):
    best, waited, fired = math.inf, 0, None
    for epoch, v in enumerate(values, start=1):
        if v < best - min_delta:
            best, waited = v, 0
        else:
            waited += 1
            if waited >= patience:
                fired = epoch
                break
    assert trigger_epoch(values, patience, min_delta) == fired
    stop, _ = stopping_epoch(values, patience, min_delta)
    assert stop == (fired if fired is not None else len(values))


def test_trigger_epoch_min_delta_is_absolute_even_far_from_one():
    # relative 0.5 would need a loss below 5; absolute needs one below 9.5
    assert trigger_epoch([10.0, 9.4, 9.0, 8.4, 8.0, 7.6], patience=2, min_delta=0.5) is None


def test_early_stopped_least_squares_matches_the_closed_form_and_the_limit():
    import numpy as np

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((10, 3)), rng.standard_normal(10)
    A = X.T @ X
    lr = 1.0 / np.linalg.eigvalsh(A).max()
    for k in (0, 1, 7):
        M = np.linalg.matrix_power(np.eye(3) - lr * A, k)
        closed = (np.eye(3) - M) @ np.linalg.solve(A, X.T @ y)
        assert np.allclose(early_stopped_least_squares(X, y, lr, k), closed)
    assert np.allclose(
        early_stopped_least_squares(X, y, lr, 3000), np.linalg.lstsq(X, y, rcond=None)[0]
    )
    with pytest.raises(ValueError, match="num_steps"):
        early_stopped_least_squares(X, y, lr, -1)
