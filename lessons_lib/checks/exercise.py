"""The feedback core every check runs: cases, a reference, and a table of known mistakes.

An :class:`Exercise` describes one exercise as data:

* ``cases``: the inputs the learner's function is called on, chosen so that together
  they cover every regime of the formula (built lazily, when a check runs);
* ``reference``: the correct answer, with the learner's signature;
* ``read``: how to turn a returned value into float64 arrays (or a sentence saying why
  it cannot be read), see :mod:`.answers`;
* ``mistakes``: a table of :class:`Mistake` entries, each a function computing one
  typical wrong answer and the hint for it. When an answer fails, it is compared with
  every mistaken answer on the same input, and a match names that mistake.

:meth:`Exercise.check` calls the learner's code only through
:func:`~.feedback.call_learner`, on fresh copies of the inputs, with the global random
state forked (so a check neither depends on nor changes the learner's seeds), and
never raises; an input the learner's code changed in place is named
(:func:`.diagnosis.changed_input`). When no known mistake fits, the generic hypotheses
of :mod:`.hypotheses` are tried before the check's fallback. The mistake table doubles
as the test suite: each entry, passed to the
check as if a learner had written it, must be rejected with its own hint.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .answers import Tolerance, close, tolerance
from .diagnosis import changed_input, input_names
from .feedback import Feedback, call_learner
from .hypotheses import explain
from .values import Reader, all_finite, conform, copy_value, shape_problem
from .values import array_reader as array_reader  # re-exported: the chapters' checks
from .values import number_reader as number_reader
from .values import tuple_reader as tuple_reader
from .values import wrong_parts as wrong_parts

#: The message for an answer that is ``None`` where a value was expected.
NONE_RETURNED = (
    "your function returned None: did you forget to `return` the result? (print shows a "
    "value but does not hand it back)"
)
Agree = Callable[[Any, Any, "Case", Tolerance], bool]


class InPlace(Feedback):
    """The feedback for an answer that changed one of its inputs in place."""


@dataclass(frozen=True)
class Mistake:
    """One known wrong answer and the hint that names it.

    Attributes:
        name: a short identifier (used in test ids).
        answer: computes the mistaken answer; same signature as the learner's function.
        hint: what the learner got wrong and how to fix it, shown when an answer
            matches ``answer`` on a failing case.
    """

    name: str
    answer: Callable[..., Any]
    hint: str


@dataclass(frozen=True)
class Case:
    """One call of the learner's function.

    Attributes:
        args: positional arguments; every call gets a deep copy.
        label: how the message refers to this input, e.g. ``"for t = 0.5"``.
        want: the expected value as :attr:`Exercise.read` returns it; ``None`` to
            compute it from :attr:`Exercise.reference`.
        extra: anything a custom ``agree`` or ``fallback`` needs.
        seed: the global torch/NumPy seed the call runs under.
    """

    args: tuple[Any, ...]
    label: str = ""
    want: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    seed: int = 0

    def fresh(self) -> tuple[Any, ...]:
        """A deep copy of the arguments (tensors cloned, generators with the same state)."""
        return tuple(copy_value(a) for a in self.args)


@contextlib.contextmanager
def isolated_rng(seed: int) -> Iterator[None]:
    """Run under fixed torch and NumPy global seeds; restore both generators afterwards.

    A check then neither depends on a learner's seeds nor changes them.
    """
    state = np.random.get_state()  # noqa: NPY002 - the learner's code may use the legacy API
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        np.random.seed(seed)  # noqa: NPY002
        try:
            yield
        finally:
            np.random.set_state(state)  # noqa: NPY002


def _default_agree(got: Any, want: Any, case: Case, tol: Tolerance) -> bool:
    return close(got, want, tol)


@dataclass(frozen=True)
class Exercise:
    """One exercise: inputs, reference, how to read an answer, and known mistakes.

    Attributes:
        name: the exercise's name in every message.
        reference: the correct answer, with the learner's signature.
        cases: builds the list of :class:`Case` (called each time a check runs).
        read: ``read(returned, case)`` gives the comparable value or a ``str`` saying
            why the returned value cannot be read. It must never raise.
        mistakes: the table of known mistakes, tried in order.
        success: the message for a correct answer.
        fallback: ``fallback(value, want, case)``, the message when no mistake matches.
        parts: names of the parts of a tuple-valued answer, for messages.
        agree: ``agree(got, want, case, tol)``; default :func:`.answers.close`.
        inputs: the inputs' names in the statement (default: the reference's), for the
            message naming an input changed in place (:func:`.diagnosis.changed_input`).
        may_change: inputs the learner may update in place (every other one must be
            left as it was: an answer that changes it is wrong).
        final: ``final(exercise, fn, cases)``, a last test once every case agrees (e.g.
            that the randomness follows a given generator): a sentence if it fails.
    """

    name: str
    reference: Callable[..., Any]
    cases: Callable[[], Sequence[Case]]
    read: Reader
    mistakes: tuple[Mistake, ...]
    success: str
    fallback: Callable[[Any, Any, Case], str]
    parts: tuple[str, ...] = ()
    agree: Agree = _default_agree
    inputs: tuple[str, ...] = ()
    may_change: tuple[str, ...] = ()
    final: Callable[[Exercise, Callable[..., Any], list[Case]], str | None] | None = None

    def expected(self, case: Case) -> Any:
        """The reference's value on ``case``, read like a learner's answer."""
        if case.want is not None:
            return case.want
        return self.read(self._run(self.reference, case), case)

    def _run(self, fn: Callable[..., Any], case: Case) -> Any:
        with isolated_rng(case.seed):
            return fn(*case.fresh())

    def _call(self, fn: Callable[..., Any], case: Case) -> tuple[Any, Feedback | None]:
        args = case.fresh()
        with isolated_rng(case.seed):
            got, problem = call_learner(self.name, fn, *args)
        names = self.input_names()
        changed = None if problem else changed_input(case.args, args, names, self.may_change)
        if changed is not None:
            return got, InPlace(self.name, False, changed)
        return got, problem

    def input_names(self) -> list[str]:
        """The names of the inputs, as the exercise's statement gives them."""
        return input_names(self.reference, self.inputs)

    def _answers(self, fn: Callable[..., Any], cases: Sequence[Case], skip: int) -> dict[int, Any]:
        """``fn``'s readable answers by case index (cases that raise or are unreadable omitted)."""
        out = {}
        for i, case in enumerate(cases):
            if i == skip:
                continue
            got, problem = self._call(fn, case)
            if problem is not None and not isinstance(problem, InPlace):
                continue
            value = self.read(got, case)
            if not isinstance(value, str):
                out[i] = (conform(value, self.expected(case)), tolerance(got))
        return out

    def diagnose(
        self, answers: dict[int, Any], cases: Sequence[Case], failed: int
    ) -> Mistake | None:
        """The first known mistake that agrees with the learner's answers on *every* case.

        Agreeing on the failing case alone is not enough: two mistakes can give the same
        wrong answer on one input, and the message must name the one actually made.
        """
        found = self.candidates(answers, cases, failed, first=True)
        return found[0] if found else None

    def candidates(
        self, answers: dict[int, Any], cases: Sequence[Case], failed: int, first: bool = False
    ) -> list[Mistake]:
        """Every known mistake that explains the learner's answers (see :meth:`diagnose`)."""
        found = []
        for mistake in self.mistakes:
            try:
                if self._matches(mistake, answers, cases, failed):
                    found.append(mistake)
            except Exception:  # noqa: BLE001 - a mistake that cannot run on these cases
                continue
            if first and found:
                break
        return found

    def _matches(
        self, mistake: Mistake, answers: dict[int, Any], cases: Sequence[Case], failed: int
    ) -> bool:
        """Whether ``mistake`` explains the learner's answers.

        It must agree with every answer that is wrong; where the learner is right, it must
        agree too, unless its own formula is undefined there (an error, inf or nan).
        """
        for i, (value, tol) in answers.items():
            case, want = cases[i], self.expected(cases[i])
            try:
                wrong = conform(self.read(self._run(mistake.answer, case), case), want)
            except Exception:  # noqa: BLE001 - the mistake's formula fails on this input
                wrong = "undefined"
            if isinstance(wrong, str):
                if self.agree(value, want, case, tol):
                    continue
                return False
            if i == failed and self.agree(want, wrong, case, tol):
                return False
            if self.agree(value, wrong, case, tol):
                continue
            if not all_finite(wrong) and self.agree(value, want, case, tol):
                continue
            return False
        return True

    def check(self, fn: Callable[..., Any]) -> Feedback:
        """Run ``fn`` on every case; the first failing case decides the feedback."""
        try:
            return self._check(fn)
        except Exception as err:  # noqa: BLE001 - a check must never raise
            return Feedback(
                self.name,
                False,
                f"your answer could not be checked ({type(err).__name__}: {err}); "
                "check the type and shape of what you return.",
            )

    def _check(self, fn: Callable[..., Any]) -> Feedback:
        cases = list(self.cases())
        for index, case in enumerate(cases):
            got, problem = self._call(fn, case)
            if problem is not None and not isinstance(problem, InPlace):
                return problem
            prefix = f"{case.label}: " if case.label else ""
            value = self.read(got, case)
            if isinstance(value, str):
                if problem is not None:
                    return problem
                if got is None:
                    value = NONE_RETURNED
                return Feedback(self.name, False, prefix + value)
            want = self.expected(case)
            value = conform(value, want)
            tol = tolerance(got)
            if self.agree(value, want, case, tol):
                if problem is not None:
                    return problem
                continue
            answers = self._answers(fn, cases, skip=index)
            answers[index] = (value, tol)
            found = self.candidates(answers, cases, index)
            hints = list(dict.fromkeys(m.hint for m in found))
            if len(hints) == 1:
                return Feedback(self.name, False, prefix + hints[0])
            if problem is not None:  # changed an input in place, and no known slip fits
                return problem
            if hints:  # several slips give this very answer: name each candidate
                listed = " Or: ".join(hints)
                return Feedback(self.name, False, f"{prefix}two or more slips fit: {listed}")
            named = explain(self, answers, cases, index)  # generic hypotheses; never raises
            if named is not None:
                return Feedback(self.name, False, prefix + named)
            shape = shape_problem(value, want, self.parts)
            if shape is not None:
                return Feedback(self.name, False, prefix + shape)
            return Feedback(self.name, False, prefix + self.fallback(value, want, case))
        last = self.final(self, fn, cases) if self.final else None
        if last is not None:
            return Feedback(self.name, False, last)
        return Feedback(self.name, True, self.success)
