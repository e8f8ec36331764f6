"""Tests of lessons_lib.checks.ch04: the weight-decay step and the AdamW step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lessons_lib.checks.ch04 import check_adamw_step, check_decay_step


def stub(*args, **kwargs):
    raise NotImplementedError()


def decay(w, b, gw, gb, lr, lam, n):
    return (1 - lr * lam / n) * w - lr * gw, b - lr * gb


# --- check_decay_step --------------------------------------------------------------------------


def test_decay_step_accepts_the_reference_and_the_gradient_form():
    assert check_decay_step(decay)
    assert check_decay_step(
        lambda w, b, gw, gb, lr, lam, n: (w - lr * (gw + lam / n * w), b - lr * gb)
    )


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (
            lambda w, b, gw, gb, lr, lam, n: (
                decay(w, b, gw, gb, lr, lam, n)[0],
                (1 - lr * lam / n) * b - lr * gb,
            ),
            "biases are decayed",
        ),
        (
            lambda w, b, gw, gb, lr, lam, n: (decay(w, b, gw, gb, lr, lam, n)[0], b + lr * gb),
            "bias update",
        ),
        (
            lambda w, b, gw, gb, lr, lam, n: ((1 - lr * lam) * w - lr * gw, b - lr * gb),
            "divide λ by n",
        ),
        (
            lambda w, b, gw, gb, lr, lam, n: ((1 - lr * lam / (2 * n)) * w - lr * gw, b - lr * gb),
            "not (λ/2n)·w",
        ),
        (
            lambda w, b, gw, gb, lr, lam, n: ((1 - 2 * lr * lam / n) * w - lr * gw, b - lr * gb),
            "cancel",
        ),
        (
            lambda w, b, gw, gb, lr, lam, n: ((1 - lam / n) * w - lr * gw, b - lr * gb),
            "learning rate",
        ),
        (
            lambda w, b, gw, gb, lr, lam, n: ((1 - lr * lam / n) * (w - lr * gw), b - lr * gb),
            "then subtract",
        ),
        (lambda w, b, gw, gb, lr, lam, n: (w - lr * gw, b - lr * gb), "decay is missing"),
        (
            lambda w, b, gw, gb, lr, lam, n: ((1 - lr * lam / n) * w + lr * gw, b - lr * gb),
            "step against",
        ),
        (lambda w, b, gw, gb, lr, lam, n: (0 * w, b - lr * gb), "expected w_new"),
    ],
)
def test_decay_step_rejects_typical_mistakes(wrong, phrase):
    fb = check_decay_step(wrong)
    assert not fb.passed
    assert phrase in fb.message


def test_decay_step_reports_shapes_types_stub_and_errors():
    assert "shapes" in check_decay_step(lambda w, b, *a: (w.ravel(), b)).message
    assert "pair" in check_decay_step(lambda *a: 3.0).message
    assert check_decay_step(stub).message.startswith("not attempted yet")
    assert "raised" in check_decay_step(lambda *a: [][1]).message


# --- check_adamw_step --------------------------------------------------------------------------


def adamw(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    step = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w * (1 - lr * wd) - lr * step, m, v


def adam_l2(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    return adamw(w, g + wd * w, m, v, t, lr, 0.0, beta1, beta2, eps)


def no_bias_correction(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return w - lr * m / (np.sqrt(v) + eps) - lr * wd * w, m, v


def no_decay(w, g, m, v, t, lr, wd, *args):
    return adamw(w, g, m, v, t, lr, 0.0)


def decay_without_lr(w, g, m, v, t, lr, wd, *args):
    w_new, m, v = adamw(w, g, m, v, t, lr, 0.0)
    return w_new - wd * w, m, v


def returns_corrected_moments(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    w_new, m, v = adamw(w, g, m, v, t, lr, wd)
    return w_new, m / (1 - beta1**t), v / (1 - beta2**t)


def test_adamw_accepts_the_reference():
    fb = check_adamw_step(adamw)
    assert fb.passed, fb.message


def test_adamw_reference_matches_torch_over_many_steps():
    """The test's own reference agrees with torch.optim.AdamW (not only for 3 steps)."""
    rng = np.random.default_rng(0)
    w, m, v = rng.standard_normal(3), np.zeros(3), np.zeros(3)
    p = torch.nn.Parameter(torch.tensor(w))
    opt = torch.optim.AdamW([p], lr=0.05, weight_decay=0.3)
    for t in range(1, 30):
        g = rng.standard_normal(3)
        w, m, v = adamw(w, g, m, v, t, 0.05, 0.3)
        p.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (adam_l2, "Adam with an L2 penalty"),
        (no_bias_correction, "bias corrections are missing"),
        (no_decay, "decay is missing"),
        (decay_without_lr, "scaled by the learning rate"),
        (returns_corrected_moments, "moving averages"),
        (lambda w, g, m, v, t, lr, wd, *a: (w, m, v), "step 1 gives"),
    ],
)
def test_adamw_rejects_typical_mistakes(wrong, phrase):
    fb = check_adamw_step(wrong)
    assert not fb.passed
    assert phrase in fb.message


def test_adamw_reports_types_stub_and_errors():
    assert "triple" in check_adamw_step(lambda *a: 1.0).message
    assert check_adamw_step(stub).message.startswith("not attempted yet")
    assert "raised" in check_adamw_step(lambda *a: 1 / 0).message
