"""The nbgrader course of the book: source notebooks, gradebook and release.

Usage (from the repository root; ``nbgrader_config.py`` there puts the course in
``course/``)::

    python tools/course_build.py [--root course] [--students alice bob ...] [chapter ...]

For every chapter notebook in ``book/`` (or only those named) this

1. writes the instructor version ``<root>/source/<chapter>/<chapter>.ipynb``: the
   website-only cells are dropped (the ``{solution-start}``/``{solution-end}`` markers
   and the explanation between them; students must not see it), each MyST role and
   directive becomes plain Markdown (:mod:`course_markdown`), and the nbgrader cells are
   kept: code solutions, manually graded answers of the discussion exercises and the
   graded test cells;
2. adds the students named with ``--students`` to the gradebook;
3. runs ``nbgrader generate_assignment <chapter> --force`` with the gradebook database,
   which registers the assignment and its graded cells and writes the student version to
   ``<root>/release/<chapter>/``: solutions become stubs, hidden tests disappear.

``release/`` is then exactly what students receive (``make student`` copies it to
``_build/student/``). :func:`leaks` lists anything of a solution or hidden test that a
notebook still contains.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from course_markdown import Book, Converter

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
FENCE = r"^\s*(`{3,}|:{3,})"
SOLUTION_START = re.compile(FENCE + r"\{solution-start\}")
SOLUTION_END = re.compile(FENCE + r"\{solution-end\}")
# What must never reach a student: solution and hidden-test markers, the website's
# solution blocks.
LEAK_MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "{solution-start}",
    "{solution-end}",
    "{solution}",
)


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def chapters(names: list[str] | None = None) -> list[Path]:
    """Chapter notebooks in ``book/``, optionally only those named (stem or file name)."""
    found = sorted((ROOT / "book").glob("*.ipynb"))
    if not names:
        return found
    wanted = {Path(n).stem for n in names}
    unknown = wanted - {p.stem for p in found}
    if unknown:
        raise SystemExit(f"no chapter notebook named {sorted(unknown)} in book/")
    return [p for p in found if p.stem in wanted]


def drop_site_only_cells(nb: dict) -> dict:
    """Remove the solution markers and the explanation cells between them.

    Kept between the markers: cells with nbgrader metadata (code solutions and the
    manually graded answers of discussion exercises), which nbgrader itself turns into
    stubs.

    Raises:
        ValueError: if the markers are unbalanced, or a solution block holds a cell
            nbgrader would not clear (a leak).
    """
    cells, inside = [], False
    for cell in nb["cells"]:
        src = source(cell)
        if cell["cell_type"] == "markdown" and SOLUTION_START.match(src):
            if inside:
                raise ValueError("a {solution-start} marker follows another without {solution-end}")
            inside = True
            continue
        if cell["cell_type"] == "markdown" and SOLUTION_END.match(src):
            if not inside:
                raise ValueError("a {solution-end} marker has no {solution-start}")
            inside = False
            continue
        if inside and not nbgrader_meta(cell).get("solution"):
            if cell["cell_type"] == "code":
                raise ValueError(
                    f"code cell inside a solution block is not an nbgrader solution: {src[:80]!r}"
                )
            continue  # the worked explanation belongs to the solution
        cells.append(cell)
    if inside:
        raise ValueError("a {solution-start} marker has no matching {solution-end}")
    nb["cells"] = cells
    return nb


def to_source(nb: dict, page: str, book: Book | None = None) -> dict:
    """The instructor (nbgrader source) version of the book notebook ``nb``.

    Args:
        nb: the chapter notebook, as loaded from JSON (not modified).
        page: its page in the book, e.g. ``"book/05_dropout"``.
        book: the book's pages, labels and works (loaded if not given).
    """
    book = book or Book.load(ROOT)
    nb = drop_site_only_cells(copy.deepcopy(nb))
    converter = Converter(book, page)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = converter.convert(source(cell))
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def leaks(nb: dict, reference: dict | None = None) -> list[str]:
    """What of a solution or hidden test the (student) notebook ``nb`` still shows.

    Args:
        nb: a student notebook.
        reference: the book notebook it was made from; when given, no line of a
            reference solution, hidden test or model answer may appear in ``nb`` (short
            lines such as ``return x``, and lines the lesson itself shows, excepted).
    """
    text = "\n".join(source(c) for c in nb["cells"])
    found = [f"marker {m!r}" for m in LEAK_MARKERS if m in text]
    if reference is None:
        return found
    lesson = "\n".join(
        source(c)
        for c in drop_site_only_cells(copy.deepcopy(reference))["cells"]
        if not nbgrader_meta(c).get("solution") and "HIDDEN TESTS" not in source(c)
    )
    for cell in reference["cells"]:
        src = source(cell)
        for begin, end in (
            ("BEGIN SOLUTION", "END SOLUTION"),
            ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
        ):
            if begin not in src:
                continue
            body = src.split(begin, 1)[1].split(end, 1)[0].splitlines()[1:]
            for line in (ln.strip() for ln in body):
                if len(line) >= 25 and line in text and line not in lesson:
                    found.append(f"line {line!r}")
    return found


def _nbgrader(*args: str, root: Path) -> None:
    env = dict(os.environ)
    # nbgrader runs ``alembic`` from PATH when it creates the gradebook.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    subprocess.run(
        [
            str(Path(sys.executable).with_name("nbgrader")),
            *args,
            f"--CourseDirectory.root={root}",
            "--log-level=WARN",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def build(
    root: Path = COURSE, names: list[str] | None = None, students: list[str] = ()
) -> list[Path]:
    """Write ``source/``, fill the gradebook and generate ``release/``; return the releases."""
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)  # the gradebook is created inside it
    book = Book.load(ROOT)
    released = []
    for student in students:
        _nbgrader("db", "student", "add", student, root=root)
    for path in chapters(names):
        aid = path.stem
        target = root / "source" / aid / path.name
        if target.parent.exists():
            shutil.rmtree(target.parent)
        target.parent.mkdir(parents=True)
        nb = to_source(json.loads(path.read_text(encoding="utf-8")), f"book/{aid}", book)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        _nbgrader("generate_assignment", aid, "--force", root=root)
        release = root / "release" / aid / path.name
        problems = leaks(
            json.loads(release.read_text(encoding="utf-8")),
            json.loads(path.read_text(encoding="utf-8")),
        )
        if problems:
            raise RuntimeError(f"{release} leaks: {problems}")
        released.append(release)
    return released


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the nbgrader course (source, gradebook, release)."
    )
    parser.add_argument("chapters", nargs="*", help="chapter notebooks (default: all)")
    parser.add_argument(
        "--root", type=Path, default=COURSE, help="course directory (default: course/)"
    )
    parser.add_argument(
        "--students", nargs="*", default=[], help="student ids to add to the gradebook"
    )
    args = parser.parse_args(argv)
    for path in build(args.root, args.chapters, args.students):
        print(f"released {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
