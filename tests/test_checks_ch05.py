"""Chapter 5 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lessons_lib.checks import check_dropout_penalty, check_inverted_dropout


def dropout_bernoulli(x, p, training, generator):
    if not training or p == 0:
        return x
    mask = torch.bernoulli(torch.full_like(x, 1 - p), generator=generator)
    return x * mask / (1 - p)


def dropout_numpy(x, p, training, generator):
    if not training:
        return x.numpy()
    keep = np.random.default_rng(0).random(x.shape) >= p
    return np.where(keep, x.numpy() / (1 - p), 0.0)


def dropout_numpy_seeded_by_generator(x, p, training, generator):
    if not training:
        return x.numpy()
    seed = int(torch.randint(2**31, (), generator=generator))
    keep = np.random.default_rng(seed).random(x.shape) >= p
    return np.where(keep, x.numpy() / (1 - p), 0.0)


@pytest.mark.parametrize("answer", [dropout_bernoulli, dropout_numpy_seeded_by_generator])
def test_inverted_dropout_accepts_correct_answers(answer):
    fb = check_inverted_dropout(answer)
    assert fb, fb.message


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (dropout_numpy, "another generator gave the same output"),
        (lambda x, p, training, generator: F.dropout(x, p, training), "another global seed"),
        (lambda x, p, training, generator: nn.Dropout(p).train(training)(x), "global seed"),
    ],
)
def test_inverted_dropout_masks_must_come_from_the_generator(answer, says):
    fb = check_inverted_dropout(answer)
    assert not fb and "`generator`" in fb.message and says in fb.message, fb.message


@pytest.mark.parametrize(
    "answer",
    [
        lambda X, w, p: p / (1 - p) * np.sum(w**2 * np.mean(X**2, axis=0)),
        lambda X, w, p: p / (1 - p) * w**2 @ (X**2).mean(0),
        lambda X, w, p: torch.tensor(p / (1 - p) * np.einsum("ij,j->", X**2, w**2) / len(X)),
        lambda X, w, p: [p / (1 - p) * float(np.sum((X * w) ** 2)) / len(X)],
    ],
)
def test_dropout_penalty_accepts_correct_answers(answer):
    assert check_dropout_penalty(answer)
