"""Tests of lessons_lib.batched_training: train_batched against k separate train() runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from lessons_lib.batched_training import train_batched
from lessons_lib.data import two_moons
from lessons_lib.loss_rise import RecordOutputs
from lessons_lib.models import mlp
from lessons_lib.penalties import l2_penalty
from lessons_lib.training import predict, train


def blobs(n: int, num_classes: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, num_classes, (n,), generator=gen)
    X = torch.randn(n, 5, generator=gen) + 1.5 * nn.functional.one_hot(y, 5)[:, :5].float()
    return X, y


@pytest.mark.parametrize("num_classes", [2, 4])
def test_each_network_follows_its_own_train_run(num_classes):
    out = 1 if num_classes == 2 else num_classes
    sizes = [30, 45, 60]  # different training-set sizes in one stack
    lams = [0.0, 0.01, 0.1]
    train_sets = [blobs(n, num_classes, seed=j) for j, n in enumerate(sizes)]
    val_sets = [blobs(25 + 5 * j, num_classes, seed=10 + j) for j in range(3)]
    reference = []
    for j, ((X, y), (Xv, yv)) in enumerate(zip(train_sets, val_sets, strict=True)):
        lam = lams[j]
        reference.append(
            train(
                mlp(5, [8, 6], out, seed=j),
                X,
                y,
                Xv,
                yv,
                num_epochs=25,
                lr=0.05,
                penalty=(lambda m, lam=lam: l2_penalty(m, lam)) if lam else None,
            )
        )
    models = [mlp(5, [8, 6], out, seed=j) for j in range(3)]
    runs = train_batched(
        models,
        [X for X, _ in train_sets],
        [y for _, y in train_sets],
        [X for X, _ in val_sets],
        [y for _, y in val_sets],
        num_epochs=25,
        lr=0.05,
        l2=lams,
        watch={"val": [X for X, _ in val_sets]},
    )
    for j, (h, ref) in enumerate(zip(runs, reference, strict=True)):
        for metric in ("train_loss", "val_loss"):
            np.testing.assert_allclose(getattr(h, metric), getattr(ref, metric), rtol=1e-4)
        for metric in ("train_acc", "val_acc"):
            # an accuracy can differ by one example where a logit sits at rounding level
            diff = np.abs(np.subtract(getattr(h, metric), getattr(ref, metric)))
            assert diff.max() <= 1.0 / 25 + 1e-9, (j, metric, diff.max())
        assert h.notes["val"].shape == (25, len(val_sets[j][1]))
        # the trained model is left in place: its predictions are the last recorded ones
        task = "binary" if out == 1 else "multiclass"
        np.testing.assert_array_equal(
            predict(models[j], val_sets[j][0], task).numpy(), h.notes["val"][-1]
        )
        assert not models[j].training


def test_the_penalty_shrinks_the_weights():
    X, y = blobs(40, 3, seed=0)
    models = [mlp(5, [8], 3, seed=0), mlp(5, [8], 3, seed=0)]
    train_batched(models, [X, X], [y, y], num_epochs=40, lr=0.05, l2=[0.0, 0.1])
    norms = [
        sum(float(p.detach().square().sum()) for p in m.parameters() if p.dim() == 2)
        for m in models
    ]
    assert norms[1] < 0.5 * norms[0]


def test_bad_arguments_are_named():
    X, y = blobs(10, 2, seed=0)
    with pytest.raises(TypeError, match="Dropout"):
        train_batched([mlp(5, [4], 1, dropout=0.5)], [X], [y])
    with pytest.raises(ValueError, match="same layers"):
        train_batched([mlp(5, [4], 1), mlp(5, [3], 1)], [X, X], [y, y])
    with pytest.raises(ValueError, match="one tensor per model"):
        train_batched([mlp(5, [4], 1), mlp(5, [4], 1)], [X], [y])
    with pytest.raises(ValueError, match="l2"):
        train_batched([mlp(5, [4], 1)], [X], [y], l2=[0.1, 0.2])
    with pytest.raises(ValueError, match="l2"):
        train_batched([mlp(5, [4], 1)], [X], [y], l2=-1.0)
    with pytest.raises(ValueError, match="both X_val and y_val"):
        train_batched([mlp(5, [4], 1)], [X], [y], X_val=[X])
    with pytest.raises(TypeError, match="integer class labels"):
        train_batched([mlp(5, [4], 1)], [X], [y.float()])
    with pytest.raises(TypeError, match="sequence of networks"):
        train_batched(mlp(5, [4], 1), [X], [y])


@pytest.mark.parametrize("out", [1, 3])
def test_watch_outputs_records_what_record_outputs_records(out):
    if out == 1:
        X, y = two_moons(40, seed=1)
    else:
        X, y = blobs(40, 3, seed=1)
    X_val = X[:7]
    recorder = RecordOutputs(X_val)
    train(mlp(X.shape[1], [6], out, seed=2), X, y, num_epochs=12, lr=0.05, callbacks=[recorder])
    (h,) = train_batched(
        [mlp(X.shape[1], [6], out, seed=2)],
        [X],
        [y],
        num_epochs=12,
        lr=0.05,
        watch={"val": [X_val]},
        watch_outputs=True,
    )
    expected = recorder.stacked().numpy()
    assert h.notes["val"].shape == expected.shape
    assert h.notes["val"].dtype.kind == "f"
    np.testing.assert_allclose(h.notes["val"], expected, rtol=1e-4, atol=1e-5)


def test_watch_outputs_must_be_a_bool():
    X, y = two_moons(20, seed=0)
    with pytest.raises(TypeError, match="watch_outputs"):
        train_batched([mlp(2, [4], 1, seed=0)], [X], [y], num_epochs=2, watch_outputs=1)
