"""The capstone's data (chapter 10): points on a square, labelled by a circle, with label noise.

Inputs are uniform on ``[-2, 2]²`` and the circle covers half of the square, so the
classes are balanced; flipped labels give a small network something to overfit.
:func:`stacked_splits` draws one independent data set per seed and stacks them, the
layout a :class:`~lessons_lib.stacked.StackedMLP` trains on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from .data import Split
from .validation import check_int, check_real

__all__ = ["BALANCED_RADIUS2", "StackedSplits", "disk_data", "stacked_splits"]

#: Inputs are uniform on the square [-2, 2]²; points outside the circle of this squared
#: radius are class 1. The circle covers half of the square's area 16, so the classes are
#: balanced: pi r² = 8.
BALANCED_RADIUS2 = 8 / math.pi


def disk_data(
    n_samples: int, flip: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Points uniform on ``[-2, 2]²``, labelled 1 outside a circle of half the area.

    Args:
        n_samples: number of points.
        flip: probability that a label is flipped (label noise), in ``[0, 0.5)``.
            Default: 0.2.
        seed: seed of the draw. Default: 0.

    Returns:
        ``X`` of shape ``(n, 2)`` and float labels ``y`` of shape ``(n,)``.

    Example:
        >>> X, y = disk_data(10_000, flip=0.0, seed=0)
        >>> round(float(y.mean()), 2)
        0.5
    """
    n_samples = check_int("n_samples", n_samples, low=1)
    flip = check_real("flip", flip, low=0.0, high=0.5, high_inclusive=False)
    seed = check_int("seed", seed, low=0)
    gen = torch.Generator().manual_seed(seed)
    X = torch.rand(n_samples, 2, generator=gen) * 4 - 2
    y = (X.pow(2).sum(dim=1) > BALANCED_RADIUS2).float()
    flipped = torch.rand(n_samples, generator=gen) < flip
    return X, torch.where(flipped, 1 - y, y)


@dataclass(frozen=True)
class StackedSplits(Split):
    """A :class:`~lessons_lib.data.Split` of ``k`` seeds' data, stacked on axis 0."""

    def sizes(self) -> tuple[int, int, int]:
        """Return ``(n_train, n_val, n_test)`` of each seed's data set."""
        return self.y_train.shape[1], self.y_val.shape[1], self.y_test.shape[1]


def stacked_splits(
    seeds: Sequence[int],
    n_train: int = 100,
    n_val: int = 100,
    n_test: int = 4000,
    flip: float = 0.2,
) -> StackedSplits:
    """One independent draw of :func:`disk_data` per seed, split three ways.

    All three sets carry the same label noise: the test set measures accuracy on data
    like the training data, so the best possible accuracy is ``1 - flip``.

    Example:
        >>> d = stacked_splits([0, 1], n_train=20, n_val=10, n_test=30)
        >>> tuple(d.X_train.shape), d.sizes()
        ((2, 20, 2), (20, 10, 30))
    """
    sizes = [
        check_int(n, v, low=1)
        for n, v in (("n_train", n_train), ("n_val", n_val), ("n_test", n_test))
    ]
    n = sum(sizes)
    draws = [disk_data(n, flip, check_int(f"seeds[{i}]", s, low=0)) for i, s in enumerate(seeds)]
    if not draws:
        raise ValueError("seeds must not be empty")
    X = torch.stack([d[0] for d in draws])
    y = torch.stack([d[1] for d in draws])
    a, b = sizes[0], sizes[0] + sizes[1]
    return StackedSplits(X[:, :a], y[:, :a], X[:, a:b], y[:, a:b], X[:, b:], y[:, b:])
