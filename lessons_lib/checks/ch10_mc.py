"""Check for chapter 10's Monte Carlo dropout exercise (the other checks: :mod:`.ch10`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from ..mc_dropout import mc_dropout_predict
from .answers import Tolerance, to_array, to_items
from .exercise import Case, Exercise, Mistake
from .feedback import Feedback
from .guard import paused

# --- Monte Carlo dropout ---------------------------------------------------------------------

_PASSES = 400


class _Counted(nn.Sequential):
    """An ``nn.Sequential`` that counts the rows it processes (copies share the count).

    The check reads the count after each call: fewer rows than ``num_samples`` passes over
    ``X`` means fewer passes (however they were batched).
    """

    rows: ClassVar[list[int]] = [0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        type(self).rows[0] += int(x.shape[0]) if x.dim() else 1
        return super().forward(x)


def _mc_model(X: torch.Tensor) -> nn.Module:
    """A trained-looking network with batch norm whose running statistics are not X's.

    Batch norm left in training mode (the statement asks for eval mode) then normalizes
    with the batch's statistics and gives other outputs.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        first, norm = nn.Linear(1, 32), nn.BatchNorm1d(32)
        model = _Counted(first, norm, nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 1))
    with torch.no_grad():
        z = first(X)
        norm.running_mean = z.mean(0) + z.std(0)
        norm.running_var = 4 * z.var(0)
    return model.eval()  # as after training: switching dropout on is the task


@functools.lru_cache(maxsize=1)
def _mc_cases() -> list[Case]:
    with paused():  # the check's own passes, built lazily inside a graded (guarded) run
        return _build_mc_cases()


def _build_mc_cases() -> list[Case]:
    X = torch.linspace(-2, 2, 7).unsqueeze(1)
    model = _mc_model(X)
    with torch.no_grad():
        eval_out = model(X).double().numpy()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        mean, std = mc_dropout_predict(model, X, num_samples=4000)
    want = (mean.detach().double().numpy(), std.detach().double().numpy())
    return [Case((model, X, _PASSES), "", want=want, extra={"eval": eval_out}, seed=1)]


def _read_mc(got: Any, case: Case) -> Any:
    rows, _Counted.rows[0] = _Counted.rows[0], 0
    items = to_items(got, 2, "a pair (mean, std) of tensors")
    if isinstance(items, str):
        return items
    X, n = case.args[1], case.args[2]
    if rows < n * len(X):
        return (
            f"num_samples={n} dropout forward passes over X were asked for; your function "
            f"ran the model over {rows / len(X):g} passes' worth of inputs: run one forward "
            "pass per sample, each with its own mask."
        )
    shape = case.extra["eval"].shape
    out = []
    for name, item in zip(("mean", "std"), items, strict=True):
        if isinstance(item, torch.Tensor) and item.requires_grad:
            return (
                f"your {name} still requires grad: the passes built a graph for "
                "gradients nobody needs. Wrap the passes in torch.no_grad()."
            )
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
        if not (flat_a and flat_b and at_eval_a == at_eval_b):
            return False
        return at_eval_a or bool(np.allclose(ma, mb, atol=1e-5))
    ref_std = case.want[1]
    noise = 5 * ref_std * np.sqrt(2 / _PASSES) + 1e-4 + tol.rtol * np.abs(mb)
    return bool(
        np.all(np.abs(ma - mb) <= noise)
        and np.all(np.abs(sa - sb) <= 0.25 * ref_std + 1e-4 + tol.rtol * np.abs(sb))
    )


def _passes(
    model: nn.Module,
    X: torch.Tensor,
    n: int,
    *,
    reseed: bool = False,
    on: bool = True,
    whole: bool = False,
) -> torch.Tensor:
    model.eval()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.train(on)
    if whole:
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
        lambda model, X, n: (lambda P: (P.mean(0), P.std(0)))(
            _passes(model.eval(), X, n, on=False)
        ),
        "your standard deviation is 0 and your mean is the eval-mode output: dropout was "
        "off during the passes. Switch the dropout layers to training mode before sampling.",
    ),
    Mistake(
        "batch_norm_in_training_mode",
        lambda model, X, n: (lambda P: (P.mean(0), P.std(0)))(_passes(model, X, n, whole=True)),
        "batch norm ran in training mode too (model.train() switches every layer): it "
        "normalized with this batch's statistics instead of its running ones. Put the "
        "model in eval mode and switch only the dropout layers to training mode.",
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


def _mc_fallback(value: tuple[np.ndarray, np.ndarray]) -> str:
    if np.allclose(value[1], 0, atol=1e-7):
        return (
            "your standard deviation is 0: every pass gave the same output although dropout "
            "was on, so the passes share one mask (a seed set inside the loop, or one mask "
            "drawn once and reused). Let each pass draw its own mask."
        )
    return (
        "your mean or spread differs from the average over many dropout passes by more than "
        "sampling noise allows: average num_samples passes and take their standard deviation "
        "per input (dim 0 of the stacked outputs)."
    )


MC_PREDICT = Exercise(
    name="Monte Carlo dropout",
    reference=mc_dropout_predict,
    cases=_mc_cases,
    read=_read_mc,
    mistakes=MC_MISTAKES,
    success="mean and spread of the dropout passes agree with 4000 reference passes "
    "within sampling noise.",
    fallback=lambda value, want, case: _mc_fallback(value),
    parts=("mean", "std"),
    agree=_mc_agree,
)


def check_mc_predict(
    fn: Callable[[nn.Module, torch.Tensor, int], tuple[torch.Tensor, torch.Tensor]],
) -> Feedback:
    """Check ``mc_predict(model, X, num_samples) -> (mean, std)`` (Monte Carlo dropout).

    A small network with batch norm, in eval mode, is handed over (batch norm must stay
    in eval mode, and no gradient be computed); the mean and standard deviation returned
    (each of the shape of ``model(X)``) are compared, within sampling noise, with many
    reference passes. The check runs under its own seed and restores the global one.

    Returns:
        A :class:`~lessons_lib.checks.Feedback`, truthy when the answer is right.

    Example:
        >>> check_mc_predict(lambda m, X, T: (m.eval()(X), torch.zeros(len(X), 1))).passed
        False
    """
    return MC_PREDICT.check(fn)
