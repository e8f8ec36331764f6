"""Tests of lessons_lib.disk_data: the capstone's data."""

from __future__ import annotations

import math

import pytest
import torch

from lessons_lib.disk_data import BALANCED_RADIUS2, disk_data, stacked_splits

# --- the data ------------------------------------------------------------------------------------


def clean_labels(X: torch.Tensor) -> torch.Tensor:
    return (X.pow(2).sum(dim=1) > BALANCED_RADIUS2).float()


def test_disk_data_is_balanced_and_on_the_square():
    n = 40_000
    X, y = disk_data(n, flip=0.0, seed=0)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert y.dtype == torch.float32
    assert set(y.unique().tolist()) == {0.0, 1.0}
    assert float(X.min()) >= -2 and float(X.max()) <= 2
    # the circle covers half of the square: the mean label is 0.5 up to sampling noise
    assert abs(float(y.mean()) - 0.5) < 5 * math.sqrt(0.25 / n)
    torch.testing.assert_close(y, clean_labels(X))


@pytest.mark.parametrize("flip", [0.1, 0.3])
def test_disk_data_flips_the_requested_fraction(flip):
    n = 40_000
    X, y = disk_data(n, flip=flip, seed=1)
    X0, _ = disk_data(n, flip=0.0, seed=1)
    assert torch.equal(X, X0)  # the flips do not move the points
    flipped = (y != clean_labels(X)).double().mean()
    assert abs(float(flipped) - flip) < 5 * math.sqrt(flip * (1 - flip) / n)
    # symmetric noise keeps the classes balanced
    assert abs(float(y.mean()) - 0.5) < 5 * math.sqrt(0.25 / n)


def test_disk_data_is_deterministic_per_seed():
    a, b, c = disk_data(50, seed=3), disk_data(50, seed=3), disk_data(50, seed=4)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


def test_disk_data_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    disk_data(100, seed=2)
    assert torch.equal(torch.random.get_rng_state(), state)


@pytest.mark.parametrize("flip", [0.5, 0.7, -0.1])
def test_disk_data_rejects_bad_flip(flip):
    with pytest.raises(ValueError, match=r"flip must be in \[0.0, 0.5\)"):
        disk_data(10, flip=flip)


def test_disk_data_rejects_bad_sizes_and_seeds():
    with pytest.raises(ValueError, match="n_samples must be in"):
        disk_data(0)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        disk_data(10.0)
    with pytest.raises(ValueError, match="seed must be in"):
        disk_data(10, seed=-1)


def test_stacked_splits_shapes_and_layout():
    d = stacked_splits([0, 5, 9], n_train=7, n_val=5, n_test=11, flip=0.1)
    assert d.X_train.shape == (3, 7, 2) and d.y_train.shape == (3, 7)
    assert d.X_val.shape == (3, 5, 2) and d.y_val.shape == (3, 5)
    assert d.X_test.shape == (3, 11, 2) and d.y_test.shape == (3, 11)
    # row j is one draw of disk_data with seeds[j], cut into three consecutive pieces
    X, y = disk_data(23, flip=0.1, seed=5)
    assert torch.equal(torch.cat([d.X_train[1], d.X_val[1], d.X_test[1]]), X)
    assert torch.equal(torch.cat([d.y_train[1], d.y_val[1], d.y_test[1]]), y)


def test_stacked_splits_differ_between_seeds():
    d = stacked_splits([0, 1], n_train=20, n_val=20, n_test=20)
    assert not torch.equal(d.X_train[0], d.X_train[1])
    assert not torch.equal(d.X_test[0], d.X_test[1])
    again = stacked_splits([1], n_train=20, n_val=20, n_test=20)
    assert torch.equal(again.X_train[0], d.X_train[1])


def test_stacked_splits_rejects_bad_arguments():
    with pytest.raises(ValueError, match="seeds must not be empty"):
        stacked_splits([])
    with pytest.raises(ValueError, match="n_val must be in"):
        stacked_splits([0], n_val=0)
    with pytest.raises(ValueError, match=r"seeds\[1\] must be in"):
        stacked_splits([0, -2])
