"""Tests of lessons_lib.normalization (layer and group norm) against torch.nn."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from lessons_lib.normalization import GroupNorm, LayerNorm, group_norm, layer_norm


def randn(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@pytest.mark.parametrize("shape", [(4, 6), (3, 2, 5)])
def test_layer_norm_matches_torch(shape):
    normalized = shape[1:]
    ours, theirs = LayerNorm(normalized).double(), nn.LayerNorm(normalized).double()
    with torch.no_grad():
        ours.weight.copy_(randn(*normalized, seed=5))
        ours.bias.copy_(randn(*normalized, seed=6))
    theirs.load_state_dict(ours.state_dict())
    x = randn(*shape, seed=7)
    torch.testing.assert_close(ours(x), theirs(x))
    torch.testing.assert_close(layer_norm(x, normalized), nn.functional.layer_norm(x, normalized))


@pytest.mark.parametrize(("groups", "shape"), [(1, (3, 4)), (2, (3, 4, 5)), (4, (2, 4, 3, 3))])
def test_group_norm_matches_torch(groups, shape):
    C = shape[1]
    ours, theirs = GroupNorm(groups, C).double(), nn.GroupNorm(groups, C).double()
    with torch.no_grad():
        ours.weight.copy_(torch.linspace(0.5, 2.0, C))
        ours.bias.copy_(torch.linspace(-1.0, 1.0, C))
    theirs.load_state_dict(ours.state_dict())
    x = randn(*shape, seed=8)
    torch.testing.assert_close(ours(x), theirs(x))


@given(seed=st.integers(0, 10_000), n=st.integers(1, 4))
def test_group_norm_with_one_group_is_layer_norm_over_channels(seed, n):
    x = randn(n, 6, seed=seed)
    torch.testing.assert_close(group_norm(x, 1), layer_norm(x, 6))


# --- bad arguments -----------------------------------------------------------------------------


def test_bad_arguments_are_rejected_with_clear_messages():
    with pytest.raises(ValueError, match="must divide"):
        GroupNorm(3, 4)
    with pytest.raises(ValueError, match="must divide"):
        group_norm(torch.randn(2, 4), 3)
    with pytest.raises(ValueError, match="trailing dimensions"):
        layer_norm(torch.randn(2, 5), 4)
    with pytest.raises(ValueError, match="x must be at least 2-D, got a 1-D tensor"):
        group_norm(torch.randn(4), 2)
    with pytest.raises(TypeError, match="floating-point"):
        layer_norm(torch.ones(2, 4, dtype=torch.int64), 4)
    with pytest.raises(ValueError, match="x has 3 channels .* but num_channels=4"):
        GroupNorm(2, 4)(torch.randn(2, 3))
