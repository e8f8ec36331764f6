"""Tests of lessons_lib.stacked_training: train_stack against k independent trainings."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from stacked_helpers import gen, params_of, step_length, toy_data
from torch import nn

from lessons_lib.early_stopping import stopping_epoch
from lessons_lib.mixing import smoothed_optimal_logit
from lessons_lib.stacked import StackedMLP
from lessons_lib.stacked_training import StackHistory, stack_accuracy, train_stack

# --- train_stack ---------------------------------------------------------------------------------


def sgd_step(model: StackedMLP, X, y, lr: float = 0.1, **kwargs) -> StackHistory:
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    return train_stack(model, X, y, None, None, opt, num_epochs=1, **kwargs)


@pytest.mark.parametrize(("name", "cls"), [("adam", torch.optim.Adam), ("sgd", torch.optim.SGD)])
def test_an_optimizer_by_name_gives_torch_optims_numbers(name, cls):
    X, y = toy_data(3, 40)
    ours, theirs = StackedMLP([0, 1, 2], (2, 8, 1)), StackedMLP([0, 1, 2], (2, 8, 1))
    h = train_stack(ours, X, y, X, y, name, lr=0.05, num_epochs=20, l1=1e-3)
    opt = cls(theirs.parameters(), lr=0.05, foreach=False)
    h_ref = train_stack(theirs, X, y, X, y, opt, num_epochs=20, l1=1e-3)
    np.testing.assert_array_equal(h.as_arrays()["val_loss"], h_ref.as_arrays()["val_loss"])
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(p, q)


def test_training_lowers_the_training_loss_and_leaves_eval_mode():
    X, y = toy_data(3, 40)
    model = StackedMLP([0, 1, 2], (2, 16, 1), dropout=0.1)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    h = train_stack(model, X, y, None, None, opt, num_epochs=60)
    curves = h.as_arrays()
    assert curves["train_loss"].shape == (60, 3)
    assert "val_loss" not in curves
    assert np.all(curves["train_loss"][-1] < 0.7 * curves["train_loss"][0])
    assert np.all(curves["train_acc"][-1] > 0.8)
    assert not model.training
    # the last record is the final model's data loss and accuracy
    with torch.no_grad():
        out = model(X)
    np.testing.assert_allclose(
        curves["train_loss"][-1],
        F.binary_cross_entropy_with_logits(out, y, reduction="none").mean(1).numpy(),
        rtol=1e-6,
    )
    np.testing.assert_array_equal(curves["train_acc"][-1], stack_accuracy(y, out).numpy())
    np.testing.assert_array_equal(h.best_epoch, [60, 60, 60])


def test_stack_accuracy():
    logits = torch.tensor([[2.0, -1.0, 0.5, -3.0], [-1.0, -1.0, -1.0, 1.0]])
    y = torch.tensor([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 1.0]])
    torch.testing.assert_close(stack_accuracy(y, logits), torch.tensor([0.75, 0.5]))


def test_one_step_equals_independent_steps_of_each_network():
    X, y = toy_data(2, 12)
    stack = StackedMLP([4, 9], (2, 8, 1))
    sgd_step(stack, X, y, lr=0.5)
    for j, s in enumerate([4, 9]):
        single = StackedMLP([s], (2, 8, 1))
        sgd_step(single, X[j : j + 1], y[j : j + 1], lr=0.5)
        for a, b in zip(params_of(stack, j), params_of(single, 0), strict=True):
            torch.testing.assert_close(a, b)


def test_l1_adds_lr_times_l1_times_sign_to_the_weights_only():
    X, y = toy_data(2, 12)
    plain, penalized = StackedMLP([0, 1], (2, 8, 1)), StackedMLP([0, 1], (2, 8, 1))
    lr, l1 = 0.1, 0.05
    sgd_step(plain, X, y, lr=lr)
    sgd_step(penalized, X, y, lr=lr, l1=l1)
    for W0, W1 in zip(plain.weights, penalized.weights, strict=True):
        torch.testing.assert_close(W1 - W0, -lr * l1 * torch.sign(W0), atol=1e-6, rtol=0)
    for b0, b1 in zip(plain.biases, penalized.biases, strict=True):
        torch.testing.assert_close(b1, b0)


def test_l1_shrinks_the_weights():
    X, y = toy_data(2, 30)

    def weight_l1(l1: float) -> torch.Tensor:
        model = StackedMLP([0, 1], (2, 16, 1))
        opt = torch.optim.Adam(model.parameters(), lr=0.02)
        train_stack(model, X, y, None, None, opt, num_epochs=80, l1=l1, record_every=80)
        return sum(W.detach().abs().sum(dim=(1, 2)) for W in model.weights)

    assert torch.all(weight_l1(0.01) < 0.8 * weight_l1(0.0))


def test_label_smoothing_bounds_the_logits():
    # six points per network, 32 hidden units: each point can reach its own optimum
    k = 3
    X = torch.randn(k, 6, 2, generator=gen(14))
    y = (torch.rand(k, 6, generator=gen(15)) < 0.5).float()

    def final_logits(eps: float) -> torch.Tensor:
        model = StackedMLP(list(range(k)), (2, 32, 1))
        opt = torch.optim.Adam(model.parameters(), lr=0.02)
        train_stack(model, X, y, None, None, opt, num_epochs=300, label_smoothing=eps)
        with torch.no_grad():
            return model(X)

    eps = 0.2
    target = smoothed_optimal_logit(eps)
    assert target == pytest.approx(math.log((1 - eps / 2) / (eps / 2)))
    smoothed = final_logits(eps)
    torch.testing.assert_close(smoothed.abs(), torch.full_like(smoothed, target), atol=0.05, rtol=0)
    # the sign still follows the label
    assert torch.equal((smoothed > 0).float(), y)
    assert torch.all(final_logits(0.0).abs() > target + 2)


def test_clip_norm_bounds_each_networks_step():
    X, y = toy_data(3, 20)
    X[0] *= 1000  # network 0: a huge gradient
    lr, c = 0.1, 1e-3
    model = StackedMLP([0, 1, 2], (2, 8, 1))
    before = [params_of(model, j) for j in range(3)]
    sgd_step(model, X, y, lr=lr, clip_norm=c)
    for j in range(3):
        step = step_length(params_of(model, j), before[j])
        # every network's gradient is above this tiny threshold: each step has length lr c
        assert step == pytest.approx(lr * c, rel=1e-3)


def test_clip_norm_is_per_network():
    X, y = toy_data(2, 20)
    X[0] *= 1000
    y[0] = 1 - y[0]

    def one_step(clip: float | None) -> StackedMLP:
        model = StackedMLP([0, 1], (2, 8, 1))
        sgd_step(model, X, y, lr=0.1, clip_norm=clip)
        return model

    # the gradient norm of each network, measured without clipping
    model = StackedMLP([0, 1], (2, 8, 1))
    F.binary_cross_entropy_with_logits(model(X), y, reduction="none").mean(1).sum().backward()
    norms = torch.sqrt(sum(p.grad.pow(2).flatten(1).sum(1) for p in model.parameters()))
    assert norms[0] > 100 * norms[1]
    clip = float(2 * norms[1])  # clips network 0 only
    free, clipped = one_step(None), one_step(clip)
    start = StackedMLP([0, 1], (2, 8, 1))
    for a, b in zip(params_of(free, 1), params_of(clipped, 1), strict=True):
        torch.testing.assert_close(a, b)
    step0 = step_length(params_of(clipped, 0), params_of(start, 0))
    assert step0 == pytest.approx(0.1 * clip, rel=1e-3)


def test_clip_active_counts_the_steps_that_clipping_changed():
    X, y = toy_data(2, 20)
    X[0] *= 1000  # network 0's gradient stays far above the threshold
    y[0] = 1 - y[0]
    model = StackedMLP([0, 1], (2, 8, 1))
    F.binary_cross_entropy_with_logits(model(X), y, reduction="none").mean(1).sum().backward()
    norms = torch.sqrt(sum(p.grad.pow(2).flatten(1).sum(1) for p in model.parameters()))
    assert norms[0] > 100 * norms[1]
    clip = float(torch.sqrt(norms[0] * norms[1]))  # between the two norms, far from both
    model = StackedMLP([0, 1], (2, 8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=1e-6)  # tiny steps: the norms barely move
    h = train_stack(model, X, y, None, None, opt, num_epochs=4, clip_norm=clip)
    np.testing.assert_array_equal(h.clip_active, [1.0, 0.0])
    assert sgd_step(StackedMLP([0, 1], (2, 8, 1)), X, y).clip_active is None


def test_max_norm_in_training_keeps_every_unit_inside_the_ball():
    X, y = toy_data(2, 20)
    model = StackedMLP([0, 1], (2, 16, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    train_stack(model, X, y, None, None, opt, num_epochs=30, max_norm=0.5)
    for W in model.weights:
        assert torch.all(W.detach().norm(dim=1) <= 0.5 * (1 + 1e-5))


@pytest.fixture(scope="module")
def early_stopping_run():
    # few noisy points and a wide network: the validation loss turns up early; dropout and
    # weight noise make it wiggle, so a short patience can stop before the overall minimum
    X, y = toy_data(3, 15, seed=16)
    y = torch.where(torch.rand(3, 15, generator=gen(17)) < 0.3, 1 - y, y)
    X_val, y_val = toy_data(3, 200, seed=18)

    def fit(patience: int) -> tuple[StackedMLP, StackHistory]:
        model = StackedMLP([0, 1, 2], (2, 64, 1), dropout=0.5, weight_noise=0.2)
        opt = torch.optim.Adam(model.parameters(), lr=0.03)
        h = train_stack(model, X, y, X_val, y_val, opt, num_epochs=120, patience=patience)
        return model, h

    return X_val, y_val, fit


# On these curves one network's validation loss does not improve for exactly four epochs
# after an early minimum and improves later: patience 4 stops looking there, patience 5
# goes on to the overall minimum. The two values pin the rule down to the epoch.
@pytest.mark.parametrize(
    ("patience", "misses_later_minimum"), [(120, False), (4, True), (5, False)]
)
def test_early_stopping_restores_each_networks_best_epoch(
    early_stopping_run, patience, misses_later_minimum
):
    X_val, y_val, fit = early_stopping_run
    model, h = fit(patience)
    val_loss = h.as_arrays()["val_loss"]
    assert h.epochs == list(range(1, 121))
    assert val_loss.shape == (120, 3)
    argmin = np.argmin(val_loss, axis=0) + 1
    for j in range(3):
        # the rule of lessons_lib.early_stopping, replayed on network j's curve
        _, best = stopping_epoch(val_loss[:, j].tolist(), patience=patience)
        assert h.best_epoch[j] == best
    if misses_later_minimum:
        assert np.any(h.best_epoch < argmin)
    else:
        np.testing.assert_array_equal(h.best_epoch, argmin)
    assert np.any(h.best_epoch < 120)
    assert len(set(h.best_epoch.tolist())) > 1  # each network has its own best epoch
    with torch.no_grad():
        final = F.binary_cross_entropy_with_logits(model(X_val), y_val, reduction="none").mean(1)
    picked = val_loss[h.best_epoch - 1, np.arange(3)]
    np.testing.assert_array_equal(final.numpy(), picked)
    if not misses_later_minimum:
        np.testing.assert_array_equal(final.numpy(), val_loss.min(axis=0))


def test_early_stopping_needs_validation_data():
    X, y = toy_data(1, 10)
    model = StackedMLP([0], (2, 4, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"early stopping \(patience=3\) needs X_val"):
        train_stack(model, X, y, None, None, opt, patience=3)
    with pytest.raises(ValueError, match="pass both X_val and y_val"):
        train_stack(model, X, y, X, None, opt)


@pytest.mark.parametrize(
    ("num_epochs", "every", "epochs"),
    [(10, 4, [4, 8, 10]), (9, 3, [3, 6, 9]), (5, 1, [1, 2, 3, 4, 5]), (3, 10, [3])],
)
def test_record_every_records_the_right_epochs(num_epochs, every, epochs):
    X, y = toy_data(2, 10)
    model = StackedMLP([0, 1], (2, 4, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    h = train_stack(
        model, X, y, X, y, opt, num_epochs=num_epochs, record_every=every, patience=None
    )
    assert h.epochs == epochs
    arrays = h.as_arrays()
    assert set(arrays) == {"train_loss", "val_loss", "train_acc", "val_acc"}
    for a in arrays.values():
        assert a.shape == (len(epochs), 2)
    # training and validation data are the same here
    np.testing.assert_array_equal(arrays["train_loss"], arrays["val_loss"])


def test_record_every_gives_the_same_weights():
    X, y = toy_data(2, 10)
    models = []
    for every in (1, 7):
        model = StackedMLP([0, 1], (2, 4, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        train_stack(model, X, y, None, None, opt, num_epochs=10, record_every=every)
        models.append(model)
    for p, q in zip(models[0].parameters(), models[1].parameters(), strict=True):
        assert torch.equal(p, q)


def test_train_stack_rejects_bad_arguments():
    X, y = toy_data(2, 10)
    model = StackedMLP([0, 1], (2, 4, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="model must be a StackedMLP"):
        train_stack(nn.Linear(2, 1), X, y, None, None, opt)
    with pytest.raises(ValueError, match=r"X_train must hold the k=2 networks' data on axis 0"):
        train_stack(model, X[:1], y, None, None, opt)
    with pytest.raises(ValueError, match=r"y_train must be 2-D \(k, n\), got a 3-D tensor"):
        train_stack(model, X, y[..., None], None, None, opt)
    with pytest.raises(ValueError, match=r"X_val must be 3-D \(k, n, d\), got a 2-D tensor"):
        train_stack(model, X, y, X[0], y, opt)
    with pytest.raises(TypeError, match="X_train must be a torch.Tensor, got ndarray"):
        train_stack(model, X.numpy(), y, None, None, opt)
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        train_stack(model, X, y, None, None, opt, label_smoothing=1.0)
    with pytest.raises(ValueError, match="clip_norm must be in"):
        train_stack(model, X, y, None, None, opt, clip_norm=0.0)
    with pytest.raises(ValueError, match="patience must be in"):
        train_stack(model, X, y, X, y, opt, patience=0)
    with pytest.raises(ValueError, match="record_every must be in"):
        train_stack(model, X, y, None, None, opt, record_every=0)
    with pytest.raises(ValueError, match="l1 must be in"):
        train_stack(model, X, y, None, None, opt, l1=-1.0)
