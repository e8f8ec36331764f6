"""Checks for chapter 6, *Batch normalization*.

The references are PyTorch's own functionals (``F.batch_norm``, ``F.group_norm``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from .answers import FLOAT64
from .exercise import Case, Exercise, Mistake, array_reader, tuple_reader, wrong_parts
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
        "eval_batch_stats",
        _bn_variant(eval_stats="batch"),
        "in eval mode normalize with the running statistics, not the batch ones.",
    ),
)


def _read_bn(got: Any, case: Case) -> Any:
    return tuple_reader(("y", "new_running_mean", "new_running_var"))(got, case)


def _bn_fallback(value: tuple, want: tuple, case: Case) -> str:
    bad = wrong_parts(value, want, ("y", "new_running_mean", "new_running_var"), FLOAT64)
    return (
        f"{', '.join(bad)} wrong; compare with nn.BatchNorm1d(C, affine=False) on an "
        "(N, C, L) input, in both modes."
    )


BATCH_NORM_STEP = Exercise(
    name="batch norm step (N, C, L)",
    reference=_bn_reference,
    cases=_bn_cases,
    read=_read_bn,
    mistakes=BATCH_NORM_MISTAKES,
    success="statistics per channel over N and L (biased variance) in training, momentum "
    "update with the unbiased variance over N·L values, running statistics untouched and "
    "used in eval mode.",
    fallback=_bn_fallback,
    parts=("y", "new_running_mean", "new_running_var"),
)


def check_batch_norm_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``batch_norm_step(x, running_mean, running_var, training, momentum, eps)``.

    ``x`` has shape (N, C, L), as ``nn.BatchNorm1d`` accepts with a length axis; the
    running statistics have shape (C,). The triple ``(y, new_running_mean,
    new_running_var)`` is compared with PyTorch's conventions (no affine parameters) in
    training and in eval mode, for three shapes (N = 1 with L > 1 among them), two
    momenta and two values of ``eps``; every part must have the right shape.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_batch_norm_step(lambda x, rm, rv, training, m, e: (x, rm, rv)).passed
        False
    """
    return BATCH_NORM_STEP.check(fn)


# --- group norm ------------------------------------------------------------------------------


def _gn_input() -> torch.Tensor:
    gen = torch.Generator().manual_seed(1)
    scale = torch.arange(1.0, 7.0, dtype=torch.float64)[:, None]
    shift = torch.arange(6.0, dtype=torch.float64)[:, None]
    return torch.randn(3, 6, 4, generator=gen, dtype=torch.float64) * scale + shift


def _gn_cases() -> list[Case]:
    x = _gn_input()
    return [
        Case((x, 3, 1e-5), "with num_groups=3"),
        Case((x, 2, 1e-5), "with num_groups=2"),
        Case((x, 3, 0.5), "with num_groups=3 and eps=0.5"),
    ]


def _gn_reference(x: torch.Tensor, num_groups: int, eps: float = 1e-5) -> torch.Tensor:
    return F.group_norm(x, num_groups, eps=eps)


def _norm(z: torch.Tensor, dims: Any, unbiased: bool = False, eps: float = 1e-5, outside=False):
    mu = z.mean(dims, keepdim=True)
    var = z.var(dims, unbiased=unbiased, keepdim=True)
    return (z - mu) / (torch.sqrt(var) + eps if outside else torch.sqrt(var + eps))


def _grouped(unbiased: bool = False, outside: bool = False, center: bool = True):
    def answer(x, G, eps=1e-5):
        g = x.reshape(x.shape[0], G, -1)
        if center:
            out = _norm(g, 2, unbiased, eps, outside)
        else:
            out = g / torch.sqrt(g.var(2, unbiased=False, keepdim=True) + eps)
        return out.reshape(x.shape)

    return answer


def _interleaved(x, G, eps=1e-5):
    n, c, length = x.shape
    z = x.reshape(n, c // G, G, length).transpose(1, 2).reshape(n, G, -1)
    z = _norm(z, 2, eps=eps)
    return z.reshape(n, G, c // G, length).transpose(1, 2).reshape(x.shape)


GROUP_NORM_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "unbiased_variance",
        _grouped(unbiased=True),
        "use the biased variance (unbiased=False), as all normalization layers do.",
    ),
    Mistake(
        "batch_statistics",
        lambda x, G, eps=1e-5: _norm(x, (0, 2), eps=eps),
        "that is batch norm: group norm takes its statistics within each example, never "
        "across the batch.",
    ),
    Mistake(
        "interleaved_groups",
        _interleaved,
        "a group is a block of *consecutive* channels: reshape x to (N, G, -1).",
    ),
    Mistake(
        "layer_norm",
        lambda x, G, eps=1e-5: _norm(x, (1, 2), eps=eps),
        "that is layer norm over all channels: split the channels into num_groups groups.",
    ),
    Mistake(
        "instance_norm",
        lambda x, G, eps=1e-5: _norm(x, 2, eps=eps),
        "that normalizes every channel on its own (instance norm): a group spans "
        "C / num_groups consecutive channels.",
    ),
    Mistake(
        "eps_outside_sqrt",
        _grouped(outside=True),
        "eps goes inside the square root: divide by sqrt(var + eps).",
    ),
    Mistake(
        "not_centred",
        _grouped(center=False),
        "subtract each group's mean before dividing by its standard deviation.",
    ),
)

GROUP_NORM = Exercise(
    name="group norm",
    reference=_gn_reference,
    cases=_gn_cases,
    read=array_reader("the output"),
    mistakes=GROUP_NORM_MISTAKES,
    success="matches torch.nn.functional.group_norm for 2 and 3 groups and two values of eps.",
    fallback=lambda value, want, case: (
        "the values differ from group norm: statistics per "
        "example and per group of consecutive channels."
    ),
)


def check_group_norm(fn: Callable[[torch.Tensor, int, float], torch.Tensor]) -> Feedback:
    """Check a learner's ``group_norm(x, num_groups, eps)`` (no affine parameters).

    The output is compared with the expected normalization on an input ``(N, C, L)``
    whose channels have different scales and offsets, for several numbers of groups and
    values of ``eps``.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_group_norm(lambda x, g, eps: x).passed
        False
    """
    return GROUP_NORM.check(fn)
