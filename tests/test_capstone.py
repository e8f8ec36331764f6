"""Tests of lessons_lib.capstone: the data, the protocol and the paired comparisons."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib import capstone
from lessons_lib.capstone import (
    BALANCED_RADIUS2,
    Config,
    Result,
    disk_data,
    run,
    stacked_splits,
    tune,
)
from lessons_lib.optimizers import SGD, AdamW
from lessons_lib.stacked import StackedMLP
from lessons_lib.stats import Summary, paired_difference, summarize, t_quantile_975, verdict

# --- the data ------------------------------------------------------------------------------------


def clean_labels(X: torch.Tensor) -> torch.Tensor:
    return (X.pow(2).sum(dim=1) > BALANCED_RADIUS2).float()


def test_disk_data_is_balanced_and_on_the_square():
    n = 40_000
    X, y = disk_data(n, flip=0.0, seed=0)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert y.dtype == torch.float32
    assert set(y.unique().tolist()) == {0.0, 1.0}
    assert float(X.min()) >= -2 and float(X.max()) <= 2
    # the circle covers half of the square: the mean label is 0.5 up to sampling noise
    assert abs(float(y.mean()) - 0.5) < 5 * math.sqrt(0.25 / n)
    torch.testing.assert_close(y, clean_labels(X))


@pytest.mark.parametrize("flip", [0.1, 0.3])
def test_disk_data_flips_the_requested_fraction(flip):
    n = 40_000
    X, y = disk_data(n, flip=flip, seed=1)
    X0, _ = disk_data(n, flip=0.0, seed=1)
    assert torch.equal(X, X0)  # the flips do not move the points
    flipped = (y != clean_labels(X)).double().mean()
    assert abs(float(flipped) - flip) < 5 * math.sqrt(flip * (1 - flip) / n)
    # symmetric noise keeps the classes balanced
    assert abs(float(y.mean()) - 0.5) < 5 * math.sqrt(0.25 / n)


def test_disk_data_is_deterministic_per_seed():
    a, b, c = disk_data(50, seed=3), disk_data(50, seed=3), disk_data(50, seed=4)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


def test_disk_data_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    disk_data(100, seed=2)
    assert torch.equal(torch.random.get_rng_state(), state)


@pytest.mark.parametrize("flip", [0.5, 0.7, -0.1])
def test_disk_data_rejects_bad_flip(flip):
    with pytest.raises(ValueError, match=r"flip must be in \[0.0, 0.5\)"):
        disk_data(10, flip=flip)


def test_disk_data_rejects_bad_sizes_and_seeds():
    with pytest.raises(ValueError, match="n_samples must be in"):
        disk_data(0)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        disk_data(10.0)
    with pytest.raises(ValueError, match="seed must be in"):
        disk_data(10, seed=-1)


def test_stacked_splits_shapes_and_layout():
    d = stacked_splits([0, 5, 9], n_train=7, n_val=5, n_test=11, flip=0.1)
    assert d.X_train.shape == (3, 7, 2) and d.y_train.shape == (3, 7)
    assert d.X_val.shape == (3, 5, 2) and d.y_val.shape == (3, 5)
    assert d.X_test.shape == (3, 11, 2) and d.y_test.shape == (3, 11)
    # row j is one draw of disk_data with seeds[j], cut into three consecutive pieces
    X, y = disk_data(23, flip=0.1, seed=5)
    assert torch.equal(torch.cat([d.X_train[1], d.X_val[1], d.X_test[1]]), X)
    assert torch.equal(torch.cat([d.y_train[1], d.y_val[1], d.y_test[1]]), y)


def test_stacked_splits_differ_between_seeds():
    d = stacked_splits([0, 1], n_train=20, n_val=20, n_test=20)
    assert not torch.equal(d.X_train[0], d.X_train[1])
    assert not torch.equal(d.X_test[0], d.X_test[1])
    again = stacked_splits([1], n_train=20, n_val=20, n_test=20)
    assert torch.equal(again.X_train[0], d.X_train[1])


def test_stacked_splits_rejects_bad_arguments():
    with pytest.raises(ValueError, match="seeds must not be empty"):
        stacked_splits([])
    with pytest.raises(ValueError, match="n_val must be in"):
        stacked_splits([0], n_val=0)
    with pytest.raises(ValueError, match=r"seeds\[1\] must be in"):
        stacked_splits([0, -2])


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
    result = run(Config("none"), data, SEEDS, sizes=SIZES, num_epochs=40)
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
    a = run(config, data, SEEDS, sizes=SIZES, num_epochs=20)
    b = run(config, data, SEEDS, sizes=SIZES, num_epochs=20)
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(p, q)
    # network j of a run starts from seeds[j]'s weights, whatever the other seeds
    single = stacked_splits([2], n_train=30, n_val=30, n_test=200)
    c = run(config, single, [2], sizes=SIZES, num_epochs=20)
    for p, q in zip(a.model.parameters(), c.model.parameters(), strict=True):
        torch.testing.assert_close(p[2], q[0])


def test_run_with_patience_reports_best_epochs(data):
    result = run(Config("es", patience=5), data, SEEDS, sizes=SIZES, num_epochs=30)
    assert result.best_epoch.shape == (3,)
    assert np.all((result.best_epoch >= 1) & (result.best_epoch <= 30))


def test_clipping_reports_how_often_it_was_active(data):
    result = run(Config("clip", clip_norm=1e-6), data, SEEDS, sizes=SIZES, num_epochs=10)
    np.testing.assert_array_equal(result.clip_active, np.ones(3))  # always above 1e-6
    assert run(Config("none"), data, SEEDS, sizes=SIZES, num_epochs=10).clip_active is None
    tuned = tune(Config("clip"), "clip_norm", [1e-6, 1e6], data, SEEDS, sizes=SIZES, num_epochs=10)
    expected = np.where(tuned.chosen == 1e-6, 1.0, 0.0)  # 1e6 is never reached
    np.testing.assert_array_equal(tuned.clip_active, expected)


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
    result = run(config, data, SEEDS, sizes=SWITCH_SIZES, num_epochs=epochs)
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
        run({"name": "x"}, data, SEEDS)


# --- paired comparisons ---------------------------------------------------------------------------


def test_paired_difference_is_the_summary_of_the_differences():
    a, b = [0.8, 0.82, 0.81], [0.7, 0.71, 0.72]
    s = paired_difference(a, b)
    assert isinstance(s, Summary)
    ref = summarize([0.1, 0.11, 0.09])
    for field in ("mean", "std", "ci95", "min", "max"):
        assert getattr(s, field) == pytest.approx(getattr(ref, field))
    assert s.n == 3
    assert s.mean == pytest.approx(0.1)
    assert s.ci95 == pytest.approx(t_quantile_975(2) * 0.01 / math.sqrt(3))


def test_pairing_removes_the_spread_between_seeds():
    # seeds differ a lot, the configurations by a steady 0.01: paired, the gain is clear
    base = np.array([0.60, 0.75, 0.90, 0.70])
    better = base + 0.01 + np.array([0.001, -0.001, 0.0, 0.0005])
    assert verdict(paired_difference(better, base)) == "higher"
    assert verdict(paired_difference(base, better)) == "lower"
    # the same numbers with the pairing broken (each run compared with another seed's):
    # the spread between seeds swamps the steady gain
    mismatched = np.roll(base, 1)
    assert verdict(paired_difference(better, mismatched)) == "not distinguishable"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([0.8, 0.82, 0.81], [0.7, 0.71, 0.72], "higher"),
        ([0.7, 0.71, 0.72], [0.8, 0.82, 0.81], "lower"),
        ([0.8, 0.7, 0.9], [0.75, 0.85, 0.8], "not distinguishable"),
        ([0.5, 0.5, 0.5], [0.5, 0.5, 0.5], "not distinguishable"),
        ([0.6, 0.6], [0.5, 0.5], "higher"),  # no spread at all: the interval is a point
        ([0.9], [0.1], "not distinguishable"),  # one seed gives no interval
    ],
)
def test_verdict_on_handmade_numbers(a, b, expected):
    assert verdict(paired_difference(a, b)) == expected


def test_verdict_looks_at_the_interval_not_the_mean():
    # mean 0.02 > 0 but the 95 % interval reaches below zero
    s = paired_difference([0.1, 0.0, 0.06], [0.0, 0.04, 0.06])
    assert s.mean > 0 and s.mean - s.ci95 < 0
    assert verdict(s) == "not distinguishable"
    assert verdict(Summary(0.02, 0.0, 0.019, 3, 0.0, 0.0)) == "higher"
    assert verdict(Summary(-0.02, 0.0, 0.019, 3, 0.0, 0.0)) == "lower"
    assert verdict(Summary(0.02, 0.0, 0.021, 3, 0.0, 0.0)) == "not distinguishable"


def test_paired_difference_rejects_unpaired_shapes():
    with pytest.raises(ValueError, match="got shapes \\(3,\\) and \\(2,\\)"):
        paired_difference([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="must be 1-D arrays"):
        paired_difference([[1.0, 2.0]], [[1.0, 2.0]])


@pytest.mark.parametrize("value", [0.5, (0.1, 0.02), None, "higher"])
def test_verdict_needs_a_summary(value):
    with pytest.raises(TypeError, match="difference must be a Summary"):
        verdict(value)
