"""JupyterLab, live: run a chapter in the browser, move a slider, see the figure change.

The website shows static small multiples; learners on Binder or a local JupyterLab get
live sliders. This test starts JupyterLab from the course venv on localhost (a free
port, a token), opens a copy of a chapter with a ``sweep`` in headless Chromium, runs
all cells, moves the first slider one step with the keyboard and checks that the
figure under it is redrawn (different image bytes). Screenshots go to
``_build/screenshots/jupyterlab-*.png``.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from course_repo import BOOK, ROOT
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.launch

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SHOTS = ROOT / "_build" / "screenshots"
CHAPTER = BOOK / "01_why_regularize.ipynb"
RUN_TIMEOUT_MS = 360_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, token, notebook name) of a JupyterLab serving a copy of the chapter."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make chromium`")
    home = tmp_path_factory.mktemp("lab")
    root = home / "root"
    root.mkdir()
    shutil.copyfile(CHAPTER, root / CHAPTER.name)
    # JupyterLab 4 renders only the cells in view ("windowing"); render them all so the
    # test can see every prompt and the widget. Start the notebook's kernel without
    # asking (a slow start otherwise opens a "Select Kernel" dialog) and fetch no news.
    settings = home / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none", "autoStartDefaultKernel": true}'
    )
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != "LESSONS_LIB_WIDGETS"}
    env |= {
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "OMP_NUM_THREADS": "1",
    }
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    log = (home / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text())
                time.sleep(0.5)
        yield base, token, CHAPTER.name
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def figure_png(slider_box, timeout_s: float = 60) -> bytes:
    """PNG bytes of the figure under the slider (the widget's output area).

    The redraw replaces the image element, so a lookup that races it is retried.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            img = slider_box.locator(".widget-output img").first
            src = img.get_attribute("src", timeout=5_000) or ""
            if src.startswith("data:image/png;base64,"):
                return base64.b64decode(src.split(",", 1)[1])
        except PlaywrightError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("no figure under the slider")
        time.sleep(0.25)


def wait_for_idle_kernel(base: str, token: str, timeout_s: float = 180) -> None:
    """Wait until the server reports the notebook's kernel started and idle."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as r:
            sessions = json.load(r)
        states = [s["kernel"]["execution_state"] for s in sessions if s.get("kernel")]
        if states and all(state == "idle" for state in states):
            return
        time.sleep(1)
    raise AssertionError(f"no idle kernel after {timeout_s} s: {sessions}")


def test_slider_redraws_the_figure_in_jupyterlab(lab):
    base, token, name = lab
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "jupyterlab-timeout.png").unlink(missing_ok=True)  # from an earlier failure
    start = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/lab/tree/{name}?token={token}")
        page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
        wait_for_idle_kernel(base, token)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        # Every cell has run when no prompt shows [*] and the last cell has a number.
        try:
            page.wait_for_function(
                """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                const texts = prompts.map(p => p.textContent.trim());
                return texts.length > 0 && !texts.some(t => t.includes('*'))
                    && /\\[\\d+\\]/.test(texts[texts.length - 1]);
            }""",
                timeout=RUN_TIMEOUT_MS,
            )
        except Exception:
            page.screenshot(path=str(SHOTS / "jupyterlab-timeout.png"), full_page=True)
            raise
        errors = page.locator(".jp-OutputArea-output[data-mime-type*='error']")
        assert errors.count() == 0, errors.first.inner_text()
        box = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider")).first
        box.scroll_into_view_if_needed()
        before = figure_png(box)
        label = box.locator(".widget-readout").first.inner_text()
        page.screenshot(path=str(SHOTS / "jupyterlab-before.png"))
        handle = box.locator(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle")
        handle.first.focus()
        handle.first.press("ArrowRight")
        page.wait_for_function(
            "([el, old]) => el.textContent.trim() !== old",
            arg=[box.locator(".widget-readout").first.element_handle(), label],
            timeout=30_000,
        )
        after = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            after = figure_png(box)
            if after != before:
                break
        page.screenshot(path=str(SHOTS / "jupyterlab-after.png"))
        new_label = box.locator(".widget-readout").first.inner_text()
        browser.close()
    print(f"\nJupyterLab: slider {label} -> {new_label}, {time.perf_counter() - start:.1f} s")
    assert new_label != label
    assert after != before, "moving the slider did not redraw the figure"
