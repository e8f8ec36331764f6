"""The capstone experiment of chapter 10: many regularizers, many seeds, one protocol.

A common textbook experiment trains a network on 2-D points labelled by a circle and
compares "no regularization", L1, L2 and dropout. This module runs that comparison with
a sound protocol: balanced classes, label noise (so that there is something to overfit),
a small training set, separate training, validation and test sets, several seeds, and
paired comparisons with 95 % confidence intervals. Every configuration of one seed sees
the same data and starts from the same weights, so differences between configurations
are not blurred by differences between draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .disk_data import StackedSplits
from .optimizers import OPTIMIZERS, SGD, Optimizer
from .penalties import param_groups
from .stacked import StackedMLP, per_network
from .stacked_training import stack_accuracy, train_stack
from .validation import check_choice, check_int, check_probability, check_real


@dataclass(frozen=True)
class Config:
    """One row of the capstone: an optimizer and the regularizers switched on.

    Attributes:
        name: label in tables and plots.
        optimizer: ``"adam"``, ``"adamw"`` or ``"sgd"`` (with momentum 0.9).
        lr: learning rate. Default: 0.015 (Adam, 200 full-batch steps).
        weight_decay: the optimizer's ``weight_decay`` (coupled L2 for Adam and SGD,
            decoupled for AdamW), applied to weight matrices only.
        l1, dropout, input_noise, weight_noise, label_smoothing, max_norm, clip_norm,
        patience, batch_norm: see :class:`~lessons_lib.stacked.StackedMLP` and
            :func:`~lessons_lib.stacked_training.train_stack`.
        baseline: name of the configuration this one is compared with.
    """

    name: str
    optimizer: str = "adam"
    lr: float = 0.015
    weight_decay: float = 0.0
    l1: float = 0.0
    dropout: float = 0.0
    batch_norm: bool = False
    input_noise: float = 0.0
    weight_noise: float = 0.0
    label_smoothing: float = 0.0
    max_norm: float | None = None
    clip_norm: float | None = None
    patience: int | None = None
    baseline: str = "none"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"name must be a non-empty string, got {self.name!r}")
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_real("lr", self.lr, low=0.0, low_inclusive=False)
        for field_name in ("weight_decay", "l1", "input_noise", "weight_noise"):
            check_real(field_name, getattr(self, field_name), low=0.0)
        check_probability("dropout", self.dropout)
        check_probability("label_smoothing", self.label_smoothing)
        for field_name in ("max_norm", "clip_norm"):
            if getattr(self, field_name) is not None:
                check_real(field_name, getattr(self, field_name), low=0.0, low_inclusive=False)
        if self.patience is not None:
            check_int("patience", self.patience, low=1)
        if not isinstance(self.batch_norm, bool):
            raise TypeError(f"batch_norm must be True or False, got {self.batch_norm!r}")


@dataclass
class Result:
    """Accuracies of one configuration, one entry per seed.

    Attributes:
        config: the configuration (for a tuned one, with the grid's field unset).
        train_acc, val_acc, test_acc: accuracy per seed.
        val_loss: validation cross-entropy per seed.
        test_prob: predicted probability of class 1 on the test set, ``(seeds, n_test)``.
        model: the trained stack; seed ``j`` is its network ``members[j]``.
        members: index of each seed's network in ``model``.
        best_epoch: with early stopping, the epoch each network kept.
        chosen: for a tuned configuration, the strength chosen for each seed.
        clip_active: with gradient clipping, the share of the steps in which it
            changed the step, per seed.
        grid_clip_active: for a tuned clipping configuration, that share for every
            grid point, ``(grid points, seeds)``.
    """

    config: Config
    train_acc: np.ndarray
    val_acc: np.ndarray
    test_acc: np.ndarray
    model: StackedMLP = field(repr=False)
    best_epoch: np.ndarray | None = None
    val_loss: np.ndarray | None = None
    test_prob: torch.Tensor | None = field(default=None, repr=False)
    members: np.ndarray | None = None
    chosen: np.ndarray | None = None
    clip_active: np.ndarray | None = None
    grid_clip_active: np.ndarray | None = None

    @property
    def gap(self) -> np.ndarray:
        """Train minus test accuracy, per seed."""
        return self.train_acc - self.test_acc


def _optimizer(
    model: StackedMLP, config: Config, weight_decay: torch.Tensor | None = None
) -> Optimizer:
    """The configuration's optimizer (PyTorch's fused kernels); ``weight_decay`` (one
    value per network) overrides the configuration's single value."""
    decay = config.weight_decay if weight_decay is None else weight_decay.view(-1, 1, 1)
    groups = param_groups(model, 0.0)  # weight matrices, then biases (never decayed)
    groups[0]["weight_decay"] = decay  # coupled for Adam and SGD, decoupled for AdamW
    if config.optimizer == "sgd":
        return SGD(groups, lr=config.lr, momentum=0.9, fused=True)
    return OPTIMIZERS[config.optimizer](groups, lr=config.lr, fused=True)


#: The strengths :func:`run_config` can take per network (one value per seed or grid point).
PER_NETWORK = (
    "weight_decay",
    "l1",
    "dropout",
    "input_noise",
    "weight_noise",
    "label_smoothing",
    "max_norm",
    "clip_norm",
)


def run_config(
    config: Config,
    data: StackedSplits,
    seeds: Sequence[int],
    sizes: Sequence[int] = (2, 32, 32, 1),
    num_epochs: int = 200,
    strengths: Mapping[str, Sequence[float]] | None = None,
) -> Result:
    """Train one network per seed with ``config`` and measure it on every split.

    Network ``j`` starts from weights drawn with ``seeds[j]`` whatever the
    configuration, so results of different configurations are paired by seed.

    Args:
        config: optimizer and regularizers.
        data: one data set per seed, stacked (:func:`stacked_splits`).
        seeds: one seed per network.
        sizes: layer widths. Default: ``(2, 32, 32, 1)``.
        num_epochs: full-batch steps. Default: 200.
        strengths: per-network values overriding fields of ``config`` (names in
            :data:`PER_NETWORK`), one value per seed.
    """
    if not isinstance(config, Config):
        raise TypeError(f"config must be a Config, got {type(config).__name__}")
    strengths = dict(strengths or {})
    unknown = set(strengths) - set(PER_NETWORK)
    if unknown:
        raise ValueError(f"strengths can only set {PER_NETWORK}, got {sorted(unknown)}")
    values = {name: strengths.get(name, getattr(config, name)) for name in PER_NETWORK}
    model = StackedMLP(
        seeds,
        sizes,
        dropout=values["dropout"],
        batch_norm=config.batch_norm,
        input_noise=values["input_noise"],
        weight_noise=values["weight_noise"],
        seed=int(seeds[0]),
    )
    decay: torch.Tensor | None = None
    if "weight_decay" in strengths:
        checked = per_network(
            "weight_decay", strengths["weight_decay"], model.k, partial(check_real, low=0.0)
        )
        decay = torch.as_tensor(checked).expand(model.k)
    history = train_stack(
        model,
        data.X_train,
        data.y_train,
        data.X_val,
        data.y_val,
        _optimizer(model, config, decay),
        num_epochs=num_epochs,
        l1=values["l1"],
        label_smoothing=values["label_smoothing"],
        max_norm=values["max_norm"],
        clip_norm=values["clip_norm"],
        patience=config.patience,
        record_every=num_epochs,
    )
    with torch.no_grad():  # one evaluation pass per split
        logits = [model(X) for X in (data.X_train, data.X_val, data.X_test)]
        labels = (data.y_train, data.y_val, data.y_test)
        train_acc, val_acc, test_acc = (
            stack_accuracy(y, z).numpy() for y, z in zip(labels, logits, strict=True)
        )
        val_loss = F.binary_cross_entropy_with_logits(logits[1], data.y_val, reduction="none").mean(
            dim=1
        )
        test_prob = torch.sigmoid(logits[2])
    best = history.best_epoch if config.patience is not None else None
    return Result(
        config,
        train_acc,
        val_acc,
        test_acc,
        model=model,
        best_epoch=best,
        val_loss=val_loss.numpy(),
        test_prob=test_prob,
        members=np.arange(model.k),
        clip_active=history.clip_active,
    )


def tune_strength(
    config: Config,
    name: str,
    grid: Sequence[float],
    data: StackedSplits,
    seeds: Sequence[int],
    fixed: Mapping[str, Sequence[float]] | None = None,
    **kwargs: Any,
) -> Result:
    """Choose the strength ``name`` from ``grid`` for each seed on its validation set.

    All grid points of all seeds train side by side in one stack (the grid point
    ``g`` of seed ``j`` is network ``g * len(seeds) + j``, started from ``seeds[j]``).
    For each seed the grid point with the highest validation accuracy wins, ties going
    to the lower validation loss; the test set plays no part in the choice. The result
    holds the chosen network of every seed, and the chosen values in ``chosen``.

    Args:
        config: the configuration (its own value of ``name`` is ignored).
        name: one of :data:`PER_NETWORK`.
        grid: candidate values.
        data, seeds: as for :func:`run_config`.
        fixed: further per-seed strengths, held fixed over the grid.
        **kwargs: passed to :func:`run_config`.

    Example:
        >>> from lessons_lib.disk_data import stacked_splits
        >>> d = stacked_splits([0, 1], n_train=20, n_val=20, n_test=20)
        >>> r = tune_strength(Config("L1"), "l1", [1e-4, 1e-2], d, [0, 1], num_epochs=5)
        >>> r.test_acc.shape, set(r.chosen) <= {1e-4, 1e-2}
        ((2,), True)
    """
    if name not in PER_NETWORK:
        raise ValueError(f"name must be one of {PER_NETWORK}, got {name!r}")
    grid = [float(v) for v in grid]
    if not grid:
        raise ValueError("grid must hold at least one value")
    g, k = len(grid), len(seeds)
    parts = (data.X_train, data.y_train, data.X_val, data.y_val, data.X_test, data.y_test)
    rep = StackedSplits(*(t.repeat(g, *([1] * (t.dim() - 1))) for t in parts))
    strengths: dict[str, Sequence[float]] = {name: [v for v in grid for _ in range(k)]}
    for other, values in (fixed or {}).items():
        strengths[other] = list(values) * g
    r = run_config(config, rep, list(seeds) * g, strengths=strengths, **kwargs)
    assert r.val_loss is not None and r.test_prob is not None  # set by run_config()
    val_acc, val_loss = r.val_acc.reshape(g, k), r.val_loss.reshape(g, k)
    best = np.lexsort((val_loss, -val_acc), axis=0)[0]  # accuracy first, then loss
    members = best * k + np.arange(k)
    return Result(
        config,
        r.train_acc[members],
        r.val_acc[members],
        r.test_acc[members],
        model=r.model,
        val_loss=r.val_loss[members],
        test_prob=r.test_prob[torch.from_numpy(members)],
        members=members,
        chosen=np.array(grid)[best],
        clip_active=None if r.clip_active is None else r.clip_active[members],
        grid_clip_active=None if r.clip_active is None else r.clip_active.reshape(g, k),
    )
