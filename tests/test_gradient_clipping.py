"""Tests of lessons_lib.gradient_clipping: clipping by the joint norm."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lessons_lib.gradient_clipping import clip_by_total_norm

# --- clip_by_total_norm (the chapter 10 exercise reference) ------------------------------------


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
def test_clip_by_total_norm_matches_clip_grad_norm_and_leaves_its_input(max_norm):
    gen = torch.Generator().manual_seed(0)
    grads = [torch.randn(3, 4, generator=gen), torch.randn(5, generator=gen)]
    before = [g.clone() for g in grads]
    params = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = g.clone()
    nn.utils.clip_grad_norm_(params, max_norm)
    ours = clip_by_total_norm(grads, max_norm)
    for o, p, g, b in zip(ours, params, grads, before, strict=True):
        assert torch.allclose(o, p.grad, atol=1e-6)
        assert torch.equal(g, b)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_total_norm(grads, 0.0)
