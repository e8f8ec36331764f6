"""Checks for chapter 4, *Weight decay: the derivation and the optimizer trap*."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .answers import FLOAT64
from .ch04_adam import check_adam_l2_step as check_adam_l2_step  # the chapter's second check
from .exercise import Case, Exercise, Mistake, tuple_reader, wrong_parts
from .feedback import Feedback

# --- weight-decay step -----------------------------------------------------------------------


def _decay_cases() -> list[Case]:
    rng = np.random.default_rng(4)
    out = []
    for (lr, lam, n), shape in (((0.1, 4.0, 20), (3, 2)), ((0.3, 1.5, 6), (2, 4))):
        w, b = rng.standard_normal(shape), rng.standard_normal(shape[0])
        gw, gb = rng.standard_normal(shape), rng.standard_normal(shape[0])
        out.append(Case((w, b, gw, gb, lr, lam, n), f"with lr={lr}, lam={lam}, n={n}"))
    return out


def _decay_reference(w: Any, b: Any, gw: Any, gb: Any, lr: float, lam: float, n: int) -> tuple:
    return (1 - lr * lam / n) * w - lr * gw, b - lr * gb


def _w_only(new_w: Callable[..., Any]) -> Callable[..., tuple]:
    return lambda w, b, gw, gb, lr, lam, n: (new_w(w, gw, lr, lam, n), b - lr * gb)


DECAY_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "bias_decayed",
        lambda w, b, gw, gb, lr, lam, n: (
            (1 - lr * lam / n) * w - lr * gw,
            (1 - lr * lam / n) * b - lr * gb,
        ),
        "the biases are decayed too: they are not in the penalty, so they take a plain "
        "gradient step.",
    ),
    Mistake(
        "lam_not_divided",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam) * w - lr * gw),
        "the decay factor is 1 − ηλ/n: divide λ by n.",
    ),
    Mistake(
        "half_gradient",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam / (2 * n)) * w - lr * gw),
        "the gradient of λ/(2n)·w² is (λ/n)·w, not (λ/2n)·w.",
    ),
    Mistake(
        "double_gradient",
        _w_only(lambda w, gw, lr, lam, n: (1 - 2 * lr * lam / n) * w - lr * gw),
        "the 2 of the power rule and the 1/2 of the penalty cancel: the factor is 1 − ηλ/n.",
    ),
    Mistake(
        "decay_without_lr",
        _w_only(lambda w, gw, lr, lam, n: (1 - lam / n) * w - lr * gw),
        "the decay must be multiplied by the learning rate η.",
    ),
    Mistake(
        "decay_after_step",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam / n) * (w - lr * gw)),
        "you decayed after the data step, so the data step shrinks too: decay w, then "
        "subtract η times the data gradient.",
    ),
    Mistake(
        "decay_grows",
        _w_only(lambda w, gw, lr, lam, n: (1 + lr * lam / n) * w - lr * gw),
        "the decay factor has the wrong sign: 1 + ηλ/n makes the weights grow; it is 1 − ηλ/n.",
    ),
    Mistake(
        "bias_not_stepped",
        lambda w, b, gw, gb, lr, lam, n: ((1 - lr * lam / n) * w - lr * gw, b),
        "w_new is right; b_new is not: the bias is not decayed, but it still takes its plain "
        "gradient step b − η·grad_b.",
    ),
    Mistake(
        "no_decay",
        _w_only(lambda w, gw, lr, lam, n: w - lr * gw),
        "the decay is missing: the weights should shrink by a factor before the data step.",
    ),
    Mistake(
        "ascent",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam / n) * w + lr * gw),
        "step against the data gradient: subtract it.",
    ),
    Mistake(
        "swapped",
        lambda w, b, gw, gb, lr, lam, n: _decay_reference(w, b, gw, gb, lr, lam, n)[::-1],
        "return the pair in the order (w_new, b_new).",
    ),
    Mistake(
        "lam_times_n",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam * n) * w - lr * gw),
        "λ is multiplied by n; divide it: the factor is 1 − ηλ/n.",
    ),
    Mistake(
        "decay_on_gradient",
        _w_only(lambda w, gw, lr, lam, n: w - lr * gw * (1 - lr * lam / n)),
        "you applied the decay factor to the gradient step; it multiplies the weights: "
        "(1 − ηλ/n)·w − η·grad_w.",
    ),
)


def _decay_fallback(value: tuple, want: tuple, case: Case) -> str:
    bad = wrong_parts(value, want, ("w_new", "b_new"), FLOAT64)
    if bad == ["b_new"]:
        return "w_new is right; b_new is not: a bias takes a plain gradient step."
    return f"{' and '.join(bad)} wrong: shrink the weights by the decay factor, then step."


DECAY_STEP = Exercise(
    name="weight-decay step",
    inputs=("w", "b", "grad_w", "grad_b", "lr", "lam", "n"),
    reference=_decay_reference,
    cases=_decay_cases,
    read=tuple_reader(("w_new", "b_new")),
    mistakes=DECAY_MISTAKES,
    success="weights decayed by 1 − ηλ/n first, biases not decayed.",
    fallback=_decay_fallback,
    parts=("w_new", "b_new"),
)


def check_decay_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``decay_step(w, b, grad_w, grad_b, lr, lam, n) -> (w, b)``.

    Both returned arrays are compared with one step of gradient descent on the loss with
    an L2 penalty on the weights (not on the biases), for two settings.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_decay_step(lambda w, b, gw, gb, lr, lam, n: (w, b)).passed
        False
    """
    return DECAY_STEP.check(fn)
