"""Tabulate the bytes each page of the site transferred in the browser tests.

``tests/test_browser.py`` writes one ``_build/page_weight/<page>.json`` per page (the
sum of response bodies and headers, served gzip-compressed as a static host would).
This script writes ``_build/page_weight.md`` and prints it (``make site`` runs it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def table(directory: Path) -> str:
    rows = sorted(
        (json.loads(p.read_text(encoding="utf-8")) for p in directory.glob("*.json")),
        key=lambda r: r["page"],
    )
    lines = ["| page | bytes transferred |", "|---|---:|"]
    lines += [f"| {r['page']} | {r['bytes']:,} |" for r in rows]
    lines.append(f"| **whole site** | **{sum(r['bytes'] for r in rows):,}** |")
    return "\n".join(lines) + "\n"


def main() -> int:
    directory = ROOT / "_build" / "page_weight"
    if not directory.is_dir():
        print("no page weights yet: run the browser tests (make site)")
        return 1
    text = table(directory)
    (ROOT / "_build" / "page_weight.md").write_text(text, encoding="utf-8")
    print("Bytes transferred per page (gzip, as served by a static host):")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
