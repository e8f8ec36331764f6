"""Colab, emulated: every chapter runs from its own install cell on Colab's libraries.

The runtime is a venv with the versions in ``tests/colab/requirements.txt`` (Colab's, not
the course's pins) and a stand-in ``google.colab`` imported at kernel start. lessons_lib
is not installed: each chapter's first cell installs it with pip from a git URL of a
clone of the work tree, given through ``$LESSONS_LIB_SOURCE`` (the one override; the
notebook is not changed). Widgets are live (``$LESSONS_LIB_WIDGETS`` unset).

Colab gives every notebook a fresh machine; here every chapter gets a fresh runtime: a
small venv of its own that sees the emulated runtime's packages through a ``.pth`` file,
so pip installs lessons_lib into that chapter's own site-packages and no chapter sees
another's install. Two chapters run at a time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import launch_envs
import pytest
from course_repo import ROOT, chapter_notebooks, source
from packaging.requirements import Requirement

pytestmark = pytest.mark.launch

COLAB = Path(__file__).parent / "colab"
REQUIREMENTS = COLAB / "requirements.txt"
CHAPTERS = chapter_notebooks()
KERNEL_ARGV = ["--IPKernelApp.exec_lines=import google.colab"]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PROBE = """
import json, sys, importlib.metadata as md
import google.colab, lessons_lib
print(json.dumps({
    "lessons_lib": lessons_lib.__file__,
    "google.colab": google.colab.__version__,
    "python": sys.version.split()[0],
    "versions": {p: md.version(p) for p in %r},
}))
"""


def pinned() -> dict[str, str]:
    """Package -> version, as ``tests/colab/requirements.txt`` pins them."""
    pins = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name] = version
    return pins


def colab_python() -> Path:
    """The emulated runtime's python, with the ``google.colab`` stand-in installed."""
    python = launch_envs.venv("colab", [REQUIREMENTS])
    (site,) = python.parents[1].glob("lib/python3*/site-packages")
    target = site / "google" / "colab" / "__init__.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(COLAB / "google_colab_stub.py", target)
    return python


@pytest.fixture(scope="module")
def runtime(tmp_path_factory) -> tuple[Path, str]:
    """(python of the emulated runtime, git URL of a clone of the work tree)."""
    url = launch_envs.git_clone_of_worktree(tmp_path_factory.mktemp("clone") / "repo")
    return colab_python(), url


def fresh_runtime(base: Path, home: Path) -> Path:
    """A venv at ``home`` layered on the venv of ``base`` (python); its python.

    Its own site-packages comes first and is where pip installs; the base's packages
    (numpy, torch, ipykernel, pip, ...) are added after it by a ``.pth`` file.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    (base_site,) = base.parents[1].glob("lib/python3*/site-packages")
    (site,) = home.glob("lib/python3*/site-packages")
    (site / "colab-runtime.pth").write_text(f"import site; site.addsitedir({str(base_site)!r})\n")
    return home / "bin" / "python"


def run_chapter(base: Path, url: str, path: Path, home: Path) -> launch_envs.Run:
    """Run one chapter as a fresh Colab runtime would (own site-packages and cwd)."""
    python = fresh_runtime(base, home / "runtime")
    content = home / "content"
    content.mkdir()
    env = launch_envs.clean_env(LESSONS_LIB_SOURCE=url)
    env.pop("LESSONS_LIB_WIDGETS", None)
    probe = PROBE % (sorted(pinned()),)
    return launch_envs.run_notebook(
        path, python, env, content, extra_argv=KERNEL_ARGV, timeout=600, probe=probe
    )


@pytest.fixture(scope="module")
def runs(runtime, tmp_path_factory) -> dict[str, launch_envs.Run]:
    python, url = runtime
    base = tmp_path_factory.mktemp("colab")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            p.stem: pool.submit(run_chapter, python, url, p, base / p.stem) for p in CHAPTERS
        }
        results = {name: f.result() for name, f in futures.items()}
    table = ["| chapter | seconds | pass |", "| --- | ---: | --- |"]
    for name, run in results.items():
        table.append(f"| {name} | {run.seconds:.1f} | {'yes' if run.passed else run.error} |")
    text = "\n".join(table)
    (launch_envs.LAUNCH / "colab-table.md").write_text(text + "\n", encoding="utf-8")
    print("\nColab emulation (two chapters at a time):\n" + text, file=sys.stderr)
    return results


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_chapter_runs_on_colab(runs, chapter):
    run = runs[chapter]
    assert run.passed, f"{chapter} failed in the Colab emulation: {run.error}"
    found = json.loads(run.probe_output.strip().splitlines()[-1])
    # lessons_lib came from the install cell, into this chapter's own runtime ...
    assert f"/{chapter}/runtime/lib/" in found["lessons_lib"], found["lessons_lib"]
    # ... and the chapter ran on Colab's libraries, not the course's pins.
    # (torch's local tag aside: pip picks 2.13.0+cpu, the one torch wheel here.)
    versions = {name: v.split("+", 1)[0] for name, v in found["versions"].items()}
    assert versions == pinned()
    assert found["google.colab"] == "0.0.0+stand-in"


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_sweeps_are_live_widgets(runs, chapter):
    """A chapter that calls sweep() shows a live slider, not the static fallback."""
    nb = runs[chapter].nb
    calls = [c for c in nb.cells if c.cell_type == "code" and "sweep(" in source(c)]
    if not calls:
        pytest.skip(f"{chapter} has no sweep")
    widgets = [o for c in calls for o in c.outputs if WIDGET_MIME in o.get("data", {})]
    assert widgets, f"{chapter}: sweep() displayed no widget"


def test_install_failure_is_one_sentence_and_stops_the_lesson(runtime, tmp_path):
    """A bad URL: the install cell shows one sentence (no pip traceback) and stops."""
    python, _ = runtime
    bad = f"git+file://{tmp_path}/no-such-repository"
    run = run_chapter(python, bad, CHAPTERS[0], tmp_path / "runtime")
    assert not run.passed
    code = [c for c in run.nb.cells if c.cell_type == "code"]
    install, after = code[0], code[1:]
    assert "colab-install" in install.metadata.get("tags", [])
    errors = [o for o in install.outputs if o.output_type == "error"]
    assert len(errors) == 1, install.outputs
    (error,) = errors
    assert error.ename == "LessonsInstallError"
    assert len(error.traceback) == 1, error.traceback
    message = error.traceback[0]
    assert "could not be installed from" in message and "no-such-repository" in message
    assert "internet connection" in message
    assert "Traceback" not in message and "File " not in message
    assert message.count(". ") == 0, f"more than one sentence: {message}"
    # Nothing after the install cell ran ("Run all" stops at the error).
    assert all(c.execution_count is None for c in after)
    print(f"\ninstall failure message: {message}", file=sys.stderr)


def test_dependency_floors_are_versions_a_test_runs():
    """pyproject's floors are the emulated Colab versions (torch: the course pin)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = {}
    for dep in project["dependencies"]:
        req = Requirement(dep)
        (spec,) = req.specifier
        assert spec.operator == ">=", f"{dep}: expected a floor"
        floors[req.name] = spec.version
    colab = pinned()
    course = {
        line.split("==")[0]: line.split("==")[1].split()[0]
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    for name, floor in floors.items():
        tested = colab[name] if name != "torch" else course[name]
        assert tested.split(".")[:2] == floor.split(".")[:2], (
            f"{name}>={floor} is not the version a test runs ({tested})"
        )
