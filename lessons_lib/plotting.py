"""The course's figure style, learning curves and decision boundaries.

Introduced in chapter 1. Importing this module changes nothing: call
:func:`use_course_style` (every lesson's setup cell does) or use :func:`course_style`
as a context manager. Colours come from the Okabe-Ito palette, which stays
distinguishable with the common forms of colour blindness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from torch import nn

from .models import eval_mode
from .training import History
from .validation import check_choice, check_int

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Okabe & Ito (2008) colour-blind-safe palette, black moved to the end.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

STYLE: dict[RcKeyType, Any] = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "legend.frameon": False,
    "image.cmap": "cividis",
}


def use_course_style() -> None:
    """Apply the course style to every later figure of this session."""
    mpl.rcParams.update(STYLE)


@contextmanager
def course_style() -> Iterator[None]:
    """Context manager: the course style inside the ``with`` block only."""
    with mpl.rc_context(STYLE):
        yield


def _axes(ax: Axes | None) -> Axes:
    return plt.gca() if ax is None else ax


def plot_learning_curves(
    history: History,
    metric: str = "loss",
    ax: Axes | None = None,
    label: str = "",
    color: str | None = None,
    val_color: str | None = None,
    legend: bool = True,
) -> Axes:
    """Plot training (solid) and validation (dashed) curves of one run (chapters 7 and 9).

    Args:
        history: the :class:`~lessons_lib.training.History` returned by ``train``.
        metric: ``"loss"`` or ``"acc"``. Default: ``"loss"``.
        ax: axes to draw on. Default: the current axes.
        label: prefix for the legend entries. Default: none.
        color: line colour. Default: the next colour of the cycle.
        val_color: colour of the validation curve. Default: ``color`` (the line style
            tells the curves apart).
        legend: draw a legend. Default: ``True``.

    Returns:
        The axes.
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a History, got {type(history).__name__}")
    check_choice("metric", metric, ["loss", "acc"])
    ax = _axes(ax)
    prefix = f"{label} " if label else ""
    train = history.train_loss if metric == "loss" else history.train_acc
    (line,) = ax.plot(history.epochs, train, color=color, label=f"{prefix}train")
    if history.val_loss:
        val = history.val_loss if metric == "loss" else history.val_acc
        val_line = line.get_color() if val_color is None else val_color
        ax.plot(history.epochs, val, color=val_line, ls="--", label=f"{prefix}validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss" if metric == "loss" else "accuracy")
    if legend:
        ax.legend()
    return ax


def plot_mean_band(
    x: Sequence[float],
    values: np.ndarray,
    ax: Axes | None = None,
    label: str = "",
    color: str | None = None,
    **line_kw: Any,
) -> Axes:
    """Plot the mean over repetitions with a ±1 standard deviation band.

    Args:
        x: positions of shape ``(m,)``.
        values: array of shape ``(n_repeats, m)``: one row per seed.
        ax: axes to draw on. Default: the current axes.
        label, color: legend label and colour of the line.
    """
    values = np.asarray(values, dtype=float)
    xs = np.asarray(x, dtype=float)
    if values.ndim != 2 or values.shape[1] != xs.shape[0]:
        raise ValueError(f"values must have shape (n_repeats, {xs.shape[0]}), got {values.shape}")
    ax = _axes(ax)
    mean, std = values.mean(axis=0), values.std(axis=0)
    (line,) = ax.plot(xs, mean, color=color, label=label, **line_kw)
    ax.fill_between(xs, mean - std, mean + std, color=line.get_color(), alpha=0.2, lw=0)
    return ax


def plot_decision_boundary(
    model: nn.Module | Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    y: torch.Tensor,
    ax: Axes | None = None,
    resolution: int = 150,
    margin: float = 0.5,
    title: str | None = None,
) -> Axes:
    """Shade the predicted class over the plane and scatter the points on top.

    Args:
        model: a binary classifier returning one logit per point, or any function
            mapping a ``(k, 2)`` tensor to scores whose sign is the class.
        X: 2-D inputs of shape ``(n, 2)``.
        y: labels in ``{0, 1}``.
        ax: axes to draw on. Default: the current axes.
        resolution: grid points per axis. Default: 150.
        margin: space around the data. Default: 0.5.
        title: axes title. Default: none.
    """
    if not isinstance(X, torch.Tensor) or X.dim() != 2 or X.shape[1] != 2:
        shape = tuple(X.shape) if isinstance(X, torch.Tensor) else type(X).__name__
        raise ValueError(f"X must be a tensor of shape (n, 2), got {shape}")
    resolution = check_int("resolution", resolution, low=2)
    ax = _axes(ax)
    lo = X.min(dim=0).values - margin
    hi = X.max(dim=0).values + margin
    gx = torch.linspace(float(lo[0]), float(hi[0]), resolution)
    gy = torch.linspace(float(lo[1]), float(hi[1]), resolution)
    xx, yy = torch.meshgrid(gx, gy, indexing="xy")
    grid = torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)
    mode = eval_mode(model) if isinstance(model, nn.Module) else nullcontext()
    with torch.no_grad(), mode:
        scores = model(grid).reshape(resolution, resolution)
    cmap = ListedColormap([PALETTE[0], PALETTE[1]])
    ax.contourf(xx, yy, (scores > 0).float(), levels=[-0.5, 0.5, 1.5], cmap=cmap, alpha=0.25)
    ax.contour(xx, yy, scores, levels=[0.0], colors="k", linewidths=1)
    for c, marker in ((0, "o"), (1, "^")):
        pts = X[y == c]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=14,
            marker=marker,
            color=PALETTE[c],
            edgecolor="k",
            linewidth=0.3,
            label=f"class {c}",
        )
    ax.set_xlim(float(lo[0]), float(hi[0]))
    ax.set_ylim(float(lo[1]), float(hi[1]))
    ax.set_aspect("equal")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax
