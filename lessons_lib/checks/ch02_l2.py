"""Check for chapter 2's L2 update exercise (the other check: :mod:`.ch02`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .exercise import Case, Exercise, Mistake, array_reader
from .feedback import Feedback

KEYS = ("W1", "b1", "W2", "b2")


# --- L2 update -------------------------------------------------------------------------------


def _l2_cases() -> list[Case]:
    rng = np.random.default_rng(3)
    W, g = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    W2, g2 = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    return [
        Case((W, g, 0.1, 2.0, 8), "with lr=0.1, lam=2, m=8"),
        Case((W2, g2, 0.5, 0.3, 3), "with lr=0.5, lam=0.3, m=3"),
    ]


def _l2_reference(W: Any, g: Any, lr: float, lam: float, m: int) -> Any:
    return W - lr * (g + lam / m * W)


L2_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "no_power_rule_factor",
        lambda W, g, lr, lam, m: W - lr * (g + lam / (2 * m) * W),
        "the power rule's factor 2 is missing: the derivative of λ/(2m)·W² is (λ/m)·W.",
    ),
    Mistake(
        "no_half",
        lambda W, g, lr, lam, m: W - lr * (g + 2 * lam / m * W),
        "the penalty's 1/2 is missing: the 2 of the power rule and the 1/2 cancel.",
    ),
    Mistake(
        "lam_not_divided",
        lambda W, g, lr, lam, m: W - lr * (g + lam * W),
        "the 1/m is missing: divide λ by m (the penalty is λ/(2m)·||W||², its gradient λ/m·W).",
    ),
    Mistake(
        "lam_times_m",
        lambda W, g, lr, lam, m: W - lr * (g + lam * m * W),
        "λ is multiplied by m; it should be divided by m.",
    ),
    Mistake(
        "penalty_without_lr",
        lambda W, g, lr, lam, m: W - lr * g - lam / m * W,
        "the penalty's gradient must be multiplied by the learning rate too.",
    ),
    Mistake(
        "data_gradient_without_lr",
        lambda W, g, lr, lam, m: W - g - lr * lam / m * W,
        "the data gradient must be multiplied by the learning rate too.",
    ),
    Mistake(
        "ascent",
        lambda W, g, lr, lam, m: W + lr * (g + lam / m * W),
        "gradient descent steps against the gradient: subtract.",
    ),
    Mistake(
        "no_penalty",
        lambda W, g, lr, lam, m: W - lr * g,
        "the penalty term is missing: the weights should also shrink.",
    ),
    Mistake(
        "decay_after_step",
        lambda W, g, lr, lam, m: (1 - lr * lam / m) * (W - lr * g),
        "you shrank the weights after the data step; both gradients are taken at the old W.",
    ),
    Mistake(
        "no_data_gradient",
        lambda W, g, lr, lam, m: W - lr * lam / m * W,
        "the data gradient grad_W is missing from the step: W − lr·(grad_W + (λ/m)·W).",
    ),
    Mistake(
        "penalty_gradient_squared",
        lambda W, g, lr, lam, m: W - lr * (g + lam / m * W**2),
        "the penalty's gradient is (λ/m)·W, not (λ/m)·W²: differentiate the square.",
    ),
    Mistake(
        "returns_step",
        lambda W, g, lr, lam, m: lr * (g + lam / m * W),
        "that is the step lr·(grad_W + (λ/m)·W) itself; return W minus it.",
    ),
    Mistake(
        "returns_gradient",
        lambda W, g, lr, lam, m: g + lam / m * W,
        "that is the penalized gradient; return the new weights after one step.",
    ),
    Mistake(
        "penalty_without_w",
        lambda W, g, lr, lam, m: W - lr * (g + lam / m),
        "the penalty's gradient is (λ/m)·W, a matrix: you added the number λ/m instead (times W).",
    ),
    Mistake(
        "data_gradient_divided_by_m",
        lambda W, g, lr, lam, m: W - lr * (g + lam * W) / m,
        "you divided grad_W by m too: grad_W is already the gradient of the data loss; only "
        "λ is divided by m.",
    ),
)

L2_UPDATE = Exercise(
    name="L2 update",
    inputs=("W", "grad_W", "lr", "lam", "m"),
    reference=_l2_reference,
    cases=_l2_cases,
    read=array_reader("the new weights"),
    mistakes=L2_MISTAKES,
    success="one gradient step on the penalized loss: the weights shrink by a constant factor "
    "before the data gradient moves them.",
    fallback=lambda value, want, case: (
        "the new weights are wrong; write the gradient of the "
        "penalized loss, then take one step of size lr against it."
    ),
)


def check_l2_update(fn: Callable[..., np.ndarray]) -> Feedback:
    """Check a learner's ``l2_update(W, grad_W, lr, lam, m)``.

    The returned matrix is compared with one gradient-descent step on the L2-penalized
    loss, for two settings of the learning rate, λ and m.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_l2_update(lambda W, g, lr, lam, m: W).passed
        False
    """
    return L2_UPDATE.check(fn)
