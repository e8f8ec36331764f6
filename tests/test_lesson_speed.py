"""Tests for tools/lesson_speed.py: the floor notebook and the report's arithmetic."""

from __future__ import annotations

import lesson_speed


def test_floor_notebook_stops_after_the_setup_cell():
    nb = lesson_speed.floor_notebook()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "seed_everything(" in "".join(code[-1].source)
    assert len(code) == 2  # the Colab install cell and the setup cell


def test_report_divides_by_the_median_floor():
    result = {
        "floors": [2.0, 4.0, 3.0],
        "runs": {"01_a": [6.0], "02_b": [12.0]},
        "cells": {"01_a": [(2, 1.5, "import torch")], "02_b": [(5, 9.0, "train()")]},
    }
    text = lesson_speed.report(result)
    assert "median 3.00 s over 3 runs" in text
    assert "| 01_a | 6.00 | 2.00 |" in text and "| 02_b | 12.00 | 4.00 |" in text
    assert "Total 18.0 s; median ratio 3.00×; largest 4.00× (02_b)" in text
    assert "| 5 | 9.00 | `train()` |" in text
