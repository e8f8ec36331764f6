"""Metrics of predicted probabilities: log-loss from logits, an ensemble's, calibration.

Taught in chapter 5 (log-loss of single networks and of ensembles) and chapter 10
(reliability curves and the expected calibration error). They take the model's
*logits* or probabilities, never clamped ones: probabilities clamped away from 0 and 1
understate the loss of a confident mistake (chapter 5). Like every metric of the
course, the true labels come first. Results are Python floats.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .validation import check_1d

__all__ = [
    "ensemble_log_loss",
    "expected_calibration_error",
    "log_loss",
    "reliability_curve",
]


def _logits_and_labels(
    y_true: Any, logits: Any, member_axis: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    t = torch.as_tensor(check_1d("y_true", y_true))
    if isinstance(logits, torch.Tensor):
        z = logits.detach().cpu().double()
    else:
        z = torch.as_tensor(np.asarray(logits, dtype=float))
    lead = 1 if member_axis else 0
    shape = "(K, n) or (K, n, C)" if member_axis else "(n,) or (n, C)"
    if z.dim() not in (lead + 1, lead + 2) or z.shape[lead] != t.shape[0]:
        raise ValueError(
            f"logits must have shape {shape} with n = len(y_true) = {t.shape[0]}, "
            f"got {tuple(z.shape)}"
        )
    if member_axis and z.shape[0] == 0:
        raise ValueError("logits must hold at least one member (K >= 1), got K = 0")
    if not torch.all(torch.isfinite(z)):
        raise ValueError("logits must be finite")
    binary = z.dim() == lead + 1
    classes = 2 if binary else z.shape[-1]
    if not torch.all((t == t.round()) & (t >= 0) & (t < classes)):
        allowed = "0 or 1" if binary else f"integers in [0, {classes - 1}]"
        raise ValueError(f"y_true must hold class labels ({allowed}), got {t.tolist()[:10]}")
    return t, z


def log_loss(y_true: Any, logits: Any) -> float:
    """Mean cross-entropy (log-loss) of the true labels, computed from logits.

    Binary: ``logits`` of shape ``(n,)`` are log-odds of class 1 and the loss is
    :math:`\\frac1n\\sum_i \\operatorname{softplus}(z_i) - y_i z_i`; multiclass: ``logits``
    of shape ``(n, C)`` and ``y_true`` in ``0 … C-1``. Working with logits in float64
    (``binary_cross_entropy_with_logits``, ``cross_entropy``) keeps the loss of a
    confident mistake exact: the common recipe that clamps probabilities to
    ``[1e-7, 1 - 1e-7]`` caps every such term at about 16 and, in float32, rounds
    probabilities near 1 to exactly 1 (chapter 5).

    Args:
        y_true: true labels, shape ``(n,)``.
        logits: shape ``(n,)`` (binary) or ``(n, C)``; tensors (with or without grad)
            or arrays.

    Returns:
        The mean log-loss in nats, as a float.

    Example:
        >>> round(log_loss([1, 0], [0.0, 0.0]), 4)  # log 2
        0.6931
        >>> log_loss([1], [-40.0])  # a confident mistake costs 40 nats, not 16.1
        40.0
    """
    t, z = _logits_and_labels(y_true, logits, member_axis=False)
    if z.dim() == 1:
        return float(F.binary_cross_entropy_with_logits(z, t.double()))
    return float(F.cross_entropy(z, t.long()))


def ensemble_log_loss(y_true: Any, member_logits: Any) -> float:
    """Log-loss of the *average probability* of ``K`` ensemble members, from their logits.

    The ensemble (for example ``K`` dropout masks, chapters 5 and 10) predicts
    :math:`\\bar p = \\frac1K\\sum_k \\sigma(z_k)`; its log-loss needs
    :math:`\\log \\bar p`, computed stably as
    :math:`\\operatorname{logsumexp}_k \\log\\sigma(z_k) - \\log K` (softmax for ``C``
    classes). Averaging the logits instead would give the log-loss of a different
    predictor.

    Args:
        y_true: true labels, shape ``(n,)``.
        member_logits: shape ``(K, n)`` (binary) or ``(K, n, C)``.

    Returns:
        The mean log-loss of the averaged probabilities, as a float.

    Example:
        >>> z = torch.tensor([[3.0], [-3.0]])  # two members disagree completely
        >>> round(ensemble_log_loss([1], z), 4)  # the average probability is 1/2
        0.6931
    """
    t, z = _logits_and_labels(y_true, member_logits, member_axis=True)
    if z.dim() == 2:  # binary: log-probability of the true class for each member
        log_p = -F.softplus(torch.where(t.bool(), -z, z))
    else:
        log_p = torch.log_softmax(z, dim=-1).gather(
            -1, t.long().expand(z.shape[0], -1).unsqueeze(-1)
        )[..., 0]
    log_mean = torch.logsumexp(log_p, dim=0) - math.log(z.shape[0])
    return float(-log_mean.mean())


def reliability_curve(
    y_true: Any, probs: Any, num_bins: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean confidence, accuracy and count of the predictions in each confidence bin.

    Each prediction's *confidence* is the probability of the class it predicts, at least
    ``1/K`` with ``K`` classes, so the ``num_bins`` equal-width bins span ``[1/K, 1]``
    (``[0.5, 1]`` for two classes): no bin is empty by construction. Plotting accuracy
    against confidence gives the reliability diagram; a calibrated model lies on the
    diagonal. Empty bins are left out. Used in chapter 10.

    Args:
        y_true: integer labels ``(n,)``.
        probs: predicted class probabilities ``(n, K)``, or for two classes the
            probability of class 1, shape ``(n,)``.
        num_bins: number of confidence bins, ``>= 1``. Default: 10.

    Returns:
        ``(confidence, accuracy, count)``, one entry per non-empty bin, in order.

    Example:
        >>> conf, acc, count = reliability_curve([1, 0, 1, 1], [0.9, 0.2, 0.6, 0.4])
        >>> conf.round(2).tolist(), acc.tolist(), count.tolist()
        ([0.6, 0.8, 0.9], [0.5, 1.0, 1.0], [2, 1, 1])
    """
    if isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1:
        raise ValueError(f"num_bins must be an integer >= 1, got {num_bins!r}")
    y = check_1d("y_true", y_true).astype(int)
    if isinstance(probs, torch.Tensor):
        probs = probs.detach().cpu().numpy()
    p = np.asarray(probs, dtype=float)
    if p.ndim == 1:
        p = np.stack([1 - p, p], axis=1)
    if p.ndim != 2 or p.shape[0] != y.size or p.shape[1] < 2:
        raise ValueError(
            f"probs must have shape ({y.size},) or ({y.size}, K) with K >= 2, got {np.shape(probs)}"
        )
    if np.any(p < 0) or np.any(p > 1) or not np.all(np.isfinite(p)):
        raise ValueError("probs must be probabilities in [0, 1]")
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(float)
    low = 1 / p.shape[1]
    bins = np.clip(((confidence - low) / (1 - low) * num_bins).astype(int), 0, num_bins - 1)
    count = np.bincount(bins, minlength=num_bins)
    full = count > 0
    mean_conf = np.bincount(bins, confidence, num_bins)[full] / count[full]
    accuracy = np.bincount(bins, correct, num_bins)[full] / count[full]
    return mean_conf, accuracy, count[full]


def expected_calibration_error(y_true: Any, probs: Any, num_bins: int = 10) -> float:
    """Expected calibration error: how far confidence is from accuracy, on average.

    Each prediction's *confidence* is the probability of the class it predicts. The
    predictions are grouped into ``num_bins`` equal-width bins of confidence on
    ``[1/K, 1]`` (:func:`reliability_curve`); with ``n_b`` predictions in bin ``b``, of
    mean confidence ``conf_b`` and accuracy ``acc_b``,

    .. math:: \\mathrm{ECE} = \\sum_b (n_b / n) \\lvert \\mathrm{acc}_b - \\mathrm{conf}_b \\rvert.

    A calibrated model (among predictions made with confidence 0.8, 80 % are right)
    has an ECE near 0; an overconfident one a large ECE.

    Args:
        y_true: integer labels ``(n,)``.
        probs: predicted class probabilities ``(n, K)``, or for two classes the
            probability of class 1, shape ``(n,)``.
        num_bins: number of confidence bins, ``>= 1``. Default: 10.

    Example:
        >>> round(expected_calibration_error([1, 0, 1, 1], [0.9, 0.2, 0.6, 0.4]), 3)
        0.125
    """
    conf, acc, count = reliability_curve(y_true, probs, num_bins)
    return float(np.sum(count * np.abs(acc - conf)) / np.sum(count))
