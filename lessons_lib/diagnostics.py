"""Name the regime of a training run from its learning curves.

Taught in chapter 9. :func:`diagnose` reads a :class:`~lessons_lib.training.History`
and returns a :class:`Diagnosis`: underfitting, good fit or overfitting, with the
reasons and the epoch after which the validation loss started rising. The thresholds
are explicit arguments: they are judgement calls that depend on the problem, and the
chapter discusses how to set them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .training import History
from .validation import check_real

REGIMES = ("underfitting", "good fit", "overfitting")


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` concluded about a run.

    Attributes:
        regime: ``"underfitting"``, ``"good fit"`` or ``"overfitting"``.
        reasons: one sentence per observation that led to the verdict.
        best_epoch: 1-based epoch of the lowest validation loss.
        rising_since: the epoch after which the validation loss rose by more than the
            tolerance (``best_epoch``), or ``None`` if it did not rise.
        gap: final training accuracy minus final validation accuracy (``nan`` without
            accuracies, e.g. for regression).
    """

    regime: str
    reasons: list[str] = field(default_factory=list)
    best_epoch: int = 0
    rising_since: int | None = None
    gap: float = math.nan

    def __str__(self) -> str:
        return f"{self.regime}: " + "; ".join(self.reasons)


def diagnose(
    history: History,
    min_train_acc: float = 0.9,
    max_gap: float = 0.05,
    rise_tol: float = 0.05,
) -> Diagnosis:
    """Name the regime of a run: underfitting, good fit or overfitting.

    The rules, checked in this order:

    1. **Overfitting** if the final validation loss exceeds its minimum by more than a
       relative ``rise_tol`` while the training loss kept falling after that minimum
       (the validation loss "started rising" after ``best_epoch``).
    2. **Underfitting** if the final training accuracy is below ``min_train_acc``: the
       model does not even fit the data it is trained on (too little capacity, too
       strong a penalty, too few epochs). Set it below the best accuracy the labels
       allow: with 30 % wrong labels, a model that learned the truth scores about 0.7.
    3. **Overfitting** if the final accuracy gap ``train_acc - val_acc`` exceeds
       ``max_gap``. The gap compares accuracy on the training labels with accuracy on
       the validation labels, so its zero point assumes both are equally clean. With
       a share of wrong training labels and clean validation labels, a model that
       learned only the truth scores lower on the training labels than on the
       validation ones: its gap is negative, and a matching ``max_gap`` is lower,
       possibly below 0.
    4. Otherwise a **good fit**.

    Regression histories (accuracies are ``nan``) are judged by the loss rule only.

    Args:
        history: a run with validation metrics.
        min_train_acc: training accuracy a model must reach to fit the data, in
            ``[0, 1]``. Default: 0.9.
        max_gap: largest acceptable final train-minus-validation accuracy, in
            ``[-1, 1]``. Default: 0.05, for training and validation labels of the same
            quality.
        rise_tol: relative rise of the validation loss above its minimum that counts as
            rising, ``>= 0``. Default: 0.05 (5 %).

    Returns:
        A :class:`Diagnosis`.

    Example:
        >>> h = History(train_loss=[1.0, 0.5, 0.2, 0.1], val_loss=[1.0, 0.6, 0.7, 0.9],
        ...             train_acc=[0.6, 0.8, 0.95, 1.0], val_acc=[0.6, 0.75, 0.74, 0.7])
        >>> d = diagnose(h)
        >>> d.regime, d.rising_since
        ('overfitting', 2)
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a History, got {type(history).__name__}")
    if not history.val_loss:
        raise ValueError("history has no validation metrics: pass X_val and y_val to train()")
    min_train_acc = check_real("min_train_acc", min_train_acc, low=0.0, high=1.0)
    max_gap = check_real("max_gap", max_gap, low=-1.0, high=1.0)
    rise_tol = check_real("rise_tol", rise_tol, low=0.0)

    val_loss = np.asarray(history.val_loss, dtype=float)
    train_loss = np.asarray(history.train_loss, dtype=float)
    best = int(np.nanargmin(val_loss))
    v_min, v_end = val_loss[best], val_loss[-1]
    rose = v_end > v_min + rise_tol * abs(v_min) and train_loss[-1] < train_loss[best]
    has_acc = bool(history.train_acc) and math.isfinite(history.train_acc[-1])
    gap = history.train_acc[-1] - history.val_acc[-1] if has_acc else math.nan

    reasons: list[str] = []
    if rose:
        reasons.append(
            f"validation loss rose from {v_min:.3g} (epoch {best + 1}) to {v_end:.3g} "
            f"while training loss fell from {train_loss[best]:.3g} to {train_loss[-1]:.3g}"
        )
        if has_acc and gap > max_gap:
            reasons.append(f"train-validation accuracy gap {gap:.3f} > {max_gap}")
        return Diagnosis("overfitting", reasons, best + 1, best + 1, gap)
    if has_acc and history.train_acc[-1] < min_train_acc:
        reasons.append(
            f"training accuracy {history.train_acc[-1]:.3f} < {min_train_acc}: the model "
            "does not fit its own training data"
        )
        if best == len(val_loss) - 1:
            reasons.append("validation loss was still falling at the last epoch")
        return Diagnosis("underfitting", reasons, best + 1, None, gap)
    if has_acc and gap > max_gap:
        reasons.append(f"train-validation accuracy gap {gap:.3f} > {max_gap}")
        return Diagnosis("overfitting", reasons, best + 1, None, gap)
    reasons.append(
        f"training accuracy {history.train_acc[-1]:.3f} >= {min_train_acc}, gap "
        f"{gap:.3f} <= {max_gap} and validation loss did not rise"
        if has_acc
        else "validation loss did not rise"
    )
    return Diagnosis("good fit", reasons, best + 1, None, gap)
