"""Tests of lessons_lib.mc_dropout: dropout kept on at prediction time."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from lessons_lib.dropout import Dropout as CourseDropout
from lessons_lib.mc_dropout import mc_dropout_predict

# --- mc_dropout_predict ---------------------------------------------------------------------------


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def dropout_net(p: float = 0.4, seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Dropout(p), nn.Linear(16, 2))


def test_mc_mean_is_the_eval_output_for_a_linear_head():
    model = dropout_net()
    X = torch.randn(5, 3, generator=gen(13))
    with torch.no_grad():
        expected = model.eval()(X)
    torch.manual_seed(0)
    n = 2000
    mean, std = mc_dropout_predict(model, X, num_samples=n)
    assert mean.shape == std.shape == (5, 2)
    assert torch.all(std > 0)
    assert torch.all((mean - expected).abs() < 5 * std / math.sqrt(n))
    assert not mean.requires_grad


def test_mc_std_is_the_spread_of_the_passes():
    model = dropout_net()
    X = torch.randn(4, 3, generator=gen(14))
    torch.manual_seed(5)
    mean, std = mc_dropout_predict(model, X, num_samples=10)
    torch.manual_seed(5)
    model.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(10)])
    torch.testing.assert_close(mean, passes.mean(0))
    torch.testing.assert_close(std, passes.std(0))


def test_mc_restores_every_modules_training_flag():
    model = dropout_net()
    model.train()
    model[0].eval()
    model[2].eval()  # dropout switched off by the user: switched on for the call only
    before = [m.training for m in model.modules()]
    mc_dropout_predict(model, torch.randn(3, 3), num_samples=3)
    assert [m.training for m in model.modules()] == before
    model.eval()
    mc_dropout_predict(model, torch.randn(3, 3), num_samples=3)
    assert not any(m.training for m in model.modules())


def test_mc_keeps_batch_norm_in_eval_mode():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1)
    ).train()
    model(torch.randn(16, 3))  # running statistics away from their start
    buffers = {n: b.clone() for n, b in model.named_buffers()}
    # one example: BatchNorm in training mode would raise, in eval mode it is fine
    mean, std = mc_dropout_predict(model, torch.randn(1, 3), num_samples=50)
    assert mean.shape == (1, 1)
    for name, b in model.named_buffers():
        assert torch.equal(b, buffers[name]), name
    assert model[1].training


def test_mc_recognizes_the_course_dropout():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), CourseDropout(0.5), nn.Linear(8, 1))
    _, std = mc_dropout_predict(model.eval(), torch.randn(4, 2), num_samples=20)
    assert torch.all(std > 0)


def test_mc_recognizes_channel_dropout():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 8),
        nn.ReLU(),
        nn.Unflatten(1, (8, 1)),
        nn.Dropout1d(0.5),
        nn.Flatten(),
        nn.Linear(8, 1),
    )
    _, std = mc_dropout_predict(model.eval(), torch.randn(4, 2), num_samples=20)
    assert torch.all(std > 0)


@pytest.mark.parametrize(
    "model",
    [
        nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)),
        nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.0), nn.Linear(4, 1)),
    ],
)
def test_mc_needs_an_active_dropout_layer(model):
    with pytest.raises(ValueError, match="no dropout layer with p > 0"):
        mc_dropout_predict(model, torch.randn(3, 2))


def test_mc_rejects_bad_arguments():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        mc_dropout_predict(lambda x: x, torch.randn(3, 2))
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        mc_dropout_predict(dropout_net(), [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="num_samples must be in"):
        mc_dropout_predict(dropout_net(), torch.randn(3, 3), num_samples=1)
