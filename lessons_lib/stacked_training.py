"""Full-batch training of a :class:`~lessons_lib.stacked.StackedMLP`, one network per seed.

Used in chapter 10 (the capstone). :func:`train_stack` trains every network of a stack on
its own data in one loop, with the regularizers the capstone compares (L1, label
smoothing, max-norm, per-network gradient clipping, early stopping), and records one
curve per network in a :class:`StackHistory`.

Shapes: inputs ``(k, n, d)``, labels ``(k, n)`` in ``{0, 1}``, logits ``(k, n)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import torch
from torch import nn

from .mixing import smooth_labels
from .optimizers import Stepper, make_optimizer
from .stacked import StackedMLP, is_active, per_network
from .validation import (
    check_both_or_neither,
    check_int,
    check_module,
    check_probability,
    check_real,
    check_tensor,
)


@dataclass
class StackHistory:
    """Per-epoch measurements of a stack, arrays of shape ``(epochs, k)``.

    Attributes:
        epochs: the recorded epochs (1-based).
        train_loss, val_loss: mean binary cross-entropy (data loss only).
        train_acc, val_acc: accuracy with the model in eval mode.
        best_epoch: with early stopping, the epoch (1-based) whose weights each
            network kept; otherwise the last epoch.
        clip_active: with ``clip_norm``, the share of steps in which each network's
            gradient norm exceeded its threshold (so that clipping changed the step);
            otherwise ``None``.
    """

    epochs: list[int] = field(default_factory=list)
    train_loss: list[np.ndarray] = field(default_factory=list)
    val_loss: list[np.ndarray] = field(default_factory=list)
    train_acc: list[np.ndarray] = field(default_factory=list)
    val_acc: list[np.ndarray] = field(default_factory=list)
    best_epoch: np.ndarray | None = None
    clip_active: np.ndarray | None = None

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The recorded curves as ``(epochs, k)`` arrays."""
        names = ("train_loss", "val_loss", "train_acc", "val_acc")
        return {n: np.stack(getattr(self, n)) for n in names if getattr(self, n)}


def _per_network_grad_norm(params: Sequence[torch.Tensor]) -> torch.Tensor:
    squares = [p.grad.pow(2).flatten(1).sum(dim=1) for p in params if p.grad is not None]
    return torch.sqrt(torch.stack(squares).sum(dim=0))


def stack_accuracy(y_true: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Accuracy of each network: ``(k, n)`` labels and logits → ``(k,)``.

    Labels first, like every metric of the course (scikit-learn's order).
    """
    return ((logits > 0).float() == y_true).float().mean(dim=1)


def train_stack(
    model: StackedMLP,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    X_val: torch.Tensor | None,
    y_val: torch.Tensor | None,
    optimizer: str | Stepper,
    *,
    lr: float = 0.01,
    num_epochs: int = 300,
    l1: float | Sequence[float] = 0.0,
    label_smoothing: float | Sequence[float] = 0.0,
    max_norm: float | Sequence[float] | None = None,
    clip_norm: float | Sequence[float] | None = None,
    patience: int | None = None,
    record_every: int = 1,
) -> StackHistory:
    """Full-batch training of every network of ``model`` on its own data.

    Each step minimizes, for every network separately, the mean binary cross-entropy
    plus ``l1 * sum|W|`` over its weight matrices (biases are not penalized).

    Args:
        model: the stack; left in eval mode.
        X_train, y_train: shapes ``(k, n, d)`` and ``(k, n)``.
        X_val, y_val: validation data, same layout, or ``None`` (then the validation
            curves are not recorded and ``patience`` is not allowed).
        optimizer: ``"adam"``, ``"adamw"`` or ``"sgd"`` (built over
            ``model.parameters()`` with ``lr``), or an optimizer over them
            (:mod:`lessons_lib.optimizers` or ``torch.optim``; weight decay goes here).
        lr: learning rate of an optimizer given by name. Default: 0.01.
        num_epochs: number of full-batch steps. Default: 300.
        l1: strength of the L1 penalty on the weights. Default: 0.
        label_smoothing: ε of the smoothed targets ``y(1-ε) + ε/2``
            (:func:`~lessons_lib.mixing.smooth_labels` with two classes). Default: 0.
        max_norm: if given, project each unit's incoming weights after every step.
        clip_norm: if given, rescale each network's gradient to at most this norm.
        patience: if given, early stopping: each network keeps the weights of its
            epoch of lowest validation loss, and stops improving its choice after
            ``patience`` epochs without a new minimum.
        record_every: record the curves every this many epochs (and at the last one);
            larger values save time when only the end point matters. Default: 1.

    ``l1``, ``label_smoothing``, ``max_norm`` and ``clip_norm`` may also be given per
    network, as a sequence of ``k`` values (:func:`~lessons_lib.stacked.per_network`).

    Returns:
        The :class:`StackHistory` of the run.
    """
    check_module("model", model, StackedMLP)
    num_epochs = check_int("num_epochs", num_epochs, low=1)
    k = model.k
    l1_k = per_network("l1", l1, k, partial(check_real, low=0.0))
    eps = per_network("label_smoothing", label_smoothing, k, check_probability)
    positive = partial(check_real, low=0.0, low_inclusive=False)
    radius = None if max_norm is None else per_network("max_norm", max_norm, k, positive)
    clip = None if clip_norm is None else per_network("clip_norm", clip_norm, k, positive)
    if patience is not None:
        patience = check_int("patience", patience, low=1)
    record_every = check_int("record_every", record_every, low=1)
    if not check_both_or_neither(X_val=X_val, y_val=y_val) and patience is not None:
        raise ValueError(f"early stopping (patience={patience}) needs X_val and y_val")
    checked = [("X_train", X_train, 3), ("y_train", y_train, 2)]
    if X_val is not None and y_val is not None:
        checked += [("X_val", X_val, 3), ("y_val", y_val, 2)]
    for name, t, rank in checked:
        layout = "(k, n, d)" if rank == 3 else "(k, n)"
        check_tensor(name, t, ranks=(rank,), layout=layout)
        if t.shape[0] != model.k:
            raise ValueError(
                f"{name} must hold the k={model.k} networks' data on axis 0, got shape "
                f"{tuple(t.shape)}"
            )
    bce = nn.BCEWithLogitsLoss(reduction="none")
    if isinstance(eps, torch.Tensor):  # one ε per network: (1 - ε) y + ε / 2
        targets = (1 - eps[:, None]) * y_train + eps[:, None] / 2
    else:
        smoothed = smooth_labels(y_train.reshape(-1).long(), 2, eps)[:, 1]
        targets = smoothed.reshape(y_train.shape).to(y_train.dtype)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(optimizer, params, lr)
    history = StackHistory()
    best_loss = torch.full((model.k,), math.inf)
    best_epoch = np.full(model.k, num_epochs)
    waited = torch.zeros(model.k, dtype=torch.long)
    clipped = torch.zeros(model.k)
    best_state = {n: t.detach().clone() for n, t in model.state_dict().items()}
    for epoch in range(1, num_epochs + 1):
        model.train()
        optimizer.zero_grad()
        loss = bce(model(X_train), targets).mean(dim=1).sum()  # networks are independent
        if is_active(l1_k):
            per_net = sum(W.abs().flatten(1).sum(dim=1) for W in model.weights)
            loss = loss + (l1_k * per_net).sum()
        loss.backward()
        if clip is not None:
            scale = torch.clamp(clip / (_per_network_grad_norm(params) + 1e-12), max=1.0)
            clipped += scale < 1.0
            for p in params:
                if p.grad is not None:
                    p.grad.mul_(scale.view(-1, *([1] * (p.dim() - 1))))
        optimizer.step()
        if radius is not None:
            model.apply_max_norm(radius)
        record = epoch % record_every == 0 or epoch == num_epochs
        if not record and patience is None:
            continue
        model.eval()
        with torch.no_grad():
            if X_val is not None and y_val is not None:
                out_val = model(X_val)
                val_loss = bce(out_val, y_val).mean(dim=1)
            if record:
                out_train = model(X_train)
                history.epochs.append(epoch)
                history.train_loss.append(bce(out_train, y_train).mean(dim=1).numpy())
                history.train_acc.append(stack_accuracy(y_train, out_train).numpy())
                if X_val is not None and y_val is not None:
                    history.val_loss.append(val_loss.numpy())
                    history.val_acc.append(stack_accuracy(y_val, out_val).numpy())
            if patience is not None:
                active = waited < patience
                better = (val_loss < best_loss) & active
                waited = torch.where(better, 0, waited + active.long())
                best_loss = torch.where(better, val_loss, best_loss)
                best_epoch[better.numpy()] = epoch
                for name, t in model.state_dict().items():
                    best_state[name][better] = t[better]
    if patience is not None:
        model.load_state_dict(best_state)
    model.eval()
    history.best_epoch = best_epoch
    if clip is not None:
        history.clip_active = (clipped / num_epochs).numpy()
    return history
