"""Checks for chapter 5, *Dropout*."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..dropout import dropout
from .answers import Tolerance, close
from .ch05_penalty import (
    check_dropout_penalty as check_dropout_penalty,  # the chapter's second check
)
from .exercise import Case, Exercise, Mistake, array_reader
from .feedback import Feedback

# --- inverted dropout ------------------------------------------------------------------------

_N = 40_000


def _dropout_cases() -> list[Case]:
    x = torch.linspace(1.0, 2.0, _N)  # positive, so a kept entry is never 0
    cases = [
        Case((x, p, True, torch.Generator().manual_seed(i)), f"with p={p} in training mode")
        for i, p in enumerate((0.2, 0.6))
    ]
    cases.append(Case((x, 0.0, True, torch.Generator().manual_seed(3)), "with p=0"))
    cases.append(
        Case((x, 0.3, False, torch.Generator().manual_seed(4)), "in eval mode (training=False)")
    )
    return cases


def _profile(out: np.ndarray, case: Case, rtol: float = 1e-3) -> tuple[float, float, bool]:
    """Share of zeros, typical scale of the kept entries, and whether that scale is uniform."""
    x = case.args[0].double().numpy()
    kept = out != 0
    zero_frac = 1.0 - float(kept.mean())
    if not kept.any():
        return zero_frac, 0.0, True
    ratio = out[kept] / x[kept]
    scale = float(np.median(ratio))
    return zero_frac, scale, bool(np.allclose(ratio, scale, rtol=rtol))


def _dropout_agree(a: Any, b: Any, case: Case, tol: Tolerance) -> bool:
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
        return False
    if close(a, b, tol):
        return True
    if not np.all(np.isfinite(a)) or not np.all(np.isfinite(b)):
        return False
    _, p, training, _ = case.args
    if not training or p == 0:  # deterministic, unless both answers dropped entries anyway
        if min(np.mean(a == 0), np.mean(b == 0)) < 0.01:
            return False
        p = float(np.mean(b == 0))
    rtol = max(1e-3, 2 * tol.rtol)
    za, sa, ua = _profile(a, case, rtol)
    zb, sb, ub = _profile(b, case, rtol)
    noise = 5 * np.sqrt(2 * p * (1 - p) / _N)  # five standard errors of a difference
    return bool(abs(za - zb) <= noise and ua and ub and np.isclose(sa, sb, rtol=rtol))


def _masked(keep: Callable[[float], float], scale: Callable[[float], float]) -> Callable[..., Any]:
    """Dropout that keeps each entry with probability ``keep(p)`` and scales survivors."""

    def answer(x, p, training, generator):
        if not training:
            return x
        mask = torch.rand(x.shape, generator=generator) < keep(p)
        return x * mask * scale(p)

    return answer


def _eval_variant(eval_out: Callable[[Any, float], Any]) -> Callable[..., Any]:
    def answer(x, p, training, generator):
        return dropout(x, p, True, generator) if training else eval_out(x, p)

    return answer


DROPOUT_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "keep_probability_p",
        _masked(lambda p: p, lambda p: 1 / p if p > 0 else 0.0),
        "p is the probability of *dropping* an entry (PyTorch's convention), not of keeping "
        "it: you zeroed about a share 1 − p of the entries. In the keep convention: you "
        "zeroed a share q, but q is the probability of *keeping* an entry; keep it where the "
        "draw is below q and divide by q.",
    ),
    Mistake(
        "comparison_reversed",
        _masked(lambda p: p, lambda p: 1 / (1 - p)),
        "you kept about a share p of the entries and zeroed 1 − p: the comparison is "
        "reversed, the keep and drop probabilities mixed up. Keep an entry where the uniform "
        "draw is below the keep probability 1 − p (in the keep convention: below q).",
    ),
    Mistake(
        "no_rescale",
        _masked(lambda p: 1 - p, lambda p: 1.0),
        "the kept entries are not rescaled: divide them by (1 − p) so that the expected "
        "output equals the input.",
    ),
    Mistake(
        "divide_by_p",
        _masked(lambda p: 1 - p, lambda p: 1 / p if p > 0 else float("inf")),
        "the kept entries are divided by p: with p the drop probability, divide by the "
        "keep probability 1 − p.",
    ),
    Mistake(
        "multiply_by_keep",
        _masked(lambda p: 1 - p, lambda p: 1 - p),
        "the kept entries are multiplied by (1 − p): divide by it instead.",
    ),
    Mistake(
        "no_dropout_in_training",
        lambda x, p, training, generator: x,
        "no entry was zeroed in training mode: drop each entry with probability p.",
    ),
    Mistake(
        "eval_scaled_down",
        _eval_variant(lambda x, p: x * (1 - p)),
        "in eval mode you multiplied by (1 − p): inverted dropout already scaled during "
        "training, so return x unchanged.",
    ),
    Mistake(
        "eval_scaled_up",
        _eval_variant(lambda x, p: x / (1 - p)),
        "in eval mode you divided by (1 − p): the scaling belongs to training only; "
        "return x unchanged.",
    ),
    Mistake(
        "eval_still_drops",
        lambda x, p, training, generator: dropout(x, p, True, generator),
        "the training flag is ignored: in eval mode (training=False) return x unchanged, "
        "no mask and no scaling.",
    ),
    Mistake(
        "returns_mask",
        lambda x, p, training, generator: (
            (torch.rand(x.shape, generator=generator) >= p).to(x.dtype) if training and p > 0 else x
        ),
        "you returned the mask (0s and 1s) instead of x times the mask, divided by 1 − p.",
    ),
)


def _dropout_fallback(value: np.ndarray, want: np.ndarray, case: Case) -> str:
    _, p, training, _ = case.args
    if not np.all(np.isfinite(value)):
        return "the output contains inf or nan; check the division by the keep probability."
    if not training or p == 0:
        return "the input must come back unchanged here."
    zero_frac, scale, uniform = _profile(value, case)
    if abs(zero_frac - p) > 5 * np.sqrt(p * (1 - p) / _N):
        swapped = abs(zero_frac - (1 - p)) <= 5 * np.sqrt(p * (1 - p) / _N)
        why = " (1 − p: the keep and drop probabilities are mixed up)" if swapped else ""
        return f"the share of zeros should be about {p:.0%}, got {zero_frac:.1%}{why}."
    if not uniform:
        return "every kept entry should be the input times one common factor."
    return f"kept entries are scaled by {scale:.3f}; expected 1/(1 − p) = {1 / (1 - p):.3f}."


def _follows_generator(exercise: Exercise, fn: Callable[..., Any], cases: list[Case]) -> str | None:
    """Whether the masks come from ``generator`` (and only from it).

    The same generator under another global seed must give the same output; another
    generator state under the same global seed must give another one.
    """
    case = cases[0]  # training mode, p > 0
    x, p, training, _ = case.args
    variants = (
        case,
        dataclasses.replace(case, seed=case.seed + 1),
        dataclasses.replace(case, args=(x, p, training, torch.Generator().manual_seed(99))),
    )
    outputs = []
    for variant in variants:
        got, problem = exercise._call(fn, variant)
        value = exercise.read(got, variant)
        if problem is not None or isinstance(value, str):
            return None  # the cases passed: nothing to add
        outputs.append(value)
    if np.array_equal(outputs[0], outputs[1]) and not np.array_equal(outputs[0], outputs[2]):
        return None
    return (
        "your masks do not come from `generator`: "
        + (
            "another global seed changed the output"
            if not np.array_equal(outputs[0], outputs[1])
            else "another generator gave the same output (a global seed set inside?)"
        )
        + ". Draw the random numbers from it, e.g. torch.rand(x.shape, "
        "generator=generator), and leave the global generator alone."
    )


INVERTED_DROPOUT = Exercise(
    name="inverted dropout",
    inputs=("x", "q", "training", "generator"),
    reference=dropout,
    cases=_dropout_cases,
    read=array_reader("the output"),
    mistakes=DROPOUT_MISTAKES,
    success="zeros with probability p, survivors scaled to keep the expectation, identity "
    "in eval mode and for p = 0; checked in training mode for p = 0.2, 0.6 and 0, "
    "and in eval mode.",
    fallback=_dropout_fallback,
    agree=_dropout_agree,
    final=_follows_generator,
)


def check_inverted_dropout(fn: Callable[..., torch.Tensor]) -> Feedback:
    """Check a learner's ``dropout(x, p, training, generator)`` (inverted dropout).

    In training mode the share of zeroed entries and the factor applied to the others
    are measured on a large input, for several ``p`` (0 included); eval mode is checked
    separately. The masks must come from ``generator``: the same generator under another
    global seed must give the same output, another generator another one.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_inverted_dropout(lambda x, p, training, generator: x).passed
        False
    """
    return INVERTED_DROPOUT.check(fn)
