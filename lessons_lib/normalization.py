"""Layer and group normalization, written out and matched against PyTorch.

Taught in chapter 6, after batch norm (:mod:`lessons_lib.batch_norm`). Both compute
``(x - mean) / sqrt(var + eps)`` and then an optional affine map ``gamma * x_hat + beta``;
unlike batch norm they take their statistics from each example alone:

* layer norm: each example over its own features;
* group norm: each example over groups of channels.

No batch statistics means no running estimates: training and eval mode are the same.
The variance is the biased one (divide by the count), as in PyTorch.
"""

from __future__ import annotations

import torch
from torch import nn

from .batch_norm import scale_and_shift
from .validation import check_int, check_real, check_tensor

__all__ = ["GroupNorm", "LayerNorm", "group_norm", "layer_norm"]


def layer_norm(
    x: torch.Tensor,
    normalized_shape: int | tuple[int, ...],
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Layer normalization: each example normalized over its last dimensions.

    No batch statistics and no running estimates: training and eval mode are the same,
    and a batch of one example is fine.

    Args:
        x: input whose trailing dimensions equal ``normalized_shape``.
        normalized_shape: size(s) of the normalized trailing dimensions.
        weight, bias: element-wise ``γ``, ``β`` of shape ``normalized_shape``, or ``None``.
        eps: added to the (biased) variance. Default: 1e-5.

    Example:
        >>> layer_norm(torch.tensor([[1.0, 3.0], [0.0, 10.0]]), 2, eps=0.0)
        tensor([[-1.,  1.],
                [-1.,  1.]])
    """
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(check_int("normalized_shape", int(s), low=1) for s in normalized_shape)
    x = check_tensor("x", x, ranks=range(len(normalized_shape), 9), dtype="float")
    eps = check_real("eps", eps, low=0.0)
    if tuple(x.shape[-len(normalized_shape) :]) != normalized_shape:
        raise ValueError(
            f"the trailing dimensions of x {tuple(x.shape)} must equal "
            f"normalized_shape {normalized_shape}"
        )
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, unbiased=False, keepdim=True)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat


def group_norm(
    x: torch.Tensor,
    num_groups: int,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Group normalization: each example normalized over groups of consecutive channels.

    The ``C`` channels are split into ``num_groups`` groups of ``C / num_groups``
    consecutive channels; one group gives layer norm over ``(C, *)``, ``C`` groups give
    instance norm. Then a per-channel affine map.

    Args:
        x: input of shape ``(N, C, *)``.
        num_groups: number of groups; must divide ``C``.
        weight, bias: per-channel ``γ``, ``β`` of shape ``(C,)``, or ``None``.
        eps: added to the (biased) variance. Default: 1e-5.

    Example:
        >>> x = torch.tensor([[1.0, 3.0, 0.0, 10.0]])
        >>> group_norm(x, 2, eps=0.0)
        tensor([[-1.,  1., -1.,  1.]])
    """
    x = check_tensor("x", x, ranks=range(2, 9), dtype="float")
    num_groups = check_int("num_groups", num_groups, low=1)
    eps = check_real("eps", eps, low=0.0)
    N, C = x.shape[:2]
    if C % num_groups:
        raise ValueError(f"num_groups={num_groups} must divide the number of channels C={C}")
    grouped = x.reshape(N, num_groups, -1)
    mean = grouped.mean(dim=2, keepdim=True)
    var = grouped.var(dim=2, unbiased=False, keepdim=True)
    x_hat = ((grouped - mean) / torch.sqrt(var + eps)).reshape(x.shape)
    return scale_and_shift(x_hat, weight, bias, (1, C) + (1,) * (x.dim() - 2))


class LayerNorm(nn.Module):
    """Module form of :func:`layer_norm`, with the parameters of ``torch.nn.LayerNorm``.

    Args:
        normalized_shape: size(s) of the normalized trailing dimensions.
        eps: added to the variance. Default: 1e-5.
        elementwise_affine: learn ``γ`` (init 1) and ``β`` (init 0). Default: ``True``.

    Example:
        >>> LayerNorm(4)(torch.randn(2, 4)).shape
        torch.Size([2, 4])
    """

    #: Read by :func:`lessons_lib.penalties.split_weights`: γ and β are never penalized.
    is_normalization = True

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
    ) -> None:
        super().__init__()
        shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        self.normalized_shape = tuple(check_int("normalized_shape", s, low=1) for s in shape)
        self.eps = check_real("eps", eps, low=0.0, low_inclusive=False)
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
            self.bias = nn.Parameter(torch.zeros(self.normalized_shape))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class GroupNorm(nn.Module):
    """Module form of :func:`group_norm`, with the parameters of ``torch.nn.GroupNorm``.

    Args:
        num_groups: number of channel groups; must divide ``num_channels``.
        num_channels: number of channels ``C``.
        eps: added to the variance. Default: 1e-5.
        affine: learn per-channel ``γ`` (init 1) and ``β`` (init 0). Default: ``True``.

    Example:
        >>> GroupNorm(2, 4)(torch.randn(3, 4, 5)).shape
        torch.Size([3, 4, 5])
    """

    #: Read by :func:`lessons_lib.penalties.split_weights`: γ and β are never penalized.
    is_normalization = True

    def __init__(
        self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True
    ) -> None:
        super().__init__()
        self.num_groups = check_int("num_groups", num_groups, low=1)
        self.num_channels = check_int("num_channels", num_channels, low=1)
        if num_channels % num_groups:
            raise ValueError(f"num_groups={num_groups} must divide num_channels={num_channels}")
        self.eps = check_real("eps", eps, low=0.0, low_inclusive=False)
        if affine:
            self.weight = nn.Parameter(torch.ones(num_channels))
            self.bias = nn.Parameter(torch.zeros(num_channels))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() >= 2 and x.shape[1] != self.num_channels:
            raise ValueError(
                f"x has {x.shape[1]} channels (dim 1) but num_channels={self.num_channels}"
            )
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)
