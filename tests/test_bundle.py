"""The offline bundle (``make bundle``, after ``make book``), used as a classroom would.

Unpacked in a fresh folder: its wheels are fetched once (as ``fetch_wheels.py`` does, on
the machine with a network), then a new venv installs everything with ``--no-index`` and
every proxy pointing at a closed port, so any attempt to reach the network fails, and a
chapter runs end to end in that venv. The website inside opens from the folder
(``file://``) in headless Chromium with its math typeset, the Mermaid map drawn, images
loaded, no console error, and search finding a chapter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from course_repo import HTML, ROOT, chapter_notebooks
from launch_envs import clean_env, run_notebook

pytestmark = pytest.mark.offline
BUNDLE = HTML / "downloads" / "regularization-course-offline.zip"
DEAD = "http://127.0.0.1:9"  # nothing listens: a download attempt fails at once


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `make bundle` (after `make book`)")
    dest = tmp_path_factory.mktemp("classroom")
    with zipfile.ZipFile(BUNDLE) as archive:
        archive.extractall(dest)
    return dest / "regularization-course"


def test_the_bundle_holds_site_lessons_student_notebooks_and_the_wheel(bundle):
    chapters = {p.name for p in chapter_notebooks()}
    assert (bundle / "site" / "index.html").exists()
    assert {p.name for p in (bundle / "lessons").glob("*.ipynb")} == chapters
    assert {p.name for p in (bundle / "student").glob("*.ipynb")} == chapters
    assert len(list((bundle / "wheels").glob("lessons_lib-*.whl"))) == 1
    assert not list((bundle / "site").rglob("*.zip")), "the bundle must not contain itself"
    for name in ("README.txt", "fetch_wheels.py", "serve.py"):
        assert (bundle / name).exists(), name


def test_requirements_pin_what_the_course_pins(bundle):
    root = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    for line in (bundle / "requirements.txt").read_text(encoding="utf-8").split():
        if "==" in line:
            assert re.search(rf"^{re.escape(line)}\b", root, re.M), (
                f"{line} is not the course's pin"
            )


def test_a_classroom_machine_installs_with_no_network_and_runs_a_chapter(bundle):
    wheels = bundle / "wheels"
    # The machine with a network (the test machine's own package store serves CPU torch).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--dest",
            str(wheels),
            "--find-links",
            str(wheels),
            "-r",
            str(bundle / "requirements.txt"),
        ],
        check=True,
        capture_output=True,
        cwd=bundle,
    )
    # The classroom machine: no index, every proxy dead.
    venv = bundle / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    offline = clean_env(
        http_proxy=DEAD, https_proxy=DEAD, HTTP_PROXY=DEAD, HTTPS_PROXY=DEAD, PIP_NO_INDEX="1"
    )
    result = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(wheels),
            "-r",
            str(bundle / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        env=offline,
        cwd=bundle,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lesson = bundle / "lessons" / "02_tiny_network.ipynb"
    run = run_notebook(lesson, python, offline, cwd=bundle / "lessons")
    assert run.passed, f"chapter 2 failed offline: {run.error}"


def test_the_site_works_from_a_folder(bundle):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    site = bundle / "site"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((site / "book" / "01_why_regularize.html").as_uri(), wait_until="load")
        page.evaluate("async () => { await MathJax.startup.promise; }")
        page.wait_for_function(
            "() => [...document.querySelectorAll('pre.mermaid')]"
            ".every(p => p.querySelector('svg'))",
            timeout=20_000,
        )
        assert page.evaluate("document.querySelectorAll('mjx-container').length") > 5
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        assert not broken, broken
        page.goto((site / "search.html").as_uri() + "?q=dropout", wait_until="load")
        page.wait_for_function(
            "() => /found \\d+ page/.test(document.body.innerText)", timeout=20_000
        )
        assert "Dropout" in page.inner_text("#search-results")
        browser.close()
    assert not errors, errors
