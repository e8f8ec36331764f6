"""Chapter 10 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lessons_lib.checks import check_clip_by_norm, check_max_norm, check_mc_predict


def clip_with_torch(grads, max_norm):
    params = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = g.clone()
    nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params]


@pytest.mark.parametrize(
    "answer",
    [
        clip_with_torch,
        lambda grads, c: [
            g * min(1.0, c / float(torch.cat([h.flatten() for h in grads]).norm())) for g in grads
        ],
        lambda grads, c: [
            g.numpy() * min(1.0, c / float(torch.norm(torch.stack([h.norm() for h in grads]))))
            for g in grads
        ],
    ],
)
def test_clip_accepts_correct_answers(answer):
    assert check_clip_by_norm(answer)


@pytest.mark.parametrize(
    "answer",
    [
        lambda W, c: W * torch.clamp(c / W.norm(dim=1, keepdim=True), max=1.0),
        lambda W, c: torch.stack([r * min(1.0, c / float(r.norm())) for r in W]),
        lambda W, c: torch.renorm(W.double(), 2, 0, c).numpy(),
    ],
)
def test_max_norm_accepts_correct_answers(answer):
    assert check_max_norm(answer)


def mc_with_grad(model, X, n):
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.train()
    passes = torch.stack([model(X) for _ in range(n)])  # still requires grad
    return passes.mean(0), passes.std(0)


def mc_whole_model_train(model, X, n):
    model.train()  # batch norm too
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(n)])
    return passes.mean(0), passes.std(0)


@pytest.mark.parametrize(
    ("answer", "says"),
    [(mc_with_grad, "torch.no_grad()"), (mc_whole_model_train, "batch norm ran in training")],
)
def test_mc_gradients_and_batch_norm_in_training_mode_are_named(answer, says):
    fb = check_mc_predict(answer)
    assert not fb and says in fb.message, fb.message


def mc_numpy(model, X, n):
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(n)]).numpy()
    return passes.mean(0), passes.std(0)


@pytest.mark.parametrize("answer", [mc_numpy])
def test_mc_accepts_correct_answers(answer):
    fb = check_mc_predict(answer)
    assert fb, fb.message


def test_mc_fixed_seed_per_pass_is_not_told_dropout_was_off():
    def reseeded(model, X, n):
        for m in model.modules():
            if isinstance(m, nn.Dropout):
                m.train()
        outs = []
        with torch.no_grad():
            for _ in range(n):
                torch.manual_seed(42)
                outs.append(model(X))
        P = torch.stack(outs)
        return P.mean(0), P.std(0)

    fb = check_mc_predict(reseeded)
    assert not fb and "same output" in fb.message and "dropout was off" not in fb.message
