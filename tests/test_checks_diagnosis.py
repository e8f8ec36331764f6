"""The generic diagnosis every check shares (:mod:`lessons_lib.checks.diagnosis`)."""

from __future__ import annotations

import numpy as np
import torch

from lessons_lib.checks import check_clip_by_norm, check_l2_update, check_max_norm, check_mixup
from lessons_lib.checks.diagnosis import changed_input


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
