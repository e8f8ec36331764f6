"""Augmentations that mix examples *and* labels, and label smoothing.

Taught in chapter 8. Mixup and CutMix take a batch of images ``(N, H, W)`` with integer
labels and return mixed images with soft targets of shape ``(N, num_classes)`` whose
rows sum to 1; randomness comes only from the ``generator`` argument. At ``alpha = 0``
both are the identity (with one-hot targets). :func:`smooth_labels` gives the targets
that PyTorch's ``label_smoothing`` uses, and :func:`smoothed_optimal_logit` the finite
logit those targets make optimal (chapter 10). The docstrings keep the papers' names,
λ for the mixing weight and α for the Beta parameter (``lam``, ``alpha``); the book
writes them ξ and ν, because λ is a penalty's strength there.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .augmentation import check_images, random_boxes
from .validation import check_int, check_probability, check_real, check_tensor


def _one_hot(y: torch.Tensor, num_classes: int) -> torch.Tensor:
    y = check_tensor("y", y, ranks=(1,), dtype="integer", layout="(N,) of class labels")
    return F.one_hot(y, num_classes).float()


def _pair(
    x: torch.Tensor,
    y: torch.Tensor,
    num_classes: int,
    alpha: float,
    generator: torch.Generator | None,
    groups: int = 1,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    x = check_images(x)
    groups = check_int("groups", groups, low=1)
    if len(x) % groups:
        raise ValueError(f"groups={groups} must divide the batch size {len(x)}")
    num_classes = check_int("num_classes", num_classes, low=2)
    alpha = check_real("alpha", alpha, low=0.0)
    if len(y) != len(x):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    targets = _one_hot(y, num_classes)
    size = len(x) // groups  # partners are drawn inside each block of this size
    inside = torch.randperm(size, generator=generator)
    perm = (torch.arange(groups)[:, None] * size + inside).flatten()
    if alpha == 0:
        lam = torch.ones(len(x))
    else:
        # torch's Beta sampler takes no generator: derive a NumPy one from ours.
        sub_seed = int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
        lam = torch.from_numpy(np.random.default_rng(sub_seed).beta(alpha, alpha, len(x)))
        lam = lam.float()
    return x, targets, perm, lam


def mixup(
    x: torch.Tensor,
    y: torch.Tensor,
    num_classes: int,
    alpha: float = 0.2,
    generator: torch.Generator | None = None,
    groups: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mixup (Zhang et al., 2018): blend each image and its label with a random partner.

    With a partner ``j`` (a random permutation of the batch) and ``λ ~ Beta(α, α)``
    drawn per image,

    .. math:: \\tilde x_i = λ x_i + (1 - λ) x_j, \\qquad \\tilde y_i = λ e_{y_i} + (1 - λ) e_{y_j}.

    Args:
        x: images ``(N, H, W)``; y: integer labels ``(N,)``.
        num_classes: number of classes ``K`` of the soft targets.
        alpha: Beta parameter ``α >= 0``; 0 disables mixing. Default: 0.2.
        generator: source of randomness.
        groups: split the batch into this many equal consecutive blocks and draw every
            partner inside its own block (a stack of models trained on one flat batch,
            see :func:`~lessons_lib.augmented_training.fit_augmented`). Default: 1.

    Returns:
        ``(x_mixed, targets)`` with ``targets`` of shape ``(N, K)``, rows summing to 1.

    Example:
        >>> x, y = torch.rand(6, 8, 8), torch.tensor([0, 1, 2, 0, 1, 2])
        >>> xm, t = mixup(x, y, 3, alpha=0.4, generator=torch.Generator().manual_seed(0))
        >>> xm.shape, t.shape, bool(torch.allclose(t.sum(1), torch.ones(6)))
        (torch.Size([6, 8, 8]), torch.Size([6, 3]), True)
    """
    x, targets, perm, lam = _pair(x, y, num_classes, alpha, generator, groups)
    return mix_pairs(x, targets, lam, perm)


def mix_pairs(
    x: torch.Tensor, targets: torch.Tensor, lam: torch.Tensor, perm: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Blend example ``i`` with example ``perm[i]`` using weight ``lam[i]``: mixup's core.

    Args:
        x: inputs ``(N, ...)``.
        targets: soft or one-hot targets ``(N, K)``.
        lam: the weight of each example itself, ``(N,)``, in ``[0, 1]``.
        perm: the partner of each example, a permutation of ``range(N)``.

    Returns:
        ``(lam x + (1 - lam) x[perm], lam targets + (1 - lam) targets[perm])``, the weight
        broadcast over every non-batch dimension.

    Example:
        >>> x, t = torch.tensor([[0.0], [1.0]]), torch.eye(2)
        >>> mix_pairs(x, t, torch.tensor([0.75, 1.0]), torch.tensor([1, 0]))
        (tensor([[0.2500],
                [1.0000]]), tensor([[0.7500, 0.2500],
                [0.0000, 1.0000]]))
    """
    if lam.shape != (len(x),) or perm.shape != (len(x),) or len(targets) != len(x):
        raise ValueError(
            f"x, targets, lam and perm must share the batch size {len(x)}, got shapes "
            f"{tuple(targets.shape)}, {tuple(lam.shape)} and {tuple(perm.shape)}"
        )
    lam_x = lam.to(x.dtype).reshape(-1, *([1] * (x.dim() - 1)))
    lam_t = lam.to(targets.dtype)[:, None]
    return lam_x * x + (1 - lam_x) * x[perm], lam_t * targets + (1 - lam_t) * targets[perm]


def cutmix(
    x: torch.Tensor,
    y: torch.Tensor,
    num_classes: int,
    alpha: float = 1.0,
    generator: torch.Generator | None = None,
    groups: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """CutMix (Yun et al., 2019): paste a box from a random partner; mix labels by area.

    For each image a box covering about a share ``1 - λ`` of the image (``λ ~ Beta(α,
    α)``, side lengths rounded to whole pixels) is copied from its partner. The label
    weight of the partner is the *actual* share of pixels pasted, so the soft targets
    match the image exactly.

    Returns:
        ``(x_mixed, targets)`` as for :func:`mixup`.

    Example:
        >>> x, y = torch.rand(4, 8, 8), torch.tensor([0, 1, 0, 1])
        >>> xm, t = cutmix(x, y, 2, generator=torch.Generator().manual_seed(1))
        >>> bool(torch.allclose(t.sum(1), torch.ones(4)))
        True
    """
    x, targets, perm, lam = _pair(x, y, num_classes, alpha, generator, groups)
    n, h, w = x.shape
    ratio = torch.sqrt(1 - lam)
    bh = torch.round(ratio * h).long()
    bw = torch.round(ratio * w).long()
    mask = random_boxes(n, h, w, bh, bw, generator)
    pasted = mask.float().mean(dim=(1, 2))  # actual share of the partner's pixels
    mixed = torch.where(mask, x[perm], x)
    return mixed, (1 - pasted)[:, None] * targets + pasted[:, None] * targets[perm]


def smooth_labels(y: torch.Tensor, num_classes: int, label_smoothing: float = 0.1) -> torch.Tensor:
    """Label smoothing targets ``(1 - ε) e_y + ε / K``, the ones PyTorch's loss uses.

    ``nn.CrossEntropyLoss(label_smoothing=ε)`` on labels ``y`` equals the cross-entropy
    with these soft targets. With ``K = 2`` column 1 is the smoothed binary target
    ``y (1 - ε) + ε / 2`` that :func:`lessons_lib.stacked_training.train_stack` uses.

    Args:
        y: class labels, a 1-D integer tensor.
        num_classes: number of classes ``K``, at least 2.
        label_smoothing: ``ε`` in ``[0, 1]``, the name PyTorch's losses use.
            Default: 0.1.

    Example:
        >>> smooth_labels(torch.tensor([1]), 4, 0.2)
        tensor([[0.0500, 0.8500, 0.0500, 0.0500]])
    """
    num_classes = check_int("num_classes", num_classes, low=2)
    eps = check_real("label_smoothing", label_smoothing, low=0.0, high=1.0)
    return (1 - eps) * _one_hot(y, num_classes) + eps / num_classes


def smoothed_optimal_logit(label_smoothing: float) -> float:
    """The logit that minimizes binary cross-entropy against targets smoothed by ``ε``.

    A positive example's target becomes ``1 - ε/2``; the loss is smallest where the
    predicted probability equals the target, i.e. at ``log((1 - ε/2) / (ε/2))``, a
    finite value (without smoothing the optimum is at infinity).

    Example:
        >>> round(smoothed_optimal_logit(0.2), 4)
        2.1972
    """
    eps = check_probability("label_smoothing", label_smoothing)
    if eps == 0:
        return float("inf")
    return float(torch.log(torch.tensor((1 - eps / 2) / (eps / 2))))
