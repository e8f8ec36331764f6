"""Small data sets that ship with the code: nothing is downloaded.

Taught in chapter 1 and used by every later chapter. Generators take an explicit
``seed`` and return ``torch`` tensors: inputs as ``float32`` of shape ``(n, d)``,
class labels as ``int64`` of shape ``(n,)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np
import torch

from .validation import check_choice, check_int, check_probability, check_real

DATASETS = ("moons", "circles", "digits")
MAX_SKLEARN_SEED = 2**32 - 1  # scikit-learn's random_state must fit in 32 bits
#: The 8x8 digits as ``uint8`` arrays: ``pixels`` (1797, 64) in 0..16, ``labels`` (1797,).
DIGITS_FILE = "digits.npz"


@dataclass(frozen=True)
class Split:
    """Train, validation and test parts of one data set.

    Attributes:
        X_train, y_train: the data the model is fitted to.
        X_val, y_val: held out, used to choose hyperparameters and stopping points.
        X_test, y_test: held out until the very end, used once to report performance.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    def sizes(self) -> tuple[int, int, int]:
        """Return ``(n_train, n_val, n_test)``."""
        return len(self.y_train), len(self.y_val), len(self.y_test)


def _to_tensors(X: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.int64)


def _shuffled_with_noise(
    x: np.ndarray, y: np.ndarray, n_out: int, noise: float, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Class 0 is the first ``n_out`` points: shuffle, then add noise, as scikit-learn does.

    The draws are those of ``sklearn.datasets.make_moons``/``make_circles`` with
    ``random_state=seed`` (one ``RandomState``: a shuffle of the indices, then the
    noise), so the points are identical to scikit-learn's without importing it.
    """
    rng = np.random.RandomState(seed)  # noqa: NPY002 - scikit-learn's generator, for equality
    X = np.stack([x, y], axis=1)
    labels = np.append(np.zeros(n_out, dtype=np.int64), np.ones(len(x) - n_out, dtype=np.int64))
    order = np.arange(len(x))
    rng.shuffle(order)
    X, labels = X[order], labels[order]
    X += rng.normal(scale=noise, size=X.shape)
    return _to_tensors(X, labels)


def two_moons(
    n_samples: int, noise: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaving half circles in 2-D, a balanced binary problem.

    Args:
        n_samples: number of points (split evenly between the classes).
        noise: standard deviation of Gaussian noise added to the points. Default: 0.2.
        seed: seed of the draw. Default: 0.

    Returns:
        ``(X, y)`` with ``X`` of shape ``(n_samples, 2)`` and ``y`` in ``{0, 1}``.

    Example:
        >>> X, y = two_moons(10, seed=1)
        >>> tuple(X.shape), int(y.sum())
        ((10, 2), 5)
    """
    n_samples = check_int("n_samples", n_samples, low=2)
    noise = check_real("noise", noise, low=0.0)
    seed = check_int("seed", seed, low=0, high=MAX_SKLEARN_SEED)
    n_out = n_samples // 2
    angle_out = np.linspace(0, np.pi, n_out)
    angle_in = np.linspace(0, np.pi, n_samples - n_out)
    x = np.append(np.cos(angle_out), 1 - np.cos(angle_in))
    y = np.append(np.sin(angle_out), 1 - np.sin(angle_in) - 0.5)
    return _shuffled_with_noise(x, y, n_out, noise, seed)


def circles(
    n_samples: int, noise: float = 0.1, factor: float = 0.5, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """A small circle inside a large one in 2-D, a balanced binary problem.

    Args:
        n_samples: number of points (split evenly between the classes).
        noise: standard deviation of Gaussian noise. Default: 0.1.
        factor: radius of the inner circle relative to the outer one, in ``(0, 1)``.
            Default: 0.5.
        seed: seed of the draw. Default: 0.

    Example:
        >>> X, y = circles(8, seed=0)
        >>> tuple(X.shape), int(y.sum())
        ((8, 2), 4)
    """
    n_samples = check_int("n_samples", n_samples, low=2)
    noise = check_real("noise", noise, low=0.0)
    factor = check_real(
        "factor", factor, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    seed = check_int("seed", seed, low=0, high=MAX_SKLEARN_SEED)
    n_out = n_samples // 2
    angle_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    angle_in = np.linspace(0, 2 * np.pi, n_samples - n_out, endpoint=False)
    x = np.append(np.cos(angle_out), np.cos(angle_in) * factor)
    y = np.append(np.sin(angle_out), np.sin(angle_in) * factor)
    return _shuffled_with_noise(x, y, n_out, noise, seed)


def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled 8×8 handwritten digits (1,797 images, 10 classes).

    Pixels are scaled from ``[0, 16]`` to ``[0, 1]``. A copy of the data ships with this
    package (``digits.npz``, equal to ``sklearn.datasets.load_digits()``), so this works
    offline and without importing scikit-learn.

    Returns:
        ``(X, y)`` with ``X`` of shape ``(1797, 64)`` (reshape to ``(-1, 8, 8)`` for
        images) and ``y`` in ``{0, …, 9}``.

    Example:
        >>> X, y = digits()
        >>> tuple(X.shape), int(y.max()), float(X.max())
        ((1797, 64), 9, 1.0)
    """
    with resources.files(__package__).joinpath(DIGITS_FILE).open("rb") as f, np.load(f) as npz:
        pixels, labels = npz["pixels"], npz["labels"]
    return _to_tensors(pixels / 16.0, labels)


def load(
    name: str, n_samples: int = 200, noise: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load a data set by name: ``"moons"``, ``"circles"`` or ``"digits"``.

    ``n_samples``, ``noise`` and ``seed`` apply to the generated sets; ``"digits"``
    ignores them and returns the full bundled set.

    Raises:
        ValueError: for an unknown name, listing the known ones.

    Example:
        >>> load("spirals")
        Traceback (most recent call last):
        ...
        ValueError: name must be one of 'moons', 'circles', 'digits'; got 'spirals'
    """
    name = check_choice("name", name, DATASETS)
    if name == "moons":
        return two_moons(n_samples, noise=noise, seed=seed)
    if name == "circles":
        return circles(n_samples, noise=noise, seed=seed)
    return digits()


def train_val_test_split(
    X: torch.Tensor,
    y: torch.Tensor,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    seed: int = 0,
    stratify: bool = True,
) -> Split:
    """Split ``(X, y)`` into train, validation and test parts, deterministically.

    With ``stratify=True`` each class is split in the same proportions, so small
    splits keep the class balance of the whole set.

    Args:
        X: inputs of shape ``(n, ...)``.
        y: labels or targets of shape ``(n,)``.
        val_fraction: share of the data for validation, in ``[0, 1)``. Default: 0.2.
        test_fraction: share for the test set, in ``[0, 1)``. Default: 0.2.
        seed: seed of the shuffle. Default: 0.
        stratify: keep class proportions (needs integer labels). Default: ``True``.

    Raises:
        ValueError: if the lengths differ or the fractions leave no training data.

    Example:
        >>> X, y = two_moons(100, seed=0)
        >>> train_val_test_split(X, y, 0.2, 0.3, seed=0).sizes()
        (50, 20, 30)
    """
    if not isinstance(X, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError(
            f"X and y must be torch tensors, got {type(X).__name__} and {type(y).__name__}"
        )
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    val_fraction = check_probability("val_fraction", val_fraction)
    test_fraction = check_probability("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(
            "val_fraction + test_fraction must be < 1 so that training data remain, "
            f"got {val_fraction} + {test_fraction}"
        )
    seed = check_int("seed", seed, low=0)
    n = len(y)
    gen = torch.Generator().manual_seed(seed)
    if stratify and not y.is_floating_point():
        groups = [torch.nonzero(y == c).flatten() for c in torch.unique(y)]
    else:
        groups = [torch.arange(n)]
    parts: list[list[torch.Tensor]] = [[], [], []]
    for idx in groups:
        idx = idx[torch.randperm(len(idx), generator=gen)]
        n_val = round(val_fraction * len(idx))
        n_test = round(test_fraction * len(idx))
        parts[1].append(idx[:n_val])
        parts[2].append(idx[n_val : n_val + n_test])
        parts[0].append(idx[n_val + n_test :])
    tr, va, te = (torch.cat(p)[torch.randperm(len(torch.cat(p)), generator=gen)] for p in parts)
    if len(tr) == 0:
        raise ValueError(f"the split leaves no training data for n={n}")
    return Split(X[tr], y[tr], X[va], y[va], X[te], y[te])


def noisy_sine(n_samples: int, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points ``x`` uniform on ``[0, 1]`` and ``y = sin(2πx) + ε``, ``ε ~ N(0, noise²)``.

    The regression problem of chapter 1's polynomial sweep and bias-variance study.
    The noiseless function is :func:`sine_target`.

    Returns:
        ``(x, y)``, NumPy arrays of shape ``(n_samples,)`` in float64.

    Example:
        >>> x, y = noisy_sine(4, seed=0)
        >>> x.shape, y.shape
        ((4,), (4,))
    """
    n_samples = check_int("n_samples", n_samples, low=1)
    noise = check_real("noise", noise, low=0.0)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, n_samples)
    return x, sine_target(x) + noise * rng.standard_normal(n_samples)


def sine_target(x: np.ndarray) -> np.ndarray:
    """The noiseless target ``sin(2πx)`` behind :func:`noisy_sine`."""
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


TargetFn = Callable[[np.ndarray], np.ndarray]
