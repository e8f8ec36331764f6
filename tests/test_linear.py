"""Tests of lessons_lib.linear against NumPy and scikit-learn references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.linear_model import LinearRegression, Ridge

from lessons_lib.linear import polynomial_features, ridge_fit, ridge_fit_batch
from lessons_lib.metrics import mse

finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def problem(n: int = 20, p: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, p)), rng.standard_normal(n)


# --- polynomial_features ---------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 30), elements=finite), degree=st.integers(0, 8))
def test_polynomial_features_equals_increasing_vander(x, degree):
    Phi = polynomial_features(x, degree)
    assert Phi.shape == (len(x), degree + 1)
    assert Phi.dtype == np.float64
    np.testing.assert_allclose(Phi, np.vander(x, degree + 1, increasing=True), rtol=1e-12)


def test_polynomial_features_columns_are_powers():
    x = np.array([2.0, -1.0, 0.0])
    Phi = polynomial_features(x, 3)
    np.testing.assert_array_equal(Phi[:, 0], [1.0, 1.0, 1.0])  # 0**0 == 1 too
    np.testing.assert_array_equal(Phi[:, 1], x)
    np.testing.assert_array_equal(Phi[:, 3], x**3)


def test_polynomial_features_accepts_lists_and_integers():
    np.testing.assert_array_equal(polynomial_features([1, 2], 2), [[1.0, 1.0, 1.0], [1, 2, 4]])


def test_polynomial_features_of_degree_zero_is_the_constant_column():
    np.testing.assert_array_equal(polynomial_features(np.arange(4.0), 0), np.ones((4, 1)))


def test_polynomial_features_does_not_modify_its_input():
    x = np.array([1.0, 2.0, 3.0])
    polynomial_features(x, 4)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("degree", "error", "match"),
    [
        (-1, ValueError, r"degree must be in \[0, inf\], got -1"),
        (2.5, TypeError, "degree must be an integer, got 2.5 of type float"),
        (2.0, TypeError, "degree must be an integer, got 2.0"),
        (True, TypeError, "degree must be an integer, got True"),
        ("3", TypeError, "degree must be an integer, got '3'"),
    ],
)
def test_polynomial_features_rejects_invalid_degrees(degree, error, match):
    with pytest.raises(error, match=match):
        polynomial_features(np.array([1.0, 2.0]), degree)


@pytest.mark.parametrize(("x", "shape"), [(np.zeros((3, 1)), r"\(3, 1\)"), (1.0, r"\(\)")])
def test_polynomial_features_rejects_inputs_that_are_not_1d(x, shape):
    with pytest.raises(ValueError, match=rf"x must be 1-D of shape \(n,\), got shape {shape}"):
        polynomial_features(x, 2)


# --- ridge_fit -------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), lam=st.floats(1e-3, 1e3), n=st.integers(3, 30))
def test_ridge_fit_matches_the_closed_form_and_sklearn_when_everything_is_penalized(seed, lam, n):
    Phi, y = problem(n, 4, seed)
    w = ridge_fit(Phi, y, lam=lam, penalize_intercept=True)
    closed = np.linalg.solve(Phi.T @ Phi + lam * np.eye(4), Phi.T @ y)
    np.testing.assert_allclose(w, closed, rtol=1e-8, atol=1e-10)
    ref = Ridge(alpha=lam, fit_intercept=False, solver="cholesky").fit(Phi, y)
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-6, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), lam=st.floats(1e-3, 1e3), n=st.integers(3, 30))
def test_ridge_fit_with_free_intercept_matches_sklearn_with_fit_intercept(seed, lam, n):
    # An unpenalized constant column is the same model as sklearn's centred intercept.
    X, y = problem(n, 3, seed)
    Phi = np.column_stack([np.ones(n), X])
    w = ridge_fit(Phi, y, lam=lam)
    ref = Ridge(alpha=lam, fit_intercept=True, solver="cholesky").fit(X, y)
    np.testing.assert_allclose(w[1:], ref.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(w[0], ref.intercept_, rtol=1e-6, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), lam=st.floats(0, 100), free=st.booleans())
def test_ridge_fit_solves_its_normal_equations(seed, lam, free):
    Phi, y = problem(15, 5, seed)
    w = ridge_fit(Phi, y, lam=lam, penalize_intercept=not free)
    D = np.eye(5)
    if free:
        D[0, 0] = 0.0
    gradient = Phi.T @ (Phi @ w - y) + lam * D @ w
    np.testing.assert_allclose(gradient, 0.0, atol=1e-8)


def test_ridge_fit_without_penalty_is_least_squares():
    Phi, y = problem(25, 4, 1)
    w = ridge_fit(Phi, y)
    np.testing.assert_allclose(w, np.linalg.lstsq(Phi, y, rcond=None)[0], rtol=1e-10)
    ref = LinearRegression(fit_intercept=False).fit(Phi, y)
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-8)


def test_ridge_fit_without_penalty_interpolates_on_a_square_system():
    x = np.array([0.0, 0.5, 1.0, 1.5])
    Phi = polynomial_features(x, 3)
    y = np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(Phi @ ridge_fit(Phi, y), y, atol=1e-10)


def test_ridge_fit_without_penalty_handles_a_singular_design_with_the_minimum_norm_solution():
    x = np.linspace(0, 1, 10)
    Phi = np.column_stack([np.ones(10), x, x])  # duplicated column: Phi^T Phi singular
    y = 1 + 2 * x
    w = ridge_fit(Phi, y)
    np.testing.assert_allclose(w, np.linalg.pinv(Phi) @ y, atol=1e-10)
    np.testing.assert_allclose(w, [1.0, 1.0, 1.0], atol=1e-10)


def test_ridge_fit_recovers_exact_weights():
    x = np.linspace(-1, 1, 9)
    Phi = polynomial_features(x, 2)
    np.testing.assert_allclose(ridge_fit(Phi, 3 - x + 2 * x**2), [3.0, -1.0, 2.0], atol=1e-10)


def test_ridge_fit_does_not_shrink_the_intercept_by_default():
    x = np.linspace(0, 1, 30)
    y = 5.0 + np.sin(6 * x)
    Phi = polynomial_features(x, 3)
    w = ridge_fit(Phi, y, lam=1e10)
    np.testing.assert_allclose(w[1:], 0.0, atol=1e-7)
    np.testing.assert_allclose(w[0], y.mean(), rtol=1e-6)
    w_all = ridge_fit(Phi, y, lam=1e10, penalize_intercept=True)
    np.testing.assert_allclose(w_all, 0.0, atol=1e-7)


def test_ridge_weight_norm_shrinks_as_lambda_grows():
    Phi = polynomial_features(np.linspace(0, 1, 12), 6)
    y = np.sin(2 * np.pi * np.linspace(0, 1, 12))
    lams = [0.0, 1e-6, 1e-4, 1e-2, 1.0, 100.0]
    norms = [np.linalg.norm(ridge_fit(Phi, y, lam=lam)[1:]) for lam in lams]
    assert all(a > b for a, b in zip(norms, norms[1:], strict=False))


def test_ridge_training_error_grows_with_lambda():
    x = np.linspace(0, 1, 12)
    Phi = polynomial_features(x, 5)
    y = np.sin(2 * np.pi * x)
    errors = [mse(y, Phi @ ridge_fit(Phi, y, lam=lam)) for lam in (0.0, 1e-3, 1e-1, 10.0)]
    assert all(a < b for a, b in zip(errors, errors[1:], strict=False))


def test_ridge_fit_accepts_lists():
    w = ridge_fit([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1, 3, 5])
    np.testing.assert_allclose(w, [1.0, 2.0], atol=1e-12)


@pytest.mark.parametrize(
    ("lam", "error", "match"),
    [
        (-1.0, ValueError, r"lam must be in \[0\.0, .*got -1\.0"),
        (-1e-9, ValueError, r"lam must be in \[0\.0, .*got -1e-09"),
        (math.nan, ValueError, "lam must be in .*got nan"),
        (math.inf, ValueError, "lam must be in .*got inf"),
        ("0.1", TypeError, "lam must be a real number, got '0.1' of type str"),
        (True, TypeError, "lam must be a real number, got True of type bool"),
        (None, TypeError, "lam must be a real number, got None"),
    ],
)
def test_ridge_fit_rejects_invalid_lambdas(lam, error, match):
    Phi, y = problem()
    with pytest.raises(error, match=match):
        ridge_fit(Phi, y, lam=lam)


@pytest.mark.parametrize(
    ("Phi", "y", "shapes"),
    [
        (np.ones((5, 2)), np.ones(4), r"\(5, 2\) and \(4,\)"),
        (np.ones(5), np.ones(5), r"\(5,\) and \(5,\)"),
        (np.ones((5, 2)), np.ones((5, 1)), r"\(5, 2\) and \(5, 1\)"),
    ],
)
def test_ridge_fit_rejects_mismatched_shapes(Phi, y, shapes):
    with pytest.raises(ValueError, match=rf"Phi must have shape \(n, p\) .*got {shapes}"):
        ridge_fit(Phi, y)


# --- ridge_fit_batch -------------------------------------------------------------------------


@pytest.mark.parametrize("penalize_intercept", [False, True])
def test_ridge_fit_batch_matches_ridge_fit_for_every_set_and_lambda(penalize_intercept):
    rng = np.random.default_rng(3)
    Phi = rng.standard_normal((6, 15, 4))
    Y = rng.standard_normal((6, 15))
    lams = np.array([1e-6, 0.3, 10.0])
    W = ridge_fit_batch(Phi, Y, lams, penalize_intercept=penalize_intercept)
    assert W.shape == (3, 6, 4)
    for i, lam in enumerate(lams):
        for s in range(6):
            expected = ridge_fit(Phi[s], Y[s], lam, penalize_intercept=penalize_intercept)
            np.testing.assert_allclose(W[i, s], expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("Phi", "Y", "lams", "match"),
    [
        (np.zeros((2, 3)), np.zeros((2, 3)), [1.0], "shape"),
        (np.zeros((2, 3, 2)), np.zeros((2, 4)), [1.0], "shape"),
        (np.ones((2, 3, 2)), np.zeros((2, 3)), [0.0], "positive"),
        (np.ones((2, 3, 2)), np.zeros((2, 3)), [np.nan], "positive"),
    ],
)
def test_ridge_fit_batch_rejects_bad_input(Phi, Y, lams, match):
    with pytest.raises(ValueError, match=match):
        ridge_fit_batch(Phi, Y, lams)
