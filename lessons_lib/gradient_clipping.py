"""Gradient clipping by the joint norm of all gradients, on plain tensors (chapter 10)."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .validation import check_real

__all__ = ["clip_by_total_norm"]


def clip_by_total_norm(grads: Sequence[torch.Tensor], max_norm: float) -> list[torch.Tensor]:
    """Scale gradients by one common factor so that their joint norm is at most ``max_norm``.

    The same rule as :func:`torch.nn.utils.clip_grad_norm_` (including its ``1e-6``
    guard), but on plain tensors and without modifying them: the norm is taken over all
    entries of all tensors together, and gradients already inside the ball come back
    unchanged (clipping never scales up).

    Args:
        grads: gradient tensors of any shapes.
        max_norm: the largest joint norm allowed, positive.

    Returns:
        New tensors, in the order of ``grads``.

    Example:
        >>> clip_by_total_norm([torch.tensor([3.0]), torch.tensor([4.0])], 1.0)
        [tensor([0.6000]), tensor([0.8000])]
    """
    max_norm = check_real("max_norm", max_norm, low=0.0, low_inclusive=False)
    grads = list(grads)
    if not grads or not all(isinstance(g, torch.Tensor) for g in grads):
        raise TypeError("grads must be a non-empty sequence of torch.Tensor")
    total = torch.stack([g.detach().double().pow(2).sum() for g in grads]).sum().sqrt()
    factor = min(1.0, max_norm / (float(total) + 1e-6))
    return [g * factor for g in grads]
