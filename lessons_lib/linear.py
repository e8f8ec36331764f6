"""Linear models on polynomial features, solved in closed form.

Taught in chapter 1 (capacity sweep, bias and variance) and reused in chapter 3
(ridge regression). Everything is NumPy float64: these are exact references.
"""

from __future__ import annotations

import numpy as np

from .validation import check_int, check_non_negative


def polynomial_features(x: np.ndarray, degree: int) -> np.ndarray:
    """Map scalars to their powers ``[1, x, x², …, x^degree]``.

    Args:
        x: inputs of shape ``(n,)``.
        degree: highest power, ``>= 0``.

    Returns:
        The design matrix ``Φ`` of shape ``(n, degree + 1)``; column ``j`` is ``x**j``.

    Example:
        >>> polynomial_features(np.array([2.0, 3.0]), 2)
        array([[1., 2., 4.],
               [1., 3., 9.]])
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D of shape (n,), got shape {x.shape}")
    degree = check_int("degree", degree, low=0)
    return x[:, None] ** np.arange(degree + 1)


def ridge_fit(
    Phi: np.ndarray, y: np.ndarray, lam: float = 0.0, penalize_intercept: bool = False
) -> np.ndarray:
    """Least squares with an L2 penalty, solved exactly.

    Minimizes

    .. math:: \\lVert y - \\Phi w \\rVert^2 + \\lambda \\sum_{j \\ge j_0} w_j^2,

    with ``j_0 = 1`` (the intercept column 0 is not penalized) unless
    ``penalize_intercept``. The minimizer is ``w = (ΦᵀΦ + λD)⁻¹ Φᵀ y`` with ``D`` the
    identity (or the identity with ``D[0, 0] = 0``). With ``lam = 0`` this is ordinary
    least squares, computed with ``lstsq`` so that it also works when ``ΦᵀΦ`` is singular.

    Args:
        Phi: design matrix of shape ``(n, p)``.
        y: targets of shape ``(n,)``.
        lam: penalty strength ``λ >= 0``. Default: 0.
        penalize_intercept: also shrink column 0. Default: ``False``.

    Returns:
        Weights of shape ``(p,)``.

    Example:
        >>> Phi = polynomial_features(np.array([0.0, 1.0, 2.0]), 1)
        >>> ridge_fit(Phi, np.array([1.0, 3.0, 5.0])).round(6)
        array([1., 2.])
    """
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.ndim != 1 or len(Phi) != len(y):
        raise ValueError(
            f"Phi must have shape (n, p) and y shape (n,), got {Phi.shape} and {y.shape}"
        )
    lam = check_non_negative("lam", lam)
    if lam == 0.0:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]
    D = np.eye(Phi.shape[1])
    if not penalize_intercept:
        D[0, 0] = 0.0
    return np.linalg.solve(Phi.T @ Phi + lam * D, Phi.T @ y)


def ridge_fit_batch(
    Phi: np.ndarray,
    Y: np.ndarray,
    lams: np.ndarray,
    penalize_intercept: bool = False,
) -> np.ndarray:
    """Ridge solutions for many training sets and many penalties at once.

    Solves the problem of :func:`ridge_fit` for every training set ``s`` and every
    ``λ`` in ``lams``: ``w[l, s] = (Φ_sᵀΦ_s + λ_l D)⁻¹ Φ_sᵀ y_s``. The Gram matrices
    ``Φ_sᵀΦ_s`` and ``Φ_sᵀy_s`` are formed once, then NumPy solves the whole batch of
    small ``p × p`` systems in one call. Chapter 1 uses it for the bias-variance curve
    (200 training sets × 22 penalties: the figure's 21 and ``1e-8``).

    Args:
        Phi: design matrices of shape ``(S, n, p)``, one per training set.
        Y: targets of shape ``(S, n)``.
        lams: penalty strengths ``λ > 0``, shape ``(L,)``.
        penalize_intercept: also shrink column 0. Default: ``False``.

    Returns:
        Weights of shape ``(L, S, p)``.

    Example:
        >>> Phi = np.stack([polynomial_features(np.array([0.0, 1.0, 2.0]), 1)] * 2)
        >>> W = ridge_fit_batch(Phi, np.array([[1.0, 3.0, 5.0], [0.0, 0.0, 0.0]]), [1e-9])
        >>> W.shape, W[0, 0].round(6).tolist()
        ((1, 2, 2), [1.0, 2.0])
    """
    Phi = np.asarray(Phi, dtype=float)
    Y = np.asarray(Y, dtype=float)
    lams = np.atleast_1d(np.asarray(lams, dtype=float))
    if Phi.ndim != 3 or Y.ndim != 2 or Phi.shape[:2] != Y.shape:
        raise ValueError(
            f"Phi must have shape (S, n, p) and Y shape (S, n), got {Phi.shape} and {Y.shape}"
        )
    if lams.ndim != 1 or not np.all(np.isfinite(lams)) or np.any(lams <= 0):
        raise ValueError(f"lams must be a 1-D array of positive numbers, got {lams.tolist()}")
    D = np.eye(Phi.shape[2])
    if not penalize_intercept:
        D[0, 0] = 0.0
    A = np.swapaxes(Phi, 1, 2) @ Phi  # (S, p, p): Φᵀ Φ
    b = np.einsum("snp,sn->sp", Phi, Y)  # (S, p): Φᵀ y
    systems = A[None] + lams[:, None, None, None] * D  # (L, S, p, p)
    rhs = np.broadcast_to(b[None, ..., None], (*systems.shape[:-1], 1))
    return np.linalg.solve(systems, rhs)[..., 0]
