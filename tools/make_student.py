"""Write student notebooks: solutions stripped by nbgrader, website markup removed.

Usage::

    python tools/make_student.py [--out _build/student] [chapter ...]

For every chapter notebook in ``book/`` this

1. lays out a throw-away nbgrader course (``source/<chapter>/<chapter>.ipynb``) and runs
   nbgrader's own ``generate_assignment --no-db`` on it: each ``### BEGIN SOLUTION`` …
   ``### END SOLUTION`` region becomes ``raise NotImplementedError()``, hidden tests are
   removed and outputs cleared (nbgrader also refuses a solution region in a cell that
   lacks its metadata, so this doubles as a check of the metadata);
2. removes what only the website needs: the ``{solution-start}``/``{solution-end}``
   markers and the explanation between them (a student must not see the answer), and
   turns each ``{exercise}`` directive into a plain heading that Jupyter renders;
3. writes the result to ``<out>/<chapter>.ipynb``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FENCE = r"^\s*(`{3,}|:{3,})"
SOLUTION_START = re.compile(FENCE + r"\{solution-start\}")
SOLUTION_END = re.compile(FENCE + r"\{solution-end\}")
EXERCISE = re.compile(FENCE + r"\{exercise\}\s*(?P<title>[^\n]*)\n(?P<body>.*?)\n\s*\1\s*$", re.S)


def exercise_to_markdown(source: str) -> str:
    """Turn a ``{exercise}`` directive cell into plain Markdown (options dropped)."""
    match = EXERCISE.match(source)
    if not match:
        return source
    lines = [ln for ln in match["body"].splitlines() if not re.match(r"^:[\w-]+:", ln)]
    title = match["title"].strip() or "Exercise"
    return f"### Exercise: {title}\n\n" + "\n".join(lines).strip() + "\n"


def strip_site_markup(nb: dict) -> dict:
    """Drop solution markers and solution prose; make exercise directives plain text."""
    cells, inside, has_code = [], False, False
    for cell in nb["cells"]:
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            if SOLUTION_START.match(src):
                inside, has_code = True, False
                continue
            if SOLUTION_END.match(src):
                inside = False
                if not has_code:  # a written answer: leave room for it
                    cells.append(
                        {
                            "cell_type": "markdown",
                            "id": f"answer-{len(cells)}",
                            "metadata": {},
                            "source": "*Your answer:*\n",
                        }
                    )
                continue
            if inside:  # the worked explanation belongs to the solution
                continue
            cell["source"] = exercise_to_markdown(src)
        elif inside:
            has_code = True
        cells.append(cell)
    if inside:
        raise ValueError("a {solution-start} marker has no matching {solution-end}")
    nb["cells"] = cells
    return nb


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


def generate(out: Path, names: list[str] | None = None) -> list[Path]:
    """Generate student notebooks into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    nbgrader = Path(sys.executable).with_name("nbgrader")
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        for path in chapters(names):
            aid = path.stem
            (course / "source" / aid).mkdir(parents=True)
            shutil.copy(path, course / "source" / aid / path.name)
            subprocess.run(
                [
                    str(nbgrader),
                    "generate_assignment",
                    aid,
                    "--no-db",
                    "--force",
                    f"--CourseDirectory.root={course}",
                    "--log-level=WARN",
                ],
                cwd=course,
                check=True,
            )
            nb = json.loads((course / "release" / aid / path.name).read_text(encoding="utf-8"))
            target = out / path.name
            target.write_text(
                json.dumps(strip_site_markup(nb), indent=1, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write student notebooks (solutions stripped).")
    parser.add_argument("chapters", nargs="*", help="chapter notebooks (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.chapters):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
