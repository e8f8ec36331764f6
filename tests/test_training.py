"""Tests of lessons_lib.training: the training loop, its history and evaluation helpers."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from lessons_lib.data import two_moons
from lessons_lib.models import mlp
from lessons_lib.training import (
    Callback,
    History,
    evaluate,
    predict,
    train,
)


@pytest.fixture(scope="module")
def moons():
    X, y = two_moons(64, noise=0.2, seed=0)
    X_val, y_val = two_moons(32, noise=0.2, seed=1)
    return X, y, X_val, y_val


def indexed_data(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs whose first column is the row index, so batches can be traced."""
    X = torch.stack([torch.arange(n, dtype=torch.float32), torch.zeros(n)], dim=1)
    return X, torch.arange(n) % 2


def weights(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def weight_norm(model: nn.Module) -> float:
    return float(sum((p.detach() ** 2).sum() for p in model.parameters()).sqrt())


class TrainForwards:
    """Records the inputs of every forward pass made in train mode."""

    def __init__(self, model: nn.Module):
        self.batches: list[torch.Tensor] = []
        model.register_forward_pre_hook(self._hook)

    def _hook(self, module, args):
        if module.training:
            self.batches.append(args[0].detach().clone())


# --- History ---------------------------------------------------------------------------------


def make_history(with_val: bool = True, epochs: int = 3) -> History:
    h = History()
    for k in range(1, epochs + 1):
        h.train_loss.append(1.0 / k)
        h.train_acc.append(0.5 + 0.1 * k)
        if with_val:
            h.val_loss.append(1.5 / k)
            h.val_acc.append(0.4 + 0.1 * k)
    return h


def test_history_length_and_epochs():
    h = make_history(epochs=4)
    assert len(h) == 4
    assert h.epochs == [1, 2, 3, 4]
    assert History().epochs == []
    assert len(History()) == 0


def test_history_final_with_and_without_validation():
    assert make_history(with_val=True).final() == {
        "train_loss": pytest.approx(1 / 3),
        "train_acc": pytest.approx(0.8),
        "val_loss": pytest.approx(0.5),
        "val_acc": pytest.approx(0.7),
    }
    assert make_history(with_val=False).final() == {
        "train_loss": pytest.approx(1 / 3),
        "train_acc": pytest.approx(0.8),
    }


def test_history_final_of_an_empty_history_raises():
    with pytest.raises(ValueError, match="history is empty"):
        History().final()


def test_history_gap_is_final_train_minus_final_validation_accuracy():
    assert make_history().gap() == pytest.approx(0.8 - 0.7)
    with pytest.raises(ValueError, match="no validation metrics: pass X_val and y_val"):
        make_history(with_val=False).gap()


def test_history_table_with_validation():
    expected = "\n".join(
        [
            "epoch  train loss  train acc   val loss   val acc",
            "    1      1.0000      0.600     1.5000     0.500",
            "    2      0.5000      0.700     0.7500     0.600",
            "    3      0.3333      0.800     0.5000     0.700",
        ]
    )
    assert make_history().table() == expected


def test_history_table_without_validation_has_no_validation_columns():
    lines = make_history(with_val=False, epochs=2).table().splitlines()
    assert lines == [
        "epoch  train loss  train acc",
        "    1      1.0000      0.600",
        "    2      0.5000      0.700",
    ]


def test_history_table_every_keeps_multiples_and_the_last_epoch():
    lines = make_history(epochs=10).table(every=3).splitlines()
    assert [int(line.split()[0]) for line in lines[1:]] == [3, 6, 9, 10]
    lines = make_history(epochs=9).table(every=3).splitlines()
    assert [int(line.split()[0]) for line in lines[1:]] == [3, 6, 9]


def test_history_table_of_an_empty_history_is_the_header():
    assert History().table() == "epoch  train loss  train acc"


@pytest.mark.parametrize(
    ("every", "error", "match"),
    [
        (0, ValueError, r"every must be in \[1, inf\], got 0"),
        (1.0, TypeError, "every must be an integer, got 1.0"),
    ],
)
def test_history_table_rejects_invalid_every(every, error, match):
    with pytest.raises(error, match=match):
        make_history().table(every=every)


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start_training", [True, False])
def test_evaluate_restores_the_train_eval_mode(moons, start_training):
    X, y, _, _ = moons
    model = mlp(2, [8], 1, dropout=0.5, seed=0)
    model.train(start_training)
    seen = []
    model.register_forward_pre_hook(lambda m, a: seen.append(m.training))
    evaluate(model, X, y)
    assert seen == [False], "evaluation must run in eval mode"
    assert model.training is start_training
    assert all(m.training is start_training for m in model.modules())


def test_evaluate_matches_reference_binary_loss_and_accuracy(moons):
    X, y, _, _ = moons
    model = mlp(2, [8], 1, seed=3).eval()
    with torch.no_grad():
        logits = model(X).reshape(-1)
    loss, acc = evaluate(model, X, y)
    assert loss == pytest.approx(
        nn.functional.binary_cross_entropy_with_logits(logits, y.float()).item(), rel=1e-6
    )
    assert acc == pytest.approx(((logits > 0).long() == y).float().mean().item())


def test_evaluate_multiclass_and_custom_loss():
    X = torch.randn(30, 4, generator=torch.Generator().manual_seed(0))
    y = torch.arange(30) % 3
    model = mlp(4, [6], 3, seed=0).eval()
    with torch.no_grad():
        out = model(X)
    loss, acc = evaluate(model, X, y)
    assert loss == pytest.approx(nn.functional.cross_entropy(out, y).item(), rel=1e-6)
    assert acc == pytest.approx((out.argmax(1) == y).float().mean().item())
    loss_sum, _ = evaluate(model, X, y, loss_fn=nn.CrossEntropyLoss(reduction="sum"))
    assert loss_sum == pytest.approx(30 * loss, rel=1e-5)


def test_evaluate_regression_gives_mse_and_nan_accuracy():
    X = torch.linspace(-1, 1, 20)[:, None]
    y = 3 * X[:, 0]
    model = mlp(1, [4], 1, seed=0)
    with torch.no_grad():
        expected = ((model(X)[:, 0] - y) ** 2).mean().item()
    loss, acc = evaluate(model, X, y)
    assert loss == pytest.approx(expected, rel=1e-6)
    assert math.isnan(acc)


@pytest.mark.parametrize("start_training", [True, False])
def test_predict_classes_and_restores_mode(moons, start_training):
    X, _, _, _ = moons
    model = mlp(2, [8], 1, seed=0)
    model.train(start_training)
    with torch.no_grad():
        logits = model.eval()(X)
    model.train(start_training)
    pred = predict(model, X)
    assert torch.equal(pred, (logits.reshape(-1) > 0).long())
    assert model.training is start_training


def test_predict_multiclass_and_regression():
    X = torch.randn(10, 3)
    model = mlp(3, [5], 4, seed=0).eval()
    with torch.no_grad():
        out = model(X)
    assert torch.equal(predict(model, X, task="multiclass"), out.argmax(dim=1))
    assert torch.equal(predict(model, X, task="regression"), out)
    with pytest.raises(ValueError, match="task must be one of .*; got 'labels'"):
        predict(model, X, task="labels")


# --- train -----------------------------------------------------------------------------------


def test_history_has_one_entry_per_epoch(moons):
    X, y, X_val, y_val = moons
    h = train(mlp(2, [8], 1, seed=0), X, y, X_val, y_val, num_epochs=7)
    assert len(h) == len(h.train_acc) == len(h.val_loss) == len(h.val_acc) == 7
    assert h.stopped_epoch is None
    assert h.notes == {}
    h = train(mlp(2, [8], 1, seed=0), X, y, num_epochs=5)
    assert len(h) == len(h.train_acc) == 5
    assert h.val_loss == []
    assert h.val_acc == []


def test_training_learns_the_moons(moons):
    X, y, X_val, y_val = moons
    h = train(mlp(2, [16], 1, seed=0), X, y, X_val, y_val, num_epochs=60, lr=0.03)
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.train_acc[-1] > 0.8
    assert h.val_acc[-1] > 0.75


def test_recorded_metrics_are_the_final_models_metrics(moons):
    X, y, X_val, y_val = moons
    model = mlp(2, [8], 1, seed=0)
    h = train(model, X, y, X_val, y_val, num_epochs=5)
    assert (h.train_loss[-1], h.train_acc[-1]) == pytest.approx(evaluate(model, X, y))
    assert (h.val_loss[-1], h.val_acc[-1]) == pytest.approx(evaluate(model, X_val, y_val))


def test_training_is_reproducible_given_model_and_shuffle_seeds(moons):
    X, y, X_val, y_val = moons
    runs = []
    for _ in range(2):
        model = mlp(2, [8], 1, seed=2)
        h = train(model, X, y, X_val, y_val, num_epochs=5, batch_size=16, seed=4)
        runs.append((h, weights(model)))
    (h1, w1), (h2, w2) = runs
    assert h1 == h2
    assert all(torch.equal(a, b) for a, b in zip(w1, w2, strict=True))


def test_shuffle_seed_changes_mini_batch_training(moons):
    X, y, _, _ = moons
    h1 = train(mlp(2, [8], 1, seed=2), X, y, num_epochs=3, batch_size=16, seed=0)
    h2 = train(mlp(2, [8], 1, seed=2), X, y, num_epochs=3, batch_size=16, seed=1)
    assert h1.train_loss != h2.train_loss


def test_shuffle_seed_does_not_matter_for_full_batch_training(moons):
    X, y, _, _ = moons
    h1 = train(mlp(2, [8], 1, seed=2), X, y, num_epochs=3, seed=0)
    h2 = train(mlp(2, [8], 1, seed=2), X, y, num_epochs=3, seed=1)
    assert h1 == h2


def test_training_does_not_touch_the_global_torch_rng(moons):
    X, y, _, _ = moons
    model = mlp(2, [8], 1, seed=0)
    torch.manual_seed(0)
    state = torch.get_rng_state()
    train(model, X, y, num_epochs=2, batch_size=16)
    assert torch.equal(torch.get_rng_state(), state)


def test_full_batch_training_takes_one_step_per_epoch_on_all_data():
    X, y = indexed_data(20)
    model = mlp(2, [4], 1, seed=0)
    forwards = TrainForwards(model)
    train(model, X, y, num_epochs=3)
    assert len(forwards.batches) == 3
    assert all(torch.equal(b, X) for b in forwards.batches)


@pytest.mark.parametrize(
    ("n", "batch_size", "sizes"), [(64, 16, [16] * 4), (70, 16, [16] * 4 + [6])]
)
def test_mini_batches_cover_every_sample_once_per_epoch(n, batch_size, sizes):
    X, y = indexed_data(n)
    model = mlp(2, [4], 1, seed=0)
    forwards = TrainForwards(model)
    train(model, X, y, num_epochs=2, batch_size=batch_size)
    per_epoch = len(sizes)
    assert [len(b) for b in forwards.batches] == sizes * 2
    epochs = [forwards.batches[:per_epoch], forwards.batches[per_epoch:]]
    orders = []
    for batches in epochs:
        order = torch.cat(batches)[:, 0].long()
        assert sorted(order.tolist()) == list(range(n))
        orders.append(order)
    assert not torch.equal(orders[0], torch.arange(n)), "mini-batches are shuffled"
    assert not torch.equal(orders[0], orders[1]), "each epoch is reshuffled"


def test_batch_size_at_least_n_is_full_batch():
    X, y = indexed_data(10)
    model = mlp(2, [4], 1, seed=0)
    forwards = TrainForwards(model)
    train(model, X, y, num_epochs=2, batch_size=64)
    assert [len(b) for b in forwards.batches] == [10, 10]


def test_full_batch_and_mini_batch_give_different_results(moons):
    X, y, _, _ = moons
    full = train(mlp(2, [8], 1, seed=0), X, y, num_epochs=3)
    mini = train(mlp(2, [8], 1, seed=0), X, y, num_epochs=3, batch_size=8)
    assert full.train_loss != mini.train_loss


def test_model_is_left_in_eval_mode(moons):
    X, y, _, _ = moons
    model = mlp(2, [8], 1, dropout=0.2, batch_norm=True, seed=0)
    model.train()
    train(model, X, y, num_epochs=2, batch_size=16)
    assert not any(m.training for m in model.modules())


def test_large_l2_penalty_shrinks_the_weights(moons):
    X, y, _, _ = moons

    def l2(model):
        return 1.0 * sum((p**2).sum() for p in model.parameters())

    plain = mlp(2, [16], 1, seed=0)
    penalized = mlp(2, [16], 1, seed=0)
    train(plain, X, y, num_epochs=40, lr=0.05)
    train(penalized, X, y, num_epochs=40, lr=0.05, penalty=l2)
    assert weight_norm(penalized) < 0.5 * weight_norm(plain)


def test_penalty_is_called_once_per_step_with_the_model():
    X, y = indexed_data(20)
    model = mlp(2, [4], 1, seed=0)
    calls = []

    def penalty(m):
        calls.append(m)
        return torch.zeros(())

    train(model, X, y, num_epochs=3, batch_size=8, penalty=penalty)
    assert len(calls) == 3 * 3
    assert all(m is model for m in calls)


def test_history_records_the_data_loss_without_the_penalty(moons):
    # A constant penalty has zero gradient: training is unchanged, and so is the history.
    X, y, _, _ = moons
    h_plain = train(mlp(2, [8], 1, seed=1), X, y, num_epochs=4)
    h_const = train(
        mlp(2, [8], 1, seed=1), X, y, num_epochs=4, penalty=lambda m: torch.tensor(100.0)
    )
    assert h_const.train_loss == h_plain.train_loss


def test_custom_optimizer_overrides_lr(moons):
    X, y, _, _ = moons
    model = mlp(2, [8], 1, seed=0)
    before = weights(model)
    h = train(
        model, X, y, num_epochs=3, optimizer=torch.optim.SGD(model.parameters(), lr=0.0), lr=123.0
    )
    assert all(torch.equal(a, b) for a, b in zip(before, weights(model), strict=True))
    assert h.train_loss[0] == h.train_loss[-1]


@pytest.mark.parametrize(
    ("name", "cls", "batch_size"),
    [
        (None, torch.optim.Adam, None),
        ("adam", torch.optim.Adam, 16),
        ("adamw", torch.optim.AdamW, 16),
        ("sgd", torch.optim.SGD, None),
    ],
)
def test_an_optimizer_by_name_gives_torch_optims_numbers(moons, name, cls, batch_size):
    """The library's own optimizers (no torch._dynamo import) reproduce torch.optim exactly."""
    X, y, X_val, y_val = moons
    ours, theirs = mlp(2, [8], 1, seed=0), mlp(2, [8], 1, seed=0)
    kw = {"num_epochs": 5, "batch_size": batch_size, "lr": 0.05}
    h_ours = train(ours, X, y, X_val, y_val, optimizer=name, **kw)
    opt = cls(theirs.parameters(), lr=0.05, foreach=False)
    h_theirs = train(theirs, X, y, X_val, y_val, optimizer=opt, **kw)
    assert h_ours.val_loss == h_theirs.val_loss
    assert all(torch.equal(a, b) for a, b in zip(weights(ours), weights(theirs), strict=True))


def test_an_unknown_optimizer_name_is_refused(moons):
    X, y, _, _ = moons
    message = "optimizer must be one of 'adam', 'adamw', 'sgd'; got 'lbfgs'"
    with pytest.raises(ValueError, match=message):
        train(mlp(2, [8], 1, seed=0), X, y, optimizer="lbfgs")


class StopAt(Callback):
    def __init__(self, epoch: int):
        self.epoch = epoch
        self.events: list = []

    def on_train_begin(self, model, history):
        self.events.append(("begin", len(history)))

    def on_epoch_end(self, epoch, model, history):
        self.events.append(("epoch", epoch, len(history)))
        return epoch >= self.epoch

    def on_train_end(self, model, history):
        self.events.append(("end", len(history), model.training))
        history.notes["ended"] = True


def test_a_callback_can_stop_training(moons):
    X, y, X_val, y_val = moons
    cb = StopAt(3)
    h = train(mlp(2, [8], 1, seed=0), X, y, X_val, y_val, num_epochs=50, callbacks=[cb])
    assert h.stopped_epoch == 3
    assert len(h) == 3
    assert len(h.val_loss) == 3
    assert cb.events == [
        ("begin", 0),
        ("epoch", 1, 1),
        ("epoch", 2, 2),
        ("epoch", 3, 3),
        ("end", 3, False),
    ]
    assert h.notes == {"ended": True}


def test_every_callback_sees_the_epoch_that_another_one_stops():
    X, y = indexed_data(10)
    stopper, watcher = StopAt(2), StopAt(100)
    h = train(mlp(2, [4], 1, seed=0), X, y, num_epochs=10, callbacks=[stopper, watcher])
    assert h.stopped_epoch == 2
    assert watcher.events[-2:] == [("epoch", 2, 2), ("end", 2, False)]


def test_base_callback_never_stops_training():
    X, y = indexed_data(10)
    h = train(mlp(2, [4], 1, seed=0), X, y, num_epochs=4, callbacks=[Callback()])
    assert h.stopped_epoch is None
    assert len(h) == 4


def test_regression_task_gives_nan_accuracy_and_mse_loss():
    X = torch.linspace(-1, 1, 32)[:, None]
    y = X[:, 0] ** 2
    model = mlp(1, [8], 1, seed=0)
    h = train(model, X, y, X, y, num_epochs=20, lr=0.02)
    assert all(math.isnan(a) for a in h.train_acc + h.val_acc)
    with torch.no_grad():
        expected = ((model(X)[:, 0] - y) ** 2).mean().item()
    assert h.train_loss[-1] == pytest.approx(expected, rel=1e-6)
    assert h.train_loss[-1] < h.train_loss[0]
    assert math.isnan(h.gap())


def test_multiclass_task_is_inferred_from_the_output_size():
    X = torch.randn(60, 4, generator=torch.Generator().manual_seed(0))
    y = torch.arange(60) % 3
    model = mlp(4, [8], 3, seed=0)
    h = train(model, X, y, num_epochs=5)
    with torch.no_grad():
        out = model(X)
    assert h.train_loss[-1] == pytest.approx(nn.functional.cross_entropy(out, y).item(), rel=1e-6)
    assert h.train_acc[-1] == pytest.approx((out.argmax(1) == y).float().mean().item())


def test_explicit_task_and_loss_are_used():
    X = torch.linspace(-1, 1, 16)[:, None]
    y = (X[:, 0] > 0).float()  # float targets, but the task says binary
    model = mlp(1, [4], 1, seed=0)
    h = train(model, X, y, num_epochs=3, task="binary", loss_fn=nn.BCEWithLogitsLoss())
    assert not math.isnan(h.train_acc[-1])
    model = mlp(1, [4], 1, seed=0)
    h = train(model, X, X[:, 0], num_epochs=3, loss_fn=nn.L1Loss())
    with torch.no_grad():
        expected = (model(X)[:, 0] - X[:, 0]).abs().mean().item()
    assert h.train_loss[-1] == pytest.approx(expected, rel=1e-6)


def test_batch_norm_model_trains_with_task_inference(moons):
    X, y, _, _ = moons
    model = mlp(2, [8], 1, batch_norm=True, seed=0)
    h = train(model, X, y, num_epochs=3, batch_size=16)
    assert len(h) == 3
    assert all(math.isfinite(v) for v in h.train_loss)


def test_docstring_example(moons):
    X, y = two_moons(64, seed=0)
    h = train(mlp(2, [16], 1, seed=0), X, y, num_epochs=50)
    assert len(h) == 50
    assert h.train_acc[-1] > 0.8


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_epochs": 0}, ValueError, r"num_epochs must be in \[1, inf\], got 0"),
        ({"num_epochs": 2.5}, TypeError, "num_epochs must be an integer, got 2.5"),
        ({"num_epochs": True}, TypeError, "num_epochs must be an integer, got True"),
        ({"batch_size": 0}, ValueError, r"batch_size must be in \[1, inf\], got 0"),
        ({"batch_size": 8.0}, TypeError, "batch_size must be an integer, got 8.0"),
        ({"lr": 0.0}, ValueError, r"lr must be in \(0\.0, inf.*got 0\.0"),
        ({"lr": -0.1}, ValueError, r"lr must be in \(0\.0, inf.*got -0\.1"),
        ({"lr": math.nan}, ValueError, "lr must be in .*got nan"),
        ({"lr": "0.01"}, TypeError, "lr must be a real number, got '0.01'"),
        (
            {"task": "ranking"},
            ValueError,
            "task must be one of 'binary', 'multiclass', 'regression'; got 'ranking'",
        ),
        ({"seed": -1}, ValueError, r"seed must be in \[0, inf\], got -1"),
        ({"seed": None}, TypeError, "seed must be an integer, got None"),
    ],
)
def test_train_rejects_invalid_arguments(kwargs, error, match):
    X, y = indexed_data(8)
    with pytest.raises(error, match=match):
        train(mlp(2, [4], 1), X, y, **kwargs)


def test_train_rejects_a_model_that_is_not_a_module():
    X, y = indexed_data(8)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got function"):
        train(lambda x: x, X, y)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        ([[0.0, 0.0]], torch.tensor([0]), "X_train must be a torch.Tensor, got list"),
        (torch.zeros(1, 2), [0], "y_train must be a torch.Tensor, got list"),
    ],
)
def test_train_rejects_non_tensor_data(X, y, match):
    with pytest.raises(TypeError, match=match):
        train(mlp(2, [4], 1), X, y)


def test_train_rejects_mismatched_lengths():
    X, y = indexed_data(8)
    with pytest.raises(
        ValueError, match="X_train and y_train must have the same length, got 8 and 7"
    ):
        train(mlp(2, [4], 1), X, y[:7])
    with pytest.raises(ValueError, match="X_val and y_val must have the same length, got 8 and 5"):
        train(mlp(2, [4], 1), X, y, X, y[:5])


def test_train_needs_both_validation_parts_or_neither():
    X, y = indexed_data(8)
    with pytest.raises(ValueError, match="pass both X_val and y_val, or neither"):
        train(mlp(2, [4], 1), X, y, X_val=X)
    with pytest.raises(ValueError, match="pass both X_val and y_val, or neither"):
        train(mlp(2, [4], 1), X, y, y_val=y)


def test_train_infers_binary_for_a_model_returning_one_logit_per_row(moons):
    # evaluate() treats a 1-D output as one logit per row; train() must infer the same task.
    X, y, _, _ = moons
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1), nn.Flatten(0))
    h = train(model, X, y, num_epochs=3)
    assert (h.train_loss[-1], h.train_acc[-1]) == pytest.approx(evaluate(model, X, y))


def test_evaluate_rejects_an_unknown_task_even_with_a_loss(moons):
    X, y, _, _ = moons
    model = mlp(2, [4], 1, seed=0)
    with pytest.raises(ValueError, match="task must be one of .*; got 'binray'"):
        evaluate(model, X, y, loss_fn=nn.BCEWithLogitsLoss(), task="binray")
