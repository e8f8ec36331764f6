"""What an instructor reads after autograding: tampering, pending grades, the CSV.

:func:`tampering` compares each handed-in notebook with the instructor version and lists
every graded test cell or locked cell that a student deleted, edited or turned into
another type. nbgrader's autograde restores an edited cell from the source (the answer
is still tested) but scores a deleted one 0 and only logs a warning, so these lines
are what tells the instructor to look.

:class:`CourseCsvExportPlugin` is the ``nbgrader export`` of the course
(``nbgrader_config.py`` selects it): the columns of nbgrader's CSV, written to
``course/grades.csv`` by default (``--to`` another file), plus ``pending_points`` (the
points of answers still waiting for a grader), ``status`` (``final``, ``awaiting manual
grading`` or ``not submitted``) and ``tampered`` (the graded cells listed by
:func:`tampering`, separated by spaces).

Usage (from the repository root)::

    python tools/course_grades.py report [assignment ...]   # tampering, pending grades
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"


def _cells(path: Path) -> dict[str, dict]:
    """The nbgrader cells of the notebook at ``path``, by grade id."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id"):
            out[meta["grade_id"]] = cell
    return out


def _text(cell: dict) -> str:
    src = cell["source"]
    return (src if isinstance(src, str) else "".join(src)).strip()


def tampering(source: Path, submitted: Path) -> list[tuple[str, str]]:
    """What ``submitted`` changed of the graded test cells and locked cells of ``source``.

    Returns:
        ``(grade id, phrase)`` per cell, e.g.
        ``("ch05-recipe-test", "test cell ch05-recipe-test deleted")``.
    """
    if not submitted.exists():
        return []
    try:
        theirs = _cells(submitted)
    except (ValueError, KeyError):
        return [("notebook", "notebook unreadable (not a notebook's JSON)")]
    found = []
    for gid, cell in _cells(source).items():
        meta = cell["metadata"]["nbgrader"]
        if meta.get("solution") or not (meta.get("grade") or meta.get("locked")):
            continue  # answers are meant to change
        what = "test cell" if meta.get("grade") else "locked cell"
        other = theirs.get(gid)
        if other is None:
            found.append((gid, f"{what} {gid} deleted"))
        elif other["cell_type"] != cell["cell_type"]:
            found.append((gid, f"{what} {gid} changed into a {other['cell_type']} cell"))
        elif _text(other) != _text(cell):
            found.append((gid, f"{what} {gid} edited (autograde ran the original)"))
    return found


def notebooks(root: Path, assignment: str) -> list[tuple[str, Path, Path]]:
    """(student, source notebook, submitted notebook) for every submission of ``assignment``."""
    out = []
    for source in sorted((root / "source" / assignment).glob("*.ipynb")):
        for submitted in sorted((root / "submitted").glob(f"*/{assignment}/{source.name}")):
            out.append((submitted.parents[1].name, source, submitted))
    return out


def pending(gradebook: Gradebook, assignment: str, student: str) -> float:
    """Points of ``student``'s answers to ``assignment`` that still need a grader."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return 0.0
    return float(
        sum(
            grade.max_score
            for notebook in submission.notebooks
            for grade in notebook.grades
            if grade.needs_manual_grade
        )
    )


def report(root: Path, assignments: list[str]) -> list[str]:
    """Lines for the instructor: one per tampered submission and per pending student."""
    lines = []
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        names = assignments or [a.name for a in gb.assignments]
        for assignment in names:
            waiting = []
            for student, source, submitted in notebooks(root, assignment):
                for _, problem in tampering(source, submitted):
                    lines.append(f"TAMPERED {student} {assignment}: {problem}")
                points = pending(gb, assignment, student)
                if points:
                    waiting.append(f"{student} ({points:g})")
            if waiting:
                lines.append(
                    f"pending {assignment}: points awaiting manual grading for "
                    + ", ".join(waiting)
                )
    return lines


class CourseCsvExportPlugin(ExportPlugin):
    """nbgrader's CSV export, to ``course/grades.csv``, with pending points and tampering."""

    def export(self, gradebook: Gradebook) -> None:
        root = Path(self.parent.coursedir.root) if self.parent is not None else COURSE
        dest = Path(self.to) if self.to else root / "grades.csv"
        keys = [
            "assignment",
            "duedate",
            "timestamp",
            "student_id",
            "raw_score",
            "late_submission_penalty",
            "score",
            "max_score",
            "pending_points",
            "status",
            "tampered",
        ]
        wanted_a = {str(a) for a in self.assignment}
        wanted_s = {str(s) for s in self.student}
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, keys)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if wanted_a and assignment.name not in wanted_a:
                    continue
                for student in gradebook.students:
                    if wanted_s and student.id not in wanted_s:
                        continue
                    writer.writerow(self._row(gradebook, root, assignment, student.id))

    def _row(self, gradebook: Gradebook, root: Path, assignment, student: str) -> dict:
        row = {
            "assignment": assignment.name,
            "duedate": assignment.duedate or "",
            "student_id": student,
            "max_score": assignment.max_score,
        }
        try:
            sub = gradebook.find_submission(assignment.name, student)
        except MissingEntry:
            return row | {
                "timestamp": "",
                "raw_score": 0.0,
                "late_submission_penalty": 0.0,
                "score": 0.0,
                "pending_points": 0.0,
                "status": "not submitted",
                "tampered": "",
            }
        waiting = pending(gradebook, assignment.name, student)
        tampered = [
            gid
            for _, source, submitted in notebooks(root, assignment.name)
            if submitted.parents[1].name == student
            for gid, _ in tampering(source, submitted)
        ]
        return row | {
            "timestamp": sub.timestamp or "",
            "raw_score": sub.score,
            "late_submission_penalty": sub.late_submission_penalty,
            "score": max(0.0, sub.score - sub.late_submission_penalty),
            "pending_points": waiting,
            "status": "awaiting manual grading" if waiting else "final",
            "tampered": " ".join(tampered),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tampering and pending grades of the course.")
    parser.add_argument("command", choices=["report"])
    parser.add_argument("assignments", nargs="*", help="assignments (default: all)")
    parser.add_argument("--root", type=Path, default=COURSE, help="course directory")
    args = parser.parse_args(argv)
    lines = report(args.root.resolve(), args.assignments)
    print("\n".join(lines) if lines else "no tampering, no pending grades")
    return 0


if __name__ == "__main__":
    sys.exit(main())
