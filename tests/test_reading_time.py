"""Tests for tools/reading_time.py: what counts as reading, what as an exercise."""

from __future__ import annotations

import math
from types import SimpleNamespace

import nbformat
import pytest
import reading_time
from reading_time import ChapterTime, chapter_time, count_words, format_table


def _md(text: str):
    return nbformat.v4.new_markdown_cell(text)


def _code(text: str, *tags: str):
    cell = nbformat.v4.new_code_cell(text)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _write(tmp_path, cells, name="01_probe.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    (tmp_path / "book").mkdir(exist_ok=True)
    path = tmp_path / "book" / name
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("one two three", 3),
        ("(sec-label)=\n## Heading here", 2),
        ("see {ref}`the rule <sec-ch07-rule>` now", 2),
        ("````{exercise} Title\n:label: ex-x\n````", 0),
        ("don't count hyphen-joined words twice", 5),
    ],
)
def test_count_words_skips_myst_markup(text, words):
    assert count_words(text) == words


def test_chapter_time_counts_prose_visible_code_and_each_kind_of_exercise(tmp_path):
    path = _write(
        tmp_path,
        [
            _md("# Title\n\nfour words of prose"),
            _code("x = 1\n\ny = 2"),  # two lines, the blank one is not counted
            _code("assert x == 1", "remove-cell"),
            _code("plt.plot(x)\nplt.show()", "hide-input"),
            _md("## Exercises"),
            _md("````{exercise} Code it\n:label: ex-a\n\nmany words that are not read now\n````"),
            _md("````{solution-start} ex-a\n:class: dropdown\n````"),
            _md("solution words are not counted"),
            _code("def f():\n    return 1"),
            _md("````{solution-end}\n````"),
            _code("check_f(f)", "exercise-check"),
            _md("````{exercise} Discuss it\n:label: ex-b\n\nwhy?\n````"),
            _md("````{solution-start} ex-b\n:class: dropdown\n````"),
            _md("because"),
            _md("````{solution-end}\n````"),
            _md("## References\n\nthree more words"),
        ],
    )
    t = chapter_time(path)
    assert t == ChapterTime("01_probe.ipynb", 1 + 4 + 1 + 1 + 3, 2, 1, 1)
    assert t.exercise_minutes == reading_time.CODING_MINUTES + reading_time.DISCUSSION_MINUTES
    expected = math.ceil(
        10 / reading_time.WORDS_PER_MINUTE + 2 / reading_time.CODE_LINES_PER_MINUTE
    )
    assert t.reading_minutes == expected


def test_reading_minutes_grow_with_the_text():
    short = ChapterTime("a", 200, 0, 0, 0)
    long = ChapterTime("b", 2000, 100, 0, 0)
    assert short.reading_minutes == 1
    assert long.reading_minutes == 10 + 5


def test_format_table_has_a_row_per_chapter_a_total_and_its_assumptions():
    rows = [ChapterTime("01_a.ipynb", 1000, 20, 2, 1), ChapterTime("02_b.ipynb", 400, 0, 0, 1)]
    text = format_table(rows)
    assert "| 01_a.ipynb | 1,000 | 20 | 6 | 2 + 1 | 50 |" in text
    assert "| 02_b.ipynb | 400 | 0 | 2 | 0 + 1 | 10 |" in text
    assert "| **total** | **1,400** | **20** | **8** | | **60** |" in text
    assert f"{reading_time.WORDS_PER_MINUTE} words" in text


def test_the_build_hook_fills_the_marker_and_leaves_other_pages_alone(tmp_path):
    _write(tmp_path, [_md("# T\n\nwords"), _code("x = 1")])
    app = SimpleNamespace(srcdir=str(tmp_path))
    page = [f"# Instructors\n\n{reading_time.MARKER}\n"]
    reading_time._fill(app, "book/instructors", page)
    assert reading_time.MARKER not in page[0]
    assert "| 01_probe.ipynb |" in page[0]
    other = ["# Another page\n"]
    reading_time._fill(app, "book/intro", other)
    assert other == ["# Another page\n"]


def test_every_chapter_of_the_course_has_text_and_exercises():
    rows = reading_time.chapter_times()
    assert len(rows) == 10
    for r in rows:
        assert r.words > 1000, r
        assert r.coding_exercises + r.discussion_exercises >= 2, r


def test_the_instructors_page_carries_the_marker():
    page = (reading_time.ROOT / "book" / "instructors.md").read_text(encoding="utf-8")
    assert reading_time.MARKER in page
