"""Generic diagnosis of a wrong answer, shared by every check (used by :mod:`.exercise`).

Two kinds of evidence, both computed, never guessed:

* :func:`changed_input` names an input the learner's code changed in place (the caller's
  tensor or array would silently change too);
* :func:`explain` tests structured hypotheses about a numeric answer against the
  reference: a constant factor, the sign, a transpose, some entries or parts wrong
  (saying which). A hypothesis is named only when it reproduces the answer on every case.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

_SKIP = (torch.nn.Module, torch.Generator)


def input_names(reference: Callable[..., Any], given: Sequence[str] = ()) -> list[str]:
    """The names of the positional inputs: ``given``, else the reference's parameters."""
    if given:
        return list(given)
    try:
        return list(inspect.signature(reference).parameters)
    except (TypeError, ValueError):
        return []


def _same(before: Any, after: Any, depth: int = 0) -> bool:
    """Whether ``after`` (an input after the call) still equals ``before`` (its original)."""
    if isinstance(before, _SKIP) or depth > 3:
        return True
    if isinstance(before, torch.Tensor):
        if not isinstance(after, torch.Tensor) or after.shape != before.shape:
            return False
        return bool(torch.equal(after.detach(), before.detach())) or bool(
            torch.isnan(before).any() and torch.allclose(after, before, equal_nan=True)
        )
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and after.shape == before.shape
            and bool(np.array_equal(after, before, equal_nan=before.dtype.kind == "f"))
        )
    if isinstance(before, list | tuple):
        return (
            isinstance(after, list | tuple)
            and len(after) == len(before)
            and all(_same(b, a, depth + 1) for b, a in zip(before, after, strict=True))
        )
    return True


def changed_input(
    originals: Sequence[Any],
    used: Sequence[Any],
    names: Sequence[str],
    allowed: Sequence[str] = (),
) -> str | None:
    """A sentence naming the first input the call changed in place, or ``None``.

    Args:
        originals: the case's inputs, never handed to the learner.
        used: the copies the learner's function was called with, after the call.
        names: the inputs' names, for the message.
        allowed: names of inputs the exercise lets the learner update in place.
    """
    for i, (before, after) in enumerate(zip(originals, used, strict=False)):
        name = names[i] if i < len(names) else f"number {i + 1}"
        if name in allowed or _same(before, after):
            continue
        kind = "list" if isinstance(before, list) else "tensor"
        if isinstance(before, np.ndarray):
            kind = "array"
        return (
            f"your function changed its input `{name}` in place (an operation such as "
            f"`-=`, `*=`, `[...] =` or a method ending in `_` writes into the caller's "
            f"{kind}): compute the result as a new {kind} and leave the inputs unchanged."
        )
    return None
