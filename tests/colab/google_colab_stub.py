"""Stand-in for Colab's ``google.colab`` package, for the Colab emulation.

tests/test_colab.py copies this file to ``google/colab/__init__.py`` in the emulated
runtime's venv and imports it when the kernel starts, as Colab's kernel does. The
notebooks only test ``"google.colab" in sys.modules``; the few names below mirror the
real package's so that a cell written for Colab does not fail on an attribute.
"""

from types import SimpleNamespace

__version__ = "0.0.0+stand-in"
IN_COLAB_EMULATION = True


def _noop(*args, **kwargs) -> None:
    return None


# google.colab.output.enable_custom_widget_manager() is what Colab's docs ask notebooks
# with third-party widgets to call; ipywidgets' own controls need nothing.
output = SimpleNamespace(
    enable_custom_widget_manager=_noop,
    disable_custom_widget_manager=_noop,
    clear=_noop,
)
