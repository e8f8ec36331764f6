"""Chapter 4 checks: correct answers written differently, and the issue's regressions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lessons_lib.checks import check_adam_l2_step, check_decay_step


@pytest.mark.parametrize(
    "answer",
    [
        lambda w, b, gw, gb, lr, lam, n: (w - lr * (gw + lam / n * w), b - lr * gb),
        lambda w, b, gw, gb, lr, lam, n: [w * (1 - lr * lam / n) - lr * gw, b - lr * gb],
        lambda w, b, gw, gb, lr, lam, n: (
            torch.tensor(w, dtype=torch.float32) * (1 - lr * lam / n) - lr * torch.tensor(gw),
            torch.tensor(b - lr * gb),
        ),
    ],
)
def test_decay_step_accepts_correct_answers(answer):
    assert check_decay_step(answer)


def adam_l2_numpy(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    g = g + wd * w
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def adam_l2_torch(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
    p = torch.nn.Parameter(torch.tensor(w))
    opt = torch.optim.Adam([p], lr=lr, weight_decay=wd, betas=(beta1, beta2), eps=eps)
    opt.state[p] = {
        "step": torch.tensor(float(t - 1)),
        "exp_avg": torch.tensor(m),
        "exp_avg_sq": torch.tensor(v),
    }
    p.grad = torch.tensor(g)
    opt.step()
    return p, opt.state[p]["exp_avg"], opt.state[p]["exp_avg_sq"]


@pytest.mark.parametrize("answer", [adam_l2_numpy, adam_l2_torch])
def test_adam_l2_accepts_correct_answers(answer):
    fb = check_adam_l2_step(answer)
    assert fb, fb.message


def test_adam_l2_swapped_betas_are_named_not_asked_for_the_averages():
    def swapped(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
        return adam_l2_numpy(w, g, m, v, t, lr, wd, beta2, beta1, eps)

    fb = check_adam_l2_step(swapped)
    assert not fb and "swapped" in fb.message and "updated moving averages" not in fb.message


def test_adamw_is_rejected_as_decoupled_decay():
    def adamw(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        step = lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        return w * (1 - lr * wd) - step, m, v

    fb = check_adam_l2_step(adamw)
    assert not fb and "that is AdamW" in fb.message


def test_the_adam_l2_cases_follow_torch_optim_adam_with_weight_decay_step_by_step():
    from lessons_lib.checks.ch04_adam import _adam_l2_cases

    cases = _adam_l2_cases()
    w0, lr, wd = cases[0].args[0], cases[0].args[5], cases[0].args[6]
    p = torch.nn.Parameter(torch.tensor(w0))
    opt = torch.optim.Adam([p], lr=lr, weight_decay=wd)
    for case in cases[:3]:
        p.grad = torch.tensor(case.args[1])
        opt.step()
        w, m, v = case.want
        assert np.allclose(p.detach().numpy(), w, rtol=1e-12, atol=1e-14)
        assert np.allclose(opt.state[p]["exp_avg"].numpy(), m, rtol=1e-12)
        assert np.allclose(opt.state[p]["exp_avg_sq"].numpy(), v, rtol=1e-12)
    # the last case: a fresh state and an explicit, large eps
    w0, g, *_, t, lr, wd, beta1, beta2, eps = cases[3].args
    assert t == 1 and eps == 0.1
    p = torch.nn.Parameter(torch.tensor(w0))
    opt = torch.optim.Adam([p], lr=lr, weight_decay=wd, betas=(beta1, beta2), eps=eps)
    p.grad = torch.tensor(g)
    opt.step()
    assert np.allclose(p.detach().numpy(), cases[3].want[0], rtol=1e-12, atol=1e-14)
