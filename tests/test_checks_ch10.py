"""Tests of lessons_lib.checks.ch10: gradient clipping, max-norm and Monte Carlo dropout."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from lessons_lib.checks.ch10 import check_clip_by_norm, check_max_norm, check_mc_predict
from lessons_lib.checks.feedback import Feedback
from lessons_lib.regularizers import mc_dropout_predict


def todo(*args):
    raise NotImplementedError()


def total_norm(grads):
    return torch.sqrt(sum(g.pow(2).sum() for g in grads))


# --- clip by norm ------------------------------------------------------------------------------


def clip_with_torch(grads, max_norm):
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = g.clone()
    nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params]


def clip_in_place(grads, max_norm):
    norm = total_norm(grads)
    if norm > max_norm:
        for g in grads:
            g.mul_(max_norm / norm)
    return grads


def clip_to_numpy(grads, max_norm):
    scale = min(1.0, max_norm / float(total_norm(grads)))
    return tuple((g * scale).numpy() for g in grads)


@pytest.mark.parametrize("answer", [clip_with_torch, clip_in_place, clip_to_numpy])
def test_clip_accepts_correct_answers(answer):
    fb = check_clip_by_norm(answer)
    assert fb
    assert "clip_grad_norm_" in fb.message


def per_tensor(grads, max_norm):
    return [g * min(1.0, max_norm / float(g.norm())) for g in grads]


def scales_up(grads, max_norm):
    return [g * max_norm / total_norm(grads) for g in grads]


def squared_norm(grads, max_norm):
    norm2 = total_norm(grads) ** 2
    return [g * min(1.0, max_norm / float(norm2)) for g in grads]


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda g, c: [x.clamp(-c, c) for x in g], "that is clipping by value"),
        (per_tensor, "clipped each tensor by its own norm"),
        (scales_up, "return them unchanged (clipping never scales up)"),
        (squared_norm, "after clipping it should be max_norm=1.0"),
        (lambda g, c: [x * 0 for x in g], "after clipping it should be max_norm=1.0"),
    ],
)
def test_clip_rejects_typical_mistakes(answer, phrase):
    fb = check_clip_by_norm(answer)
    assert not fb
    assert phrase in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda g, c: None, "return a list of 2 tensors"),
        (lambda g, c: torch.cat([x.flatten() for x in g]), "return a list of 2 tensors"),
        (lambda g, c: g[:1], "return a list of 2 tensors"),
        (lambda g, c: [x.flatten() for x in g], "should have shape (3, 4), got (12,)"),
        (lambda g, c: ["a", "b"], "return a tensor, got str"),
        (lambda g, c: [None, None], "return a tensor, got NoneType"),
        (lambda g, c: [[x, x] for x in g], "return a tensor, got list"),
        (lambda g, c: g[0] @ g[1], "your function raised RuntimeError"),
        (lambda g: g, "your function raised TypeError"),
        (todo, "not attempted yet"),
        ("clip", "expected a function, got str"),
    ],
)
def test_clip_never_raises_on_bad_answers(answer, phrase):
    fb = check_clip_by_norm(answer)
    assert isinstance(fb, Feedback) and not fb
    assert phrase in fb.message


def test_clip_nan_answer_is_rejected_without_raising():
    fb = check_clip_by_norm(lambda g, c: [x * float("nan") for x in g])
    assert not fb
    assert "max_norm" in fb.message


# --- max-norm projection -------------------------------------------------------------------------


def by_hand(W, c):
    return W * torch.clamp(c / W.norm(dim=1, keepdim=True), max=1.0)


def row_loop(W, c):
    rows = []
    for w in W.tolist():
        norm = float(np.linalg.norm(w))
        rows.append([x * c / norm for x in w] if norm > c else w)
    return rows


@pytest.mark.parametrize("answer", [lambda W, c: torch.renorm(W, 2, 0, c), by_hand, row_loop])
def test_max_norm_accepts_correct_answers(answer):
    fb = check_max_norm(answer)
    assert fb
    assert "torch.renorm" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda W, c: torch.renorm(W, 2, 1, c), "you constrained the columns"),
        (
            lambda W, c: W * torch.clamp(c / W.norm(dim=0, keepdim=True), max=1.0),
            "you constrained the columns",
        ),
        (lambda W, c: c * W / W.norm(dim=1, keepdim=True), "rows already shorter than c"),
        (lambda W, c: W * min(1.0, c / float(W.norm())), "Frobenius norm"),
        (lambda W, c: W.clamp(-c, c), "scaled to norm exactly c"),
        (lambda W, c: W, "scaled to norm exactly c"),
    ],
)
def test_max_norm_rejects_typical_mistakes(answer, phrase):
    fb = check_max_norm(answer)
    assert not fb
    assert phrase in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda W, c: None, "return a tensor, got NoneType"),
        (lambda W, c: "W", "return a tensor, got str"),
        (lambda W, c: torch.renorm(W, 2, 0, c).T, "should have shape (6, 4), got (4, 6)"),
        (lambda W, c: W.norm(dim=1), "should have shape (6, 4), got (6,)"),
        (lambda W, c: list(W), "return a tensor, got list"),
        (lambda W, c: W[10], "your function raised IndexError"),
        (todo, "not attempted yet"),
    ],
)
def test_max_norm_never_raises_on_bad_answers(answer, phrase):
    fb = check_max_norm(answer)
    assert isinstance(fb, Feedback) and not fb
    assert phrase in fb.message


# --- Monte Carlo dropout -------------------------------------------------------------------------


def mc_by_hand(model, X, num_samples):
    model.train()
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


def mc_listing(model, X, num_samples):
    mean, std = mc_by_hand(model, X, num_samples)
    return [mean.tolist(), std.numpy()]


@pytest.mark.parametrize("answer", [mc_dropout_predict, mc_by_hand, mc_listing])
def test_mc_accepts_correct_answers(answer):
    fb = check_mc_predict(answer)
    assert fb
    assert "mean and spread" in fb.message


def dropout_off(model, X, num_samples):
    model.eval()
    return mc_by_hand_no_mode(model, X, num_samples)


def mc_by_hand_no_mode(model, X, num_samples):
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return passes.mean(dim=0), passes.std(dim=0)


def summed(model, X, num_samples):
    mean, std = mc_by_hand(model, X, num_samples)
    return mean * num_samples, std


def one_pass_as_mean(model, X, num_samples):
    mean, std = mc_by_hand(model, X, num_samples)
    model.train()
    with torch.no_grad():
        return model(X), std


def standard_error(model, X, num_samples):
    mean, std = mc_by_hand(model, X, num_samples)
    return mean, std / num_samples**0.5


def spread_over_inputs(model, X, num_samples):
    mean, _ = mc_by_hand(model, X, num_samples)
    with torch.no_grad():
        passes = torch.stack([model(X) for _ in range(num_samples)])
    return mean, passes.std(dim=1, keepdim=True)[0].expand_as(mean)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (dropout_off, "dropout was off during the passes"),
        (summed, "your mean is further from the average"),
        (one_pass_as_mean, "your mean is further from the average"),
        (standard_error, "your spread does not match the standard deviation"),
        (spread_over_inputs, "your spread does not match the standard deviation"),
    ],
)
def test_mc_rejects_typical_mistakes(answer, phrase):
    fb = check_mc_predict(answer)
    assert not fb
    assert phrase in fb.message


def test_mc_rejects_a_function_that_never_switches_dropout_on():
    fb = check_mc_predict(mc_by_hand_no_mode)
    assert not fb
    assert "dropout was off during the passes" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda m, X, T: None, "return a pair (mean, std)"),
        (lambda m, X, T: m(X), "return a pair (mean, std)"),
        (lambda m, X, T: (m(X), None), "return a tensor, got NoneType"),
        (lambda m, X, T: (m(X).squeeze(1), m(X).squeeze(1)), "should have shape (7, 1), got (7,)"),
        (lambda m, X, T: m(X.T), "your function raised RuntimeError"),
        (todo, "not attempted yet"),
    ],
)
def test_mc_never_raises_on_bad_answers(answer, phrase):
    fb = check_mc_predict(answer)
    assert isinstance(fb, Feedback) and not fb
    assert phrase in fb.message


def test_mc_check_is_deterministic_and_restores_the_global_rng():
    torch.manual_seed(123)
    state = torch.random.get_rng_state()
    first = check_mc_predict(mc_by_hand)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert first == check_mc_predict(mc_by_hand)
    # a learner that reseeds the global generator does not leak it either
    check_mc_predict(lambda m, X, T: torch.manual_seed(0) and None)
    assert torch.equal(torch.random.get_rng_state(), state)
