"""Tests of per-network strengths and of capstone.tune_strength (choice on validation)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from lessons_lib.capstone import Config, run_config, tune_strength
from lessons_lib.disk_data import stacked_splits
from lessons_lib.stacked import StackedMLP

SEEDS = [3, 4]


@pytest.fixture(scope="module")
def data():
    return stacked_splits(SEEDS, n_train=30, n_val=40, n_test=50)


def _repeat(d, g):
    parts = (d.X_train, d.y_train, d.X_val, d.y_val, d.X_test, d.y_test)
    return type(d)(*(t.repeat(g, *([1] * (t.dim() - 1))) for t in parts))


@pytest.mark.parametrize(
    ("config", "name", "values"),
    [
        (Config("l1"), "l1", [1e-4, 1e-2]),
        (Config("adamw", optimizer="adamw"), "weight_decay", [0.3, 3.0]),
        (Config("smooth"), "label_smoothing", [0.05, 0.3]),
        (Config("max-norm"), "max_norm", [0.5, 2.0]),
    ],
)
def test_per_network_strengths_equal_separate_runs(data, config, name, values):
    both = run_config(
        config,
        _repeat(data, 2),
        SEEDS * 2,
        num_epochs=15,
        strengths={name: [v for v in values for _ in SEEDS]},
    )
    for g, v in enumerate(values):
        alone = run_config(replace(config, **{name: v}), data, SEEDS, num_epochs=15)
        got = both.model.weights[0][g * 2 : g * 2 + 2]
        torch.testing.assert_close(got, alone.model.weights[0], atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd"])
def test_per_network_weight_decay_equals_one_value_for_all(data, optimizer):
    wd = 0.3 if optimizer == "adamw" else 0.1
    config = Config("wd", optimizer=optimizer)
    both = run_config(config, data, SEEDS, num_epochs=5, strengths={"weight_decay": [wd, wd]})
    alone = run_config(replace(config, weight_decay=wd), data, SEEDS, num_epochs=5)
    for W, W_alone in zip(both.model.weights, alone.model.weights, strict=True):
        torch.testing.assert_close(W, W_alone)


def test_noise_and_dropout_strength_zero_means_no_noise():
    net = StackedMLP([0, 1], (2, 8, 1), dropout=[0.0, 0.5], input_noise=[0.0, 0.3])
    x = torch.randn(2, 5, 2)
    net.train()
    a, b = net(x), net(x)
    torch.testing.assert_close(a[0], b[0])  # network 0: no dropout, no noise
    assert not torch.allclose(a[1], b[1])
    with pytest.raises(ValueError, match="one value per network"):
        StackedMLP([0, 1], (2, 8, 1), input_noise=[0.1, 0.2, 0.3])


def test_tune_chooses_the_best_validation_accuracy(data):
    grid = [1e-4, 3e-2, 1.0]
    r = tune_strength(Config("l1"), "l1", grid, data, SEEDS, num_epochs=20)
    full = run_config(
        Config("l1"),
        _repeat(data, 3),
        SEEDS * 3,
        num_epochs=20,
        strengths={"l1": [v for v in grid for _ in SEEDS]},
    )
    val = full.val_acc.reshape(3, 2)
    for j in range(2):
        assert r.val_acc[j] == val[:, j].max()
        g = grid.index(r.chosen[j])
        assert r.test_acc[j] == full.test_acc.reshape(3, 2)[g, j]
        assert r.members[j] == g * 2 + j
    assert r.test_prob.shape == (2, 50)
    with pytest.raises(ValueError, match="name must be one of"):
        tune_strength(Config("x"), "patience", [1], data, SEEDS)
    assert np.all(np.isin(r.chosen, grid))
