"""pip, non-editable: the built wheel holds every module and runs a chapter.

``make`` installs lessons_lib editable, which hides a package left out of the wheel (the
Colab install once lacked ``lessons_lib.checks``). These tests build the sdist and the
wheel as a release would, install the wheel into a fresh venv (the Binder venv of
``tests/test_binder.py``, without the package) and use it from outside the work tree.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import zipfile
from pathlib import Path

import launch_envs
import pytest
from course_repo import BOOK, ROOT

pytestmark = pytest.mark.launch

CHAPTER = BOOK / "05_dropout.ipynb"


def source_modules() -> set[str]:
    """Every ``.py`` file of the package in the work tree, as a path inside the wheel."""
    pkg = ROOT / "lessons_lib"
    return {
        p.relative_to(ROOT).as_posix() for p in pkg.rglob("*.py") if "__pycache__" not in p.parts
    }


def data_files() -> set[str]:
    """The package's data files (not code, not caches), as paths inside the wheel."""
    pkg = ROOT / "lessons_lib"
    return {
        p.relative_to(ROOT).as_posix()
        for p in pkg.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }


def test_the_package_has_its_data_files():
    assert "lessons_lib/digits.npz" in data_files()


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> tuple[Path, Path]:
    return launch_envs.build_dists(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(dists) -> Path:
    """Python of a fresh venv with the pinned dependencies and the built wheel."""
    python = launch_envs.binder_venv()
    launch_envs.pip(python, "install", "--quiet", "--no-deps", "--force-reinstall", str(dists[1]))
    return python


def test_wheel_holds_every_module_and_data_file(dists):
    _, wheel = dists
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = set(zf.namelist())
    missing = (source_modules() | data_files()) - in_wheel
    assert not missing, f"files missing from {wheel.name}: {sorted(missing)}"
    assert "lessons_lib/checks/__init__.py" in in_wheel


def test_sdist_holds_every_module_and_data_file(dists):
    sdist, _ = dists
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    missing = (source_modules() | data_files()) - names
    assert not missing, f"files missing from {sdist.name}: {sorted(missing)}"


def test_every_module_imports_from_the_installed_wheel(installed, tmp_path):
    """Walk the installed package with pkgutil, from a directory outside the work tree."""
    script = """
import importlib, json, pkgutil, sys
import lessons_lib
names = ["lessons_lib"] + [
    m.name for m in pkgutil.walk_packages(lessons_lib.__path__, "lessons_lib.")
]
for name in names:
    importlib.import_module(name)
print(json.dumps({"file": lessons_lib.__file__, "modules": names}))
"""
    env = launch_envs.clean_env()
    result = subprocess.run(
        [str(installed), "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    venv_home = installed.parents[1]
    assert Path(found["file"]).is_relative_to(venv_home), found["file"]
    assert "site-packages" in Path(found["file"]).parts, found["file"]
    expected = {
        p.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for p in source_modules()
    }
    assert expected <= set(found["modules"]), sorted(expected - set(found["modules"]))


def test_a_chapter_runs_against_the_installed_wheel(installed, tmp_path):
    """Chapter 5, live widgets, in a kernel of that venv started outside the work tree.

    The venv is built from ``binder/requirements.txt``, so this is also the Binder check
    that a chapter runs on Binder's pins (CPU torch).
    """
    run = launch_envs.run_notebook(
        CHAPTER,
        installed,
        launch_envs.clean_env(),
        cwd=tmp_path,
        timeout=300,
        probe="import lessons_lib, sys, torch; print(lessons_lib.__file__); print(sys.path);"
        " print(torch.__version__)",
    )
    print(f"{run.name}: {run.seconds:.1f} s, {'pass' if run.passed else run.error}")
    assert run.passed, run.error
    where, path, torch_version = run.probe_output.splitlines()[:3]
    assert torch_version == "2.13.0+cpu", torch_version
    assert Path(where).is_relative_to(installed.parents[1]), where
    assert str(ROOT) not in path.replace(str(installed.parents[1]), ""), path
