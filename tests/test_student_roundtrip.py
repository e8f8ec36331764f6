"""An instructor's round trip through nbgrader, with synthetic students.

For three chapters: build the course (``tools/course_build.py``: source, gradebook, release),
``release_assignment``, hand in four submissions per chapter by copying them into
``submitted/<student>/<chapter>/``, ``autograde``, ``export`` and ``generate_feedback``.

* ``stub`` hands in the release unchanged: 0 points.
* ``reference`` hands in the book's solutions: every autograded point.
* ``mixed`` hands in the reference except in one or two exercises per chapter: a
  typical wrong answer loses exactly its point, and its feedback names the mistake
  with the check's own message; an unsolved exercise that rebinds the check
  (``check_x = lambda f: True``) and patches the feedback class, or hands in the
  course library's function as its own, does not get the point either.

Slow (about a minute per chapter on two cores): marked ``student``.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import course_build as course
import pytest
from course_repo import ROOT, source

pytestmark = pytest.mark.student

# chapter -> {kind: (grade_id of a solution cell, code)}. The "mixed" student hands in
# the reference answer everywhere except in these cells: a typical wrong answer
# ("wrong"), or an unsolved exercise that tries to fake its pass ("cheat").
DEVIATIONS = {
    "02_tiny_network": {
        "wrong": (
            "ch02-l2-step",
            "def l2_update(W, grad_W, lr, lam, m):\n"
            "    return W - lr * (grad_W + lam * W)  # forgot the 1/m\n",
        ),
    },
    "03_l1_l2_elastic_net": {
        "wrong": (
            "ch03-penalty-gradient",
            "def penalty_gradient(w, lam1, lam2):\n"
            "    return lam1 * np.sign(w) + lam2 * w  # forgot the 2 of the square\n",
        ),
        "cheat": (
            "ch03-soft-threshold",
            "from lessons_lib.proximal import soft_threshold as my_soft_threshold\n",
        ),
    },
    "05_dropout": {
        "cheat": (
            "ch05-inverted-dropout",
            "from lessons_lib.checks import feedback\n\n"
            "check_inverted_dropout = lambda fn: True\n"
            "feedback.Feedback.__bool__ = lambda self: True\n\n\n"
            "def keep_prob_dropout(x, q, training, generator):\n"
            "    raise NotImplementedError()\n",
        ),
    },
}
CHAPTERS = list(DEVIATIONS)
STUDENTS = ["stub", "reference", "mixed"]
VALIDATED = "05_dropout"  # the chapter whose blank and reference notebooks are validated


def nbgrader(course_root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    # Kernels on IPC sockets: the other pytest worker starts kernels too (tests/kernels.py).
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("nbgrader")),
            *args,
            f"--CourseDirectory.root={course_root}",
            f"--Exchange.root={course_root / 'exchange'}",
            "--Execute.kernel_manager_class=kernels.IpcKernelManager",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def submission(kind: str, chapter: str, release: dict, solutions: dict) -> dict:
    """The notebook a synthetic student of ``kind`` hands in."""
    nb = json.loads(json.dumps(release))
    if kind == "stub":
        return nb
    changed = dict(DEVIATIONS[chapter].values()) if kind == "mixed" else {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = changed.get(meta["grade_id"], solutions[meta["grade_id"]])
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course after autograde, export and generate_feedback."""
    root = tmp_path_factory.mktemp("course")
    course.build(root, CHAPTERS, STUDENTS)
    for chapter in CHAPTERS:
        nbgrader(root, "release_assignment", chapter, "--force")
        release = json.loads((root / "release" / chapter / f"{chapter}.ipynb").read_text())
        solutions = {
            c["metadata"]["nbgrader"]["grade_id"]: source(c)
            for c in json.loads((root / "source" / chapter / f"{chapter}.ipynb").read_text())[
                "cells"
            ]
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")
        }
        for student in STUDENTS:
            target = root / "submitted" / student / chapter / f"{chapter}.ipynb"
            target.parent.mkdir(parents=True)
            nb = submission(student, chapter, release, solutions)
            target.write_text(json.dumps(nb, indent=1))
            if chapter == VALIDATED and student in {"stub", "reference"}:
                shown = nbgrader(root, "validate", str(target))
                (root / f"validate-{student}.txt").write_text(shown.stdout + shown.stderr)
        start = time.perf_counter()
        nbgrader(root, "autograde", chapter, "--force")
        seconds = (time.perf_counter() - start) / len(STUDENTS)
        print(f"\nautograde {chapter}: {seconds:.1f} s per notebook")
        nbgrader(root, "generate_feedback", chapter, "--force")
    nbgrader(root, "export", f"--to={root / 'grades.csv'}")
    return root


def cell_scores(root: Path) -> dict[tuple[str, str, str], tuple[float, float, bool]]:
    """(chapter, student, grade_id) -> (score, max_score, needs_manual_grade)."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for chapter in CHAPTERS:
            for student in STUDENTS:
                sub = gb.find_submission_notebook(chapter, chapter, student)
                for grade in sub.grades:
                    out[chapter, student, grade.name] = (
                        grade.score,
                        grade.max_score,
                        grade.needs_manual_grade,
                    )
    return out


def test_release_has_no_solution_and_no_hidden_test(graded):
    for chapter in CHAPTERS:
        for folder in ("release", "exchange/regularization/outbound"):
            path = graded / folder / chapter / f"{chapter}.ipynb"
            released = json.loads(path.read_text())
            book = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())
            assert course.leaks(released, book) == [], path
            text = "\n".join(source(c) for c in released["cells"])
            assert "require_own_code" not in text  # the hidden test


def test_scores(graded):
    scores = cell_scores(graded)
    with open(graded / "grades.csv", newline="") as f:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    table = ["| chapter | student | score | max | per cell |", "|---|---|---|---|---|"]
    for chapter in CHAPTERS:
        auto = [k[2] for k in scores if k[:2] == (chapter, "stub") and k[2].endswith("-test")]
        manual = [k[2] for k in scores if k[:2] == (chapter, "stub") and k[2].endswith("-answer")]
        assert len(auto) >= 2 and len(manual) == 1, (auto, manual)
        lost = {f"{gid}-test" for gid, _ in DEVIATIONS[chapter].values()}
        expected = {
            "stub": dict.fromkeys(auto, 0.0),
            "reference": dict.fromkeys(auto, 1.0),
            "mixed": {g: 0.0 if g in lost else 1.0 for g in auto},
        }
        for student in STUDENTS:
            got = {g: scores[chapter, student, g][0] for g in auto}
            assert got == expected[student], (chapter, student, got)
            # A discussion answer left as released scores 0 without a grader; a written
            # one waits for a grader.
            answer = scores[chapter, student, manual[0]]
            assert answer[2] is (student != "stub"), (chapter, student, answer)
            row = rows[chapter, student]
            assert float(row["score"]) == sum(expected[student].values())
            assert float(row["max_score"]) == len(auto) + 1
            score, top = float(row["score"]), float(row["max_score"])
            table.append(
                f"| {chapter} | {student} | {score:g} | {top:g} | "
                + ", ".join(f"{g.removeprefix('ch')}: {s:g}" for g, s in got.items())
                + " |"
            )
    print("\n".join(table))


def test_validate_tells_a_student_what_is_missing(graded):
    """``nbgrader validate`` fails a blank notebook, naming what is missing, and passes the
    reference."""
    stub = (graded / "validate-stub.txt").read_text()
    assert "VALIDATION FAILED" in stub and "not attempted yet" in stub, stub[-2000:]
    reference = (graded / "validate-reference.txt").read_text()
    assert "Success! Your notebook passes all the tests." in reference, reference[-2000:]


def test_feedback_says_why(graded):
    from lessons_lib.checks import grading

    for chapter in [c for c in CHAPTERS if "wrong" in DEVIATIONS[c]]:
        gid, code = DEVIATIONS[chapter]["wrong"]
        namespace: dict = {}
        exec("import numpy as np\nimport torch\n" + code, namespace)  # noqa: S102
        fn = next(v for k, v in namespace.items() if callable(v) and k not in {"np", "torch"})
        check = next(
            c
            for c in json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"{gid}-test"
        )
        name = re.search(r'grade\("(ch\d\d\.check_\w+)"', source(check)).group(1)
        message = grading.fresh_check(name)(fn).message
        page = (graded / "feedback" / "mixed" / chapter / f"{chapter}.html").read_text()
        assert html.escape(message, quote=False) in page or message in page, (chapter, message)
        reference = graded / "feedback" / "reference" / chapter / f"{chapter}.html"
        assert reference.exists()


def test_a_new_course_directory_and_a_rebuild(tmp_path):
    """``make course`` creates the course directory, and a rebuild replaces a chapter's
    source instead of mixing old and new files."""
    from nbgrader.api import Gradebook

    root = tmp_path / "new" / "course"
    course.build(root, ["02_tiny_network"], ["alice"])
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert [s.id for s in gb.students] == ["alice"]
        assert gb.find_assignment("02_tiny_network").max_score == 3
    (root / "source" / "02_tiny_network" / "stale.ipynb").write_text("{}")
    course.build(root, ["02_tiny_network"])
    assert not (root / "source" / "02_tiny_network" / "stale.ipynb").exists()
