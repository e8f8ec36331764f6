"""Checks for chapter 4, *Weight decay: the derivation and the optimizer trap*."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .feedback import Feedback, call_learner


def check_decay_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``decay_step(w, b, grad_w, grad_b, lr, lam, n) -> (w, b)``.

    Expected: ``w ← (1 − lr·lam/n)·w − lr·grad_w`` and ``b ← b − lr·grad_b``.

    Example:
        >>> def ok(w, b, gw, gb, lr, lam, n):
        ...     return (1 - lr * lam / n) * w - lr * gw, b - lr * gb
        >>> check_decay_step(ok).passed
        True
        >>> def decays_bias(w, b, gw, gb, lr, lam, n):
        ...     return (1 - lr * lam / n) * w - lr * gw, (1 - lr * lam / n) * b - lr * gb
        >>> check_decay_step(decays_bias).passed
        False
    """
    name = "weight-decay step"
    rng = np.random.default_rng(4)
    w, b = rng.standard_normal((3, 2)), rng.standard_normal(3)
    gw, gb = rng.standard_normal((3, 2)), rng.standard_normal(3)
    lr, lam, n = 0.1, 4.0, 20
    got, problem = call_learner(name, fn, w.copy(), b.copy(), gw.copy(), gb.copy(), lr, lam, n)
    if problem is not None:
        return problem
    try:
        w_new, b_new = (np.asarray(v, dtype=float) for v in got)
    except (TypeError, ValueError):
        return Feedback(name, False, f"return the pair (w_new, b_new), got {got!r:.60}.")
    if w_new.shape != w.shape or b_new.shape != b.shape:
        return Feedback(
            name,
            False,
            f"w_new and b_new must keep the shapes {w.shape} and {b.shape}, "
            f"got {w_new.shape} and {b_new.shape}.",
        )
    factor = 1 - lr * lam / n
    want_w, want_b = factor * w - lr * gw, b - lr * gb
    ok_w, ok_b = np.allclose(w_new, want_w), np.allclose(b_new, want_b)
    if ok_w and ok_b:
        return Feedback(name, True, f"weights decayed by {factor:.3f}, biases not decayed.")
    if ok_w:
        if np.allclose(b_new, factor * b - lr * gb):
            why = "the biases are decayed too: they are not in the penalty, so b ← b − η·∂C₀/∂b."
        else:
            why = "the bias update should be b − η·∂C₀/∂b."
        return Feedback(name, False, why)
    candidates = [
        ((1 - lr * lam) * w - lr * gw, "the decay factor is 1 − ηλ/n: divide λ by n."),
        (
            (1 - lr * lam / (2 * n)) * w - lr * gw,
            "the gradient of λ/(2n)·w² is (λ/n)·w, not (λ/2n)·w.",
        ),
        ((1 - 2 * lr * lam / n) * w - lr * gw, "the 2 and the 1/2 cancel: the factor is 1 − ηλ/n."),
        ((1 - lam / n) * w - lr * gw, "the decay must be multiplied by the learning rate η."),
        (factor * (w - lr * gw), "decay the weights, then subtract η·∂C₀/∂w (not decayed)."),
        (w - lr * gw, "the decay is missing: multiply w by 1 − ηλ/n."),
        (factor * w + lr * gw, "step against the data gradient: − η·∂C₀/∂w."),
    ]
    for wrong, why in candidates:
        if np.allclose(w_new, wrong):
            return Feedback(name, False, why)
    return Feedback(name, False, "expected w_new = (1 − ηλ/n)·w − η·∂C₀/∂w.")


def check_adamw_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``adamw(w, grad, m, v, t, lr, weight_decay, ...) -> (w, m, v)``.

    The reference is ``torch.optim.AdamW`` run for three steps from the same state.

    Example:
        >>> def ok(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
        ...     m = beta1 * m + (1 - beta1) * g
        ...     v = beta2 * v + (1 - beta2) * g**2
        ...     step = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        ...     return w * (1 - lr * wd) - lr * step, m, v
        >>> check_adamw_step(ok).passed
        True
    """
    name = "AdamW step"
    rng = np.random.default_rng(5)
    w0 = rng.standard_normal(4)
    grads = [rng.standard_normal(4) * s for s in (1.0, 0.01, 3.0)]
    lr, wd = 0.1, 0.5
    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    opt = torch.optim.AdamW([p], lr=lr, weight_decay=wd)
    w, m, v = w0.copy(), np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, start=1):
        got, problem = call_learner(name, fn, w.copy(), g.copy(), m.copy(), v.copy(), t, lr, wd)
        if problem is not None:
            return problem
        try:
            w_new, m_new, v_new = (np.asarray(x, dtype=float) for x in got)
        except (TypeError, ValueError):
            return Feedback(name, False, f"return the triple (w, m, v), got {got!r:.60}.")
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        want = p.detach().numpy()
        state = opt.state[p]
        m_want, v_want = state["exp_avg"].numpy().copy(), state["exp_avg_sq"].numpy().copy()
        if np.allclose(w_new, want, rtol=1e-9, atol=1e-12):
            if not (np.allclose(m_new, m_want) and np.allclose(v_new, v_want)):
                return Feedback(
                    name,
                    False,
                    "w is right but return the updated moving averages m and v (without "
                    "bias correction), not the old ones or m̂, v̂.",
                )
            w, m, v = want.copy(), m_want, v_want
            continue
        # diagnose against the typical variants, from the same state
        m_ref = 0.9 * m + 0.1 * g
        v_ref = 0.999 * v + 0.001 * g**2
        m_hat, v_hat = m_ref / (1 - 0.9**t), v_ref / (1 - 0.999**t)
        g2 = g + wd * w
        m_l2, v_l2 = 0.9 * m + 0.1 * g2, 0.999 * v + 0.001 * g2**2
        l2 = w - lr * (m_l2 / (1 - 0.9**t)) / (np.sqrt(v_l2 / (1 - 0.999**t)) + 1e-8)
        if np.allclose(w_new, l2):
            why = (
                "that is Adam with an L2 penalty (wd·w added to the gradient): AdamW decays "
                "the weights directly, w·(1 − η·wd), outside the division by √v̂."
            )
        elif np.allclose(w_new, w - lr * m_ref / (np.sqrt(v_ref) + 1e-8) - lr * wd * w):
            why = "the bias corrections are missing: divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ."
        elif np.allclose(w_new, w - lr * m_hat / (np.sqrt(v_hat) + 1e-8)):
            why = "the decay is missing: multiply w by 1 − η·wd."
        elif np.allclose(w_new, w * (1 - wd) - lr * m_hat / (np.sqrt(v_hat) + 1e-8)):
            why = "the decoupled decay is scaled by the learning rate: w·(1 − η·wd)."
        else:
            why = (
                f"step {t} gives {np.round(want, 6).tolist()}, "
                f"you return {np.round(w_new, 6).tolist()}."
            )
        return Feedback(name, False, why)
    return Feedback(name, True, "three steps match torch.optim.AdamW.")
