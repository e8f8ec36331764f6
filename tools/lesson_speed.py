"""How long each lesson takes against the floor: a fresh kernel that runs only the setup.

A learner pays for a kernel start and the setup imports before any lesson can begin;
that cost (the *floor*) is measured with a notebook holding chapter 2's install and
setup cells. Each chapter runs in a fresh kernel, interleaved with a floor run, so that
a machine that slows down during the measurement slows both. The report gives each
chapter's seconds, its ratio to the median floor, the median and largest ratios, the
total, and for the slowest chapters their slowest cells.

Usage::

    python tools/lesson_speed.py [--chapters 01 05] [--repeat 1] [--cells 3]

Results go to ``_build/lesson_speed.md`` and ``_build/lesson_speed.json``. Timings are
reports, never assertions: run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

FLOOR_CHAPTER = "02_tiny_network"


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, in order."""
    return sorted((root / "book").glob("[0-9][0-9]_*.ipynb"))


def floor_notebook(root: Path = ROOT) -> nbformat.NotebookNode:
    """Chapter 2's cells up to and including its setup cell (the first ``seed_everything``)."""
    nb = nbformat.read(root / "book" / f"{FLOOR_CHAPTER}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code" and "seed_everything(" in "".join(cell.source):
            break
    nb.cells = cells
    return nb


def _seconds(cell: nbformat.NotebookNode) -> float:
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def execute(nb: nbformat.NotebookNode, cwd: Path) -> tuple[float, list[tuple[int, float, str]]]:
    """Wall seconds to run ``nb`` in a fresh kernel (start included) and per-cell seconds."""
    import nbclient
    from kernels import IpcKernelManager

    env = dict(os.environ, LESSONS_LIB_WIDGETS="static", PYDEVD_DISABLE_FILE_VALIDATION="1")
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        kernel_manager_class=IpcKernelManager,
        record_timing=True,
    )
    start = time.perf_counter()
    client.execute(env=env)
    total = time.perf_counter() - start
    cells = [
        (i, _seconds(c), "".join(c.source).strip().splitlines()[0][:60] if c.source else "")
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
    ]
    return total, cells


def measure(paths: list[Path], repeat: int = 1) -> dict:
    """Chapters and floors, interleaved; ``repeat`` rounds."""
    floors: list[float] = []
    runs: dict[str, list[float]] = {p.stem: [] for p in paths}
    cells: dict[str, list[tuple[int, float, str]]] = {}
    for _ in range(repeat):
        for path in paths:
            floor, _cells = execute(floor_notebook(), ROOT / "book")
            floors.append(floor)
            seconds, per_cell = execute(nbformat.read(path, as_version=4), path.parent)
            runs[path.stem].append(seconds)
            cells[path.stem] = per_cell
            print(f"{path.stem}: {seconds:.2f} s (floor {floor:.2f} s)", file=sys.stderr)
    return {"floors": floors, "runs": runs, "cells": cells}


def report(result: dict, slowest: int = 3, cells: int = 5) -> str:
    """Markdown report of a :func:`measure` result."""
    floor = statistics.median(result["floors"])
    seconds = {k: statistics.median(v) for k, v in result["runs"].items()}
    ratios = {k: v / floor for k, v in seconds.items()}
    lines = [
        f"Floor (fresh kernel, chapter 2's setup cells): median {floor:.2f} s over "
        f"{len(result['floors'])} runs.",
        "",
        "| chapter | seconds | × floor |",
        "|---|---:|---:|",
    ]
    lines += [f"| {k} | {seconds[k]:.2f} | {ratios[k]:.2f} |" for k in seconds]
    lines += [
        "",
        f"Total {sum(seconds.values()):.1f} s; median ratio "
        f"{statistics.median(ratios.values()):.2f}×; largest {max(ratios.values()):.2f}× "
        f"({max(ratios, key=ratios.__getitem__)}).",
    ]
    for name in sorted(seconds, key=seconds.__getitem__, reverse=True)[:slowest]:
        top = sorted(result["cells"][name], key=lambda c: c[1], reverse=True)[:cells]
        lines += [
            "",
            f"Slowest cells of {name}:",
            "",
            "| cell | s | first line |",
            "|---:|---:|---|",
        ]
        lines += [f"| {i} | {s:.2f} | `{first}` |" for i, s, first in top]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", default=[], help="numbers or names")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cells", type=int, default=5, help="slowest cells listed")
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    args = parser.parse_args(argv)
    paths = [
        p
        for p in chapters()
        if not args.chapters or any(p.stem.startswith(c) for c in args.chapters)
    ]
    if not paths:
        parser.error(f"no chapter matches --chapters {args.chapters}")
    result = measure(paths, args.repeat)
    text = report(result, cells=args.cells)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lesson_speed.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "lesson_speed.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
