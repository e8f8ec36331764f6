"""The held-out probes (``tests/probes/``) as tests: right verdicts, no crash, no misleading text.

Each probe is one learner's answer written from an exercise's statement, never from the
check's table of known mistakes (the probes stay out of the tables). A wrong answer must
be rejected without a message that names a mistake it did not make; a right answer must be
accepted; no check may crash. How many messages name the mistake is a report
(``tools/probe_checks.py``), not an assertion per probe.
"""

from __future__ import annotations

import functools
import importlib
from pathlib import Path

import pytest
from probes.core import Probe, run

pytestmark = pytest.mark.probes

#: Every ``tests/probes/batch*.py``, in the order of their numbers.
BATCHES = sorted(
    (
        path.stem
        for path in Path(__file__).parent.joinpath("probes").glob("batch*.py")
        if path.stem.removeprefix("batch").isdigit()
    ),
    key=lambda stem: int(stem.removeprefix("batch")),
)
PROBES: list[Probe] = [
    probe for batch in BATCHES for probe in importlib.import_module(f"probes.{batch}").B.probes
]


@functools.cache
def _run(probe: Probe) -> tuple[str, str]:
    return run(probe)


@pytest.mark.parametrize(
    "probe", PROBES, ids=[f"{p.check}-{'wrong' if p.wrong else 'right'}-{p.label}" for p in PROBES]
)
def test_probe(probe: Probe) -> None:
    kind, message = _run(probe)
    assert kind != "crash", message
    if probe.wrong:
        assert kind != "accepted-wrong", f"a wrong answer passed: {message}"
        assert kind != "misleading", f"the message names another mistake: {message}"
    else:
        assert kind == "accepted", f"a right answer was rejected: {message}"


def test_most_rejected_wrong_answers_are_told_their_mistake() -> None:
    kinds = [_run(p)[0] for p in PROBES if p.wrong]
    rejected = [k for k in kinds if k in ("specific", "partial", "generic", "misleading")]
    assert rejected and kinds.count("specific") >= 0.75 * len(rejected)
