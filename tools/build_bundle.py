"""The offline bundle: the course for a classroom with no reliable network.

``python tools/build_bundle.py`` (``make bundle``, after ``make book``) writes
``_build/html/downloads/regularization-course-offline.zip``, which holds

- ``site/``: the built website, patched to work opened from a folder (``file://``):
  the Mermaid map loads mermaid's classic build instead of an ES module (browsers block
  modules from files), and search lists matching pages without fetching their text
  (browsers block that too); ``python serve.py`` serves the folder with one command;
- ``lessons/``: the chapters as notebooks, as the Colab and Binder buttons open them;
- ``student/``: the student notebooks (what nbgrader releases: no solutions);
- ``wheels/``: the course package ``lessons_lib`` as a wheel;
- ``requirements.txt``: the exact versions a lesson needs; ``python fetch_wheels.py``
  downloads their wheels into ``wheels/`` once, on a machine with a network and the same
  operating system and Python as the classroom's, and then every classroom machine runs
  ``pip install --no-index --find-links wheels -r requirements.txt`` with no network;
- ``README.txt``: those steps.

Dependency wheels are not shipped in the zip: they differ per operating system and
Python version (a Linux wheel of torch does not install on Windows) and weigh about
300 MB; ``--with-wheels`` adds the ones for this machine (the tests do that).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
OUT = HTML / "downloads" / "regularization-course-offline.zip"
STUDENT = ROOT / "_build" / "student"  # make student's output (tests/test_student.py too)
MERMAID_UMD = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
# What a lesson imports (the book, test and lint tools stay out of a classroom).
LESSON_PACKAGES = [
    "torch",
    "numpy",
    "matplotlib",
    "scikit-learn",
    "ipywidgets",
    "ipykernel",
    "jupyterlab",
]
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

README = """Regularization in Neural Networks: the offline bundle
=====================================================

site/            the website. Open site/index.html in a browser, or serve it:
                     python serve.py          (then open http://127.0.0.1:8000)
lessons/         the chapters as notebooks, to run and read (solutions folded in)
student/         the same chapters as an instructor hands them out (no solutions)
wheels/          the course's helper package (lessons_lib) and, once fetched, the rest
requirements.txt the exact versions the lessons need (Python 3.11 or newer)

Once, on a machine WITH a network and the same operating system and Python version as
the classroom machines:
    python fetch_wheels.py          (downloads about 300 MB of wheels into wheels/)

Then on every classroom machine, with no network:
    python -m venv .venv
    .venv/bin/python -m pip install --no-index --find-links wheels -r requirements.txt
        (on Windows: .venv\\Scripts\\python -m pip ...)
    .venv/bin/jupyter lab lessons

The lessons download nothing: their data is generated or ships inside lessons_lib.
"""

FETCH = """\"\"\"Download the wheels of requirements.txt into wheels/ (needs a network, once).\"\"\"
import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
subprocess.run([sys.executable, "-m", "pip", "download", "--dest", str(here / "wheels"),
                "--find-links", str(here / "wheels"), "--extra-index-url", "{index}",
                "-r", str(here / "requirements.txt")], check=True)
print("wheels ready in", here / "wheels")
"""

SERVE = """\"\"\"Serve the website in site/ on http://127.0.0.1:8000 (Ctrl-C stops it).\"\"\"
import functools
import http.server
from pathlib import Path

site = Path(__file__).resolve().parent / "site"
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
print("open http://127.0.0.1:8000 (Ctrl-C to stop)")
http.server.ThreadingHTTPServer(("127.0.0.1", 8000), handler).serve_forever()
"""

MODULE_SCRIPT = re.compile(
    r'<script type="module">import mermaid from '
    r'"((?:\./|(?:\.\./)*))_static/mermaid/mermaid\.esm\.min\.mjs";(.*?)</script>',
    re.S,
)


def pinned_requirements(root: Path = ROOT) -> list[str]:
    """``name==version`` for each lesson package, read from requirements.txt's pins."""
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s#;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    missing = [name for name in LESSON_PACKAGES if name not in pins]
    if missing:
        raise ValueError(f"requirements.txt pins no version for {missing}")
    return [f"{name}=={pins[name]}" for name in LESSON_PACKAGES] + ["lessons_lib"]


def patch_site(site: Path) -> None:
    """Make a copy of the built site work from a folder (``file://``)."""
    shutil.copy(MERMAID_UMD, site / "_static" / "mermaid" / "mermaid.min.js")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        # The module ran after the page was parsed; the classic script waits for that.
        patched = MODULE_SCRIPT.sub(
            lambda m: (
                f'<script src="{m.group(1)}_static/mermaid/mermaid.min.js"></script>\n'
                f'<script>document.addEventListener("DOMContentLoaded", () => {{{m.group(2)}}});'
                "</script>"
            ),
            text,
        )
        if patched != text:
            page.write_text(patched, encoding="utf-8")
    options = site / "_static" / "documentation_options.js"
    text = options.read_text(encoding="utf-8")
    options.write_text(
        re.sub(r"SHOW_SEARCH_SUMMARY:\s*true", "SHOW_SEARCH_SUMMARY: false", text), encoding="utf-8"
    )


def current(student: Path, root: Path = ROOT) -> bool:
    """Whether ``student`` holds every chapter's student notebook, newer than its sources."""
    chapters = sorted((root / "book").glob("[0-9][0-9]_*.ipynb"))
    made = [student / p.name for p in chapters]
    if not chapters or not all(p.exists() for p in made):
        return False
    sources = [*chapters, *(root / "tools").glob("course*.py"), root / "tools" / "make_student.py"]
    return min(p.stat().st_mtime for p in made) > max(p.stat().st_mtime for p in sources)


def build_wheel(dest: Path) -> Path:
    """``lessons_lib``'s wheel, built from a copy of the work tree."""
    sys.path.insert(0, str(ROOT / "tests"))
    from launch_envs import build_dists

    _, wheel = build_dists(dest)
    for extra in dest.glob("*.tar.gz"):
        extra.unlink()
    return wheel


def build(html: Path = HTML, out: Path = OUT, with_wheels: bool = False) -> Path:
    """Assemble the bundle folder and zip it to ``out``."""
    sys.path.insert(0, str(ROOT / "tools"))
    from make_student import generate

    if not (html / "index.html").exists():
        raise FileNotFoundError(f"{html} holds no built site: run `make book` first")
    with tempfile.TemporaryDirectory(prefix="offline-") as tmp:
        top = Path(tmp) / "regularization-course"
        shutil.copytree(
            html, top / "site", ignore=shutil.ignore_patterns("downloads", ".buildinfo")
        )
        patch_site(top / "site")
        (top / "lessons").mkdir()
        for notebook in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
            shutil.copy(notebook, top / "lessons" / notebook.name)
        if current(STUDENT):
            shutil.copytree(STUDENT, top / "student")
        else:
            generate(top / "student")
        build_wheel(top / "wheels")
        (top / "requirements.txt").write_text(
            "\n".join(pinned_requirements()) + "\n", encoding="utf-8"
        )
        (top / "README.txt").write_text(README, encoding="utf-8")
        (top / "fetch_wheels.py").write_text(
            FETCH.replace("{index}", TORCH_CPU_INDEX), encoding="utf-8"
        )
        (top / "serve.py").write_text(SERVE, encoding="utf-8")
        if with_wheels:
            subprocess.run(
                [sys.executable, str(top / "fetch_wheels.py")], check=True, capture_output=True
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(top.rglob("*")):
                archive.write(path, path.relative_to(top.parent))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=HTML, help="the built site")
    parser.add_argument("--out", type=Path, default=None, help="the zip (default: in the site)")
    parser.add_argument(
        "--with-wheels",
        action="store_true",
        help="also download this machine's dependency wheels into the zip",
    )
    args = parser.parse_args(argv)
    out = build(args.html, args.out or args.html / "downloads" / OUT.name, args.with_wheels)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
