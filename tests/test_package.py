"""Tests of the lessons_lib package as a whole: importing it is cheap and changes nothing."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap

import lessons_lib

MODULES = sorted(m.name for m in pkgutil.walk_packages(lessons_lib.__path__, prefix="lessons_lib."))


def test_every_module_is_found():
    # Guards the test below against walking an empty or wrong package.
    assert {"lessons_lib.data", "lessons_lib.checks", "lessons_lib.checks.feedback"} <= set(MODULES)


def test_importing_every_module_has_no_side_effects_and_skips_sklearn():
    # Fresh interpreter: importing every module must not restyle matplotlib, seed anything
    # or pull in scikit-learn (about a second of every chapter's start-up; the functions
    # that need it import it themselves).
    code = textwrap.dedent(
        f"""
        import importlib, json, random, sys
        import matplotlib
        matplotlib.use("Agg")
        import numpy as np, torch
        before = dict(matplotlib.rcParams)
        state = (random.getstate(), np.random.get_state()[1].tolist(),
                 torch.get_rng_state().tolist())
        for name in {MODULES!r}:
            importlib.import_module(name)
        changed = sorted(k for k, v in matplotlib.rcParams.items() if before[k] != v)
        same = state == (random.getstate(), np.random.get_state()[1].tolist(),
                         torch.get_rng_state().tolist())
        heavy = sorted(m for m in ("sklearn", "scipy") if m in sys.modules)
        print(json.dumps({{"changed": changed, "same_rng": same, "heavy": heavy}}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"changed": [], "same_rng": True, "heavy": []}


def test_the_data_functions_still_load_sklearn_when_called():
    code = (
        "import sys; from lessons_lib.data import two_moons; two_moons(4); "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
