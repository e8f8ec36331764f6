"""Fresh environments for the launch tests: built distributions, venvs, notebook runs.

The launch tests (``make launch``) take the paths a learner takes to open a lesson (pip,
Colab, Binder, JupyterLab), so they cannot use the course venv's editable install. They
build what they need under ``_build/launch/`` and reuse it while the files it was built
from are unchanged (a venv is keyed by a hash of its requirements), so a second run
costs seconds and a fresh clone (CI) builds everything once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from kernels import IpcKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
LAUNCH = ROOT / "_build" / "launch"
# What a source checkout needs to build the package and to be installed from a git URL.
SKIP_DIRS = {".git", ".venv", "_build", "node_modules", "__pycache__", ".ipynb_checkpoints"}


def source_files(root: Path = ROOT) -> list[Path]:
    """The work tree's files (tracked and new, not ignored), relative to ``root``."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files = [Path(p) for p in out.split("\0") if p]
    return [p for p in files if (root / p).is_file() and not SKIP_DIRS & set(p.parts)]


def copy_source(dest: Path, root: Path = ROOT) -> Path:
    """Copy the work tree (as git sees it, uncommitted edits included) to ``dest``."""
    for rel in source_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    return dest


def git_clone_of_worktree(dest: Path) -> str:
    """A one-commit git repository holding the work tree; returns its ``git+file`` URL.

    Cloning the work tree's own ``.git`` would give its last commit (and, for a git
    worktree, the main repository's HEAD), not the files being tested.
    """
    copy_source(dest)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "work tree"]):
        subprocess.run(["git", *cmd], cwd=dest, env=env, check=True, capture_output=True)
    return f"git+file://{dest}"


def build_dists(outdir: Path) -> tuple[Path, Path]:
    """Build the sdist and the wheel (``python -m build``) from a copy of the work tree.

    The copy keeps ``*.egg-info`` and ``build/`` out of the work tree.
    """
    with tempfile.TemporaryDirectory(prefix="lessons-src-") as tmp:
        src = copy_source(Path(tmp) / "src")
        outdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "build", "--outdir", str(outdir), str(src)],
            capture_output=True,
            text=True,
            check=True,
        )
    (sdist,) = outdir.glob("lessons_lib-*.tar.gz")
    (wheel,) = outdir.glob("lessons_lib-*.whl")
    return sdist, wheel


def pip(python: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m pip ARGS`` quietly; raise with pip's output when it fails."""
    result = subprocess.run(
        [str(python), "-m", "pip", "--no-input", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pip {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def venv(name: str, requirements: list[Path], extra_key: str = "") -> Path:
    """``_build/launch/<name>``: a venv with ``pip install -r`` of each file; its python.

    Rebuilt only when a requirements file (or ``extra_key``) changed since it was built.
    """
    digest = hashlib.sha256(extra_key.encode())
    for req in requirements:
        digest.update(req.read_bytes())
    key = digest.hexdigest()
    home = LAUNCH / name
    python = home / "bin" / "python"
    stamp = home / ".built-from"
    if stamp.exists() and stamp.read_text() == key and python.exists():
        return python
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    args = ["install", "--quiet"]
    for req in requirements:
        args += ["-r", str(req)]
    pip(python, *args, cwd=ROOT)
    stamp.write_text(key)
    return python


@dataclass
class Run:
    """One executed notebook."""

    name: str
    seconds: float
    nb: nbformat.NotebookNode
    error: str | None  # None when every cell ran
    probe_output: str = ""  # stdout of the probe cell, if one was appended

    @property
    def passed(self) -> bool:
        return self.error is None


def kernel_spec_dir(python: Path, name: str, extra_argv: list[str] = ()) -> Path:
    """A kernelspec directory whose kernel ``name`` runs ipykernel from ``python``."""
    import json

    kernels = python.parents[1] / "launch-kernels"
    spec = kernels / name
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}", *extra_argv]
    doc = {"argv": argv, "display_name": name, "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(doc))
    return kernels


def run_notebook(
    path: Path,
    python: Path,
    env: dict[str, str],
    cwd: Path,
    extra_argv: list[str] = (),
    timeout: int = 600,
    probe: str | None = None,
) -> Run:
    """Execute ``path`` top to bottom in a kernel of ``python`` (stops at the first error).

    The kernel gets exactly ``env`` and starts in ``cwd``, so nothing of the course venv
    or the work tree (``PYTHONPATH``) leaks into it. ``probe``, if given, is appended
    as a last cell (to the copy in memory) and its printed output returned.
    """
    name = "launch-" + hashlib.sha1(" ".join(extra_argv).encode()).hexdigest()[:8]
    ksm = KernelSpecManager(kernel_dirs=[str(kernel_spec_dir(python, name, extra_argv))])
    km = IpcKernelManager(kernel_name=name, kernel_spec_manager=ksm)
    nb = nbformat.read(path, as_version=4)
    if probe is not None:
        nb.cells.append(nbformat.v4.new_code_cell(probe))
    client = NotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # noqa: BLE001 - a dead kernel or a timeout is a failure too
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    out = ""
    if probe is not None and error is None:
        out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return Run(path.stem, seconds, nb, error, out)


def binder_requirements(path: Path = ROOT / "binder" / "requirements.txt") -> Path:
    """``binder/requirements.txt`` without its index and local-path lines, in _build.

    The venv built from it gets the course package from the built wheel instead (so it
    also serves the pip, non-editable, test); PyPI's wheel store on the test machines
    serves ``torch 2.13.0+cpu`` without PyTorch's index.
    """
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.split("#", 1)[0].strip()
        if not stripped or stripped.startswith("-") or stripped.startswith("."):
            continue
        lines.append(stripped)
    out = LAUNCH / "binder-requirements.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def binder_venv() -> Path:
    """Python of ``_build/launch/binder``: the Binder pins, lessons_lib not installed."""
    return venv("binder", [binder_requirements()])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a learner's kernel: no PYTHONPATH, one thread, ``extra``."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "LESSONS_SEED", "SSL_CERT_FILE")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("PIP_")}
    env |= {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env |= extra
    return env


def build_all() -> None:
    """Build (or reuse) the Colab and the Binder venvs, both at once (``make launch``)."""
    from concurrent.futures import ThreadPoolExecutor

    colab = Path(__file__).parent / "colab" / "requirements.txt"
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(venv, "colab", [colab]), pool.submit(binder_venv)]
        for job in jobs:
            print(f"ready: {job.result()}")
    print(f"launch venvs ready in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    build_all()
