"""Numbers a lesson computes, quoted in its prose.

A number typed into a sentence goes stale the first time the lesson runs under another
seed. Instead, a code cell stores the value under a name and the Markdown quotes the name
with myst-nb's role, e.g. ``{glue:text}`ch03_ratio:.2f```; the book's build replaces the
role with the value this run computed. The stored output uses myst-nb's own format (a
display whose MIME types carry the ``application/papermill.record/`` prefix), so nothing
from myst-nb has to be installed where the lesson runs: on Colab or in JupyterLab the
display is invisible and the role shows as written.

Taught in chapter 1; used wherever prose quotes a measured number.
"""

from __future__ import annotations

import re

#: The MIME prefix myst-nb reads as "stored for the prose, not shown" (``display=False``).
GLUE_PREFIX = "application/papermill.record/"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def glue(name: str, value: object) -> None:
    """Store ``value`` under ``name`` for the page's prose, showing nothing.

    Outside an IPython kernel (a script, a test) this does nothing.

    Args:
        name (str): the key the prose quotes, a Python-identifier-like name such as
            ``"ch03_ratio"``; unique within a page.
        value (object): the value; the prose shows its plain-text form, to which a format
            spec in the role (``:.2f``, ``:.0%``) applies for numbers. A NumPy or torch
            scalar is stored as the Python number it holds.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if ``name`` is empty or not identifier-like.

    Example:
        >>> glue("ch01_answer", 42)  # no kernel here: stores nothing, raises nothing
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__} {name!r}")
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"name must be identifier-like (letters, digits, underscores), got {name!r}"
        )
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with every kernel
        return
    if get_ipython() is None:
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()  # a NumPy or torch scalar: its repr would not take ``:.2f``
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display(
        {GLUE_PREFIX + kind: data for kind, data in bundle.items()}, raw=True, metadata=metadata
    )
