"""Copy the browser assets the website needs from ``node_modules`` into the build.

The site serves MathJax, Mermaid and the ipywidgets embed manager (with its RequireJS
loader) itself, so pages render with no network beyond the page's own host. The
packages are pinned in ``package.json``/``package-lock.json`` and installed from the
npm registry by ``make assets``; nothing from them is committed. This script copies
the parts the pages load into ``_build/site_assets/``, which ``_config.yml`` adds to
Sphinx's ``html_static_path`` (so they land in ``_build/html/_static/``).

Usage: ``python tools/vendor_assets.py`` (``make book`` runs it).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
OUT = ROOT / "_build" / "site_assets"

#: (source under node_modules, destination under _static)
ASSETS = [
    ("mathjax/es5", "mathjax"),
    ("mermaid/dist/mermaid.esm.min.mjs", "mermaid/mermaid.esm.min.mjs"),
    ("mermaid/dist/chunks/mermaid.esm.min", "mermaid/chunks/mermaid.esm.min"),
    ("requirejs/require.js", "widgets/require.js"),
    ("@jupyter-widgets/html-manager/dist", "widgets/html-manager"),
]


def copy_assets(node: Path = NODE, out: Path = OUT) -> list[Path]:
    """Copy every asset; return the destination paths."""
    missing = [src for src, _ in ASSETS if not (node / src).exists()]
    if missing:
        raise SystemExit(f"missing in {node}: {missing}. Run `make assets` (npm ci) first.")
    if out.exists():
        shutil.rmtree(out)
    written = []
    for src, dst in ASSETS:
        target = out / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if (node / src).is_dir():
            shutil.copytree(node / src, target)
        else:
            shutil.copy2(node / src, target)
        written.append(target)
    return written


def main() -> int:
    for path in copy_assets():
        print(f"vendored {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
