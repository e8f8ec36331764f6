"""Paths and readers shared by the repository-level tests (notebooks, student, site)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
HTML = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "tools"))


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_files() -> list[str]:
    """Every document of ``_toc.yml`` (root first), as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def chapter_notebooks() -> list[Path]:
    return sorted(BOOK.glob("*.ipynb"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


FENCE = r"^\s*(`{3,}|:{3,})"
EXERCISE_LABEL = re.compile(FENCE + r"\{exercise\}[^\n]*\n:label:\s*(\S+)", re.M)
SOLUTION_START = re.compile(FENCE + r"\{solution-start\}\s*(\S+)")
SOLUTION_END = re.compile(FENCE + r"\{solution-end\}")
