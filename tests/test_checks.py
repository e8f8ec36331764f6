"""Tests shared by all 21 checks: the mistake tables are the test suite.

* every check accepts its reference, also returned in any reasonable form (tensor or
  array or list, any float dtype, with or without grad);
* every entry of every mistake table, passed to its check as if a learner had written
  it, is rejected **with its own hint**;
* whatever a learner's function returns or raises, a check answers with feedback and
  never raises.
"""

from __future__ import annotations

import doctest
import inspect
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lessons_lib.checks as checks
from lessons_lib.checks import EXERCISES, Feedback

NAMES = sorted(EXERCISES)
MISTAKES = [(name, m) for name in NAMES for m in EXERCISES[name].mistakes]


def check(name: str) -> Callable[[Callable[..., Any]], Feedback]:
    return getattr(checks, name)


def test_every_public_check_has_an_exercise_and_at_least_five_known_mistakes():
    public = {n for n in checks.__all__ if n.startswith("check_")}
    assert public == set(EXERCISES)
    assert len(public) == 21
    assert all(len(EXERCISES[n].mistakes) >= 5 for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_smoke_the_reference_passes_its_own_check(name):
    """A smoke test: for most checks the expected value is the reference's own output,
    so this only fails if a check crashes or is inconsistent with itself. The per-chapter
    tests (``test_checks_chNN.py``) compare the references with independent values."""
    fb = check(name)(EXERCISES[name].reference)
    assert isinstance(fb, Feedback) and fb.passed, fb.message
    assert fb.exercise == EXERCISES[name].name


@pytest.mark.parametrize(
    ("name", "mistake"), MISTAKES, ids=[f"{n[6:]}-{m.name}" for n, m in MISTAKES]
)
def test_each_known_mistake_is_rejected_with_its_own_hint(name, mistake):
    fb = check(name)(mistake.answer)
    assert not fb.passed
    assert mistake.hint in fb.message, fb.message


@pytest.mark.parametrize("name", NAMES)
def test_hints_and_names_are_distinct_within_a_check(name):
    mistakes = EXERCISES[name].mistakes
    assert len({m.hint for m in mistakes}) == len(mistakes)
    assert len({m.name for m in mistakes}) == len(mistakes)


# --- the reference in every reasonable form --------------------------------------------------


def _leaf(value: Any, form: str) -> Any:
    if isinstance(value, bool | None | str):
        return value
    if isinstance(value, int | np.integer):
        return {"numpy64": np.int64(value), "list": int(value)}.get(form, torch.tensor(value))
    t = torch.as_tensor(np.asarray(value.detach() if torch.is_tensor(value) else value))
    t = t.double()
    if form == "float32":
        return t.float()
    if form == "float16":
        return t.half()
    if form == "bfloat16":
        return t.bfloat16()
    if form == "grad64":
        return t.clone().requires_grad_(True) * 1.0
    if form == "grad32":
        return t.float().clone().requires_grad_(True) * 1.0
    if form == "numpy64":
        return t.numpy()
    if form == "numpy32":
        return t.float().numpy()
    if form == "list":
        return t.tolist()
    raise AssertionError(form)


def _as_form(out: Any, form: str) -> Any:
    if isinstance(out, dict):
        return {k: _as_form(v, form) for k, v in out.items()}
    if isinstance(out, list | tuple):
        return type(out)(_as_form(v, form) for v in out)
    return _leaf(out, form)


FORMS = ["float32", "float16", "bfloat16", "grad64", "grad32", "numpy64", "numpy32", "list"]


def _float32(value: Any) -> Any:
    if torch.is_tensor(value) and value.is_floating_point():
        return value.float()
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float32)
    if isinstance(value, dict):
        return {k: _float32(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_float32(v) for v in value]
    return value


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_computed_in_float32_but_returned_as_float64_passes(name):
    reference = EXERCISES[name].reference

    def answer(*args):
        return _as_form(reference(*[_float32(a) for a in args]), "numpy64")

    fb = check(name)(answer)
    assert fb.passed, fb.message


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", NAMES)
def test_the_reference_in_any_form_passes(name, form):
    reference = EXERCISES[name].reference

    def answer(*args):
        return _as_form(reference(*args), form)

    fb = check(name)(answer)
    if name == "check_mc_predict" and form.startswith("grad"):  # "Do not compute gradients"
        assert not fb.passed and "torch.no_grad()" in fb.message, fb.message
        return
    assert fb.passed, fb.message


# --- robustness: never a traceback -----------------------------------------------------------


class Hostile:
    """A value on which every conversion raises."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array")

    def __len__(self):
        raise RuntimeError("no len")

    def __iter__(self):
        raise RuntimeError("no iter")

    def __float__(self):
        raise RuntimeError("no float")

    def __repr__(self):
        raise RuntimeError("no repr")

    def __eq__(self, other):
        raise RuntimeError("no eq")

    __hash__ = None


_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.builds(Hostile),
    st.builds(
        lambda shape, dtype, grad: torch.zeros(shape, dtype=dtype).requires_grad_(
            grad and dtype.is_floating_point
        ),
        st.lists(st.integers(0, 4), max_size=3),
        st.sampled_from([torch.float32, torch.float64, torch.bfloat16, torch.int64, torch.bool]),
        st.booleans(),
    ),
    st.builds(
        lambda shape, dtype: np.full(shape, 1, dtype=dtype),
        st.lists(st.integers(0, 4), max_size=3),
        st.sampled_from([np.float32, np.float64, np.int8, np.complex64, object]),
    ),
)
JUNK = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.tuples(inner, inner, inner),
        st.dictionaries(st.sampled_from(["W1", "b1", "W2", "b2", "x"]), inner, max_size=4),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), junk=JUNK)
def test_any_returned_value_gets_feedback_never_a_traceback(name, junk):
    fb = check(name)(lambda *args: junk)
    assert isinstance(fb, Feedback)
    assert not fb.passed
    assert isinstance(fb.message, str) and fb.message


@pytest.mark.parametrize("name", NAMES)
def test_not_attempted_errors_and_non_functions_become_feedback(name):
    def todo(*args):
        raise NotImplementedError()

    def broken(*args):
        raise RuntimeError("element 0 of tensors does not require grad")

    assert check(name)(todo).message.startswith("not attempted yet")
    assert "RuntimeError" in check(name)(broken).message
    assert "expected a function" in check(name)(np.ones(3)).message


def _global_draws() -> tuple[Any, ...]:
    return torch.rand(3), np.random.rand(3), random.random()  # noqa: NPY002 (the global RNG)


@pytest.mark.parametrize("name", NAMES)
def test_a_check_neither_uses_nor_changes_the_learners_global_seed(name):
    verdicts = []
    for seed in (11, 12):
        for seeded in (torch.manual_seed, np.random.seed, random.seed):
            seeded(seed)
        expected = _global_draws()
        for seeded in (torch.manual_seed, np.random.seed, random.seed):
            seeded(seed)
        fb = check(name)(EXERCISES[name].reference)
        after = _global_draws()
        assert torch.equal(after[0], expected[0]), "the check changed torch's global RNG"
        assert np.array_equal(after[1], expected[1]), "the check changed NumPy's global RNG"
        assert after[2] == expected[2], "the check changed Python's global RNG"
        verdicts.append((fb.passed, fb.message))
    # ... and does not use it: the learner's seed does not change the verdict
    assert verdicts[0] == verdicts[1]


@pytest.mark.parametrize("name", NAMES)
def test_docstrings_describe_the_check_without_a_passing_example(name):
    doc = inspect.getdoc(check(name))
    assert "Returns:" in doc
    # no docstring example may show an answer that passes, however it is spelt
    examples = doctest.DocTestParser().get_examples(doc)
    shown = [e.source for e in examples if "passed" in e.source and "True" in e.want]
    assert not shown, shown
