"""A tiny convolutional network for the 8×8 digits, many copies trained at once.

Used in chapter 8 to measure augmentation. A shift or a rotation only makes sense to a
model that knows which pixels are neighbours; a multilayer perceptron sees the 64 pixels
as an unordered vector. :class:`StackedConvNet` holds ``k`` independent networks

    3×3 convolution (``channels`` filters, zero padding) → ReLU → 2×2 max-pooling
    → linear layer to ``num_classes`` logits,

one per seed, evaluated in one batched pass: inputs ``(k, n, 8, 8)``, logits
``(k, n, num_classes)``. The convolution is written as a product with a matrix built
from the 3×3 kernel (every output pixel reads its nine neighbours), which on these tiny
images is faster on a CPU than a grouped ``conv2d`` and gives the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .seeding import make_generator
from .validation import check_int

SIDE = 8  # the digits are 8×8


def _neighbour_maps(side: int = SIDE) -> torch.Tensor:
    """``S[k, i, j] = 1`` if output pixel ``i`` reads input pixel ``j`` through tap ``k``.

    Output pixels are ordered by 2×2 pooling cell, then by position inside the cell, so
    that max-pooling is a maximum over the last axis of length 4.
    """
    maps = torch.zeros(9, side * side, side * side)
    taps = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    half = side // 2
    for k, (dy, dx) in enumerate(taps):
        for r in range(side):
            for c in range(side):
                rr, cc = r + dy, c + dx
                if 0 <= rr < side and 0 <= cc < side:
                    out = ((r // 2) * half + c // 2) * 4 + (r % 2) * 2 + c % 2
                    maps[k, out, rr * side + cc] = 1.0
    return maps


class StackedConvNet(nn.Module):
    """``k`` independent small CNNs for 8×8 images, one per seed.

    Args:
        seeds: one seed per network; network ``j`` is initialized from ``seeds[j]``
            (PyTorch's default uniform initialization), so two stacks built from the
            same seeds start from the same weights.
        channels: number of 3×3 filters. Default: 8.
        num_classes: number of logits. Default: 10.

    Example:
        >>> net = StackedConvNet([0, 1, 2])
        >>> net(torch.zeros(3, 5, 8, 8)).shape
        torch.Size([3, 5, 10])
    """

    def __init__(self, seeds: Sequence[int], channels: int = 8, num_classes: int = 10) -> None:
        super().__init__()
        if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
            raise TypeError(f"seeds must be a non-empty sequence of integers, got {seeds!r}")
        seeds = [check_int(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds)]
        self.channels = check_int("channels", channels, low=1)
        self.num_classes = check_int("num_classes", num_classes, low=2)
        self.k = len(seeds)
        features = self.channels * (SIDE // 2) ** 2
        kernels, conv_bias, weights, biases = [], [], [], []
        for s in seeds:
            gen = make_generator(s)

            def uniform(
                shape: tuple[int, ...], fan_in: int, gen: torch.Generator = gen
            ) -> torch.Tensor:
                return (2 * torch.rand(shape, generator=gen) - 1) / math.sqrt(fan_in)

            kernels.append(uniform((self.channels, 9), 9))
            conv_bias.append(uniform((self.channels, 1), 9))
            weights.append(uniform((features, self.num_classes), features))
            biases.append(uniform((1, self.num_classes), features))
        self.kernel = nn.Parameter(torch.stack(kernels))  # (k, channels, 9)
        self.conv_bias = nn.Parameter(torch.stack(conv_bias))  # (k, channels, 1)
        self.weight = nn.Parameter(torch.stack(weights))  # (k, features, classes)
        self.bias = nn.Parameter(torch.stack(biases))  # (k, 1, classes)
        self.register_buffer("maps", _neighbour_maps(), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[0] != self.k:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"x must have shape ({self.k}, n, 8, 8), got {shape}")
        k, n = x.shape[:2]
        pixels = SIDE * SIDE
        # conv[m, j, c, i]: weight of input pixel j in output pixel i of filter c.
        conv = torch.einsum("mct,tij->mjci", self.kernel, self.maps).reshape(k, pixels, -1)
        h = (x.reshape(k, n, pixels) @ conv).view(k, n, self.channels, pixels)
        h = torch.relu(h + self.conv_bias[:, None])
        h = h.view(k, n, -1, 4).amax(dim=-1)  # 2×2 max-pooling
        return torch.baddbmm(self.bias, h, self.weight)
