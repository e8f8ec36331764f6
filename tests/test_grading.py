"""lessons_lib.checks.grading: graded cells that a learner's code cannot talk round."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest
import torch

from lessons_lib.checks import grading


def soft_threshold_by_hand(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def test_a_correct_answer_passes_and_shows_the_feedback(capsys):
    # No return value: nbgrader would read a graded cell's value as partial credit.
    assert grading.grade("ch03.check_soft_threshold", soft_threshold_by_hand) is None
    assert "correct" in capsys.readouterr().out


def test_a_wrong_answer_fails_with_the_checks_message(capsys):
    wrong = lambda v, t: v - t  # noqa: E731
    message = grading.fresh_check("ch03.check_soft_threshold")(wrong).message
    with pytest.raises(AssertionError) as err:
        grading.grade("ch03.check_soft_threshold", wrong)
    assert str(err.value) == message
    assert message in capsys.readouterr().out  # the feedback is shown, too


def test_patched_check_modules_do_not_change_the_grade(monkeypatch):
    """Patching the check, the feedback class or a reference the check uses has no effect."""
    chapter = importlib.import_module("lessons_lib.checks.ch03")
    feedback = importlib.import_module("lessons_lib.checks.feedback")
    proximal = importlib.import_module("lessons_lib.proximal")
    monkeypatch.setattr(chapter, "check_soft_threshold", lambda fn: True)
    monkeypatch.setattr(feedback.Feedback, "__bool__", lambda self: True)
    monkeypatch.setattr(proximal, "soft_threshold", lambda v, t: v)
    with pytest.raises(AssertionError):
        grading.grade("ch03.check_soft_threshold", lambda v, t: v)


def test_grading_leaves_the_notebooks_modules_alone():
    """The notebook keeps its module objects, so its classes keep their identity."""
    import lessons_lib.batch_norm as bn_before
    from lessons_lib.penalties import split_weights

    before = {k: id(m) for k, m in sys.modules.items() if k.startswith("lessons_lib")}
    grading.grade("ch03.check_soft_threshold", soft_threshold_by_hand)
    after = {k: id(m) for k, m in sys.modules.items() if k.startswith("lessons_lib")}
    assert after == before
    weights, biases = split_weights(torch.nn.Sequential(bn_before.BatchNorm1d(3)))
    assert weights == [] and len(biases) == 2


@pytest.mark.parametrize("bad", ["check_soft_threshold", "ch3.check_x", "ch03.soft", 3])
def test_a_malformed_check_name_is_rejected(bad):
    with pytest.raises(ValueError, match="chNN.check_name"):
        grading.fresh_check(bad)


def test_the_course_library_is_not_an_answer():
    from lessons_lib.proximal import soft_threshold

    with pytest.raises(AssertionError, match="course library's function"):
        grading.require_own_code(soft_threshold)

    def delegates(v, t):
        return soft_threshold(v, t)

    with pytest.raises(AssertionError, match=r"calls the course library \(soft_threshold\)"):
        grading.require_own_code(delegates)

    import lessons_lib.proximal as lib

    def through_the_module(v, t):
        return lib.soft_threshold(v, t)

    with pytest.raises(AssertionError, match="lib"):
        grading.require_own_code(through_the_module)

    def helper(v, t):
        return soft_threshold(v, t)

    def indirect(v, t):
        return helper(v, t)

    with pytest.raises(AssertionError, match="soft_threshold"):
        grading.require_own_code(indirect)


def test_own_code_passes_even_when_it_uses_numpy_and_helpers():
    def helper(v):
        return np.abs(v)

    def answer(v, t):
        return np.sign(v) * np.maximum(helper(v) - t, 0.0)

    grading.require_own_code(answer)
    grading.require_own_code(soft_threshold_by_hand)


def test_objects_the_library_made_are_data_not_code():
    from lessons_lib.stacked import StackedMLP

    stack = StackedMLP([0, 1], (2, 4, 1))

    def own(x):
        return stack(x).mean()  # uses a global model built by the library

    grading.require_own_code(own)
    with pytest.raises(AssertionError, match="StackedMLP"):
        grading.require_own_code(lambda x: StackedMLP([0], (2, 4, 1))(x))
