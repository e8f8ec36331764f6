"""The :class:`Feedback` object every check returns, and the guard around learner code."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import guard as _guard
from .limits import AnswerTimeoutError, mark, time_limit
from .limits import message as timeout_message

NOT_STARTED = "not attempted yet"


@dataclass(frozen=True)
class Feedback:
    """Result of checking one exercise answer.

    It is truthy when the answer passed, so ``assert check_x(f)`` works in tests,
    and it displays as a coloured box in Jupyter and as one line in a terminal.

    Attributes:
        exercise: short name of the exercise.
        passed: whether the answer is correct.
        message: what was checked, or what is wrong and how to fix it.
    """

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        mark = "✔ correct" if self.passed else "✘ not yet"
        return f"[{self.exercise}] {mark}: {self.message}"

    def _repr_html_(self) -> str:
        colour, bg, mark = (
            ("#00563f", "#e6f4ee", "✔ Correct")
            if self.passed
            else ("#7a2e00", "#fdf0e6", "✘ Not yet")
        )
        return (
            f'<div class="lessons-feedback" role="status" style="border-left:4px solid {colour};'
            f'background:{bg};color:{colour};padding:0.4em 0.8em;margin:0.2em 0">'
            f"<strong>{mark}</strong> ({html.escape(self.exercise)}): "
            f"{html.escape(self.message)}</div>"
        )


def call_learner(exercise: str, fn: Callable[..., Any], *args: Any) -> tuple[Any, Feedback | None]:
    """Call the learner's ``fn(*args)``; turn any exception into friendly feedback.

    Returns:
        ``(result, None)`` on success, ``(None, feedback)`` if ``fn`` is not callable,
        raised, did not return within :data:`.limits.ANSWER_SECONDS`, or ran code of
        the course library (:mod:`.guard`).
    """
    if not callable(fn):
        return None, Feedback(
            exercise,
            False,
            f"expected a function, got {type(fn).__name__}: pass the function itself "
            "(without calling it).",
        )
    watch = _guard.LibraryGuard(boundary=(call_learner.__code__,), given=args)
    try:
        with time_limit(), watch if _guard.IN_CHECKS else contextlib.nullcontext():
            result = fn(*args)
    except AnswerTimeoutError as err:
        mark(fn, err.seconds)
        return None, Feedback(exercise, False, timeout_message(err.seconds))
    except NotImplementedError:
        return None, Feedback(
            exercise, False, f"{NOT_STARTED}: replace `raise NotImplementedError()` with your code."
        )
    except Exception as err:  # noqa: BLE001 - any learner error becomes feedback
        if watch.violation is not None:
            return None, Feedback(exercise, False, watch.violation)
        text = f"your function raised {type(err).__name__}: {err}"
        if any(sign in str(err) for sign in _SHAPE_ERRORS):
            text += (
                " (shapes that do not line up: give a per-row or per-example quantity its own "
                "axis, e.g. keepdim=True or [:, None], so that it broadcasts along the rest)"
            )
        return None, Feedback(exercise, False, text)
    if watch.violation is not None:
        return None, Feedback(exercise, False, watch.violation)
    return result, None


#: Fragments of torch's and NumPy's broadcasting errors.
_SHAPE_ERRORS = ("must match the size", "could not be broadcast", "operands could not")
