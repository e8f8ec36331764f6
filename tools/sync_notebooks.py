"""Keep the chapters' two forms in step: the MyST Markdown source and its notebook.

Each chapter is written as a MyST Markdown notebook, ``book/NN_name.md`` (jupytext's
``md:myst`` format): prose is prose, code is code, and a one-line change is a one-line
diff. Its notebook, ``book/NN_name.ipynb``, is generated from it and committed, because
Colab, Binder, nbgrader and nbval open ``.ipynb`` files. ``make sync``

* reads each ``.md``, formats its code cells with ruff (88 columns), makes its first code
  cell the Colab install cell written from the repository URL in ``_config.yml`` (the one
  place that names the repository), and writes the ``.md`` back in canonical form;
* writes the ``.ipynb`` from it: no outputs, no execution counts, no cell ids (nbformat
  4.4, so that nothing in the file changes unless a cell does), source as a list of
  lines (nbformat's standard layout, so that its diff is line by line too).

A notebook edited in Jupyter without jupytext (Colab, a plain JupyterLab) is brought back
with ``--from-ipynb``; ``make sync`` refuses to overwrite a notebook whose cells were
edited after its ``.md``.

Usage::

    python tools/sync_notebooks.py              # .md -> canonical .md and .ipynb
    python tools/sync_notebooks.py --check      # exit 1 and list what would change
    python tools/sync_notebooks.py --from-ipynb book/05_dropout.ipynb  # .ipynb -> .md
    python tools/sync_notebooks.py --strip-only # only remove outputs from the .ipynb

The tests call :func:`problems`, so a stale notebook, an unformatted source, a committed
output or an install cell that disagrees with ``_config.yml`` fails CI.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
INSTALL_TAG = "colab-install"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
FORMATS = "ipynb,md:myst"
CHAPTER_GLOB = "[0-9][0-9]_*.md"


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


def _ruff() -> str:
    ruff = Path(sys.executable).with_name("ruff")
    return str(ruff) if ruff.exists() else "ruff"


def ruff_formatted(code: str) -> str:
    """``code`` formatted as ``make lint`` checks notebooks (ruff, 88 columns)."""
    result = subprocess.run(
        [_ruff(), "format", "--line-length", "88", "--stdin-filename", "cell.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.rstrip("\n")


def _install_cell(url: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(
        ruff_formatted(install_cell_source(url)),
        metadata={"tags": ["remove-cell", INSTALL_TAG]},
    )


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _format_code(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Every code cell formatted by ruff, as ``ruff format book`` would (one call)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chapter.ipynb"
        path.write_text(nbformat.writes(nb), encoding="utf-8")
        result = subprocess.run(
            [_ruff(), "format", "--quiet", "--line-length", "88", str(path)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SyntaxError(f"ruff could not format a code cell: {result.stderr.strip()}")
        formatted = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    for cell, new in zip(nb.cells, formatted.cells, strict=True):
        if cell.cell_type == "code":
            cell.source = new.source
    return nb


def normalized(nb: dict, url: str, strip_only: bool = False) -> nbformat.NotebookNode:
    """A clean copy of the notebook ``nb``: the content both files are written from.

    Outputs, execution counts, cell ids and widget state are removed. Unless
    ``strip_only``, the kernelspec and the pairing are set, the install cell is rewritten
    from ``url`` and placed before any other code, and code cells are formatted.
    """
    nb = nbformat.from_dict(copy.deepcopy(dict(nb)))
    nb.nbformat, nb.nbformat_minor = 4, 4
    for cell in nb.cells:
        if isinstance(cell.get("source"), list):
            cell.source = "".join(cell.source)
        cell.pop("id", None)
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    for key in ("widgets", "language_info"):
        nb.metadata.pop(key, None)
    if strip_only:
        return nb
    nb.metadata = nbformat.from_dict(
        {"jupytext": {"formats": FORMATS}, "kernelspec": dict(KERNELSPEC)}
    )
    cells = [c for c in nb.cells if INSTALL_TAG not in _tags(c)]
    # The install cell goes right after the title cell, before any other code.
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    cells.insert(first_code, _install_cell(url))
    nb.cells = cells
    nb = _format_code(nb)
    # What the Markdown form can hold is the canonical content (for example, it keeps
    # no trailing newline at the end of a cell).
    return _from_markdown(_to_markdown(nb))


def _to_markdown(nb: nbformat.NotebookNode) -> str:
    return jupytext.writes(nb, fmt="md:myst")


def _from_markdown(text: str) -> nbformat.NotebookNode:
    nb = jupytext.reads(text, fmt="md:myst")
    nb.nbformat, nb.nbformat_minor = 4, 4
    for cell in nb.cells:
        cell.pop("id", None)
    jt = nb.metadata.get("jupytext", {})
    nb.metadata = nbformat.from_dict(
        {"jupytext": {"formats": jt.get("formats", FORMATS)}, "kernelspec": dict(KERNELSPEC)}
    )
    return nb


def render(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """The text of the ``.md`` and of the ``.ipynb`` for the normalized notebook ``nb``."""
    md = _to_markdown(nb)
    ipynb = nbformat.writes(nb, version=4)  # nbformat's layout: source as a list of lines
    return md, ipynb + "\n"


def sources(root: Path = ROOT) -> list[Path]:
    """The chapters' MyST Markdown sources, ``book/NN_name.md``."""
    return sorted((root / "book").glob(CHAPTER_GLOB))


def notebooks(root: Path = ROOT) -> list[Path]:
    """The chapters' generated notebooks, ``book/NN_name.ipynb`` (one per source)."""
    return [p.with_suffix(".ipynb") for p in sources(root)]


def read_source(path: Path) -> nbformat.NotebookNode:
    """The chapter notebook that the Markdown file ``path`` holds."""
    return _from_markdown(path.read_text(encoding="utf-8"))


def expected(path: Path, url: str) -> tuple[str, str]:
    """What the ``.md`` at ``path`` and its ``.ipynb`` should contain."""
    return render(normalized(read_source(path), url))


def _cells(text: str) -> list[tuple[str, str]]:
    nb = nbformat.reads(text, as_version=4)
    return [(c.cell_type, "".join(c.source)) for c in nb.cells]


def problems(root: Path = ROOT) -> list[str]:
    """Chapters whose ``.md`` is not canonical or whose ``.ipynb`` is not generated from it.

    Also lists a ``.ipynb`` in ``book/`` without a ``.md`` source.
    """
    url = repository_url(root)
    bad = []
    for path in sources(root):
        md, ipynb = expected(path, url)
        ipynb_path = path.with_suffix(".ipynb")
        rel = str(path.relative_to(root))
        if path.read_text(encoding="utf-8") != md:
            bad.append(rel)
        elif not ipynb_path.exists() or ipynb_path.read_text(encoding="utf-8") != ipynb:
            bad.append(str(ipynb_path.relative_to(root)))
    known = set(notebooks(root))
    bad += [
        str(p.relative_to(root)) for p in sorted((root / "book").glob("*.ipynb")) if p not in known
    ]
    return bad


def _edited_after_source(md_path: Path, new_ipynb: str) -> bool:
    """True when the notebook's cells differ from the source's and the notebook is newer."""
    nb_path = md_path.with_suffix(".ipynb")
    if not nb_path.exists():
        return False
    old = nb_path.read_text(encoding="utf-8")
    try:
        changed = _cells(old) != _cells(new_ipynb)
    except Exception:  # an unreadable notebook is regenerated
        return False
    return changed and os.path.getmtime(nb_path) > os.path.getmtime(md_path)


def from_ipynb(nb_path: Path, url: str) -> None:
    """Write the ``.md`` (and a clean ``.ipynb``) from a notebook edited in Jupyter."""
    nb = nbformat.reads(nb_path.read_text(encoding="utf-8"), as_version=4)
    md, ipynb = render(normalized(nb, url))
    nb_path.with_suffix(".md").write_text(md, encoding="utf-8")
    nb_path.write_text(ipynb, encoding="utf-8")


def _write(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    print(f"updated {path.relative_to(ROOT)}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, do not write")
    parser.add_argument("--strip-only", action="store_true", help="only remove outputs")
    parser.add_argument(
        "--from-ipynb",
        nargs="+",
        type=Path,
        metavar="NOTEBOOK",
        help="take these notebooks' cells as the source (after editing them in Jupyter)",
    )
    args = parser.parse_args(argv)
    if args.check:
        bad = problems()
        for name in bad:
            print(f"{name}: out of step with its .md source (run `make sync`)")
        return 1 if bad else 0
    url = repository_url()
    if args.from_ipynb:
        for nb_path in args.from_ipynb:
            from_ipynb(nb_path.resolve(), url)
            print(f"updated {nb_path.with_suffix('.md')} from {nb_path}")
        return 0
    if args.strip_only:
        for nb_path in notebooks():
            if nb_path.exists():
                nb = nbformat.reads(nb_path.read_text(encoding="utf-8"), as_version=4)
                text = nbformat.writes(normalized(nb, url, strip_only=True), version=4) + "\n"
                _write(nb_path, text)
        return 0
    refused = []
    for path in sources():
        md, ipynb = expected(path, url)
        if _edited_after_source(path, ipynb):
            refused.append(path.with_suffix(".ipynb"))
            continue
        _write(path, md)
        _write(path.with_suffix(".ipynb"), ipynb)
    for nb_path in refused:
        rel = nb_path.relative_to(ROOT)
        print(
            f"{rel} was edited after {rel.with_suffix('.md')}: not overwritten. Keep its "
            f"edits with `python tools/sync_notebooks.py --from-ipynb {rel}`, or discard "
            f"them with `git checkout {rel}` and run `make sync` again.",
            file=sys.stderr,
        )
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
