"""Checks for chapter 10, *More regularizers, and using them together*."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from ..regularizers import mc_dropout_predict
from .feedback import Feedback, as_tensor, call_learner


def _reference_clip(grads: Sequence[torch.Tensor], max_norm: float) -> list[torch.Tensor]:
    total = torch.sqrt(sum(g.pow(2).sum() for g in grads))
    scale = min(1.0, max_norm / (float(total) + 1e-6))
    return [g * scale for g in grads]


def check_clip_by_norm(
    fn: Callable[[list[torch.Tensor], float], list[torch.Tensor]],
) -> Feedback:
    """Check ``clip_by_norm(grads, max_norm) -> list of tensors``.

    Expected: if the norm of all gradients together exceeds ``max_norm``, every
    gradient is multiplied by the same factor ``max_norm / norm``; otherwise they are
    returned unchanged (what ``torch.nn.utils.clip_grad_norm_`` does).

    Example:
        >>> from lessons_lib.checks.ch10 import _reference_clip
        >>> check_clip_by_norm(_reference_clip).passed
        True
        >>> check_clip_by_norm(lambda g, c: [x.clamp(-c, c) for x in g]).passed
        False
    """
    name = "clip by norm"
    gen = torch.Generator().manual_seed(0)
    big = [torch.randn(3, 4, generator=gen) * 3, torch.randn(5, generator=gen) * 3]
    small = [g / 100 for g in big]
    for grads, max_norm in ((big, 1.0), (small, 1.0), (big, 5.0)):
        got, problem = call_learner(name, fn, [g.clone() for g in grads], max_norm)
        if problem is not None:
            return problem
        if not isinstance(got, (list, tuple)) or len(got) != len(grads):
            return Feedback(
                name, False, f"return a list of {len(grads)} tensors, one per gradient."
            )
        tensors = []
        for g, out in zip(grads, got, strict=True):
            t, problem = as_tensor(name, out, g.shape)
            if problem is not None:
                return problem
            tensors.append(t)
        want = _reference_clip(grads, max_norm)
        if all(
            torch.allclose(t, w, rtol=1e-4, atol=1e-6) for t, w in zip(tensors, want, strict=True)
        ):
            continue
        total = float(torch.sqrt(sum(g.pow(2).sum() for g in grads)))
        if all(
            torch.allclose(t, g.clamp(-max_norm, max_norm))
            for t, g in zip(tensors, grads, strict=True)
        ):
            hint = (
                "that is clipping by value (each entry into [-c, c]); here all gradients "
                "keep their direction and are scaled by one common factor."
            )
        elif all(
            torch.allclose(t, g * min(1.0, max_norm / float(g.norm())), rtol=1e-4)
            for t, g in zip(tensors, grads, strict=True)
        ):
            hint = (
                "you clipped each tensor by its own norm; use the norm of all gradients "
                "together, sqrt(sum of every squared entry)."
            )
        elif total <= max_norm:
            hint = (
                f"the gradients' norm {total:.3g} is already below max_norm={max_norm}: "
                "return them unchanged (clipping never scales up)."
            )
        else:
            hint = (
                f"the gradients' norm is {total:.3g}; after clipping it should be "
                f"max_norm={max_norm}, with every entry scaled by the same factor."
            )
        return Feedback(name, False, hint)
    return Feedback(name, True, "your clipping matches torch.nn.utils.clip_grad_norm_.")


def check_max_norm(fn: Callable[[torch.Tensor, float], torch.Tensor]) -> Feedback:
    """Check ``max_norm_project(W, c) -> W'`` for a weight of PyTorch layout ``(out, in)``.

    Expected: each row (the incoming weights of one unit) with norm above ``c`` is
    scaled down to norm ``c``; rows already inside the ball are unchanged, as
    ``torch.renorm(W, p=2, dim=0, maxnorm=c)``.

    Example:
        >>> check_max_norm(lambda W, c: torch.renorm(W, 2, 0, c)).passed
        True
        >>> check_max_norm(lambda W, c: c * W / W.norm(dim=1, keepdim=True)).passed
        False
    """
    name = "max-norm projection"
    gen = torch.Generator().manual_seed(1)
    W = torch.randn(6, 4, generator=gen) * torch.tensor([[0.2], [3.0], [0.5], [2.0], [0.1], [4.0]])
    for c in (1.0, 2.5):
        got, problem = call_learner(name, fn, W.clone(), c)
        if problem is not None:
            return problem
        t, problem = as_tensor(name, got, W.shape)
        if problem is not None:
            return problem
        want = torch.renorm(W, 2, 0, c)
        if torch.allclose(t, want, rtol=1e-4, atol=1e-6):
            continue
        if torch.allclose(t, torch.renorm(W, 2, 1, c), rtol=1e-4, atol=1e-6):
            hint = (
                "you constrained the columns; in PyTorch's (out, in) layout a unit's "
                "incoming weights are a row: take norms over dim=1 for each row."
            )
        elif torch.allclose(t.norm(dim=1), torch.full((len(W),), c), rtol=1e-3):
            hint = (
                "every row now has norm c, but rows already shorter than c must stay "
                "as they are: the constraint is ||w|| <= c, a projection, not a rescaling."
            )
        elif torch.allclose(t, W * min(1.0, c / float(W.norm())), rtol=1e-4):
            hint = (
                "you scaled the whole matrix by its Frobenius norm; the constraint "
                "applies to each unit (row) separately."
            )
        else:
            hint = (
                f"with c={c}, rows with norm above c should be scaled to norm exactly c "
                "and the other rows left unchanged."
            )
        return Feedback(name, False, hint)
    return Feedback(name, True, "your projection matches torch.renorm(W, 2, 0, c).")


def _mc_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 1))


def check_mc_predict(
    fn: Callable[[nn.Module, torch.Tensor, int], tuple[torch.Tensor, torch.Tensor]],
) -> Feedback:
    """Check ``mc_predict(model, X, num_samples) -> (mean, std)`` (Monte Carlo dropout).

    Expected: the mean and standard deviation over ``num_samples`` forward passes with
    dropout switched on, each of the shape of ``model(X)``.

    Example:
        >>> from lessons_lib.regularizers import mc_dropout_predict
        >>> check_mc_predict(mc_dropout_predict).passed
        True
        >>> check_mc_predict(lambda m, X, T: (m.eval()(X), torch.zeros(len(X), 1))).passed
        False
    """
    name = "Monte Carlo dropout"
    state = torch.random.get_rng_state()
    try:
        model = _mc_model()
        X = torch.linspace(-2, 2, 7).unsqueeze(1)
        with torch.no_grad():
            model.eval()
            eval_out = model(X)
        torch.manual_seed(1)
        ref_mean, ref_std = mc_dropout_predict(model, X, num_samples=4000)
        model.eval()  # as after training and evaluation: switching dropout on is the task
        got, problem = call_learner(name, fn, model, X, 400)
    finally:
        torch.random.set_rng_state(state)
    if problem is not None:
        return problem
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return Feedback(name, False, "return a pair (mean, std) of tensors.")
    mean, problem = as_tensor(name, got[0], eval_out.shape)
    if problem is not None:
        return problem
    std, problem = as_tensor(name, got[1], eval_out.shape)
    if problem is not None:
        return problem
    if torch.allclose(std, torch.zeros_like(std)):
        return Feedback(
            name,
            False,
            "your standard deviation is 0 everywhere: dropout was off during the "
            "passes. Switch the dropout layers to training mode before sampling.",
        )
    tolerance = 5 * ref_std / 400**0.5 + 1e-4
    if not bool(((mean - ref_mean).abs() <= tolerance).all()):
        return Feedback(
            name,
            False,
            "your mean is further from the average over many dropout passes "
            "than sampling noise allows: average the outputs of num_samples passes.",
        )
    if not bool(((std - ref_std).abs() <= 0.25 * ref_std + 1e-4).all()):
        return Feedback(
            name,
            False,
            "your spread does not match the standard deviation of the passes: "
            "compute it over the passes (dim 0 of the stacked outputs), per input.",
        )
    return Feedback(name, True, "mean and spread of the dropout passes are right.")
