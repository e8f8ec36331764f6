"""Tests of lessons_lib.widgets: a sweep that is live in Jupyter and static on the site."""

from __future__ import annotations

import IPython.display
import ipywidgets
import matplotlib.pyplot as plt
import pytest

from lessons_lib.widgets import MODE_ENV_VAR, MODES, live_sweep, resolve_mode, static_sweep, sweep


class Recorder:
    """A ``draw(value, ax)`` callback that remembers its calls."""

    def __init__(self):
        self.calls: list[tuple[object, object]] = []

    def __call__(self, value, ax):
        self.calls.append((value, ax))
        ax.plot([0, 1], [0, value])

    @property
    def values(self) -> list:
        return [v for v, _ in self.calls]


@pytest.fixture
def no_mode_env(monkeypatch):
    monkeypatch.delenv(MODE_ENV_VAR, raising=False)


# --- resolve_mode ----------------------------------------------------------------------------


def test_the_documented_variable_and_every_listed_mode_are_honoured(monkeypatch):
    # The name the Makefile and the book build use, spelled out (not MODE_ENV_VAR).
    monkeypatch.setenv("LESSONS_LIB_WIDGETS", "live")
    assert resolve_mode() == "live"
    assert [resolve_mode(m) for m in MODES] == ["live" if m == "auto" else m for m in MODES]


@pytest.mark.parametrize("env", [None, "live", "static", "bogus"])
@pytest.mark.parametrize("mode", ["live", "static"])
def test_explicit_modes_win_over_the_environment(monkeypatch, mode, env):
    if env is None:
        monkeypatch.delenv(MODE_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(MODE_ENV_VAR, env)
    assert resolve_mode(mode) == mode


@pytest.mark.parametrize(
    ("env", "expected"),
    [("live", "live"), ("static", "static"), (" LIVE ", "live"), ("Static\n", "static")],
)
def test_auto_mode_reads_the_environment_variable(monkeypatch, env, expected):
    monkeypatch.setenv(MODE_ENV_VAR, env)
    assert resolve_mode() == expected
    assert resolve_mode("auto") == expected


def test_auto_mode_outside_a_kernel_is_static(no_mode_env):
    assert resolve_mode() == "static"


def test_auto_mode_with_an_empty_variable_falls_back_to_detection(monkeypatch):
    monkeypatch.setenv(MODE_ENV_VAR, "  ")
    assert resolve_mode() == "static"


def test_auto_mode_inside_a_kernel_is_live(no_mode_env, monkeypatch):
    class FakeShell:
        kernel = object()

    monkeypatch.setattr("IPython.get_ipython", lambda: FakeShell())
    assert resolve_mode() == "live"


def test_auto_mode_in_a_terminal_ipython_is_static(no_mode_env, monkeypatch):
    class TerminalShell:
        pass

    monkeypatch.setattr("IPython.get_ipython", lambda: TerminalShell())
    assert resolve_mode() == "static"


@pytest.mark.parametrize("env", ["interactive", "auto", "1"])
def test_auto_mode_rejects_an_invalid_environment_variable(monkeypatch, env):
    monkeypatch.setenv(MODE_ENV_VAR, env)
    with pytest.raises(
        ValueError,
        match=rf"LESSONS_LIB_WIDGETS must be one of 'live', 'static'; "
        rf"got '{env}'",
    ):
        resolve_mode()


@pytest.mark.parametrize("mode", ["dynamic", "Live", "", None])
def test_resolve_mode_rejects_unknown_modes(mode):
    with pytest.raises(
        ValueError,
        match=rf"mode must be one of 'auto', 'live', 'static'; "
        rf"got {mode!r}",
    ):
        resolve_mode(mode)


# --- static_sweep ----------------------------------------------------------------------------


def test_static_sweep_draws_one_visible_panel_per_value_and_hides_the_rest():
    draw = Recorder()
    fig = static_sweep(draw, "lam", [0.0, 0.1, 1.0, 10.0, 100.0], ncols=4)
    axes = fig.get_axes()
    assert len(axes) == 8  # 2 rows x 4 columns
    visible = [ax for ax in axes if ax.get_visible()]
    assert len(visible) == 5
    assert [ax.get_title() for ax in visible] == [
        "lam = 0.0",
        "lam = 0.1",
        "lam = 1.0",
        "lam = 10.0",
        "lam = 100.0",
    ]
    assert draw.values == [0.0, 0.1, 1.0, 10.0, 100.0]
    assert [ax for _, ax in draw.calls] == visible
    assert all(not ax.get_visible() for ax in axes[5:])
    assert all(len(ax.get_lines()) == 1 for ax in visible)


def test_static_sweep_with_fewer_values_than_columns_uses_one_row():
    fig = static_sweep(Recorder(), "k", [1, 2, 3], ncols=4, panel_size=(2.0, 1.5))
    assert len(fig.get_axes()) == 3
    assert all(ax.get_visible() for ax in fig.get_axes())
    assert tuple(fig.get_size_inches()) == pytest.approx((6.0, 1.5))


def test_static_sweep_figure_size_grows_with_the_grid():
    fig = static_sweep(Recorder(), "k", range(6), ncols=2, panel_size=(3.0, 2.0))
    assert len(fig.get_axes()) == 6
    assert tuple(fig.get_size_inches()) == pytest.approx((6.0, 6.0))


def test_static_sweep_shares_y_axes_unless_told_otherwise():
    fig = static_sweep(Recorder(), "k", [1, 5], sharey=True)
    a, b = fig.get_axes()
    assert a.get_ylim() == b.get_ylim()
    fig = static_sweep(Recorder(), "k", [1, 5], sharey=False)
    a, b = fig.get_axes()
    assert a.get_ylim() != b.get_ylim()


def test_static_sweep_returns_a_figure_that_stays_open():
    fig = static_sweep(Recorder(), "k", [1])
    assert fig.number in plt.get_fignums()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"values": []}, ValueError, "values must contain at least one value"),
        ({"ncols": 0}, ValueError, r"ncols must be in \[1, inf\], got 0"),
        ({"ncols": 2.0}, TypeError, "ncols must be an integer, got 2.0"),
    ],
)
def test_static_sweep_rejects_invalid_arguments(kwargs, error, match):
    args = {"draw": Recorder(), "name": "k", "values": [1, 2]} | kwargs
    with pytest.raises(error, match=match):
        static_sweep(**args)


# --- live_sweep ------------------------------------------------------------------------------


def test_live_sweep_builds_a_slider_over_the_values_and_an_output_area():
    draw = Recorder()
    box = live_sweep(draw, "degree", [1, 3, 9])
    assert isinstance(box, ipywidgets.VBox)
    slider, out = box.children
    assert isinstance(slider, ipywidgets.SelectionSlider)
    assert isinstance(out, ipywidgets.Output)
    assert list(slider.options) == [1, 3, 9]
    assert slider.value == 1
    assert slider.description == "degree"
    assert slider.continuous_update is False
    assert draw.values == [1], "the first state is drawn immediately"


def test_live_sweep_redraws_when_the_slider_moves():
    draw = Recorder()
    slider, _ = live_sweep(draw, "degree", [1, 3, 9]).children
    slider.value = 9
    assert draw.values == [1, 9]
    slider.value = 3
    assert draw.values == [1, 9, 3]
    assert draw.calls[-1][1].get_title() == "degree = 3"


def test_live_sweep_closes_the_figures_it_draws():
    before = plt.get_fignums()
    slider, _ = live_sweep(Recorder(), "k", [1, 2]).children
    slider.value = 2
    assert plt.get_fignums() == before


def test_live_sweep_starts_at_the_initial_value():
    draw = Recorder()
    slider, _ = live_sweep(draw, "k", ["a", "b", "c"], initial="b").children
    assert slider.value == "b"
    assert draw.values == ["b"]


def test_live_sweep_displays_each_redraw_in_its_output_area(monkeypatch):
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    slider, _ = live_sweep(Recorder(), "k", [1, 2], figsize=(3.0, 2.0)).children
    slider.value = 2
    assert len(shown) == 2
    assert all(isinstance(fig, plt.Figure) for fig in shown)
    assert shown[-1].axes[0].get_title() == "k = 2"
    assert tuple(shown[-1].get_size_inches()) == pytest.approx((3.0, 2.0))


def test_live_sweep_rejects_empty_values_with_a_value_error():
    with pytest.raises(ValueError, match="values must contain at least one value"):
        live_sweep(Recorder(), "k", [])


def test_live_sweep_rejects_an_initial_value_not_in_values():
    with pytest.raises(ValueError, match="initial must be one of the values"):
        live_sweep(Recorder(), "k", [1, 2], initial=5)


# --- sweep -----------------------------------------------------------------------------------


def test_static_sweep_via_sweep_returns_none_and_leaves_one_figure():
    draw = Recorder()
    before = set(plt.get_fignums())
    assert sweep(draw, "lam", [0.1, 1.0, 10.0], mode="static", ncols=2) is None
    (new,) = set(plt.get_fignums()) - before
    fig = plt.figure(new)
    assert len([ax for ax in fig.get_axes() if ax.get_visible()]) == 3
    assert len(fig.get_axes()) == 4
    assert draw.values == [0.1, 1.0, 10.0]


def test_sweep_in_auto_mode_follows_the_environment(monkeypatch):
    monkeypatch.setenv(MODE_ENV_VAR, "static")
    draw = Recorder()
    assert sweep(draw, "k", [1, 2]) is None
    assert draw.values == [1, 2]


def test_sweep_passes_static_keywords_on():
    sweep(Recorder(), "k", [1, 2], mode="static", panel_size=(1.0, 1.0), sharey=False)
    fig = plt.gcf()
    assert tuple(fig.get_size_inches()) == pytest.approx((2.0, 1.0))


def test_live_sweep_via_sweep_displays_the_widget_and_returns_none(monkeypatch):
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    draw = Recorder()
    assert sweep(draw, "k", [1, 2, 3], initial=2, mode="live") is None
    boxes = [obj for obj in shown if isinstance(obj, ipywidgets.VBox)]
    assert len(boxes) == 1
    assert boxes[0].children[0].value == 2
    assert draw.values == [2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": []}, "values must contain at least one value"),
        ({"initial": 7}, r"initial must be one of the values \[1, 2\], got 7"),
        ({"mode": "fancy"}, "mode must be one of 'auto', 'live', 'static'; got 'fancy'"),
        ({"mode": "static", "ncols": 0}, r"ncols must be in \[1, inf\], got 0"),
    ],
)
def test_sweep_rejects_invalid_arguments(kwargs, match):
    args = {"draw": Recorder(), "name": "k", "values": [1, 2]} | kwargs
    with pytest.raises(ValueError, match=match):
        sweep(**args)


def test_sweep_accepts_any_iterable_of_values():
    draw = Recorder()
    sweep(draw, "k", (v for v in (3, 4)), mode="static")
    assert draw.values == [3, 4]
