"""Many small networks trained at once: one per seed, stacked along a leading axis.

Used in chapter 10 (the capstone). Comparing regularizers honestly needs several seeds
per configuration; training them one after another costs one Python loop per network.
A :class:`StackedMLP` holds ``k`` independent binary classifiers whose weights carry a
leading axis of size ``k``. Every operation acts on each network separately (batched
matrix products, batch statistics per network, one gradient norm per network), so a
single full-batch step trains all ``k`` networks, each on its own data set.

Shapes: inputs ``(k, n, d)``, labels ``(k, n)`` in ``{0, 1}``, logits ``(k, n)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._validate import check_int, check_probability, check_real
from .seeding import make_generator


def _stacked_init(seeds: Sequence[int], fan_in: int, fan_out: int) -> tuple[torch.Tensor, ...]:
    """``nn.Linear``'s default uniform initialization, drawn from each seed separately."""
    bound = 1 / math.sqrt(fan_in)
    weights, biases = [], []
    for s in seeds:
        gen = make_generator(s * 1009 + fan_in * 31 + fan_out)
        weights.append((2 * torch.rand(fan_in, fan_out, generator=gen) - 1) * bound)
        biases.append((2 * torch.rand(1, fan_out, generator=gen) - 1) * bound)
    return torch.stack(weights), torch.stack(biases)


class StackedMLP(nn.Module):
    """``k`` independent ReLU MLPs with one logit each, evaluated in one batched pass.

    Each hidden layer is ``Linear → [BatchNorm] → ReLU → [Dropout]`` as in
    :func:`lessons_lib.models.mlp`. In training mode the model can also add Gaussian
    noise to its inputs and to its weights; in eval mode it is deterministic.

    Args:
        seeds: one seed per network; network ``j`` is initialized from ``seeds[j]``.
        sizes: layer widths from input to output, e.g. ``(2, 64, 64, 1)``.
        dropout: drop probability after each hidden activation, in ``[0, 1)``: one
            value for every network, or a sequence with one value per network (a
            sweep over ``p`` in one stack, chapter 5). Default: 0.
        batch_norm: normalize each hidden pre-activation with the statistics of the
            network's own batch (running averages in eval mode). Default: ``False``.
        input_noise: standard deviation of Gaussian noise added to the inputs during
            training. Default: 0.
        weight_noise: standard deviation of Gaussian noise added to every weight for
            each training forward pass. Default: 0.
        seed: seed of the model's own random draws (masks, noise). Default: 0.

    Example:
        >>> net = StackedMLP([0, 1, 2], (2, 8, 1))
        >>> net(torch.zeros(3, 5, 2)).shape
        torch.Size([3, 5])
    """

    def __init__(
        self,
        seeds: Sequence[int],
        sizes: Sequence[int],
        dropout: float | Sequence[float] = 0.0,
        batch_norm: bool = False,
        input_noise: float = 0.0,
        weight_noise: float = 0.0,
        seed: int = 0,
    ) -> None:
        super().__init__()
        if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence):
            raise TypeError(f"seeds must be a sequence of integers, got {seeds!r}")
        if not seeds:
            raise ValueError("seeds must contain at least one seed, got an empty sequence")
        seeds = [check_int(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds)]
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a sequence of layer widths, got {sizes!r}")
        if len(sizes) < 2:
            raise ValueError(f"sizes must hold at least two widths (input, output), got {sizes!r}")
        sizes = [check_int(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes)]
        if sizes[-1] != 1:
            raise ValueError(f"sizes must end with 1 (one logit per network), got {sizes}")
        self.k = len(seeds)
        self.sizes = tuple(sizes)
        if isinstance(dropout, Sequence) and not isinstance(dropout, (str, bytes)):
            if len(dropout) != self.k:
                raise ValueError(
                    f"dropout must hold one probability per network ({self.k}), "
                    f"got {len(dropout)} values"
                )
            ps = [check_probability(f"dropout[{i}]", v) for i, v in enumerate(dropout)]
        else:
            ps = [check_probability("dropout", dropout)] * self.k
        self.p = ps[0] if len(set(ps)) == 1 else tuple(ps)
        self.register_buffer("_drop", torch.tensor(ps).view(self.k, 1, 1), persistent=False)
        self.batch_norm = bool(batch_norm)
        self.input_noise = check_real("input_noise", input_noise, low=0.0)
        self.weight_noise = check_real("weight_noise", weight_noise, low=0.0)
        self.generator = make_generator(check_int("seed", seed, low=0))
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            W, b = _stacked_init(seeds, fan_in, fan_out)
            self.weights.append(nn.Parameter(W))
            self.biases.append(nn.Parameter(b))
        self.gammas = nn.ParameterList()
        self.betas = nn.ParameterList()
        if self.batch_norm:
            for i, width in enumerate(sizes[1:-1]):
                self.gammas.append(nn.Parameter(torch.ones(self.k, 1, width)))
                self.betas.append(nn.Parameter(torch.zeros(self.k, 1, width)))
                self.register_buffer(f"running_mean{i}", torch.zeros(self.k, 1, width))
                self.register_buffer(f"running_var{i}", torch.ones(self.k, 1, width))

    def _noise(self, shape: torch.Size) -> torch.Tensor:
        return torch.randn(shape, generator=self.generator)

    def _normalize(self, h: torch.Tensor, i: int, momentum: float = 0.1) -> torch.Tensor:
        mean_buf = getattr(self, f"running_mean{i}")
        var_buf = getattr(self, f"running_var{i}")
        if self.training:
            mean = h.mean(dim=1, keepdim=True)
            var = h.var(dim=1, unbiased=False, keepdim=True)
            with torch.no_grad():
                n = h.shape[1]
                unbiased = var * n / max(n - 1, 1)
                mean_buf.lerp_(mean, momentum)
                var_buf.lerp_(unbiased, momentum)
        else:
            mean, var = mean_buf, var_buf
        return (h - mean) / torch.sqrt(var + 1e-5) * self.gammas[i] + self.betas[i]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of shape ``(k, n)`` for inputs of shape ``(k, n, d)``."""
        if x.dim() != 3 or x.shape[0] != self.k or x.shape[2] != self.sizes[0]:
            raise ValueError(
                f"x must have shape (k={self.k}, n, d={self.sizes[0]}), got {tuple(x.shape)}"
            )
        if self.training and self.input_noise > 0:
            x = x + self.input_noise * self._noise(x.shape)
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            if self.training and self.weight_noise > 0:
                W = W + self.weight_noise * self._noise(W.shape)
            x = torch.baddbmm(b, x, W)
            if i == last:
                break
            if self.batch_norm:
                x = self._normalize(x, i)
            x = torch.relu(x)
            if self.training and bool(self._drop.any()):
                keep = torch.rand(x.shape, generator=self.generator) >= self._drop
                x = x * keep / (1 - self._drop)
        return x.squeeze(-1)

    @torch.no_grad()
    def apply_max_norm(self, max_norm: float) -> None:
        """Project each unit's incoming weight vector onto the ball of radius ``max_norm``."""
        max_norm = check_real("max_norm", max_norm, low=0.0, low_inclusive=False)
        for W in self.weights:
            norms = W.norm(dim=1, keepdim=True)  # (k, 1, fan_out): one per unit
            W.mul_(torch.clamp(max_norm / (norms + 1e-12), max=1.0))

    def subset(self, idx: Sequence[int], dropout: float | None = None, seed: int = 0) -> StackedMLP:
        """A new stack holding copies of networks ``idx`` (e.g. the ``p = 0.5`` part of a sweep).

        Args:
            idx: indices of the networks to copy, each in ``[0, k)``.
            dropout: drop probability of the new stack; ``None`` keeps each network's own.
            seed: seed of the new stack's random draws. Default: 0.

        Example:
            >>> sweep = StackedMLP([0, 1, 0, 1], (2, 8, 1), dropout=[0.0, 0.0, 0.5, 0.5])
            >>> half = sweep.subset([2, 3])
            >>> half.k, half.p, bool(torch.equal(half.weights[0], sweep.weights[0][2:]))
            (2, 0.5, True)
        """
        if isinstance(idx, (str, bytes)) or not isinstance(idx, Sequence) or not idx:
            raise TypeError(f"idx must be a non-empty sequence of network indices, got {idx!r}")
        idx = [check_int(f"idx[{i}]", j, low=0, high=self.k - 1) for i, j in enumerate(idx)]
        own = [float(v) for v in self._drop.flatten()[idx]]
        new = StackedMLP(
            [0] * len(idx),
            self.sizes,
            dropout=own if dropout is None else dropout,
            batch_norm=self.batch_norm,
            input_noise=self.input_noise,
            weight_noise=self.weight_noise,
            seed=seed,
        )
        new.load_state_dict({name: t[idx] for name, t in self.state_dict().items()})
        return new.train(self.training)

    def member(self, j: int) -> Callable[[torch.Tensor], torch.Tensor]:
        """Network ``j`` as a function ``(m, d) → logits (m,)`` in eval mode.

        Handy for :func:`lessons_lib.plotting.plot_decision_boundary`.
        """
        j = check_int("j", j, low=0, high=self.k - 1)

        @torch.no_grad()
        def predict(x: torch.Tensor) -> torch.Tensor:
            was_training = self.training
            self.eval()
            try:
                batch = x.expand(self.k, *x.shape)
                return self(batch)[j]
            finally:
                self.train(was_training)

        return predict


@dataclass
class StackHistory:
    """Per-epoch measurements of a stack, arrays of shape ``(epochs, k)``.

    Attributes:
        epochs: the recorded epochs (1-based).
        train_loss, val_loss: mean binary cross-entropy (data loss only).
        train_acc, val_acc: accuracy with the model in eval mode.
        best_epoch: with early stopping, the epoch (1-based) whose weights each
            network kept; otherwise the last epoch.
    """

    epochs: list[int] = field(default_factory=list)
    train_loss: list[np.ndarray] = field(default_factory=list)
    val_loss: list[np.ndarray] = field(default_factory=list)
    train_acc: list[np.ndarray] = field(default_factory=list)
    val_acc: list[np.ndarray] = field(default_factory=list)
    best_epoch: np.ndarray | None = None

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The recorded curves as ``(epochs, k)`` arrays."""
        names = ("train_loss", "val_loss", "train_acc", "val_acc")
        return {n: np.stack(getattr(self, n)) for n in names if getattr(self, n)}


def _per_network_grad_norm(params: Sequence[torch.Tensor]) -> torch.Tensor:
    total = sum(p.grad.pow(2).flatten(1).sum(dim=1) for p in params if p.grad is not None)
    return torch.sqrt(total)


def stack_accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Accuracy of each network: ``(k, n)`` logits and labels → ``(k,)``."""
    return ((logits > 0).float() == y).float().mean(dim=1)


def train_stack(
    model: StackedMLP,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    X_val: torch.Tensor | None,
    y_val: torch.Tensor | None,
    optimizer: torch.optim.Optimizer,
    *,
    num_epochs: int = 300,
    l1: float = 0.0,
    label_smoothing: float = 0.0,
    max_norm: float | None = None,
    clip_norm: float | None = None,
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
        optimizer: over ``model.parameters()`` (weight decay goes here).
        num_epochs: number of full-batch steps. Default: 300.
        l1: strength of the L1 penalty on the weights. Default: 0.
        label_smoothing: ε of the smoothed targets ``y(1-ε) + ε/2``. Default: 0.
        max_norm: if given, project each unit's incoming weights after every step.
        clip_norm: if given, rescale each network's gradient to at most this norm.
        patience: if given, early stopping: each network keeps the weights of its
            epoch of lowest validation loss, and stops improving its choice after
            ``patience`` epochs without a new minimum.
        record_every: record the curves every this many epochs (and at the last one);
            larger values save time when only the end point matters. Default: 1.

    Returns:
        The :class:`StackHistory` of the run.
    """
    if not isinstance(model, StackedMLP):
        raise TypeError(f"model must be a StackedMLP, got {type(model).__name__}")
    num_epochs = check_int("num_epochs", num_epochs, low=1)
    l1 = check_real("l1", l1, low=0.0)
    eps = check_probability("label_smoothing", label_smoothing)
    if max_norm is not None:
        max_norm = check_real("max_norm", max_norm, low=0.0, low_inclusive=False)
    if clip_norm is not None:
        clip_norm = check_real("clip_norm", clip_norm, low=0.0, low_inclusive=False)
    if patience is not None:
        patience = check_int("patience", patience, low=1)
    record_every = check_int("record_every", record_every, low=1)
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val, or neither")
    if X_val is None and patience is not None:
        raise ValueError(f"early stopping (patience={patience}) needs X_val and y_val")
    checked = [("X_train", X_train, 3), ("y_train", y_train, 2)]
    if X_val is not None:
        checked += [("X_val", X_val, 3), ("y_val", y_val, 2)]
    for name, t, rank in checked:
        if not isinstance(t, torch.Tensor) or t.dim() != rank or t.shape[0] != model.k:
            shape = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
            raise ValueError(
                f"{name} must be a tensor of rank {rank} with k={model.k} "
                f"networks on axis 0, got {shape}"
            )
    bce = nn.BCEWithLogitsLoss(reduction="none")
    targets = y_train * (1 - eps) + eps / 2
    params = [p for p in model.parameters() if p.requires_grad]
    history = StackHistory()
    best_loss = torch.full((model.k,), math.inf)
    best_epoch = np.full(model.k, num_epochs)
    waited = torch.zeros(model.k, dtype=torch.long)
    best_state = {n: t.detach().clone() for n, t in model.state_dict().items()}
    for epoch in range(1, num_epochs + 1):
        model.train()
        optimizer.zero_grad()
        loss = bce(model(X_train), targets).mean(dim=1).sum()  # networks are independent
        if l1 > 0:
            loss = loss + l1 * sum(W.abs().sum() for W in model.weights)
        loss.backward()
        if clip_norm is not None:
            scale = torch.clamp(clip_norm / (_per_network_grad_norm(params) + 1e-12), max=1.0)
            for p in params:
                p.grad.mul_(scale.view(-1, *([1] * (p.dim() - 1))))
        optimizer.step()
        if max_norm is not None:
            model.apply_max_norm(max_norm)
        record = epoch % record_every == 0 or epoch == num_epochs
        if not record and patience is None:
            continue
        model.eval()
        with torch.no_grad():
            if X_val is not None:
                out_val = model(X_val)
                val_loss = bce(out_val, y_val).mean(dim=1)
            if record:
                out_train = model(X_train)
                history.epochs.append(epoch)
                history.train_loss.append(bce(out_train, y_train).mean(dim=1).numpy())
                history.train_acc.append(stack_accuracy(out_train, y_train).numpy())
                if X_val is not None:
                    history.val_loss.append(val_loss.numpy())
                    history.val_acc.append(stack_accuracy(out_val, y_val).numpy())
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
    return history
