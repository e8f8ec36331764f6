"""Norms for chapter 10's clipping check: the joint norm, and naming a norm mixed up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from .exercise import Case


def total_norm(grads: Sequence[torch.Tensor]) -> float:
    """The Euclidean norm of all gradients together."""
    return float(torch.stack([g.double().pow(2).sum() for g in grads]).sum().sqrt())


def clip_fallback(value: Any, case: Case) -> str:
    """Name the norm the answer's common factor implies, when it is another usual one."""
    grads, c = case.args
    flat = torch.cat([g.double().flatten() for g in grads]).numpy()
    got = np.concatenate([np.ravel(v) for v in value]) if len(value) == len(grads) else None
    text = (
        f"the gradients' joint norm is {total_norm(grads):.3g}: after clipping it should be "
        f"min(norm, max_norm={c}), every entry scaled by the same factor."
    )
    if got is None or got.shape != flat.shape or not np.any(got):
        return text
    factor = float(np.vdot(got, flat) / np.vdot(flat, flat))
    if not np.allclose(got, factor * flat, rtol=1e-4, atol=1e-9) or factor >= 1:
        return text
    for name, norm in (
        ("the L1 norm (the sum of absolute values)", np.abs(flat).sum()),
        ("the largest absolute entry (the max norm)", np.abs(flat).max()),
        ("the squared norm, without the square root", (flat**2).sum()),
    ):
        if np.isclose(factor, c / norm, rtol=1e-3):
            return f"you measured the norm as {name}; use the Euclidean (L2) norm. " + text
    return text
