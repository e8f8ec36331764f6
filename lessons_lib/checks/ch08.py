"""Checks for chapter 8, *Data augmentation*."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ..mixing import smooth_labels
from .feedback import Feedback, call_learner


def _reference_mixup(
    x: torch.Tensor, targets: torch.Tensor, lam: torch.Tensor, perm: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    lx = lam[:, None, None]
    lt = lam[:, None]
    return lx * x + (1 - lx) * x[perm], lt * targets + (1 - lt) * targets[perm]


def check_mixup(fn: Callable[..., tuple[torch.Tensor, torch.Tensor]]) -> Feedback:
    """Check a learner's ``mix(x, targets, lam, perm) -> (x_mixed, targets_mixed)``.

    ``x`` has shape ``(N, H, W)``, ``targets`` (one-hot) ``(N, K)``, ``lam`` ``(N,)`` and
    ``perm`` is a permutation of the batch: example ``i`` is mixed with ``perm[i]``.

    Example:
        >>> from lessons_lib.checks.ch08 import _reference_mixup
        >>> check_mixup(_reference_mixup).passed
        True
        >>> check_mixup(lambda x, t, lam, p: (x, t)).passed
        False
    """
    name = "mixup"
    g = torch.Generator().manual_seed(0)
    x = torch.rand(6, 8, 8, generator=g)
    y = torch.tensor([0, 1, 2, 3, 1, 0])
    targets = F.one_hot(y, 4).float()
    lam = torch.tensor([0.9, 0.7, 0.55, 0.3, 1.0, 0.0])
    perm = torch.tensor([3, 2, 0, 5, 1, 4])
    got, problem = call_learner(name, fn, x.clone(), targets.clone(), lam.clone(), perm.clone())
    if problem is not None:
        return problem
    try:
        xm, tm = (torch.as_tensor(v, dtype=torch.float32) for v in got)
    except (TypeError, ValueError, RuntimeError):
        return Feedback(name, False, "return a pair (mixed images, mixed targets) of tensors.")
    want_x, want_t = _reference_mixup(x, targets, lam, perm)
    if xm.shape != want_x.shape or tm.shape != want_t.shape:
        return Feedback(
            name,
            False,
            f"shapes should be {tuple(want_x.shape)} and {tuple(want_t.shape)}, got "
            f"{tuple(xm.shape)} and {tuple(tm.shape)}.",
        )
    ok_x, ok_t = torch.allclose(xm, want_x, atol=1e-6), torch.allclose(tm, want_t, atol=1e-6)
    if ok_x and ok_t:
        return Feedback(
            name, True, "images and labels mixed with the same weights; targets sum to 1."
        )
    swapped_x, swapped_t = _reference_mixup(x, targets, 1 - lam, perm)
    if ok_x and torch.allclose(tm, targets):
        why = "the images are mixed but the labels are not: mix the targets with the same lam."
    elif ok_x and torch.allclose(tm, swapped_t, atol=1e-6):
        why = "the targets use 1 - lam where the images use lam: the weights must match."
    elif ok_t and torch.allclose(xm, swapped_x, atol=1e-6):
        why = "the images use 1 - lam where the targets use lam: the weights must match."
    elif torch.allclose(xm, lam[:, None, None] * (x + x[perm]), atol=1e-6):
        why = "both images are weighted by lam; the partner's weight is 1 - lam."
    elif not torch.allclose(tm.sum(dim=1), torch.ones(6), atol=1e-6):
        why = "each row of the mixed targets should sum to 1."
    else:
        why = "x_mixed = lam x + (1 - lam) x[perm], and the same for the targets."
    return Feedback(name, False, why)


def check_label_smoothing(fn: Callable[[torch.Tensor, int, float], torch.Tensor]) -> Feedback:
    """Check a learner's ``smooth(y, num_classes, eps)`` against PyTorch's convention.

    Expected: targets ``(1 - eps) * one_hot(y) + eps / num_classes``, the targets for which
    ``nn.CrossEntropyLoss(label_smoothing=eps)`` equals the soft-target cross-entropy.

    Example:
        >>> check_label_smoothing(smooth_labels).passed
        True
        >>> check_label_smoothing(lambda y, k, e: F.one_hot(y, k).float()).passed
        False
    """
    name = "label smoothing"
    y = torch.tensor([2, 0, 1, 2])
    for k, eps in ((3, 0.1), (5, 0.3), (3, 0.0)):
        got, problem = call_learner(name, fn, y.clone(), k, eps)
        if problem is not None:
            return problem
        try:
            got = torch.as_tensor(got, dtype=torch.float32)
        except (TypeError, ValueError, RuntimeError):
            return Feedback(name, False, f"return a tensor of shape (4, {k}).")
        want = smooth_labels(y, k, eps)
        if got.shape != want.shape:
            return Feedback(
                name, False, f"shape should be {tuple(want.shape)}, got {tuple(got.shape)}."
            )
        if torch.allclose(got, want, atol=1e-6):
            continue
        onehot = F.one_hot(y, k).float()
        if torch.allclose(got, (1 - eps) * onehot + eps / (k - 1) * (1 - onehot), atol=1e-6):
            why = (
                "you spread eps over the k - 1 wrong classes. That is a valid variant, but "
                "PyTorch's label_smoothing spreads eps over all k classes: (1 - eps) * "
                "one_hot + eps / k."
            )
        elif torch.allclose(got, onehot + eps / k, atol=1e-6):
            why = "the rows no longer sum to 1: scale the one-hot part by (1 - eps)."
        elif torch.allclose(got, (1 - eps) * onehot, atol=1e-6):
            why = "add eps / k to every class."
        else:
            why = "the targets are (1 - eps) * one_hot(y) + eps / k."
        return Feedback(name, False, f"for k = {k} and eps = {eps}: {why}")
    logits = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    loss = F.cross_entropy(logits, fn(y, 3, 0.1))
    ref = F.cross_entropy(logits, y, label_smoothing=0.1)
    return Feedback(
        name,
        True,
        f"matches PyTorch: cross-entropy with your targets {loss.item():.4f} = "
        f"CrossEntropyLoss(label_smoothing=0.1) {ref.item():.4f}.",
    )
