"""Tests of lessons_lib.checks: exercise checks and the Feedback they return."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lessons_lib.checks import Feedback, check_bias_variance, check_polynomial_features
from lessons_lib.checks.feedback import NOT_STARTED, as_array, as_tensor, call_learner
from lessons_lib.linear import polynomial_features
from lessons_lib.stats import bias_variance

# --- Feedback --------------------------------------------------------------------------------


def test_feedback_truthiness_follows_passed():
    assert Feedback("ex", True, "ok")
    assert not Feedback("ex", False, "no")
    assert bool(Feedback("ex", False, "no")) is False


def test_feedback_repr_names_the_exercise_and_the_verdict():
    assert repr(Feedback("ridge", True, "well done")) == "[ridge] ✔ correct: well done"
    assert repr(Feedback("ridge", False, "try again")) == "[ridge] ✘ not yet: try again"


def test_feedback_html_shows_verdict_exercise_and_escaped_message():
    passed = Feedback("poly <1>", True, "x < y & z")._repr_html_()
    failed = Feedback("poly", False, "oops")._repr_html_()
    assert "✔ Correct" in passed
    assert "poly &lt;1&gt;" in passed
    assert "x &lt; y &amp; z" in passed
    assert "<1>" not in passed
    assert "✘ Not yet" in failed
    assert 'role="status"' in failed
    assert passed.startswith('<div class="lessons-feedback"')
    assert "#00563f" in passed
    assert "#7a2e00" in failed


def test_feedback_is_frozen():
    fb = Feedback("ex", True, "ok")
    with pytest.raises(AttributeError):
        fb.passed = False


# --- call_learner ----------------------------------------------------------------------------


def test_call_learner_returns_the_result():
    assert call_learner("ex", lambda a, b: a + b, 2, 3) == (5, None)


def test_call_learner_reports_an_exercise_not_attempted_yet():
    def todo(x):
        raise NotImplementedError()

    result, fb = call_learner("ex", todo, 1)
    assert result is None
    assert not fb
    assert NOT_STARTED == "not attempted yet"
    assert fb.message.startswith("not attempted yet")
    assert "raise NotImplementedError()" in fb.message


def test_call_learner_reports_other_exceptions_by_type_and_message():
    _, fb = call_learner("ex", lambda x: 1 / x, 0)
    assert not fb
    assert fb.message == "your function raised ZeroDivisionError: division by zero"


def test_call_learner_reports_a_value_that_is_not_a_function():
    _, fb = call_learner("ex", np.ones(3), 1)
    assert not fb
    assert "expected a function, got ndarray" in fb.message
    assert "without calling it" in fb.message


# --- check_polynomial_features ---------------------------------------------------------------


def poly_loop(x, degree):
    return np.stack([x**j for j in range(degree + 1)], axis=1)


def test_as_array_converts_and_checks_the_shape():
    arr, problem = as_array("ex", [[1, 2], [3, 4]], (2, 2))
    assert problem is None and arr.dtype == float and arr.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    arr, problem = as_array("ex", [1, 2, 3], (2, 2))
    assert arr is None and "should have shape (2, 2), got (3,)" in problem.message
    arr, problem = as_array("ex", "text", (2,))
    assert arr is None and problem.message == "return a NumPy array, got str."
    assert problem.exercise == "ex" and not problem


def test_as_tensor_converts_detaches_and_checks_the_shape():
    x = torch.ones(3, requires_grad=True)
    t, problem = as_tensor("ex", x * 2, (3,), dtype=torch.float64)
    assert problem is None and t.dtype == torch.float64 and not t.requires_grad
    t, problem = as_tensor("ex", np.zeros(3), (3,))
    assert problem is None and t.dtype == torch.float32
    t, problem = as_tensor("ex", [torch.ones(2), torch.ones(2)], (2,))
    assert t is None and problem.message == "return a tensor, got list."
    t, problem = as_tensor("ex", torch.ones(2, 3), (3, 2))
    assert t is None and "should have shape (3, 2), got (2, 3)" in problem.message


def test_as_tensor_can_insist_on_a_torch_tensor():
    t, problem = as_tensor("ex", np.zeros(3), (3,), require_tensor=True)
    assert t is None and problem.message == "return a torch tensor, got ndarray."


@pytest.mark.parametrize(
    "answer",
    [
        polynomial_features,
        poly_loop,
        lambda x, d: np.vander(x, d + 1, increasing=True),
        lambda x, d: (x[:, None] ** np.arange(d + 1)).tolist(),
    ],
)
def test_polynomial_check_accepts_correct_answers(answer):
    fb = check_polynomial_features(answer)
    assert fb
    assert fb.passed is True
    assert fb.exercise == "polynomial features"
    assert "column j = x**j" in fb.message


def test_polynomial_check_rejects_a_missing_constant_column():
    fb = check_polynomial_features(lambda x, d: polynomial_features(x, d)[:, 1:])
    assert not fb
    assert "x**0" in fb.message
    assert "(5, 4)" in fb.message


def test_polynomial_check_rejects_decreasing_column_order():
    fb = check_polynomial_features(lambda x, d: np.vander(x, d + 1))
    assert not fb
    assert "decreasing" in fb.message
    assert "increasing=True" in fb.message
    assert "np.vander" in fb.message


def test_polynomial_check_rejects_a_transposed_output():
    fb = check_polynomial_features(lambda x, d: polynomial_features(x, d).T)
    assert not fb
    assert "transposed" in fb.message


def test_polynomial_check_rejects_a_transposed_output_when_the_shape_gives_it_away():
    # Wrong only for degree 5 (degree 3 is right): the shape (6, 4) is the transpose of (4, 6).
    def answer(x, d):
        Phi = polynomial_features(x, d)
        return Phi.T if d == 5 else Phi

    fb = check_polynomial_features(answer)
    assert not fb
    assert "transposed" in fb.message
    assert "degree 5" in fb.message


def test_polynomial_check_rejects_answers_wrong_for_one_degree_only():
    def answer(x, d):
        return np.ones((len(x), 1)) * 2 if d == 0 else polynomial_features(x, d)

    fb = check_polynomial_features(answer)
    assert not fb
    assert fb.message.startswith("wrong values for degree 0")


def test_polynomial_check_reports_a_wrong_shape():
    fb = check_polynomial_features(lambda x, d: np.zeros(3))
    assert not fb
    assert "the shape should be (5, 4), got (3,)" in fb.message


def test_polynomial_check_reports_not_attempted_without_raising():
    def polynomial(x, degree):
        raise NotImplementedError()

    fb = check_polynomial_features(polynomial)
    assert not fb
    assert "not attempted yet" in fb.message
    assert fb.exercise == "polynomial features"


def test_polynomial_check_names_the_exception_a_learner_raises():
    def polynomial(x, degree):
        return x.reshape(3, -1)

    fb = check_polynomial_features(polynomial)
    assert not fb
    assert "your function raised ValueError" in fb.message


def test_polynomial_check_gives_feedback_for_a_non_callable():
    fb = check_polynomial_features(polynomial_features(np.array([1.0]), 2))
    assert not fb
    assert "expected a function, got ndarray" in fb.message


def test_polynomial_check_passes_copies_so_in_place_changes_cannot_leak():
    def mutating(x, degree):
        Phi = polynomial_features(x, degree)
        x[:] = 0.0
        return Phi

    assert check_polynomial_features(mutating)


@pytest.mark.parametrize("returned", ["oops", [[1.0, 2.0], [3.0]], {"a": 1}])
def test_polynomial_check_gives_feedback_for_a_result_that_is_not_an_array(returned):
    # A check must always answer with feedback, never crash on a learner's bad return value.
    fb = check_polynomial_features(lambda x, d: returned)
    assert isinstance(fb, Feedback)
    assert not fb


def test_polynomial_check_docstring_examples():
    assert check_polynomial_features(polynomial_features).passed is True
    assert check_polynomial_features(lambda x, d: np.vander(x, d + 1)).passed is False


# --- check_bias_variance ---------------------------------------------------------------------


def reference(P, f):
    bv = bias_variance(P, f)
    return bv.bias2, bv.variance


def by_hand(P, f):
    mean_pred = P.mean(axis=0)
    return np.mean((mean_pred - f) ** 2), np.mean(np.mean((P - mean_pred) ** 2, axis=0))


@pytest.mark.parametrize(
    "answer",
    [reference, by_hand, lambda P, f: np.array(reference(P, f)), lambda P, f: list(by_hand(P, f))],
)
def test_bias_variance_check_accepts_correct_answers(answer):
    fb = check_bias_variance(answer)
    assert fb
    assert fb.passed is True
    assert fb.exercise == "bias and variance"
    assert "their sum is the mean squared error" in fb.message


def test_bias_variance_check_rejects_the_total_error_as_bias():
    def answer(P, f):
        return np.mean((P - f) ** 2), P.var(axis=0).mean()

    fb = check_bias_variance(answer)
    assert not fb
    assert "bias² should be" in fb.message
    assert "total squared error" in fb.message
    assert "average the predictions over training sets first" in fb.message


def test_bias_variance_check_rejects_ddof_1_variance():
    def answer(P, f):
        return reference(P, f)[0], P.var(axis=0, ddof=1).mean()

    fb = check_bias_variance(answer)
    assert not fb
    assert "variance should be" in fb.message
    assert "ddof=1" in fb.message
    assert "ddof=0" in fb.message


def test_bias_variance_check_rejects_the_standard_deviation():
    def answer(P, f):
        return reference(P, f)[0], P.std(axis=0).mean()

    fb = check_bias_variance(answer)
    assert not fb
    assert "standard deviation" in fb.message
    assert "square it" in fb.message


def test_bias_variance_check_rejects_the_variance_over_all_entries():
    def answer(P, f):
        return reference(P, f)[0], P.var()

    fb = check_bias_variance(answer)
    assert not fb
    assert "over training sets (axis 0)" in fb.message


def test_bias_variance_check_rejects_an_unsquared_bias():
    def answer(P, f):
        return np.mean(P.mean(axis=0) - f), reference(P, f)[1]

    fb = check_bias_variance(answer)
    assert not fb
    assert "average bias" in fb.message
    assert "square it" in fb.message


def test_bias_variance_check_rejects_an_absolute_bias():
    def answer(P, f):
        return np.mean(np.abs(P.mean(axis=0) - f)), reference(P, f)[1]

    fb = check_bias_variance(answer)
    assert not fb
    assert "absolute value" in fb.message


def test_bias_variance_check_rejects_an_unrecognised_wrong_bias():
    def answer(P, f):
        return 123.0, reference(P, f)[1]

    fb = check_bias_variance(answer)
    assert not fb
    assert "got 123.0000" in fb.message
    assert "mean prediction over training sets" in fb.message


@pytest.mark.parametrize("returned", [0.5, (1.0, 2.0, 3.0), ("a", "b"), None])
def test_bias_variance_check_asks_for_a_pair_of_numbers(returned):
    fb = check_bias_variance(lambda P, f: returned)
    assert not fb
    assert "return a pair (bias2, variance) of numbers" in fb.message


def test_bias_variance_check_reports_not_attempted_and_errors_without_raising():
    def todo(P, f):
        raise NotImplementedError()

    def broken(P, f):
        return P["bias"]

    assert "not attempted yet" in check_bias_variance(todo).message
    fb = check_bias_variance(broken)
    assert not fb
    assert "your function raised IndexError" in fb.message
    assert "expected a function, got str" in check_bias_variance("bias").message


def test_bias_variance_check_passes_copies():
    def mutating(P, f):
        result = reference(P, f)
        P[:] = 0.0
        f[:] = 1.0
        return result

    assert check_bias_variance(mutating)
