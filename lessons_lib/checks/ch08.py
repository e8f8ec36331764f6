"""Checks for chapter 8, *Data augmentation*."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..mixing import mix_pairs, smooth_labels
from .answers import FLOAT64
from .exercise import Case, Exercise, Mistake, array_reader, tuple_reader, wrong_parts
from .feedback import Feedback

# --- mixup -----------------------------------------------------------------------------------


def _mixup_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)
    x = torch.rand(6, 8, 8, generator=g)
    targets = F.one_hot(torch.tensor([0, 1, 2, 3, 1, 0]), 4).float()
    lam = torch.tensor([0.9, 0.7, 0.55, 0.3, 1.0, 0.0])
    perm = torch.tensor([3, 2, 0, 5, 1, 4])  # not its own inverse
    x2 = torch.rand(4, 3, 5, generator=g, dtype=torch.float64)
    t2 = F.one_hot(torch.tensor([1, 0, 2, 2]), 3).double()
    return [
        Case((x, targets, lam, perm), "on a batch of 6 images 8×8"),
        Case(
            # one dtype per case, as a learner would expect: float64 throughout here
            (
                x2,
                t2,
                torch.tensor([0.2, 0.5, 0.8, 0.6], dtype=torch.float64),
                torch.tensor([2, 3, 1, 0]),
            ),
            "on 4 images 3×5",
        ),
    ]


def _mix(x, t, lam, perm, *, lx=None, lt=None, partner=None, same_weight=False):
    lx = lam if lx is None else lx
    lt = lam if lt is None else lt
    partner = perm if partner is None else partner
    wx = lx.to(x.dtype).reshape(-1, *([1] * (x.dim() - 1)))
    wt = lt.to(t.dtype)[:, None]
    other_x = wx if same_weight else 1 - wx
    return wx * x + other_x * x[partner], wt * t + (1 - wt) * t[partner]


def _in_place(x, t, lam, perm, *, targets):
    wx = lam.to(x.dtype).reshape(-1, *([1] * (x.dim() - 1)))
    x.mul_(wx).add_((1 - wx) * x[perm])
    wt = lam.to(t.dtype)[:, None]
    if targets:
        t.mul_(wt).add_((1 - wt) * t[perm])
        return x, t
    return x, wt * t + (1 - wt) * t[perm]


MIXUP_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "labels_not_mixed",
        lambda x, t, lam, p: (mix_pairs(x, t, lam, p)[0], t),
        "the images are mixed but the labels are not: mix the targets with the same weights.",
    ),
    Mistake(
        "target_weights_swapped",
        lambda x, t, lam, p: _mix(x, t, lam, p, lt=1 - lam),
        "the targets use 1 − lam where the images use lam: the weights must match.",
    ),
    Mistake(
        "image_weights_swapped",
        lambda x, t, lam, p: _mix(x, t, lam, p, lx=1 - lam),
        "the images use 1 − lam where the targets use lam: the weights must match.",
    ),
    Mistake(
        "both_weighted_by_lam",
        lambda x, t, lam, p: _mix(x, t, lam, p, same_weight=True),
        "both images are weighted by lam; the partner's weight is 1 − lam.",
    ),
    Mistake(
        "inverse_partner",
        lambda x, t, lam, p: _mix(x, t, lam, p, partner=torch.argsort(p)),
        "example i must be mixed with example perm[i] (x[perm]); you used the inverse permutation.",
    ),
    Mistake(
        "one_lambda_for_all",
        lambda x, t, lam, p: _mix(x, t, lam[:1].expand(len(lam)), p),
        "every example has its own weight lam[i]; you used one weight for the whole batch.",
    ),
    Mistake(
        "one_mean_lambda",
        lambda x, t, lam, p: _mix(x, t, lam.mean().expand(len(lam)), p),
        "every example has its own weight lam[i]; you used one weight (the mean of lam) for "
        "the whole batch: reshape lam to (N, 1, 1) for the images and (N, 1) for the targets.",
    ),
    Mistake(
        "lam_on_partner",
        lambda x, t, lam, p: _mix(x, t, 1 - lam, p),
        "lam weighs the partner in your blend; it belongs to example i itself: "
        "lam·x + (1 − lam)·x[perm], and the same for the targets.",
    ),
    Mistake(
        "in_place_images",
        lambda x, t, lam, p: _in_place(x, t, lam, p, targets=False),
        "you changed x in place (mul_, +=, x[...] =) before reading x[perm], so the partners "
        "were already mixed: build the blend in a new tensor.",
    ),
    Mistake(
        "in_place_both",
        lambda x, t, lam, p: _in_place(x, t, lam, p, targets=True),
        "you changed x and targets in place (mul_, +=, x[...] =) before reading their "
        "partners, so the partners were already mixed: build the blends in new tensors.",
    ),
    Mistake(
        "hard_labels",
        lambda x, t, lam, p: (
            mix_pairs(x, t, lam, p)[0],
            F.one_hot(mix_pairs(x, t, lam, p)[1].argmax(1), t.shape[1]).to(t.dtype),
        ),
        "the mixed targets are soft: keep the weights lam and 1 − lam instead of rounding "
        "to one class.",
    ),
    Mistake(
        "max_of_lam",
        lambda x, t, lam, p: _mix(x, t, torch.maximum(lam, 1 - lam), p),
        "you used max(lam, 1 − lam); use lam[i] itself as the weight of example i.",
    ),
)


def _mixup_fallback(value: tuple, want: tuple, case: Case) -> str:
    bad = wrong_parts(value, want, ("mixed images", "mixed targets"), FLOAT64)
    return f"the {' and the '.join(bad)} are wrong: blend example i with example perm[i]."


MIXUP = Exercise(
    name="mixup",
    reference=mix_pairs,
    cases=_mixup_cases,
    read=tuple_reader(("x_mixed", "targets_mixed")),
    mistakes=MIXUP_MISTAKES,
    success="images and labels mixed with the same per-example weights and partners.",
    fallback=_mixup_fallback,
    parts=("x_mixed", "targets_mixed"),
)


def check_mixup(fn: Callable[..., tuple[torch.Tensor, torch.Tensor]]) -> Feedback:
    """Check a learner's ``mix(x, targets, lam, perm) -> (x_mixed, targets_mixed)``.

    ``x`` has shape ``(N, H, W)``, ``targets`` (one-hot) ``(N, K)``, ``lam`` ``(N,)`` and
    ``perm`` is a permutation of the batch: example ``i`` is mixed with ``perm[i]``. Both
    outputs are compared with the expected blend on two batches (float32 and float64).

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_mixup(lambda x, t, lam, p: (x, t)).passed
        False
    """
    return MIXUP.check(fn)


# --- label smoothing -------------------------------------------------------------------------

_Y = torch.tensor([2, 0, 1, 2])


def _smooth_cases() -> list[Case]:
    return [
        Case((_Y.clone(), k, e), f"for k = {k} and smoothing = {e}")
        for k, e in ((3, 0.1), (5, 0.3), (3, 0.0))
    ]


def _smooth_reference(y: torch.Tensor, num_classes: int, smoothing: float) -> torch.Tensor:
    """PyTorch's convention: CrossEntropyLoss(label_smoothing=s) equals the soft-target loss."""
    return smooth_labels(y, num_classes, smoothing)


def _oh(y: torch.Tensor, k: int) -> torch.Tensor:
    return F.one_hot(y, k).double()


SMOOTH_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "spread_over_others",
        lambda y, k, e: (1 - e) * _oh(y, k) + e / (k - 1) * (1 - _oh(y, k)),
        "you spread the smoothing over the k − 1 wrong classes. That is a valid variant, "
        "but PyTorch's label_smoothing spreads it over all k classes.",
    ),
    Mistake(
        "not_normalized",
        lambda y, k, e: _oh(y, k) + e / k,
        "the rows no longer sum to 1: scale the one-hot part by (1 − smoothing).",
    ),
    Mistake(
        "no_uniform_part", lambda y, k, e: (1 - e) * _oh(y, k), "add smoothing / k to every class."
    ),
    Mistake(
        "uniform_only_off_class",
        lambda y, k, e: (1 - e) * _oh(y, k) + e / k * (1 - _oh(y, k)),
        "the true class also receives its share smoothing / k of the uniform part.",
    ),
    Mistake(
        "eps_swapped",
        lambda y, k, e: e * _oh(y, k) + (1 - e) / k,
        "smoothing and 1 − smoothing are swapped: the one-hot part keeps weight 1 − smoothing.",
    ),
    Mistake(
        "eps_ignored",
        lambda y, k, e: _oh(y, k),
        "that is the plain one-hot encoding: apply the smoothing.",
    ),
)

LABEL_SMOOTHING = Exercise(
    name="label smoothing",
    reference=_smooth_reference,
    cases=_smooth_cases,
    read=array_reader("the targets"),
    mistakes=SMOOTH_MISTAKES,
    success="matches PyTorch's convention: cross-entropy with these targets equals "
    "nn.CrossEntropyLoss(label_smoothing=smoothing), for (K, smoothing) = (3, 0.1), "
    "(5, 0.3) and (3, 0).",
    fallback=lambda value, want, case: _smooth_fallback(value, want, case),
)


def _smooth_fallback(value: Any, want: Any, case: Case) -> str:
    """Say what differs: the row sums only when they are off, else where the mass sits."""
    y, k, smoothing = case.args
    sums = value.sum(axis=1)
    others = np.ones_like(value, dtype=bool)
    others[np.arange(len(value)), np.asarray(y)] = False
    if value.shape == want.shape and np.allclose(value[others], 0):
        return (
            f"every other class gets 0: smoothing spreads smoothing/k = {smoothing / k:.4g} "
            "over all k classes, the other classes too, and the true class gets "
            f"1 − smoothing + smoothing/k = {1 - smoothing + smoothing / k:.4g}."
        )
    if not np.allclose(sums, 1.0, atol=1e-4):
        return (
            f"each row should sum to 1; yours sum to {np.round(sums, 4).tolist()}. The true class "
            f"gets 1 − smoothing + smoothing/k = {1 - smoothing + smoothing / k:.4g}, every "
            f"other class smoothing/k = {smoothing / k:.4g}."
        )
    labels = np.asarray(y)
    if not np.array_equal(value.argmax(axis=1), labels):
        return (
            f"your rows sum to 1, but their largest entry is not at the label: for labels "
            f"{labels.tolist()} yours peak at {value.argmax(axis=1).tolist()}. Row i puts "
            "1 − smoothing + smoothing/k on class y[i]."
        )
    on = value[np.arange(len(labels)), labels]
    return (
        f"your rows sum to 1 and peak at the label, but the true class gets "
        f"{np.round(on, 4).tolist()} instead of 1 − smoothing + smoothing/k = "
        f"{1 - smoothing + smoothing / k:.4g} (and every other class should get smoothing/k = "
        f"{smoothing / k:.4g}): PyTorch's convention scales the one-hot part by 1 − smoothing "
        "and adds smoothing/k to every class, with no renormalization."
    )


def check_label_smoothing(fn: Callable[[torch.Tensor, int, float], torch.Tensor]) -> Feedback:
    """Check a learner's ``smooth(y, num_classes, smoothing)`` against PyTorch's convention.

    The targets, shape ``(N, num_classes)``, are compared with the soft targets for which
    the cross-entropy equals ``nn.CrossEntropyLoss(label_smoothing=smoothing)``, for several
    numbers of classes and values of ``smoothing`` (0 included).

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_label_smoothing(lambda y, k, e: F.one_hot(y, k).float()).passed
        False
    """
    return LABEL_SMOOTHING.check(fn)
