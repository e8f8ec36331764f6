"""Checks for chapter 3, *L1, L2 and elastic net*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..penalties import soft_threshold
from .feedback import Feedback, as_array, call_learner


def check_penalty_gradient(fn: Callable[[np.ndarray, float, float], np.ndarray]) -> Feedback:
    """Check a learner's ``penalty_gradient(w, lam1, lam2)``.

    Expected: ``lam1 * sign(w) + 2 * lam2 * w``, the gradient autograd computes for
    ``lam1 * Σ|w| + lam2 * Σw²`` (subgradient 0 for the L1 part at ``w = 0``).

    Example:
        >>> check_penalty_gradient(lambda w, a, b: a * np.sign(w) + 2 * b * w).passed
        True
        >>> check_penalty_gradient(lambda w, a, b: a * np.sign(w) + b * w).passed
        False
    """
    name = "elastic-net gradient"
    w = np.array([1.5, -0.4, 0.0, 2.0, -3.0, 0.0])
    lam1, lam2 = 0.3, 0.7
    got, problem = call_learner(name, fn, w.copy(), lam1, lam2)
    if problem is not None:
        return problem
    got, problem = as_array(name, got, w.shape)
    if problem is not None:
        return problem
    t = torch.tensor(w, requires_grad=True)
    (lam1 * t.abs().sum() + lam2 * (t**2).sum()).backward()
    want = t.grad.numpy()
    if np.allclose(got, want):
        return Feedback(name, True, "matches autograd, including the subgradient 0 at w = 0.")
    zero = w == 0
    if np.allclose(got[~zero], want[~zero]):
        at_zero = got[zero]
        if np.all(np.abs(at_zero) <= lam1 + 1e-12):
            why = (
                f"at w = 0 you return {at_zero.tolist()}: that is a valid subgradient, but this "
                "exercise asks for 0 (the choice np.sign and autograd make). Use np.sign(w)."
            )
        else:
            why = (
                f"at w = 0 you return {at_zero.tolist()}, outside the subgradient "
                "interval [-λ₁, λ₁]."
            )
        return Feedback(name, False, why)
    if np.allclose(got, lam1 * np.sign(w) + lam2 * w):
        why = "the factor 2 of the square is missing: d/dw of λ₂w² is 2λ₂w."
    elif np.allclose(got, lam1 * np.sign(w) + 4 * lam2 * w):
        why = "the L2 part is twice too large: d/dw of λ₂w² is 2λ₂w."
    elif np.allclose(got, lam1 * w + 2 * lam2 * w):
        why = "the L1 part is λ₁·sign(w), not λ₁·w: |w| has slope ±1."
    elif np.allclose(got, -want):
        why = "the sign is flipped: the gradient points away from zero."
    elif np.allclose(got, 2 * lam2 * w):
        why = "the L1 part λ₁·sign(w) is missing."
    elif np.allclose(got, lam1 * np.sign(w)):
        why = "the L2 part 2λ₂w is missing."
    else:
        why = "expected λ₁·sign(w) + 2λ₂·w element by element."
    return Feedback(name, False, why)


def check_soft_threshold(fn: Callable[[np.ndarray, float], np.ndarray]) -> Feedback:
    """Check a learner's ``soft_threshold(v, t) = sign(v) * max(|v| - t, 0)``.

    Example:
        >>> check_soft_threshold(soft_threshold).passed
        True
        >>> check_soft_threshold(lambda v, t: np.where(np.abs(v) > t, v, 0.0)).passed
        False
    """
    name = "soft-thresholding"
    v = np.array([-2.0, -0.3, 0.0, 0.05, 0.5, 1.7, -0.5])
    for t in (0.5, 0.0, 3.0):
        got, problem = call_learner(name, fn, v.copy(), t)
        if problem is not None:
            return problem
        got, problem = as_array(name, got, v.shape)
        if problem is not None:
            return problem
        want = soft_threshold(v, t)
        if np.allclose(got, want, rtol=0, atol=1e-12):
            continue
        if np.allclose(got, np.where(np.abs(v) > t, v, 0.0)):
            why = (
                "that is hard thresholding: values outside [-t, t] must also move t towards "
                "zero (sign(v)·(|v| − t))."
            )
        elif np.allclose(got, v - t * np.sign(v)):
            why = (
                "small values cross zero: clip at zero with max(|v| − t, 0), or they flip sign "
                "(that is the subgradient step again)."
            )
        elif np.allclose(got, np.maximum(v - t, 0.0)):
            why = "negative values must shrink towards zero too: use sign(v)·max(|v| − t, 0)."
        elif np.allclose(np.abs(got), np.abs(want)):
            why = "the sizes are right but some signs are wrong: keep the sign of v."
        else:
            why = f"for t = {t} expected {want.tolist()}, got {got.tolist()}."
        return Feedback(name, False, why)
    return Feedback(
        name, True, "exact zeros inside [-t, t], a shift by t outside, for t = 0.5, 0, 3."
    )
