"""The chapters keep the house rules (tools/house_rules.py): none is broken today.

Static checks of the notebooks' code (no kernel), a few seconds. The rules are listed
in the tool's docstring and in CONTRIBUTING.md.
"""

from __future__ import annotations

import house_rules
import nbformat
import pytest

CHAPTERS = house_rules.chapters()


@pytest.fixture(scope="module")
def library():
    return house_rules.library_names()


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem[:2] for p in CHAPTERS])
def test_chapter_keeps_every_house_rule(path, library):
    violations = house_rules.check_notebook(path, library)
    assert not violations, "\n".join(str(v) for v in violations)


def test_the_rules_catch_each_kind_of_violation(tmp_path, library):
    # So that the test above can fail: one notebook that breaks all four rules.
    setup = "from lessons_lib.seeding import seed_everything\n\nseed = seed_everything()"
    cells = [
        setup,
        "def train(x):\n    return x",  # shadows lessons_lib.training.train
        "import math",  # an import outside the setup cell
        "\n".join(f"x{i} = {i}" for i in range(house_rules.MAX_LINES + 1)),  # too long
        "scale = 2\n\n\ndef double(v):\n    return scale * v",  # a helper reading a global
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "99_broken.ipynb"
    nbformat.write(nb, path)
    rules = {v.rule for v in house_rules.check_notebook(path, library)}
    assert rules == {
        "shadows a library name",
        "import outside the setup cell",
        "visible cell too long",
        "helper reads notebook globals",
    }
