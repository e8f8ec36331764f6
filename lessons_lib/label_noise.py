"""Label noise: wrong labels on purpose, to give a network something to memorize.

Taught in chapter 1 (random labels can be memorized) and used in chapters 7 to 9:
:func:`flip_labels` corrupts an exact share of the labels, :func:`random_labels`
draws labels that carry no information, and :func:`noisy_digits` is the split of the
8x8 digits with partly wrong training labels that chapters 7 and 9 train on.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .data import Split, digits, train_val_test_split
from .validation import check_int, check_probability

__all__ = ["NoisySplit", "flip_labels", "noisy_digits", "random_labels"]


def flip_labels(
    y: torch.Tensor, fraction: float, seed: int = 0, num_classes: int | None = None
) -> torch.Tensor:
    """Return a copy of ``y`` where exactly ``round(fraction * n)`` labels are wrong.

    Each chosen label is replaced by a different class drawn uniformly, so the
    corrupted fraction is exact rather than only expected.

    Args:
        y: integer class labels of shape ``(n,)``.
        fraction: share of labels to corrupt, in ``[0, 1)``.
        seed: seed of the draw. Default: 0.
        num_classes: number of classes. Default: ``y.max() + 1``.

    Example:
        >>> y = torch.zeros(10, dtype=torch.int64)
        >>> int((flip_labels(y, 0.3, num_classes=2) != y).sum())
        3
    """
    if not isinstance(y, torch.Tensor) or y.dim() != 1 or y.is_floating_point():
        raise TypeError(
            f"y must be a 1-D integer tensor of labels, got {type(y).__name__}"
            + (
                f" of shape {tuple(y.shape)} and dtype {y.dtype}"
                if isinstance(y, torch.Tensor)
                else ""
            )
        )
    fraction = check_probability("fraction", fraction)
    seed = check_int("seed", seed, low=0)
    k = int(y.max()) + 1 if num_classes is None else check_int("num_classes", num_classes, low=2)
    if k < 2:
        raise ValueError(f"num_classes must be at least 2, got {k}")
    gen = torch.Generator().manual_seed(seed)
    n_flip = round(fraction * len(y))
    idx = torch.randperm(len(y), generator=gen)[:n_flip]
    shift = torch.randint(1, k, (n_flip,), generator=gen)
    y_new = y.clone()
    y_new[idx] = (y[idx] + shift) % k
    return y_new


def random_labels(n: int, num_classes: int, seed: int = 0) -> torch.Tensor:
    """Labels drawn uniformly at random: nothing about them can be learned.

    Used in chapter 1 to show that a network can memorize noise (Zhang et al., 2017).

    Example:
        >>> random_labels(5, 3, seed=0).shape
        torch.Size([5])
    """
    n = check_int("n", n, low=1)
    num_classes = check_int("num_classes", num_classes, low=2)
    seed = check_int("seed", seed, low=0)
    return torch.randint(0, num_classes, (n,), generator=torch.Generator().manual_seed(seed))


@dataclass(frozen=True)
class NoisySplit(Split):
    """A :class:`~lessons_lib.data.Split` whose training labels are partly wrong.

    Made by :func:`noisy_digits`.

    Attributes:
        y_train_clean: the true labels of the training examples; ``y_train`` holds the
            corrupted ones the model is trained on.
    """

    y_train_clean: torch.Tensor | None = None


def noisy_digits(
    seed: int = 0,
    n_train: int = 300,
    noise: float = 0.3,
    val_fraction: float = 0.3,
    test_fraction: float = 0.3,
) -> NoisySplit:
    """The digits with few, partly mislabelled training images: a run worth stopping.

    Chapters 7 and 9 train on it: a stratified
    :func:`~lessons_lib.data.train_val_test_split` of :func:`~lessons_lib.data.digits`,
    of which only the first ``n_train`` training images are kept, and a share
    ``noise`` of their labels is replaced by a different, random digit
    (:func:`flip_labels`). Validation and test labels stay clean.

    Args:
        seed: seed of the split and of the label noise. Default: 0.
        n_train: number of training images kept, at least 1. Default: 300.
        noise: share of wrong training labels, in ``[0, 1)``. Default: 0.3.
        val_fraction, test_fraction: shares of the 1,797 digits held out for
            validation and test. Default: 0.3 each.

    Returns:
        A :class:`NoisySplit`; ``y_train_clean`` holds the uncorrupted training labels.

    Raises:
        ValueError: if ``n_train`` exceeds the training images the split leaves.

    Example:
        >>> split = noisy_digits(seed=0)
        >>> split.sizes()
        (300, 539, 539)
        >>> int((split.y_train != split.y_train_clean).sum())
        90
    """
    seed = check_int("seed", seed, low=0)
    n_train = check_int("n_train", n_train, low=1)
    noise = check_probability("noise", noise)
    X, y = digits()
    split = train_val_test_split(X, y, val_fraction, test_fraction, seed=seed)
    available = len(split.y_train)
    if n_train > available:
        raise ValueError(
            f"n_train must be at most the {available} training images this split "
            f"leaves, got {n_train}"
        )
    clean = split.y_train[:n_train]
    return NoisySplit(
        split.X_train[:n_train],
        flip_labels(clean, noise, seed=seed, num_classes=10),
        split.X_val,
        split.y_val,
        split.X_test,
        split.y_test,
        y_train_clean=clean,
    )
