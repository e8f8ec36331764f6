"""Tests of lessons_lib.mixing: mixup, CutMix and label smoothing."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib.mixing import cutmix, mixup, smooth_labels


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@given(st.floats(0.05, 5.0), st.integers(0, 1000))
def test_mixup_targets_are_the_same_mixture_as_the_images(alpha, seed):
    x = torch.rand(12, 8, 8)
    y = torch.arange(12) % 4
    xm, t = mixup(x, y, 4, alpha, gen(seed))
    torch.testing.assert_close(t.sum(dim=1), torch.ones(12))
    assert torch.all(t >= 0)
    # Recover lambda from the targets and check the images use the same weights.
    g = gen(seed)
    perm = torch.randperm(12, generator=g)
    onehot = F.one_hot(y, 4).float()
    lam = (t - onehot[perm]).sum(dim=1) / 1.0
    same = y == y[perm]
    for i in torch.nonzero(~same).flatten().tolist():
        lam_i = t[i, y[i]]
        torch.testing.assert_close(xm[i], lam_i * x[i] + (1 - lam_i) * x[perm[i]])
    assert lam.shape == (12,)


@pytest.mark.parametrize("mix", [mixup, cutmix])
def test_groups_draw_partners_inside_each_block(mix):
    # Block b holds only label b: mixing inside blocks never brings in another label.
    y = torch.arange(3).repeat_interleave(4)
    x = torch.rand(12, 8, 8)
    _, t = mix(x, y, 3, 1.0, torch.Generator().manual_seed(0), groups=3)
    torch.testing.assert_close(t, torch.nn.functional.one_hot(y, 3).float())
    _, t = mix(x, y, 3, 1.0, torch.Generator().manual_seed(0))  # one block: labels mix
    assert not torch.allclose(t, torch.nn.functional.one_hot(y, 3).float())
    with pytest.raises(ValueError, match="groups=5 must divide"):
        mix(x, y, 3, 1.0, groups=5)


def test_mixup_with_alpha_zero_is_the_identity():
    x, y = torch.rand(5, 8, 8), torch.tensor([0, 1, 2, 3, 4])
    xm, t = mixup(x, y, 5, 0.0, gen())
    assert torch.equal(xm, x)
    assert torch.equal(t, F.one_hot(y, 5).float())


@given(st.floats(0.1, 5.0), st.integers(0, 1000))
def test_cutmix_label_weight_is_the_pasted_area(alpha, seed):
    x = torch.rand(10, 8, 8)
    y = torch.arange(10) % 2
    xm, t = cutmix(x, y, 2, alpha, gen(seed))
    torch.testing.assert_close(t.sum(dim=1), torch.ones(10))
    g = gen(seed)
    perm = torch.randperm(10, generator=g)
    changed = (xm != x).float().mean(dim=(1, 2))
    for i in range(10):
        pasted = (xm[i] == x[perm[i]]) & (xm[i] != x[i])
        if y[i] != y[perm[i]]:
            # the partner's class weight equals the share of its pixels in the image
            assert math.isclose(float(t[i, y[perm[i]]]), float(pasted.float().mean()), abs_tol=1e-6)
        assert changed[i] <= 1.0


def test_cutmix_with_alpha_zero_is_the_identity():
    x, y = torch.rand(4, 8, 8), torch.tensor([0, 1, 0, 1])
    xm, t = cutmix(x, y, 2, 0.0, gen())
    assert torch.equal(xm, x)
    assert torch.equal(t, F.one_hot(y, 2).float())


@given(st.floats(0.0, 0.99), st.integers(2, 12))
def test_label_smoothing_matches_pytorch_loss(eps, k):
    logits = torch.randn(7, k, generator=gen(1))
    y = torch.randint(0, k, (7,), generator=gen(2))
    targets = smooth_labels(y, k, eps)
    torch.testing.assert_close(targets.sum(dim=1), torch.ones(7))
    ours = F.cross_entropy(logits, targets)
    theirs = F.cross_entropy(logits, y, label_smoothing=eps)
    torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: mixup(torch.rand(2, 8, 8), torch.tensor([0, 1]), 1),
            ValueError,
            "num_classes must be in",
        ),
        (
            lambda: mixup(torch.rand(2, 8, 8), torch.tensor([0]), 2),
            ValueError,
            "same length, got 2 and 1",
        ),
        (
            lambda: cutmix(torch.rand(2, 8, 8), torch.tensor([0.0, 1.0]), 2),
            TypeError,
            "integer tensor",
        ),
        (
            lambda: mixup(torch.rand(2, 64), torch.tensor([0, 1]), 2),
            ValueError,
            r"x must be 3-D \(N, H, W\), got a 2-D tensor",
        ),
        (
            lambda: mixup(torch.rand(2, 8, 8), torch.tensor([0, 1]), 2, alpha=-1.0),
            ValueError,
            "alpha must be in",
        ),
        (lambda: smooth_labels(torch.tensor([0]), 3, 1.5), ValueError, "smoothing must be in"),
    ],
)
def test_rejects_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- mix_pairs (the chapter 8 exercise reference) ----------------------------------------------


def test_mix_pairs_blends_each_example_with_its_partner_by_its_own_weight():
    from lessons_lib.mixing import mix_pairs

    x = torch.arange(3.0).reshape(3, 1, 1) * torch.ones(3, 2, 2)
    t = F.one_hot(torch.tensor([0, 1, 2]), 3).float()
    lam, perm = torch.tensor([1.0, 0.25, 0.5]), torch.tensor([2, 0, 1])
    xm, tm = mix_pairs(x, t, lam, perm)
    assert xm[:, 0, 0].tolist() == [0.0, 0.25 * 1 + 0.75 * 0, 0.5 * 2 + 0.5 * 1]
    assert tm.tolist() == [[1.0, 0.0, 0.0], [0.75, 0.25, 0.0], [0.0, 0.5, 0.5]]
    with pytest.raises(ValueError, match="batch size"):
        mix_pairs(x, t, lam[:2], perm)
