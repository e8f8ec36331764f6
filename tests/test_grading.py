"""lessons_lib.checks.grading: graded cells that a learner's code cannot talk round."""

from __future__ import annotations

import functools
import importlib
import re
import sys
import time

import numpy as np
import pytest
import torch

from lessons_lib.checks import grading, guard, limits


def soft_threshold_by_hand(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def test_a_correct_answer_passes_and_shows_the_feedback(capsys):
    # No return value: nbgrader would read a graded cell's value as partial credit.
    assert grading.grade("ch03.check_soft_threshold", soft_threshold_by_hand) is None
    assert "correct" in capsys.readouterr().out


def test_a_wrong_answer_fails_with_the_checks_message_alone(capsys):
    wrong = lambda v, t: v - t  # noqa: E731
    message = grading.fresh_check("ch03.check_soft_threshold")(wrong).message
    with pytest.raises(grading.GradingError) as err:
        grading.grade("ch03.check_soft_threshold", wrong)
    assert str(err.value) == message
    assert capsys.readouterr().out == ""  # one verdict: no green or red box besides it
    # What IPython shows instead of a traceback (notebook, validate, feedback page):
    # the whole message, wrapped to fit nbgrader validate's lines.
    lines = err.value._render_traceback_()
    assert lines[0] == "✘ Not yet (soft-thresholding):"
    assert " ".join(lines[1:]) == " ".join(message.split())
    assert max(map(len, lines)) <= grading.WIDTH
    assert not any("Traceback" in line or "/" in line for line in lines[:1])


def test_a_long_message_is_wrapped_whole():
    words = "a hint that names the fix " * 12
    lines = grading.verdict_lines("x", words + "\nsecond paragraph")
    assert all(len(line) <= grading.WIDTH for line in lines)
    assert " ".join(lines[1:]) == " ".join(words.split()) + " second paragraph"


def test_patched_check_modules_do_not_change_the_grade(monkeypatch):
    """Patching the check, the feedback class, a reference or the guard has no effect."""
    chapter = importlib.import_module("lessons_lib.checks.ch03")
    feedback = importlib.import_module("lessons_lib.checks.feedback")
    penalties = importlib.import_module("lessons_lib.proximal")
    monkeypatch.setattr(chapter, "check_soft_threshold", lambda fn: True)
    monkeypatch.setattr(feedback.Feedback, "__bool__", lambda self: True)
    monkeypatch.setattr(penalties, "soft_threshold", lambda v, t: v)
    with pytest.raises(AssertionError):
        grading.grade("ch03.check_soft_threshold", lambda v, t: v)
    monkeypatch.undo()
    # The notebook's guard module switched off: grading uses its own copy.
    monkeypatch.setattr(guard.LibraryGuard, "_hook", lambda self, *a: None)
    with pytest.raises(AssertionError, match="course library's lessons_lib.proximal"):
        grading.grade("ch03.check_soft_threshold", penalties.soft_threshold)


def test_grading_leaves_the_notebooks_modules_alone():
    """The notebook keeps its module objects, so its classes keep their identity."""
    import lessons_lib.batch_norm as bn_before
    from lessons_lib.penalties import split_weights

    before = {k: id(m) for k, m in sys.modules.items() if k.startswith("lessons_lib")}
    grading.grade("ch03.check_soft_threshold", soft_threshold_by_hand)
    after = {k: id(m) for k, m in sys.modules.items() if k.startswith("lessons_lib")}
    assert after == before
    assert sys.getprofile() is None  # the guard is off again
    weights, biases = split_weights(torch.nn.Sequential(bn_before.BatchNorm1d(3)))
    assert weights == [] and len(biases) == 2


@pytest.mark.parametrize("bad", ["check_soft_threshold", "ch3.check_x", "ch03.soft", 3])
def test_a_malformed_check_name_is_rejected(bad):
    with pytest.raises(ValueError, match="chNN.check_name"):
        grading.fresh_check(bad)


# Every way found to hand in the library's soft_threshold as one's own.
class CallsTheLibrary:
    def __call__(self, v, t):
        from lessons_lib.proximal import soft_threshold

        return soft_threshold(v, t)


class Lazy:
    """Returned by the answer; the library runs only when the check reads it."""

    def __init__(self, v, t):
        self.v, self.t = v, t

    def __array__(self, dtype=None, copy=None):
        from lessons_lib.proximal import soft_threshold

        return np.asarray(soft_threshold(self.v, self.t))


def _disguises():
    import lessons_lib.proximal as lib
    from lessons_lib.proximal import soft_threshold

    def default_argument(v, t, _impl=soft_threshold):
        return _impl(v, t)

    def import_in_body(v, t):
        from lessons_lib.proximal import soft_threshold as own

        return own(v, t)

    def except_fallback(v, t):
        try:
            return undefined_name(v, t)  # type: ignore[name-defined]  # noqa: F821
        except NameError:
            from lessons_lib import proximal

            return proximal.soft_threshold(v, t)

    def via_importlib(v, t):
        return importlib.import_module("lessons_lib.proximal").soft_threshold(v, t)

    def via_sys_modules(v, t):
        return sys.modules["lessons_lib.proximal"].soft_threshold(v, t)

    def via_the_checks_reference(v, t):
        from lessons_lib.checks import EXERCISES

        return EXERCISES["check_soft_threshold"].reference(v, t)

    def via_exec(v, t):
        scope: dict = {}
        exec("from lessons_lib.proximal import soft_threshold as f", scope)  # noqa: S102
        return scope["f"](v, t)

    def via_map(v, t):
        return next(map(lib.soft_threshold, [v], [t]))

    def turns_the_profiler_off(v, t):
        previous = sys.getprofile()
        sys.setprofile(None)
        try:
            return soft_threshold(v, t)
        finally:
            sys.setprofile(previous)

    def in_a_thread(v, t):
        import threading

        out = []
        worker = threading.Thread(target=lambda: out.append(soft_threshold(v, t)))
        worker.start()
        worker.join()
        return out[0]

    return {
        "the function itself": soft_threshold,
        "functools.partial": functools.partial(soft_threshold),
        "lambda": lambda v, t: lib.soft_threshold(v, t),
        "default argument": default_argument,
        "import in the body": import_in_body,
        "import in an except fallback": except_fallback,
        "importlib.import_module": via_importlib,
        "sys.modules": via_sys_modules,
        "class __call__": CallsTheLibrary(),
        "staticmethod": type("S", (), {"f": staticmethod(soft_threshold)}).f,
        "functools.wraps": functools.wraps(soft_threshold_by_hand)(
            lambda v, t: soft_threshold(v, t)
        ),
        "the check's reference": via_the_checks_reference,
        "exec": via_exec,
        "eval": lambda v, t: eval(  # noqa: S307
            "__import__('lessons_lib.proximal').proximal.soft_threshold(v, t)"
        ),
        "map": via_map,
        "lazy __array__": lambda v, t: Lazy(v, t),
        "profiler off": turns_the_profiler_off,
        "thread": in_a_thread,
    }


@pytest.mark.parametrize("name", list(_disguises()))
def test_no_disguise_of_the_library_earns_the_point(name):
    with pytest.raises(grading.GradingError, match="course library|does not allow") as err:
        grading.grade("ch03.check_soft_threshold", _disguises()[name])
    assert "✔" not in "".join(err.value._render_traceback_())


def test_a_library_function_that_is_not_the_answer_does_not_count_either():
    from lessons_lib.proximal import proximal_l1_step

    def through_ista(v, t):  # the proximal step of chapter 3 shrinks in place
        w = torch.nn.Parameter(torch.as_tensor(v, dtype=torch.float64).clone())
        proximal_l1_step([w], 1.0, t, include_bias=True)
        return w.detach().numpy()

    with pytest.raises(grading.GradingError, match="course library"):
        grading.grade("ch03.check_soft_threshold", through_ista)


def test_helpers_the_lesson_hands_the_learner_keep_the_point():
    from lessons_lib.metrics import mse

    def r2(y_true, y_pred):
        y_true = np.asarray(y_true, dtype=float)
        return 1 - mse(y_pred, y_true) / np.mean((y_true - y_true.mean()) ** 2)

    grading.grade("ch09.check_r2", r2)
    assert "lessons_lib.metrics.mse" in guard.allowed_helpers()


def test_own_code_passes_even_when_it_uses_numpy_torch_and_helpers():
    def helper(v):
        return np.abs(v)

    def answer(v, t):
        return np.sign(v) * np.maximum(helper(v) - t, 0.0)

    grading.grade("ch03.check_soft_threshold", answer)
    grading.grade(
        "ch03.check_soft_threshold",
        lambda v, t: torch.nn.functional.softshrink(torch.as_tensor(v), t).numpy(),
    )


def loops_forever(v, t):
    while True:
        pass


def test_a_looping_answer_costs_one_time_limit_and_says_so(monkeypatch):
    monkeypatch.setattr(limits, "ANSWER_SECONDS", 0.5)  # the notebook's check
    start = time.perf_counter()
    from lessons_lib.checks.ch03 import check_soft_threshold

    shown = check_soft_threshold(loops_forever)
    assert not shown.passed and "did not return within 0.5 s" in shown.message
    # The graded cell (fresh modules, the 30 s limit) does not run it again.
    with pytest.raises(grading.GradingError, match=r"did not return within 0\.5 s"):
        grading.grade("ch03.check_soft_threshold", loops_forever)
    assert time.perf_counter() - start < 10

    def corrected(v, t):  # a corrected function is graded afresh
        return soft_threshold_by_hand(v, t)

    grading.grade("ch03.check_soft_threshold", corrected)


def test_the_graded_cell_interrupts_a_loop_itself(monkeypatch):
    monkeypatch.setenv("LESSONS_LIB_ANSWER_SECONDS", "0.5")  # read by the fresh modules

    def loops_too(v, t):
        while True:
            pass

    with pytest.raises(grading.GradingError, match=r"did not return within 0\.5 s"):
        grading.grade("ch03.check_soft_threshold", loops_too)


def test_the_instructors_page_lists_exactly_the_allowed_helpers():
    from course_repo import BOOK

    page = (BOOK / "instructors.md").read_text(encoding="utf-8")
    text = " ".join(page.split())
    promise = text.split("except these helpers")[1].split("In each disguise")[0]
    named = set(re.findall(r"`(lessons_lib\.\w+\.\w+)`", promise))
    assert named == set(guard.allowed_helpers())
