"""Check for chapter 6's group-norm exercise (the other check: :mod:`.ch06`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from .exercise import Case, Exercise, Mistake, array_reader
from .feedback import Feedback

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
        "groups_and_size_swapped",
        lambda x, G, eps=1e-5: _norm(
            x.reshape(x.shape[0], x.shape[1] // G, -1), 2, eps=eps
        ).reshape(x.shape),
        "you made C // num_groups groups of num_groups channels: there are num_groups "
        "groups, so reshape to (N, num_groups, -1).",
    ),
    Mistake(
        "grouped_over_batch",
        lambda x, G, eps=1e-5: _norm(x.reshape(x.shape[0], G, -1), 0, eps=eps).reshape(x.shape),
        "your statistics run across the batch (dim 0): group norm takes them within each "
        "example, over the group's channels and positions (dim 2 of the (N, G, -1) view).",
    ),
    Mistake(
        "eps_ignored",
        lambda x, G, eps=1e-5: _grouped()(x, G, 0.0),
        "eps is not used: this call passes eps=0.5; divide by sqrt(var + eps).",
    ),
    Mistake(
        "not_centred",
        _grouped(center=False),
        "subtract each group's mean before dividing by its standard deviation.",
    ),
    Mistake(
        "across_groups",
        lambda x, G, eps=1e-5: _norm(x.reshape(x.shape[0], G, -1), 1, eps=eps).reshape(x.shape),
        "your statistics run across the groups (dim 1 of the (N, G, -1) view): take them "
        "within each group, over dim 2.",
    ),
    Mistake(
        "channels_not_positions",
        lambda x, G, eps=1e-5: _norm(
            x.reshape(x.shape[0], G, x.shape[1] // G, x.shape[2]), 2, eps=eps
        ).reshape(x.shape),
        "your statistics cover the group's channels at each position only: a group's mean "
        "and variance run over its channels and positions together.",
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
