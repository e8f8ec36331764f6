"""Many small networks trained at once: one per seed, stacked along a leading axis.

Used in chapters 3, 5 and 10. Comparing regularizers honestly needs several seeds
per configuration; training them one after another costs one Python loop per network.
A :class:`StackedMLP` holds ``k`` independent binary classifiers whose weights carry a
leading axis of size ``k``. Every operation acts on each network separately (batched
matrix products, batch statistics per network, one gradient norm per network), so a
single full-batch step trains all ``k`` networks, each on its own data set.

Shapes: inputs ``(k, n, d)``, labels ``(k, n)`` in ``{0, 1}``, logits ``(k, n)``. The
training loop for a stack is :func:`lessons_lib.stacked_training.train_stack`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
import torch
from torch import nn

from .models import eval_mode
from .seeding import make_generator
from .validation import check_int, check_probability, check_real


def _stacked_init(seeds: Sequence[int], fan_in: int, fan_out: int) -> tuple[torch.Tensor, ...]:
    """``nn.Linear``'s default uniform initialization, drawn from each seed separately."""
    bound = 1 / math.sqrt(fan_in)
    weights, biases = [], []
    for s in seeds:
        gen = make_generator(s * 1009 + fan_in * 31 + fan_out)
        weights.append((2 * torch.rand(fan_in, fan_out, generator=gen) - 1) * bound)
        biases.append((2 * torch.rand(1, fan_out, generator=gen) - 1) * bound)
    return torch.stack(weights), torch.stack(biases)


Strength = float | torch.Tensor


def per_network(name: str, value: object, k: int, check: Callable[..., float]) -> Strength:
    """A regularizer strength: one float for every network, or one value per network.

    A sequence (or 1-D tensor) of ``k`` values gives network ``j`` the strength
    ``value[j]``, so one stack can train a grid of strengths side by side. Each value is
    validated with ``check(name, v)``.

    Example:
        >>> per_network("dropout", [0.1, 0.5], 2, check_probability)
        tensor([0.1000, 0.5000])
    """
    if isinstance(value, (torch.Tensor, np.ndarray)) or (
        isinstance(value, Sequence) and not isinstance(value, (str, bytes))
    ):
        values = [float(v) for v in value]
        if len(values) != k:
            raise ValueError(f"{name} must hold one value per network (k={k}), got {len(values)}")
        return torch.tensor([check(f"{name}[{j}]", v) for j, v in enumerate(values)])
    return check(name, value)


def _column(value: Strength, dims: int) -> Strength:
    """A per-network tensor shaped to broadcast over ``dims`` trailing axes."""
    return value.view(-1, *([1] * dims)) if isinstance(value, torch.Tensor) else value


def _select(value: Strength, idx: list[int]) -> Strength:
    """The strengths of the networks ``idx`` (a single float applies to all)."""
    return value[idx] if isinstance(value, torch.Tensor) else value


def is_active(value: Strength) -> bool:
    """Whether a strength (one float, or one value per network) is positive anywhere."""
    return bool((value > 0).any()) if isinstance(value, torch.Tensor) else value > 0


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
            The two noise levels may also be given per network (see :func:`per_network`).
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

    _drop: torch.Tensor  # (k, 1, 1) drop probability of each network, a buffer

    def __init__(
        self,
        seeds: Sequence[int],
        sizes: Sequence[int],
        dropout: float | Sequence[float] | np.ndarray | torch.Tensor = 0.0,
        batch_norm: bool = False,
        input_noise: float | Sequence[float] | np.ndarray | torch.Tensor = 0.0,
        weight_noise: float | Sequence[float] | np.ndarray | torch.Tensor = 0.0,
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
        if isinstance(dropout, (np.ndarray, torch.Tensor)) or (
            isinstance(dropout, Sequence) and not isinstance(dropout, (str, bytes))
        ):
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
        non_negative = partial(check_real, low=0.0)
        self.input_noise = per_network("input_noise", input_noise, self.k, non_negative)
        self.weight_noise = per_network("weight_noise", weight_noise, self.k, non_negative)
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
        if self.training and is_active(self.input_noise):
            x = x + _column(self.input_noise, 2) * self._noise(x.shape)
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            if self.training and is_active(self.weight_noise):
                W = W + _column(self.weight_noise, 2) * self._noise(W.shape)
            x = torch.baddbmm(b, x, W)
            if i == last:
                break
            if self.batch_norm:
                x = self._normalize(x, i)
            x = torch.relu(x)
            if self.training and bool(self._drop.any()):
                # one float for the whole stack (the usual case), else one p per network
                p = self.p if isinstance(self.p, float) else self._drop
                keep = torch.rand(x.shape, generator=self.generator) >= p
                x = x * keep / (1 - p)
        return x.squeeze(-1)

    @torch.no_grad()
    def apply_max_norm(self, max_norm: float | Sequence[float] | torch.Tensor) -> None:
        """Project each unit's incoming weight vector onto the ball of radius ``max_norm``
        (one radius, or one per network)."""
        positive = partial(check_real, low=0.0, low_inclusive=False)
        radius = _column(per_network("max_norm", max_norm, self.k, positive), 2)
        for W in self.weights:
            norms = W.norm(dim=1, keepdim=True)  # (k, 1, fan_out): one per unit
            W.mul_(torch.clamp(radius / (norms + 1e-12), max=1.0))

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
            input_noise=_select(self.input_noise, idx),
            weight_noise=_select(self.weight_noise, idx),
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
            with eval_mode(self):
                return self(x.expand(self.k, *x.shape))[j]

        return predict
