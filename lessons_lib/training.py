"""A small, explicit training loop that returns its history.

Taught in chapter 1 and used by every later chapter. Training returns data (a
:class:`History`); plotting it is the job of :mod:`lessons_lib.plotting`. The task
(binary, multiclass or regression) is inferred from the targets unless given
(:mod:`lessons_lib.tasks`); for regression, accuracy is recorded as ``nan``.

The course's training loops, one family to read side by side: all take their data
and strengths as arguments, validate them with the same helpers
(:mod:`lessons_lib.validation`: ``check_module``, ``check_consistent_length``,
``check_both_or_neither``), draw mini-batches from a seeded generator and step an
optimizer of :mod:`lessons_lib.optimizers` or :mod:`lessons_lib.update_rules`.

* :func:`train` (here): one network, full-batch or mini-batch, callbacks (ch. 1 on);
* :func:`lessons_lib.linear_training.fit_linear_adam`: a grid of linear models (ch. 4);
* :func:`lessons_lib.augmented_training.fit_augmented`: fresh augmentations (ch. 8);
* :func:`lessons_lib.batched_training.train_batched`: copies of one MLP (ch. 9);
* :func:`lessons_lib.stacked_training.train_stack`: a stack of MLPs (ch. 10).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from .metrics import accuracy
from .models import eval_mode
from .optimizers import Stepper, make_optimizer
from .tasks import TASKS, default_loss, infer_task, match_output, output_labels
from .validation import (
    check_both_or_neither,
    check_choice,
    check_consistent_length,
    check_int,
    check_module,
    check_real,
    check_tensor,
)

Penalty = Callable[[nn.Module], torch.Tensor]


@dataclass
class History:
    """Per-epoch record of a training run (epoch ``k`` is at index ``k - 1``).

    Losses are the data loss without any penalty term, measured after the epoch's
    updates with the model in eval mode on the whole split.

    Attributes:
        train_loss, val_loss: loss on the training and validation split.
        train_acc, val_acc: accuracy (``nan`` for regression).
        stopped_epoch: the epoch at which a callback stopped training, else ``None``.
        notes: free-form values callbacks may record (e.g. the best epoch).
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    stopped_epoch: int | None = None
    notes: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.train_loss)

    @property
    def epochs(self) -> list[int]:
        """Epoch numbers ``1, …, len(history)``."""
        return list(range(1, len(self) + 1))

    def final(self) -> dict[str, float]:
        """Metrics of the last epoch, e.g. ``{"train_loss": …, "val_acc": …}``."""
        if not len(self):
            raise ValueError("history is empty: no epoch was recorded")
        out = {"train_loss": self.train_loss[-1], "train_acc": self.train_acc[-1]}
        if self.val_loss:
            out |= {"val_loss": self.val_loss[-1], "val_acc": self.val_acc[-1]}
        return out

    def gap(self) -> float:
        """Final train accuracy minus final validation accuracy (the generalization gap)."""
        if not self.val_acc:
            raise ValueError("history has no validation metrics: pass X_val and y_val to train()")
        return self.train_acc[-1] - self.val_acc[-1]

    def table(self, every: int = 1) -> str:
        """A plain-text table of every ``every``-th epoch (and the last one)."""
        every = check_int("every", every, low=1)
        has_val = bool(self.val_loss)
        head = f"{'epoch':>5}  {'train loss':>10}  {'train acc':>9}"
        head += f"  {'val loss':>9}  {'val acc':>8}" if has_val else ""
        rows = [head]
        for k in self.epochs:
            if k % every and k != len(self):
                continue
            i = k - 1
            row = f"{k:>5}  {self.train_loss[i]:>10.4f}  {self.train_acc[i]:>9.3f}"
            if has_val:
                row += f"  {self.val_loss[i]:>9.4f}  {self.val_acc[i]:>8.3f}"
            rows.append(row)
        return "\n".join(rows)


class Callback:
    """Hooks into :func:`train`. Subclass and override what you need.

    ``on_epoch_end`` returns ``True`` to stop training after that epoch.
    """

    def on_train_begin(self, model: nn.Module, history: History) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, epoch: int, model: nn.Module, history: History) -> bool | None:
        """Called after each epoch's metrics are recorded; return ``True`` to stop."""
        return None

    def on_train_end(self, model: nn.Module, history: History) -> None:
        """Called once after the last epoch (also after an early stop)."""


@torch.no_grad()
def evaluate(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    loss_fn: nn.Module | None = None,
    task: str | None = None,
) -> tuple[float, float]:
    """Return ``(loss, accuracy)`` of ``model`` on ``(X, y)`` in eval mode.

    The model's train/eval mode is restored afterwards.
    """
    if task is not None:
        check_choice("task", task, TASKS)
    with eval_mode(model):
        output = model(X)
    task = task or infer_task(output.shape[-1] if output.dim() > 1 else 1, y)
    return _scores(output, y, loss_fn or default_loss(task), task)


def _scores(
    output: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, task: str
) -> tuple[float, float]:
    out, target = match_output(output, y, task)
    acc = math.nan if task == "regression" else accuracy(y, output_labels(output, task))
    return loss_fn(out, target).item(), acc


def train(
    model: nn.Module,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    X_val: torch.Tensor | None = None,
    y_val: torch.Tensor | None = None,
    *,
    num_epochs: int = 100,
    lr: float = 0.01,
    optimizer: str | Stepper | None = None,
    loss_fn: nn.Module | None = None,
    batch_size: int | None = None,
    penalty: Penalty | None = None,
    callbacks: Sequence[Callback] = (),
    task: str | None = None,
    seed: int = 0,
) -> History:
    """Train ``model`` and record losses and accuracies after every epoch.

    One epoch is one pass over the training data: a single full-batch step when
    ``batch_size`` is ``None``, else shuffled mini-batches. Each step minimizes

    .. math:: \\text{loss}(\\text{model}(X_B), y_B) + \\text{penalty}(\\text{model}),

    so an explicit regularizer (chapter 3) is a function of the model passed as
    ``penalty``. The history records the data loss only, so runs with different
    penalties stay comparable.

    Args:
        model: the network; it is left in eval mode at the end.
        X_train, y_train: training data.
        X_val, y_val: validation data (optional, both or neither).
        num_epochs: maximum number of epochs. Default: 100.
        lr: learning rate of an optimizer given by name. Default: 0.01.
        optimizer: ``"adam"`` (``None`` means it too), ``"adamw"`` or ``"sgd"``,
            built over ``model``'s parameters with ``lr``
            (:mod:`lessons_lib.optimizers`, the numbers of ``torch.optim``); or an
            optimizer over them, such as a ``torch.optim`` one (then ``lr`` is unused).
        loss_fn: the data loss. Default: chosen from the task.
        batch_size: mini-batch size, or ``None`` for full-batch training.
        penalty: a function ``model -> scalar tensor`` added to the loss at every step.
        callbacks: :class:`Callback` objects; any may stop training early.
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``. Default: inferred.
        seed: seed of the mini-batch shuffling. Default: 0.

    Returns:
        The :class:`History` of the run.

    Example:
        >>> from lessons_lib.data import two_moons
        >>> from lessons_lib.models import mlp
        >>> X, y = two_moons(64, seed=0)
        >>> history = train(mlp(2, [16], 1, seed=0), X, y, num_epochs=50)
        >>> len(history), history.train_acc[-1] > 0.8
        (50, True)
    """
    check_module("model", model)
    check_tensor("X_train", X_train)
    check_tensor("y_train", y_train)
    check_consistent_length(X_train=X_train, y_train=y_train)
    if check_both_or_neither(X_val=X_val, y_val=y_val):
        check_consistent_length(X_val=X_val, y_val=y_val)
    num_epochs = check_int("num_epochs", num_epochs, low=1)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, low=1)
    seed = check_int("seed", seed, low=0)
    if optimizer is None or isinstance(optimizer, str):
        lr = check_real("lr", lr, low=0.0, low_inclusive=False)
    optimizer = make_optimizer("adam" if optimizer is None else optimizer, model.parameters(), lr)
    if task is None:
        with torch.no_grad(), eval_mode(model):
            probe = model(X_train[:2])
        out_size = probe.shape[-1] if probe.dim() > 1 else 1
        task = infer_task(out_size, y_train)
    check_choice("task", task, TASKS)
    loss_fn = loss_fn or default_loss(task)

    history = History()
    gen = torch.Generator().manual_seed(seed)
    n = len(y_train)
    for cb in callbacks:
        cb.on_train_begin(model, history)
    for epoch in range(1, num_epochs + 1):
        model.train()
        batches: list[slice | torch.Tensor]
        if batch_size is None or batch_size >= n:
            batches = [slice(None)]
        else:
            perm = torch.randperm(n, generator=gen)
            batches = [perm[i : i + batch_size] for i in range(0, n, batch_size)]
        for idx in batches:
            optimizer.zero_grad()
            out, target = match_output(model(X_train[idx]), y_train[idx], task)
            loss = loss_fn(out, target)
            if penalty is not None:
                loss = loss + penalty(model)
            loss.backward()
            optimizer.step()
        model.eval()  # metrics of the epoch, measured as the model will be used
        with torch.no_grad():
            tl, ta = _scores(model(X_train), y_train, loss_fn, task)
            history.train_loss.append(tl)
            history.train_acc.append(ta)
            if X_val is not None and y_val is not None:
                vl, va = _scores(model(X_val), y_val, loss_fn, task)
                history.val_loss.append(vl)
                history.val_acc.append(va)
        stop = False
        for cb in callbacks:
            stop = bool(cb.on_epoch_end(epoch, model, history)) or stop
        if stop:
            history.stopped_epoch = epoch
            break
    model.eval()
    for cb in callbacks:
        cb.on_train_end(model, history)
    return history


@torch.no_grad()
def predict(model: nn.Module, X: torch.Tensor, task: str = "binary") -> torch.Tensor:
    """Class predictions (or regression outputs) of ``model`` in eval mode."""
    check_choice("task", task, TASKS)
    with eval_mode(model):
        return output_labels(model(X), task)
