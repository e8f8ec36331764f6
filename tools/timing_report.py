"""Per-notebook execution times, recorded by the book build.

Used two ways:

* as a Sphinx extension (``_config.yml`` loads it from ``tools/``): when the build
  finishes it writes ``_build/timing.json`` and ``_build/timing.md`` from the times
  myst-nb measured while executing each notebook (kernel start included);
* as a script, ``python tools/timing_report.py _build/timing.json``, which prints the
  table (``make book`` does this at the end).

The instructors' page shows the same numbers through myst-nb's ``{nb-exec-table}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _rows(app) -> list[dict]:
    from myst_nb.sphinx_ import NbMetadataCollector

    rows = []
    for docname in sorted(app.env.found_docs):
        data = NbMetadataCollector.get_exec_data(app.env, docname)
        if not data:
            continue
        rows.append(
            {
                "notebook": f"{docname}.ipynb",
                "seconds": round(float(data["runtime"] or 0.0), 2),
                "method": data["method"],
                "succeeded": bool(data["succeeded"]),
            }
        )
    return rows


def format_table(rows: list[dict]) -> str:
    """Markdown table of the rows plus a total line."""
    lines = ["| notebook | seconds | method | succeeded |", "|---|---:|---|---|"]
    for r in rows:
        lines.append(f"| {r['notebook']} | {r['seconds']:.2f} | {r['method']} | {r['succeeded']} |")
    total = sum(r["seconds"] for r in rows)
    lines.append(f"| **total** | **{total:.2f}** | | |")
    return "\n".join(lines)


def _write(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    rows = _rows(app)
    out = Path(app.outdir).parent
    (out / "timing.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    (out / "timing.md").write_text(format_table(rows) + "\n", encoding="utf-8")


def setup(app):
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "_build/timing.json")
    if not path.exists():
        print(f"no timing report at {path}: build the book first (make book)")
        return 1
    rows = json.loads(path.read_text(encoding="utf-8"))
    print("Execution time per notebook (kernel start included):")
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
