"""Tests of lessons_lib.augmented_training: fresh augmentations at every step."""

from __future__ import annotations

import pytest
import torch

from lessons_lib.augmentation import random_shift
from lessons_lib.augmented_training import fit_augmented
from lessons_lib.convnet import StackedConvNet
from lessons_lib.mixing import mixup
from lessons_lib.models import mlp


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_fit_augmented_learns_and_is_reproducible(images):
    x, y = images
    acc = []
    for _ in range(2):
        model = fit_augmented(
            mlp(64, [32], 10, seed=0),
            x,
            y,
            lambda xb, yb, g: (random_shift(xb, 1, g), yb),
            num_epochs=30,
            lr=0.02,
            batch_size=16,
            seed=1,
        )
        assert not model.training
        with torch.no_grad():
            acc.append((model(x.reshape(32, -1)).argmax(1) == y).float().mean().item())
    assert acc[0] == acc[1]
    assert acc[0] > 0.5


def test_fit_augmented_soft_one_hot_targets_train_like_labels(images):
    x, y = images
    trained = []
    for transform in (
        lambda xb, yb, g: (xb, yb),
        lambda xb, yb, g: (xb, torch.nn.functional.one_hot(yb, 10).float()),
    ):
        model = fit_augmented(mlp(64, [16], 10, seed=0), x, y, transform, 5, seed=2)
        assert not model.training
        trained.append(torch.cat([p.detach().flatten() for p in model.parameters()]))
    torch.testing.assert_close(trained[0], trained[1])
    model = fit_augmented(
        mlp(64, [16], 10, seed=0), x, y, lambda xb, yb, g: mixup(xb, yb, 10, 0.4, g), 5
    )
    changed = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert not torch.allclose(changed, trained[0])


def test_fit_augmented_stack_trains_each_model_as_if_alone(images):
    x, y = images
    X = torch.stack([x, x.flip(-1)])
    Y = torch.stack([y, y])
    both = fit_augmented(StackedConvNet([5, 6]), X, Y, None, num_epochs=10, lr=0.02)
    alone = fit_augmented(StackedConvNet([6]), X[1:], Y[1:], None, num_epochs=10, lr=0.02)
    torch.testing.assert_close(both.kernel[1:], alone.kernel, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(both.weight[1:], alone.weight, atol=1e-5, rtol=1e-4)
    with pytest.raises(ValueError, match="y must have shape"):
        fit_augmented(StackedConvNet([5, 6]), X, y, None, num_epochs=1)


def test_fit_augmented_trains_on_soft_targets(images):
    # One full-batch epoch of mixup, against the same step written out by hand: the
    # model must be fitted to the soft targets, not to the original labels.
    x, y = images
    mix = lambda xb, yb, g: mixup(xb, yb, 10, 0.4, g)  # noqa: E731
    model = fit_augmented(mlp(64, [16], 10, seed=0), x, y, mix, num_epochs=1, seed=3)
    assert not model.training

    def by_hand(soft: bool) -> torch.nn.Module:
        g = gen(3)
        perm = torch.randperm(len(x), generator=g)
        xm, targets = mixup(x[perm], y[perm], 10, 0.4, g)
        assert soft is False or bool((targets.max(dim=1).values < 1).any())  # really soft
        ref = mlp(64, [16], 10, seed=0)
        opt = torch.optim.Adam(ref.parameters(), lr=0.01)
        loss = torch.nn.functional.cross_entropy(
            ref(xm.reshape(len(xm), -1)), targets if soft else y[perm]
        )
        loss.backward()
        opt.step()
        return ref

    want, hard = by_hand(soft=True), by_hand(soft=False)
    for p, q in zip(model.parameters(), want.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    assert any(
        not torch.allclose(p, r) for p, r in zip(model.parameters(), hard.parameters(), strict=True)
    )


@pytest.mark.parametrize(("name", "cls"), [("adam", torch.optim.Adam), ("sgd", torch.optim.SGD)])
def test_fit_augmented_with_an_optimizer_by_name_gives_torch_optims_numbers(images, name, cls):
    x, y = images
    shift = lambda xb, yb, g: (random_shift(xb, 1, g), yb)  # noqa: E731
    ours = fit_augmented(mlp(64, [16], 10, seed=0), x, y, shift, 3, 0.05, 32, 4, optimizer=name)
    ref = mlp(64, [16], 10, seed=0)
    opt = cls(ref.parameters(), lr=0.05, foreach=False)
    theirs = fit_augmented(ref, x, y, shift, 3, 0.05, 32, 4, optimizer=opt)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(p, q)
