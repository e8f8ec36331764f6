"""Grading an exercise: the check, run from fresh copies of the course's modules.

The graded test cells of the chapters (nbgrader's autograder tests) call :func:`grade`
instead of a check function the notebook imported. A learner's code runs in the same
kernel before the test, so any name the notebook defines can have been rebound
(``check_x = lambda fn: True``) and any module attribute patched. :func:`grade` therefore

1. loads private copies of the chapter's check module and every ``lessons_lib`` module
   it depends on, from the files on disk, so patches of the modules the notebook uses
   have no effect on the grade; the notebook's own modules are left as they were (an
   in-place reload would give classes such as the course's layers a second identity
   and break ``isinstance`` in later cells);
2. runs the check on the learner's answer under the :class:`~.guard.LibraryGuard`, so an
   answer that has the course library compute it (in any disguise the guard sees) fails;
3. shows one verdict: the green feedback when the answer is correct, otherwise a
   :class:`GradingError` whose whole display (in the notebook, ``nbgrader validate``
   and nbgrader's feedback) is the check's message, wrapped, without a traceback.

A graded cell imports this module afresh through :mod:`importlib` rather than using a
name defined in the notebook::

    import importlib

    grading = importlib.reload(importlib.import_module("lessons_lib.checks.grading"))
    grading.grade("ch05.check_inverted_dropout", my_dropout)

This is a guard against accidents and casual tampering, not a sandbox: code that runs in
the kernel can still patch NumPy, PyTorch or :mod:`importlib` itself.
"""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from .limits import message as timeout_message
from .limits import timed_out

PACKAGE = "lessons_lib"
_CHECK = re.compile(r"(?P<module>ch\d\d)\.(?P<function>check_\w+)")


def _fresh(check: str) -> tuple[Callable[[Callable[..., Any]], Any], type]:
    """The check function and the guard class, from private modules loaded from disk."""
    match = _CHECK.fullmatch(check) if isinstance(check, str) else None
    if match is None:
        raise ValueError(
            f"check must be 'chNN.check_name' (e.g. 'ch05.check_inverted_dropout'), got {check!r}"
        )
    ours = {k: m for k, m in sys.modules.items() if k == PACKAGE or k.startswith(PACKAGE + ".")}
    for key in ours:
        del sys.modules[key]
    try:  # fresh copies, loaded from disk
        module = importlib.import_module(f"{PACKAGE}.checks.{match['module']}")
        guard = importlib.import_module(f"{PACKAGE}.checks.guard")
    finally:
        for key in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
            del sys.modules[key]
        sys.modules.update(ours)
    return getattr(module, match["function"]), guard.LibraryGuard


def fresh_check(check: str) -> Callable[[Callable[..., Any]], Any]:
    """Return the check function ``check`` from private, freshly loaded modules.

    Args:
        check: ``"chNN.check_name"``, e.g. ``"ch05.check_inverted_dropout"``.

    Returns:
        The check function, as defined in the file on disk.

    Raises:
        ValueError: if ``check`` is not of the form ``"chNN.check_name"``.
        AttributeError: if the chapter module has no such check.
    """
    return _fresh(check)[0]


#: Width of a verdict's lines: ``nbgrader validate`` cuts lines longer than its
#: ``Validator.width`` (90) minus its indent (4) and 3 characters.
WIDTH = 78


class GradingError(AssertionError):
    """An answer that did not earn its point; its display is the verdict alone.

    IPython shows ``_render_traceback_()`` instead of a traceback, so the notebook,
    ``nbgrader validate`` and the feedback page show the message, wrapped to
    :data:`WIDTH` characters, and nothing of the grader's code or paths.
    """

    def __init__(self, exercise: str, message: str) -> None:
        super().__init__(message)
        self.exercise = exercise
        self.message = message

    def _render_traceback_(self) -> list[str]:
        return verdict_lines(self.exercise, self.message)


def verdict_lines(exercise: str, message: str, width: int = WIDTH) -> list[str]:
    """The verdict on a failed answer as lines of at most ``width`` characters."""
    lines = [f"✘ Not yet ({exercise}):"]
    for paragraph in message.splitlines() or [""]:
        lines += textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""]
    return lines


def _show(feedback: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is installed with Jupyter
        print(repr(feedback))
        return
    display(feedback)


# The wrapper around a learner's answer, compiled outside the library's files: to every
# guard (the check's own around each call, and grade's around the whole check) it is the
# learner's side, and grade's guard knows it as where the learner's code starts.
_WRAPPER = compile(
    "def graded_answer(*args, **kwargs):\n    return answer(*args, **kwargs)\n",
    "<graded answer>",
    "exec",
)


def _guarded(answer: Callable[..., Any]) -> Callable[..., Any]:
    """``answer`` behind a wrapper whose code marks where the learner's code starts."""
    scope: dict[str, Any] = {"answer": answer}
    exec(_WRAPPER, scope)  # noqa: S102 - our own constant code
    return scope["graded_answer"]


_BOUNDARY = (_guarded(print).__code__,)


def grade(check: str, answer: Callable[..., Any]) -> None:
    """Run the check ``check`` on ``answer``; raise if it does not earn the point.

    Args:
        check: ``"chNN.check_name"``, e.g. ``"ch05.check_inverted_dropout"``.
        answer: the learner's function.

    Returns nothing (a graded cell must not end in a value: nbgrader would read it as
    partial credit); a correct answer's feedback is displayed instead.

    Raises:
        GradingError: (an :class:`AssertionError`) with the check's message, when the
            answer is not correct, runs code of the course library
            (:mod:`~lessons_lib.checks.guard`), or already overran its time limit in the
            visible check (it is not run again).
        ValueError: if ``check`` does not name a check.

    Example:
        >>> grade("ch01.check_polynomial_features", lambda x, d: 0)
        Traceback (most recent call last):
        ...
        lessons_lib.checks.grading.GradingError: ...
    """
    run, library_guard = _fresh(check)
    exercise = check.split(".", 1)[1].removeprefix("check_").replace("_", " ")
    seconds = timed_out(answer)
    if seconds is not None:
        raise GradingError(exercise, timeout_message(seconds))
    guard = library_guard(boundary=_BOUNDARY)
    with guard:
        feedback = run(_guarded(answer) if callable(answer) else answer)
    exercise = str(getattr(feedback, "exercise", exercise))
    if guard.violation is not None:
        raise GradingError(exercise, guard.violation)
    if getattr(feedback, "passed", False) is not True:
        raise GradingError(exercise, str(getattr(feedback, "message", feedback)))
    _show(feedback)
