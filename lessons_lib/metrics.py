"""Classification and regression metrics, computed from scratch.

Taught in chapter 9, where each function is checked against ``sklearn.metrics``. Inputs
may be NumPy arrays, torch tensors or lists; results are Python floats.

Every metric takes ``(y_true, y_pred)``, scikit-learn's order; classification metrics
take true and predicted *labels* (the metrics of predicted probabilities, log-loss and
calibration, are in :mod:`lessons_lib.probability_metrics`). Precision, recall and F1 are
about one class, the positive one (``pos_label``), or (``average="macro"``) the
unweighted mean of the per-class values. A ratio whose denominator is zero (e.g.
precision when nothing is predicted positive) is defined as 0, as scikit-learn does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import check_1d, check_choice, check_consistent_length

AVERAGES = ("binary", "macro")


def _pair(
    first: Any, second: Any, names: tuple[str, str] = ("y_true", "y_pred")
) -> tuple[np.ndarray, np.ndarray]:
    a, b = check_1d(names[0], first), check_1d(names[1], second)
    check_consistent_length(**{names[0]: a, names[1]: b})
    return a, b


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else 0.0


def confusion_counts(y_true: Any, y_pred: Any, pos_label: Any = 1) -> tuple[int, int, int, int]:
    """Counts ``(tp, fp, fn, tn)`` for the class ``pos_label`` against all others.

    Example:
        >>> confusion_counts([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])
        (1, 1, 1, 2)
    """
    t, p = _pair(y_true, y_pred)
    pos_t, pos_p = t == pos_label, p == pos_label
    tp = int(np.sum(pos_t & pos_p))
    fp = int(np.sum(~pos_t & pos_p))
    fn = int(np.sum(pos_t & ~pos_p))
    tn = int(np.sum(~pos_t & ~pos_p))
    return tp, fp, fn, tn


def accuracy(y_true: Any, y_pred: Any) -> float:
    """Share of predictions equal to the true label, :math:`\\frac1n\\sum_i [\\hat y_i = y_i]`.

    Example:
        >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
        0.75
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(t == p))


def _per_class(y_true: Any, y_pred: Any, average: str, pos_label: Any, which: str) -> float:
    average = check_choice("average", average, AVERAGES)
    t, p = _pair(y_true, y_pred)
    labels = [pos_label] if average == "binary" else np.union1d(t, p)
    values = []
    for c in labels:
        tp, fp, fn, _ = confusion_counts(t, p, c)
        prec, rec = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        values.append(
            {"precision": prec, "recall": rec, "f1": _ratio(2 * tp, 2 * tp + fp + fn)}[which]
        )
    return float(np.mean(values))


def precision(y_true: Any, y_pred: Any, average: str = "binary", pos_label: Any = 1) -> float:
    """Of the examples predicted positive, the share that are positive: ``tp / (tp + fp)``.

    Args:
        y_true, y_pred: true and predicted labels, shape ``(n,)``.
        average: ``"binary"`` (class ``pos_label`` only) or ``"macro"`` (mean over every
            class present in either array). Default: ``"binary"``.
        pos_label: the positive class for ``average="binary"``. Default: 1.

    Example:
        >>> precision([1, 1, 0, 0], [1, 1, 1, 0])
        0.6666666666666666
    """
    return _per_class(y_true, y_pred, average, pos_label, "precision")


def recall(y_true: Any, y_pred: Any, average: str = "binary", pos_label: Any = 1) -> float:
    """Of the positive examples, the share predicted positive: ``tp / (tp + fn)``.

    Arguments as for :func:`precision`.

    Example:
        >>> recall([1, 1, 0, 0], [1, 0, 0, 0])
        0.5
    """
    return _per_class(y_true, y_pred, average, pos_label, "recall")


def f1_score(y_true: Any, y_pred: Any, average: str = "binary", pos_label: Any = 1) -> float:
    """Harmonic mean of precision and recall, ``2 tp / (2 tp + fp + fn)``.

    The form with counts equals :math:`2PR/(P + R)` whenever that is defined and is 0
    when there are no true positives. Arguments as for :func:`precision`.

    Example:
        >>> f1_score([1, 1, 0, 0], [1, 0, 1, 0])
        0.5
        >>> f1_score([1, 0, 0, 0], [0, 0, 0, 0])  # "always negative": 75 % accurate, F1 = 0
        0.0
    """
    return _per_class(y_true, y_pred, average, pos_label, "f1")


def _regression_pair(
    first: Any, second: Any, names: tuple[str, str] = ("y_true", "y_pred")
) -> tuple[np.ndarray, np.ndarray]:
    a, b = _pair(first, second, names)
    return a.astype(float), b.astype(float)


def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error :math:`\\frac1n\\sum_i (\\hat y_i - y_i)^2`, the course's one MSE.

    Targets first, predictions second, like every metric of the course and
    scikit-learn's ``mean_squared_error(y_true, y_pred)`` (the value is symmetric, so
    the order never changes the number, only what a reader expects). Used from
    chapter 1 (polynomial fits) on.

    Args:
        y_true: targets, shape ``(n,)``.
        y_pred: predictions, shape ``(n,)``.

    Example:
        >>> mse([1.0, 2.0], [1.0, 4.0])
        2.0
    """
    t, p = _regression_pair(y_true, y_pred)
    return float(np.mean((p - t) ** 2))


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """:math:`\\frac1n\\sum_i |\\hat y_i - y_i|`.

    Example:
        >>> mean_absolute_error([1.0, 2.0], [1.0, 4.0])
        1.0
    """
    t, p = _regression_pair(y_true, y_pred)
    return float(np.mean(np.abs(p - t)))


def r2_score(y_true: Any, y_pred: Any) -> float:
    """Coefficient of determination, the share of the targets' variance a model explains.

    .. math:: R^2 = 1 - \\frac{\\sum_i (y_i - \\hat y_i)^2}{\\sum_i (y_i - \\bar y)^2}.

    1 is a perfect fit, 0 is no better than predicting the mean :math:`\\bar y` of the
    targets, and it is negative for worse predictions. When the targets are constant the
    ratio is undefined; as in scikit-learn the result is then 1 for a perfect prediction
    and 0 otherwise.

    Example:
        >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
        1.0
        >>> r2_score([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
        0.0
    """
    t, p = _regression_pair(y_true, y_pred)
    ss_res = float(np.sum((t - p) ** 2))
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot
