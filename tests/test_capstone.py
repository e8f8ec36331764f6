"""Tests of lessons_lib.capstone: configurations and the protocol."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib import capstone
from lessons_lib.capstone import Config, Result, run_config, tune_strength
from lessons_lib.disk_data import stacked_splits
from lessons_lib.optimizers import SGD, AdamW
from lessons_lib.stacked import StackedMLP

# --- configurations ------------------------------------------------------------------------------


def test_config_rejects_an_unknown_optimizer():
    with pytest.raises(ValueError, match="optimizer must be one of 'adam', 'adamw', 'sgd'"):
        Config("x", optimizer="rmsprop")


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"lr": 0.0}, "lr must be in"),
        ({"lr": -0.1}, "lr must be in"),
        ({"weight_decay": -1e-3}, "weight_decay must be in"),
        ({"dropout": 1.0}, "dropout must be in"),
        ({"l1": -1.0}, "l1 must be in"),
        ({"input_noise": -0.1}, "input_noise must be in"),
        ({"weight_noise": -0.1}, "weight_noise must be in"),
        ({"label_smoothing": 1.5}, "label_smoothing must be in"),
        ({"max_norm": 0.0}, "max_norm must be in"),
        ({"clip_norm": -1.0}, "clip_norm must be in"),
        ({"patience": 0}, "patience must be"),
    ],
)
def test_config_rejects_bad_numbers(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase):
        Config("x", **kwargs)


def test_config_rejects_bad_types():
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        Config("")
    with pytest.raises(TypeError, match="batch_norm must be True or False"):
        Config("x", batch_norm="yes")
    with pytest.raises(TypeError, match="patience must be an integer"):
        Config("x", patience=2.5)


def test_config_is_frozen():
    config = Config("x")
    with pytest.raises(AttributeError):
        config.lr = 1.0


@pytest.mark.parametrize("name", ["adam", "adamw", "sgd"])
def test_weight_decay_goes_to_weight_matrices_only(name):
    model = StackedMLP([0, 1], (2, 4, 3, 1), batch_norm=True)
    opt = capstone._optimizer(model, Config("x", optimizer=name, lr=0.1, weight_decay=0.5))
    decayed = [g for g in opt.param_groups if g["weight_decay"] > 0]
    assert len(decayed) == 1
    assert {id(p) for p in decayed[0]["params"]} == {id(W) for W in model.weights}
    assert sum(len(g["params"]) for g in opt.param_groups) == len(list(model.parameters()))
    # a step with zero gradients: only the decay acts, and only on the weights
    weights = [W.detach().clone() for W in model.weights]
    others = [p.detach().clone() for p in [*model.biases, *model.gammas, *model.betas]]
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    opt.step()
    for p, before in zip([*model.biases, *model.gammas, *model.betas], others, strict=True):
        assert torch.equal(p, before)
    for W, before in zip(model.weights, weights, strict=True):
        if name == "adam":  # coupled: the gradient is wd W, and Adam's first step is lr sign
            torch.testing.assert_close(W.detach(), before - 0.1 * torch.sign(before))
        else:  # SGD and AdamW: one step of decay multiplies by 1 - lr wd
            torch.testing.assert_close(W.detach(), before * (1 - 0.1 * 0.5))


def test_sgd_uses_momentum():
    model = StackedMLP([0], (2, 1))
    opt = capstone._optimizer(model, Config("x", optimizer="sgd"))
    assert isinstance(opt, SGD)
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    assert isinstance(capstone._optimizer(model, Config("x", optimizer="adamw")), AdamW)


# --- run -----------------------------------------------------------------------------------------

SEEDS = [0, 1, 2]
SIZES = (2, 8, 1)


@pytest.fixture(scope="module")
def data():
    return stacked_splits(SEEDS, n_train=30, n_val=30, n_test=200)


def hand_accuracy(model: StackedMLP, X: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """Accuracy of each network, counted by hand in NumPy."""
    with torch.no_grad():
        logits = model(X).numpy()
    return ((logits > 0) == (y.numpy() > 0.5)).mean(axis=1)


def test_run_returns_one_accuracy_per_seed(data):
    result = run_config(Config("none"), data, SEEDS, sizes=SIZES, num_epochs=40)
    assert isinstance(result, Result)
    assert result.best_epoch is None
    assert not result.model.training
    for acc, X, y in (
        (result.train_acc, data.X_train, data.y_train),
        (result.val_acc, data.X_val, data.y_val),
        (result.test_acc, data.X_test, data.y_test),
    ):
        np.testing.assert_allclose(acc, hand_accuracy(result.model, X, y), rtol=0, atol=1e-6)
    np.testing.assert_allclose(result.gap, result.train_acc - result.test_acc)
    # 40 Adam steps learn something about the circle: better than chance on training data
    assert result.train_acc.mean() > 0.5


def test_run_is_deterministic_and_paired_by_seed(data):
    config = Config("l2", weight_decay=1e-3)
    a = run_config(config, data, SEEDS, sizes=SIZES, num_epochs=20)
    b = run_config(config, data, SEEDS, sizes=SIZES, num_epochs=20)
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(p, q)
    # network j of a run starts from seeds[j]'s weights, whatever the other seeds
    single = stacked_splits([2], n_train=30, n_val=30, n_test=200)
    c = run_config(config, single, [2], sizes=SIZES, num_epochs=20)
    for p, q in zip(a.model.parameters(), c.model.parameters(), strict=True):
        torch.testing.assert_close(p[2], q[0])


def test_run_with_patience_reports_best_epochs(data):
    result = run_config(Config("es", patience=5), data, SEEDS, sizes=SIZES, num_epochs=30)
    assert result.best_epoch.shape == (3,)
    assert np.all((result.best_epoch >= 1) & (result.best_epoch <= 30))


def test_clipping_reports_how_often_it_was_active(data):
    result = run_config(Config("clip", clip_norm=1e-6), data, SEEDS, sizes=SIZES, num_epochs=10)
    np.testing.assert_array_equal(result.clip_active, np.ones(3))  # always above 1e-6
    assert run_config(Config("none"), data, SEEDS, sizes=SIZES, num_epochs=10).clip_active is None
    tuned = tune_strength(
        Config("clip"), "clip_norm", [1e-6, 1e6], data, SEEDS, sizes=SIZES, num_epochs=10
    )
    expected = np.where(tuned.chosen == 1e-6, 1.0, 0.0)  # 1e6 is never reached
    np.testing.assert_array_equal(tuned.clip_active, expected)
    np.testing.assert_array_equal(tuned.grid_clip_active, [[1.0] * 3, [0.0] * 3])


def reference_run(config: Config, data, epochs: int) -> StackedMLP:
    """``epochs`` full-batch steps of ``config`` written out by hand, one term at a time.

    Shares nothing with ``run``/``train_stack`` but the model's forward pass (tested
    against plain torch MLPs in test_stacked.py) and torch's optimizers.
    """
    c = config
    model = StackedMLP(
        SEEDS,
        SWITCH_SIZES,
        dropout=c.dropout,
        batch_norm=c.batch_norm,
        input_noise=c.input_noise,
        weight_noise=c.weight_noise,
        seed=SEEDS[0],
    )
    others = [*model.biases, *model.gammas, *model.betas]
    groups = [
        {"params": list(model.weights), "weight_decay": c.weight_decay},
        {"params": others, "weight_decay": 0.0},
    ]
    if c.optimizer == "sgd":
        opt: torch.optim.Optimizer = torch.optim.SGD(groups, lr=c.lr, momentum=0.9)
    else:
        opt = (torch.optim.AdamW if c.optimizer == "adamw" else torch.optim.Adam)(groups, lr=c.lr)
    y = data.y_train
    targets = y * (1 - c.label_smoothing) + c.label_smoothing / 2
    best_loss = [math.inf] * len(SEEDS)
    best = [None] * len(SEEDS)
    for _ in range(epochs):
        model.train()
        opt.zero_grad()
        logits = model(data.X_train)
        loss = torch.zeros(())
        for j in range(len(SEEDS)):
            loss = loss + F.binary_cross_entropy_with_logits(logits[j], targets[j])
        loss = loss + c.l1 * sum(W.abs().sum() for W in model.weights)
        loss.backward()
        if c.clip_norm is not None:
            for j in range(len(SEEDS)):
                norm = math.sqrt(sum(float(p.grad[j].pow(2).sum()) for p in model.parameters()))
                scale = min(1.0, c.clip_norm / (norm + 1e-12))
                for p in model.parameters():
                    p.grad[j] *= scale
        opt.step()
        if c.max_norm is not None:
            with torch.no_grad():
                for W in model.weights:
                    for j in range(len(SEEDS)):  # each unit's incoming weights: a column
                        W[j] = torch.renorm(W[j], 2, 1, c.max_norm)
        if c.patience is not None:
            model.eval()
            with torch.no_grad():
                val_logits = model(data.X_val)
            for j in range(len(SEEDS)):
                val = float(F.binary_cross_entropy_with_logits(val_logits[j], data.y_val[j]))
                if val < best_loss[j]:
                    best_loss[j] = val
                    best[j] = {n: t[j].clone() for n, t in model.state_dict().items()}
    if c.patience is not None:
        with torch.no_grad():
            for n, t in model.state_dict().items():
                for j in range(len(SEEDS)):
                    t[j] = best[j][n]
    model.eval()
    return model


SWITCH_SIZES = (2, 6, 5, 1)
SWITCHES = {
    "adamw + weight decay": {"optimizer": "adamw", "weight_decay": 0.3},
    "adam + weight decay": {"weight_decay": 0.3},
    "sgd + weight decay": {"optimizer": "sgd", "weight_decay": 0.3},
    "l1": {"l1": 0.05},
    "dropout": {"dropout": 0.3},
    # SGD: the biases before a batch norm get a gradient that is zero up to rounding,
    # which Adam would blow up to steps of size lr in a direction set by rounding alone
    "batch norm": {"batch_norm": True, "optimizer": "sgd"},
    "input noise": {"input_noise": 0.3},
    "weight noise": {"weight_noise": 0.1},
    "label smoothing": {"label_smoothing": 0.3},
    "max-norm": {"max_norm": 0.4},
    "clip-norm": {"clip_norm": 0.05},
    "patience": {"patience": 2, "lr": 0.5},
}


@pytest.mark.parametrize("switch", list(SWITCHES))
def test_run_applies_every_switch_like_a_step_written_by_hand(data, switch):
    config = Config(switch, **{"lr": 0.1, **SWITCHES[switch]})
    epochs = 3
    result = run_config(config, data, SEEDS, sizes=SWITCH_SIZES, num_epochs=epochs)
    want = reference_run(config, data, epochs)
    got_state, want_state = result.model.state_dict(), want.state_dict()
    assert got_state.keys() == want_state.keys()
    for name in want_state:
        torch.testing.assert_close(got_state[name], want_state[name], msg=f"{switch}: {name}")
    # ... and the switch matters: without it the same steps end elsewhere
    plain = reference_run(Config("plain", lr=config.lr), data, epochs)
    moved = [
        not torch.allclose(got_state[n], t, atol=1e-5)
        for n, t in plain.state_dict().items()
        if n in got_state
    ]
    assert any(moved), f"{switch} changed nothing"
    np.testing.assert_allclose(
        result.test_acc, hand_accuracy(want, data.X_test, data.y_test), rtol=0, atol=1e-6
    )


def test_run_rejects_a_non_config(data):
    with pytest.raises(TypeError, match="config must be a Config"):
        run_config({"name": "x"}, data, SEEDS)
