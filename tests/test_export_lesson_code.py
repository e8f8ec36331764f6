"""Tests of tools/export_lesson_code.py and of the README's list of tools (cheap: one chapter)."""

from __future__ import annotations

import ast
import re

import export_lesson_code
from course_repo import ROOT

CHAPTER = ROOT / "book" / "02_tiny_network.md"


def test_a_chapter_exports_as_python_with_its_cells_and_without_the_install_cell():
    code = export_lesson_code.lesson_code(CHAPTER)
    ast.parse(code)  # magics are commented out: the file is Python
    assert "# cell " in code and "seed_everything()" in code
    assert "google.colab" not in code  # the generated install cell is left out


def test_export_writes_one_file_per_chapter_and_the_library(tmp_path, monkeypatch):
    monkeypatch.setattr(export_lesson_code, "sources", lambda root: [CHAPTER])
    written = export_lesson_code.export(tmp_path / "out", library=True)
    assert [p.name for p in written] == ["02_tiny_network.py"]
    assert (tmp_path / "out" / "lessons_lib" / "training.py").exists()


def test_the_readme_layout_lists_every_tool():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Repository layout", 1)[1].split("```")[1]
    listed = set(re.findall(r"^\s+([\w.]+\.(?:py|cjs))\s", layout, flags=re.M))
    tools = {p.name for p in (ROOT / "tools").iterdir() if p.suffix in {".py", ".cjs"}}
    assert listed == tools, f"missing: {sorted(tools - listed)}; gone: {sorted(listed - tools)}"
