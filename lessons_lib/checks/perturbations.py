"""Perturbations of a case's inputs, for :mod:`.hypotheses`: the reference evaluated on them.

Each perturbation is a sentence and a function turning a case into the perturbed case,
applied to every case alike: a number doubled, halved or negated, ``1 − p`` for ``p``,
an integer off by one, a flag flipped, a number multiplied or divided by another one,
two inputs of the same shape swapped.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch


def _scalar(a: Any) -> bool:
    return isinstance(a, int | float) and not isinstance(a, bool)


def perturbed_cases(case: Any, names: list[str]) -> Iterator[tuple[str, Callable[[Any], Any]]]:
    """Perturbations of one input, as functions applied to every case alike."""
    for i, a in enumerate(case.args):
        name = names[i] if i < len(names) else f"input {i + 1}"

        def at(i: int, f: Callable[[Any], Any]) -> Callable[[Any], Any]:
            def make(c: Any) -> Any:
                args = list(c.args)
                args[i] = f(args[i])
                return dataclasses.replace(c, args=tuple(args), want=None)

            return make

        if isinstance(a, bool):
            yield f"as if `{name}` were {not a} (the other mode)", at(i, lambda x: not x)
        elif isinstance(a, int) and a > 0:
            yield f"as if `{name}` were one more (an off-by-one)", at(i, lambda x: x + 1)
            yield f"as if `{name}` were one less (an off-by-one)", at(i, lambda x: x - 1)
        elif isinstance(a, float) and a != 0:
            yield f"as if `{name}` were doubled (a factor 2 on {name})", at(i, lambda x: 2 * x)
            yield f"as if `{name}` were halved (half of {name}: {name}/2)", at(i, lambda x: x / 2)
            yield f"as if `{name}` had the other sign (−{name})", at(i, lambda x: -x)
            if 0 < a < 1:
                yield f"as if `{name}` were 1 − {name}", at(i, lambda x: 1 - x)
    for (i, a), (j, b) in itertools.permutations(enumerate(case.args[: len(names)]), 2):
        if _scalar(a) and _scalar(b) and b not in (0, 1, -1) and a != 0:
            x, y = names[i], names[j]

            def scaled(c: Any, i: int = i, j: int = j, k: float = 1.0) -> Any:
                args = list(c.args)
                args[i] = args[i] * args[j] ** k
                return dataclasses.replace(c, args=tuple(args), want=None)

            yield (
                f"as if {x} were multiplied by {y} where it is divided by it, or twice "
                f"({x}·{y}² in place of {x})",
                functools.partial(scaled, k=2.0),
            )
            yield f"as if {x} were multiplied by {y} ({x}·{y} in place of {x})", scaled
            yield (
                f"as if {x} were divided by {y} ({x}/{y} in place of {x})",
                functools.partial(scaled, k=-1.0),
            )
    for (i, a), (j, b) in itertools.combinations(enumerate(case.args), 2):
        same = isinstance(a, np.ndarray | torch.Tensor) and type(a) is type(b)
        if same and a.shape == b.shape and i < len(names) and j < len(names):

            def swap(c: Any, i: int = i, j: int = j) -> Any:
                args = list(c.args)
                args[i], args[j] = args[j], args[i]
                return dataclasses.replace(c, args=tuple(args), want=None)

            yield f"as if `{names[i]}` and `{names[j]}` were swapped", swap
