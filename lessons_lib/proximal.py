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
from .validation import check_int, check_non_negative, check_real

__all__ = ["elastic_net_path", "proximal_l1_step", "soft_threshold"]


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


def elastic_net_path(
    gram: np.ndarray,
    xty: np.ndarray,
    alphas: Any,
    l1_ratio: float = 1.0,
    tol: float = 1e-12,
    max_steps: int = 200_000,
) -> np.ndarray:
    """Lasso / elastic-net weights for every strength in ``alphas``, by ISTA (chapter 3).

    Minimizes scikit-learn's ``ElasticNet`` objective (``Lasso`` for ``l1_ratio=1``,
    no intercept)

    .. math:: \\tfrac{1}{2n}\\lVert y - Xw\\rVert^2 + \\alpha\\rho\\lVert w\\rVert_1
              + \\tfrac{\\alpha(1-\\rho)}{2}\\lVert w\\rVert^2,

    which depends on the data only through ``gram = XᵀX / n`` and ``xty = Xᵀy / n``,
    so problems with different ``n`` can be stacked. Accelerated proximal gradient (FISTA)
    steps of size ``1/L`` (``L`` the largest curvature) run until no weight moves by more than
    ``tol`` in a step; the soft-thresholding makes the zeros exact.

    Args:
        gram: ``XᵀX / n``, shape ``(..., p, p)``.
        xty: ``Xᵀy / n``, shape ``(..., p)``.
        alphas: one strength ``α >= 0`` or a 1-D sequence of them.
        l1_ratio: ``ρ`` in ``[0, 1]``. Default: 1 (the lasso).
        tol: stop when the largest change of a weight in one step is below it.
            Default: ``1e-12``.
        max_steps: at most this many steps. Default: ``200_000``.

    Returns:
        Weights of shape ``(..., p, k)`` for ``k`` strengths (``(..., p)`` for one).

    Raises:
        ValueError: on mismatched shapes or out-of-range arguments.
        RuntimeError: if ``max_steps`` steps do not reach ``tol``.

    Example:
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> y = np.array([2.0, 0.1, 2.1])
        >>> elastic_net_path(X.T @ X / 3, X.T @ y / 3, [0.0, 0.2]).round(3)
        array([[2.  , 1.75],
               [0.1 , 0.  ]])
    """
    gram = np.asarray(gram, dtype=float)
    xty = np.asarray(xty, dtype=float)
    if gram.ndim < 2 or gram.shape[-1] != gram.shape[-2] or gram.shape[:-1] != xty.shape:
        raise ValueError(
            f"gram must have shape (..., p, p) and xty shape (..., p), got {gram.shape} "
            f"and {xty.shape}"
        )
    single = np.ndim(alphas) == 0
    alpha = np.atleast_1d(np.asarray(alphas, dtype=float))
    if alpha.ndim != 1 or alpha.size == 0 or not np.all(alpha >= 0):
        raise ValueError(f"alphas must be one or more numbers >= 0, got {alphas!r}")
    rho = check_real("l1_ratio", l1_ratio, low=0.0, high=1.0)
    tol = check_real("tol", tol, low=0.0, low_inclusive=False)
    max_steps = check_int("max_steps", max_steps, low=1)
    l2 = alpha * (1 - rho)
    curvature = np.linalg.eigvalsh(gram)[..., -1][..., None, None] + l2  # (..., 1, k)
    step, threshold = 1 / curvature, alpha * rho / curvature
    b = xty[..., None]
    w = z = np.zeros((*xty.shape, alpha.size))
    momentum = np.ones(curvature.shape)
    for _ in range(max_steps):  # FISTA: a proximal step from an extrapolated point
        v = z - step * (gram @ z - b + l2 * z)
        w_new = np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)
        change = np.abs(w_new - w).max()
        if change < tol:
            return w_new[..., 0] if single else w_new
        # restart the momentum of a problem whose step turned against its last move
        uphill = ((z - w_new) * (w_new - w)).sum(axis=-2, keepdims=True) > 0
        momentum = np.where(uphill, 1.0, momentum)
        next_momentum = (1 + np.sqrt(1 + 4 * momentum**2)) / 2
        z = w_new + (momentum - 1) / next_momentum * (w_new - w)
        w, momentum = w_new, next_momentum
    raise RuntimeError(
        f"elastic_net_path did not reach tol={tol:g} in max_steps={max_steps} steps "
        f"(last change {change:.1e}); raise max_steps or tol"
    )
