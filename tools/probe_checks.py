"""Held-out evaluation of the exercise checks with learners' answers the tables never saw.

The probes live in ``tests/probes/batch*.py`` (see :mod:`probes.core`); the test suite
runs them all (``tests/test_probes.py``, marker ``probes``). This script prints, per check
and in total, how the messages read: wrong answers rejected, messages that name the
mistake (``specific``), name part of it (``partial``), say nothing about it
(``generic``) or name a mistake not made (``misleading``); right answers accepted;
crashes.

Usage::

    PYTHONPATH=$PWD .venv/bin/python tools/probe_checks.py [--batch 1 2] [--verbose]

Exit status 1 if any wrong answer passed, any right answer failed, any check crashed or
any message misled.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections import defaultdict
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from probes.core import Probe, run, summary  # noqa: E402

#: The number of every ``tests/probes/batch*.py``.
BATCHES = sorted(
    int(path.stem.removeprefix("batch"))
    for path in (Path(__file__).resolve().parents[1] / "tests" / "probes").glob("batch*.py")
    if path.stem.removeprefix("batch").isdigit()
)
KEYS = ("wrong", "rejected", "specific", "partial", "generic", "misleading", "right", "accepted")
KEYS += ("crash",)


def load(batch: int) -> list[Probe]:
    """The probes of one batch."""
    return list(importlib.import_module(f"probes.batch{batch}").B.probes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, nargs="+", default=list(BATCHES))
    parser.add_argument("--verbose", action="store_true", help="print every wrong answer's message")
    args = parser.parse_args()
    torch.set_num_threads(1)
    bad = 0
    for batch in args.batch:
        try:
            probes = load(batch)
        except ModuleNotFoundError:
            continue
        results, by_check = [], defaultdict(list)
        for probe in probes:
            kind, message = run(probe)
            results.append((probe, kind))
            by_check[probe.check].append((probe, kind))
            if args.verbose or kind in ("crash", "accepted-wrong", "rejected-right", "misleading"):
                print(f"  [{kind}] {probe.check} / {probe.label}: {message}")
        print(f"\nbatch {batch}\n{'check':28s} " + " ".join(f"{k[:8]:>8s}" for k in KEYS))
        for name in sorted(by_check):
            row = summary(by_check[name])
            print(f"{name:28s} " + " ".join(f"{row[k]:8d}" for k in KEYS))
        total = summary(results)
        print(f"{'TOTAL':28s} " + " ".join(f"{total[k]:8d}" for k in KEYS))
        share = total["specific"] / max(total["rejected"], 1)
        print(
            f"messages naming the mistake: {total['specific']} of {total['rejected']} ({share:.0%})"
        )
        bad += total["wrong"] - total["rejected"] - total["crash"] * 0 + total["misleading"]
        bad += total["right"] - total["accepted"] + total["crash"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
