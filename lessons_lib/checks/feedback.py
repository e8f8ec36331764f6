"""The :class:`Feedback` object every check returns, and helpers to build one."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

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
        ``(result, None)`` on success, ``(None, feedback)`` if ``fn`` is not callable
        or raised.
    """
    if not callable(fn):
        return None, Feedback(
            exercise,
            False,
            f"expected a function, got {type(fn).__name__}: pass the function itself "
            "(without calling it).",
        )
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, Feedback(
            exercise, False, f"{NOT_STARTED}: replace `raise NotImplementedError()` with your code."
        )
    except Exception as err:  # noqa: BLE001 - any learner error becomes feedback
        return None, Feedback(exercise, False, f"your function raised {type(err).__name__}: {err}")


def as_array(
    exercise: str, got: Any, shape: tuple[int, ...]
) -> tuple[np.ndarray | None, Feedback | None]:
    """Turn a learner's result into a float NumPy array of ``shape``, or explain why not.

    Returns:
        ``(array, None)``, or ``(None, feedback)`` saying what kind or shape was expected.
    """
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None, Feedback(exercise, False, f"return a NumPy array, got {type(got).__name__}.")
    if arr.shape != tuple(shape):
        return None, Feedback(
            exercise, False, f"the result should have shape {tuple(shape)}, got {arr.shape}."
        )
    return arr, None


def as_tensor(
    exercise: str,
    got: Any,
    shape: tuple[int, ...] | torch.Size,
    dtype: torch.dtype = torch.float32,
    require_tensor: bool = False,
) -> tuple[torch.Tensor | None, Feedback | None]:
    """Turn a learner's result into a detached tensor of ``shape``, or explain why not.

    Args:
        exercise: name of the exercise, for the feedback.
        got: what the learner's function returned.
        shape: the expected shape.
        dtype: dtype of the returned tensor. Default: ``torch.float32``.
        require_tensor: insist on a ``torch.Tensor`` (when the exercise is about
            PyTorch code) instead of accepting anything convertible. Default: ``False``.

    Returns:
        ``(tensor, None)``, or ``(None, feedback)`` saying what kind or shape was expected.
    """
    if require_tensor and not isinstance(got, torch.Tensor):
        return None, Feedback(exercise, False, f"return a torch tensor, got {type(got).__name__}.")
    try:
        t = torch.as_tensor(got.detach() if isinstance(got, torch.Tensor) else got, dtype=dtype)
    except (TypeError, ValueError, RuntimeError):
        return None, Feedback(exercise, False, f"return a tensor, got {type(got).__name__}.")
    if t.shape != tuple(shape):
        return None, Feedback(
            exercise,
            False,
            f"the result should have shape {tuple(shape)}, got {tuple(t.shape)}.",
        )
    return t, None
