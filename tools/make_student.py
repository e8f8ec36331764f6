"""Write the student notebooks: the release of the nbgrader course, copied out.

Usage::

    python tools/make_student.py [--out _build/student] [chapter ...]

The student version of a chapter is what nbgrader releases from the course that
:mod:`course_build` builds (in a throw-away course directory here): solutions replaced by
stubs, hidden tests removed, the website's solution blocks dropped, MyST turned into
plain Markdown. ``make student`` and ``make course`` therefore hand out the same files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import course_build as course

ROOT = course.ROOT


def generate(out: Path, names: list[str] | None = None) -> list[Path]:
    """Generate student notebooks into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for release in course.build(Path(tmp), names):
            target = out / release.name
            shutil.copy(release, target)
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
