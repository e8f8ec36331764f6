"""Summaries over repeated runs, and the bias-variance decomposition.

Chapter 1 introduces both; every chapter reports effects as mean ± spread over seeds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Two-sided 95 % quantiles of Student's t for 1 ... 30 degrees of freedom (6 decimals).
_T975 = (12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
         2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.13145, 2.119905,
         2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
         2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272)  # fmt: skip


def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom.

    A table up to 30 degrees of freedom, then the Cornish-Fisher expansion in ``1/df``
    (relative error below 1e-7). Kept free of SciPy: importing ``scipy.stats`` would add
    over a second to the start of every lesson.

    Example:
        >>> round(t_quantile_975(4), 3), round(t_quantile_975(1000), 3)
        (2.776, 1.962)
    """
    if df < 1:
        raise ValueError(f"df must be at least 1, got {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959963984540054
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


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
    t = t_quantile_975(n - 1) if n > 1 else math.nan
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


def bias_variance(
    predictions: np.ndarray, truth: np.ndarray, *, unbiased: bool = False
) -> BiasVariance:
    """Decompose the error of predictions made from ``R`` resampled training sets.

    The plug-in squared bias ``(f̄ − f)²`` is itself a noisy estimate: ``f̄`` averages
    only ``R`` fits, so on average it exceeds the true squared bias by
    ``variance / R``. Where the variance is large (a weakly penalized model) that
    excess can swamp the bias. With ``unbiased=True`` the excess is subtracted,
    ``bias² = (f̄ − f)² − s² / R`` with ``s²`` the ``ddof=1`` variance, and the variance
    is reported with ``ddof=1``. The sum ``bias² + variance`` is the same either way
    (it is the mean squared error of the fits), and the unbiased squared bias can come
    out slightly negative when the true one is below the Monte-Carlo resolution.

    Args:
        predictions: array of shape ``(R, n)``, row ``r`` the predictions of the model
            fitted to training set ``r`` at ``n`` fixed test points.
        truth: noiseless target values at the test points, shape ``(n,)``.
        unbiased: correct the squared bias for the noise of ``f̄`` (chapter 1).
            Default: ``False``.

    Returns:
        :class:`BiasVariance`. By default the variance over training sets is taken
        with ``ddof=0`` (it describes the fits at hand), and the squared bias is the
        plug-in ``(f̄ − f)²``.

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
    if unbiased and P.shape[0] < 2:
        raise ValueError(f"unbiased=True needs at least 2 rows of predictions, got {P.shape[0]}")
    mean_pred = P.mean(axis=0)
    bias2 = float(np.mean((mean_pred - f) ** 2))
    if not unbiased:
        return BiasVariance(bias2, float(np.mean(P.var(axis=0))))
    s2 = float(np.mean(P.var(axis=0, ddof=1)))
    return BiasVariance(bias2 - s2 / P.shape[0], s2)


def t_two_sided_p(t: float, df: int) -> float:
    """Two-sided p-value of Student's t statistic ``t`` with ``df`` degrees of freedom.

    Exact for integer ``df`` (the finite series of Abramowitz and Stegun, 26.7.3-4), so
    no SciPy import is needed.

    Example:
        >>> round(t_two_sided_p(2.262157, 9), 4)
        0.05
    """
    df = int(df)
    if df < 1:
        raise ValueError(f"df must be at least 1, got {df}")
    t = abs(float(t))
    if math.isnan(t):
        raise ValueError("t must be a number, got nan")
    theta = math.atan(t / math.sqrt(df))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    term, total = 1.0, 1.0
    if df % 2 == 1:  # odd: (2/π)(θ + sinθ cosθ (1 + 2/3 cos²θ + ...))
        for j in range(1, (df - 1) // 2):
            term *= c2 * (2 * j) / (2 * j + 1)
            total += term
        inside = 2 / math.pi * (theta + (s * math.cos(theta) * total if df > 1 else 0.0))
    else:  # even: sinθ (1 + 1/2 cos²θ + 1·3/(2·4) cos⁴θ + ...)
        for j in range(1, df // 2):
            term *= c2 * (2 * j - 1) / (2 * j)
            total += term
        inside = s * total
    return min(1.0, max(0.0, 1.0 - inside))


def paired_t_p(differences: Sequence[float]) -> float:
    """Two-sided p-value of the paired t-test that the mean of ``differences`` is 0.

    Example:
        >>> round(paired_t_p([0.1, 0.2, 0.15, 0.12]), 4)
        0.0072
    """
    s = summarize(differences)
    if s.n < 2:
        raise ValueError(f"differences must hold at least 2 values, got {s.n}")
    if s.std == 0:
        return 1.0 if s.mean == 0 else 0.0
    return t_two_sided_p(s.mean / (s.std / math.sqrt(s.n)), s.n - 1)


def holm(p_values: Sequence[float], alpha: float = 0.05) -> np.ndarray:
    """Holm's step-down adjustment: which of several tests reject at family-wise level
    ``alpha``.

    Sort the ``m`` p-values; the ``i``-th smallest (from 0) rejects if it and every
    smaller one satisfy ``p ≤ alpha / (m - i)``. The probability of at least one false
    rejection among all ``m`` tests is then at most ``alpha``, whatever their dependence.

    Returns:
        A boolean array, in the order of ``p_values``: ``True`` where the test rejects.

    Example:
        >>> holm([0.01, 0.04, 0.03, 0.005]).tolist()
        [True, False, False, True]
    """
    p = np.asarray(list(p_values), dtype=float)
    if p.ndim != 1 or np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError(f"p_values must be a 1-D sequence of values in [0, 1], got {p}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    m = p.size
    reject = np.zeros(m, dtype=bool)
    for i, idx in enumerate(np.argsort(p, kind="stable")):
        if p[idx] > alpha / (m - i):
            break
        reject[idx] = True
    return reject


def paired_difference(a: Any, b: Any) -> Summary:
    """Mean and 95 % interval of ``a - b`` for measurements paired by seed.

    Example:
        >>> s = paired_difference([0.8, 0.82, 0.81], [0.7, 0.71, 0.72])
        >>> round(s.mean, 3)
        0.1
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(
            f"a and b must be 1-D arrays of one value per seed, got shapes {a.shape} and {b.shape}"
        )
    return summarize(a - b)


def verdict(difference: Summary) -> str:
    """``"higher"``, ``"lower"`` or ``"not distinguishable"``: does the 95 % interval
    of a paired difference exclude zero?

    Example:
        >>> verdict(paired_difference([1.0, 1.1, 1.2], [0.0, 0.0, 0.1]))
        'higher'
    """
    if not isinstance(difference, Summary):
        raise TypeError(f"difference must be a Summary, got {type(difference).__name__}")
    if difference.mean - difference.ci95 > 0:
        return "higher"
    if difference.mean + difference.ci95 < 0:
        return "lower"
    return "not distinguishable"
