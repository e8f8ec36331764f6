"""Stochastic depth and a small residual network to try it on (chapter 10).

* :class:`StochasticDepth` skips a residual branch at random during training
  (Huang et al., 2016), here in its *inverted* form: a kept branch is scaled by
  ``1 / (1 - p)`` so that evaluation needs no change, like inverted dropout. As in
  torchvision and :class:`torch.nn.Dropout`, ``p`` is the probability of *dropping*. In
  ``"batch"`` mode (Huang et al.'s form) one draw decides for the whole batch and a
  skipped branch is not computed at all; in ``"row"`` mode (torchvision's name) each
  example gets its own draw and the branch is always computed.
* :class:`ResidualMLP` is a small residual network to try it on.
"""

from __future__ import annotations

import torch
from torch import nn

from .validation import check_choice, check_int, check_real

__all__ = ["MODES", "ResidualMLP", "StochasticDepth"]

#: The two forms of stochastic depth: one draw per batch, or one per example.
MODES = ("batch", "row")


class StochasticDepth(nn.Module):
    """``x + b · branch(x) / (1 - p)`` with ``b ~ Bernoulli(1 - p)``.

    In eval mode (or with ``p = 0``) it is the plain residual block
    ``x + branch(x)``. Averaged over the random ``b`` the training-mode output equals
    the eval-mode output, the same bookkeeping as inverted dropout.

    Args:
        branch: the residual branch; must map its input to the same shape.
        p: probability of dropping the branch (replacing the block by the identity),
            in ``[0, 1)``, as torchvision's ``StochasticDepth(p, mode)``.
        generator: optional ``torch.Generator`` for the draws. Default: global.
        mode: ``"row"``: one draw per example, the branch always computed (default);
            ``"batch"``: one draw per forward pass, and a dropped branch is skipped,
            which is where the method saves computation.

    Example:
        >>> block = StochasticDepth(nn.Linear(3, 3), p=0.5).eval()
        >>> x = torch.ones(2, 3)
        >>> torch.equal(block(x), x + block.branch(x))
        True
    """

    def __init__(
        self,
        branch: nn.Module,
        p: float,
        generator: torch.Generator | None = None,
        mode: str = "row",
    ) -> None:
        super().__init__()
        self.mode = check_choice("mode", mode, MODES)
        if not isinstance(branch, nn.Module):
            raise TypeError(f"branch must be a torch.nn.Module, got {type(branch).__name__}")
        self.branch = branch
        self.p = check_real("p", p, low=0.0, high=1.0, high_inclusive=False)
        self.generator = generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x + self.branch(x)
        survival = 1.0 - self.p
        if self.mode == "batch":
            if float(torch.rand((), generator=self.generator)) >= survival:
                return x  # skipped: the branch is not computed
            return x + self.branch(x) / survival
        out = self.branch(x)
        shape = (x.shape[0],) + (1,) * (x.dim() - 1)  # one draw per example
        keep = torch.rand(shape, generator=self.generator) < survival
        return x + out * keep / survival

    def extra_repr(self) -> str:
        return f"p={self.p}, mode={self.mode!r}"


class ResidualMLP(nn.Module):
    """``Linear → [x + f(x)] × depth → ReLU → Linear`` with ``f = Linear-ReLU-Linear``.

    Block ``l = 1..depth`` is dropped with probability
    ``(l / depth) * stochastic_depth_prob``, the linear rule of Huang et al.: early
    blocks are almost always kept, the last one is dropped with
    ``stochastic_depth_prob`` (torchvision's name for it).

    Args:
        in_features: size of each input.
        width: width of the residual stream.
        depth: number of residual blocks.
        out_features: size of the output.
        stochastic_depth_prob: drop probability of the last block, in ``[0, 1)``;
            0 disables stochastic depth. Default: 0.
        mode: ``"batch"`` (Huang et al.: skipped blocks are not computed) or
            ``"row"``, see :class:`StochasticDepth`. Default: ``"batch"``.
        seed: seed of the initial weights and of the draws. Default: 0.

    Example:
        >>> net = ResidualMLP(2, 8, 4, 1, stochastic_depth_prob=0.5)
        >>> [round(b.p, 3) for b in net.blocks]
        [0.125, 0.25, 0.375, 0.5]
    """

    def __init__(
        self,
        in_features: int,
        width: int,
        depth: int,
        out_features: int,
        stochastic_depth_prob: float = 0.0,
        seed: int = 0,
        mode: str = "batch",
    ) -> None:
        super().__init__()
        in_features = check_int("in_features", in_features, low=1)
        width = check_int("width", width, low=1)
        depth = check_int("depth", depth, low=1)
        out_features = check_int("out_features", out_features, low=1)
        stochastic_depth_prob = check_real(
            "stochastic_depth_prob", stochastic_depth_prob, low=0.0, high=1.0, high_inclusive=False
        )
        seed = check_int("seed", seed, low=0)
        state = torch.random.get_rng_state()
        torch.manual_seed(seed)
        try:
            self.stem = nn.Linear(in_features, width)
            gen = torch.Generator().manual_seed(seed + 1)
            self.blocks = nn.ModuleList(
                StochasticDepth(
                    nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width)),
                    p=(block / depth) * stochastic_depth_prob,
                    generator=gen,
                    mode=mode,
                )
                for block in range(1, depth + 1)
            )
            self.head = nn.Sequential(nn.ReLU(), nn.Linear(width, out_features))
        finally:
            torch.random.set_rng_state(state)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.stem(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h)
