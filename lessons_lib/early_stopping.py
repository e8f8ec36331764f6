"""Early stopping: watch a validation metric, stop when it stops improving.

Taught in chapter 7. :class:`EarlyStopping` is a :class:`~lessons_lib.training.Callback`
for :func:`~lessons_lib.training.train`; its decision rule is also available on its own
(:meth:`EarlyStopping.step`, :func:`stopping_epoch`) so that it can be tested on crafted
sequences and replayed on a finished run without training again.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from torch import nn

from .training import Callback, History
from .validation import check_choice, check_int, check_non_negative

MONITORS = ("val_loss", "val_acc", "train_loss", "train_acc")
MODES = ("min", "max")


class EarlyStopping(Callback):
    """Stop training when a monitored metric has not improved for ``patience`` epochs.

    After every epoch the callback reads the newest value of ``monitor`` from the
    history. The value is an *improvement* if it beats the reference ``best``, the value
    of the last improvement, by more than ``min_delta``:

    .. math::
        v_t < v_{\\text{best}} - \\delta \\ (\\text{mode min}), \\qquad
        v_t > v_{\\text{best}} + \\delta \\ (\\text{mode max}).

    A tie is not an improvement, and a smaller gain does not move the reference, so with
    ``min_delta > 0`` the reference can sit above the lowest value seen. Each epoch
    without improvement increases a counter ``wait``; an improvement resets it to 0.
    Training stops at the end of the epoch at which ``wait`` reaches
    ``max(patience, 1)``, i.e. ``patience`` epochs after the last improvement (the first
    non-improving epoch when ``patience`` is 0 or 1, as in Keras). A value that is not
    finite (NaN or infinity) stops training at once: nothing after a diverged step can
    be trusted.

    With ``restore_best_weights=True`` a copy of the model's ``state_dict`` is kept at
    every improvement and loaded back when training ends (early stop or not), so the
    model returned is the one of the best epoch.

    Args:
        monitor: ``"val_loss"``, ``"val_acc"``, ``"train_loss"`` or ``"train_acc"``.
            Default: ``"val_loss"``.
        patience: epochs without improvement to tolerate, ``>= 0``. Default: 5.
        min_delta: smallest change that counts as an improvement, ``>= 0``. Default: 0.
        mode: ``"min"`` (losses) or ``"max"`` (accuracies). Default: ``"min"``.
        restore_best_weights: load the weights of the last improvement at the end.
            Default: ``True``.

    Attributes:
        best: the value of the last improvement, the reference for the next one (the
            best value seen when ``min_delta`` is 0; ``inf``/``-inf`` before the first
            epoch).
        best_epoch: 1-based epoch of the last improvement (0 before the first one).
        wait: epochs since the last improvement.
        stopped_epoch: epoch at which this callback stopped training, else ``None``.

    Note:
        Early stopping selects an epoch with the validation data, so the validation
        score of the restored model is optimistic: report a separate test set.

    Example:
        >>> es = EarlyStopping(patience=2)
        >>> [es.step(v) for v in [1.0, 0.8, 0.9, 0.8]]
        [False, False, False, True]
        >>> es.best_epoch, es.best
        (2, 0.8)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "min",
        restore_best_weights: bool = True,
    ) -> None:
        self.monitor = check_choice("monitor", monitor, MONITORS)
        self.patience = check_int("patience", patience, low=0)
        self.min_delta = check_non_negative("min_delta", min_delta)
        self.mode = check_choice("mode", mode, MODES)
        if not isinstance(restore_best_weights, bool):
            raise TypeError(
                f"restore_best_weights must be a bool, got {restore_best_weights!r} "
                f"of type {type(restore_best_weights).__name__}"
            )
        self.restore_best_weights = restore_best_weights
        self.best_state: dict | None = None
        self.reset()

    def reset(self) -> None:
        """Forget everything seen so far (called at the start of every run)."""
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = 0
        self.wait = 0
        self.epoch = 0
        self.stopped_epoch: int | None = None
        self.best_state = None

    def is_improvement(self, value: float) -> bool:
        """Whether ``value`` beats the reference ``best`` by more than ``min_delta``."""
        if math.isnan(value):
            return False
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value: float) -> bool:
        """Record one epoch's value; return ``True`` if training should stop now."""
        value = float(value)
        self.epoch += 1
        if not math.isfinite(value):
            self.stopped_epoch = self.epoch
            return True
        if self.is_improvement(value):
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            return False
        self.wait += 1
        if self.wait >= max(self.patience, 1):
            self.stopped_epoch = self.epoch
            return True
        return False

    # --- Callback hooks ------------------------------------------------------------------

    def on_train_begin(self, model: nn.Module, history: History) -> None:
        self.reset()

    def on_epoch_end(self, epoch: int, model: nn.Module, history: History) -> bool:
        values = getattr(history, self.monitor)
        if not values:
            raise ValueError(
                f"monitor={self.monitor!r} has no values: pass X_val and y_val to train()"
            )
        stop = self.step(values[-1])
        if self.restore_best_weights and self.best_epoch == self.epoch:
            self.best_state = copy.deepcopy(model.state_dict())
        return stop

    def on_train_end(self, model: nn.Module, history: History) -> None:
        if self.restore_best_weights and self.best_state is not None:
            model.load_state_dict(self.best_state)
        history.notes["best_epoch"] = self.best_epoch
        history.notes["best_value"] = self.best
        history.notes["restored"] = self.restore_best_weights and self.best_state is not None


def stopping_epoch(
    values: Sequence[float], patience: int = 5, min_delta: float = 0.0, mode: str = "min"
) -> tuple[int, int]:
    """Replay :class:`EarlyStopping` on a recorded sequence of metric values.

    Because stopping only truncates a run, the epoch at which a run with patience
    ``patience`` would have stopped can be read off one long run.

    Args:
        values: the monitored metric, one value per epoch.
        patience, min_delta, mode: as for :class:`EarlyStopping`.

    Returns:
        ``(stop, best)``: the 1-based epoch at which training stops (the last epoch if
        the rule never fires) and the 1-based best epoch up to then.

    Example:
        >>> stopping_epoch([3.0, 2.0, 2.5, 2.4, 2.6, 1.0], patience=3)
        (5, 2)
        >>> stopping_epoch([3.0, 2.0, 2.5, 2.4, 2.6, 1.0], patience=4)
        (6, 6)
    """
    values = [float(v) for v in values]
    if not values:
        raise ValueError("values must contain at least one value, got an empty sequence")
    es = EarlyStopping(patience=patience, min_delta=min_delta, mode=mode)
    for v in values:
        if es.step(v):
            break
    return es.epoch, es.best_epoch


def trigger_epoch(
    values: Sequence[float], patience: int = 5, min_delta: float = 0.0, mode: str = "min"
) -> int | None:
    """The 1-based epoch at which :class:`EarlyStopping` fires, or ``None`` if it never does.

    Unlike :func:`stopping_epoch`, which returns the last epoch when the rule never fires,
    this tells "stopped on the last epoch" and "never stopped" apart.

    Args:
        values: the monitored metric, one value per epoch.
        patience, min_delta, mode: as for :class:`EarlyStopping` (``min_delta`` is an
            absolute margin).

    Example:
        >>> trigger_epoch([3.0, 2.0, 2.5, 2.4, 2.6], patience=3)
        5
        >>> trigger_epoch([3.0, 2.0, 1.0], patience=2) is None
        True
    """
    es = EarlyStopping(patience=patience, min_delta=min_delta, mode=mode)
    for v in values:
        if es.step(float(v)):
            return es.epoch
    return None


def early_stopped_least_squares(X: Any, y: Any, lr: float, num_steps: int) -> np.ndarray:
    """Weights after ``num_steps`` steps of gradient descent on ``0.5 * ||X w - y||²`` from 0.

    Stopping this iteration early acts like a ridge penalty (chapter 7): each step
    ``w ← w − lr · Xᵀ(Xw − y)`` lets one more "direction" of the data in.

    Args:
        X: design matrix ``(n, d)``.
        y: targets ``(n,)``.
        lr: step size, positive.
        num_steps: number of steps, at least 0.

    Returns:
        The weights ``(d,)`` as a float64 array.

    Example:
        >>> early_stopped_least_squares(np.eye(2), np.array([1.0, 2.0]), 0.5, 1)
        array([0.5, 1. ])
    """
    num_steps = check_int("num_steps", num_steps, low=0)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), got shapes {X.shape} and {y.shape}")
    w = np.zeros(X.shape[1])
    for _ in range(num_steps):
        w = w - lr * X.T @ (X @ w - y)
    return w
