"""Chapter 6 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import pytest
import torch

from lessons_lib.checks import check_batch_norm_step, check_group_norm


def bn_by_hand(x, rm, rv, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean((0, 2))
        var = x.var((0, 2), unbiased=False)
        k = x.shape[0] * x.shape[2]
        rm = (1 - momentum) * rm + momentum * mean
        rv = (1 - momentum) * rv + momentum * var * k / (k - 1)
        return (x - mean[:, None]) / torch.sqrt(var[:, None] + eps), rm, rv
    return (x - rm[:, None]) / torch.sqrt(rv[:, None] + eps), rm, rv


def bn_lesson_two_d(x, rm, rv, training, momentum=0.1, eps=1e-5):
    """The lesson's (N, C) step applied as if x had no length axis."""
    if training:
        mean, var = x.mean(0), x.var(0, unbiased=False)
        n = x.shape[0]
        rm = (1 - momentum) * rm[:, None] + momentum * mean
        rv = (1 - momentum) * rv[:, None] + momentum * var * n / max(n - 1, 1)
        return (x - mean) / torch.sqrt(var + eps), rm, rv
    return (x - rm[:, None]) / torch.sqrt(rv[:, None] + eps), rm, rv


def bn_module(x, rm, rv, training, momentum=0.1, eps=1e-5):
    layer = torch.nn.BatchNorm1d(x.shape[1], eps=eps, momentum=momentum, affine=False).double()
    layer.running_mean.copy_(rm)
    layer.running_var.copy_(rv)
    layer.train(training)
    y = layer(x)
    return y, layer.running_mean, layer.running_var


@pytest.mark.parametrize(
    "answer",
    [
        bn_by_hand,
        bn_module,
        lambda x, rm, rv, t, m=0.1, e=1e-5: tuple(
            v.float() for v in bn_by_hand(x, rm, rv, t, m, e)
        ),
        lambda x, rm, rv, t, m=0.1, e=1e-5: [v.numpy() for v in bn_by_hand(x, rm, rv, t, m, e)],
    ],
)
def test_batch_norm_accepts_correct_answers(answer):
    fb = check_batch_norm_step(answer)
    assert fb, fb.message


def test_batch_norm_shape_checks_the_eval_output():
    def bad_eval_shape(x, rm, rv, training, momentum=0.1, eps=1e-5):
        y, a, b = bn_by_hand(x, rm, rv, training, momentum, eps)
        return (y if training else y.transpose(0, 2)), a, b

    fb = check_batch_norm_step(bad_eval_shape)
    assert not fb and "eval mode" in fb.message and "shape" in fb.message


def test_the_lessons_two_dimensional_step_is_rejected():
    fb = check_batch_norm_step(bn_lesson_two_d)
    assert not fb and "new_running_mean: the shape should be (3,)" in fb.message, fb.message


def test_batch_norm_cases_cover_several_lengths_and_a_single_example():
    from lessons_lib.checks.ch06 import _bn_cases

    shapes = {tuple(c.args[0].shape) for c in _bn_cases() if c.args[3]}
    assert len({s[2] for s in shapes}) >= 3 and any(s[0] == 1 and s[2] > 1 for s in shapes)


def gn_by_hand(x, G, eps=1e-5):
    n = x.shape[0]
    g = x.reshape(n, G, -1)
    out = (g - g.mean(-1, keepdim=True)) / torch.sqrt(g.var(-1, unbiased=False, keepdim=True) + eps)
    return out.reshape(x.shape)


@pytest.mark.parametrize(
    "answer",
    [
        gn_by_hand,
        lambda x, G, eps: torch.nn.GroupNorm(G, x.shape[1], eps=eps, affine=False)(x),
        lambda x, G, eps: gn_by_hand(x.float(), G, eps),
        lambda x, G, eps: torch.nn.functional.layer_norm(
            x.reshape(x.shape[0], G, -1), (x[0].numel() // G,), eps=eps
        ).reshape(x.shape),
    ],
)
def test_group_norm_accepts_correct_answers(answer):
    assert check_group_norm(answer)
