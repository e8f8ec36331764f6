"""A time limit on each call of a learner's function.

A learner's function that never returns (a ``while`` loop whose condition never
changes) would hang the lesson, and in grading cost a cell timeout in the visible check
and another in the graded cell. :func:`time_limit` interrupts it after
:data:`ANSWER_SECONDS` instead, so the check can say so in one sentence;
:func:`.feedback.call_learner` marks the function (:func:`timed_out`), so a graded cell
that checks the same function afterwards reports it at once instead of waiting again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

#: Seconds one call of a learner's function may take (``$LESSONS_LIB_ANSWER_SECONDS``).
#: Every exercise's reference answer takes well under a second.
ANSWER_SECONDS = float(os.environ.get("LESSONS_LIB_ANSWER_SECONDS", "30"))
_MARK = "_lessons_lib_timed_out"


class AnswerTimeoutError(Exception):
    """Raised inside a learner's function that ran longer than its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"did not return within {seconds:g} s")
        self.seconds = seconds


def message(seconds: float) -> str:
    """What a learner reads when the function did not return in time."""
    return (
        f"your function did not return within {seconds:g} s: look for a loop that never "
        "ends (a while loop whose condition never changes)."
    )


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`AnswerTimeoutError` in the running code after ``seconds``.

    Args:
        seconds: the limit; default :data:`ANSWER_SECONDS`.

    It uses ``SIGALRM``, so it applies only in the main thread of a Unix process with no
    other interval timer running (a Jupyter kernel); elsewhere the code runs unlimited.
    The alarm repeats every second until the block ends, so a loop that swallows one
    exception is interrupted again.
    """
    limit = ANSWER_SECONDS if seconds is None else float(seconds)
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise AnswerTimeoutError(limit)

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, limit, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: Functions that overran, by what they run: (key, seconds, objects kept alive so that
#: the ids in the key stay theirs).
_TIMED_OUT: list[tuple[tuple[Any, ...], float, list[Any]]] = []


def _contents(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def _key(fn: Any) -> tuple[tuple[Any, ...], list[Any]]:
    """What ``fn`` runs: its bytecode and the objects its code names (globals, closure).

    Two definitions of the same source (the visible check cell's and the graded cell's
    copy of a wrapper) have the same key; a corrected function has another.
    """
    code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", None)
    if not isinstance(code, type(_key.__code__)) or not isinstance(scope, dict):
        return ("object", id(fn)), [fn]
    cells = [_contents(c) for c in (getattr(fn, "__closure__", None) or ())]
    named = [scope.get(n) for n in code.co_names]
    key = (code.co_code, code.co_names, repr(code.co_consts), *map(id, named + cells))
    return key, [fn, *named, *cells]


def mark(fn: Any, seconds: float) -> None:
    """Remember that ``fn`` did not return within ``seconds``."""
    key, keep = _key(fn)
    _TIMED_OUT.append((key, float(seconds), keep))


def timed_out(fn: Any) -> float | None:
    """The time limit a function running what ``fn`` runs already overran; else ``None``."""
    key, _ = _key(fn)
    return next((seconds for k, seconds, _ in _TIMED_OUT if k == key), None)
