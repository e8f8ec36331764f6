"""Tests of lessons_lib.seeding: one call seeds Python, NumPy and torch."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.data import two_moons
from lessons_lib.seeding import (
    MAX_BASE_SEED,
    SEED_ENV_VAR,
    SEED_STRIDE,
    base_seed,
    make_generator,
    seed_everything,
    seeds,
)


@pytest.fixture
def no_seed_env(monkeypatch):
    """The default environment: ``LESSONS_SEED`` unset (the Makefile sets it for CI)."""
    monkeypatch.delenv(SEED_ENV_VAR, raising=False)


def draws() -> tuple[float, float, list[float]]:
    """One draw from each of the three global generators (NumPy's legacy one included)."""
    return random.random(), float(np.random.rand()), torch.rand(3).tolist()  # noqa: NPY002


# --- base_seed -------------------------------------------------------------------------------


def test_base_seed_defaults_to_zero_when_the_variable_is_unset(no_seed_env):
    assert base_seed() == 0


@pytest.mark.parametrize("raw", ["", "   "])
def test_base_seed_treats_an_empty_variable_as_unset(monkeypatch, raw):
    monkeypatch.setenv(SEED_ENV_VAR, raw)
    assert base_seed() == 0


@pytest.mark.parametrize(("raw", "expected"), [("7", 7), (" 12\n", 12), ("0", 0), ("007", 7)])
def test_base_seed_reads_the_environment_variable(monkeypatch, raw, expected):
    monkeypatch.setenv("LESSONS_SEED", raw)  # the name the Makefile, CI and the book use
    assert base_seed() == expected


@pytest.mark.parametrize("raw", ["-1", "abc", "1.5", "1e3", "+3", "0x10"])
def test_base_seed_rejects_a_variable_that_is_not_a_non_negative_integer(monkeypatch, raw):
    monkeypatch.setenv(SEED_ENV_VAR, raw)
    with pytest.raises(ValueError, match=rf"LESSONS_SEED must be .*got {re.escape(repr(raw))}"):
        base_seed()


# --- seed_everything -------------------------------------------------------------------------


def test_same_seed_gives_the_same_python_numpy_and_torch_draws():
    assert seed_everything(11) == 11
    first = draws()
    seed_everything(11)
    assert draws() == first


def test_different_seeds_give_different_draws():
    seed_everything(1)
    a = draws()
    seed_everything(2)
    b = draws()
    assert a[0] != b[0]
    assert a[1] != b[1]
    assert a[2] != b[2]


def test_seed_everything_matches_seeding_each_generator_directly():
    seed_everything(5)
    got = draws()
    random.seed(5)
    np.random.seed(5)  # noqa: NPY002 - seed_everything seeds the legacy generator
    torch.manual_seed(5)
    assert got == draws()


def test_seed_everything_without_argument_uses_the_environment_variable(monkeypatch):
    monkeypatch.setenv(SEED_ENV_VAR, "7")
    assert seed_everything() == 7
    from_env = draws()
    seed_everything(7)
    assert draws() == from_env


def test_seed_everything_without_argument_or_variable_uses_zero(no_seed_env):
    assert seed_everything() == 0
    default = draws()
    seed_everything(0)
    assert draws() == default


def test_explicit_seed_wins_over_the_environment_variable(monkeypatch):
    monkeypatch.setenv(SEED_ENV_VAR, "7")
    assert seed_everything(3) == 3


def test_seed_everything_handles_seeds_beyond_numpys_32_bit_range():
    big = 2**32 + 5
    assert seed_everything(big) == big
    a = draws()
    seed_everything(big)
    assert draws() == a


def test_seed_everything_with_invalid_environment_variable_raises(monkeypatch):
    monkeypatch.setenv(SEED_ENV_VAR, "seven")
    with pytest.raises(ValueError, match="LESSONS_SEED.*'seven'"):
        seed_everything()


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        (-1, ValueError, r"seed must be in \[0, inf\], got -1"),
        (1.0, TypeError, "seed must be an integer, got 1.0"),
        (True, TypeError, "seed must be an integer, got True"),
        ("3", TypeError, "seed must be an integer, got '3'"),
    ],
)
def test_seed_everything_rejects_invalid_seeds(seed, error, match):
    with pytest.raises(error, match=match):
        seed_everything(seed)


# --- seeds -----------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 50), offset=st.integers(0, 1000), base=st.integers(0, 10**6))
def test_seeds_are_n_consecutive_integers_from_the_base_block_plus_offset(n, offset, base):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(SEED_ENV_VAR, str(base))
        result = seeds(n, offset=offset)
    start = base * SEED_STRIDE + offset
    assert result == [(start + i) % 2**32 for i in range(n)]
    if start + n <= 2**32:  # no wrap below 2**32 // SEED_STRIDE
        assert result == list(range(start, start + n))


def test_seeds_of_a_large_base_seed_fit_in_32_bits_for_the_data_functions(monkeypatch):
    from lessons_lib.data import two_moons

    monkeypatch.setenv(SEED_ENV_VAR, "999999")  # 999999 * SEED_STRIDE > 2**32
    result = seeds(5, offset=10)
    assert all(0 <= s < 2**32 for s in result) and len(set(result)) == 5
    X, _ = two_moons(20, seed=result[-1])
    assert X.shape == (20, 2)


def test_neighbouring_base_seeds_give_disjoint_repetitions(monkeypatch):
    monkeypatch.setenv(SEED_ENV_VAR, "0")
    first = set(seeds(20, offset=500))
    monkeypatch.setenv(SEED_ENV_VAR, "1")
    assert first.isdisjoint(seeds(20, offset=500))


def test_seeds_default_to_starting_at_zero(no_seed_env):
    assert seeds(3) == [0, 1, 2]


def test_seeds_follow_the_environment_variable(monkeypatch):
    monkeypatch.setenv(SEED_ENV_VAR, "10")
    assert seeds(3) == [100_000, 100_001, 100_002]
    assert seeds(2, offset=100) == [100_100, 100_101]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, ValueError, r"n must be in \[1, inf\], got 0"),
        ({"n": 2.0}, TypeError, "n must be an integer, got 2.0"),
        ({"n": True}, TypeError, "n must be an integer, got True"),
        ({"n": 2, "offset": -1}, ValueError, r"offset must be in \[0, inf\], got -1"),
        ({"n": 2, "offset": 0.5}, TypeError, "offset must be an integer, got 0.5"),
    ],
)
def test_seeds_reject_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        seeds(**kwargs)


# --- make_generator --------------------------------------------------------------------------


def test_make_generator_is_reproducible_and_independent_of_the_global_generator():
    a = torch.rand(4, generator=make_generator(3))
    torch.manual_seed(123)
    state = torch.get_rng_state()
    b = torch.rand(4, generator=make_generator(3))
    assert torch.equal(a, b)
    assert torch.equal(torch.get_rng_state(), state)
    assert not torch.equal(a, torch.rand(4, generator=make_generator(4)))


def test_make_generator_equals_a_manually_seeded_generator():
    expected = torch.randn(5, generator=torch.Generator().manual_seed(9))
    assert torch.equal(torch.randn(5, generator=make_generator(9)), expected)


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        (-2, ValueError, r"seed must be in \[0, inf\], got -2"),
        (None, TypeError, "seed must be an integer, got None"),
    ],
)
def test_make_generator_rejects_invalid_seeds(seed, error, match):
    with pytest.raises(error, match=match):
        make_generator(seed)


def test_the_largest_base_seed_gives_seeds_that_every_data_set_accepts_unwrapped(
    monkeypatch,
):
    monkeypatch.setenv(SEED_ENV_VAR, str(MAX_BASE_SEED))
    assert seeds(1, offset=SEED_STRIDE + 5000)[0] == MAX_BASE_SEED * SEED_STRIDE + 15000
    block = seeds(2, offset=SEED_STRIDE - 2) + seeds(1, offset=SEED_STRIDE + 5000)
    for s in block:
        two_moons(10, seed=s)  # raises for a seed of 2**32 or more
        make_generator(s)
