"""Run every chapter under many base seeds and count how many runs held every claim.

Each lesson asserts its claims in hidden cells, so a run that executes to the end is a
run in which every claim held. This tool executes the chapters in fresh kernels, one
per (chapter, base seed), with ``LESSONS_SEED`` set, and prints per chapter how many
runs held every assert, and for a failed run the cell and the first line of its error.

Usage::

    python tools/robustness.py --fresh 20 [--chapters 05 08] [--jobs 2]
    python tools/robustness.py --seeds 48213 90117 [--chapters 05]   # replay a failure
    make robustness [RUNS=20] [CHAPTERS="05 08"]    # fresh random base seeds every time
    make robustness SEEDS="48213 90117"             # replay

``--fresh N`` draws N new base seeds at random on every run and prints them first, so
no fixed list of seeds can be tuned to, and any failure can be replayed with ``--seeds``.

The table is also written to ``_build/robustness.md`` and ``_build/robustness.json``.
It is a tool for authors (a claim that fails for some seed should be weakened, never
tuned); CI runs the notebooks under one second seed only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from lessons_lib.seeding import MAX_BASE_SEED

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


@dataclass
class Run:
    """Outcome of one chapter executed under one base seed."""

    chapter: str
    seed: int
    passed: bool
    seconds: float
    failure: str = ""


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, in order."""
    return sorted((root / "book").glob("[0-9][0-9]_*.ipynb"))


def fresh_seeds(n: int) -> list[int]:
    """``n`` distinct base seeds drawn from the operating system's randomness.

    They lie in [1000, MAX_BASE_SEED], away from the small seeds the build (0) and CI
    (1) use; larger base seeds would give repetition seeds of 2**32 or more.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return random.SystemRandom().sample(range(1000, MAX_BASE_SEED + 1), n)


def _first_error_line(err: Exception) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).strip().splitlines()
    # nbclient's CellExecutionError ends with the exception name and message.
    tail = [ln for ln in text if ln and not ln.startswith(("-", " "))]
    return (tail[-1] if tail else type(err).__name__)[:200]


def run_one(path: Path, seed: int, timeout: int = 600) -> Run:
    """Execute ``path`` in a fresh kernel with ``LESSONS_SEED=seed``."""
    import nbclient
    import nbformat
    from kernels import IpcKernelManager

    nb = nbformat.read(path, as_version=4)
    env = dict(
        os.environ,
        LESSONS_SEED=str(seed),
        LESSONS_LIB_WIDGETS="static",
        OMP_NUM_THREADS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    client = nbclient.NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        kernel_manager_class=IpcKernelManager,
    )
    start = time.perf_counter()
    failure = ""
    try:
        client.execute(env=env)
    except Exception as err:  # noqa: BLE001 - any failure is a failed run
        cell = next(
            (
                i
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code"
                and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        failure = f"cell {cell}: {_first_error_line(err)}"
    return Run(path.stem, seed, not failure, round(time.perf_counter() - start, 1), failure)


def table(runs: list[Run]) -> str:
    """Markdown table: per chapter, runs that held every assert, and the failures."""
    lines = [
        "| chapter | runs holding every assert | median s | failures |",
        "|---|---|---|---|",
    ]
    for chapter in sorted({r.chapter for r in runs}):
        mine = sorted((r for r in runs if r.chapter == chapter), key=lambda r: r.seed)
        ok = sum(r.passed for r in mine)
        secs = sorted(r.seconds for r in mine)
        median = secs[len(secs) // 2]
        fails = "; ".join(f"seed {r.seed}: {r.failure}" for r in mine if not r.passed)
        lines.append(f"| {chapter} | {ok}/{len(mine)} | {median:.1f} | {fails or '-'} |")
    return "\n".join(lines)


def selected(path: Path, wanted: list[str]) -> bool:
    """Whether ``path`` is one of the chapters named in ``wanted``.

    Args:
        path: A chapter's source file, such as ``book/01_why_regularize.md``.
        wanted: Chapter numbers (``1`` or ``01``) or the start of a chapter's name.

    Returns:
        True if a number equals the chapter's number or a name starts its stem.
    """
    number = path.stem.split("_", 1)[0]
    return any(
        (w.isdigit() and int(w) == int(number)) or (not w.isdigit() and path.stem.startswith(w))
        for w in wanted
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns 1 if any run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--seeds", type=int, nargs="+", help="these base seeds (a replay)")
    group.add_argument("--fresh", type=int, metavar="N", help="N base seeds drawn at random")
    parser.add_argument(
        "--chapters", nargs="*", default=[], help="chapter numbers or names (default: all)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    args = parser.parse_args(argv)
    paths = [p for p in chapters() if not args.chapters or selected(p, args.chapters)]
    if not paths:
        parser.error(f"no chapter matches --chapters {args.chapters}")
    base_seeds = args.seeds or fresh_seeds(args.fresh)
    print(f"base seeds: {' '.join(map(str, base_seeds))}", file=sys.stderr, flush=True)
    jobs = [(p, s) for s in base_seeds for p in paths]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = list(pool.map(lambda job: run_one(*job), jobs))
    for r in runs:
        status = "ok" if r.passed else f"FAILED {r.failure}"
        print(f"{r.chapter} seed {r.seed}: {r.seconds:.1f} s {status}", file=sys.stderr)
    report = table(runs)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "robustness.md").write_text(report + "\n", encoding="utf-8")
    (args.out / "robustness.json").write_text(
        json.dumps([asdict(r) for r in runs], indent=1), encoding="utf-8"
    )
    return 0 if all(r.passed for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
