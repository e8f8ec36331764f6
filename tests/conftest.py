"""Shared fixtures for the unit tests of ``lessons_lib``.

Figures are drawn with the non-interactive Agg backend, every test runs inside its own
``rc_context`` (so a test that restyles matplotlib cannot leak into the next one) and
every figure is closed afterwards. Hypothesis keeps no example database and writes its
cache of source constants to the system's temporary directory, so running the tests
leaves nothing in the work tree.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# pytest-xdist runs two workers, and nbval and the student tests start a Jupyter kernel in
# each: with the default of one OpenMP thread per core, the kernels' spinning threads
# oversubscribe a two-core machine and a 3-second cell takes two minutes. Kernels inherit
# this environment, so set it before any of them start.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from course_repo import HTML  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402
from kernels import use_ipc_kernels_in_nbval  # noqa: E402

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "lessons_lib-hypothesis")

# The tests use tiny tensors: extra intra-op threads only add synchronisation cost (on a
# two-core machine they make training loops ten times slower).
torch.set_num_threads(1)

use_ipc_kernels_in_nbval()

settings.register_profile("lessons", max_examples=30, deadline=None, database=None)
settings.load_profile("lessons")


@pytest.fixture(autouse=True)
def _checks_trust_the_library_in_their_own_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check tests hand the checks the library's references and mistakes as answers."""
    if request.module.__name__.split(".")[-1].startswith("test_checks"):
        from lessons_lib.checks import guard

        monkeypatch.setattr(guard, "IN_CHECKS", False)


NEEDS_SITE = (
    "needs the built site in _build/html, which a fresh clone does not have: run `make book`, "
    "then `make site` (or name this file, or select it with -m, to make a missing site fail)"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the site and browser tests of a plain run when no site has been built.

    ``make unit`` deselects them by marker; this covers a bare ``pytest`` on a fresh
    clone. When they are asked for (``-m site``, ``-m browser`` or the file named on the
    command line, as ``make site`` does) a missing site still fails them loudly.
    """
    if (HTML / "index.html").exists() or config.option.markexpr:
        return
    named = {Path(arg.split("::")[0]).resolve() for arg in config.args}
    for item in items:
        wanted = Path(str(item.path)).resolve() in named
        if not wanted and any(item.get_closest_marker(m) for m in ("site", "browser")):
            item.add_marker(pytest.mark.skip(reason=NEEDS_SITE))


@pytest.fixture(autouse=True)
def _isolate_matplotlib():
    """Restore rcParams and close every figure after each test."""
    with matplotlib.rc_context():
        yield
    plt.close("all")


@pytest.fixture(scope="module")
def images():
    """The first 32 digits as images ``(32, 8, 8)`` and their labels (augmentation tests)."""
    from lessons_lib.data import digits

    X, y = digits()
    return X[:32].reshape(-1, 8, 8), y[:32]
