"""Structured hypotheses about a wrong numeric answer, tested against the reference.

When no known mistake of a check's table explains an answer, :func:`explain` tries
hypotheses that hold for any formula and names those that reproduce the learner's
answer on *every* case (to the check's tolerance), never on one input alone:

* the parts of a tuple in another order;
* a constant factor (the sign, twice, half, any constant), a factor equal to one of the
  numeric inputs (``m``, ``lr`` …) or to the number of rows N (a sum where a mean
  belongs, N − 1 for N);
* the transpose;
* a difference proportional to one of the array inputs or to its sign (a term missing,
  doubled or of the wrong sign);
* the reference evaluated with one input perturbed: a number doubled, halved, negated,
  ``1 − p`` for ``p``, an integer off by one, a flag flipped (training/eval mode), two
  inputs of the same shape swapped.

The hypotheses read only the answers, the cases and the reference, so they generalize to
mistakes no table foresaw; each sentence states a fact about the answer.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import torch

from .answers import Tolerance, close
from .perturbations import perturbed_cases as _variants
from .values import conform


def _arr(value: Any) -> np.ndarray | None:
    if isinstance(value, int | float | np.floating | np.ndarray) and not isinstance(value, bool):
        arr = np.asarray(value, dtype=np.float64)
        return arr if np.all(np.isfinite(arr)) else None
    return None


def _plain_args(case: Any) -> list[Any]:
    out = []
    for a in case.args:
        if isinstance(a, torch.Tensor):
            out.append(a.detach().double().numpy())
        else:
            out.append(a)
    return out


def _fmt(c: float) -> str:
    for n in range(2, 11):
        if np.isclose(c, n):
            return {2: "twice", 3: "three times"}.get(n, f"{n} times")
        if np.isclose(c, 1 / n):
            return "half" if n == 2 else f"1/{n} of"
    return f"{c:.4g} times"


def _factor_sentences(
    pairs: list[tuple[np.ndarray, np.ndarray, Tolerance, Any]], names: list[str]
) -> list[str]:
    """Factors that turn the expected arrays into the answers on every case."""
    found = []
    v0, w0, tol0, case0 = pairs[0]
    constant = False
    if v0.shape == w0.shape and np.any(w0 != 0):
        c = float(np.vdot(v0.ravel(), w0.ravel()) / np.vdot(w0.ravel(), w0.ravel()))
        if abs(c - 1) > 1e-3 and all(close(v, c * w, tol) for v, w, tol, _ in pairs):
            if np.isclose(c, -1):
                return ["every value has the wrong sign (−1 times the expected one)"]
            if abs(c) < 1e-9:
                return []  # all zeros: the check's own message says more
            found.append(
                f"every value is {_fmt(c)} the expected one (off by a constant factor of {c:.4g})"
            )
            constant = True
    scalars = {
        name: [float(_plain_args(case)[i]) for *_, case in pairs]
        for i, name in enumerate(names)
        if i < len(case0.args)
        and isinstance(case0.args[i], int | float)
        and not isinstance(case0.args[i], bool)
    }
    arrays = [i for i, a in enumerate(_plain_args(case0)) if isinstance(a, np.ndarray) and a.ndim]
    counts: dict[str, list[float]] = {}
    if arrays:
        i = arrays[0]
        shapes = [_plain_args(case)[i].shape for *_, case in pairs]
        rows = [float(shape[0]) for shape in shapes]
        counts[f"N, the number of rows of `{names[i]}`"] = rows
        if any(len(shape) > 1 and shape[-1] != shape[0] for shape in shapes):
            counts[f"the number of columns of `{names[i]}`"] = [float(sh[-1]) for sh in shapes]
        if min(rows) > 3:  # for N ≤ 3, (N − 1)/N is 1/2 or 2/3: a constant factor says it
            counts[f"(N − 1)/N, with N the number of rows of `{names[i]}`"] = [
                (n - 1) / n for n in rows
            ]
    for label, qs in {**scalars, **counts}.items():
        if any(q in (0.0, 1.0) for q in qs):
            continue
        for power, how in ((1, "multiplied by"), (-1, "divided by")):
            if all(
                close(v, w * q**power, tol) for (v, w, tol, _), q in zip(pairs, qs, strict=True)
            ):
                why = ""
                if label in counts and not label.startswith("("):
                    why = " (did you forget to divide by it? a sum where a mean belongs)"
                    if power == -1:
                        why = " (you divide by it once too often: a mean where a sum belongs?)"
                short = label if label in counts else f"`{label}`"
                if constant and np.allclose(qs, qs[0]):  # the constant factor, named again
                    verb = "multiplying" if power == 1 else "dividing"
                    found[0] = found[0][:-1] + f", the same as {verb} by {short})"
                    continue
                found.append(f"every value is the expected one {how} {short}{why}")
    return found


def _part_sentences(pairs: list[tuple[Any, Any, Tolerance, Any]], names: list[str]) -> list[str]:
    """What relates the answer to the reference for one array-valued part, on every case."""
    arrays = []
    for v, w, tol, case in pairs:
        va, wa = _arr(v), _arr(w)
        if va is None or wa is None:
            return []
        arrays.append((va, wa, tol, case))
    if any(v.shape != w.shape for v, w, _, _ in arrays):
        if all(v.ndim == 2 and v.shape == w.T.shape and close(v, w.T, t) for v, w, t, _ in arrays):
            return ["it is the transpose of the expected array (rows and columns swapped)"]
        return []
    found = _factor_sentences(arrays, names)
    first = _plain_args(arrays[0][3])
    for i, a in enumerate(first):
        if not (isinstance(a, np.ndarray) and a.shape == arrays[0][1].shape and np.any(a)):
            continue
        for how, make in (("", lambda x: x), ("the sign of ", np.sign)):
            ks: list[float] = []
            for v, w, tol, case in arrays:
                term = make(_plain_args(case)[i])
                if term.shape != w.shape:
                    break
                d = v - w
                k = float(
                    np.vdot(d.ravel(), term.ravel())
                    / max(np.vdot(term.ravel(), term.ravel()), 1e-300)
                )
                if not close(v, w + k * term, tol):
                    break
                ks.append(k)
            if len(ks) == len(arrays) and abs(ks[0]) > 1e-9:
                by = f"{ks[0]:.4g}·" if np.allclose(ks, ks[0], rtol=1e-6) else "a multiple of "
                found.append(
                    f"it differs from the expected value by {by}{how}`{names[i]}` "
                    f"(a term in {how}`{names[i]}` is missing, extra, or has the wrong sign "
                    "or factor)"
                )
    return found


def explain(exercise: Any, answers: dict[int, Any], cases: list[Any], failed: int) -> str | None:
    """A sentence naming every hypothesis that reproduces the answers on every case.

    Args:
        exercise: the :class:`~.exercise.Exercise` (its reference, reader and cases).
        answers: the learner's readable answers by case index, as ``(value, tolerance)``.
        cases: the exercise's cases.
        failed: the index of the case being reported.

    Returns:
        The sentence, or ``None`` when no hypothesis holds (it never raises).
    """
    try:
        return _explain(exercise, answers, cases, failed)
    except Exception:  # noqa: BLE001 - a hypothesis that cannot be tested is not named
        return None


def _explain(exercise: Any, answers: dict[int, Any], cases: list[Any], failed: int) -> str | None:
    order, raw = sorted(answers), answers
    wants = {i: exercise.expected(cases[i]) for i in order}
    found: list[str] = []
    value0, want0 = answers[failed][0], wants[failed]
    names = exercise.input_names()
    parts = list(exercise.parts)
    if isinstance(want0, dict) and all(
        isinstance(v, dict) and v.keys() == want0.keys() for v, _ in answers.values()
    ):  # a dict of named arrays: compare it part by part, like a tuple
        parts = list(want0)
        answers = {i: (tuple(v[k] for k in parts), t) for i, (v, t) in answers.items()}
        wants = {i: tuple(wants[i][k] for k in parts) for i in order}
        value0, want0 = answers[failed][0], wants[failed]
    if isinstance(value0, tuple) and isinstance(want0, tuple) and len(value0) == len(want0):
        parts = parts or [f"value {k + 1}" for k in range(len(want0))]
        for perm in itertools.permutations(range(len(want0))) if len(want0) <= 3 else ():
            if perm != tuple(range(len(want0))) and all(
                close(tuple(answers[i][0][k] for k in perm), wants[i], answers[i][1]) for i in order
            ):
                shown = ", ".join(parts[k] for k in range(len(want0)))
                return f"the values are in the wrong order: return ({shown}) in that order."
        by_text: dict[str, list[str]] = {}
        for k, part in enumerate(parts):
            pairs = [(answers[i][0][k], wants[i][k], answers[i][1], cases[i]) for i in order]
            if all(close(v, w, t) for v, w, t, _ in pairs):
                continue
            sentences = _part_sentences(pairs, names)
            if not sentences:  # a wrong part that no hypothesis explains: no part is named
                by_text = {}
                break
            for sentence in sentences:
                by_text.setdefault(sentence, []).append(part)
        found += [f"{' and '.join(ps)}: {text}" for text, ps in by_text.items()]
    else:
        pairs = [(answers[i][0], wants[i], answers[i][1], cases[i]) for i in order]
        found += _part_sentences(pairs, names)
    if all(cases[i].want is None for i in order):
        found += _perturbed(exercise, raw, cases, failed, names)
    if not found:
        return None
    if len(found) == 1:
        return f"compared with the expected answer, {found[0]}."
    return "compared with the expected answer, each of these fits: " + "; ".join(found) + "."


def _perturbed(
    exercise: Any, answers: dict[int, Any], cases: list[Any], failed: int, names: list[str]
) -> list[str]:
    found = []
    for text, make in _variants(cases[failed], names):
        try:
            fits = True
            for i, (value, tol) in answers.items():
                other = make(cases[i])
                wrong = exercise.read(exercise._run(exercise.reference, other), other)
                wrong = conform(wrong, exercise.expected(cases[i]))
                if isinstance(wrong, str) or not exercise.agree(value, wrong, cases[i], tol):
                    fits = False
                    break
                if i == failed and exercise.agree(
                    exercise.expected(cases[i]), wrong, cases[i], tol
                ):
                    fits = False
                    break
            if fits:
                found.append(f"it equals the expected answer {text}")
        except Exception:  # noqa: BLE001 - the reference is undefined for this variant
            continue
    return found
