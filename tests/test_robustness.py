"""Tests for tools/robustness.py: a failing hidden assert is counted and located."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import robustness

from lessons_lib.seeding import MAX_BASE_SEED


def _notebook(tmp_path, source: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import os\nseed = int(os.environ['LESSONS_SEED'])"),
        nbformat.v4.new_code_cell(source),
    ]
    path = tmp_path / "99_probe.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("seed", [3, 4])
def test_run_one_reports_the_failing_cell_only_for_seeds_that_fail(tmp_path, seed):
    path = _notebook(tmp_path, "assert seed % 2 == 1, f'claim fails for {seed}'")
    run = robustness.run_one(path, seed, timeout=120)
    assert run.passed == (seed % 2 == 1)
    if not run.passed:
        assert run.failure.startswith("cell 1:")
        assert "claim fails for 4" in run.failure


def test_table_counts_runs_per_chapter():
    runs = [
        robustness.Run("05_dropout", 3, True, 1.0),
        robustness.Run("05_dropout", 4, False, 3.0, "cell 7: AssertionError"),
        robustness.Run("05_dropout", 5, True, 2.0),
    ]
    text = robustness.table(runs)
    row = next(line for line in text.splitlines() if line.startswith("| 05_dropout"))
    assert "| 2/3 | 2.0 |" in row
    assert "seed 4: cell 7: AssertionError" in row


def test_fresh_seeds_differ_from_run_to_run_and_avoid_the_build_seeds():
    first, second = robustness.fresh_seeds(20), robustness.fresh_seeds(20)
    assert len(set(first)) == 20 and first != second
    assert min(first + second) >= 1000 and max(first + second) <= MAX_BASE_SEED
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        robustness.fresh_seeds(0)


def test_selected_matches_chapter_numbers_exactly_and_names_by_prefix():
    one, ten = Path("book/01_why_regularize.md"), Path("book/10_more_regularizers.md")
    assert robustness.selected(one, ["1"]) and not robustness.selected(ten, ["1"])
    assert robustness.selected(ten, ["10"]) and robustness.selected(one, ["01"])
    assert robustness.selected(one, ["01_why"]) and not robustness.selected(one, ["6"])
