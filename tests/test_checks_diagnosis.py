"""The generic diagnosis every check shares (:mod:`lessons_lib.checks.diagnosis`)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lessons_lib.checks import check_clip_by_norm, check_l2_update, check_max_norm, check_mixup
from lessons_lib.checks.diagnosis import changed_input
from lessons_lib.checks.exercise import Case, Exercise, array_reader, tuple_reader


def test_changed_input_names_the_first_input_changed_and_skips_allowed_ones():
    before = (np.ones(3), [torch.zeros(2)], 0.5)
    after = (np.ones(3), [torch.tensor([0.0, 1.0])], 0.5)
    message = changed_input(before, after, ["W", "grads", "lr"])
    assert message is not None and "`grads`" in message and "list" in message
    assert changed_input(before, after, ["W", "grads", "lr"], allowed=("grads",)) is None
    assert changed_input(before, before, ["W", "grads", "lr"]) is None


def l2_in_place(W, grad_W, lr, lam, m):
    W *= 1 - lr * lam / m
    W -= lr * grad_W
    return W


def clip_in_place(grads, max_norm):
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    for g in grads:
        g.mul_(min(1.0, max_norm / float(total)))
    return grads


def max_norm_in_place(W, c):
    norms = W.norm(dim=1, keepdim=True)
    W[:] = torch.where(norms > c, W * c / norms, W)
    return W


def mixup_in_place_after_reading(x, targets, lam, perm):
    partner_x, partner_t = x[perm].clone(), targets[perm]
    x.mul_(lam[:, None, None]).add_((1 - lam[:, None, None]) * partner_x)
    return x, lam[:, None] * targets + (1 - lam[:, None]) * partner_t


def test_answers_right_in_value_but_changing_an_input_in_place_are_told_so():
    for check, answer, name in (
        (check_l2_update, l2_in_place, "`W`"),
        (check_clip_by_norm, clip_in_place, "`grads`"),
        (check_max_norm, max_norm_in_place, "`W`"),
        (check_mixup, mixup_in_place_after_reading, "`x`"),
    ):
        fb = check(answer)
        assert not fb and "in place" in fb.message and name in fb.message, fb.message


# --- hypotheses tested against the reference (lessons_lib.checks.hypotheses) -----------------


def _step(W, G, lr, lam, m):
    return W - lr * (G + lam / m * W)


def _step_exercise(**kw):
    gen = np.random.default_rng(0)

    def cases():
        return [
            Case((gen_w, gen_g, lr, lam, m), f"case {i}")
            for i, (gen_w, gen_g, lr, lam, m) in enumerate(
                [
                    (gen.normal(size=(3, 2)), gen.normal(size=(3, 2)), 0.1, 2.0, 8),
                    (gen.normal(size=(2, 4)), gen.normal(size=(2, 4)), 0.3, 0.5, 5),
                ]
            )
        ]

    fixed = cases()
    return Exercise(
        name="step",
        reference=_step,
        cases=lambda: fixed,
        read=array_reader("W"),
        mistakes=(),
        success="ok",
        fallback=lambda value, want, case: "FALLBACK",
        inputs=("W", "grad_W", "lr", "lam", "m"),
        **kw,
    )


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (lambda W, G, lr, lam, m: 2 * _step(W, G, lr, lam, m), "twice the expected"),
        (lambda W, G, lr, lam, m: -_step(W, G, lr, lam, m), "wrong sign"),
        (lambda W, G, lr, lam, m: m * _step(W, G, lr, lam, m), "multiplied by `m`"),
        (lambda W, G, lr, lam, m: _step(W, G, lr, lam, m).T, "transpose"),
        (lambda W, G, lr, lam, m: W - lr * G, "a term in `W` is missing"),
        (lambda W, G, lr, lam, m: _step(W, G, lr, 2 * lam, m), "`lam` were doubled"),
        (lambda W, G, lr, lam, m: _step(G, W, lr, lam, m), "`W` and `grad_W` were swapped"),
    ],
)
def test_a_hypothesis_that_reproduces_every_case_is_named(answer, says):
    fb = _step_exercise().check(answer)
    assert not fb and says in fb.message, fb.message


def test_nothing_is_named_when_no_hypothesis_holds_on_every_case():
    def once_wrong(W, G, lr, lam, m):
        out = _step(W, G, lr, lam, m)
        return 2 * out if W.shape == (3, 2) else out + 0.1  # a factor on one case only

    fb = _step_exercise().check(once_wrong)
    assert not fb and fb.message.endswith("FALLBACK"), fb.message


def _pair_exercise():
    x = np.array([1.0, -2.0, 3.0])
    return Exercise(
        name="pair",
        reference=lambda v: (v.sum(), (v**2).sum()),
        cases=lambda: [Case((x,), ""), Case((x[:2] * 3,), "")],
        read=tuple_reader(("total", "energy"), numbers=True),
        mistakes=(),
        success="ok",
        fallback=lambda value, want, case: "FALLBACK",
        parts=("total", "energy"),
    )


def test_tuple_parts_in_another_order_and_a_wrong_part_unexplained():
    ex = _pair_exercise()
    swapped = ex.check(lambda v: ((v**2).sum(), v.sum()))
    assert not swapped and "wrong order" in swapped.message and "(total, energy)" in swapped.message
    halved = ex.check(lambda v: (v.sum(), (v**2).sum() / 2))
    assert "energy: every value is half the expected one" in halved.message, halved.message
    both = ex.check(lambda v: (v.sum() + 1, (v**2).sum() / 2))  # total: no hypothesis fits
    assert both.message == "FALLBACK", both.message


def test_a_dict_answer_is_compared_key_by_key():
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    ex = Exercise(
        name="grads",
        reference=lambda X: {"W": X.T @ X / len(X), "b": X.mean(0)},
        cases=lambda: [Case((x,), ""), Case((x[:2],), "")],
        read=lambda got, case: {k: np.asarray(v, dtype=float) for k, v in got.items()},
        mistakes=(),
        success="ok",
        fallback=lambda value, want, case: "FALLBACK",
    )
    fb = ex.check(lambda X: {"W": X.T @ X / len(X), "b": X.sum(0)})
    assert not fb and fb.message.startswith("compared with the expected answer, b:"), fb.message
    assert "multiplied by N, the number of rows of `X`" in fb.message, fb.message


def test_one_input_scaled_by_another_is_named():
    fb = _step_exercise().check(lambda W, G, lr, lam, m: _step(W, G, lr, lam * m * m, m))
    assert not fb and "lam were multiplied by m where it is divided by it" in fb.message
