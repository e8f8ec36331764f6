"""Keep the committed notebooks clean and in line with ``_config.yml``.

* Strips outputs, execution counts and widget state (notebooks are committed clean;
  the build executes them).
* Makes the first code cell of every chapter the Colab install cell, written from the
  repository URL in ``_config.yml`` (the one place that names the repository).

Usage::

    python tools/sync_notebooks.py            # rewrite book/*.ipynb in place
    python tools/sync_notebooks.py --check    # exit 1 and list what would change
    python tools/sync_notebooks.py --strip-only

The tests call :func:`problems` so a stale install cell or a committed output fails CI.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
INSTALL_TAG = "colab-install"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def repository_url(root: Path = ROOT) -> str:
    """The repository URL configured in ``_config.yml`` (without a trailing slash)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


SOURCE_ENV_VAR = "LESSONS_LIB_SOURCE"


def install_cell_source(url: str) -> str:
    """Source of the first cell: installs lessons_lib in Colab, does nothing elsewhere.

    ``$LESSONS_LIB_SOURCE`` replaces the repository URL (the Colab emulation in
    ``tests/test_colab.py`` points it at a local clone). When pip fails, the cell raises
    an exception that shows one sentence (what failed, what to do) instead of a
    traceback, and "Run all" stops there.
    """
    return (
        "# Colab has no copy of the course: install its helper package from the repository.\n"
        "# Elsewhere (Binder, a local checkout) lessons_lib is already installed.\n"
        "import importlib.util\n"
        "import os\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        f'REPOSITORY = os.environ.get("{SOURCE_ENV_VAR}", "git+{url}")\n'
        "\n"
        "\n"
        "class LessonsInstallError(Exception):\n"
        '    """Shown as its one-sentence message, without a traceback."""\n'
        "\n"
        "    def _render_traceback_(self):\n"
        '        return [f"LessonsInstallError: {self}"]\n'
        "\n"
        "\n"
        'if "google.colab" in sys.modules and importlib.util.find_spec("lessons_lib") is None:\n'
        '    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", REPOSITORY]\n'
        "    pip = subprocess.run(cmd, capture_output=True, text=True)\n"
        "    if pip.returncode != 0:\n"
        "        lines = [line.strip() for line in pip.stderr.splitlines() if line.strip()]\n"
        '        errors = [line for line in lines if line.startswith(("ERROR", "fatal"))]\n'
        '        reason = (errors or lines or ["no message"])[-1][:200]\n'
        "        raise LessonsInstallError(\n"
        '            f"The course\'s helper package could not be installed from {REPOSITORY} "\n'
        '            f"(pip said: {reason}); check this runtime\'s internet connection and run "\n'
        '            "this cell again, or open the lesson on Binder instead."\n'
        "        ) from None\n"
        "    importlib.invalidate_caches()"
    )


def ruff_formatted(code: str) -> str:
    """``code`` formatted as ``make lint`` checks notebooks (ruff, 88 columns)."""
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "format", "--line-length", "88", "--stdin-filename", "cell.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.rstrip("\n")


def _install_cell(url: str) -> dict:
    return {
        "cell_type": "code",
        "id": "colab-install",
        "execution_count": None,
        "metadata": {"tags": ["remove-cell", INSTALL_TAG]},
        "outputs": [],
        "source": ruff_formatted(install_cell_source(url)),
    }


def normalized(nb: dict, url: str, strip_only: bool = False) -> dict:
    """Return a clean copy of the notebook ``nb`` (a JSON dict)."""
    nb = copy.deepcopy(nb)
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    for i, cell in enumerate(nb["cells"]):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        if "id" not in cell:  # nbformat 4.5 wants ids; keep existing ones stable
            cell["id"] = hashlib.sha1(f"{i}:{cell['source']}".encode()).hexdigest()[:8]
        cell.get("metadata", {}).pop("execution", None)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb["metadata"].pop("widgets", None)
    nb["metadata"].pop("jupytext", None)
    if strip_only:
        return nb
    nb["metadata"]["kernelspec"] = dict(KERNELSPEC)
    cells = [c for c in nb["cells"] if INSTALL_TAG not in c.get("metadata", {}).get("tags", [])]
    # The install cell goes right after the title cell, before any other code.
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), len(cells))
    cells.insert(first_code, _install_cell(url))
    nb["cells"] = cells
    return nb


def notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks under ``book/``."""
    return sorted(p for p in (root / "book").glob("*.ipynb"))


def dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def problems(root: Path = ROOT) -> list[str]:
    """Notebooks that are not clean or whose install cell disagrees with ``_config.yml``."""
    url = repository_url(root)
    bad = []
    for path in notebooks(root):
        text = path.read_text(encoding="utf-8")
        if dump(normalized(json.loads(text), url)) != text:
            bad.append(str(path.relative_to(root)))
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, do not write")
    parser.add_argument("--strip-only", action="store_true", help="only remove outputs")
    args = parser.parse_args(argv)
    if args.check:
        bad = problems()
        for name in bad:
            print(f"{name}: not clean or install cell out of date (run `make sync`)")
        return 1 if bad else 0
    url = repository_url()
    for path in notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        new = dump(normalized(nb, url, strip_only=args.strip_only))
        if new != path.read_text(encoding="utf-8"):
            path.write_text(new, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
