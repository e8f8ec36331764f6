"""The data of chapter 4's weight-decay experiments, many seeds stacked at once.

Chapter 4 reproduces the high-dimensional regression of :cite:t:`zhang2021dive` (200
inputs, 20 training points: a linear model can interpolate the training set) over
several seeds, and sweeps learning rate × weight decay for Adam with an L2 penalty and
for AdamW. :func:`high_dim_regression` draws the data sets, stacked along a seed axis;
:func:`lessons_lib.linear_training.fit_linear_adam` trains the whole grid of linear
models on them as one batched computation.

Shapes: ``S`` seeds, ``n`` examples, ``d`` inputs; data ``(S, n, d)`` and ``(S, n)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from .seeding import make_generator
from .validation import check_int, check_real


@dataclass(frozen=True)
class RegressionSets:
    """Training and test sets of several seeds, stacked along axis 0.

    Attributes:
        X_train, y_train: shapes ``(S, n_train, d)`` and ``(S, n_train)``.
        X_test, y_test: shapes ``(S, n_test, d)`` and ``(S, n_test)``.
        w_init: a standard normal initial weight vector per seed, shape ``(S, d)``.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    w_init: torch.Tensor


def high_dim_regression(
    seeds: Sequence[int],
    n_train: int = 20,
    n_test: int = 100,
    d: int = 200,
    noise: float = 0.01,
) -> RegressionSets:
    """Data sets ``y = 0.05 + 0.01 * sum(x) + noise``, ``x ~ N(0, I_d)``, one per seed.

    With ``d = 200`` inputs and ``n_train = 20`` points a linear model fits the training
    set exactly, and nothing in the data constrains the 180 directions orthogonal to the
    training inputs: only a penalty (or decay) removes what the initialization put there.

    Args:
        seeds: one seed per data set (and per initial weight vector).
        n_train: training points per set. Default: 20.
        n_test: test points per set. Default: 100.
        d: number of inputs. Default: 200.
        noise: standard deviation of the label noise. Default: 0.01.

    Returns:
        :class:`RegressionSets` in the current default dtype.

    Example:
        >>> sets = high_dim_regression([0, 1])
        >>> sets.X_train.shape, sets.y_test.shape, sets.w_init.shape
        (torch.Size([2, 20, 200]), torch.Size([2, 100]), torch.Size([2, 200]))
    """
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds must be a non-empty sequence of integers, got {seeds!r}")
    seeds = [check_int(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds)]
    n_train = check_int("n_train", n_train, low=1)
    n_test = check_int("n_test", n_test, low=1)
    d = check_int("d", d, low=1)
    noise = check_real("noise", noise, low=0.0)
    parts = []
    for s in seeds:
        gen = make_generator(s)
        X = torch.randn(n_train + n_test, d, generator=gen)
        y = 0.05 + 0.01 * X.sum(dim=1) + noise * torch.randn(n_train + n_test, generator=gen)
        parts.append((X, y, torch.randn(d, generator=gen)))
    X = torch.stack([p[0] for p in parts])
    y = torch.stack([p[1] for p in parts])
    w = torch.stack([p[2] for p in parts])
    return RegressionSets(X[:, :n_train], y[:, :n_train], X[:, n_train:], y[:, n_train:], w)
