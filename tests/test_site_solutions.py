"""Tests of tools/site_solutions.py: marker lines dropped, check outputs introduced."""

from __future__ import annotations

import site_solutions
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document


def test_only_marker_lines_are_removed():
    code = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x  # not ### END SOLUTION\n"
    code += "    ### END SOLUTION\n"
    assert site_solutions.without_markers(code) == (
        "def f(x):\n    return 2 * x  # not ### END SOLUTION\n"
    )


def test_hidden_test_markers_go_too_and_code_without_markers_is_unchanged():
    assert (
        site_solutions.without_markers("### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS") == "x\n"
    )
    assert site_solutions.without_markers("a = 1\nb = 2\n") == "a = 1\nb = 2\n"


def _document() -> nodes.document:
    return new_document("test", get_default_settings(Parser))


def _cell(tag: str, code: str) -> nodes.container:
    cell = nodes.container(classes=["cell", tag])
    cell += nodes.container("", nodes.literal_block(code, code), classes=["cell_input"])
    cell += nodes.container("", nodes.paragraph("ok", "ok"), classes=["cell_output"])
    return cell


def test_the_doctree_loses_markers_and_gains_one_note_per_check_cell():
    doc = _document()
    doc += _cell("tag_solution", "def f():\n    ### BEGIN SOLUTION\n    return 1\n")
    doc += _cell("tag_exercise-check", "check(f)\n")
    doc += _cell("tag_other", "print(1)\n")
    site_solutions._strip(None, doc)
    code = [block.astext() for block in doc.findall(nodes.literal_block)]
    assert code == ["def f():\n    return 1\n", "check(f)\n", "print(1)\n"]
    notes = [p for p in doc.findall(nodes.paragraph) if "check-note" in p["classes"]]
    assert len(notes) == 1
    check = doc.children[1]
    assert check.children[1] is notes[0]
    assert "cell_output" in check.children[2]["classes"]
