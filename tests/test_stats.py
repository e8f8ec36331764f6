"""Tests of lessons_lib.stats: summaries over seeds and the bias-variance decomposition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats as scipy_stats

from lessons_lib.stats import (
    BiasVariance,
    Summary,
    bias_variance,
    paired_difference,
    summarize,
    t_quantile_975,
    verdict,
)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)

# --- summarize -------------------------------------------------------------------------------


def test_summarize_five_values_uses_t_with_four_degrees_of_freedom():
    values = [0.81, 0.84, 0.79, 0.88, 0.83]
    s = summarize(values)
    mean = sum(values) / 5
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / 4)
    assert s.n == 5
    assert s.mean == pytest.approx(mean, rel=1e-12)
    assert s.std == pytest.approx(std, rel=1e-12)
    assert s.ci95 == pytest.approx(2.776 * std / math.sqrt(5), rel=1e-3)
    assert s.min == 0.79
    assert s.max == 0.88


@settings(max_examples=50, deadline=None)
@given(st.lists(finite, min_size=2, max_size=40))
def test_summarize_matches_the_textbook_formulas(values):
    s = summarize(values)
    n = len(values)
    mean = math.fsum(values) / n
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    t = scipy_stats.t.ppf(0.975, n - 1)
    assert s.n == n
    assert s.mean == pytest.approx(mean, rel=1e-9, abs=1e-9)
    assert s.std == pytest.approx(std, rel=1e-7, abs=1e-9)
    assert s.ci95 == pytest.approx(t * s.std / math.sqrt(n), rel=1e-6, abs=1e-12)
    assert s.min == min(values)
    assert s.max == max(values)
    assert s.min <= s.mean + 1e-9
    assert s.mean <= s.max + 1e-9


def test_ci95_for_two_values_uses_the_one_degree_of_freedom_quantile():
    s = summarize([1.0, 3.0])
    assert s.std == pytest.approx(math.sqrt(2))
    assert s.ci95 == pytest.approx(12.706 * math.sqrt(2) / math.sqrt(2), rel=1e-3)


def test_a_single_value_has_zero_spread_and_no_interval():
    s = summarize([0.7])
    assert (s.mean, s.std, s.n, s.min, s.max) == (0.7, 0.0, 1, 0.7, 0.7)
    assert math.isnan(s.ci95)


def test_identical_values_have_zero_spread():
    s = summarize([2.0] * 6)
    assert s.std == 0.0
    assert s.ci95 == 0.0


def test_summarize_accepts_any_iterable_of_numbers():
    assert summarize(x / 10 for x in (8, 9, 10)).mean == pytest.approx(0.9)
    assert summarize(np.array([1, 2, 3])).std == pytest.approx(1.0)
    assert summarize((np.float32(1.0), 3)).mean == 2.0


def test_summary_fields_are_python_floats():
    s = summarize(np.array([1.0, 2.0, 4.0]))
    for value in (s.mean, s.std, s.ci95, s.min, s.max):
        assert type(value) is float
    assert type(s.n) is int


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([], r"values must be a non-empty 1-D sequence, got shape \(0,\)"),
        ([[1.0, 2.0], [3.0, 4.0]], r"values must be a non-empty 1-D sequence, got shape \(2, 2\)"),
        ([1.0, math.nan], r"values must be finite, got \[1\.0, nan\]"),
        ([math.inf, 1.0], r"values must be finite, got \[inf, 1\.0\]"),
    ],
)
def test_summarize_rejects_empty_nested_or_non_finite_values(values, match):
    with pytest.raises(ValueError, match=match):
        summarize(values)


# --- Summary formatting ----------------------------------------------------------------------


def test_summary_str_and_format():
    s = Summary(0.5, 0.25, 0.1, 3, 0.2, 0.8)
    assert str(s) == "0.500 ± 0.250"
    assert f"{s}" == "0.500 ± 0.250"
    assert f"{s:.2f}" == "0.50 ± 0.25"
    assert f"[{s:>14.2f}]" == "[   0.50 ± 0.25]"
    assert f"[{s:<12.1f}]" == "[0.5 ± 0.2   ]"
    assert f"[{s:^13.1f}]" == "[  0.5 ± 0.2  ]"
    assert f"{s:.1%}" == "50.0% ± 25.0%"
    assert f"[{s:>15}]" == "[  0.500 ± 0.250]"


def test_summarize_docstring_example():
    s = summarize([0.8, 0.9, 1.0])
    assert (round(s.mean, 3), round(s.std, 3), s.n) == (0.9, 0.1, 3)
    assert f"{s:.2f}" == "0.90 ± 0.10"


@pytest.mark.parametrize("spec", ["g", "e", ".3g", "10.2e", "+.2f"])
def test_summary_format_accepts_float_presentation_types(spec):
    s = Summary(0.5, 0.25, 0.1, 3, 0.2, 0.8)
    text = format(s, spec)
    mean, std = text.strip().split(" ± ")
    assert float(mean) == pytest.approx(0.5)
    assert float(std) == pytest.approx(0.25)


def test_summary_is_frozen():
    s = summarize([1.0, 2.0])
    with pytest.raises(AttributeError):
        s.mean = 0.0


# --- bias_variance ---------------------------------------------------------------------------


shapes = st.tuples(st.integers(1, 8), st.integers(1, 12))


@settings(max_examples=50, deadline=None)
@given(shape=shapes, data=st.data())
def test_bias2_plus_variance_equals_the_mean_squared_error(shape, data):
    P = data.draw(arrays(np.float64, shape, elements=finite))
    f = data.draw(arrays(np.float64, shape[1], elements=finite))
    bv = bias_variance(P, f)
    mse = np.mean((P - f) ** 2)
    assert bv.bias2 >= 0.0
    assert bv.variance >= 0.0
    assert bv.bias2 + bv.variance == pytest.approx(mse, rel=1e-9, abs=1e-9)
    assert bv.total == bv.bias2 + bv.variance


@settings(max_examples=50, deadline=None)
@given(shape=shapes, data=st.data())
def test_bias_variance_matches_numpy_formulas(shape, data):
    P = data.draw(arrays(np.float64, shape, elements=finite))
    f = data.draw(arrays(np.float64, shape[1], elements=finite))
    bv = bias_variance(P, f)
    R = shape[0]
    mean_pred = P.sum(axis=0) / R
    assert bv.bias2 == pytest.approx(np.mean((mean_pred - f) ** 2), rel=1e-12, abs=1e-12)
    # ddof=0: the variance of the fits themselves, not an estimate from a sample.
    expected_var = np.mean(((P - mean_pred) ** 2).sum(axis=0) / R)
    assert bv.variance == pytest.approx(expected_var, rel=1e-9, abs=1e-9)


def test_bias_variance_docstring_example():
    bv = bias_variance(np.array([[1.0, 2.0], [3.0, 2.0]]), np.array([1.0, 1.0]))
    assert (bv.bias2, bv.variance) == (1.0, 0.5)
    assert bv.total == 1.5
    assert isinstance(bv, BiasVariance)


def test_identical_fits_have_no_variance_and_perfect_mean_has_no_bias():
    f = np.array([0.0, 1.0, -2.0])
    bv = bias_variance(np.tile(f + 0.5, (4, 1)), f)
    assert bv.variance == 0.0
    assert bv.bias2 == pytest.approx(0.25)
    bv = bias_variance(np.stack([f + 1.0, f - 1.0]), f)
    assert bv.bias2 == 0.0
    assert bv.variance == pytest.approx(1.0)


def test_bias_variance_returns_python_floats_and_accepts_lists():
    bv = bias_variance([[1, 2], [3, 2]], [1, 1])
    assert type(bv.bias2) is float
    assert type(bv.variance) is float


@pytest.mark.parametrize(
    ("P", "f", "shapes"),
    [
        (np.zeros((3, 4)), np.zeros(5), r"\(3, 4\) and \(5,\)"),
        (np.zeros(4), np.zeros(4), r"\(4,\) and \(4,\)"),
        (np.zeros((3, 4)), np.zeros((1, 4)), r"\(3, 4\) and \(1, 4\)"),
    ],
)
def test_bias_variance_rejects_mismatched_shapes(P, f, shapes):
    with pytest.raises(
        ValueError,
        match=rf"predictions must have shape \(R, n\) and truth shape \(n,\), "
        rf"got {shapes}",
    ):
        bias_variance(P, f)


@pytest.mark.parametrize("df", [1, 2, 5, 29, 30, 31, 45, 100, 1000, 10**6])
def test_t_quantile_matches_scipy(df):
    assert t_quantile_975(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), rel=1e-6)


def test_t_quantile_rejects_zero_degrees_of_freedom():
    with pytest.raises(ValueError, match="df must be at least 1, got 0"):
        t_quantile_975(0)


# --- bias_variance(unbiased=True) ------------------------------------------------------------


def test_unbiased_bias2_removes_the_variance_over_r_excess():
    # Fits scattered around the truth with no bias at all: the plug-in bias^2 is about
    # variance / R, the unbiased estimate about 0, averaged over many repetitions.
    rng = np.random.default_rng(0)
    truth = np.linspace(-1, 1, 50)
    plug, unb = [], []
    for _ in range(400):
        preds = truth + 2.0 * rng.standard_normal((10, 50))
        plug.append(bias_variance(preds, truth).bias2)
        unb.append(bias_variance(preds, truth, unbiased=True).bias2)
    assert np.mean(plug) == pytest.approx(4.0 / 10, rel=0.05)
    assert abs(np.mean(unb)) < 0.02


@settings(max_examples=40, deadline=None)
@given(P=arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(1, 6)), elements=finite))
def test_unbiased_decomposition_keeps_the_total(P):
    f = np.zeros(P.shape[1])
    plain, unb = bias_variance(P, f), bias_variance(P, f, unbiased=True)
    assert unb.total == pytest.approx(plain.total, rel=1e-9, abs=1e-6)
    assert unb.variance == pytest.approx(np.mean(P.var(axis=0, ddof=1)), rel=1e-12, abs=1e-9)


def test_unbiased_needs_two_rows():
    with pytest.raises(ValueError, match="at least 2"):
        bias_variance(np.ones((1, 3)), np.ones(3), unbiased=True)


# --- t-test p-values and Holm ------------------------------------------------------------------


@given(st.floats(0.0, 50.0), st.integers(1, 40))
def test_t_two_sided_p_matches_scipy(t, df):
    from lessons_lib.stats import t_two_sided_p

    assert t_two_sided_p(t, df) == pytest.approx(2 * scipy_stats.t.sf(t, df), abs=1e-9)
    assert t_two_sided_p(-t, df) == t_two_sided_p(t, df)


def test_paired_t_p_matches_scipy():
    from lessons_lib.stats import paired_t_p

    d = np.random.default_rng(3).normal(0.05, 0.1, 12)
    assert paired_t_p(d) == pytest.approx(scipy_stats.ttest_1samp(d, 0.0).pvalue, rel=1e-9)
    assert paired_t_p([0.0, 0.0, 0.0]) == 1.0
    with pytest.raises(ValueError, match="at least 2"):
        paired_t_p([0.1])


def _holm_reference(p, alpha):
    """Holm via adjusted p-values: max over the sorted prefix of (m - i) p_(i)."""
    order = np.argsort(p, kind="stable")
    adjusted = np.maximum.accumulate([(len(p) - i) * p[j] for i, j in enumerate(order)])
    out = np.zeros(len(p), dtype=bool)
    out[order] = np.minimum(adjusted, 1) <= alpha
    return out


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_holm_matches_adjusted_p_values(p):
    from lessons_lib.stats import holm

    p = np.array(p)
    assert holm(p, 0.05).tolist() == _holm_reference(p, 0.05).tolist()


def test_holm_is_between_bonferroni_and_unadjusted():
    from lessons_lib.stats import holm

    p = np.array([0.001, 0.012, 0.02, 0.03, 0.2])
    reject = holm(p, 0.05)
    assert reject.tolist() == [True, True, False, False, False]  # 0.02 > 0.05/3
    assert np.all(reject >= (p <= 0.05 / len(p))) and np.all(reject <= (p <= 0.05))
    with pytest.raises(ValueError, match="p_values"):
        holm([0.1, 1.5])
    with pytest.raises(ValueError, match="alpha"):
        holm([0.1], alpha=0.0)


# --- paired comparisons ---------------------------------------------------------------------------


def test_paired_difference_is_the_summary_of_the_differences():
    a, b = [0.8, 0.82, 0.81], [0.7, 0.71, 0.72]
    s = paired_difference(a, b)
    assert isinstance(s, Summary)
    ref = summarize([0.1, 0.11, 0.09])
    for field in ("mean", "std", "ci95", "min", "max"):
        assert getattr(s, field) == pytest.approx(getattr(ref, field))
    assert s.n == 3
    assert s.mean == pytest.approx(0.1)
    assert s.ci95 == pytest.approx(t_quantile_975(2) * 0.01 / math.sqrt(3))


def test_pairing_removes_the_spread_between_seeds():
    # seeds differ a lot, the configurations by a steady 0.01: paired, the gain is clear
    base = np.array([0.60, 0.75, 0.90, 0.70])
    better = base + 0.01 + np.array([0.001, -0.001, 0.0, 0.0005])
    assert verdict(paired_difference(better, base)) == "higher"
    assert verdict(paired_difference(base, better)) == "lower"
    # the same numbers with the pairing broken (each run compared with another seed's):
    # the spread between seeds swamps the steady gain
    mismatched = np.roll(base, 1)
    assert verdict(paired_difference(better, mismatched)) == "not distinguishable"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([0.8, 0.82, 0.81], [0.7, 0.71, 0.72], "higher"),
        ([0.7, 0.71, 0.72], [0.8, 0.82, 0.81], "lower"),
        ([0.8, 0.7, 0.9], [0.75, 0.85, 0.8], "not distinguishable"),
        ([0.5, 0.5, 0.5], [0.5, 0.5, 0.5], "not distinguishable"),
        ([0.6, 0.6], [0.5, 0.5], "higher"),  # no spread at all: the interval is a point
        ([0.9], [0.1], "not distinguishable"),  # one seed gives no interval
    ],
)
def test_verdict_on_handmade_numbers(a, b, expected):
    assert verdict(paired_difference(a, b)) == expected


def test_verdict_looks_at_the_interval_not_the_mean():
    # mean 0.02 > 0 but the 95 % interval reaches below zero
    s = paired_difference([0.1, 0.0, 0.06], [0.0, 0.04, 0.06])
    assert s.mean > 0 and s.mean - s.ci95 < 0
    assert verdict(s) == "not distinguishable"
    assert verdict(Summary(0.02, 0.0, 0.019, 3, 0.0, 0.0)) == "higher"
    assert verdict(Summary(-0.02, 0.0, 0.019, 3, 0.0, 0.0)) == "lower"
    assert verdict(Summary(0.02, 0.0, 0.021, 3, 0.0, 0.0)) == "not distinguishable"


def test_paired_difference_rejects_unpaired_shapes():
    with pytest.raises(ValueError, match="got shapes \\(3,\\) and \\(2,\\)"):
        paired_difference([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="must be 1-D arrays"):
        paired_difference([[1.0, 2.0]], [[1.0, 2.0]])


@pytest.mark.parametrize("value", [0.5, (0.1, 0.02), None, "higher"])
def test_verdict_needs_a_summary(value):
    with pytest.raises(TypeError, match="difference must be a Summary"):
        verdict(value)
