"""Tests for tools/autograde.py: workers, retries, captured output, nbgrader's configuration.

Grading real notebooks is the round trip's job (tests/test_student_roundtrip.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import autograde
import pytest

MARKS = Path()  # set by the fixture: where the fake grader leaves its marks


def _fake_grade(student: str) -> tuple[bool, str]:
    """Fails ``late`` once (a locked gradebook) and ``broken`` always; records the pid."""
    os.close(tempfile.mkstemp(prefix=f"{student}.{os.getpid()}.", dir=MARKS)[0])
    if student == "broken":
        return False, f"{student}: database is locked"
    if student == "late" and not (MARKS / "late.retry").exists():
        (MARKS / "late.retry").touch()  # only late's own first try marks it
        return False, f"{student}: database is locked"
    return True, ""


@pytest.fixture
def marks(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "MARKS", tmp_path)
    return tmp_path


@pytest.mark.parametrize("jobs", [1, 2])
def test_failures_are_graded_again_alone_and_reported(marks, capsys, jobs):
    inits = []
    who = ["a", "late", "broken", "b"]
    failed = autograde.run_all(who, jobs, _fake_grade, lambda: inits.append(os.getpid()))
    assert failed == ["broken"]
    err = capsys.readouterr().err
    assert "late: autograde failed\nlate: database is locked" in err
    assert "late: autograde failed again" not in err
    assert "broken: autograde failed again\nbroken: database is locked" in err
    assert inits[0] == os.getpid()  # prepared here first: forked workers inherit it
    graded = [p.name.split(".")[:2] for p in marks.iterdir() if p.name != "late.retry"]
    assert sorted(s for s, _ in graded) == ["a", "b", "broken", "broken", "late", "late"]
    here = str(os.getpid())
    first = {pid for s, pid in graded if s in ("a", "b")}  # graded once, never retried
    assert (first == {here}) if jobs == 1 else (here not in first and len(first) <= jobs)


def test_captured_stderr_holds_what_child_processes_write():
    with autograde.captured_stderr() as err:
        subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('kernel says')"])
        os.write(2, b"grader says")  # what nbgrader logs to sys.stderr ends up on fd 2
    assert "kernel says" in err[0] and "grader says" in err[0]


def test_the_api_reads_nbgrader_config_and_the_options_win(tmp_path, monkeypatch):
    monkeypatch.chdir(autograde.ROOT)  # where nbgrader_config.py is, as in main()
    api = autograde.nbgrader_api(tmp_path)
    assert api.coursedir.root == str(tmp_path)
    assert api.config.Execute.timeout == 120  # from nbgrader_config.py
    assert api.config.Execute.shutdown_kernel == "immediate"  # autograde.DEFAULTS
    api = autograde.nbgrader_api(tmp_path, ["--Execute.shutdown_kernel=graceful"])
    assert api.config.Execute.shutdown_kernel == "graceful"


def test_no_submissions_is_an_error(tmp_path, capsys):
    assert autograde.main(["05_dropout", f"--root={tmp_path}"]) == 1
    assert "no submissions in" in capsys.readouterr().out
