"""Tests of the chapter 6 checks: accept the reference, reject the typical mistakes."""

from __future__ import annotations

import pytest
import torch

from lessons_lib.checks.ch06 import (
    check_batch_norm_step,
    check_group_norm,
    reference_batch_norm_step,
)

# --- check_batch_norm_step -----------------------------------------------------------------


def test_batch_norm_step_accepts_the_reference():
    fb = check_batch_norm_step(reference_batch_norm_step)
    assert fb
    assert "unbiased" in fb.message


def test_batch_norm_step_accepts_torch_functional_batch_norm():
    def learner(x, rm, rv, training, momentum, eps):
        rm, rv = rm.clone(), rv.clone()
        y = torch.nn.functional.batch_norm(x, rm, rv, training=training, momentum=momentum, eps=eps)
        return y, rm, rv

    assert check_batch_norm_step(learner)


def make_step(
    *,
    forward_unbiased=False,
    running_biased=False,
    flip_momentum=False,
    update_in_eval=False,
    eval_uses_batch=False,
    no_update=False,
):
    def step(x, rm, rv, training, momentum, eps):
        mean = x.mean(0)
        var_b, var_u = x.var(0, unbiased=False), x.var(0, unbiased=True)
        if training or eval_uses_batch:
            y = (x - mean) / torch.sqrt((var_u if forward_unbiased else var_b) + eps)
        else:
            y = (x - rm) / torch.sqrt(rv + eps)
        if (training or update_in_eval) and not no_update:
            new = var_b if running_biased else var_u
            a = 1 - momentum if flip_momentum else momentum
            rm, rv = (1 - a) * rm + a * mean, (1 - a) * rv + a * new
        return y, rm, rv

    return step


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"forward_unbiased": True}, "unbiased variance (dividing by N - 1)"),
        ({"running_biased": True}, "updated with the *unbiased* batch variance"),
        ({"flip_momentum": True}, "weight of the *new* batch value"),
        ({"update_in_eval": True}, "eval mode must leave the running statistics unchanged"),
        ({"eval_uses_batch": True}, "not the batch ones"),
        ({"no_update": True}, "must be updated in training mode"),
    ],
)
def test_batch_norm_step_rejects_typical_mistakes(kwargs, phrase):
    fb = check_batch_norm_step(make_step(**kwargs))
    assert not fb
    assert phrase in fb.message


def test_batch_norm_step_reports_stub_and_bad_returns_without_raising():
    def stub(x, rm, rv, training, momentum, eps):
        raise NotImplementedError()

    assert check_batch_norm_step(stub).message.startswith("not attempted yet")
    fb = check_batch_norm_step(lambda x, rm, rv, t, m, e: x)
    assert not fb and "three tensors" in fb.message
    fb = check_batch_norm_step(lambda x, rm, rv, t, m, e: (x, rm[:1], rv))
    assert not fb and "shape (3,)" in fb.message


def test_batch_norm_step_does_not_depend_on_learner_mutating_inputs():
    # An in-place update of the running statistics is fine as long as they are returned.
    def in_place(x, rm, rv, training, momentum, eps):
        y = torch.nn.functional.batch_norm(x, rm, rv, training=training, momentum=momentum, eps=eps)
        return y, rm, rv

    assert check_batch_norm_step(in_place)


# --- check_group_norm ----------------------------------------------------------------------


def test_group_norm_accepts_torch():
    assert check_group_norm(lambda x, g, eps: torch.nn.functional.group_norm(x, g, eps=eps))


def unbiased(x, g, eps):
    n = x.shape[0]
    v = x.reshape(n, g, -1)
    return ((v - v.mean(2, keepdim=True)) / torch.sqrt(v.var(2, keepdim=True) + eps)).reshape(
        x.shape
    )


def over_batch(x, g, eps):
    return torch.nn.functional.batch_norm(x, None, None, training=True, eps=eps)


def interleaved(x, g, eps):
    n, c = x.shape[:2]
    v = x.reshape(n, c // g, g, -1).transpose(1, 2)
    out = torch.nn.functional.group_norm(v.reshape(n, c, -1), g, eps=eps)
    return out.reshape(n, g, c // g, -1).transpose(1, 2).reshape(x.shape)


def layer(x, g, eps):
    return torch.nn.functional.group_norm(x, 1, eps=eps)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (unbiased, "biased variance"),
        (over_batch, "that is batch norm"),
        (interleaved, "consecutive"),
        (layer, "layer norm"),
        (lambda x, g, eps: x * 2, "reshape to (N, G, -1)"),
        (lambda x, g, eps: x[0], "input's shape"),
    ],
)
def test_group_norm_rejects_typical_mistakes(wrong, phrase):
    fb = check_group_norm(wrong)
    assert not fb
    assert phrase in fb.message


def test_group_norm_reports_a_stub():
    def stub(x, g, eps):
        raise NotImplementedError()

    assert check_group_norm(stub).message.startswith("not attempted yet")
