"""A parameter sweep that is live in Jupyter and a static figure on the website.

Introduced in chapter 1 and used wherever a sweep teaches something. In a notebook a
slider redraws one panel; the book build sets ``LESSONS_LIB_WIDGETS=static`` and the
same call draws every value of the sweep as small multiples, so a reader of the static
site sees the whole sweep. ``ipywidgets`` is imported only when a live widget is built.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .validation import check_choice, check_int

MODE_ENV_VAR = "LESSONS_LIB_WIDGETS"
MODES = ("auto", "live", "static")


def resolve_mode(mode: str = "auto") -> str:
    """Return ``"live"`` or ``"static"`` for ``mode``.

    ``"auto"`` reads ``$LESSONS_LIB_WIDGETS`` (``live``/``static``); unset, it is
    ``"live"`` inside a Jupyter kernel with ipywidgets installed, else ``"static"``.

    Example:
        >>> resolve_mode("static")
        'static'
    """
    check_choice("mode", mode, MODES)
    if mode != "auto":
        return mode
    env = os.environ.get(MODE_ENV_VAR, "").strip().lower()
    if env:
        return check_choice(MODE_ENV_VAR, env, ["live", "static"])
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return "static"
    shell = get_ipython()
    return "live" if shell is not None and hasattr(shell, "kernel") else "static"


def _check_values(values: Sequence[Any], initial: Any = None) -> list[Any]:
    values = list(values)
    if not values:
        raise ValueError("values must contain at least one value, got an empty sequence")
    if initial is not None and initial not in values:
        raise ValueError(f"initial must be one of the values {values}, got {initial!r}")
    return values


def static_sweep(
    draw: Callable[[Any, Axes], None],
    name: str,
    values: Sequence[Any],
    ncols: int = 4,
    panel_size: tuple[float, float] = (2.6, 2.2),
    sharey: bool = True,
) -> Figure:
    """Draw ``draw(value, ax)`` for every value on a grid of panels.

    Args:
        draw: function that draws one state of the sweep on the given axes.
        name: parameter name, used in panel titles.
        values: the values of the sweep.
        ncols: panels per row. Default: 4.
        panel_size: width and height of one panel in inches.
        sharey: share the y axis across panels. Default: ``True``.

    Returns:
        The figure.
    """
    values = _check_values(values)
    ncols = min(check_int("ncols", ncols, low=1), len(values))
    nrows = math.ceil(len(values) / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
        sharex=True,
        sharey=sharey,
        squeeze=False,
        layout="constrained",
    )
    for ax, value in zip(axes.flat, values, strict=False):
        draw(value, ax)
        ax.set_title(f"{name} = {value}", fontsize=9)
    for ax in axes.flat[len(values) :]:
        ax.set_visible(False)
    return fig


def live_sweep(
    draw: Callable[[Any, Axes], None],
    name: str,
    values: Sequence[Any],
    initial: Any = None,
    figsize: tuple[float, float] = (5.0, 3.5),
) -> Any:
    """Build the live version: a ``SelectionSlider`` over ``values`` and a redrawn plot.

    Returns:
        An ``ipywidgets.VBox`` holding the slider and the output area.
    """
    import ipywidgets as widgets
    from IPython.display import display

    values = _check_values(values, initial)
    slider = widgets.SelectionSlider(
        options=values,
        value=values[0] if initial is None else initial,
        description=name,
        continuous_update=False,
    )
    out = widgets.Output()

    def redraw(value: Any) -> None:
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=figsize, layout="constrained")
            draw(value, ax)
            ax.set_title(f"{name} = {value}")
            display(fig)
            plt.close(fig)

    slider.observe(lambda change: redraw(change["new"]), names="value")
    redraw(slider.value)
    return widgets.VBox([slider, out])


def sweep(
    draw: Callable[[Any, Axes], None],
    name: str,
    values: Sequence[Any],
    initial: Any = None,
    mode: str = "auto",
    ncols: int = 4,
    figsize: tuple[float, float] = (5.0, 3.5),
    **static_kw: Any,
) -> None:
    """Show ``draw(value, ax)`` over ``values``: a slider live, small multiples static.

    In ``"live"`` mode this displays :func:`live_sweep`; in ``"static"`` mode it draws
    :func:`static_sweep` and shows it. Nothing is returned, so the call can end a
    notebook cell without the figure or widget appearing twice.

    Args:
        draw: function that draws one state on the given axes (it should not call
            ``plt.show``).
        name: parameter name shown on the slider and in titles.
        values: the values to sweep over, in slider order.
        initial: value shown first by the live widget. Default: the first value.
        mode: ``"auto"``, ``"live"`` or ``"static"`` (see :func:`resolve_mode`).
        ncols: panels per row of the static figure. Default: 4.
        figsize: size of the live figure.
        **static_kw: passed on to :func:`static_sweep`.
    """
    values = _check_values(values, initial)
    if resolve_mode(mode) == "static":
        static_sweep(draw, name, values, ncols=ncols, **static_kw)
        plt.show()
        return
    from IPython.display import display

    display(live_sweep(draw, name, values, initial=initial, figsize=figsize))
