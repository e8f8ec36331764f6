"""How the website shows the exercises' reference solutions.

Two things differ from the notebook, both done while Sphinx reads a page (loaded as an
extension by ``_config.yml``, from ``tools/``):

* nbgrader's marker lines are dropped from the code (below);
* the output of each exercise's check cell (tag ``exercise-check``), computed by the book's
  build with the reference solution, is introduced by :data:`CHECK_NOTE`, so that a
  "✔ Correct" under a folded solution is not read as the reader's own result.

The markers:

A reference solution in a chapter reads::

    def f(x):
        ### BEGIN SOLUTION
        return 2 * x
        ### END SOLUTION

nbgrader needs the two marker lines (they are what it replaces with a stub in the student
notebook), but on the website and in the PDF they are noise in the middle of the worked
solution. Loaded as a Sphinx extension (``_config.yml``, from ``tools/``), this removes
every line that is only such a marker from the code blocks of the page; the notebooks keep
them.
"""

from __future__ import annotations

import re

from docutils import nodes

#: A line holding nothing but an nbgrader marker (solution or hidden-test block).
#: The sentence placed between a check cell's code and its output on the site.
CHECK_NOTE = "With the reference solution, the check prints:"
MARKER_LINE = re.compile(r"^[ \t]*### (?:BEGIN|END) (?:SOLUTION|HIDDEN TESTS)[ \t]*(?:\n|$)", re.M)


def without_markers(code: str) -> str:
    """``code`` without its nbgrader marker lines.

    Args:
        code (str): the source of a code cell.

    Returns:
        str: the same source with every marker line removed, other lines untouched.

    Example:
        >>> without_markers("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\n")
        'x = 1\\ny = 2\\n'
    """
    return MARKER_LINE.sub("", code)


def _strip(app: object, doctree: nodes.document) -> None:
    for block in list(doctree.findall(nodes.literal_block)):
        text = block.astext()
        if not MARKER_LINE.search(text):
            continue
        code = without_markers(text)
        block.rawsource = code
        block.children = []
        block += nodes.Text(code)
    _introduce_check_outputs(doctree)


def _introduce_check_outputs(doctree: nodes.document) -> None:
    for cell in list(doctree.findall(nodes.container)):
        if "tag_exercise-check" not in cell.get("classes", []):
            continue
        for index, child in enumerate(cell.children):
            if isinstance(child, nodes.container) and "cell_output" in child.get("classes", []):
                cell.insert(index, nodes.paragraph(CHECK_NOTE, CHECK_NOTE, classes=["check-note"]))
                break


def setup(app):  # noqa: ANN001, ANN201 - Sphinx's extension hook
    app.connect("doctree-read", _strip)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
