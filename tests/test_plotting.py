"""Tests of lessons_lib.plotting: the course style, learning curves and decision boundaries."""

from __future__ import annotations

import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.contour import ContourSet

from lessons_lib.data import two_moons
from lessons_lib.models import mlp
from lessons_lib.plotting import (
    PALETTE,
    STYLE,
    course_style,
    plot_decision_boundary,
    plot_learning_curves,
    plot_mean_band,
    use_course_style,
)
from lessons_lib.training import History

# --- palette and style -----------------------------------------------------------------------


def test_palette_has_eight_distinct_hex_colours():
    assert len(PALETTE) == 8
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in PALETTE)
    assert len({c.lower() for c in PALETTE}) == 8


def test_palette_is_okabe_ito_with_black_last():
    okabe_ito = {
        "#e69f00",
        "#56b4e9",
        "#009e73",
        "#f0e442",
        "#0072b2",
        "#d55e00",
        "#cc79a7",
        "#000000",
    }
    assert {c.lower() for c in PALETTE} == okabe_ito
    assert PALETTE[-1] == "#000000"


def test_use_course_style_changes_rcparams():
    assert mpl.rcParams["axes.spines.top"] is True  # matplotlib's default, restored by conftest
    use_course_style()
    assert mpl.rcParams["axes.spines.top"] is False
    assert mpl.rcParams["axes.spines.right"] is False
    assert mpl.rcParams["axes.grid"] is True
    assert mpl.rcParams["image.cmap"] == "cividis"
    assert [to_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]] == [
        c.lower() for c in PALETTE
    ]
    _, ax = plt.subplots()
    (line,) = ax.plot([0, 1])
    assert to_hex(line.get_color()) == PALETTE[0].lower()


def test_course_style_applies_inside_the_block_and_restores_afterwards():
    mpl.rcParams["font.size"] = 13.0
    before = {key: mpl.rcParams[key] for key in STYLE}
    with course_style():
        assert mpl.rcParams["font.size"] == 10.0
        assert mpl.rcParams["axes.grid"] is True
        assert list(mpl.rcParams["figure.figsize"]) == [6.4, 4.0]
    after = {key: mpl.rcParams[key] for key in STYLE}
    assert after == before
    assert mpl.rcParams["font.size"] == 13.0


def test_course_style_restores_even_after_an_error():
    before = mpl.rcParams["axes.grid"]
    with pytest.raises(RuntimeError), course_style():
        raise RuntimeError("boom")
    assert mpl.rcParams["axes.grid"] == before


def test_style_keys_are_valid_rcparams():
    for key, value in STYLE.items():
        with mpl.rc_context({key: value}):
            pass
        assert key in mpl.rcParams


# --- plot_learning_curves --------------------------------------------------------------------


def history(with_val: bool) -> History:
    h = History(train_loss=[1.0, 0.5, 0.25], train_acc=[0.5, 0.7, 0.9])
    if with_val:
        h.val_loss = [1.2, 0.8, 0.9]
        h.val_acc = [0.4, 0.6, 0.65]
    return h


def test_learning_curves_draw_train_and_validation_lines():
    _, ax = plt.subplots()
    returned = plot_learning_curves(history(True), ax=ax)
    assert returned is ax
    train_line, val_line = ax.get_lines()
    assert list(train_line.get_xdata()) == [1, 2, 3]
    assert list(train_line.get_ydata()) == [1.0, 0.5, 0.25]
    assert list(val_line.get_ydata()) == [1.2, 0.8, 0.9]
    assert train_line.get_linestyle() == "-"
    assert val_line.get_linestyle() == "--"
    assert val_line.get_color() == train_line.get_color()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "loss"


def test_learning_curves_take_a_validation_colour_and_can_skip_the_legend():
    _, ax = plt.subplots()
    plot_learning_curves(
        history(True), "acc", ax=ax, color="#000000", val_color="#e69f00", legend=False
    )
    train_line, val_line = ax.get_lines()
    assert train_line.get_color() == "#000000"
    assert val_line.get_color() == "#e69f00"
    assert list(val_line.get_ydata()) == [0.4, 0.6, 0.65]
    assert ax.get_legend() is None
    assert ax.get_ylabel() == "accuracy"


def test_learning_curves_without_validation_draw_one_line():
    _, ax = plt.subplots()
    plot_learning_curves(history(False), ax=ax)
    assert len(ax.get_lines()) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train"]


def test_learning_curves_of_accuracy_with_label_and_colour():
    _, ax = plt.subplots()
    plot_learning_curves(history(True), metric="acc", ax=ax, label="L2", color="#D55E00")
    train_line, val_line = ax.get_lines()
    assert list(train_line.get_ydata()) == [0.5, 0.7, 0.9]
    assert list(val_line.get_ydata()) == [0.4, 0.6, 0.65]
    assert to_hex(train_line.get_color()) == to_hex(val_line.get_color()) == "#d55e00"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["L2 train", "L2 validation"]
    assert ax.get_ylabel() == "accuracy"


def test_learning_curves_of_two_runs_use_two_colours():
    _, ax = plt.subplots()
    plot_learning_curves(history(True), ax=ax, label="a")
    plot_learning_curves(history(True), ax=ax, label="b")
    colours = [line.get_color() for line in ax.get_lines()]
    assert len(colours) == 4
    assert colours[0] == colours[1]
    assert colours[2] == colours[3]
    assert colours[0] != colours[2]


def test_learning_curves_default_to_the_current_axes():
    fig, ax = plt.subplots()
    assert plot_learning_curves(history(False)) is ax
    assert len(ax.get_lines()) == 1


def test_learning_curves_reject_bad_input():
    with pytest.raises(TypeError, match="history must be a History, got dict"):
        plot_learning_curves({"train_loss": [1.0]})
    with pytest.raises(ValueError, match="metric must be one of 'loss', 'acc'; got 'f1'"):
        plot_learning_curves(history(True), metric="f1")


# --- plot_mean_band --------------------------------------------------------------------------


def test_mean_band_draws_the_mean_and_a_one_std_band():
    values = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 5.0]])
    _, ax = plt.subplots()
    assert plot_mean_band([0, 1, 2], values, ax=ax, label="runs", color="#009E73", lw=3) is ax
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [2.0, 2.0, 4.0])
    assert line.get_label() == "runs"
    assert line.get_linewidth() == 3
    assert to_hex(line.get_color()) == "#009e73"
    (band,) = ax.collections
    vertices = np.concatenate([p.vertices for p in band.get_paths()])
    # The band spans mean ± std (ddof=0): from 1 to 3, 2 to 2, 3 to 5.
    assert vertices[:, 1].min() == pytest.approx(1.0)
    assert vertices[:, 1].max() == pytest.approx(5.0)
    assert to_hex(band.get_facecolor()[0]) == "#009e73"


def test_mean_band_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"values must have shape \(n_repeats, 3\), got \(2, 4\)"):
        plot_mean_band([0, 1, 2], np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"values must have shape \(n_repeats, 3\), got \(3,\)"):
        plot_mean_band([0, 1, 2], np.zeros(3))


# --- plot_decision_boundary ------------------------------------------------------------------


@pytest.fixture(scope="module")
def moons():
    return two_moons(40, seed=0)


def test_decision_boundary_draws_shading_boundary_and_both_classes(moons):
    X, y = moons
    _, ax = plt.subplots()
    model = mlp(2, [8], 1, seed=0)
    assert plot_decision_boundary(model, X, y, ax=ax, resolution=20, title="moons") is ax
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    scatters = [
        c for c in ax.collections if isinstance(c, PathCollection) and not isinstance(c, ContourSet)
    ]
    assert len(contours) == 2  # filled regions and the boundary line
    assert len(scatters) == 2
    np.testing.assert_allclose(scatters[0].get_offsets(), X[y == 0].numpy())
    np.testing.assert_allclose(scatters[1].get_offsets(), X[y == 1].numpy())
    assert ax.get_title() == "moons"
    assert ax.get_legend_handles_labels()[1] == ["class 0", "class 1"]


def test_decision_boundary_limits_include_the_margin(moons):
    X, y = moons
    _, ax = plt.subplots()
    plot_decision_boundary(lambda g: g[:, 0], X, y, ax=ax, resolution=10, margin=0.25)
    lo = X.min(dim=0).values - 0.25
    hi = X.max(dim=0).values + 0.25
    assert ax.get_xlim() == pytest.approx((float(lo[0]), float(hi[0])))
    assert ax.get_ylim() == pytest.approx((float(lo[1]), float(hi[1])))


def test_decision_boundary_accepts_a_plain_function_and_evaluates_the_whole_grid(moons):
    X, y = moons
    seen = []

    def score(grid):
        seen.append(grid.clone())
        return grid[:, 0] - 0.5

    plot_decision_boundary(score, X, y, resolution=7)
    (grid,) = seen
    assert grid.shape == (49, 2)
    assert float(grid[:, 0].min()) == pytest.approx(float(X[:, 0].min()) - 0.5)
    assert float(grid[:, 1].max()) == pytest.approx(float(X[:, 1].max()) + 0.5)


@pytest.mark.parametrize("start_training", [True, False])
def test_decision_boundary_uses_eval_mode_and_restores_the_mode(moons, start_training):
    X, y = moons
    model = mlp(2, [8], 1, dropout=0.5, seed=0)
    model.train(start_training)
    modes = []
    model.register_forward_pre_hook(lambda m, a: modes.append(m.training))
    plot_decision_boundary(model, X, y, resolution=10)
    assert modes == [False]
    assert model.training is start_training
    assert all(m.training is start_training for m in model.modules())


def test_decision_boundary_restores_every_layers_mode_not_only_the_top_one(moons):
    # Mixed modes (dropout on, the rest in eval mode, as for MC dropout) come back as
    # they were; restoring only the top-level flag with model.train() would switch
    # every layer to training mode.
    X, y = moons
    model = mlp(2, [8], 1, dropout=0.5, seed=0).eval()
    model[2].train()
    before = [m.training for m in model.modules()]
    plot_decision_boundary(model, X, y, resolution=5)
    assert [m.training for m in model.modules()] == before


def test_decision_boundary_does_not_track_gradients(moons):
    X, y = moons
    grads = []
    model = mlp(2, [4], 1, seed=0)
    model.register_forward_hook(lambda m, a, out: grads.append(out.requires_grad))
    plot_decision_boundary(model, X, y, resolution=5)
    assert grads == [False]


@pytest.mark.parametrize(
    ("X", "shown"),
    [(torch.zeros(5, 3), r"\(5, 3\)"), (torch.zeros(5), r"\(5,\)"), (np.zeros((5, 2)), "ndarray")],
)
def test_decision_boundary_rejects_inputs_that_are_not_n_by_2_tensors(X, shown):
    with pytest.raises(ValueError, match=rf"X must be a tensor of shape \(n, 2\), got {shown}"):
        plot_decision_boundary(lambda g: g[:, 0], X, torch.zeros(5))


@pytest.mark.parametrize(
    ("resolution", "error", "match"),
    [
        (1, ValueError, r"resolution must be in \[2, inf\], got 1"),
        (2.5, TypeError, "resolution must be an integer, got 2.5"),
    ],
)
def test_decision_boundary_rejects_invalid_resolution(moons, resolution, error, match):
    X, y = moons
    with pytest.raises(error, match=match):
        plot_decision_boundary(lambda g: g[:, 0], X, y, resolution=resolution)
