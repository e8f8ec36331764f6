"""Tests of the feedback core: Feedback, call_learner, answers and exercise."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.checks import Feedback
from lessons_lib.checks.answers import (
    FLOAT16,
    FLOAT32,
    FLOAT64,
    close,
    to_array,
    to_items,
    to_number,
    tolerance,
)
from lessons_lib.checks.exercise import (
    Case,
    Exercise,
    Mistake,
    array_reader,
    isolated_rng,
    shape_problem,
)
from lessons_lib.checks.feedback import NOT_STARTED, call_learner

# --- Feedback --------------------------------------------------------------------------------


def test_feedback_truthiness_follows_passed():
    assert Feedback("ex", True, "ok")
    assert bool(Feedback("ex", False, "no")) is False


def test_feedback_repr_names_the_exercise_and_the_verdict():
    assert repr(Feedback("ridge", True, "well done")) == "[ridge] ✔ correct: well done"
    assert repr(Feedback("ridge", False, "try again")) == "[ridge] ✘ not yet: try again"


def test_feedback_html_shows_verdict_exercise_and_escaped_message():
    passed = Feedback("poly <1>", True, "x < y & z")._repr_html_()
    failed = Feedback("poly", False, "oops")._repr_html_()
    assert "✔ Correct" in passed and "poly &lt;1&gt;" in passed and "x &lt; y &amp; z" in passed
    assert "<1>" not in passed
    assert "✘ Not yet" in failed and 'role="status"' in failed


def test_feedback_is_frozen():
    with pytest.raises(AttributeError):
        Feedback("ex", True, "ok").passed = False


# --- call_learner ----------------------------------------------------------------------------


def test_call_learner_returns_the_result():
    assert call_learner("ex", lambda a, b: a + b, 2, 3) == (5, None)


def test_call_learner_reports_an_exercise_not_attempted_yet():
    def todo(x):
        raise NotImplementedError()

    result, fb = call_learner("ex", todo, 1)
    assert result is None and not fb
    assert fb.message.startswith(NOT_STARTED)


def test_call_learner_reports_other_exceptions_by_type_and_message():
    _, fb = call_learner("ex", lambda x: 1 / x, 0)
    assert fb.message == "your function raised ZeroDivisionError: division by zero"


def test_call_learner_reports_a_value_that_is_not_a_function():
    _, fb = call_learner("ex", np.ones(3), 1)
    assert "expected a function, got ndarray" in fb.message


# --- answers: reading any returned value -----------------------------------------------------

FLOAT_DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=6),
    dtype=st.sampled_from(FLOAT_DTYPES),
    grad=st.booleans(),
    form=st.sampled_from(["tensor", "numpy", "list", "list_of_tensors"]),
)
def test_to_array_reads_every_form_and_dtype(values, dtype, grad, form):
    base = torch.tensor(values, dtype=dtype)
    if form == "tensor":
        got = base.clone().requires_grad_(grad) * 1 if grad else base
    elif form == "numpy":
        got = base.float().numpy()
    elif form == "list":
        got = base.tolist()
    else:
        got = [v.clone().requires_grad_(grad) * 1 if grad else v for v in base.double()]
    arr = to_array(got, (len(values),))
    assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
    assert np.allclose(arr, base.double().numpy())
    assert close(arr, base.double().numpy(), tolerance(got))


def test_to_array_never_returns_a_view_of_the_answer():
    answer = np.zeros(3)
    arr = to_array(answer, (3,))
    arr[0] = 1.0
    assert answer[0] == 0.0


@pytest.mark.parametrize(
    ("got", "words"),
    [
        (None, "forget to `return`"),
        ("text", "array of numbers, got str"),
        ({"a": 1}, "array of numbers, got dict"),
        ([[1.0, 2.0], [3.0]], "array of numbers, got list"),
        (torch.ones(2, dtype=torch.complex64), "array of numbers, got Tensor"),
        (np.ones(2, dtype=np.complex128), "real numbers"),
        ([1.0, 2.0, 3.0], "should have shape (2,), got (3,)"),
    ],
)
def test_to_array_explains_what_cannot_be_read(got, words):
    problem = to_array(got, (2,))
    assert isinstance(problem, str) and words in problem


def test_to_array_lets_a_size_one_answer_stand_for_any_size_one_shape():
    assert to_array(0.5, (1, 1)).shape == (1, 1)
    assert to_array(torch.tensor([[0.5]]), ()).shape == ()


def test_to_number_reads_0d_and_size_1_values_and_rejects_vectors():
    assert to_number(np.float32(0.25)) == 0.25
    assert to_number(torch.tensor([0.5], requires_grad=True) * 1) == 0.5
    assert "one number" in to_number(np.ones(3))


def test_to_items_unpacks_tuples_lists_and_leading_axes_only():
    assert to_items((1, 2), 2, "(a, b)") == [1, 2]
    assert len(to_items(torch.ones(3, 4), 3, "x")) == 3
    assert "2 values, got 3" in to_items([1, 2, 3], 2, "(a, b)")
    assert "got float" in to_items(1.0, 2, "(a, b)")


def test_tolerance_follows_the_lowest_precision_in_the_answer():
    assert tolerance(np.ones(2)) == FLOAT64
    assert tolerance([1.0, 2.0]) == FLOAT64
    assert tolerance((np.ones(2), torch.ones(2))) == FLOAT32
    assert tolerance({"a": torch.ones(1, dtype=torch.bfloat16)}) == FLOAT16


def test_float32_rounding_passes_but_a_1e_minus_3_error_does_not():
    want = np.linspace(-3, 3, 50)
    rounded = torch.tensor(want, dtype=torch.float32)
    assert close(to_array(rounded), want, tolerance(rounded))
    assert not close(want * (1 + 1e-3), want, FLOAT32)
    # relative error 3e-7 (the float32 backward pass of issue 14) is well inside float32's
    assert close(want * (1 + 3e-7), want, FLOAT32)


def test_close_compares_shapes_nan_and_containers():
    assert not close(np.ones(3), np.ones((3, 1)), FLOAT64)
    assert not close(np.array([np.nan]), np.array([np.nan]), FLOAT64)
    assert close({"a": np.ones(2)}, {"a": np.ones(2)}, FLOAT64)
    assert not close({"a": np.ones(2)}, {"b": np.ones(2)}, FLOAT64)
    assert not close((np.ones(2),), (np.ones(2), np.ones(2)), FLOAT64)
    assert close(None, None, FLOAT64) and not close(None, 1.0, FLOAT64)


# --- exercise: cases, mistakes, guard --------------------------------------------------------


def _toy(mistakes=()) -> Exercise:
    """Doubling a vector, with two known mistakes."""
    return Exercise(
        name="toy",
        reference=lambda v: 2 * v,
        cases=lambda: [Case((np.array([1.0, -2.0, 0.5]),), "for v")],
        read=array_reader("the result"),
        mistakes=mistakes
        or (
            Mistake("added", lambda v: v + 2, "you added 2 instead of doubling."),
            Mistake("squared", lambda v: v**2, "you squared v."),
        ),
        success="doubled.",
        fallback=lambda value, want, case: "not doubled.",
    )


def test_exercise_accepts_the_reference_and_names_each_mistake():
    ex = _toy()
    assert ex.check(lambda v: 2 * v)
    assert ex.check(lambda v: v + 2).message == "for v: you added 2 instead of doubling."
    assert ex.check(lambda v: v**2).message == "for v: you squared v."
    # no known slip: the generic hypotheses state what relates the answer to the reference
    assert "1.5 times the expected one" in ex.check(lambda v: 3 * v).message
    assert ex.check(lambda v: 2 * v + np.array([0, 0, 1])).message == "for v: not doubled."


def test_exercise_reports_a_shape_that_matches_no_mistake():
    fb = _toy().check(lambda v: np.stack([v, v]))
    assert not fb and "shape should be (3,), got (2, 3)" in fb.message


def test_exercise_skips_a_mistake_that_agrees_with_the_reference_on_this_case():
    ex = _toy((Mistake("same", lambda v: v * 2.0, "never shown"),))
    assert ex.check(lambda v: 2 * v)
    assert "never shown" not in ex.check(lambda v: 5 * v).message


def test_exercise_passes_copies_and_names_an_input_changed_in_place():
    seen = []

    def in_place(v):
        seen.append(v.copy())
        v *= 2
        return v

    fb = _toy().check(in_place)
    assert not fb and "changed its input `v` in place" in fb.message, fb.message
    assert np.array_equal(seen[0], [1.0, -2.0, 0.5])
    assert np.array_equal(_toy().cases()[0].args[0], [1.0, -2.0, 0.5])


def test_exercise_lets_an_input_it_allows_change_in_place():
    ex = dataclasses.replace(_toy(), may_change=("v",))

    def in_place(v):
        v *= 2
        return v

    assert ex.check(in_place)


def test_exercise_never_raises_even_when_reading_raises():
    class Evil:
        def __array__(self, *a, **k):
            raise RuntimeError("no")

        def __repr__(self):
            raise RuntimeError("no repr")

    fb = _toy().check(lambda v: Evil())
    assert isinstance(fb, Feedback) and not fb


def test_exercise_runs_under_its_own_seed_and_restores_the_learners():
    torch.manual_seed(123)
    np.random.seed(123)  # noqa: NPY002
    before = (torch.rand(1), np.random.rand())  # noqa: NPY002
    torch.manual_seed(123)
    np.random.seed(123)  # noqa: NPY002
    _toy().check(lambda v: 2 * v + 0 * torch.rand(3).numpy() + 0 * np.random.rand(3))  # noqa: NPY002
    after = (torch.rand(1), np.random.rand())  # noqa: NPY002
    assert torch.equal(before[0], after[0]) and before[1] == after[1]


def test_isolated_rng_makes_global_draws_repeatable():
    with isolated_rng(5):
        a = torch.rand(2)
    with isolated_rng(5):
        b = torch.rand(2)
    assert torch.equal(a, b)


def test_shape_problem_names_the_part_and_spots_a_transpose():
    assert shape_problem((np.ones(2), np.ones((2, 3))), (np.ones(2), np.ones((3, 2))), ("a", "b"))
    msg = shape_problem((np.ones(2), np.ones((2, 3))), (np.ones(2), np.ones((3, 2))), ("a", "b"))
    assert msg.startswith("b:") and "transposed" in msg
    assert shape_problem(np.ones(2), np.ones(2)) is None


def test_every_mistake_that_explains_the_answer_is_named():
    # Two slips that give the same answer on every case: the message names both, the
    # first one alone would be a guess.
    both = (
        Mistake("tripled", lambda v: 3 * v, "you tripled v."),
        Mistake("plus_twice", lambda v: v + 2 * v, "you added 2v to v."),
    )
    fb = _toy(both).check(lambda v: 3 * v)
    assert not fb and "you tripled v." in fb.message and "you added 2v to v." in fb.message
