"""Batch normalization, written out and matched against ``torch.nn.BatchNorm1d``.

Taught in chapter 6. Each channel is normalized, ``(x - mean) / sqrt(var + eps)``, with
the mean and variance of its entries over the batch (and length) axes, then mapped by an
optional per-channel affine map ``gamma * x_hat + beta``. In eval mode running estimates
replace the batch statistics. The other normalizations (layer, group) are in
:mod:`lessons_lib.normalization`.

The variance that normalizes is the biased one (divide by the count ``m``). The running
variance that batch norm stores for eval mode is updated with the unbiased one (divide by
``m - 1``), exactly as ``torch.nn.BatchNorm1d`` does.
"""

from __future__ import annotations

import torch
from torch import nn

from .validation import check_int, check_real, check_tensor

__all__ = ["BatchNorm1d", "batch_norm", "scale_and_shift"]


def scale_and_shift(
    x_hat: torch.Tensor,
    weight: torch.Tensor | None,
    bias: torch.Tensor | None,
    shape: tuple[int, ...],
) -> torch.Tensor:
    """``x_hat * weight + bias`` with per-channel ``weight``, ``bias`` reshaped to ``shape``.

    The learned γ and β of every normalization layer of the course (batch, layer and
    group normalization); either may be ``None`` (that step is skipped).
    """
    if weight is not None:
        x_hat = x_hat * weight.reshape(shape)
    if bias is not None:
        x_hat = x_hat + bias.reshape(shape)
    return x_hat


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    training: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Batch normalization of ``(N, C)`` or ``(N, C, L)`` inputs, like ``F.batch_norm``.

    In training mode each channel ``c`` is normalized with the mean ``μ_B`` and the
    *biased* variance ``σ²_B`` of its ``m = N·L`` entries in the batch, and the running
    estimates are updated **in place** with PyTorch's momentum convention (momentum is
    the weight of the *new* value, not of the old one as in optimizers):

    .. math::
        \\hat x = \\frac{x - \\mu_B}{\\sqrt{\\sigma^2_B + \\epsilon}},\\quad
        \\mu_{run} \\leftarrow (1 - \\kappa)\\mu_{run} + \\kappa\\,\\mu_B,\\quad
        \\sigma^2_{run} \\leftarrow (1 - \\kappa)\\sigma^2_{run}
        + \\kappa\\,\\tfrac{m}{m-1}\\sigma^2_B

    In eval mode the running estimates normalize instead, and nothing is updated.

    Args:
        x: input of shape ``(N, C)`` or ``(N, C, L)``.
        running_mean, running_var: running estimates of shape ``(C,)``, updated in place
            in training mode; ``None`` to use batch statistics in both modes.
        weight, bias: ``γ`` and ``β`` of shape ``(C,)``, or ``None`` (no affine map).
        training: use batch statistics and update the running ones. Default: ``True``.
        momentum: weight ``κ`` of the new batch statistic, in ``[0, 1]``. Default: 0.1.
        eps: added to the variance for numerical stability, ``>= 0`` (the module
            ``BatchNorm1d`` requires ``> 0``). Default: 1e-5.

    Raises:
        ValueError: for a wrong rank, mismatched channel counts, or a single value per
            channel in training mode (its variance is 0 and the output would be all 0).

    Example:
        >>> x = torch.tensor([[1.0], [3.0]])
        >>> rm, rv = torch.zeros(1), torch.ones(1)
        >>> batch_norm(x, rm, rv, eps=0.0)
        tensor([[-1.],
                [ 1.]])
        >>> rm, rv  # 0.9 * 0 + 0.1 * 2 and 0.9 * 1 + 0.1 * 2 (unbiased variance 2)
        (tensor([0.2000]), tensor([1.1000]))
    """
    x = check_tensor("x", x, ranks=(2, 3), dtype="float")
    momentum = check_real("momentum", momentum, low=0.0, high=1.0)
    eps = check_real("eps", eps, low=0.0)
    if not isinstance(training, bool):
        raise TypeError(f"training must be a bool, got {training!r}")
    C = x.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and tuple(t.shape) != (C,):
            raise ValueError(
                f"{name} must have shape ({C},) to match x's {C} channels, got {tuple(t.shape)}"
            )
    if (running_mean is None) != (running_var is None):
        raise ValueError("pass both running_mean and running_var, or neither")
    dims = [0] if x.dim() == 2 else [0, 2]
    shape = (1, C) if x.dim() == 2 else (1, C, 1)
    m = x.numel() // C  # entries per channel
    if not training and running_mean is not None and running_var is not None:
        mean, var = running_mean, running_var
    else:
        if m < 2 and training:
            raise ValueError(
                f"batch norm needs more than 1 value per channel in training mode, got input "
                f"of shape {tuple(x.shape)}: the batch variance of one value is 0"
            )
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)  # biased: divide by m
        if training and running_mean is not None and running_var is not None:
            with torch.no_grad():
                running_mean.mul_(1 - momentum).add_(momentum * mean.detach())
                unbiased = var.detach() * m / (m - 1)
                running_var.mul_(1 - momentum).add_(momentum * unbiased)
    x_hat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)
    return scale_and_shift(x_hat, weight, bias, shape)


class BatchNorm1d(nn.Module):
    """Module form of :func:`batch_norm`, a drop-in for ``torch.nn.BatchNorm1d``.

    It has the same parameters (``weight`` = γ, ``bias`` = β) and buffers
    (``running_mean``, ``running_var``, ``num_batches_tracked``), so state dicts load in
    both directions. ``momentum=None`` gives the cumulative average of all batch
    statistics seen so far (``κ = 1 / num_batches_tracked``), as in PyTorch.

    Args:
        num_features: number of channels ``C``.
        eps: added to the variance. Default: 1e-5.
        momentum: weight of the new batch statistic in the running estimates, or
            ``None`` for a cumulative average. Default: 0.1. (Not an optimizer momentum:
            the *old* value gets ``1 - momentum``.)
        affine: learn ``γ`` (init 1) and ``β`` (init 0). Default: ``True``.
        track_running_stats: keep running estimates for eval mode. Default: ``True``.

    Shape:
        Input: ``(N, C)`` or ``(N, C, L)``. Output: same as the input.

    Example:
        >>> bn = BatchNorm1d(3)
        >>> y = bn(torch.randn(8, 3) * 5 + 2)
        >>> bool(torch.allclose(y.mean(0), torch.zeros(3), atol=1e-5))
        True
        >>> int(bn.num_batches_tracked)
        1
    """

    #: Read by :func:`lessons_lib.penalties.split_weights`: γ and β are never penalized.
    is_normalization = True

    running_mean: torch.Tensor | None
    running_var: torch.Tensor | None
    num_batches_tracked: torch.Tensor | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = check_int("num_features", num_features, low=1)
        self.eps = check_real("eps", eps, low=0.0, low_inclusive=False)
        self.momentum = (
            None if momentum is None else check_real("momentum", momentum, low=0.0, high=1.0)
        )
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        if self.affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = check_tensor("x", x, ranks=(2, 3), dtype="float")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"x has {x.shape[1]} channels (dim 1) but num_features={self.num_features}"
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        tracked = self.num_batches_tracked  # None without track_running_stats
        if self.training and tracked is not None:
            tracked.add_(1)
            if self.momentum is None:
                momentum = 1.0 / float(tracked)
        return batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training,
            momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )
