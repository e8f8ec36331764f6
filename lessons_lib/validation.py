"""Argument checks shared by every module (compare ``sklearn.utils.validation``).

Each helper raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a
value out of range. The message names the argument, the value received and what is
allowed, so a learner can fix the call without reading the source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch
from torch import nn


def _is_real(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def check_real(
    name: str,
    value: Any,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float if it is a finite real number inside the interval.

    Example:
        >>> check_real("lam", 0.5, low=0.0)
        0.5
        >>> check_real("lam", -1.0, low=0.0)
        Traceback (most recent call last):
        ...
        ValueError: lam must be in [0.0, inf), got -1.0
    """
    if not _is_real(value):
        raise TypeError(
            f"{name} must be a real number, got {value!r} of type {type(value).__name__}"
        )
    value = float(value)
    left = "[" if low_inclusive and math.isfinite(low) else "("
    right = "]" if high_inclusive and math.isfinite(high) else ")"
    interval = f"{left}{low}, {high}{right}"
    if not math.isfinite(value):
        raise ValueError(f"{name} must be in {interval} and finite, got {value}")
    too_low = value < low or (not low_inclusive and value == low)
    too_high = value > high or (not high_inclusive and value == high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {interval}, got {value}")
    return value


def check_non_negative(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a real number ``>= 0`` (e.g. a penalty λ)."""
    return check_real(name, value, low=0.0)


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` if it lies in ``[0, 1)``, the range of a drop or flip probability."""
    return check_real(name, value, low=0.0, high=1.0, high_inclusive=False)


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` if it is an integer (not a bool) inside ``[low, high]``.

    Example:
        >>> check_int("n_samples", 3, low=1)
        3
        >>> check_int("n_samples", 2.5, low=1)
        Traceback (most recent call last):
        ...
        TypeError: n_samples must be an integer, got 2.5 of type float
    """
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}")
    return value


def check_choice(name: str, value: Any, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``.

    Example:
        >>> check_choice("activation", "tanh", ["relu", "tanh"])
        'tanh'
        >>> check_choice("activation", "swish", ["relu", "tanh"])
        Traceback (most recent call last):
        ...
        ValueError: activation must be one of 'relu', 'tanh'; got 'swish'
    """
    allowed = list(allowed)
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def check_tensor(
    name: str,
    value: Any,
    *,
    ranks: Iterable[int] | None = None,
    dtype: str | None = None,
    layout: str | None = None,
) -> torch.Tensor:
    """Return ``value`` if it is a ``torch.Tensor`` of an allowed rank and dtype kind.

    The one check of tensor arguments in the package: a value that is not a tensor or has
    the wrong kind of dtype raises ``TypeError``, a tensor of the wrong rank ``ValueError``.

    Args:
        name: the argument's name, for the message.
        value: the argument.
        ranks: allowed numbers of dimensions, or ``None`` for any.
        dtype: ``"float"`` (floating point), ``"integer"`` (integer, not bool) or ``None``
            for any dtype.
        layout: how the message describes the allowed shape, e.g. ``"(N, H, W)"``.

    Example:
        >>> check_tensor("x", torch.zeros(2, 3), ranks=(2,), dtype="float").shape
        torch.Size([2, 3])
        >>> check_tensor("x", torch.zeros(3), ranks=(2, 3), layout="(N, C) or (N, C, L)")
        Traceback (most recent call last):
        ...
        ValueError: x must be 2-D or 3-D (N, C) or (N, C, L), got a 1-D tensor of shape (3,)
    """
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if dtype is not None:
        check_choice("dtype", dtype, ("float", "integer"))
        floating = value.is_floating_point()
        integer = not floating and not value.is_complex() and value.dtype != torch.bool
        if dtype == "float" and not floating:
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
        if dtype == "integer" and not integer:
            raise TypeError(f"{name} must be an integer tensor, got dtype {value.dtype}")
    if ranks is not None:
        allowed = tuple(ranks)
        if value.dim() not in allowed:
            if len(allowed) > 3 and allowed == tuple(range(allowed[0], allowed[-1] + 1)):
                text = f"at least {allowed[0]}-D"
            else:
                text = " or ".join(f"{r}-D" for r in allowed)
            where = f" {layout}" if layout else ""
            raise ValueError(
                f"{name} must be {text}{where}, got a {value.dim()}-D tensor of shape "
                f"{tuple(value.shape)}"
            )
    return value


def check_module(name: str, value: Any, kind: type[nn.Module] = nn.Module) -> nn.Module:
    """Return ``value`` if it is an instance of ``kind`` (a ``torch.nn.Module`` by default).

    Example:
        >>> check_module("model", nn.Linear(2, 1)).out_features
        1
        >>> check_module("model", "mlp")
        Traceback (most recent call last):
        ...
        TypeError: model must be a torch.nn.Module, got str
    """
    if not isinstance(value, kind):
        what = "torch.nn.Module" if kind is nn.Module else kind.__name__
        raise TypeError(f"{name} must be a {what}, got {type(value).__name__}")
    return value


def check_consistent_length(**arrays: Any) -> None:
    """Raise ``ValueError`` unless every array (``None`` skipped) has the same length.

    Like scikit-learn's ``check_consistent_length``, but the message names the arguments.

    Example:
        >>> check_consistent_length(X_train=torch.zeros(3, 2), y_train=torch.zeros(2))
        Traceback (most recent call last):
        ...
        ValueError: X_train and y_train must have the same length, got 3 and 2
    """
    lengths = {name: len(a) for name, a in arrays.items() if a is not None}
    if len(set(lengths.values())) > 1:
        names = " and ".join(lengths)
        got = " and ".join(str(n) for n in lengths.values())
        raise ValueError(f"{names} must have the same length, got {got}")


def check_both_or_neither(**arrays: Any) -> bool:
    """Return whether the optional arguments were given: all of them, or none.

    Example:
        >>> check_both_or_neither(X_val=None, y_val=None)
        False
        >>> check_both_or_neither(X_val=torch.zeros(2), y_val=None)
        Traceback (most recent call last):
        ...
        ValueError: pass both X_val and y_val, or neither
    """
    given = [a is not None for a in arrays.values()]
    if any(given) and not all(given):
        raise ValueError(f"pass both {' and '.join(arrays)}, or neither")
    return all(given)


def check_1d(name: str, values: Any) -> np.ndarray:
    """Return ``values`` (array, tensor or list) as a non-empty 1-D NumPy array.

    Example:
        >>> check_1d("y_true", [0, 1, 1])
        array([0, 1, 1])
    """
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr
