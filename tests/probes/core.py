"""Held-out probes of the exercise checks: learners' answers, and how their messages read.

A probe is one answer a learner could plausibly write for an exercise, written from the
exercise's statement (``book/*.md``) and never from a check's table of known mistakes:

* a *wrong* answer carries ``expect``, the words a message naming its mistake contains
  (each entry a group of alternatives separated by ``|``, case-insensitive), and
  ``avoid``, words that would name a mistake it did not make;
* a *right* answer, often in an unusual but reasonable form, must be accepted.

:func:`classify` sorts each result into ``specific`` (every group of ``expect`` found),
``partial`` (some), ``generic`` (none), ``misleading`` (an ``avoid`` word, or a hint of
the traceback kind), ``accepted-wrong``, ``rejected-right`` or ``crash``. The batches are
held out: a batch is written and measured *before* the mistake tables are extended, and
stays out of the tables afterwards (``tests/test_probes.py`` runs every batch).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import lessons_lib.checks as checks

#: Text in a message that betrays an internal failure rather than feedback.
CRASH_TEXT = ("could not be checked", "Traceback", 'File "')


@dataclass(frozen=True)
class Probe:
    """One learner's answer to one exercise.

    Attributes:
        check: the check's name in :mod:`lessons_lib.checks`.
        label: what the answer does, in a few words.
        answer: the learner's function.
        wrong: whether the answer is wrong.
        expect: for a wrong answer, groups of words (``"a|b"`` = a or b) that a message
            naming its mistake contains.
        avoid: words a message must not contain (they would name another mistake).
    """

    check: str
    label: str
    answer: Callable[..., Any]
    wrong: bool
    expect: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


class Batch:
    """A list of probes with two decorators to register answers."""

    def __init__(self) -> None:
        self.probes: list[Probe] = []

    def wrong(
        self, check: str, label: str, *expect: str, avoid: tuple[str, ...] = ()
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.probes.append(Probe(check, label, fn, True, expect, avoid))
            return fn

        return register

    def right(self, check: str, label: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.probes.append(Probe(check, label, fn, False))
            return fn

        return register


def _found(group: str, message: str) -> bool:
    low = message.lower().replace("\u2212", "-")
    return any(word.strip().lower() in low for word in group.split("|") if word.strip())


def classify(probe: Probe, passed: bool, message: str) -> str:
    """The kind of result of one probe (see the module docstring)."""
    if any(text in message for text in CRASH_TEXT):
        return "crash"
    if not probe.wrong:
        return "accepted" if passed else "rejected-right"
    if passed:
        return "accepted-wrong"
    if any(_found(word, message) for word in probe.avoid):
        return "misleading"
    hits = sum(_found(group, message) for group in probe.expect)
    if probe.expect and hits == len(probe.expect):
        return "specific"
    return "partial" if hits else "generic"


def run(probe: Probe) -> tuple[str, str]:
    """``(kind, message)`` of one probe; a check that raises counts as a crash."""
    try:
        feedback = getattr(checks, probe.check)(probe.answer)
    except Exception as err:  # noqa: BLE001 - counted as a crash
        return "crash", f"RAISED {type(err).__name__}: {err}"
    return classify(
        probe, feedback.passed, _unlabelled(probe.check, feedback.message)
    ), feedback.message


def _unlabelled(check: str, message: str) -> str:
    """The message without the case's label (``"with lam1=0.3: "`` names no mistake)."""
    for case in checks.EXERCISES[check].cases():
        if case.label and message.startswith(case.label + ": "):
            return message[len(case.label) + 2 :]
    return message


def summary(results: Iterable[tuple[Probe, str]]) -> dict[str, int]:
    """Counts of every kind, plus the ``wrong``, ``rejected`` and ``right`` totals."""
    results = list(results)
    kinds = Counter(kind for _, kind in results)
    rejected = sum(kinds[k] for k in ("specific", "partial", "generic", "misleading"))
    return {
        "wrong": sum(probe.wrong for probe, _ in results),
        "rejected": rejected,
        **{k: kinds[k] for k in ("specific", "partial", "generic", "misleading")},
        "accepted-wrong": kinds["accepted-wrong"],
        "right": sum(not probe.wrong for probe, _ in results),
        "accepted": kinds["accepted"],
        "rejected-right": kinds["rejected-right"],
        "crash": kinds["crash"],
    }
