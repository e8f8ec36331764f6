"""Static checks of the committed chapter notebooks (no execution)."""

from __future__ import annotations

import ast
import re

import pytest
import sync_notebooks
from course_repo import (
    BOOK,
    EXERCISE_LABEL,
    ROOT,
    SOLUTION_END,
    SOLUTION_START,
    chapter_notebooks,
    config,
    load,
    source,
    tags,
    toc_files,
)

NOTEBOOKS = chapter_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def test_there_are_chapters():
    assert NOTEBOOKS, "book/ has no chapter notebooks"


def test_notebooks_are_clean_and_install_cells_match_config():
    """No outputs are committed; the Colab install cell names the configured repository."""
    bad = sync_notebooks.problems(ROOT)
    assert not bad, f"run `make sync` (or `make strip`) to fix: {bad}"


def test_install_cell_uses_configured_url():
    url = config()["repository"]["url"].rstrip("/")
    for path in NOTEBOOKS:
        cells = [c for c in load(path)["cells"] if sync_notebooks.INSTALL_TAG in tags(c)]
        assert len(cells) == 1, f"{path.name}: expected one install cell, found {len(cells)}"
        assert f"git+{url}" in source(cells[0]), f"{path.name}: install cell names another repo"
        first_code = next(c for c in load(path)["cells"] if c["cell_type"] == "code")
        assert first_code is cells[0] or source(first_code) == source(cells[0])


def test_install_cell_changes_with_config(tmp_path):
    """A fork changes one line of _config.yml; the check then flags every notebook."""
    (tmp_path / "book").mkdir()
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    url = config()["repository"]["url"]
    (tmp_path / "_config.yml").write_text(text.replace(url, "https://github.com/a-fork/course"))
    for path in NOTEBOOKS:
        for p in (path, path.with_suffix(".md")):
            (tmp_path / "book" / p.name).write_text(p.read_text(encoding="utf-8"))
    expected = [f"book/{p.with_suffix('.md').name}" for p in NOTEBOOKS]
    assert sorted(sync_notebooks.problems(tmp_path)) == expected


def test_toc_and_book_agree():
    listed = set(toc_files())
    present = {
        str(p.relative_to(ROOT).with_suffix(""))
        for p in BOOK.iterdir()
        if p.suffix in {".md", ".ipynb"}
    }
    assert present - listed == set(), "in book/ but not in _toc.yml"
    assert listed - present == set(), "in _toc.yml but missing from book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_solution_cells_carry_nbgrader_metadata(path):
    """Every solution region has nbgrader metadata and vice versa; grade ids are unique."""
    seen = set()
    for cell in load(path)["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        src = source(cell)
        if "### BEGIN SOLUTION" in src:
            assert meta.get("solution") is True, f"solution markers without metadata: {src[:60]}"
            assert "### END SOLUTION" in src
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in src, f"solution cell without markers: {src[:60]}"
        if meta:
            assert meta["grade_id"] not in seen, f"duplicate grade_id {meta['grade_id']}"
            seen.add(meta["grade_id"])
            assert meta["grade_id"].startswith(f"ch{path.stem[:2]}-")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exercises_have_solutions_checks_and_tests(path):
    """Each exercise is followed by its gated solution; coded ones by a check and a test."""
    cells = load(path)["cells"]
    labels = []
    for i, cell in enumerate(cells):
        m = EXERCISE_LABEL.search(source(cell)) if cell["cell_type"] == "markdown" else None
        if not m:
            continue
        label = m.group(2)
        labels.append(label)
        start = SOLUTION_START.match(source(cells[i + 1]))
        assert start and start.group(2) == label, f"{label}: no solution-start right after it"
        end = next(j for j in range(i + 2, len(cells)) if SOLUTION_END.match(source(cells[j])))
        solution_code = [c for c in cells[i + 2 : end] if c["cell_type"] == "code"]
        if solution_code:
            assert all(c["metadata"].get("nbgrader", {}).get("solution") for c in solution_code)
            after = cells[end + 1 : end + 3]
            assert "exercise-check" in tags(after[0]), f"{label}: no check cell after solution"
            assert after[1]["metadata"].get("nbgrader", {}).get("grade") is True
            assert "grading.grade(" in source(after[1])
            assert "remove-cell" in tags(after[1])
    assert len(labels) >= 2, f"{path.name} has {len(labels)} exercises; the syllabus asks for 2+"
    assert all(lbl.startswith(f"ex-ch{path.stem[:2]}") for lbl in labels)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_have_captions_names_and_alt_text(path):
    for cell in load(path)["cells"]:
        fig = cell.get("metadata", {}).get("mystnb", {}).get("figure")
        if fig is None:
            continue
        assert fig.get("caption", "").strip(), "figure without caption"
        assert re.fullmatch(r"fig-[a-z0-9-]+", fig.get("name", "")), "figure without a name"
        alt = cell["metadata"]["mystnb"].get("image", {}).get("alt", "")
        assert len(alt) > 20, f"figure {fig['name']} needs alt text"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chapter_skeleton(path):
    """Objectives first, then setup, key takeaways, exercises and references, in order."""
    text = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    marks = ["Learning objectives", "## Key takeaways", "## Exercises", "## References"]
    positions = [text.find(m) for m in marks]
    assert all(p >= 0 for p in positions), dict(zip(marks, positions, strict=True))
    assert positions == sorted(positions)
    code = [source(c) for c in load(path)["cells"] if c["cell_type"] == "code"]
    setup = next(
        s
        for s in code
        if "import" in s and sync_notebooks.INSTALL_TAG not in s and "google.colab" not in s
    )
    assert "seed_everything()" in setup and "use_course_style()" in setup


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_claims_are_asserted_in_hidden_cells(path):
    hidden = [
        c
        for c in load(path)["cells"]
        if "remove-cell" in tags(c)
        and "nbgrader" not in c["metadata"]
        and sync_notebooks.INSTALL_TAG not in tags(c)
    ]
    assert len(hidden) >= 3
    unguarded = [source(c)[:60] for c in hidden if not asserts_something(source(c))]
    assert not unguarded, f"hidden cells that assert nothing: {unguarded}"


def asserts_something(code: str) -> bool:
    """Whether ``code`` holds an ``assert``, a ``raise`` or an ``assert_*`` call.

    A comment or a string that merely mentions "assert" does not count.
    """
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Assert | ast.Raise):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name.startswith("assert"):
                return True
    return False


def test_asserts_something_needs_a_real_assertion():
    assert asserts_something("assert x > 0")
    assert asserts_something("np.testing.assert_allclose(a, b)")
    assert asserts_something("if bad:\n    raise ValueError('claim broken')")
    assert not asserts_something("# assert later\nx = 1")
    assert not asserts_something("print('assert')")
    assert not asserts_something("%time x = 1")
