"""The chapters' stored form (tools/sync_notebooks.py): Markdown source, generated notebook.

What a contributor relies on: a one-line change is a one-line diff in both files, two
branches that edit different lines of one chapter merge in git without hand work, the
check catches a notebook that drifted from its source, and edits made in Jupyter can be
brought back.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess

import pytest
import sync_notebooks
from course_repo import ROOT

CHAPTER = "02_tiny_network"


def _copy_book(tmp_path, names=(CHAPTER,)):
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    for name in names:
        for suffix in (".md", ".ipynb"):
            shutil.copy(ROOT / "book" / f"{name}{suffix}", tmp_path / "book" / f"{name}{suffix}")
    return tmp_path / "book" / f"{CHAPTER}.md"


def _sync(root):
    url = sync_notebooks.repository_url(root)
    for path in sync_notebooks.sources(root):
        md, ipynb = sync_notebooks.expected(path, url)
        path.write_text(md, encoding="utf-8")
        path.with_suffix(".ipynb").write_text(ipynb, encoding="utf-8")


def _prose_lines(lines: list[str]) -> list[int]:
    """Indices of plain prose lines (outside code cells and the front matter)."""
    found, in_code, front = [], False, lines[0].startswith("---")
    for i, line in enumerate(lines):
        if front:
            front = i == 0 or not line.startswith("---")
        elif line.startswith("```{code-cell}"):
            in_code = True
        elif in_code:
            in_code = line.rstrip() != "```"
        elif len(line) > 60 and line[0].isalpha():
            found.append(i)
    return found


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


def test_every_chapter_has_a_source_and_a_notebook():
    names = {p.stem for p in sync_notebooks.sources(ROOT)}
    assert len(names) == 10
    assert {p.stem for p in (ROOT / "book").glob("*.ipynb")} == names


def test_committed_forms_are_in_step():
    assert sync_notebooks.problems(ROOT) == []


@pytest.mark.parametrize("kind", ["prose", "code"])
def test_a_one_line_edit_is_a_one_line_diff(tmp_path, kind):
    md_path = _copy_book(tmp_path)
    nb_path = md_path.with_suffix(".ipynb")
    md_before, nb_before = md_path.read_text(), nb_path.read_text()
    lines = md_before.splitlines(keepends=True)
    if kind == "prose":
        index = _prose_lines(lines)[3]
        lines[index] = lines[index].replace(" ", " very ", 1)
    else:
        index = lines.index("seed = seed_everything()\n")
        lines[index] = "seed = seed_everything()  # one edit\n"
    md_path.write_text("".join(lines))
    _sync(tmp_path)
    assert len(_changed_lines(md_before, md_path.read_text())) == 2  # one line out, one in
    assert len(_changed_lines(nb_before, nb_path.read_text())) == 2
    assert sync_notebooks.problems(tmp_path) == []


def test_check_catches_a_notebook_that_drifted(tmp_path):
    md_path = _copy_book(tmp_path)
    nb_path = md_path.with_suffix(".ipynb")
    nb_path.write_text(nb_path.read_text().replace(" the ", " a ", 1))
    assert sync_notebooks.problems(tmp_path) == [f"book/{CHAPTER}.ipynb"]


def test_check_catches_an_unformatted_source_and_a_stray_notebook(tmp_path):
    md_path = _copy_book(tmp_path)
    text = md_path.read_text()
    md_path.write_text(text.replace("import torch\n", "import torch;import math\n", 1))
    (tmp_path / "book" / "99_stray.ipynb").write_text("{}")
    assert sync_notebooks.problems(tmp_path) == [f"book/{CHAPTER}.md", "book/99_stray.ipynb"]


def test_edits_made_in_jupyter_come_back_to_the_source(tmp_path):
    import nbformat

    md_path = _copy_book(tmp_path)
    nb_path = md_path.with_suffix(".ipynb")
    nb = nbformat.read(nb_path, as_version=4)
    cell = [c for c in nb.cells if c.cell_type == "markdown"][3]
    cell.source += "\n\nA sentence added in Jupyter."
    code = [c for c in nb.cells if c.cell_type == "code"][-1]
    code.outputs = [nbformat.v4.new_output("stream", text="printed\n")]
    nb.nbformat_minor = 5  # as Jupyter saves it: nbformat 4.5, with cell ids
    for i, c in enumerate(nb.cells):
        c.id = f"cell-{i}"
    nbformat.write(nb, nb_path)
    sync_notebooks.from_ipynb(nb_path, sync_notebooks.repository_url(tmp_path))
    assert "A sentence added in Jupyter." in md_path.read_text()
    assert '"outputs": []' in nb_path.read_text()
    assert sync_notebooks.problems(tmp_path) == []


def test_sync_refuses_to_overwrite_a_notebook_edited_after_its_source(tmp_path):
    md_path = _copy_book(tmp_path)
    nb_path = md_path.with_suffix(".ipynb")
    nb_path.write_text(nb_path.read_text().replace(" the ", " a ", 1))
    url = sync_notebooks.repository_url(tmp_path)
    _, ipynb = sync_notebooks.expected(md_path, url)
    assert sync_notebooks._edited_after_source(md_path, ipynb)
    md_path.touch()  # the source is newer: its content wins
    assert not sync_notebooks._edited_after_source(md_path, ipynb)


def _git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_two_branches_editing_one_chapter_merge_without_hand_work(tmp_path):
    """Edits to different lines of the same cell merge cleanly, in both files."""
    md_path = _copy_book(tmp_path)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    lines = md_path.read_text().splitlines(keepends=True)
    # two lines of one markdown paragraph, a few lines apart
    prose = _prose_lines(lines)
    first = prose[3]
    second = next(i for i in prose if i >= first + 3)
    for branch, index in (("a", first), ("b", second)):
        _git(tmp_path, "checkout", "-q", "-b", branch, "main")
        edited = list(lines)
        edited[index] = edited[index].rstrip("\n") + f" (edit {branch})\n"
        md_path.write_text("".join(edited))
        _sync(tmp_path)
        _git(tmp_path, "commit", "-qam", branch)
    _git(tmp_path, "checkout", "-q", "a")
    _git(tmp_path, "merge", "-q", "--no-edit", "b")  # raises on a conflict
    text = md_path.read_text()
    assert "(edit a)" in text and "(edit b)" in text
    assert sync_notebooks.problems(tmp_path) == []
