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


HEAVY = ("sklearn", "scipy", "ipywidgets", "torch._dynamo")


def test_importing_every_module_has_no_side_effects_and_skips_heavy_modules():
    # Fresh interpreter: importing every module must not restyle matplotlib, seed anything
    # or pull in scikit-learn, SciPy, ipywidgets or torch._dynamo (each costs up to a
    # second or more of every chapter's start-up). The last line imports sklearn itself,
    # to show that the check sees a heavy import.
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
        heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)
        import sklearn.datasets
        seen = sorted(m for m in {HEAVY!r} if m in sys.modules)
        print(json.dumps({{"changed": changed, "same_rng": same, "heavy": heavy, "seen": seen}}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {k: v for k, v in result.items() if k != "seen"} == {
        "changed": [],
        "same_rng": True,
        "heavy": [],
    }
    assert "sklearn" in result["seen"]
