"""Reading and comparing what a learner's function returned (used by :mod:`.exercise`).

Readers turn an answer into float64 arrays or numbers, or into a sentence saying why it
cannot be read; :func:`shape_problem` and :func:`wrong_parts` say which part of an
answer is off; :func:`copy_value` gives a learner's code inputs it cannot change the
originals through.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from .answers import Tolerance, close, to_array, to_items, to_number

#: Reads a returned value for one case: arrays, numbers, or a sentence (str) on failure.
Reader = Callable[[Any, Any], Any]


def copy_value(value: Any) -> Any:
    """A copy a learner's code cannot change the original through (same RNG state)."""
    if isinstance(value, torch.Generator):
        return torch.Generator().set_state(value.get_state())
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, torch.nn.Module):
        return copy.deepcopy(value)  # with its mode (eval) and its parameters
    return copy.deepcopy(value)


def conform(value: Any, want: Any) -> Any:
    """Let a size-1 array stand for a size-1 array of another shape (0.5 for [[0.5]])."""
    if isinstance(value, np.ndarray) and isinstance(want, np.ndarray):
        if value.shape != want.shape and value.size == 1 and want.size == 1:
            return value.reshape(want.shape)
        return value
    if isinstance(value, tuple) and isinstance(want, tuple) and len(value) == len(want):
        return tuple(conform(v, w) for v, w in zip(value, want, strict=True))
    if isinstance(value, dict) and isinstance(want, dict):
        return {k: conform(v, want.get(k)) for k, v in value.items()}
    return value


def all_finite(value: Any) -> bool:
    """Whether every number in ``value`` (arrays, tuples, dicts of them) is finite."""
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    if isinstance(value, tuple):
        return all(all_finite(v) for v in value)
    if value is None:
        return True
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=np.float64))))
    except Exception:  # noqa: BLE001
        return False


def shape_problem(value: Any, want: Any, parts: Sequence[str] = ()) -> str | None:
    """A sentence naming the first part whose shape differs from the expected one."""
    if isinstance(value, tuple) and isinstance(want, tuple):
        names = list(parts) or [f"value {i + 1}" for i in range(len(want))]
        for name, v, w in zip(names, value, want, strict=False):
            problem = shape_problem(v, w)
            if problem is not None:
                return f"{name}: {problem}"
        return None
    if isinstance(value, dict) and isinstance(want, dict):
        for key in want:
            problem = shape_problem(value.get(key), want[key])
            if problem is not None:
                return f"{key}: {problem}"
        return None
    if isinstance(value, np.ndarray) and isinstance(want, np.ndarray):
        if value.shape != want.shape:
            hint = " It looks transposed." if value.shape == want.shape[::-1] else ""
            return f"the shape should be {want.shape}, got {value.shape}.{hint}"
    return None


def wrong_parts(value: Any, want: Any, parts: Sequence[str], tol: Tolerance) -> list[str]:
    """Names of the parts of a tuple answer that do not agree with the reference."""
    return [name for name, v, w in zip(parts, value, want, strict=False) if not close(v, w, tol)]


def array_reader(what: str = "the result") -> Reader:
    """A reader for an answer that is one array (any shape; shapes are compared later)."""

    def read(got: Any, case: Any) -> Any:
        return to_array(got, None, what)

    return read


def number_reader(what: str = "the result") -> Reader:
    """A reader for an answer that is one number."""

    def read(got: Any, case: Any) -> Any:
        return to_number(got, what)

    return read


def tuple_reader(parts: Sequence[str], numbers: bool = False) -> Reader:
    """A reader for a tuple of arrays (or of numbers) named ``parts``."""
    what = "(" + ", ".join(parts) + ")"

    def read(got: Any, case: Any) -> Any:
        items = to_items(got, len(parts), what)
        if isinstance(items, str):
            return items
        out = []
        for name, item in zip(parts, items, strict=True):
            v = to_number(item, name) if numbers else to_array(item, None, name)
            if isinstance(v, str):
                return v
            out.append(v)
        return tuple(out)

    return read
