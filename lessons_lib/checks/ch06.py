"""Checks for chapter 6, *Batch normalization*.

The references are PyTorch's own functionals (``F.batch_norm``, ``F.group_norm``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from .answers import FLOAT64
from .ch06_gn import check_group_norm as check_group_norm  # the chapter's second check
from .exercise import Case, Exercise, Mistake, tuple_reader, wrong_parts
from .feedback import Feedback

# --- batch norm step -------------------------------------------------------------------------


def _bn_cases() -> list[Case]:
    """(N, C, L) batches: several lengths L, and N = 1 with L > 1 (legal in training mode)."""
    gen = torch.Generator().manual_seed(0)
    scale = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)[None, :, None]
    x = torch.randn(4, 3, 5, generator=gen, dtype=torch.float64) * scale + 3
    x2 = torch.randn(1, 2, 6, generator=gen, dtype=torch.float64) * 0.3 - 1
    x3 = torch.randn(6, 2, 1, generator=gen, dtype=torch.float64) * 2 + 0.5
    rm = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    rv = torch.tensor([1.5, 0.5, 3.0], dtype=torch.float64)
    rm2 = torch.tensor([0.2, -0.4], dtype=torch.float64)
    rv2 = torch.tensor([0.8, 2.0], dtype=torch.float64)
    return [
        Case((x, rm, rv, True, 0.2, 1e-5), "training mode, x of shape (4, 3, 5), momentum 0.2"),
        Case(
            (x2, rm2, rv2, True, 0.5, 0.01),
            "training mode, x of shape (1, 2, 6), momentum 0.5, eps 0.01",
        ),
        Case((x3, rm2, rv2, True, 0.1, 1e-5), "training mode, x of shape (6, 2, 1)"),
        Case((x, rm, rv, False, 0.2, 1e-5), "eval mode, x of shape (4, 3, 5)"),
        Case((x2, rm2, rv2, False, 0.5, 0.01), "eval mode, x of shape (1, 2, 6), eps 0.01"),
    ]


def _bn_reference(x, running_mean, running_var, training, momentum=0.1, eps=1e-5) -> tuple:
    rm, rv = running_mean.clone(), running_var.clone()
    y = F.batch_norm(x, rm, rv, training=training, momentum=momentum, eps=eps)
    return y, rm, rv


def _bn(
    x: torch.Tensor,
    rm: torch.Tensor,
    rv: torch.Tensor,
    training: bool,
    momentum: float,
    eps: float,
    *,
    y_var: str = "biased",
    y_stats: str = "batch",
    rv_var: str = "unbiased",
    count: str = "NL",
    swap_momentum: bool = False,
    update: str = "training",
    eps_outside: bool = False,
    eval_stats: str = "running",
) -> tuple:
    """Batch norm of an (N, C, L) input written out, with one switch per typical mistake."""
    n, length = x.shape[0], x.shape[2]
    mean, var_b = x.mean((0, 2)), x.var((0, 2), unbiased=False)
    k = n * length if count == "NL" else n
    var_u = var_b * k / (k - 1)  # raises ZeroDivisionError for N = 1 and count "N"

    def per_channel(v: torch.Tensor) -> torch.Tensor:
        return v[None, :, None]

    if training:
        if y_stats == "batch":
            mu, var = per_channel(mean), per_channel(var_b if y_var == "biased" else var_u)
        elif y_stats == "over_n":  # per channel and position
            mu, var = x.mean(0, keepdim=True), x.var(0, unbiased=False, keepdim=True)
        elif y_stats == "running":
            mu, var = per_channel(rm), per_channel(rv)
        else:  # statistics over the whole batch, all channels
            mu, var = x.mean(), x.var(unbiased=False)
    elif eval_stats == "running":
        mu, var = per_channel(rm), per_channel(rv)
    else:
        mu, var = per_channel(mean), per_channel(var_b)
    y = (x - mu) / (torch.sqrt(var) + eps if eps_outside else torch.sqrt(var + eps))
    if training or update == "always":
        a, b = (momentum, 1 - momentum) if swap_momentum else (1 - momentum, momentum)
        new_var = var_u if rv_var == "unbiased" else var_b
        rm, rv = a * rm + b * mean, a * rv + b * new_var
        if update == "batch":  # the batch statistics returned instead of the running ones
            rm, rv = mean, new_var
    return y, rm, rv


def _bn_variant(**switches: Any) -> Callable[..., tuple]:
    return lambda x, rm, rv, training, momentum=0.1, eps=1e-5: _bn(
        x, rm, rv, training, momentum, eps, **switches
    )


BATCH_NORM_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "stats_over_n_only",
        _bn_variant(y_stats="over_n"),
        "y is normalized with statistics over N only, one per channel and position: take "
        "the mean and variance of each channel over the batch and the length together, "
        "dims (0, 2).",
    ),
    Mistake(
        "correction_with_n",
        _bn_variant(count="N"),
        "the running variance's correction counts N values per channel, but each channel "
        "has N·L of them: the unbiased variance divides by N·L − 1.",
    ),
    Mistake(
        "running_var_biased",
        _bn_variant(rv_var="biased"),
        "the running variance is updated with the *unbiased* batch variance (N·L − 1 in "
        "the denominator), although the forward pass uses the biased one.",
    ),
    Mistake(
        "y_unbiased_variance",
        _bn_variant(y_var="unbiased"),
        "y is normalized with the unbiased variance (dividing by N·L − 1): the forward pass "
        "uses the biased batch variance.",
    ),
    Mistake(
        "y_running_stats_in_training",
        _bn_variant(y_stats="running"),
        "in training mode normalize with the batch statistics, not the running ones.",
    ),
    Mistake(
        "y_global_stats",
        _bn_variant(y_stats="global"),
        "take the mean and variance of each channel (dim 1 is kept), not of all entries together.",
    ),
    Mistake(
        "eps_outside_sqrt",
        _bn_variant(eps_outside=True),
        "eps goes inside the square root: divide by sqrt(var + eps).",
    ),
    Mistake(
        "momentum_swapped",
        _bn_variant(swap_momentum=True),
        "momentum is the weight of the *new* batch value in PyTorch: "
        "(1 − momentum)·running + momentum·batch.",
    ),
    Mistake(
        "no_update",
        lambda x, rm, rv, training, momentum=0.1, eps=1e-5: (
            _bn(x, rm, rv, training, momentum, eps)[0],
            rm,
            rv,
        ),
        "the running statistics must be updated in training mode.",
    ),
    Mistake(
        "eval_updates",
        _bn_variant(update="always"),
        "eval mode must leave the running statistics unchanged: update them only in training mode.",
    ),
    Mistake(
        "batch_stats_returned",
        _bn_variant(update="batch"),
        "you returned the batch statistics; return the running statistics after the "
        "update (1 − momentum)·running + momentum·batch.",
    ),
    Mistake(
        "batch_stats_returned_biased",
        _bn_variant(update="batch", rv_var="biased"),
        "you returned the batch statistics; return the running statistics after the "
        "update (1 − momentum)·running + momentum·batch, the variance unbiased.",
    ),
    Mistake(
        "eval_as_training",
        _bn_variant(eval_stats="batch", update="always"),
        "in eval mode your function still uses the batch statistics and updates the running "
        "ones: in eval mode normalize with the running statistics and return them unchanged.",
    ),
    Mistake(
        "eval_batch_stats",
        _bn_variant(eval_stats="batch"),
        "in eval mode normalize with the running statistics, not the batch ones.",
    ),
    Mistake(
        "variances_swapped",
        _bn_variant(y_var="unbiased", rv_var="biased"),
        "the two variances are swapped: y uses the biased batch variance, the running "
        "variance is updated with the unbiased one (N·L − 1 in the denominator).",
    ),
)


def _read_bn(got: Any, case: Case) -> Any:
    return tuple_reader(("y", "new_running_mean", "new_running_var"))(got, case)


def _bn_fallback(value: tuple, want: tuple, case: Case) -> str:
    """Say which parts are wrong and the rule each one follows."""
    bad = wrong_parts(value, want, ("y", "new_running_mean", "new_running_var"), FLOAT64)
    training = case.args[3]
    rules = {
        "y": "y = (x − mean) / sqrt(var + eps) with each channel's batch mean and biased "
        "variance over dims (0, 2)"
        if training
        else "y = (x − running_mean) / sqrt(running_var + eps), per channel",
        "new_running_mean": "(1 − momentum)·running_mean + momentum·batch mean"
        if training
        else "running_mean comes back unchanged in eval mode",
        "new_running_var": "(1 − momentum)·running_var + momentum·unbiased batch variance "
        "(N·L − 1 in the denominator)"
        if training
        else "running_var comes back unchanged in eval mode",
    }
    return f"{', '.join(bad)} wrong: " + "; ".join(rules[name] for name in bad) + "."


BATCH_NORM_STEP = Exercise(
    name="batch norm step (N, C, L)",
    reference=_bn_reference,
    cases=_bn_cases,
    read=_read_bn,
    mistakes=BATCH_NORM_MISTAKES,
    # Names no axis or divisor: the site shows this line under the folded solution.
    success="the output and both running statistics match nn.BatchNorm1d(C, "
    "affine=False) in training and in eval mode, for every shape and momentum tested.",
    fallback=_bn_fallback,
    parts=("y", "new_running_mean", "new_running_var"),
    may_change=("running_mean", "running_var"),  # in place, as nn.BatchNorm1d does
)


def check_batch_norm_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``batch_norm_step(x, running_mean, running_var, training, momentum, eps)``.

    ``x`` has shape (N, C, L), as ``nn.BatchNorm1d`` accepts with a length axis; the
    running statistics have shape (C,). The triple ``(y, new_running_mean,
    new_running_var)`` is compared with PyTorch's conventions (no affine parameters) in
    training and in eval mode, for three shapes (N = 1 with L > 1 among them), three
    momenta and two values of ``eps``; every part must have the right shape.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_batch_norm_step(lambda x, rm, rv, training, m, e: (x, rm, rv)).passed
        False
    """
    return BATCH_NORM_STEP.check(fn)
