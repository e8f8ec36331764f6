"""Tests of lessons_lib.data: generated and bundled data sets and splits."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, make_circles, make_moons

from lessons_lib.data import (
    DATASETS,
    Split,
    circles,
    digits,
    load,
    noisy_sine,
    sine_target,
    train_val_test_split,
    two_moons,
)

# --- two_moons and circles -------------------------------------------------------------------


@pytest.mark.parametrize("make", [two_moons, circles])
def test_generators_return_float32_inputs_and_int64_labels(make):
    X, y = make(30, seed=0)
    assert X.dtype == torch.float32
    assert y.dtype == torch.int64
    assert tuple(X.shape) == (30, 2)
    assert tuple(y.shape) == (30,)
    assert set(y.tolist()) == {0, 1}


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 301), seed=st.integers(0, 2**31), which=st.sampled_from(["moons", "c"]))
def test_generators_are_balanced_up_to_one_point(n, seed, which):
    make = two_moons if which == "moons" else circles
    _, y = make(n, seed=seed)
    ones = int(y.sum())
    assert abs((n - ones) - ones) <= 1
    if n % 2 == 0:
        assert ones == n // 2


def _as_torch(X: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.int64)


# Sizes around the odd/even split, small and large; noise levels from none to heavy; many
# seeds, including the largest scikit-learn accepts.
SIZES = [2, 3, 4, 7, 50, 101, 200, 1000]
NOISES = [0.0, 0.05, 0.2, 1.0]
SEEDS = [0, 1, 2, 3, 17, 12345, 2**31 - 1, 2**32 - 1]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("noise", NOISES)
def test_two_moons_equals_scikit_learns_make_moons_exactly(n, noise):
    for seed in SEEDS:
        X, y = two_moons(n, noise=noise, seed=seed)
        X_ref, y_ref = _as_torch(*make_moons(n_samples=n, noise=noise, random_state=seed))
        assert torch.equal(X, X_ref), (n, noise, seed)
        assert torch.equal(y, y_ref), (n, noise, seed)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize("factor", [0.01, 0.3, 0.5, 0.99])
def test_circles_equals_scikit_learns_make_circles_exactly(n, noise, factor):
    for seed in SEEDS:
        X, y = circles(n, noise=noise, factor=factor, seed=seed)
        ref = make_circles(n_samples=n, noise=noise, factor=factor, random_state=seed)
        X_ref, y_ref = _as_torch(*ref)
        assert torch.equal(X, X_ref), (n, noise, factor, seed)
        assert torch.equal(y, y_ref), (n, noise, factor, seed)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 500),
    noise=st.floats(0.0, 3.0),
    seed=st.integers(0, 2**32 - 1),
    factor=st.floats(0.001, 0.999),
)
def test_generators_equal_scikit_learns_for_any_arguments(n, noise, seed, factor):
    pairs = [
        (two_moons(n, noise=noise, seed=seed), make_moons(n, noise=noise, random_state=seed)),
        (
            circles(n, noise=noise, factor=factor, seed=seed),
            make_circles(n, noise=noise, factor=factor, random_state=seed),
        ),
    ]
    for (X, y), ref in pairs:
        X_ref, y_ref = _as_torch(*ref)
        assert torch.equal(X, X_ref)
        assert torch.equal(y, y_ref)


def test_generators_do_not_import_scikit_learn():
    import subprocess
    import sys

    code = (
        "import sys; from lessons_lib.data import circles, digits, two_moons; "
        "two_moons(10); circles(10); digits(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_noiseless_circles_have_radius_one_and_factor():
    X, y = circles(40, noise=0.0, factor=0.4, seed=0)
    radius = X.norm(dim=1)
    torch.testing.assert_close(radius[y == 0], torch.ones(20), atol=1e-6, rtol=0)
    torch.testing.assert_close(radius[y == 1], torch.full((20,), 0.4), atol=1e-6, rtol=0)


def test_noiseless_moons_lie_on_their_half_circles():
    X, y = two_moons(40, noise=0.0, seed=0)
    upper = X[y == 0]
    lower = X[y == 1] - torch.tensor([1.0, 0.5])
    torch.testing.assert_close(upper.norm(dim=1), torch.ones(20), atol=1e-6, rtol=0)
    torch.testing.assert_close(lower.norm(dim=1), torch.ones(20), atol=1e-6, rtol=0)
    assert bool((upper[:, 1] >= -1e-6).all())
    assert bool((lower[:, 1] <= 1e-6).all())


@pytest.mark.parametrize("make", [two_moons, circles])
def test_generators_are_deterministic_for_a_seed_and_differ_across_seeds(make):
    X1, y1 = make(50, seed=3)
    X2, y2 = make(50, seed=3)
    X3, _ = make(50, seed=4)
    assert torch.equal(X1, X2)
    assert torch.equal(y1, y2)
    assert not torch.equal(X1, X3)


@pytest.mark.parametrize("make", [two_moons, circles])
def test_generators_leave_the_global_rngs_alone(make):
    torch.manual_seed(0)
    np.random.seed(0)  # noqa: NPY002 - the legacy global generator is what is checked
    t_state, n_state = torch.get_rng_state(), np.random.get_state()[1].copy()  # noqa: NPY002
    make(20, seed=1)
    assert torch.equal(torch.get_rng_state(), t_state)
    np.testing.assert_array_equal(np.random.get_state()[1], n_state)  # noqa: NPY002


@pytest.mark.parametrize("make", [two_moons, circles])
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 1}, ValueError, r"n_samples must be in \[2, inf\], got 1"),
        ({"n_samples": 10.0}, TypeError, "n_samples must be an integer, got 10.0"),
        ({"n_samples": True}, TypeError, "n_samples must be an integer, got True"),
        ({"n_samples": 10, "noise": -0.1}, ValueError, r"noise must be in \[0\.0, .*got -0\.1"),
        ({"n_samples": 10, "noise": math.nan}, ValueError, "noise must be in .*got nan"),
        ({"n_samples": 10, "noise": "0.1"}, TypeError, "noise must be a real number, got '0.1'"),
        ({"n_samples": 10, "seed": -1}, ValueError, r"seed must be in \[0, .*\], got -1"),
        ({"n_samples": 10, "seed": 1.5}, TypeError, "seed must be an integer, got 1.5"),
    ],
)
def test_generators_reject_invalid_arguments(make, kwargs, error, match):
    with pytest.raises(error, match=match):
        make(**kwargs)


@pytest.mark.parametrize("factor", [0.0, 1.0, -0.5, 1.5])
def test_circles_rejects_a_factor_outside_the_open_unit_interval(factor):
    with pytest.raises(ValueError, match=rf"factor must be in \(0\.0, 1\.0\), got {factor}"):
        circles(10, factor=factor)


@pytest.mark.parametrize("make", [two_moons, circles])
def test_generators_reject_seeds_scikit_learn_cannot_use(make):
    # sklearn accepts random_state only in [0, 2**32 - 1]; the error should name `seed`.
    with pytest.raises(ValueError, match=rf"seed must be .*got {2**32}"):
        make(10, seed=2**32)


# --- digits ----------------------------------------------------------------------------------


def test_digits_shape_dtype_and_range():
    X, y = digits()
    assert tuple(X.shape) == (1797, 64)
    assert tuple(y.shape) == (1797,)
    assert X.dtype == torch.float32
    assert y.dtype == torch.int64
    assert float(X.min()) == 0.0
    assert float(X.max()) == 1.0
    assert sorted(set(y.tolist())) == list(range(10))


def test_digits_are_scikit_learns_digits_scaled_to_unit_range_exactly():
    X, y = digits()
    bunch = load_digits()
    X_ref, y_ref = _as_torch(bunch.data / 16.0, bunch.target)
    assert torch.equal(X, X_ref)
    assert torch.equal(y, y_ref)
    assert X.reshape(-1, 8, 8).shape == (1797, 8, 8)


def test_the_shipped_digits_file_holds_scikit_learns_arrays():
    from importlib import resources

    from lessons_lib.data import DIGITS_FILE

    with resources.files("lessons_lib").joinpath(DIGITS_FILE).open("rb") as f, np.load(f) as npz:
        assert sorted(npz.files) == ["labels", "pixels"]
        pixels, labels = npz["pixels"], npz["labels"]
    bunch = load_digits()
    np.testing.assert_array_equal(pixels.astype(np.float64), bunch.data)
    np.testing.assert_array_equal(labels.astype(np.int64), bunch.target)


def test_digits_returns_fresh_tensors():
    X, y = digits()
    X[0, 0], y[0] = 5.0, 7
    X2, y2 = digits()
    assert float(X2[0, 0]) == 0.0 and int(y2[0]) == 0


# --- load ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_every_listed_data_set_loads(name):
    X, y = load(name, n_samples=20)
    assert X.dim() == 2 and y.dim() == 1 and len(X) == len(y)
    assert X.is_floating_point() and not y.is_floating_point()


def test_load_moons_and_circles_forward_their_arguments():
    for name, make in (("moons", two_moons), ("circles", circles)):
        X, y = load(name, n_samples=31, noise=0.05, seed=6)
        X_ref, y_ref = make(31, noise=0.05, seed=6)
        assert torch.equal(X, X_ref)
        assert torch.equal(y, y_ref)


def test_load_defaults():
    X, y = load("moons")
    X_ref, y_ref = two_moons(200, noise=0.2, seed=0)
    assert torch.equal(X, X_ref)
    assert torch.equal(y, y_ref)


def test_load_digits_ignores_the_generator_arguments():
    X, y = load("digits", n_samples=5, noise=0.9, seed=3)
    X_ref, y_ref = digits()
    assert torch.equal(X, X_ref)
    assert torch.equal(y, y_ref)


@pytest.mark.parametrize("name", ["spirals", "Moons", "", None])
def test_load_rejects_unknown_names_and_lists_the_known_ones(name):
    with pytest.raises(
        ValueError, match=rf"name must be one of 'moons', 'circles', 'digits'; got {name!r}"
    ):
        load(name)


def test_load_validates_generator_arguments():
    with pytest.raises(ValueError, match=r"n_samples must be in \[2, inf\], got 0"):
        load("circles", n_samples=0)


# --- train_val_test_split --------------------------------------------------------------------


def indexed(n: int, k: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs whose first column is the row index, labels ``i % k``."""
    X = torch.stack([torch.arange(n, dtype=torch.float32), torch.randn(n)], dim=1)
    return X, torch.arange(n) % k


def split_indices(split: Split) -> tuple[list[int], list[int], list[int]]:
    return tuple(s[:, 0].long().tolist() for s in (split.X_train, split.X_val, split.X_test))


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(1, 150),
    k=st.integers(1, 4),
    val=st.floats(0, 0.6),
    test=st.floats(0, 0.6),
    seed=st.integers(0, 1000),
    stratify=st.booleans(),
)
def test_split_parts_are_disjoint_and_cover_every_index(n, k, val, test, seed, stratify):
    assume(val + test < 1)
    X, y = indexed(n, k)
    try:
        split = train_val_test_split(X, y, val, test, seed=seed, stratify=stratify)
    except ValueError as err:
        assert "leaves no training data" in str(err)
        return
    tr, va, te = split_indices(split)
    assert sorted(tr + va + te) == list(range(n))
    assert len(tr) > 0
    # Inputs and labels stay paired.
    for X_part, y_part in (
        (split.X_train, split.y_train),
        (split.X_val, split.y_val),
        (split.X_test, split.y_test),
    ):
        assert torch.equal(y_part, X_part[:, 0].long() % k)
    assert split.sizes() == (len(tr), len(va), len(te))


@settings(max_examples=50, deadline=None)
@given(
    counts=st.lists(st.integers(1, 60), min_size=2, max_size=4),
    val=st.floats(0, 0.45),
    test=st.floats(0, 0.45),
    seed=st.integers(0, 1000),
)
def test_stratified_split_keeps_each_class_proportion(counts, val, test, seed):
    y = torch.cat([torch.full((c,), i) for i, c in enumerate(counts)])
    X = torch.arange(len(y), dtype=torch.float32)[:, None]
    split = train_val_test_split(X, y, val, test, seed=seed)
    for c, n_c in enumerate(counts):
        n_val = int((split.y_val == c).sum())
        n_test = int((split.y_test == c).sum())
        assert abs(n_val - val * n_c) <= 0.5
        assert abs(n_test - test * n_c) <= 0.5
        assert n_val + n_test + int((split.y_train == c).sum()) == n_c


def test_unstratified_split_uses_rounded_overall_sizes():
    y = torch.cat([torch.zeros(90), torch.ones(10)]).long()
    split = train_val_test_split(torch.zeros(100, 1), y, 0.25, 0.15, seed=0, stratify=False)
    assert split.sizes() == (60, 25, 15)


def test_stratified_split_of_an_imbalanced_set_keeps_minority_in_every_part():
    y = torch.cat([torch.zeros(90), torch.ones(10)]).long()
    split = train_val_test_split(torch.zeros(100, 1), y, 0.2, 0.2, seed=0)
    assert int(split.y_train.sum()) == 6
    assert int(split.y_val.sum()) == 2
    assert int(split.y_test.sum()) == 2


def test_split_with_float_targets_ignores_stratify():
    X = torch.arange(50, dtype=torch.float32)[:, None]
    y = torch.linspace(0, 1, 50)
    split = train_val_test_split(X, y, 0.2, 0.2, seed=0, stratify=True)
    assert split.sizes() == (30, 10, 10)
    assert torch.equal(split.y_train, y[split.X_train[:, 0].long()])


def test_split_is_deterministic_for_a_seed_and_differs_for_another_seed():
    X, y = indexed(80)
    a = split_indices(train_val_test_split(X, y, seed=1))
    assert a == split_indices(train_val_test_split(X, y, seed=1))
    b = split_indices(train_val_test_split(X, y, seed=2))
    assert a != b
    assert set(a[2]) != set(b[2])


def test_split_does_not_touch_the_global_torch_rng():
    X, y = indexed(40)
    torch.manual_seed(0)
    state = torch.get_rng_state()
    train_val_test_split(X, y, seed=3)
    assert torch.equal(torch.get_rng_state(), state)


def test_split_with_empty_validation_and_test_parts():
    X, y = indexed(10)
    split = train_val_test_split(X, y, 0.0, 0.0)
    assert split.sizes() == (10, 0, 0)
    assert split.X_val.shape == (0, 2)


def test_split_keeps_trailing_input_dimensions():
    X = torch.randn(30, 1, 8, 8)
    y = torch.arange(30) % 3
    split = train_val_test_split(X, y)
    assert split.X_train.shape[1:] == (1, 8, 8)
    assert split.X_test.shape[1:] == (1, 8, 8)


def test_split_is_frozen():
    X, y = indexed(20)
    split = train_val_test_split(X, y)
    with pytest.raises(AttributeError):
        split.X_train = X


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"val_fraction": 0.5, "test_fraction": 0.5},
            r"val_fraction \+ test_fraction must be < 1"
            r".*got 0\.5 \+ 0\.5",
        ),
        ({"val_fraction": 0.7, "test_fraction": 0.4}, r"got 0\.7 \+ 0\.4"),
        ({"val_fraction": 1.0}, r"val_fraction must be in \[0\.0, 1\.0\), got 1\.0"),
        ({"test_fraction": -0.2}, r"test_fraction must be in \[0\.0, 1\.0\), got -0\.2"),
        ({"val_fraction": math.nan}, "val_fraction must be in .*got nan"),
        ({"seed": -1}, r"seed must be in \[0, inf\], got -1"),
    ],
)
def test_split_rejects_invalid_fractions_and_seed(kwargs, match):
    X, y = indexed(20)
    with pytest.raises(ValueError, match=match):
        train_val_test_split(X, y, **kwargs)


def test_split_rejects_mismatched_lengths():
    X, _ = indexed(20)
    with pytest.raises(ValueError, match="X and y must have the same length, got 20 and 19"):
        train_val_test_split(X, torch.zeros(19, dtype=torch.int64))


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.zeros((4, 2)), torch.zeros(4), "got ndarray and Tensor"),
        (torch.zeros(4, 2), [0, 1, 0, 1], "got Tensor and list"),
    ],
)
def test_split_rejects_non_tensors(X, y, match):
    with pytest.raises(TypeError, match=f"X and y must be torch tensors, {match}"):
        train_val_test_split(X, y)


def test_split_rejects_a_split_without_training_data():
    X, y = indexed(2, k=1)
    with pytest.raises(ValueError, match="the split leaves no training data for n=2"):
        train_val_test_split(X, y, 0.5, 0.45)


def test_split_rejects_bool_fraction_and_float_seed():
    X, y = indexed(20)
    with pytest.raises(TypeError, match="val_fraction must be a real number, got True"):
        train_val_test_split(X, y, val_fraction=True)
    with pytest.raises(TypeError, match="seed must be an integer, got 1.0"):
        train_val_test_split(X, y, seed=1.0)


# --- noisy_sine and sine_target --------------------------------------------------------------


def test_noisy_sine_shapes_dtype_and_range():
    x, y = noisy_sine(50, seed=1)
    assert x.shape == (50,)
    assert y.shape == (50,)
    assert x.dtype == np.float64
    assert y.dtype == np.float64
    assert x.min() >= 0.0
    assert x.max() <= 1.0


def test_noisy_sine_without_noise_is_the_target():
    x, y = noisy_sine(30, noise=0.0, seed=2)
    np.testing.assert_array_equal(y, sine_target(x))


def test_noisy_sine_matches_its_documented_recipe():
    x, y = noisy_sine(20, noise=0.3, seed=5)
    rng = np.random.default_rng(5)
    x_ref = rng.uniform(0.0, 1.0, 20)
    y_ref = np.sin(2 * np.pi * x_ref) + 0.3 * rng.standard_normal(20)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-15)


def test_noisy_sine_residuals_have_the_requested_spread():
    x, y = noisy_sine(20000, noise=0.3, seed=0)
    residuals = y - sine_target(x)
    assert abs(residuals.mean()) < 0.01
    assert abs(residuals.std() - 0.3) < 0.01


def test_noisy_sine_is_deterministic_for_a_seed():
    a = noisy_sine(10, seed=3)
    b = noisy_sine(10, seed=3)
    c = noisy_sine(10, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 0}, ValueError, r"n_samples must be in \[1, inf\], got 0"),
        ({"n_samples": 5, "noise": -1.0}, ValueError, r"noise must be in \[0\.0, .*got -1\.0"),
        ({"n_samples": 5, "seed": -1}, ValueError, r"seed must be in \[0, inf\], got -1"),
        ({"n_samples": 5.5}, TypeError, "n_samples must be an integer, got 5.5"),
    ],
)
def test_noisy_sine_rejects_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        noisy_sine(**kwargs)


def test_sine_target_values():
    np.testing.assert_allclose(
        sine_target([0.0, 0.25, 0.5, 0.75]), [0.0, 1.0, 0.0, -1.0], atol=1e-12
    )
    assert sine_target(np.zeros((2, 3))).shape == (2, 3)
