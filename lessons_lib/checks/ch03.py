"""Checks for chapter 3, *L1, L2 and elastic net*."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..proximal import soft_threshold
from .exercise import Case, Exercise, Mistake, array_reader
from .feedback import Feedback

# --- elastic-net gradient --------------------------------------------------------------------

_W = np.array([1.5, -0.4, 0.0, 2.0, -3.0, 0.0, 0.2])


def _penalty_cases() -> list[Case]:
    return [
        Case((_W.copy(), 0.3, 0.7), "with lam1=0.3, lam2=0.7"),
        Case((_W.copy() * 0.5, 1.0, 0.1), "with lam1=1, lam2=0.1"),
    ]


def _autograd_penalty_gradient(w: Any, lam1: float, lam2: float) -> np.ndarray:
    """Autograd's gradient of λ₁Σ|w| + λ₂Σw² (it takes the subgradient 0 at w = 0)."""
    t = torch.tensor(np.asarray(w, dtype=float), requires_grad=True)
    (lam1 * t.abs().sum() + lam2 * (t**2).sum()).backward()
    return np.zeros_like(w, dtype=float) if t.grad is None else t.grad.numpy()


def _s(w: Any) -> np.ndarray:
    return np.sign(np.asarray(w, dtype=float))


PENALTY_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "no_factor_2",
        lambda w, a, b: a * _s(w) + b * w,
        "the factor 2 of the square is missing: the derivative of λ₂w² is 2λ₂w.",
    ),
    Mistake(
        "l2_twice",
        lambda w, a, b: a * _s(w) + 4 * b * w,
        "the L2 part is twice too large: the derivative of λ₂w² is 2λ₂w.",
    ),
    Mistake(
        "l1_times_w",
        lambda w, a, b: a * w + 2 * b * w,
        "the L1 part should not grow with w: |w| has slope +1 or −1, so it contributes λ₁·sign(w).",
    ),
    Mistake(
        "sign_flipped",
        lambda w, a, b: -(a * _s(w) + 2 * b * w),
        "the sign is flipped: the gradient of a penalty points away from zero.",
    ),
    Mistake("no_l1", lambda w, a, b: 2 * b * w, "the L1 part λ₁·sign(w) is missing."),
    Mistake("no_l2", lambda w, a, b: a * _s(w), "the L2 part 2λ₂w is missing."),
    Mistake(
        "l2_of_abs",
        lambda w, a, b: a * _s(w) + 2 * b * np.abs(w),
        "the L2 part has the wrong sign for negative weights: its derivative is 2λ₂w, not 2λ₂|w|.",
    ),
    Mistake(
        "subgradient_one_at_zero",
        lambda w, a, b: a * np.where(np.asarray(w) >= 0, 1.0, -1.0) + 2 * b * w,
        "at w = 0 you return λ₁: that is a valid subgradient, but this exercise asks for 0 "
        "there (the choice np.sign and autograd make).",
    ),
    Mistake(
        "abs_instead_of_sign",
        lambda w, a, b: a * np.abs(w) + 2 * b * w,
        "the L1 part is λ₁·|w|, the penalty itself; its slope is λ₁·sign(w) (+λ₁ or −λ₁).",
    ),
    Mistake(
        "lambdas_swapped",
        lambda w, a, b: b * _s(w) + 2 * a * w,
        "λ₁ and λ₂ are swapped: λ₁ weighs the L1 part (λ₁·sign(w)), λ₂ the L2 part (2λ₂w).",
    ),
    Mistake(
        "l2_subtracted",
        lambda w, a, b: a * _s(w) - 2 * b * w,
        "the L2 part has the wrong sign: add 2λ₂w, do not subtract it.",
    ),
    Mistake(
        "penalty_total",
        lambda w, a, b: a * np.sum(np.abs(w)) + b * np.sum(np.asarray(w) ** 2),
        "that is the value of the penalty, one number; return its (sub)gradient, one entry "
        "per weight.",
    ),
    Mistake(
        "penalty_value",
        lambda w, a, b: a * np.abs(w) + b * np.asarray(w) ** 2,
        "that is the penalty itself, entry by entry; return its derivative.",
    ),
    Mistake(
        "l2_part_squared",
        lambda w, a, b: a * _s(w) + b * np.asarray(w, dtype=float) ** 2,
        "the L2 part is λ₂w², the penalty itself: its derivative is 2λ₂w.",
    ),
    Mistake(
        "l1_doubled",
        lambda w, a, b: 2 * a * _s(w) + 2 * b * np.asarray(w, dtype=float),
        "the L1 part has a factor 2 it should not have: the slope of λ₁|w| is λ₁·sign(w).",
    ),
    Mistake(
        "l2_without_w",
        lambda w, a, b: a * _s(w) + 2 * b,
        "the L2 part is 2λ₂ times w: you added the number 2λ₂ to every entry.",
    ),
)


def _penalty_fallback(value: np.ndarray, want: np.ndarray, case: Case) -> str:
    w = case.args[0]
    bad = ~np.isclose(value, want)
    if np.all(w[bad] == 0):
        return (
            f"at w = 0 you return {value[bad].tolist()}; this exercise asks for the "
            "subgradient 0 there."
        )
    return f"wrong for w = {w[bad].tolist()}; the L1 and the L2 parts add up entry by entry."


PENALTY_GRADIENT = Exercise(
    name="elastic-net gradient",
    reference=_autograd_penalty_gradient,
    cases=_penalty_cases,
    read=array_reader("the gradient"),
    mistakes=PENALTY_MISTAKES,
    success="matches autograd, including the subgradient 0 at w = 0.",
    fallback=_penalty_fallback,
)


def check_penalty_gradient(fn: Callable[[np.ndarray, float, float], np.ndarray]) -> Feedback:
    """Check a learner's ``penalty_gradient(w, lam1, lam2)``.

    The answer is compared, entry by entry, with the gradient autograd computes for the
    elastic-net penalty, on weights that are positive, negative and exactly zero.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_penalty_gradient(lambda w, a, b: 0 * w).passed
        False
    """
    return PENALTY_GRADIENT.check(fn)


# --- soft-thresholding -----------------------------------------------------------------------

# Every regime for t = 0.5: |v| < t, |v| = t, t < |v| <= 2t (the range an in-place
# two-step answer gets wrong), |v| > 2t; both signs and exact zero.
_V = np.array([-2.0, -0.3, 0.0, 0.05, 0.5, 0.7, 0.9, 1.7, -0.5, -0.8, 1.0, -1.2, 0.6, -0.25])


def _soft_cases() -> list[Case]:
    return [Case((_V.copy(), t), f"for t = {t}") for t in (0.5, 0.0, 0.25, 3.0)]


def _in_place_two_steps(v: np.ndarray, t: float) -> np.ndarray:
    v -= t * np.sign(v)
    v[np.abs(v) <= t] = 0.0  # tests the *shifted* value against t
    return v


SOFT_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "hard_threshold",
        lambda v, t: np.where(np.abs(v) > t, v, 0.0),
        "that is hard thresholding: values outside [−t, t] must also move t towards zero.",
    ),
    Mistake(
        "no_clip",
        lambda v, t: v - t * np.sign(v),
        "small values cross zero: clip at zero, or values inside [−t, t] flip sign "
        "(that is the subgradient step again).",
    ),
    Mistake(
        "positive_only",
        lambda v, t: np.maximum(v - t, 0.0),
        "negative values must shrink towards zero too, by the same rule as positive ones.",
    ),
    Mistake(
        "sign_lost",
        lambda v, t: np.maximum(np.abs(v) - t, 0.0),
        "the sizes are right but the sign of v is lost: negative inputs must stay negative.",
    ),
    Mistake(
        "in_place_two_steps",
        _in_place_two_steps,
        "values with t < |v| ≤ 2t come out as 0: you compared the already shifted value "
        "with t. Decide which entries are zeroed from the original |v|.",
    ),
    Mistake(
        "ridge_shrink",
        lambda v, t: v / (1 + t),
        "that scales every value (the L2 / ridge shrinkage); soft-thresholding subtracts t "
        "from the size and sets small values exactly to zero.",
    ),
    Mistake(
        "clip_into_band",
        lambda v, t: np.clip(v, -t, t),
        "that clips values into [−t, t]; soft-thresholding zeroes that band and shifts "
        "everything outside it towards zero.",
    ),
    Mistake(
        "negative_side_shifted_down",
        lambda v, t: np.where(np.abs(v) <= t, 0.0, v - t),
        "negative values moved away from zero: for v < −t the result is v + t (shrink the "
        "size |v| by t, keep the sign).",
    ),
    Mistake(
        "shift_by_2t",
        lambda v, t: np.sign(v) * np.maximum(np.abs(v) - 2 * t, 0.0),
        "you shift by 2t; the shift (and the zeroed band) is t.",
    ),
    Mistake(
        "shift_by_half_t",
        lambda v, t: np.sign(v) * np.maximum(np.abs(v) - t / 2, 0.0),
        "you shift by t/2; the shift (and the zeroed band) is t.",
    ),
    Mistake(
        "np_max_instead_of_maximum",
        lambda v, t: np.sign(v) * np.max(np.abs(v) - t, 0),
        "np.max(a, 0) is the largest entry (0 is its axis), not an entrywise maximum: use "
        "np.maximum(np.abs(v) - t, 0).",
    ),
)


def _soft_fallback(value: np.ndarray, want: np.ndarray, case: Case) -> str:
    v, t = case.args
    bad = ~np.isclose(value, want)
    side = ""
    if np.all(v[bad] < -t):
        side = "only values below −t are wrong (they become v + t). "
    elif np.all(v[bad] > t):
        side = "only values above t are wrong (they become v − t). "
    elif np.all(np.abs(v[bad]) <= t):
        side = "only values inside [−t, t] are wrong (they become exactly 0). "
    return (
        f"{side}Wrong for v = {np.round(v[bad], 6).tolist()}: expected "
        f"{np.round(want[bad], 6).tolist()}, got {np.round(value[bad], 6).tolist()}."
    )


SOFT_THRESHOLD = Exercise(
    name="soft-thresholding",
    inputs=("v", "t"),
    reference=soft_threshold,
    cases=_soft_cases,
    read=array_reader("the result"),
    mistakes=SOFT_MISTAKES,
    success="exact zeros inside [−t, t] and a shift by t outside it, for both signs and "
    "t = 0.5, 0, 0.25 and 3.",
    fallback=_soft_fallback,
)


def check_soft_threshold(fn: Callable[[np.ndarray, float], np.ndarray]) -> Feedback:
    """Check a learner's ``soft_threshold(v, t)``, the proximal step of the L1 penalty.

    The answer is called on a vector with values inside, at the edge of, just outside and
    far outside the band ``[-t, t]``, of both signs, for several thresholds (0 included).

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_soft_threshold(lambda v, t: v).passed
        False
    """
    return SOFT_THRESHOLD.check(fn)
