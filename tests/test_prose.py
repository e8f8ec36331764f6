"""Tests of lessons_lib.prose: ``glue`` writes what myst-nb reads, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from lessons_lib.prose import GLUE_PREFIX, glue


@pytest.fixture
def shell():
    """An IPython shell, so that ``get_ipython()`` is not None, as in a kernel."""
    instance = InteractiveShell.instance()
    yield instance
    InteractiveShell.clear_instance()


def test_glue_outside_a_kernel_stores_nothing_and_raises_nothing(capsys):
    glue("ch00_value", 3.5)
    assert capsys.readouterr() == ("", "")


def test_glue_writes_the_same_output_as_myst_nb(shell):
    myst_nb = pytest.importorskip("myst_nb")
    with capture_output() as ours:
        glue("ch00_ratio", 0.123456)
    with capture_output() as theirs:
        myst_nb.glue("ch00_ratio", 0.123456, display=False)
    assert len(ours.outputs) == len(theirs.outputs) == 1
    assert ours.outputs[0].data == theirs.outputs[0].data
    assert ours.outputs[0].metadata == theirs.outputs[0].metadata


def test_glue_output_is_only_prefixed_mime_types_naming_the_key(shell):
    with capture_output() as captured:
        glue("ch00_count", 7)
    (output,) = captured.outputs
    assert output.data == {GLUE_PREFIX + "text/plain": "7"}
    assert output.metadata["scrapbook"] == {"name": "ch00_count", "mime_prefix": GLUE_PREFIX}
    assert captured.stdout == ""


@pytest.mark.parametrize("name", ["", "1st", "a b", "ratio-2"])
def test_glue_rejects_a_name_myst_cannot_quote(name):
    with pytest.raises(ValueError, match="name must be identifier-like"):
        glue(name, 1)


def test_glue_rejects_a_name_that_is_not_a_string():
    with pytest.raises(TypeError, match="name must be a string, got int"):
        glue(3, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [np.float32(0.82), np.float64(0.82), torch.tensor(0.82), np.array(0.82)]
)
def test_glue_stores_a_numpy_or_torch_scalar_as_a_python_number(shell, value):
    with capture_output() as captured:
        glue("ch00_scalar", value)
    (output,) = captured.outputs
    text = output.data[GLUE_PREFIX + "text/plain"]
    assert f"{float(text):.2f}" == "0.82"
