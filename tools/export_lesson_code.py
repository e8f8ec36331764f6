"""Export the chapters' code cells as Python files, so line-based tools see the lessons.

The lessons' code lives in the code cells of ``book/NN_name.md``, which tools that read
source files by their ending (``duplicates``, linters, ``grep -n``) pass over. This
writes one ``NN_name.py`` per chapter into ``--out`` (default ``_build/lesson_code``),
each cell headed by a ``# cell N`` comment; with ``--library`` the package
``lessons_lib`` is copied beside them, so a duplicate search covers lessons and library
together:

    python tools/export_lesson_code.py --library && duplicates --repo _build/lesson_code

(``make duplicates`` does both). The cells are exported as they are: hidden cells,
exercises and solutions included, since a copied block is a copied block wherever it is;
only the Colab install cell, which ``sync_notebooks.py`` writes into every chapter, is
left out.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from sync_notebooks import INSTALL_TAG, ROOT, read_source, sources

DEFAULT_OUT = ROOT / "_build" / "lesson_code"


def lesson_code(path: Path) -> str:
    """The code cells of the chapter source ``path``, as one Python file."""
    nb = read_source(path)
    parts = [f"# {path.name}: the chapter's code cells, exported for line-based tools\n"]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or INSTALL_TAG in cell.metadata.get("tags", []):
            continue  # the Colab install cell is generated, the same in every chapter
        lines = [
            line if not line.lstrip().startswith(("%", "!")) else f"# {line}"
            for line in cell.source.splitlines()
        ]
        parts.append(f"# cell {i}\n" + "\n".join(lines) + "\n")
    return "\n\n".join(parts)


def export(out: Path = DEFAULT_OUT, library: bool = False, root: Path = ROOT) -> list[Path]:
    """Write one ``.py`` per chapter into ``out`` (emptied first); return the files."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = []
    for path in sources(root):
        target = out / f"{path.stem}.py"
        target.write_text(lesson_code(path), encoding="utf-8")
        written.append(target)
    if library:
        shutil.copytree(
            root / "lessons_lib",
            out / "lessons_lib",
            ignore=shutil.ignore_patterns("__pycache__", "*.npz"),
        )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write")
    parser.add_argument("--library", action="store_true", help="copy lessons_lib beside")
    args = parser.parse_args(argv)
    written = export(args.out, args.library)
    print(f"{len(written)} chapters exported to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
