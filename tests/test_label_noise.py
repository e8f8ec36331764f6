"""Tests of lessons_lib.label_noise: flipped and random labels, the noisy digits."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.data import digits, train_val_test_split
from lessons_lib.label_noise import flip_labels, noisy_digits, random_labels

# --- flip_labels -----------------------------------------------------------------------------


labels = st.integers(2, 6).flatmap(
    lambda k: st.tuples(st.just(k), st.lists(st.integers(0, k - 1), min_size=1, max_size=200))
)


@settings(max_examples=50, deadline=None)
@given(
    data=labels,
    fraction=st.floats(0, 1, exclude_max=True),
    seed=st.integers(0, 2**31),
)
def test_flip_labels_flips_exactly_round_fraction_n_labels_to_other_classes(data, fraction, seed):
    k, values = data
    y = torch.tensor(values, dtype=torch.int64)
    original = y.clone()
    y_new = flip_labels(y, fraction, seed=seed, num_classes=k)
    changed = y_new != y
    # Every chosen label moves to a *different* class, so the count is exact.
    assert int(changed.sum()) == round(fraction * len(y))
    assert int(y_new.min()) >= 0
    assert int(y_new.max()) <= k - 1
    assert torch.equal(y, original), "the input must not be modified"
    assert y_new.dtype == y.dtype
    assert y_new.shape == y.shape


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 100), fraction=st.floats(0, 1, exclude_max=True))
def test_flip_labels_binary_flips_are_bit_flips(n, fraction):
    y = torch.arange(n) % 2
    y_new = flip_labels(y, fraction, seed=1, num_classes=2)
    changed = y_new != y
    assert torch.equal(y_new[changed], 1 - y[changed])


def test_flip_labels_default_num_classes_is_max_label_plus_one():
    y = torch.tensor([0, 1, 2, 3] * 25)
    y_new = flip_labels(y, 0.5, seed=0)
    assert int((y_new != y).sum()) == 50
    assert set(y_new.tolist()) <= {0, 1, 2, 3}


def test_flip_labels_is_deterministic_for_a_seed_and_differs_across_seeds():
    y = torch.zeros(200, dtype=torch.int64)
    a = flip_labels(y, 0.3, seed=5, num_classes=3)
    assert torch.equal(a, flip_labels(y, 0.3, seed=5, num_classes=3))
    assert not torch.equal(a, flip_labels(y, 0.3, seed=6, num_classes=3))


def test_flip_labels_with_fraction_zero_returns_an_equal_copy():
    y = torch.tensor([0, 1, 1, 0])
    y_new = flip_labels(y, 0.0)
    assert torch.equal(y_new, y)
    assert y_new.data_ptr() != y.data_ptr()


def test_flip_labels_uses_every_other_class_for_many_classes():
    y = torch.zeros(3000, dtype=torch.int64)
    y_new = flip_labels(y, 0.9, seed=0, num_classes=4)
    counts = torch.bincount(y_new, minlength=4)
    assert int(counts[0]) == 300
    # The 2,700 wrong labels are spread uniformly over classes 1, 2 and 3.
    for c in (1, 2, 3):
        assert 800 < int(counts[c]) < 1000


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (torch.tensor([0.0, 1.0]), r"y must be a 1-D integer tensor .*dtype torch\.float32"),
        (
            torch.zeros((2, 2), dtype=torch.int64),
            r"y must be a 1-D integer tensor .*shape \(2, 2\)",
        ),
        ([0, 1, 1], "y must be a 1-D integer tensor of labels, got list"),
        (np.array([0, 1]), "y must be a 1-D integer tensor of labels, got ndarray"),
    ],
)
def test_flip_labels_rejects_non_label_inputs(y, match):
    with pytest.raises(TypeError, match=match):
        flip_labels(y, 0.1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"fraction": 1.0}, ValueError, r"fraction must be in \[0\.0, 1\.0\), got 1\.0"),
        ({"fraction": -0.1}, ValueError, r"fraction must be in \[0\.0, 1\.0\), got -0\.1"),
        ({"fraction": math.nan}, ValueError, "fraction must be in .*got nan"),
        ({"fraction": True}, TypeError, "fraction must be a real number, got True"),
        ({"fraction": 0.1, "seed": -3}, ValueError, r"seed must be in \[0, inf\], got -3"),
        ({"fraction": 0.1, "num_classes": 1}, ValueError, r"num_classes must be in \[2, inf\]"),
        ({"fraction": 0.1, "num_classes": 2.0}, TypeError, "num_classes must be an integer"),
    ],
)
def test_flip_labels_rejects_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        flip_labels(torch.tensor([0, 1, 0, 1]), **kwargs)


def test_flip_labels_needs_two_classes_when_inferring_them():
    with pytest.raises(ValueError, match="num_classes must be at least 2, got 1"):
        flip_labels(torch.zeros(5, dtype=torch.int64), 0.2)


# --- random_labels ---------------------------------------------------------------------------


def test_random_labels_shape_range_and_determinism():
    y = random_labels(500, 3, seed=2)
    assert y.shape == (500,)
    assert y.dtype == torch.int64
    assert set(y.tolist()) == {0, 1, 2}
    assert torch.equal(y, random_labels(500, 3, seed=2))
    assert not torch.equal(y, random_labels(500, 3, seed=3))


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0, 2), ValueError, r"n must be in \[1, inf\], got 0"),
        ((5, 1), ValueError, r"num_classes must be in \[2, inf\], got 1"),
        ((5, 2, -1), ValueError, r"seed must be in \[0, inf\], got -1"),
        ((5.0, 2), TypeError, "n must be an integer, got 5.0"),
    ],
)
def test_random_labels_rejects_invalid_arguments(args, error, match):
    with pytest.raises(error, match=match):
        random_labels(*args)


# --- noisy_digits ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 7])
def test_noisy_digits_keeps_n_train_images_and_corrupts_exactly_the_noise_share(seed):
    split = noisy_digits(seed=seed, n_train=200, noise=0.25)
    assert split.sizes()[0] == 200
    wrong = split.y_train != split.y_train_clean
    assert int(wrong.sum()) == 50
    assert split.y_train.min() >= 0 and split.y_train.max() <= 9


def test_noisy_digits_is_the_clean_split_with_flipped_training_labels():
    X, y = digits()
    clean = train_val_test_split(X, y, 0.3, 0.3, seed=3)
    split = noisy_digits(seed=3)
    assert torch.equal(split.X_train, clean.X_train[:300])
    assert torch.equal(split.y_train_clean, clean.y_train[:300])
    assert torch.equal(split.y_train, flip_labels(clean.y_train[:300], 0.3, seed=3, num_classes=10))
    for name in ("X_val", "y_val", "X_test", "y_test"):
        assert torch.equal(getattr(split, name), getattr(clean, name)), name


def test_noisy_digits_is_deterministic_and_differs_across_seeds():
    a, b, c = noisy_digits(seed=1), noisy_digits(seed=1), noisy_digits(seed=2)
    assert torch.equal(a.y_train, b.y_train) and torch.equal(a.X_val, b.X_val)
    assert not torch.equal(a.X_train, c.X_train)


def test_noisy_digits_with_zero_noise_has_clean_labels():
    split = noisy_digits(seed=0, noise=0.0)
    assert torch.equal(split.y_train, split.y_train_clean)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_train": 5000}, ValueError, "n_train must be at most"),
        ({"n_train": 0}, ValueError, "n_train"),
        ({"noise": 1.0}, ValueError, "noise"),
        ({"seed": -1}, ValueError, "seed"),
        ({"n_train": 2.5}, TypeError, "n_train"),
    ],
)
def test_noisy_digits_rejects_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        noisy_digits(**kwargs)
