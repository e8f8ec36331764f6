"""Check for chapter 4's Adam-with-an-L2-penalty exercise (the other check: :mod:`.ch04`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from .answers import FLOAT64
from .exercise import Case, Exercise, Mistake, tuple_reader, wrong_parts
from .feedback import Feedback

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
    # A large eps, passed explicitly: where eps sits (and whether it is used) shows.
    w, g, zero = rng.standard_normal(4), rng.standard_normal(4) * 0.1, np.zeros(4)
    args = (w, g, zero, zero, 1, _LR, _WD, 0.9, 0.999, 0.1)
    cases.append(Case(args, "at step t=1 with eps=0.1", want=_adam(*args[:7], eps=0.1)))
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
    eps: float = 1e-8,
    eps_inside: bool = False,
    penalty: str = "coupled",
    correct: str = "both",
    returned: str = "new",
    t_shift: int = 0,
) -> tuple:
    """Adam with weight decay, ``penalty`` saying where wd·w enters; one switch per mistake."""
    w, g, m, v = (np.asarray(a, dtype=float) for a in (w, g, m, v))
    coef = {"half": wd / 2, "minus": -wd}.get(penalty, wd)
    g_m = g + coef * w if penalty in ("coupled", "m_only", "half", "minus") else g
    g_v = g + coef * w if penalty in ("coupled", "half", "minus") else g
    m_new = b1 * m + (1 - b1) * g_m
    v_new = b2 * v + (1 - b2) * g_v**2
    tc = t + t_shift
    m_hat = m_new / (1 - b1**tc) if correct in ("both", "m") else m_new
    v_hat = v_new / (1 - b2**tc) if correct in ("both", "v") else v_new
    if penalty == "after_moments":
        m_hat = m_hat + wd * w
    if returned == "step_old":  # the step taken with the moving averages passed in
        m_hat, v_hat = m / (1 - b1**tc), v / (1 - b2**tc)
    w_new = w - lr * m_hat / (np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps)
    if penalty == "decoupled":
        w_new = w_new - lr * wd * w
    if returned == "old":
        return w_new, m, v
    if returned == "hat":
        return w_new, m_hat, v_hat
    return w_new, m_new, v_new


def _adam_l2_reference(w, g, m, v, t, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, weight_decay, b1=beta1, b2=beta2, eps=eps)


def _variant(**switches: Any) -> Callable[..., tuple]:
    """A mistaken step; it uses the eps passed in unless ``switches`` fixes one."""

    def step(w, g, m, v, t, lr, wd, beta1=0.9, beta2=0.999, eps=1e-8):
        return _adam(w, g, m, v, t, lr, wd, **{"eps": eps, **switches})

    return step


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
        "half_penalty",
        _variant(penalty="half"),
        "the penalty's gradient is weight_decay·w (torch's convention, the gradient of "
        "weight_decay/2·||w||²), not weight_decay/2·w.",
    ),
    Mistake(
        "penalty_sign",
        _variant(penalty="minus"),
        "the penalty enters with the wrong sign: add weight_decay·w to grad, do not subtract it.",
    ),
    Mistake(
        "eps_inside_sqrt",
        _variant(eps_inside=True),
        "eps goes outside the square root: divide by √v̂ + eps, as torch.optim.Adam does "
        "(it shows when eps is not tiny).",
    ),
    Mistake(
        "eps_ignored",
        _variant(eps=1e-8),
        "the eps argument is not used: this call passes eps=0.1 and your step used a fixed "
        "value; divide by √v̂ + eps with the eps passed in.",
    ),
    Mistake(
        "m_not_corrected",
        _variant(correct="v"),
        "m is not bias-corrected: divide it by 1 − β₁ᵗ before the step (v̂ is corrected).",
    ),
    Mistake(
        "v_not_corrected",
        _variant(correct="m"),
        "v is not bias-corrected: divide it by 1 − β₂ᵗ before the step (m̂ is corrected).",
    ),
    Mistake(
        "no_bias_correction",
        _variant(correct="none"),
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
    Mistake(
        "step_from_old_moments",
        _variant(returned="step_old"),
        "the step uses the moving averages passed in: update m and v first, then step with "
        "the new, bias-corrected ones.",
    ),
)


def _adam_l2_fallback(value: tuple, want: tuple, case: Case) -> str:
    """Name the parts that differ and print those parts only."""
    names = ("w", "m", "v")
    if not all(np.all(np.isfinite(part)) for part in value):
        return (
            "your result contains nan or inf: a square root of a negative v (v averages the "
            "*squared* gradient) or a division by zero (at t = 1 the bias correction is "
            "1 − β₁¹ = 0.1, not 1 − β₁⁰ = 0)."
        )
    bad = wrong_parts(value, want, names, FLOAT64)
    shown = "; ".join(
        f"expected {name} = {np.round(want[i], 6).tolist()}, got {np.round(value[i], 6).tolist()}"
        for i, name in enumerate(names)
        if name in bad
    )
    verb = "differs" if len(bad) == 1 else "differ"
    return f"{', '.join(bad)} {verb} from torch.optim.Adam(weight_decay=...): {shown}."


ADAM_L2 = Exercise(
    name="Adam + L2 step",
    inputs=("w", "grad", "m", "v", "t", "lr", "weight_decay"),
    reference=_adam_l2_reference,
    cases=_adam_l2_cases,
    read=tuple_reader(("w", "m", "v")),
    mistakes=ADAM_L2_MISTAKES,
    success="three steps of w, m, v match Adam(weight_decay=...).",
    fallback=_adam_l2_fallback,
    parts=("w", "m", "v"),
)


def check_adam_l2_step(fn: Callable[..., tuple]) -> Feedback:
    """Check a learner's ``adam_l2(w, grad, m, v, t, lr, weight_decay, ...) -> (w, m, v)``.

    The reference is ``torch.optim.Adam`` with ``weight_decay`` (default betas and eps),
    that is Adam on the gradient of the data loss plus an L2 penalty: the learner's step
    is called from the optimizer's state at each of three steps, then once more with an
    explicit ``eps=0.1``, and the new weights and both moving averages are compared.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_adam_l2_step(lambda w, g, m, v, t, lr, wd, *a: (w, m, v)).passed
        False
    """
    return ADAM_L2.check(fn)
