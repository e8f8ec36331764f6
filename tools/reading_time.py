"""Estimated reading and exercise time per chapter, computed from the notebooks' text.

Used two ways, like ``timing_report.py``:

* as a Sphinx extension (``_config.yml`` loads it from ``tools/``): while the book is
  built, the line ``<!-- reading-time-table -->`` of the instructors' page is replaced by
  the table, so the numbers always describe the chapters of that build;
* as a script, ``python tools/reading_time.py``, which prints the table.

The estimate counts what a learner reads: the words of the markdown cells outside the
exercises (at :data:`WORDS_PER_MINUTE`) and the lines of code cells a reader sees (at
:data:`CODE_LINES_PER_MINUTE`; cells tagged ``remove-cell`` are not shown on the site, and
the plotting code of ``hide-input`` cells is folded away there, so neither is counted).
Each exercise adds a fixed time: :data:`CODING_MINUTES` when it has a check cell (tagged
``exercise-check``), :data:`DISCUSSION_MINUTES` otherwise. Solutions are not counted.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- reading-time-table -->"
WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 20
CODING_MINUTES = 20
DISCUSSION_MINUTES = 10
HIDDEN = {"remove-cell", "remove-input", "hide-input"}

_EXERCISE = re.compile(r"^`{3,}\{exercise\}", re.MULTILINE)
_SOLUTION_START = re.compile(r"^`{3,}\{solution-start\}", re.MULTILINE)
_SOLUTION_END = re.compile(r"^`{3,}\{solution-end\}", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z0-9À-ÿ]+(?:['’-][A-Za-z0-9À-ÿ]+)*")


@dataclass(frozen=True)
class ChapterTime:
    """Reading material and exercises of one chapter notebook."""

    notebook: str
    words: int
    code_lines: int
    coding_exercises: int
    discussion_exercises: int

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the prose and the visible code, rounded up."""
        return math.ceil(self.words / WORDS_PER_MINUTE + self.code_lines / CODE_LINES_PER_MINUTE)

    @property
    def exercise_minutes(self) -> int:
        """Minutes budgeted for the exercises."""
        return (
            self.coding_exercises * CODING_MINUTES + self.discussion_exercises * DISCUSSION_MINUTES
        )


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def count_words(markdown: str) -> int:
    """Words of a markdown text; MyST labels, roles and directive lines are not words.

    Example:
        >>> count_words("(sec-x)=\\n## Two words\\n{cite:p}`key` and `code`")
        4
    """
    lines = [
        ln
        for ln in markdown.splitlines()
        if not re.fullmatch(r"\s*(\(.*\)=|`{3,}.*|:\w+:.*)\s*", ln)
    ]
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", "\n".join(lines))  # {role}`target`
    return len(_WORD.findall(text))


def chapter_time(path: Path) -> ChapterTime:
    """Count the words, visible code lines and exercises of one notebook."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    words = code_lines = coding = discussion = 0
    in_solution = False
    exercise_open = False
    has_check = False

    def close_exercise() -> None:
        nonlocal coding, discussion, exercise_open, has_check
        if exercise_open:
            coding += has_check
            discussion += not has_check
        exercise_open, has_check = False, False

    for cell in cells:
        src = _source(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            if _EXERCISE.search(src):
                close_exercise()
                exercise_open = True
                continue
            if _SOLUTION_START.search(src):
                in_solution = True
                continue
            if _SOLUTION_END.search(src):
                in_solution = False
                continue
            if re.match(r"#+ ", src.lstrip()) and not in_solution:
                close_exercise()  # a new section ends the exercise block
            if not in_solution and not exercise_open:
                words += count_words(src)
        elif cell["cell_type"] == "code":
            if "exercise-check" in tags:
                has_check = True
            elif not in_solution and not exercise_open and not HIDDEN.intersection(tags):
                code_lines += sum(1 for ln in src.splitlines() if ln.strip())
    close_exercise()
    return ChapterTime(Path(path).name, words, code_lines, coding, discussion)


def chapter_times(root: Path = ROOT) -> list[ChapterTime]:
    """One :class:`ChapterTime` per chapter notebook, in order."""
    return [chapter_time(p) for p in sorted((root / "book").glob("[0-9][0-9]_*.ipynb"))]


def format_table(rows: list[ChapterTime]) -> str:
    """Markdown table with a total line and the assumptions in a closing sentence."""
    lines = [
        "| chapter | words | code lines shown | reading (min) "
        "| exercises (coding + discussion) | exercise time (min) |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.notebook} | {r.words:,} | {r.code_lines} | {r.reading_minutes} "
            f"| {r.coding_exercises} + {r.discussion_exercises} | {r.exercise_minutes} |"
        )
    lines.append(
        f"| **total** | **{sum(r.words for r in rows):,}** "
        f"| **{sum(r.code_lines for r in rows)}** "
        f"| **{sum(r.reading_minutes for r in rows)}** | "
        f"| **{sum(r.exercise_minutes for r in rows)}** |"
    )
    lines.append("")
    lines.append(
        f"Reading time assumes {WORDS_PER_MINUTE} words and {CODE_LINES_PER_MINUTE} lines "
        f"of code per minute; each exercise with an automatic check is budgeted "
        f"{CODING_MINUTES} minutes, each discussion exercise {DISCUSSION_MINUTES}. "
        "Solutions are not counted. Computed by `tools/reading_time.py` from the "
        "notebooks of this build."
    )
    return "\n".join(lines)


def _fill(app, docname: str, source: list[str]) -> None:
    if MARKER in source[0]:
        root = Path(app.srcdir)
        source[0] = source[0].replace(MARKER, format_table(chapter_times(root)))


def setup(app):
    app.connect("source-read", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else ROOT
    print(format_table(chapter_times(root)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
