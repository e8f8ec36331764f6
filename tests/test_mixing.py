"""Tests of lessons_lib.mixing: mixup, CutMix and label smoothing."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib.mixing import cutmix, mixup, smooth_labels, smoothed_optimal_logit


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def partners(n: int, seed: int) -> torch.Tensor:
    """The permutation mixup and CutMix draw first from ``gen(seed)``."""
    return torch.randperm(n, generator=gen(seed))


@given(st.floats(0.05, 5.0), st.integers(0, 1000))
def test_mixup_targets_are_the_same_mixture_as_the_images(alpha, seed):
    x = torch.rand(12, 8, 8, dtype=torch.float64)
    y = torch.arange(12) % 4
    xm, t = mixup(x, y, 4, alpha, gen(seed))
    perm = partners(12, seed)
    onehot = F.one_hot(y, 4).to(t.dtype)
    moved = perm != torch.arange(12)
    assert moved.any()
    for i in torch.nonzero(moved).flatten().tolist():
        # lambda from the images alone: xm - xp = lam (x - xp), solved by least squares
        d, e = x[i] - x[perm[i]], xm[i] - x[perm[i]]
        lam = float((d * e).sum() / (d * d).sum())
        assert 0.0 <= lam <= 1.0 + 1e-6
        torch.testing.assert_close(xm[i], lam * x[i] + (1 - lam) * x[perm[i]])
        # ... and the targets are mixed with that same lambda
        want = lam * onehot[i] + (1 - lam) * onehot[perm[i]]
        torch.testing.assert_close(t[i], want, atol=1e-5, rtol=0)


def test_mixup_lambdas_follow_beta_alpha_alpha():
    # 4,000 draws of Beta(a, a): mean 1/2 and variance 1 / (4 (2a + 1)), each checked to
    # five standard errors (a fixed generator: the check is deterministic).
    n, alpha = 4000, 0.4
    x = torch.zeros(n, 1, 2, dtype=torch.float64)
    x[:, 0, 0] = 1.0  # every image is (1, 0), its partner too: lambda reads off as x[0, 1]
    x[:, 0, 1] = torch.arange(n, dtype=torch.float64)  # ... and partners stay distinct
    xm, _ = mixup(x, torch.zeros(n, dtype=torch.long), 2, alpha, gen(3))
    perm = partners(n, 3)
    moved = perm != torch.arange(n)
    lam = (xm[moved, 0, 1] - x[perm[moved], 0, 1]) / (x[moved, 0, 1] - x[perm[moved], 0, 1])
    var = 1 / (4 * (2 * alpha + 1))
    m = len(lam)
    assert abs(float(lam.mean()) - 0.5) < 5 * math.sqrt(var / m)
    # the sample variance of Beta draws has standard error below sqrt(2 var^2 / m) * 2
    assert abs(float(lam.var()) - var) < 5 * 2 * var * math.sqrt(2 / m)
    assert float(lam.min()) >= 0.0 and float(lam.max()) <= 1.0


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
def test_cutmix_pastes_one_box_and_weighs_the_label_by_its_area(alpha, seed):
    x = torch.rand(10, 8, 8, dtype=torch.float64)
    y = torch.arange(10) % 2
    xm, t = cutmix(x, y, 2, alpha, gen(seed))
    torch.testing.assert_close(t.sum(dim=1), torch.ones(10, dtype=t.dtype))
    perm = partners(10, seed)
    onehot = F.one_hot(y, 2).to(t.dtype)
    for i in range(10):
        if perm[i] == i:
            assert torch.equal(xm[i], x[i])
            continue
        box = xm[i] != x[i]  # random pixels: the pasted ones are exactly those that differ
        assert torch.equal(xm[i][box], x[perm[i]][box])  # ... and come from the partner
        rows, cols = box.any(dim=1), box.any(dim=0)
        assert torch.equal(box, rows[:, None] & cols[None, :])  # one axis-aligned box
        if box.any():  # the rows and columns it spans are contiguous
            r, c = torch.nonzero(rows).flatten(), torch.nonzero(cols).flatten()
            assert int(r[-1] - r[0]) + 1 == len(r) and int(c[-1] - c[0]) + 1 == len(c)
        share = box.to(t.dtype).mean()
        torch.testing.assert_close(t[i], (1 - share) * onehot[i] + share * onehot[perm[i]])


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


# --- smoothed_optimal_logit ----------------------------------------------------------------------


@pytest.mark.parametrize("eps", [0.02, 0.1, 0.2, 0.5, 0.9])
def test_smoothed_optimal_logit_minimizes_the_smoothed_loss(eps):
    z_star = smoothed_optimal_logit(eps)
    target = torch.tensor(1 - eps / 2, dtype=torch.float64)

    def loss(z: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(z, target.expand_as(z), reduction="none")

    # a fine grid search ...
    grid = torch.linspace(-12.0, 12.0, 240_001, dtype=torch.float64)
    assert z_star == pytest.approx(float(grid[torch.argmin(loss(grid))]), abs=2e-4)
    # ... and a zero derivative: sigmoid(z*) equals the smoothed target
    z = torch.tensor(z_star, dtype=torch.float64, requires_grad=True)
    loss(z).backward()
    assert abs(float(z.grad)) < 1e-6
    # a negative example's smoothed optimum is the mirror image
    neg_grid = F.binary_cross_entropy_with_logits(
        grid, torch.full_like(grid, eps / 2), reduction="none"
    )
    assert -z_star == pytest.approx(float(grid[torch.argmin(neg_grid)]), abs=2e-4)


def test_smoothed_optimal_logit_shrinks_with_smoothing_and_is_infinite_at_zero():
    assert smoothed_optimal_logit(0.0) == math.inf
    values = [smoothed_optimal_logit(e) for e in (0.01, 0.1, 0.3, 0.6, 0.99)]
    assert values == sorted(values, reverse=True)
    assert smoothed_optimal_logit(0.2) == pytest.approx(math.log(9))


@pytest.mark.parametrize("eps", [1.0, -0.1, 2.0])
def test_smoothed_optimal_logit_rejects_bad_smoothing(eps):
    with pytest.raises(ValueError, match="smoothing must be in"):
        smoothed_optimal_logit(eps)
