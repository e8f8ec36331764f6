"""Summaries over repeated runs, and the bias-variance decomposition.

Chapter 1 introduces both; every chapter reports effects as mean ± spread over seeds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student_t


@dataclass(frozen=True)
class Summary:
    """Mean and spread of a few repeated measurements.

    Attributes:
        mean: sample mean.
        std: sample standard deviation (``ddof=1``; 0 for a single value).
        ci95: half-width of the 95 % confidence interval of the mean (Student's t).
        n: number of values.
        min, max: smallest and largest value.
    """

    mean: float
    std: float
    ci95: float
    n: int
    min: float
    max: float

    def __str__(self) -> str:
        return f"{self.mean:.3f} ± {self.std:.3f}"

    def __format__(self, spec: str) -> str:
        """Format as ``mean ± std``: precision applies to both numbers, width to the whole.

        Example:
            >>> f"[{Summary(0.5, 0.25, 0.1, 3, 0.2, 0.8):>14.2f}]"
            '[   0.50 ± 0.25]'
        """
        if not spec:
            return str(self)
        match = re.fullmatch(
            r"(?P<outer>(?:.?[<>^])?\d*)(?P<number>[+\- ]?#?0?,?(?:\.\d+)?[eEfFgG%]?)", spec
        )
        if match is None:
            raise ValueError(f"invalid format spec {spec!r} for Summary")
        number = match["number"] or ".3f"
        text = f"{format(self.mean, number)} ± {format(self.std, number)}"
        return format(text, match["outer"])


def summarize(values: Sequence[float]) -> Summary:
    """Summarize repeated measurements (e.g. one accuracy per seed).

    Example:
        >>> s = summarize([0.8, 0.9, 1.0])
        >>> round(s.mean, 3), round(s.std, 3), s.n
        (0.9, 0.1, 3)
        >>> f"{s:.2f}"
        '0.90 ± 0.10'
    """
    arr = np.asarray(list(values), dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"values must be finite, got {arr.tolist()}")
    n = arr.size
    std = float(arr.std(ddof=1)) if n > 1 else 0.0
    t = float(student_t.ppf(0.975, n - 1)) if n > 1 else math.nan
    ci = t * std / math.sqrt(n) if n > 1 else math.nan
    return Summary(float(arr.mean()), std, ci, n, float(arr.min()), float(arr.max()))


@dataclass(frozen=True)
class BiasVariance:
    """Average squared bias and variance of a model's predictions.

    For predictions ``f̂_r(x_i)`` from ``r = 1…R`` training sets and the true
    function ``f(x_i)`` at test points ``i = 1…n``:

    .. math::
        \\text{bias}^2 = \\frac1n \\sum_i (\\bar f(x_i) - f(x_i))^2, \\quad
        \\text{variance} = \\frac1n \\sum_i \\frac1R \\sum_r (\\hat f_r(x_i) - \\bar f(x_i))^2,

    with ``f̄ = mean_r f̂_r``. Their sum equals the mean squared error against ``f``
    averaged over training sets (an identity, checked in the tests).
    """

    bias2: float
    variance: float

    @property
    def total(self) -> float:
        """``bias2 + variance``: expected squared error against the noiseless target."""
        return self.bias2 + self.variance


def bias_variance(predictions: np.ndarray, truth: np.ndarray) -> BiasVariance:
    """Decompose the error of predictions made from ``R`` resampled training sets.

    Args:
        predictions: array of shape ``(R, n)``, row ``r`` the predictions of the model
            fitted to training set ``r`` at ``n`` fixed test points.
        truth: noiseless target values at the test points, shape ``(n,)``.

    Returns:
        :class:`BiasVariance` with the variance over training sets taken with
        ``ddof=0`` (it is a property of the distribution of fits, not an estimate of
        a sample's spread).

    Example:
        >>> bv = bias_variance(np.array([[1.0, 2.0], [3.0, 2.0]]), np.array([1.0, 1.0]))
        >>> bv.bias2, bv.variance
        (1.0, 0.5)
    """
    P = np.asarray(predictions, dtype=float)
    f = np.asarray(truth, dtype=float)
    if P.ndim != 2 or f.ndim != 1 or P.shape[1] != f.shape[0]:
        raise ValueError(
            f"predictions must have shape (R, n) and truth shape (n,), got {P.shape} and {f.shape}"
        )
    mean_pred = P.mean(axis=0)
    bias2 = float(np.mean((mean_pred - f) ** 2))
    variance = float(np.mean(P.var(axis=0)))
    return BiasVariance(bias2, variance)
