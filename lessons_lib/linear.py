"""Linear models on polynomial features, solved in closed form.

Taught in chapter 1 (capacity sweep, bias and variance) and reused in chapter 3
(ridge regression). Everything is NumPy float64: these are exact references.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_int, check_non_negative


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
