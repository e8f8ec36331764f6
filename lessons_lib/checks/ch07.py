"""Checks for chapter 7, *Early stopping*."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..early_stopping import trigger_epoch
from .answers import to_array
from .ch07_gd import check_early_stopped_gd as check_early_stopped_gd  # the chapter's second check
from .exercise import Case, Exercise, Mistake
from .feedback import Feedback

# --- should stop -----------------------------------------------------------------------------

# (values, patience, min_delta): together they separate the reference from every mistake.
_STOP_CASES: list[tuple[list[float], int, float]] = [
    ([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 3.8, 3.9], 3, 0.0),  # plain: stop 3 epochs after the best
    ([1.0, 0.9, 0.95, 0.92, 0.97, 0.93, 0.99, 0.94], 3, 0.0),  # zig-zag: no run of increases
    ([3.0, 2.0, 1.0, 0.5], 2, 0.0),  # never stops
    ([1.0, 1.0, 1.0, 1.0, 1.0], 2, 0.0),  # ties are not improvements
    ([1.0, 0.98, 0.97, 0.96, 0.95, 0.94], 2, 0.05),  # improvements smaller than min_delta
    ([10.0, 9.4, 9.0, 8.4, 8.0, 7.6], 2, 0.5),  # best far from 1: min_delta is absolute
    ([0.5, 0.46, 0.41, 0.44, 0.43, 0.45], 2, 0.03),  # best below 1, absolute margin again
    ([1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0, 1.0], 3, 0.0),  # improvement on the last allowed epoch
    ([2.0, 1.0, 1.5, 0.9, 1.6, 1.7, 0.8, 1.8, 1.9], 3, 0.0),  # counter must reset
]


def _stop_cases() -> list[Case]:
    return [
        Case((list(v), k, d), f"for val_losses={v}, patience={k}, min_delta={d}")
        for v, k, d in _STOP_CASES
    ]


def _stop(
    values: Sequence[float],
    patience: int,
    min_delta: float,
    *,
    improves: Callable[[float, float, float], bool] = lambda v, best, d: v < best - d,
    versus: str = "best",
    late: int = 0,
    offset: int = 0,
    reset: bool = True,
    result: str = "stop",
    never: str = "none",
) -> int | None:
    """The stopping rule with one switch per typical mistake."""
    best, best_epoch, count, ref = float("inf"), 0, 0, float("inf")
    for epoch, v in enumerate(values, start=1):
        if improves(v, ref, min_delta):
            best, best_epoch = min(best, v), epoch if v < best else best_epoch
            if reset:
                count = 0
        else:
            count += 1
        if versus == "best":  # the reference moves only on an improvement
            ref = min(ref, v) if improves(v, ref, min_delta) else ref
        elif versus == "minimum":  # ... not to every new low
            ref = min(ref, v)
        else:
            ref = v
        if count >= patience + late:
            return (best_epoch if result == "best" else epoch) - offset
    return len(values) if never == "last" else None


STOP_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "best_epoch",
        lambda v, k, d: _stop(v, k, d, result="best"),
        "you returned the epoch of the best loss; return the epoch at which training stops "
        "(patience epochs after the last improvement).",
    ),
    Mistake(
        "lowest_loss_epoch",
        lambda v, k, d: (
            None if (s := _stop(v, k, d)) is None else int(np.argmin(np.asarray(v[:s]))) + 1
        ),
        "you returned the epoch of the lowest loss; return the epoch at which training "
        "stops (patience epochs without an improvement larger than min_delta).",
    ),
    Mistake(
        "one_late",
        lambda v, k, d: _stop(v, k, d, late=1),
        "one epoch late: stop as soon as the counter of epochs without improvement reaches "
        "patience (>=, not >).",
    ),
    Mistake(
        "zero_based",
        lambda v, k, d: _stop(v, k, d, offset=1),
        "one epoch early: epochs are numbered from 1, not from 0.",
    ),
    Mistake(
        "ties_improve",
        lambda v, k, d: _stop(v, k, d, improves=lambda x, b, m: x <= b - m),
        "a loss that only equals the reference (the loss of the last improvement) minus "
        "min_delta is not an improvement: it must beat it by *more* (<, not <=).",
    ),
    Mistake(
        "min_delta_ignored",
        lambda v, k, d: _stop(v, k, 0.0),
        "min_delta is ignored: an improvement must beat the reference loss (the loss of the "
        "last improvement) by more than min_delta.",
    ),
    Mistake(
        "min_delta_sign",
        lambda v, k, d: _stop(v, k, d, improves=lambda x, b, m: x < b + m),
        "min_delta has the wrong sign: an improvement is a loss below reference − "
        "min_delta, not below reference + min_delta.",
    ),
    Mistake(
        "relative_min_delta",
        lambda v, k, d: _stop(v, k, d, improves=lambda x, b, m: x < b * (1 - m)),
        "min_delta is an absolute margin (loss < reference − min_delta), not a fraction of "
        "the reference loss.",
    ),
    Mistake(
        "consecutive_increases",
        lambda v, k, d: _stop(v, k, d, versus="previous"),
        "you compared each loss with the previous epoch's; compare it with the reference loss "
        "(the loss of the last improvement).",
    ),
    Mistake(
        "running_minimum",
        lambda v, k, d: _stop(v, k, d, versus="minimum"),
        "you compared with the lowest loss seen so far; compare with the loss of the last "
        "improvement (a new low that is not lower by more than min_delta does not move it).",
    ),
    Mistake(
        "no_reset",
        lambda v, k, d: _stop(v, k, d, reset=False),
        "the counter of epochs without improvement must go back to 0 after an improvement.",
    ),
    Mistake(
        "last_epoch_if_never",
        lambda v, k, d: _stop(v, k, d, never="last"),
        "when the rule never fires, return None, not the last epoch.",
    ),
    Mistake(
        "only_increases_count",
        lambda v, k, d: _stop(v, k, d, improves=lambda x, b, m: not (x > b - m and x > b)),
        "a loss that does not rise resets your counter: a plateau (equal losses, or a drop "
        "smaller than min_delta) is no improvement, so it counts towards patience.",
    ),
)


def _read_epoch(got: Any, case: Case) -> Any:
    if got is None:
        return None
    if isinstance(got, bool | np.bool_):
        return f"return the epoch number (or None), not {got}."
    value = to_array(got, None, "the epoch")
    if isinstance(value, str) or value.size != 1 or not np.isfinite(value).all():
        return f"return an integer epoch or None, got {got!r:.60}."
    number = float(value.reshape(()))
    if number != int(number):
        return f"return an integer epoch or None, got {number}."
    return int(number)


def _stop_fallback(value: int | None, want: int | None) -> str:
    if want is None:
        return (
            f"the rule never fires on these losses, so return None; you returned {value}, "
            "as if training stopped."
        )
    if value is None:
        return f"training should stop at the end of epoch {want}; your rule never fired (None)."
    when = "early" if value < want else "late"
    return f"training should stop at the end of epoch {want}; you stopped {when}, at {value}."


def _stop_agree(a: Any, b: Any, case: Case, tol: Any) -> bool:
    return a == b


SHOULD_STOP = Exercise(
    name="should stop",
    inputs=("val_losses", "patience", "min_delta"),
    reference=trigger_epoch,
    cases=_stop_cases,
    read=_read_epoch,
    mistakes=STOP_MISTAKES,
    success="stops patience epochs after the last improvement, treats ties and changes "
    "below the absolute min_delta as no improvement, resets on a late improvement, and "
    "returns None when the rule never fires.",
    fallback=lambda value, want, case: _stop_fallback(value, want),
    agree=_stop_agree,
)


def check_should_stop(fn: Callable[[list[float], int, float], int | None]) -> Feedback:
    """Check a learner's ``stop_epoch(val_losses, patience, min_delta)``.

    The returned epoch (1-based, or ``None``) is compared with the course's early-stopping
    rule on crafted loss curves: ties, zig-zags, late improvements, several ``min_delta``
    and best losses, and a curve on which the rule never fires.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_should_stop(lambda v, p, d: None).passed
        False
    """
    return SHOULD_STOP.check(fn)
