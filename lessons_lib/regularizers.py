"""Further regularizers of chapter 10: stochastic depth and Monte Carlo dropout.

* :class:`StochasticDepth` skips a residual branch at random during training
  (Huang et al., 2016), here in its *inverted* form: a kept branch is scaled by
  ``1 / survival`` so that evaluation needs no change, like inverted dropout. In
  ``"batch"`` mode (Huang et al.'s form) one draw decides for the whole batch and a
  skipped branch is not computed at all; in ``"row"`` mode (torchvision's name) each
  example gets its own draw and the branch is always computed.
* :class:`ResidualMLP` is a small residual network to try it on.
* :func:`mc_dropout_predict` keeps dropout switched on at prediction time and averages
  many passes (Gal and Ghahramani, 2016): the spread of the passes is a cheap measure
  of the model's uncertainty.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._validate import check_choice, check_int, check_probability, check_real
from .dropout import Dropout as CourseDropout
from .models import eval_mode

#: Every PyTorch dropout layer (``Dropout``, ``Dropout1d/2d/3d``, the alpha variants)
#: derives from ``_DropoutNd``; the course's own layer is added to them.
DROPOUT_TYPES: tuple[type[nn.Module], ...] = (nn.modules.dropout._DropoutNd, CourseDropout)


#: The two forms of stochastic depth: one draw per batch, or one per example.
MODES = ("batch", "row")


class StochasticDepth(nn.Module):
    """``x + b · branch(x) / survival`` with ``b ~ Bernoulli(survival)``.

    In eval mode (or with ``survival = 1``) it is the plain residual block
    ``x + branch(x)``. Averaged over the random ``b`` the training-mode output equals
    the eval-mode output, the same bookkeeping as inverted dropout.

    Args:
        branch: the residual branch; must map its input to the same shape.
        survival: probability of keeping the branch, in ``(0, 1]``.
        generator: optional ``torch.Generator`` for the draws. Default: global.
        mode: ``"row"``: one draw per example, the branch always computed (default);
            ``"batch"``: one draw per forward pass, and a dropped branch is skipped,
            which is where the method saves computation.

    Example:
        >>> block = StochasticDepth(nn.Linear(3, 3), survival=0.5).eval()
        >>> x = torch.ones(2, 3)
        >>> torch.equal(block(x), x + block.branch(x))
        True
    """

    def __init__(
        self,
        branch: nn.Module,
        survival: float,
        generator: torch.Generator | None = None,
        mode: str = "row",
    ) -> None:
        super().__init__()
        self.mode = check_choice("mode", mode, MODES)
        if not isinstance(branch, nn.Module):
            raise TypeError(f"branch must be a torch.nn.Module, got {type(branch).__name__}")
        self.branch = branch
        self.survival = check_real("survival", survival, low=0.0, high=1.0, low_inclusive=False)
        self.generator = generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.survival == 1.0:
            return x + self.branch(x)
        if self.mode == "batch":
            if float(torch.rand((), generator=self.generator)) >= self.survival:
                return x  # skipped: the branch is not computed
            return x + self.branch(x) / self.survival
        out = self.branch(x)
        shape = (x.shape[0],) + (1,) * (x.dim() - 1)  # one draw per example
        keep = torch.rand(shape, generator=self.generator) < self.survival
        return x + out * keep / self.survival

    def extra_repr(self) -> str:
        return f"survival={self.survival}, mode={self.mode!r}"


class ResidualMLP(nn.Module):
    """``Linear → [x + f(x)] × depth → ReLU → Linear`` with ``f = Linear-ReLU-Linear``.

    Block ``l = 1..depth`` survives with probability
    ``1 - (l / depth) (1 - final_survival)``, the linear decay rule of Huang et al.:
    early blocks are almost always kept, the last one with ``final_survival``.

    Args:
        in_features: size of each input.
        width: width of the residual stream.
        depth: number of residual blocks.
        out_features: size of the output.
        final_survival: survival probability of the last block, in ``(0, 1]``;
            1 disables stochastic depth. Default: 1.
        mode: ``"batch"`` (Huang et al.: skipped blocks are not computed) or
            ``"row"``, see :class:`StochasticDepth`. Default: ``"batch"``.
        seed: seed of the initial weights and of the draws. Default: 0.

    Example:
        >>> net = ResidualMLP(2, 8, 4, 1, final_survival=0.5)
        >>> [round(b.survival, 3) for b in net.blocks]
        [0.875, 0.75, 0.625, 0.5]
    """

    def __init__(
        self,
        in_features: int,
        width: int,
        depth: int,
        out_features: int,
        final_survival: float = 1.0,
        seed: int = 0,
        mode: str = "batch",
    ) -> None:
        super().__init__()
        in_features = check_int("in_features", in_features, low=1)
        width = check_int("width", width, low=1)
        depth = check_int("depth", depth, low=1)
        out_features = check_int("out_features", out_features, low=1)
        final_survival = check_real(
            "final_survival", final_survival, low=0.0, high=1.0, low_inclusive=False
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
                    survival=1.0 - (block / depth) * (1.0 - final_survival),
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


@torch.no_grad()
def mc_dropout_predict(
    model: nn.Module, X: torch.Tensor, num_samples: int = 100
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and standard deviation of ``num_samples`` passes with dropout switched on.

    Only the dropout layers are put in training mode; everything else (batch norm in
    particular) stays in eval mode. The model's modes are restored afterwards.

    Args:
        model: a network containing at least one dropout layer.
        X: inputs.
        num_samples: number of stochastic passes, at least 2. Default: 100.

    Returns:
        ``(mean, std)`` over the passes, each shaped like one output of ``model``.

    Raises:
        ValueError: if ``model`` has no dropout layer (every pass would be equal).

    Example:
        >>> net = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 1))
        >>> mean, std = mc_dropout_predict(net, torch.ones(4, 1), num_samples=10)
        >>> mean.shape, bool((std > 0).all())
        (torch.Size([4, 1]), True)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X must be a torch.Tensor, got {type(X).__name__}")
    num_samples = check_int("num_samples", num_samples, low=2)
    drops = [m for m in model.modules() if isinstance(m, DROPOUT_TYPES)]
    active = [m for m in drops if getattr(m, "p", 0.0) > 0]
    if not active:
        raise ValueError(
            "model has no dropout layer with p > 0: Monte Carlo dropout needs one "
            f"(found {len(drops)} dropout layers)"
        )
    with eval_mode(model):
        for m in drops:
            m.train()
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


def smoothed_optimal_logit(label_smoothing: float) -> float:
    """The logit that minimizes binary cross-entropy against targets smoothed by ``ε``.

    A positive example's target becomes ``1 - ε/2``; the loss is smallest where the
    predicted probability equals the target, i.e. at ``log((1 - ε/2) / (ε/2))``, a
    finite value (without smoothing the optimum is at infinity).

    Example:
        >>> round(smoothed_optimal_logit(0.2), 4)
        2.1972
    """
    eps = check_probability("label_smoothing", label_smoothing)
    if eps == 0:
        return float("inf")
    return float(torch.log(torch.tensor((1 - eps / 2) / (eps / 2))))


def clip_by_total_norm(grads: Sequence[torch.Tensor], max_norm: float) -> list[torch.Tensor]:
    """Scale gradients by one common factor so that their joint norm is at most ``max_norm``.

    The same rule as :func:`torch.nn.utils.clip_grad_norm_` (including its ``1e-6``
    guard), but on plain tensors and without modifying them: the norm is taken over all
    entries of all tensors together, and gradients already inside the ball come back
    unchanged (clipping never scales up).

    Args:
        grads: gradient tensors of any shapes.
        max_norm: the largest joint norm allowed, positive.

    Returns:
        New tensors, in the order of ``grads``.

    Example:
        >>> clip_by_total_norm([torch.tensor([3.0]), torch.tensor([4.0])], 1.0)
        [tensor([0.6000]), tensor([0.8000])]
    """
    max_norm = check_real("max_norm", max_norm, low=0.0, low_inclusive=False)
    grads = list(grads)
    if not grads or not all(isinstance(g, torch.Tensor) for g in grads):
        raise TypeError("grads must be a non-empty sequence of torch.Tensor")
    total = torch.stack([g.detach().double().pow(2).sum() for g in grads]).sum().sqrt()
    factor = min(1.0, max_norm / (float(total) + 1e-6))
    return [g * factor for g in grads]
