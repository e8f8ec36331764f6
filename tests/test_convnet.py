"""Tests of lessons_lib.convnet: the stacked CNN equals independent conv2d networks."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from lessons_lib.convnet import StackedConvNet


def reference(net: StackedConvNet, j: int, x: torch.Tensor) -> torch.Tensor:
    """Network j of the stack, written with torch's conv2d and max_pool2d."""
    kernel = net.kernel[j].reshape(net.channels, 1, 3, 3)
    h = F.conv2d(x[:, None], kernel, net.conv_bias[j, :, 0], padding=1)
    h = F.max_pool2d(torch.relu(h), 2)  # (n, channels, 4, 4)
    # the stack orders features as (channel, pooling cell) with cells in raster order
    return h.reshape(len(x), -1) @ net.weight[j] + net.bias[j]


def test_matches_conv2d_per_network():
    net = StackedConvNet([3, 4], channels=5)
    x = torch.rand(2, 7, 8, 8, generator=torch.Generator().manual_seed(0))
    out = net(x)
    for j in range(2):
        torch.testing.assert_close(out[j], reference(net, j, x[j]), atol=1e-5, rtol=1e-5)


def test_same_seed_same_weights_and_independent_networks():
    a, b = StackedConvNet([7, 8]), StackedConvNet([8, 7])
    torch.testing.assert_close(a.kernel[0], b.kernel[1])
    assert not torch.equal(a.kernel[0], a.kernel[1])
    x = torch.rand(2, 4, 8, 8)
    out = a(x)
    out[0].sum().backward()
    assert a.kernel.grad[1].abs().sum() == 0 and a.kernel.grad[0].abs().sum() > 0


def test_bad_input():
    with pytest.raises(TypeError, match="seeds"):
        StackedConvNet([])
    with pytest.raises(ValueError, match="channels"):
        StackedConvNet([0], channels=0)
    with pytest.raises(ValueError, match=r"\(2, n, 8, 8\)"):
        StackedConvNet([0, 1])(torch.zeros(3, 4, 8, 8))
