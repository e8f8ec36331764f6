"""An instructor's round trip through nbgrader, with synthetic students.

For three chapters: build the course (``tools/course_build.py``: source, gradebook, release),
``release_assignment``, hand in the submissions, autograde (``tools/autograde.py``, two
processes; chapter 3 with plain ``nbgrader autograde``), ``generate_feedback`` and
``export``.

* ``stub`` hands in the release unchanged: 0 points.
* ``reference`` hands in the book's solutions: every autograded point. In chapter 5 it
  goes the student's way: ``fetch_assignment`` and ``submit`` from a folder without the
  course's configuration (``--course``, ``--Exchange.root``, ``--student``), then the
  instructor's ``collect``.
* ``mixed`` hands in the reference except in the exercises of :data:`DEVIATIONS`: a typical
  wrong answer, a function that never returns, the course library's function in
  disguise, a rebound check: each loses exactly its point, and its feedback is the
  check's message alone; an answer built on a helper the lesson hands the learner keeps it.
* ``tamper`` (chapter 2 only) hands in the reference with one graded test cell deleted
  and one edited: the report names both.

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

# chapter -> {kind: (grade_id of a solution cell, code, earns the point)}. The "mixed"
# student hands in the reference answer everywhere except in these cells.
DEVIATIONS = {
    "02_tiny_network": {
        "loop": (
            "ch02-backward",
            "def my_backward(X, Y, params):\n    while True:\n        pass\n",
            False,
        ),
        "wrong": (
            "ch02-l2-step",
            "def l2_update(W, grad_W, lr, lam, m):\n"
            "    return W - lr * (grad_W + lam * W)  # forgot the 1/m\n",
            False,
        ),
    },
    "03_l1_l2_elastic_net": {
        "wrong": (
            "ch03-penalty-gradient",
            "def penalty_gradient(w, lam1, lam2):\n"
            "    return lam1 * np.sign(w) + lam2 * w  # forgot the 2 of the square\n",
            False,
        ),
        "disguise": (
            "ch03-soft-threshold",
            "import functools\n\nfrom lessons_lib.proximal import soft_threshold\n\n"
            "my_soft_threshold = functools.partial(soft_threshold)\n",
            False,
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
            False,
        ),
        "helper": (
            "ch05-dropout-penalty",
            "from lessons_lib.metrics import mse\n\n\n"
            "def dropout_penalty(X, w, p):\n"
            "    zeros = np.zeros(len(X))\n"
            "    return p / (1 - p) * sum(mse(X[:, j] * w[j], zeros) for j in range(len(w)))\n",
            True,
        ),
    },
}
CHAPTERS = list(DEVIATIONS)
STUDENTS = ["stub", "reference", "mixed"]
TAMPERED = "02_tiny_network"  # the chapter the "tamper" student hands in
DELETED, EDITED = "ch02-backward-test", "ch02-l2-step-test"
VALIDATED = "05_dropout"  # the chapter whose blank and reference notebooks are validated
FETCHED = "05_dropout"  # the chapter the reference student fetches and submits
PLAIN = "03_l1_l2_elastic_net"  # autograded with plain nbgrader, its warnings kept
SECONDS = 3  # the time limit on a learner's function in these runs
TOOLS = ROOT / "tools"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    # Kernels on IPC sockets: the other pytest worker starts kernels too (tests/kernels.py).
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    env["LESSONS_LIB_ANSWER_SECONDS"] = str(SECONDS)
    return env


KERNELS = "--Execute.kernel_manager_class=kernels.IpcKernelManager"


def nbgrader(course_root: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """An nbgrader command; from the repository root unless ``cwd`` says otherwise."""
    course = [f"--CourseDirectory.root={course_root}"] if cwd == ROOT else []
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("nbgrader")),
            *args,
            *course,
            f"--Exchange.root={course_root / 'exchange'}",
            KERNELS,
        ],
        cwd=cwd,
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )


def submission(kind: str, chapter: str, release: dict, solutions: dict) -> dict:
    """The notebook a synthetic student of ``kind`` hands in."""
    nb = json.loads(json.dumps(release))
    if kind == "stub":
        return nb
    changed = {g: code for g, code, _ in DEVIATIONS[chapter].values()} if kind == "mixed" else {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = changed.get(meta["grade_id"], solutions[meta["grade_id"]])
        if kind == "tamper" and meta.get("grade_id") == EDITED:
            cell["source"] = "print('all tests pass')\n"
    if kind == "tamper":
        nb["cells"] = [
            c
            for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != DELETED
        ]
    return nb


def hand_in_through_the_exchange(root: Path, chapter: str, nb: dict, student: str) -> None:
    """fetch_assignment, answer, submit, from the student's own folder (no course config)."""
    home = root.parent / "home" / student
    home.mkdir(parents=True)
    course_id = ["--course=regularization"]
    nbgrader(root, "fetch_assignment", chapter, *course_id, cwd=home)
    fetched = home / chapter / f"{chapter}.ipynb"
    assert fetched.exists()
    fetched.write_text(json.dumps(nb, indent=1))
    nbgrader(root, "submit", chapter, *course_id, f"--student={student}", cwd=home)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course after autograde, generate_feedback and export; the commands' output."""
    root = tmp_path_factory.mktemp("roundtrip") / "course"
    course.build(root, CHAPTERS, [*STUDENTS, "tamper"])
    logs = {}
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
        students = [*STUDENTS, "tamper"] if chapter == TAMPERED else STUDENTS
        for student in students:
            nb = submission(student, chapter, release, solutions)
            if chapter == FETCHED and student == "reference":
                hand_in_through_the_exchange(root, chapter, nb, student)
                continue
            target = root / "submitted" / student / chapter / f"{chapter}.ipynb"
            target.parent.mkdir(parents=True)
            target.write_text(json.dumps(nb, indent=1))
        if chapter == FETCHED:
            nbgrader(root, "collect", chapter)
        for student in ("stub", "reference") if chapter == VALIDATED else ():
            path = root / "submitted" / student / chapter / f"{chapter}.ipynb"
            shown = nbgrader(root, "validate", str(path))
            logs[f"validate-{student}"] = shown.stdout
        if chapter == TAMPERED:
            path = root / "submitted" / "mixed" / chapter / f"{chapter}.ipynb"
            shown = nbgrader(root, "validate", str(path))
            logs["validate-mixed"] = shown.stdout
        start = time.perf_counter()
        if chapter == PLAIN:
            done = nbgrader(root, "autograde", chapter, "--force")
        else:
            done = subprocess.run(
                [
                    sys.executable,
                    str(TOOLS / "autograde.py"),
                    chapter,
                    "--jobs=2",
                    f"--root={root}",
                    f"--Exchange.root={root / 'exchange'}",
                    KERNELS,
                ],
                cwd=ROOT,
                env=_env(),
                capture_output=True,
                text=True,
                check=True,
            )
        logs[f"autograde-{chapter}"] = done.stdout + done.stderr
        seconds = (time.perf_counter() - start) / len(students)
        print(f"\nautograde {chapter}: {seconds:.1f} s per notebook")
        nbgrader(root, "generate_feedback", chapter, "--force")
    nbgrader(root, "export")
    return root, logs


def cell_scores(root: Path) -> dict[tuple[str, str, str], tuple[float, float, bool]]:
    """(chapter, student, grade_id) -> (score, max_score, needs_manual_grade)."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for chapter in CHAPTERS:
            for student in [*STUDENTS, "tamper"] if chapter == TAMPERED else STUDENTS:
                sub = gb.find_submission_notebook(chapter, chapter, student)
                for grade in sub.grades:
                    out[chapter, student, grade.name] = (
                        grade.score,
                        grade.max_score,
                        grade.needs_manual_grade,
                    )
    return out


def graded_cell(root: Path, student: str, chapter: str, grade_id: str) -> dict:
    nb = json.loads((root / "autograded" / student / chapter / f"{chapter}.ipynb").read_text())
    return next(
        c
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id
    )


def test_release_has_no_solution_and_no_hidden_test(graded):
    root, _ = graded
    for chapter in CHAPTERS:
        for folder in ("release", "exchange/regularization/outbound"):
            path = root / folder / chapter / f"{chapter}.ipynb"
            released = json.loads(path.read_text())
            book = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())
            assert course.leaks(released, book) == [], path


def test_scores(graded):
    root, _ = graded
    scores = cell_scores(root)
    with open(root / "grades.csv", newline="") as f:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    assert not (ROOT / "grades.csv").exists()
    table = ["| chapter | student | score | max | per cell |", "|---|---|---|---|---|"]
    for chapter in CHAPTERS:
        auto = [k[2] for k in scores if k[:2] == (chapter, "stub") and k[2].endswith("-test")]
        manual = [k[2] for k in scores if k[:2] == (chapter, "stub") and k[2].endswith("-answer")]
        assert len(auto) >= 2 and len(manual) == 1, (auto, manual)
        lost = {f"{gid}-test" for gid, _, earns in DEVIATIONS[chapter].values() if not earns}
        expected = {
            "stub": dict.fromkeys(auto, 0.0),
            "reference": dict.fromkeys(auto, 1.0),
            "mixed": {g: 0.0 if g in lost else 1.0 for g in auto},
            "tamper": {g: 0.0 if g == DELETED else 1.0 for g in auto},
        }
        for student in [*STUDENTS, "tamper"] if chapter == TAMPERED else STUDENTS:
            got = {g: scores[chapter, student, g][0] for g in auto}
            assert got == expected[student], (chapter, student, got)
            # A discussion answer left as released scores 0 without a grader; a written
            # one waits for a grader, and the export says so.
            answer = scores[chapter, student, manual[0]]
            assert answer[2] is (student != "stub"), (chapter, student, answer)
            row = rows[chapter, student]
            assert float(row["score"]) == sum(expected[student].values())
            assert float(row["max_score"]) == len(auto) + 1
            if student in ("stub", "reference", "mixed"):
                assert float(row["pending_points"]) == (0 if student == "stub" else 1)
                assert row["status"] == (
                    "final" if student == "stub" else "awaiting manual grading"
                )
            assert row["tampered"] == (f"{DELETED} {EDITED}" if student == "tamper" else "")
            score, top = float(row["score"]), float(row["max_score"])
            table.append(
                f"| {chapter} | {student} | {score:g} | {top:g} | "
                + ", ".join(f"{g.removeprefix('ch')}: {s:g}" for g, s in got.items())
                + " |"
            )
    print("\n".join(table))


def test_validate_tells_a_student_what_is_missing_whole(graded):
    """``nbgrader validate`` fails a blank notebook, naming what is missing, and passes the
    reference; a failing check's message is shown whole (no line cut) and without a
    traceback. It exits 0 either way: a script looks for "VALIDATION FAILED"."""
    from lessons_lib.checks import grading

    _, logs = graded
    stub = logs["validate-stub"]
    assert "VALIDATION FAILED" in stub and "not attempted yet" in stub, stub[-2000:]
    reference = logs["validate-reference"]
    assert "Success! Your notebook passes all the tests." in reference, reference[-2000:]
    mixed = logs["validate-mixed"]
    assert "VALIDATION FAILED ON 2 CELL(S)" in mixed, mixed[-3000:]
    assert f"did not return within {SECONDS} s" in mixed
    for text in (stub, mixed):
        assert "Traceback" not in text
        assert not any(line.endswith("...") for line in text.splitlines())  # none cut
        assert "site-packages" not in text and "grading.py" not in text
    gid, code, _ = DEVIATIONS[TAMPERED]["wrong"]
    message = grading.fresh_check("ch02.check_l2_update")(_function(code)).message
    assert " ".join(message.split()) in " ".join(mixed.replace("    ", " ").split())


def _function(code: str):
    namespace: dict = {}
    exec("import numpy as np\nimport torch\n" + code, namespace)  # noqa: S102
    return next(v for k, v in namespace.items() if callable(v) and k not in {"np", "torch"})


def test_feedback_shows_the_message_alone_and_one_verdict(graded):
    """Each failed graded cell holds one output: the verdict, the check's message whole;
    the feedback page shows it and nothing of the grader's code or paths."""
    root, _ = graded
    for chapter in CHAPTERS:
        page = (root / "feedback" / "mixed" / chapter / f"{chapter}.html").read_text()
        page = re.sub(r"<style.*?</style>", "", page, flags=re.S)  # the page's CSS names
        for marker in ("Traceback", "BEGIN HIDDEN", "site-packages", "grading.py", "lessons_lib/"):
            assert marker not in page, (chapter, marker)
        for kind, (gid, code, earns) in DEVIATIONS[chapter].items():
            cell = graded_cell(root, "mixed", chapter, f"{gid}-test")
            if earns:
                assert all(o["output_type"] != "error" for o in cell["outputs"]), (chapter, kind)
                continue
            assert [o["output_type"] for o in cell["outputs"]] == ["error"], (chapter, kind)
            lines = cell["outputs"][0]["traceback"]
            assert lines[0].startswith("✘ Not yet") and all(len(x) <= 78 for x in lines)
            for line in lines:
                assert html.escape(line, quote=False) in page or line in page, (chapter, line)
            said = " ".join(lines[1:])
            if kind == "wrong":
                name = re.search(r'grade\("(ch\d\d\.check_\w+)"', source(cell)).group(1)
                from lessons_lib.checks import grading

                message = grading.fresh_check(name)(_function(code)).message
                assert said == " ".join(message.split()), (chapter, said)
            elif kind == "loop":
                assert f"did not return within {SECONDS} s" in said
            elif kind == "disguise":
                assert "course library's lessons_lib.proximal.soft_threshold" in said
        assert (root / "feedback" / "reference" / chapter / f"{chapter}.html").exists()


def test_tampering_is_reported_and_the_normal_case_is_quiet(graded):
    _, logs = graded
    report = logs[f"autograde-{TAMPERED}"]
    assert f"TAMPERED tamper {TAMPERED}: test cell {DELETED} deleted" in report, report
    assert f"TAMPERED tamper {TAMPERED}: test cell {EDITED} edited" in report, report
    assert report.count("TAMPERED") == 2, report
    for chapter in CHAPTERS:
        assert "autograded" in logs[f"autograde-{chapter}"] or chapter == PLAIN
    # Untouched notebooks: nbgrader's own log (kept for this chapter) warns of nothing.
    assert "checksum" not in logs[f"autograde-{PLAIN}"].lower(), logs[f"autograde-{PLAIN}"]


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
