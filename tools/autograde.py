"""Autograde every submission of an assignment with several processes, safely.

Usage (from the repository root)::

    python tools/autograde.py 05_dropout [--jobs 2] [--root course] [--Class.trait=value ...]

``nbgrader autograde 05_dropout`` grades one notebook after another: one kernel, one
core. This grades ``--jobs`` students at a time (default: the number of cores) in
long-lived worker processes, each calling nbgrader's Python API
(``NbGraderAPI.autograde``) for one student after another, with the configuration that
``nbgrader autograde`` reads (``nbgrader_config.py`` of the repository root, then the
``--Class.trait=value`` options given here). Importing nbgrader and loading the
configuration (several seconds) is paid once per run, not once per notebook, and each
kernel is stopped at once when its notebook has run (``Execute.shutdown_kernel =
"immediate"``; nbgrader's graceful default waits seconds for it to exit).

Every worker executes its own notebook in its own kernel; they share only the
gradebook, an SQLite file that admits one writer at a time. Each writes for a fraction
of a second (creating the submission, saving its grades) and SQLite makes a second
writer wait up to 5 s for the lock, so the workers take turns; a notebook that still
fails (``database is locked`` on a very slow disk) is graded again alone at the end.
Never point two *courses'* processes, or a formgrader saving grades, at the same file
while this runs.

At the end it prints how many notebooks it graded per minute and the lines of
``tools/course_grades.py report``: test cells a student deleted or edited, and points
still waiting for a grader.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from course_grades import report

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
#: Configuration under nbgrader_config.py and the command line (either may override it).
DEFAULTS = {"Execute": {"shutdown_kernel": "immediate"}}

# (student) -> (whether it was graded, what nbgrader and the kernel wrote to stderr)
Grader = Callable[[str], tuple[bool, str]]
_WORKER: dict[str, Any] = {}  # this process's NbGraderAPI and assignment


def students(root: Path, assignment: str) -> list[str]:
    """Students with a submission of ``assignment`` in ``<root>/submitted``."""
    return sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}"))


def nbgrader_api(root: Path, extra: Sequence[str] = ()) -> Any:
    """An ``NbGraderAPI`` configured as ``nbgrader autograde`` run in :data:`ROOT` would be.

    Args:
        root: the course directory (``CourseDirectory.root``).
        extra: nbgrader command-line options, e.g. ``--Execute.timeout=300``.
    """
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.apps.autogradeapp import AutogradeApp
    from traitlets.config import Config

    app = AutogradeApp()
    app.update_config(Config(DEFAULTS))  # the config file and the options win
    app.initialize([f"--CourseDirectory.root={root}", "--log-level=ERROR", *extra])
    return NbGraderAPI(coursedir=app.coursedir, parent=app)


@contextlib.contextmanager
def captured_stderr() -> Iterator[list[str]]:
    """Send this process's stderr (and its kernels') to a list of one string, at exit."""
    out: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield out
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            out.append(tmp.read())


def start_worker(root: Path, assignment: str, extra: Sequence[str]) -> None:
    """Make this process a grader of ``assignment`` (once; a forked worker inherits it)."""
    if _WORKER.get("key") != (root, assignment, tuple(extra)):
        _WORKER.update(key=(root, assignment, tuple(extra)), api=nbgrader_api(root, extra))
        _WORKER["assignment"] = assignment


def grade(student: str) -> tuple[bool, str]:
    """Autograde one student's submission with this process's API (:func:`start_worker`)."""
    with captured_stderr() as err:
        result = _WORKER["api"].autograde(_WORKER["assignment"], student, force=True, create=True)
    text = err[0] + result.get("log", "") + result.get("error", "")
    return bool(result["success"]), text


def _context() -> Any:
    # fork: the workers inherit the parent's imports and configuration (Linux); spawn
    # elsewhere, where each worker imports nbgrader once.
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def run_all(who: list[str], jobs: int, grader: Grader, init: Callable[[], None]) -> list[str]:
    """Grade ``who`` with ``jobs`` workers, then each failure again alone; those failing twice.

    Args:
        who: student ids.
        jobs: worker processes (1: grade in this process).
        grader: grades one student in a process where ``init`` has run.
        init: prepares a process to grade (runs here first, so forked workers inherit it).
    """
    init()
    if jobs <= 1 or len(who) <= 1:
        results = [grader(s) for s in who]
    else:
        with ProcessPoolExecutor(min(jobs, len(who)), _context(), initializer=init) as pool:
            results = list(pool.map(grader, who))
    failed = []
    for student, (ok, text) in zip(who, results, strict=True):
        if not ok:
            print(f"{student}: autograde failed\n{text[-2000:]}", file=sys.stderr)
            failed.append(student)
    still = []
    for student in failed:  # alone: nothing else writes to the gradebook now
        ok, text = grader(student)
        if not ok:
            print(f"{student}: autograde failed again\n{text[-2000:]}", file=sys.stderr)
            still.append(student)
    return still


def autograde(
    root: Path, assignment: str, jobs: int, extra: Sequence[str] = ()
) -> tuple[list[str], float]:
    """Grade every submission; return the students that failed twice and the seconds."""
    who = students(root, assignment)
    start = time.perf_counter()
    init = _Init(root, assignment, tuple(extra))
    failed = run_all(who, jobs, grade, init)
    return failed, time.perf_counter() - start


class _Init:
    """A picklable ``start_worker`` call (a spawned worker receives it by pickling)."""

    def __init__(self, root: Path, assignment: str, extra: tuple[str, ...]) -> None:
        self.args = (root, assignment, extra)

    def __call__(self) -> None:
        start_worker(*self.args)


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
    # As `nbgrader autograde` run from the repository root: its nbgrader_config.py, and
    # `alembic` (run when the gradebook is created) found beside this Python.
    os.chdir(ROOT)
    os.environ["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    )
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
