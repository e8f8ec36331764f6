"""L1's proximal step: soft-thresholding, and its in-place form for a model (chapter 3).

A gradient step on the data loss followed by :func:`proximal_l1_step` is one proximal
gradient (ISTA) step for ``loss + lam * Σ|w|``: unlike a subgradient step on the L1
term, it sets small weights *exactly* to zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .penalties import Params, penalized
from .validation import check_non_negative, check_real

__all__ = ["proximal_l1_step", "soft_threshold"]


def soft_threshold(w: Any, threshold: float) -> Any:
    """Soft-thresholding ``sign(w) * max(|w| - threshold, 0)``: L1's proximal map (chapter 3).

    It solves :math:`\\min_x \\tfrac12 (x - w)^2 + t|x|` exactly, element by element:
    values within ``threshold`` of zero become *exactly* 0, the rest move ``threshold``
    toward zero.

    Args:
        w: a tensor or NumPy array (or a float).
        threshold: ``t >= 0``; in a proximal gradient step, ``lr * lam``.

    Returns:
        The same type as ``w``.

    Example:
        >>> soft_threshold(np.array([-3.0, -0.5, 0.2, 2.0]), 1.0)
        array([-2., -0.,  0.,  1.])
    """
    threshold = check_non_negative("threshold", threshold)
    if isinstance(w, torch.Tensor):
        return torch.sign(w) * torch.clamp(w.abs() - threshold, min=0.0)
    arr = np.asarray(w, dtype=float)
    out = np.sign(arr) * np.maximum(np.abs(arr) - threshold, 0.0)
    return out if isinstance(w, np.ndarray) else float(out)


@torch.no_grad()
def proximal_l1_step(params: Params, lr: float, lam: float, include_bias: bool = False) -> None:
    """Apply the L1 proximal map in place: ``w ← soft_threshold(w, lr * lam)`` (chapter 3).

    Call it right after ``optimizer.step()`` on the *data* loss (without the L1 term):
    together the two form one proximal gradient (ISTA) step for ``loss + lam * Σ|w|``.

    Args:
        params: an ``nn.Module`` or an iterable of tensors (see
            :func:`~lessons_lib.penalties.split_weights`).
        lr: the step size ``η > 0`` used by the optimizer.
        lam: L1 strength ``λ >= 0``.
        include_bias: also shrink biases. Default: ``False``.

    Example:
        >>> w = torch.tensor([[0.05, -0.3]])
        >>> proximal_l1_step([w], lr=0.1, lam=1.0)
        >>> w
        tensor([[ 0.0000, -0.2000]])
    """
    lr = check_real("lr", lr, low=0.0, low_inclusive=False)
    lam = check_non_negative("lam", lam)
    for t in penalized(params, include_bias):
        t.copy_(soft_threshold(t, lr * lam))
