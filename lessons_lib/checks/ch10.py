"""Checks for chapter 10, *More regularizers, and using them together*."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from ..gradient_clipping import clip_by_total_norm
from ..mc_dropout import mc_dropout_predict
from .answers import Tolerance, close, to_array, to_items
from .exercise import Case, Exercise, Mistake, array_reader
from .feedback import Feedback

# --- clip by norm ----------------------------------------------------------------------------


def _clip_cases() -> list[Case]:
    gen = torch.Generator().manual_seed(0)
    big = [torch.randn(3, 4, generator=gen) * 3, torch.randn(5, generator=gen) * 3]
    small = [g / 100 for g in big]
    return [
        Case((big, 1.0), "with max_norm=1 and a larger norm"),
        Case((small, 1.0), "with max_norm=1 and a smaller norm"),
        Case((big, 5.0), "with max_norm=5"),
    ]


def _read_grads(got: Any, case: Case) -> Any:
    n = len(case.args[0])
    items = to_items(got, n, f"a list of {n} tensors, one per gradient")
    if isinstance(items, str):
        return items
    out = []
    for i, item in enumerate(items):
        value = to_array(item, None, f"gradient {i}")
        if isinstance(value, str):
            return value
        out.append(value)
    return tuple(out)


def _total(grads: Sequence[torch.Tensor]) -> float:
    return float(torch.stack([g.double().pow(2).sum() for g in grads]).sum().sqrt())


def _scaled(factor: Callable[[Sequence[torch.Tensor], float], float]) -> Callable[..., list]:
    return lambda grads, c: [g * factor(grads, c) for g in grads]


CLIP_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "clip_by_value",
        lambda grads, c: [g.clamp(-c, c) for g in grads],
        "that is clipping by value (each entry into [−c, c]); here all gradients keep their "
        "direction and are scaled by one common factor.",
    ),
    Mistake(
        "per_tensor_norm",
        lambda grads, c: [g * min(1.0, c / float(g.norm())) for g in grads],
        "you clipped each tensor by its own norm; use the norm of all gradients together "
        "(the square root of the sum of every squared entry).",
    ),
    Mistake(
        "scales_up",
        _scaled(lambda grads, c: c / _total(grads)),
        "gradients whose norm is already below max_norm must come back unchanged: clipping "
        "never scales up.",
    ),
    Mistake(
        "sum_of_norms",
        _scaled(lambda grads, c: min(1.0, c / sum(float(g.norm()) for g in grads))),
        "the joint norm is the square root of the sum of all squared entries, not the sum "
        "of the tensors' norms.",
    ),
    Mistake(
        "factor_inverted",
        _scaled(lambda grads, c: min(1.0, _total(grads) / c)),
        "the factor is max_norm / norm, not norm / max_norm.",
    ),
    Mistake(
        "squared_norm",
        _scaled(lambda grads, c: min(1.0, c / _total(grads) ** 2)),
        "you compared the *squared* norm with max_norm: take the square root first.",
    ),
)


def _clip_agree(a: Any, b: Any, case: Case, tol: Tolerance) -> bool:
    # torch's 1e-6 guard in the factor is allowed either way.
    return close(a, b, Tolerance(max(tol.rtol, 1e-5), max(tol.atol, 1e-6)))


CLIP_BY_NORM = Exercise(
    name="clip by norm",
    reference=clip_by_total_norm,
    cases=_clip_cases,
    read=_read_grads,
    mistakes=CLIP_MISTAKES,
    success="your clipping matches torch.nn.utils.clip_grad_norm_, above and below max_norm.",
    fallback=lambda value, want, case: (
        f"the gradients' joint norm is {_total(case.args[0]):.3g}: "
        f"after clipping it should be min(norm, max_norm={case.args[1]}), every entry scaled by "
        "the same factor."
    ),
    agree=_clip_agree,
)


def check_clip_by_norm(
    fn: Callable[[list[torch.Tensor], float], list[torch.Tensor]],
) -> Feedback:
    """Check ``clip_by_norm(grads, max_norm) -> list of tensors``.

    The returned list is compared with ``torch.nn.utils.clip_grad_norm_`` applied to the
    same gradients, for gradients whose joint norm is above and below ``max_norm``.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_clip_by_norm(lambda g, c: [x.clamp(-c, c) for x in g]).passed
        False
    """
    return CLIP_BY_NORM.check(fn)


# --- max-norm projection ---------------------------------------------------------------------


def _max_norm_cases() -> list[Case]:
    gen = torch.Generator().manual_seed(1)
    rows = torch.tensor([[0.2], [3.0], [0.5], [2.0], [0.1], [4.0]])
    W = torch.randn(6, 4, generator=gen) * rows
    return [Case((W, c), f"with c={c}") for c in (1.0, 2.5)]


def _renorm(W: torch.Tensor, c: float) -> torch.Tensor:
    return torch.renorm(W, 2, 0, c)


def _rows(W: torch.Tensor, factor: Callable[[torch.Tensor, float], torch.Tensor]) -> Any:
    return W * factor(W.norm(dim=1, keepdim=True), 0.0)


MAX_NORM_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "columns",
        lambda W, c: torch.renorm(W, 2, 1, c),
        "you constrained the columns; in PyTorch's (out, in) layout a unit's incoming "
        "weights are a row: take norms over dim=1.",
    ),
    Mistake(
        "rescale_every_row",
        lambda W, c: c * W / W.norm(dim=1, keepdim=True),
        "every row now has norm c, but rows already shorter than c must stay as they are: "
        "the constraint is ||w|| ≤ c, a projection, not a rescaling.",
    ),
    Mistake(
        "frobenius",
        lambda W, c: W * min(1.0, c / float(W.norm())),
        "you scaled the whole matrix by its Frobenius norm; the constraint applies to each "
        "unit (row) separately.",
    ),
    Mistake(
        "clamp_entries",
        lambda W, c: W.clamp(-c, c),
        "that clamps each entry into [−c, c]; the constraint is on the norm of each row.",
    ),
    Mistake(
        "squared_norm",
        lambda W, c: W * torch.clamp(c / W.norm(dim=1, keepdim=True) ** 2, max=1.0),
        "you divided by the squared norm: scale a long row by c / ||w||.",
    ),
)

MAX_NORM = Exercise(
    name="max-norm projection",
    reference=_renorm,
    cases=_max_norm_cases,
    read=array_reader("the projected matrix"),
    mistakes=MAX_NORM_MISTAKES,
    success="your projection matches torch.renorm(W, 2, 0, c).",
    fallback=lambda value, want, case: (
        f"with c={case.args[1]}, rows with norm above c "
        "should be scaled to norm exactly c and the other rows left unchanged."
    ),
    agree=_clip_agree,
)


def check_max_norm(fn: Callable[[torch.Tensor, float], torch.Tensor]) -> Feedback:
    """Check ``max_norm_project(W, c) -> W'`` for a weight of PyTorch layout ``(out, in)``.

    The matrix is compared with the expected projection on a weight whose rows have
    very different norms, some above and some below ``c``, for two values of ``c``.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_max_norm(lambda W, c: W).passed
        False
    """
    return MAX_NORM.check(fn)


# --- Monte Carlo dropout ---------------------------------------------------------------------

_PASSES = 400


def _mc_model() -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 1))
    return model.eval()  # as after training: switching dropout on is the task


@functools.lru_cache(maxsize=1)
def _mc_cases() -> list[Case]:
    model = _mc_model()
    X = torch.linspace(-2, 2, 7).unsqueeze(1)
    with torch.no_grad():
        eval_out = model(X).double().numpy()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        mean, std = mc_dropout_predict(model, X, num_samples=4000)
    want = (mean.detach().double().numpy(), std.detach().double().numpy())
    return [Case((model, X, _PASSES), "", want=want, extra={"eval": eval_out}, seed=1)]


def _read_mc(got: Any, case: Case) -> Any:
    items = to_items(got, 2, "a pair (mean, std) of tensors")
    if isinstance(items, str):
        return items
    shape = case.extra["eval"].shape
    out = []
    for name, item in zip(("mean", "std"), items, strict=True):
        value = to_array(item, None, name)
        if isinstance(value, str):
            return value
        if value.shape != shape and value.size == int(np.prod(shape)):
            return f"{name} should have the shape of model(X), {shape}, got {value.shape}."
        out.append(value)
    return tuple(out)


def _mc_agree(a: Any, b: Any, case: Case, tol: Tolerance) -> bool:
    (ma, sa), (mb, sb) = a, b
    if ma.shape != mb.shape or sa.shape != sb.shape:
        return False
    if not all(np.all(np.isfinite(v)) for v in (ma, sa, mb, sb)):
        return False
    eval_out = case.extra["eval"]
    flat_a, flat_b = np.allclose(sa, 0, atol=1e-7), np.allclose(sb, 0, atol=1e-7)
    if flat_a or flat_b:  # identical passes: tell "dropout off" from "same mask every pass"
        at_eval_a, at_eval_b = (
            np.allclose(ma, eval_out, atol=1e-5),
            np.allclose(mb, eval_out, atol=1e-5),
        )
        return flat_a and flat_b and at_eval_a == at_eval_b
    ref_std = case.want[1]
    noise = 5 * ref_std * np.sqrt(2 / _PASSES) + 1e-4
    return bool(
        np.all(np.abs(ma - mb) <= noise) and np.all(np.abs(sa - sb) <= 0.25 * ref_std + 1e-4)
    )


def _passes(model: nn.Module, X: torch.Tensor, n: int, *, reseed: bool = False) -> torch.Tensor:
    model.train()
    out = []
    with torch.no_grad():
        for _ in range(n):
            if reseed:
                torch.manual_seed(0)
            out.append(model(X))
    return torch.stack(out)


MC_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "dropout_off",
        lambda model, X, n: (model.eval()(X), torch.zeros_like(model(X))),
        "your standard deviation is 0 and your mean is the eval-mode output: dropout was "
        "off during the passes. Switch the dropout layers to training mode before sampling.",
    ),
    Mistake(
        "same_seed_every_pass",
        lambda model, X, n: (lambda P: (P.mean(0), P.std(0)))(_passes(model, X, n, reseed=True)),
        "every pass gave the same output although dropout was on: you reset the seed (or "
        "reused one mask) inside the loop, so the passes are not independent. Seed once, "
        "outside the loop, or not at all.",
    ),
    Mistake(
        "variance_not_std",
        lambda model, X, n: (lambda P: (P.mean(0), P.var(0)))(_passes(model, X, n)),
        "that spread is the variance; return the standard deviation of the passes.",
    ),
    Mistake(
        "std_of_mean",
        lambda model, X, n: (lambda P: (P.mean(0), P.std(0) / n**0.5))(_passes(model, X, n)),
        "that is the standard error of the mean; return the standard deviation of the passes "
        "themselves (it does not shrink with more passes).",
    ),
    Mistake(
        "std_and_mean_swapped",
        lambda model, X, n: (lambda P: (P.std(0), P.mean(0)))(_passes(model, X, n)),
        "the two values are swapped: return (mean, std) in that order.",
    ),
)

MC_PREDICT = Exercise(
    name="Monte Carlo dropout",
    reference=mc_dropout_predict,
    cases=_mc_cases,
    read=_read_mc,
    mistakes=MC_MISTAKES,
    success="mean and spread of the dropout passes agree with 4000 reference passes "
    "within sampling noise.",
    fallback=lambda value, want, case: (
        "your mean or spread differs from the average over "
        "many dropout passes by more than sampling noise allows: average num_samples passes "
        "and take their standard deviation per input (dim 0 of the stacked outputs)."
    ),
    parts=("mean", "std"),
    agree=_mc_agree,
)


def check_mc_predict(
    fn: Callable[[nn.Module, torch.Tensor, int], tuple[torch.Tensor, torch.Tensor]],
) -> Feedback:
    """Check ``mc_predict(model, X, num_samples) -> (mean, std)`` (Monte Carlo dropout).

    A small network in eval mode is handed over; the mean and standard deviation returned
    (each of the shape of ``model(X)``) are compared, within sampling noise, with many
    reference passes. The check runs under its own seed and restores the global one.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_mc_predict(lambda m, X, T: (m.eval()(X), torch.zeros(len(X), 1))).passed
        False
    """
    return MC_PREDICT.check(fn)
