"""Checks for chapter 4, *Weight decay: the derivation and the optimizer trap*."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from .answers import FLOAT64
from .exercise import Case, Exercise, Mistake, tuple_reader, wrong_parts
from .feedback import Feedback

# --- weight-decay step -----------------------------------------------------------------------


def _decay_cases() -> list[Case]:
    rng = np.random.default_rng(4)
    out = []
    for (lr, lam, n), shape in (((0.1, 4.0, 20), (3, 2)), ((0.3, 1.5, 6), (2, 4))):
        w, b = rng.standard_normal(shape), rng.standard_normal(shape[0])
        gw, gb = rng.standard_normal(shape), rng.standard_normal(shape[0])
        out.append(Case((w, b, gw, gb, lr, lam, n), f"with lr={lr}, lam={lam}, n={n}"))
    return out


def _decay_reference(w: Any, b: Any, gw: Any, gb: Any, lr: float, lam: float, n: int) -> tuple:
    return (1 - lr * lam / n) * w - lr * gw, b - lr * gb


def _w_only(new_w: Callable[..., Any]) -> Callable[..., tuple]:
    return lambda w, b, gw, gb, lr, lam, n: (new_w(w, gw, lr, lam, n), b - lr * gb)


DECAY_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "bias_decayed",
        lambda w, b, gw, gb, lr, lam, n: (
            (1 - lr * lam / n) * w - lr * gw,
            (1 - lr * lam / n) * b - lr * gb,
        ),
        "the biases are decayed too: they are not in the penalty, so they take a plain "
        "gradient step.",
    ),
    Mistake(
        "lam_not_divided",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam) * w - lr * gw),
        "the decay factor is 1 − ηλ/n: divide λ by n.",
    ),
    Mistake(
        "half_gradient",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam / (2 * n)) * w - lr * gw),
        "the gradient of λ/(2n)·w² is (λ/n)·w, not (λ/2n)·w.",
    ),
    Mistake(
        "double_gradient",
        _w_only(lambda w, gw, lr, lam, n: (1 - 2 * lr * lam / n) * w - lr * gw),
        "the 2 of the power rule and the 1/2 of the penalty cancel: the factor is 1 − ηλ/n.",
    ),
    Mistake(
        "decay_without_lr",
        _w_only(lambda w, gw, lr, lam, n: (1 - lam / n) * w - lr * gw),
        "the decay must be multiplied by the learning rate η.",
    ),
    Mistake(
        "decay_after_step",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam / n) * (w - lr * gw)),
        "you decayed after the data step, so the data step shrinks too: decay w, then "
        "subtract η times the data gradient.",
    ),
    Mistake(
        "no_decay",
        _w_only(lambda w, gw, lr, lam, n: w - lr * gw),
        "the decay is missing: the weights should shrink by a factor before the data step.",
    ),
    Mistake(
        "ascent",
        _w_only(lambda w, gw, lr, lam, n: (1 - lr * lam / n) * w + lr * gw),
        "step against the data gradient: subtract it.",
    ),
    Mistake(
        "swapped",
        lambda w, b, gw, gb, lr, lam, n: _decay_reference(w, b, gw, gb, lr, lam, n)[::-1],
        "return the pair in the order (w_new, b_new).",
    ),
)


def _decay_fallback(value: tuple, want: tuple, case: Case) -> str:
    bad = wrong_parts(value, want, ("w_new", "b_new"), FLOAT64)
    if bad == ["b_new"]:
        return "w_new is right; b_new is not: a bias takes a plain gradient step."
    return f"{' and '.join(bad)} wrong: shrink the weights by the decay factor, then step."


DECAY_STEP = Exercise(
    name="weight-decay step",
    reference=_decay_reference,
    cases=_decay_cases,
    read=tuple_reader(("w_new", "b_new")),
    mistakes=DECAY_MISTAKES,
    success="weights decayed by 1 − ηλ/n before the data step, biases not decayed.",
    fallback=_decay_fallback,
    parts=("w_new", "b_new"),
)


def check_decay_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``decay_step(w, b, grad_w, grad_b, lr, lam, n) -> (w, b)``.

    Both returned arrays are compared with one step of gradient descent on the loss with
    an L2 penalty on the weights (not on the biases), for two settings.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_decay_step(lambda w, b, gw, gb, lr, lam, n: (w, b)).passed
        False
    """
    return DECAY_STEP.check(fn)


# --- Adam with a coupled L2 penalty ------------------------------------------------------------

_LR, _WD = 0.1, 0.5


@functools.lru_cache(maxsize=1)
def _adam_l2_cases() -> list[Case]:
    """Three steps of Adam with an L2 penalty; step t starts from the state after step t - 1.

    The reference is written out in NumPy (a test checks it against
    ``torch.optim.Adam(weight_decay=...)``), so the check does not pay for torch.optim's
    first step. The gradients change scale by 100x and 300x between steps, so that a
    penalty left out of either moving average changes the step.
    """
    rng = np.random.default_rng(5)
    w = rng.standard_normal(4)
    grads = [rng.standard_normal(4) * s for s in (1.0, 0.01, 3.0)]
    m, v = np.zeros(4), np.zeros(4)
    cases = []
    for t, g in enumerate(grads, start=1):
        new = _adam(w, g, m, v, t, _LR, _WD)
        cases.append(Case((w, g, m, v, t, _LR, _WD), f"at step t={t}", want=new))
        w, m, v = new
    return cases


def _adam(
    w: Any,
    g: Any,
    m: Any,
    v: Any,
    t: int,
    lr: float,
    wd: float,
    *,
    b1: float = 0.9,
    b2: float = 0.999,
    penalty: str = "coupled",
    correct: bool = True,
    returned: str = "new",
    t_shift: int = 0,
) -> tuple:
    """Adam with weight decay, ``penalty`` saying where wd·w enters; one switch per mistake."""
    w, g, m, v = (np.asarray(a, dtype=float) for a in (w, g, m, v))
    g_m = g + wd * w if penalty in ("coupled", "m_only") else g
    g_v = g + wd * w if penalty == "coupled" else g
    m_new = b1 * m + (1 - b1) * g_m
    v_new = b2 * v + (1 - b2) * g_v**2
    tc = t + t_shift
    m_hat = m_new / (1 - b1**tc) if correct else m_new
    v_hat = v_new / (1 - b2**tc) if correct else v_new
    if penalty == "after_moments":
        m_hat = m_hat + wd * w
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    if penalty == "decoupled":
        w_new = w_new - lr * wd * w
    if returned == "old":
        return w_new, m, v
    if returned == "hat":
        return w_new, m_hat, v_hat
    return w_new, m_new, v_new


def _adam_l2_reference(w, g, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, weight_decay, b1=beta1, b2=beta2)


def _variant(**switches: Any) -> Callable[..., tuple]:
    return lambda w, g, m, v, t, lr, wd, *rest, **kw: _adam(w, g, m, v, t, lr, wd, **switches)


ADAM_L2_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "decoupled_decay",
        _variant(penalty="decoupled"),
        "that is AdamW: you shrank w directly by η·wd·w. Adam with an L2 penalty adds "
        "wd·w to the gradient before the moving averages, so the penalty is divided by √v̂ "
        "like the rest of the gradient.",
    ),
    Mistake(
        "penalty_after_moments",
        _variant(penalty="after_moments"),
        "the penalty wd·w enters after the moving averages; add it to the gradient first, "
        "so that both m and v average the penalized gradient.",
    ),
    Mistake(
        "penalty_not_in_v",
        _variant(penalty="m_only"),
        "m averages the penalized gradient but v averages the square of the data gradient "
        "only: square the penalized gradient g + wd·w.",
    ),
    Mistake("no_penalty", _variant(penalty="none"), "the penalty is missing: add wd·w to grad."),
    Mistake(
        "betas_swapped",
        _variant(b1=0.999, b2=0.9),
        "β₁ and β₂ are swapped: β₁ = 0.9 averages the gradients (m), β₂ = 0.999 averages "
        "their squares (v).",
    ),
    Mistake(
        "no_bias_correction",
        _variant(correct=False),
        "the bias corrections are missing: divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ before the step.",
    ),
    Mistake(
        "bias_correction_off_by_one",
        _variant(t_shift=1),
        "the bias correction uses the wrong step count: t is already the 1-based number "
        "of this step.",
    ),
    Mistake(
        "old_averages",
        _variant(returned="old"),
        "w is right, but return the updated moving averages m and v, not the ones passed in.",
    ),
    Mistake(
        "corrected_averages",
        _variant(returned="hat"),
        "w is right, but return the moving averages m and v without bias correction "
        "(the corrected m̂, v̂ are only used for the step).",
    ),
)


def _adam_l2_fallback(value: tuple, want: tuple, case: Case) -> str:
    bad = wrong_parts(value, want, ("w", "m", "v"), FLOAT64)
    return (
        f"{', '.join(bad)} differ from torch.optim.Adam(weight_decay=...): expected w = "
        f"{np.round(want[0], 6).tolist()}, got {np.round(value[0], 6).tolist()}."
    )


ADAM_L2 = Exercise(
    name="Adam + L2 step",
    reference=_adam_l2_reference,
    cases=_adam_l2_cases,
    read=tuple_reader(("w", "m", "v")),
    mistakes=ADAM_L2_MISTAKES,
    success="three steps match torch.optim.Adam(weight_decay=...), moving averages included.",
    fallback=_adam_l2_fallback,
    parts=("w", "m", "v"),
)


def check_adam_l2_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``adam_l2(w, grad, m, v, t, lr, weight_decay, ...) -> (w, m, v)``.

    The reference is ``torch.optim.Adam`` with ``weight_decay`` (default betas and eps),
    that is Adam on the gradient of the data loss plus an L2 penalty: the learner's step
    is called from the optimizer's state at each of three steps, and the new weights and
    both moving averages are compared.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_adam_l2_step(lambda w, g, m, v, t, lr, wd, *a: (w, m, v)).passed
        False
    """
    return ADAM_L2.check(fn)
