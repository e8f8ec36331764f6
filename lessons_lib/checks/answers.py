"""Turn whatever a learner's function returned into float64 NumPy values, safely.

A right answer may come back as a tensor (with or without grad, on any float dtype),
a NumPy array, a list, a Python number or a 0-d array; every converter here accepts
all of them, never raises, and reports a failure as a short sentence instead. The
tolerance of a comparison follows the precision the learner computed in
(:func:`tolerance`), while the comparison itself is done in float64 (:func:`close`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


@dataclass(frozen=True)
class Tolerance:
    """Relative and absolute tolerance; ``atol`` is scaled by the reference's magnitude."""

    rtol: float
    atol: float


#: Tolerances by the precision of the learner's answer. Every known mistake differs from
#: the reference by far more than the loosest of them on the check's inputs.
FLOAT64 = Tolerance(rtol=1e-5, atol=1e-7)
FLOAT32 = Tolerance(rtol=1e-4, atol=1e-5)
FLOAT16 = Tolerance(rtol=1e-2, atol=1e-3)

_LOW_PRECISION = {torch.float16, torch.bfloat16}


def _dtypes(got: Any, depth: int = 0) -> list[Any]:
    """The float dtypes found in ``got`` (tensors, arrays, and containers of them)."""
    if depth > 3:
        return []
    if isinstance(got, torch.Tensor):
        return [got.dtype]
    if isinstance(got, np.ndarray | np.floating):
        return [got.dtype]
    if isinstance(got, Mapping):
        return [d for v in list(got.values())[:20] for d in _dtypes(v, depth + 1)]
    if isinstance(got, list | tuple):
        return [d for v in list(got)[:20] for d in _dtypes(v, depth + 1)]
    return []


def tolerance(got: Any) -> Tolerance:
    """The tolerance suited to the lowest float precision found in ``got``.

    Example:
        >>> tolerance(torch.ones(2)) == FLOAT32, tolerance([1.0, 2.0]) == FLOAT64
        (True, True)
    """
    found = _dtypes(got)
    if any(d in _LOW_PRECISION or d == np.float16 for d in found):
        return FLOAT16
    if any(d in (torch.float32, np.float32) for d in found):
        return FLOAT32
    return FLOAT64


def _plain(got: Any, depth: int = 0) -> Any:
    """Detach tensors (also inside lists) so that NumPy can read them."""
    if isinstance(got, torch.Tensor):
        t = got.detach().cpu()
        if t.is_complex():
            raise TypeError("complex values")
        return t.to(torch.float64).numpy()
    if isinstance(got, list | tuple) and depth < 3:
        return [_plain(v, depth + 1) for v in got]
    return got


def to_array(got: Any, shape: tuple[int, ...] | None = None, what: str = "the result") -> Any:
    """``got`` as a float64 array of ``shape``; or a string saying what is wrong.

    A size-1 answer is accepted for a shape of size 1 (``0.5``, ``[0.5]`` and
    ``[[0.5]]`` are the same number).

    Returns:
        A new ``np.ndarray`` (never a view of the learner's object), or a ``str``
        explaining why ``got`` could not be read.

    Example:
        >>> to_array(torch.ones(2, requires_grad=True), (2,))
        array([1., 1.])
        >>> to_array("a", (2,))
        'the result should be an array of numbers, got str.'
    """
    if got is None:
        return f"{what} is None: did you forget to `return` it?"
    if isinstance(got, str | bytes | Mapping):
        return f"{what} should be an array of numbers, got {type(got).__name__}."
    try:
        raw = np.asarray(_plain(got))
        if raw.dtype.kind == "c":
            return f"{what} should hold real numbers, got complex ones."
        arr = np.array(raw, dtype=np.float64)
    except Exception:  # noqa: BLE001 - anything a learner returns must become feedback
        return f"{what} should be an array of numbers, got {type(got).__name__}."
    if shape is None:
        return arr
    shape = tuple(shape)
    if arr.shape != shape:
        if arr.size == 1 and int(np.prod(shape)) == 1:
            return arr.reshape(shape)
        return f"{what} should have shape {shape}, got {arr.shape}."
    return arr


def to_number(got: Any, what: str = "the result") -> Any:
    """``got`` as a Python float (from a number, a 0-d or size-1 array or tensor), or a string.

    Example:
        >>> to_number(torch.tensor(0.5, requires_grad=True))
        0.5
    """
    arr = to_array(got, None, what)
    if got is None:
        return arr  # "... is None: did you forget to `return` it?"
    if isinstance(arr, str):
        return f"{what} should be one number, got {type(got).__name__}."
    if arr.size != 1:
        return f"{what} should be one number, got an array of shape {arr.shape}."
    return float(arr.reshape(()))


def to_items(got: Any, n: int, what: str) -> Any:
    """Unpack a tuple or list of ``n`` values; or a string saying what was expected.

    Example:
        >>> to_items((1, 2), 2, "(a, b)")
        [1, 2]
        >>> to_items(3.0, 2, "(a, b)")
        'return (a, b), got float.'
    """
    if got is None:
        return f"your function returned None: did you forget to `return` {what}?"
    if isinstance(got, torch.Tensor | np.ndarray) and len(getattr(got, "shape", ())) >= 1:
        if got.shape[0] == n:
            return list(got)
        return f"return {what}, got an array of shape {tuple(got.shape)}."
    if not isinstance(got, list | tuple):
        return f"return {what}, got {type(got).__name__}."
    if len(got) != n:
        return f"return {what}: {n} values, got {len(got)}."
    return list(got)


def close(got: Any, want: Any, tol: Tolerance) -> bool:
    """Whether two answers agree: arrays, numbers, or tuples/dicts of them, in float64.

    NaN never agrees with anything; shapes must agree exactly.

    Example:
        >>> close((np.ones(2), 3.0), (np.ones(2) + 1e-9, 3.0), FLOAT64)
        True
    """
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(close(got[k], want[k], tol) for k in want)
    if isinstance(got, tuple) and isinstance(want, tuple):
        return len(got) == len(want) and all(
            close(g, w, tol) for g, w in zip(got, want, strict=True)
        )
    if got is None or want is None:
        return got is None and want is None
    try:
        a, b = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    except Exception:  # noqa: BLE001
        return False
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(b), initial=0.0))) if np.all(np.isfinite(b)) else 1.0
    return bool(np.allclose(a, b, rtol=tol.rtol, atol=tol.atol * scale, equal_nan=False))
