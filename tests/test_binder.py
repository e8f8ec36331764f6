"""Binder: ``binder/`` installs the course's pins with the CPU torch wheel.

repo2docker reads only ``binder/`` when it exists and runs
``pip install -r binder/requirements.txt`` from the repository root. What can be checked
without Binder: the file parses, its pins equal the root ``requirements.txt`` (torch's
``+cpu`` tag and the index line aside), pip resolves it, and a chapter runs in a venv
built from it (``launch_envs.binder_venv``, shared with ``test_packaging.py``, which
installs the package from the built wheel and runs the chapter).
"""

from __future__ import annotations

import json
import subprocess

import launch_envs
import pytest
from course_repo import ROOT
from packaging.requirements import Requirement

pytestmark = pytest.mark.launch

BINDER = ROOT / "binder"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def parse(path) -> tuple[dict[str, str], list[str], list[str]]:
    """(name -> exact version, option lines, local-path lines) of a requirements file."""
    pins, options, local = {}, [], []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-e ") or line.startswith("."):
            local.append(line)
        elif line.startswith("-"):
            options.append(line)
        else:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"{path.name}: {line} is not an exact pin"
            pins[req.name.lower().replace("_", "-")] = spec.version
    return pins, options, local


def test_binder_folder_is_what_repo2docker_reads():
    assert (BINDER / "requirements.txt").is_file()
    # The Python that binder/runtime.txt asks for is the one the course is tested on.
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_pins_equal_the_root_requirements():
    root, _, root_local = parse(ROOT / "requirements.txt")
    binder, options, local = parse(BINDER / "requirements.txt")
    assert binder["torch"] == root["torch"] + "+cpu", "Binder must take the CPU torch wheel"
    strip = {name: version.split("+", 1)[0] for name, version in binder.items()}
    assert strip == root, (
        f"binder/requirements.txt and requirements.txt differ: only in binder "
        f"{sorted(set(strip.items()) - set(root.items()))}, only in root "
        f"{sorted(set(root.items()) - set(strip.items()))}"
    )
    assert options == [f"--extra-index-url {CPU_INDEX}"]
    # The course package itself, from the repository root (pip reads `.` relative to its
    # working directory, which repo2docker sets to the repository).
    assert local == ["."] and root_local == ["-e ."]


def test_pip_resolves_binder_requirements(tmp_path):
    """``pip install --dry-run`` of the file, from the repository root, resolves.

    It runs in the venv that ``pip install -r`` built from the same pins (a full
    resolution), so what is left is the course package itself (``.``, read from the
    repository root as repo2docker's pip reads it), whose dependency ranges must accept
    every pin. PyTorch's index is not reachable from the test machines; their wheel store
    serves ``torch 2.13.0+cpu``, so the index line is left out here (it is checked above).
    """
    text = (BINDER / "requirements.txt").read_text(encoding="utf-8")
    offline = tmp_path / "requirements.txt"
    offline.write_text(
        "\n".join(line for line in text.splitlines() if CPU_INDEX not in line) + "\n"
    )
    python = launch_envs.binder_venv()
    launch_envs.pip(python, "uninstall", "--quiet", "--yes", "lessons_lib")
    report = tmp_path / "report.json"
    launch_envs.pip(
        python,
        "install",
        "--dry-run",
        "--quiet",
        "--report",
        str(report),
        "-r",
        str(offline),
        cwd=ROOT,
    )
    found = {
        item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    # Everything pinned is already satisfied; only the course package is left to install.
    assert found == {"lessons-lib": "0.1.0"}


def test_binder_venv_has_no_cuda_libraries():
    """The CPU wheel brings no NVIDIA packages (the point of binder/)."""
    python = launch_envs.binder_venv()
    out = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = {p["name"].lower(): p["version"] for p in json.loads(out)}
    assert names["torch"] == "2.13.0+cpu"
    assert not [n for n in names if n.startswith("nvidia")]


# A chapter running in this venv (with the package from the built wheel, outside the
# work tree) is tests/test_packaging.py::test_a_chapter_runs_against_the_installed_wheel:
# one run covers both paths.
