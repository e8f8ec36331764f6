"""Student notebooks: nbgrader's release of the course, clean, runnable, failing only where
a learner works.

The student version of every chapter is the ``release/`` notebook of the nbgrader course
that ``tools/course_build.py`` builds (``tools/make_student.py`` copies it out). Then:

* nothing of a solution or hidden test survives, and no MyST syntax is left that Jupyter
  or Colab would show as raw text (roles, directives, ``(label)=`` lines);
* executed, a cell may fail only if it is an exercise (nbgrader solution) or check cell
  failing with ``NotImplementedError``, or a graded test cell failing with the check's
  "not attempted yet" message (the verdict alone, no traceback): no later cell depends
  on a learner's answer, and ``nbgrader validate`` tells a learner which answers are
  missing;
* every check cell reports that its exercise is not attempted yet (the stubs took).
"""

from __future__ import annotations

import json
import shutil

import course_build as course
import make_student
import nbformat
import pytest
from course_markdown import raw_myst_lines
from course_repo import ROOT, chapter_notebooks, load, source, tags
from kernels import IpcKernelManager
from nbclient import NotebookClient

pytestmark = pytest.mark.student
NOTEBOOKS = chapter_notebooks()


@pytest.fixture(scope="module")
def students():
    """Every chapter's student notebook, generated once into ``_build/student`` (where
    ``make student`` writes them; ``make bundle`` reuses them while they are current)."""
    out = ROOT / "_build" / "student"
    shutil.rmtree(out, ignore_errors=True)
    return {p.stem: p for p in make_student.generate(out)}


def test_site_only_cells_are_dropped():
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "````{exercise} T\n:label: ex-x\n````"},
        {"cell_type": "markdown", "metadata": {}, "source": "````{solution-start} ex-x\n````"},
        {"cell_type": "markdown", "metadata": {}, "source": "The worked explanation."},
        {"cell_type": "markdown", "metadata": {}, "source": "````{solution-end}\n````"},
    ]
    assert [source(c) for c in course.drop_site_only_cells({"cells": cells})["cells"]] == [
        "````{exercise} T\n:label: ex-x\n````"
    ]


def test_unbalanced_solution_markers_are_rejected():
    nb = {"cells": [{"cell_type": "markdown", "source": "````{solution-start} ex-x\n````"}]}
    with pytest.raises(ValueError, match="solution-end"):
        course.drop_site_only_cells(nb)


def test_code_in_a_solution_block_needs_nbgrader_metadata():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "````{solution-start} ex-x\n````"},
            {"cell_type": "code", "metadata": {}, "source": "answer = 42"},
            {"cell_type": "markdown", "source": "````{solution-end}\n````"},
        ]
    }
    with pytest.raises(ValueError, match="not an nbgrader solution"):
        course.drop_site_only_cells(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_notebook_is_clean(path, students):
    """No solution line, hidden test or raw MyST line in the released notebook."""
    student = load(students[path.stem])
    text = "\n".join(source(c) for c in student["cells"])
    assert course.leaks(student, load(path)) == []
    assert "{exercise}" not in text
    assert raw_myst_lines(text) == []
    # Every discussion exercise has an empty, manually graded answer cell.
    answers = [
        c
        for c in student["cells"]
        if c["cell_type"] == "markdown" and c["metadata"].get("nbgrader", {}).get("solution")
    ]
    assert answers and all(source(c).strip() == "YOUR ANSWER HERE" for c in answers)
    assert all(c["metadata"]["nbgrader"]["points"] >= 1 for c in answers)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_notebook_runs(path, students):
    nb = nbformat.reads(students[path.stem].read_text(encoding="utf-8"), as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        allow_errors=True,
        kernel_name="python3",
        kernel_manager_class=IpcKernelManager,
        resources={"metadata": {"path": str(ROOT / "book")}},
    ).execute()
    failures, checks, graded = [], 0, 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        meta = cell.metadata.get("nbgrader", {})
        is_exercise = meta.get("solution", False)
        is_check = "exercise-check" in tags(cell)
        is_test = meta.get("grade", False) and not is_exercise
        for err in errors:
            if is_test and err.ename == "GradingError" and "not attempted yet" in err.evalue:
                # the verdict alone: no traceback, no code of the test
                assert err.traceback[0].startswith("✘ Not yet"), err.traceback
                continue
            if not (is_exercise or is_check) or err.ename != "NotImplementedError":
                failures.append(f"{err.ename}: {err.evalue} in cell:\n{cell.source[:200]}")
        if is_test:
            graded += 1
            assert errors, f"a graded cell passed for a stub:\n{cell.source[:200]}"
        if is_check:
            checks += 1
            shown = " ".join(str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)
            assert "not attempted yet" in shown, f"check did not see a stub: {shown[:200]}"
    assert not failures, "\n\n".join(failures)
    assert checks >= 2 and graded == checks


def test_make_student_copies_the_release(tmp_path, students):
    """``make student`` hands out exactly what the course releases."""
    (written,) = make_student.generate(tmp_path, ["02_tiny_network"])
    released = json.loads(students["02_tiny_network"].read_text(encoding="utf-8"))
    again = json.loads(written.read_text(encoding="utf-8"))
    strip = lambda nb: [(c["cell_type"], source(c)) for c in nb["cells"]]  # noqa: E731
    assert strip(again) == strip(released)
