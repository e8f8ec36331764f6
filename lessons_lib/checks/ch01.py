"""Checks for chapter 1, *Why regularize?*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..linear import polynomial_features
from ..stats import bias_variance
from .exercise import Case, Exercise, Mistake, array_reader, tuple_reader, wrong_parts
from .feedback import Feedback

# --- polynomial features ---------------------------------------------------------------------

_X = np.array([0.5, -1.0, 2.0, 0.0, 3.0, -1.5])


def _poly_cases() -> list[Case]:
    return [Case((_X.copy(), d), f"for degree {d}") for d in (3, 0, 1, 5)]


def _powers(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.stack([np.asarray(x, dtype=float) ** j for j in range(lo, hi + 1)], axis=1)


def _swapped_powers(x: np.ndarray, d: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.arange(d + 1.0)[None, :] ** np.asarray(x, dtype=float)[:, None]


POLYNOMIAL_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "decreasing_order",
        lambda x, d: _powers(x, 0, d)[:, ::-1],
        "the columns are in decreasing order (np.vander's default): column j should hold "
        "x**j, starting with the constant column.",
    ),
    Mistake(
        "no_constant_column",
        lambda x, d: _powers(x, 1, d) if d > 0 else np.empty((len(x), 0)),
        "the constant column x**0 = 1 is missing: start the powers at 0.",
    ),
    Mistake(
        "no_top_power",
        lambda x, d: _powers(x, 0, d - 1) if d > 0 else np.empty((len(x), 0)),
        "the top power x**degree is missing: the powers run from 0 to degree inclusive "
        "(range(degree + 1)).",
    ),
    Mistake(
        "powers_shifted",
        lambda x, d: _powers(x, 1, d + 1),
        "the powers are shifted by one: column j should hold x**j for j = 0 … degree.",
    ),
    Mistake(
        "one_power_too_many",
        lambda x, d: _powers(x, 0, d + 1),
        "there is one power too many: the last column should be x**degree.",
    ),
    Mistake(
        "transposed",
        lambda x, d: _powers(x, 0, d).T,
        "it looks transposed: one row per data point, one column per power.",
    ),
    Mistake(
        "times_instead_of_power",
        lambda x, d: np.stack([np.asarray(x, dtype=float) * j for j in range(d + 1)], axis=1),
        "column j holds x times j: raise x to the power j instead (x ** j).",
    ),
    Mistake(
        "base_and_exponent_swapped",
        lambda x, d: _swapped_powers(x, d),
        "column j holds j ** x: base and exponent are swapped; it should hold x ** j.",
    ),
    Mistake(
        "constant_column_last",
        lambda x, d: np.column_stack(
            [np.asarray(x, dtype=float) ** j for j in range(1, d + 1)] + [np.ones(len(x))]
        ),
        "the constant column of ones is last: column j holds x**j, so the ones come first "
        "(column 0).",
    ),
    Mistake(
        "x_standardized",
        lambda x, d: ((np.asarray(x, float) - np.mean(x)) / np.std(x))[:, None] ** np.arange(d + 1),
        "you standardized x before taking powers: the design matrix holds powers of x itself.",
    ),
    Mistake(
        "x_cast_to_int",
        lambda x, d: np.asarray(x).astype(int)[:, None] ** np.arange(d + 1),
        "x was cast to integers (astype(int) drops the fractional part): keep x as floats "
        "before taking powers.",
    ),
)


def _poly_fallback(value: np.ndarray, want: np.ndarray, case: Case) -> str:
    bad = [j for j in range(want.shape[1]) if not np.allclose(value[:, j], want[:, j])]
    return f"column(s) {bad} hold the wrong values; column j should be x raised to the power j."


POLYNOMIAL = Exercise(
    name="polynomial features",
    reference=polynomial_features,
    cases=_poly_cases,
    read=array_reader("the design matrix"),
    mistakes=POLYNOMIAL_MISTAKES,
    success="one row per point, one column per power 0 … degree, for degrees 0, 1, 3 and 5.",
    fallback=_poly_fallback,
)


def check_polynomial_features(fn: Callable[[np.ndarray, int], np.ndarray]) -> Feedback:
    """Check a learner's ``design_matrix(x, degree)``.

    The answer is called on a vector of points with several degrees (0 included) and
    compared with the expected design matrix: shape ``(n, degree + 1)`` and every column.
    Any array-like of floats is accepted.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_polynomial_features(lambda x, d: np.vander(x, d + 1)).passed
        False
    """
    return POLYNOMIAL.check(fn)


# --- bias and variance -----------------------------------------------------------------------


def _bv_cases() -> list[Case]:
    rng = np.random.default_rng(0)
    truth = np.sin(np.linspace(0, 3, 7))
    # The offset changes sign across points, so bias, |bias| and (mean bias)² all differ.
    offset = 0.3 * np.cos(np.linspace(0, 6, 7))
    first = truth + offset + 0.5 * rng.standard_normal((5, 7))
    truth2 = np.linspace(-1.0, 2.0, 4)
    second = truth2 + np.array([0.8, -0.2, 0.1, 0.6]) + 1.5 * rng.standard_normal((3, 4))
    return [
        Case((first, truth), "for 5 training sets and 7 points"),
        Case((second, truth2), "for 3 training sets and 4 points"),
    ]


def _bv_reference(predictions: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    result = bias_variance(predictions, truth)
    return result.bias2, result.variance


def _with_bias(bias2: Callable[..., float]) -> Callable[..., tuple[float, float]]:
    return lambda P, f: (bias2(P, f), _bv_reference(P, f)[1])


def _with_variance(variance: Callable[..., float]) -> Callable[..., tuple[float, float]]:
    return lambda P, f: (_bv_reference(P, f)[0], variance(P, f))


BIAS_VARIANCE_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "bias_not_squared_root",
        _with_bias(lambda P, f: float(np.sqrt(np.mean((np.mean(P, 0) - f) ** 2)))),
        "bias²: that is its square root (the root-mean-square bias); return the squared "
        "bias itself.",
    ),
    Mistake(
        "mean_fit_over_points",
        _with_bias(lambda P, f: float(np.mean((np.mean(P, axis=1, keepdims=True) - f) ** 2))),
        "bias²: you averaged each fit over the points (axis 1); the mean fit averages the "
        "training sets at each point (axis 0).",
    ),
    Mistake(
        "variance_of_mean_fit",
        _with_variance(lambda P, f: float(np.var(np.mean(P, 0)))),
        "variance: that is the spread of the mean fit over the points; take the spread over "
        "training sets (axis 0) at each point, then average over points.",
    ),
    Mistake(
        "swapped",
        lambda P, f: _bv_reference(P, f)[::-1],
        "the two numbers are swapped: return (bias2, variance) in that order.",
    ),
    Mistake(
        "bias_is_total_error",
        _with_bias(lambda P, f: np.mean((P - f) ** 2)),
        "bias²: that is the total squared error; average the predictions over training sets "
        "first, then compare the average with the truth.",
    ),
    Mistake(
        "bias_not_squared",
        _with_bias(lambda P, f: np.mean(P.mean(axis=0) - f)),
        "bias²: that is the average bias; square it point by point before averaging.",
    ),
    Mistake(
        "bias_absolute",
        _with_bias(lambda P, f: np.mean(np.abs(P.mean(axis=0) - f))),
        "bias²: square the differences instead of taking their absolute value.",
    ),
    Mistake(
        "bias_squared_after_mean",
        _with_bias(lambda P, f: np.mean(P.mean(axis=0) - f) ** 2),
        "bias²: you squared the average over points; square at each point, then average "
        "(biases of opposite sign must not cancel).",
    ),
    Mistake(
        "variance_ddof1",
        _with_variance(lambda P, f: P.var(axis=0, ddof=1).mean()),
        "variance: you used ddof=1, which belongs with the corrected bias² − s²/R "
        "(bias_variance(..., unbiased=True)); this exercise asks for the plug-in pair, "
        "whose variance uses ddof=0.",
    ),
    Mistake(
        "corrected_pair",
        lambda P, f: (
            bias_variance(P, f, unbiased=True).bias2,
            bias_variance(P, f, unbiased=True).variance,
        ),
        "that is the corrected pair (bias² − s²/R with the ddof=1 variance), also a valid "
        "decomposition; this exercise asks for the plug-in pair: (f̄ − f)² averaged over "
        "points, and the variance with ddof=0.",
    ),
    Mistake(
        "variance_all_entries",
        _with_variance(lambda P, f: P.var()),
        "variance: take the variance over training sets (axis 0) at each point, then average "
        "over points; not the variance of all entries together.",
    ),
    Mistake(
        "variance_is_std",
        _with_variance(lambda P, f: P.std(axis=0).mean()),
        "variance: that is the standard deviation; square it.",
    ),
    Mistake(
        "variance_wrong_axis",
        _with_variance(lambda P, f: P.var(axis=1).mean()),
        "variance: the spread is over training sets (axis 0, the rows) at each point, "
        "not over points.",
    ),
    Mistake(
        "variance_around_truth",
        _with_variance(lambda P, f: np.mean((P - f) ** 2)),
        "variance: measure the spread around the mean prediction, not around the truth.",
    ),
)


def _bv_fallback(value: tuple, want: tuple, case: Case) -> str:
    from .answers import FLOAT64

    bad = wrong_parts(value, want, ("bias²", "variance"), FLOAT64)
    return (
        f"{' and '.join(bad) or 'the pair'} should be "
        f"({want[0]:.4f}, {want[1]:.4f}), got ({value[0]:.4f}, {value[1]:.4f})."
    )


BIAS_VARIANCE = Exercise(
    name="bias and variance",
    reference=_bv_reference,
    cases=_bv_cases,
    read=tuple_reader(("bias2", "variance"), numbers=True),
    mistakes=BIAS_VARIANCE_MISTAKES,
    success="bias² and variance are right, and their sum is the mean squared error "
    "against the true function.",
    fallback=_bv_fallback,
    parts=("bias2", "variance"),
)


def check_bias_variance(fn: Callable[[np.ndarray, np.ndarray], tuple[float, float]]) -> Feedback:
    """Check a learner's ``estimate_bias_variance(predictions, truth)``, which returns
    ``(bias2, variance)``.

    ``predictions`` has one row per training set and one column per point. The pair is
    compared with the expected numbers on two problems whose biases change sign across
    points.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_bias_variance(lambda P, f: (0.0, 0.0)).passed
        False
    """
    return BIAS_VARIANCE.check(fn)
