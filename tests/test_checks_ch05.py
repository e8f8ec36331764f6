"""Tests of the chapter 5 checks: accept the reference, reject the typical mistakes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lessons_lib.checks.ch05 import (
    check_dropout_penalty,
    check_inverted_dropout,
    reference_dropout_penalty,
)
from lessons_lib.dropout import dropout, dropout_mask

# --- check_inverted_dropout ----------------------------------------------------------------


def test_inverted_dropout_accepts_the_reference():
    fb = check_inverted_dropout(dropout)
    assert fb
    assert "1/(1 - p)" in fb.message


def test_inverted_dropout_accepts_torch_functional_dropout():
    def learner(x, p, training, generator):
        return torch.nn.functional.dropout(x, p, training)

    assert check_inverted_dropout(learner)


def no_rescaling(x, p, training, generator):
    return x * dropout_mask(x.shape, p, generator) if training else x


def divide_by_p(x, p, training, generator):  # seed 002's formula with p = drop probability
    return x * dropout_mask(x.shape, p, generator) / p if training else x


def keep_probability_confusion(x, p, training, generator):
    return x * dropout_mask(x.shape, 1 - p, generator) / p if training else x


def scale_twice(x, p, training, generator):  # seed 004: scale in training and at inference
    return dropout(x, p, True, generator) if training else (1 - p) * x


def dropout_in_eval_too(x, p, training, generator):
    return dropout(x, p, True, generator)


def never_drops(x, p, training, generator):
    return x / (1 - p) if training else x


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (no_rescaling, "not rescaled"),
        (divide_by_p, "divided by p"),
        (keep_probability_confusion, "probability of *dropping*"),
        (scale_twice, "seed 004"),
        (dropout_in_eval_too, "eval mode"),
        (never_drops, "no entry was zeroed"),
    ],
)
def test_inverted_dropout_rejects_typical_mistakes(wrong, phrase):
    fb = check_inverted_dropout(wrong)
    assert not fb
    assert phrase in fb.message


def test_inverted_dropout_reports_a_stub_and_never_raises():
    def stub(x, p, training, generator):
        raise NotImplementedError()

    assert check_inverted_dropout(stub).message.startswith("not attempted yet")
    fb = check_inverted_dropout(lambda x, p, training, generator: x.numpy())
    assert not fb and "torch tensor" in fb.message
    fb = check_inverted_dropout(lambda x, p, training, generator: x[:10])
    assert not fb and "shape" in fb.message
    fb = check_inverted_dropout(lambda x, p, training, generator: 1 / 0)
    assert not fb and "ZeroDivisionError" in fb.message


# --- check_dropout_penalty -----------------------------------------------------------------


def test_penalty_reference_matches_a_monte_carlo_estimate():
    rng = np.random.default_rng(1)
    X, w, p = rng.normal(size=(8, 3)) + 1.0, np.array([1.0, -0.5, 2.0]), 0.4
    y = X @ w + rng.normal(size=8)
    masks = rng.random((100_000, 8, 3)) >= p
    preds = ((X * masks) / (1 - p)) @ w
    mc = np.mean((y - preds) ** 2)
    exact = np.mean((y - X @ w) ** 2) + reference_dropout_penalty(X, w, p)
    assert abs(mc - exact) < 0.01 * exact


def test_penalty_accepts_the_reference():
    assert check_dropout_penalty(reference_dropout_penalty)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda X, w, p: p * np.sum(w**2 * np.mean(X**2, 0)), "not p"),
        (lambda X, w, p: (1 - p) / p * np.sum(w**2 * np.mean(X**2, 0)), "not (1-p)/p"),
        (lambda X, w, p: p / (1 - p) * np.sum(w**2), "depends on the data"),
        (lambda X, w, p: p / (1 - p) * np.sum(w**2 * np.sum(X**2, 0)), "average over examples"),
        (lambda X, w, p: p / (1 - p) * np.sum(w**2 * np.var(X, 0)), "second moment"),
        (lambda X, w, p: 1.0, "expected"),
    ],
)
def test_penalty_rejects_typical_mistakes(wrong, phrase):
    fb = check_dropout_penalty(wrong)
    assert not fb
    assert phrase in fb.message


def test_penalty_reports_a_stub_and_bad_return_values():
    def stub(X, w, p):
        raise NotImplementedError()

    assert check_dropout_penalty(stub).message.startswith("not attempted yet")
    fb = check_dropout_penalty(lambda X, w, p: "big")
    assert not fb and "one number" in fb.message
