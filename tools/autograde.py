"""Autograde every submission of an assignment with several processes, safely.

Usage (from the repository root)::

    python tools/autograde.py 05_dropout [--jobs 2] [--root course]

``nbgrader autograde 05_dropout`` grades one notebook after another: one kernel, one
core. This runs ``nbgrader autograde 05_dropout --student <id>`` for ``--jobs``
students at a time (default: the number of cores). Every process executes its own
notebook in its own kernel; they share only the gradebook, an SQLite file that admits
one writer at a time. Each process writes for a fraction of a second (creating the
submission, saving its grades) and SQLite makes a second writer wait up to 5 s for the
lock, so the processes take turns; a process that still fails (``database is
locked`` on a very slow disk) is run again alone at the end. Never point two *courses'*
processes, or a formgrader saving grades, at the same file while this runs.

At the end it prints how many notebooks it graded per minute and the lines of
``tools/course_grades.py report``: test cells a student deleted or edited, and points
still waiting for a grader.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course_grades import report

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"


def students(root: Path, assignment: str) -> list[str]:
    """Students with a submission of ``assignment`` in ``<root>/submitted``."""
    return sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}"))


def autograde_one(root: Path, assignment: str, student: str, extra: list[str]) -> bool:
    """Run ``nbgrader autograde`` for one student; whether it succeeded."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("nbgrader")),
            "autograde",
            assignment,
            f"--student={student}",
            "--force",
            f"--CourseDirectory.root={root}",
            "--log-level=ERROR",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(f"{student}: autograde failed\n{done.stderr[-2000:]}", file=sys.stderr)
    return done.returncode == 0


def autograde(
    root: Path, assignment: str, jobs: int, extra: list[str] = ()
) -> tuple[list[str], float]:
    """Grade every submission; return the students that failed twice and the seconds."""
    who = students(root, assignment)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        ok = list(pool.map(lambda s: autograde_one(root, assignment, s, list(extra)), who))
    failed = [s for s, good in zip(who, ok, strict=True) if not good]
    failed = [s for s in failed if not autograde_one(root, assignment, s, list(extra))]
    return failed, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Autograde an assignment in parallel.")
    parser.add_argument("assignment", help="e.g. 05_dropout")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--root", type=Path, default=COURSE, help="course directory")
    args, extra = parser.parse_known_args(argv)
    root = args.root.resolve()
    n = len(students(root, args.assignment))
    if n == 0:
        print(f"no submissions in {root / 'submitted'}/*/{args.assignment}")
        return 1
    failed, seconds = autograde(root, args.assignment, args.jobs, extra)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"autograded {n - len(failed)} of {n} notebooks in {seconds:.0f} s with {args.jobs} "
        f"processes: {60 * (n - len(failed)) / seconds:.1f} per minute (load {load:.1f})"
    )
    for line in report(root, [args.assignment]):
        print(line)
    if failed:
        print("not graded (see the errors above): " + " ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
