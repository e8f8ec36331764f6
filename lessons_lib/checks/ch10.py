"""Checks for chapter 10, *More regularizers, and using them together*."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ..gradient_clipping import clip_by_total_norm
from .answers import Tolerance, close, to_array, to_items
from .ch10_mc import check_mc_predict as check_mc_predict  # the chapter's third check
from .ch10_norms import clip_fallback as _clip_fallback
from .ch10_norms import total_norm as _total
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


def _is_number(value: Any) -> bool:
    if isinstance(value, torch.Tensor | np.ndarray):
        return value.ndim == 0
    return isinstance(value, int | float | np.floating)


def _read_grads(got: Any, case: Case) -> Any:
    n = len(case.args[0])
    if (
        isinstance(got, tuple | list)
        and len(got) == 2
        and isinstance(got[0], list | tuple)
        and _is_number(got[1])
    ):
        return (
            f"a list of {n} gradients was expected, and a pair (list, number) came back, as "
            "clip_grad_norm_ returns the norm: return only the list of clipped gradients."
        )
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
        "max_norm_of_entries",
        _scaled(lambda grads, c: min(1.0, c / max(float(g.abs().max()) for g in grads))),
        "you used the largest entry (the ∞-norm); clip_grad_norm_ uses the Euclidean norm: "
        "the square root of the sum of all squared entries.",
    ),
    Mistake(
        "squared_norm",
        _scaled(lambda grads, c: min(1.0, c / _total(grads) ** 2)),
        "you compared the *squared* norm with max_norm: take the square root first.",
    ),
    Mistake(
        "root_of_sum_of_norms",
        _scaled(lambda grads, c: min(1.0, c / sum(float(g.norm()) for g in grads) ** 0.5)),
        "the joint norm is the square root of the sum of all *squared* entries, not the "
        "square root of the sum of the tensors' norms.",
    ),
    Mistake(
        "first_tensor_only",
        lambda grads, c: [grads[0] * min(1.0, c / _total(grads))] + list(grads[1:]),
        "only the first tensor was scaled: every tensor takes the same factor.",
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
    fallback=lambda value, want, case: _clip_fallback(value, case),
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


def _with_row_norms(norms: Sequence[float], seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    W = torch.randn(len(norms), 4, generator=gen)
    return W / W.norm(dim=1, keepdim=True) * torch.tensor(norms).unsqueeze(1)


def _max_norm_cases() -> list[Case]:
    # Every regime where plausible answers differ: rows far below and far above c, and for
    # c > 1 and c < 1 rows between c and sqrt(c) (a squared norm compared with c, or with
    # sqrt(c), puts them on the wrong side).
    return [
        Case((_with_row_norms([0.2, 3.0, 0.5, 2.0, 0.1, 4.0], 1), 1.0), "with c=1.0"),
        Case((_with_row_norms([0.4, 1.8, 2.2, 2.4, 3.0, 6.0], 2), 2.5), "with c=2.5"),
        Case((_with_row_norms([0.1, 0.45, 0.55, 0.65, 0.8, 2.0], 3), 0.5), "with c=0.5"),
    ]


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
    Mistake(
        "squared_norm_compared",
        lambda W, c: torch.where(
            (W**2).sum(1, keepdim=True) > c, W * c / W.norm(dim=1, keepdim=True), W
        ),
        "you compared the squared norm ||w||² with c: compare the norm itself with c (or "
        "||w||² with c²). Rows with a norm between c and √c are on the wrong side.",
    ),
    Mistake(
        "unit_rows",
        lambda W, c: torch.where(
            W.norm(dim=1, keepdim=True) > c, W / W.norm(dim=1, keepdim=True), W
        ),
        "your long rows end with norm 1, not c: scale them by c / ||w||.",
    ),
    Mistake(
        "l1_norm",
        lambda W, c: W * torch.clamp(c / W.abs().sum(dim=1, keepdim=True), max=1.0),
        "you used each row's L1 norm (the sum of absolute values); max-norm uses the "
        "Euclidean norm, the square root of the sum of squares.",
    ),
)


def _max_norm_fallback(value: np.ndarray, case: Case) -> str:
    W, c = case.args
    norms = W.double().norm(dim=1).numpy()
    got = np.linalg.norm(value, axis=1)
    want = np.minimum(norms, c)
    bad = [i for i in range(len(norms)) if not np.isclose(got[i], want[i], rtol=1e-4)]
    long = [i for i in bad if norms[i] > c]
    short = [i for i in bad if norms[i] <= c]
    parts = []
    if long:
        parts.append(
            f"rows {long} have norms {np.round(norms[long], 3).tolist()} > c and should end with "
            f"norm c = {c}, yours have {np.round(got[long], 3).tolist()}"
        )
    if short:
        parts.append(
            f"rows {short} have norms {np.round(norms[short], 3).tolist()} ≤ c and should stay "
            f"as they are, yours have norms {np.round(got[short], 3).tolist()}"
        )
    if not parts:
        return (
            "the row norms are right but the directions are not: scale each row, do not "
            "change its direction."
        )
    return "; ".join(parts) + "."


MAX_NORM = Exercise(
    name="max-norm projection",
    reference=_renorm,
    cases=_max_norm_cases,
    read=array_reader("the projected matrix"),
    mistakes=MAX_NORM_MISTAKES,
    success="your projection matches torch.renorm(W, 2, 0, c).",
    fallback=lambda value, want, case: _max_norm_fallback(value, case),
    agree=_clip_agree,
)


def check_max_norm(fn: Callable[[torch.Tensor, float], torch.Tensor]) -> Feedback:
    """Check ``max_norm_project(W, c) -> W'`` for a weight of PyTorch layout ``(out, in)``.

    The matrix is compared with the expected projection on a weight whose rows have
    norms below, between and above ``c`` and ``sqrt(c)``, for three values of ``c``.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_max_norm(lambda W, c: W).passed
        False
    """
    return MAX_NORM.check(fn)
