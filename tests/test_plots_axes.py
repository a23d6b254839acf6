"""Axes of the figures, read back from real figures: the N axis (log N with N -> inf marked, or 1/N), every
tick labelled, numeric map axes, degenerate figures adapted or replaced with a notice that says why,
bounded figure sizes, the closed-form mean-field line of the pump-ratio figure, fonts in PDFs."""

from __future__ import annotations

import copy
import math
import re

import numpy as np
import pytest
import xarray as xr
from matplotlib.collections import QuadMesh
from synthetic import OBSERVABLES, central_spin_point

from cumex.assemble import assemble
from cumex.config import validate_study
from cumex.errors import CumexInputError
from cumex.figure_choices import check_figures
from cumex.models.central_spin import MODEL, mean_field_population, mean_field_threshold
from cumex.plots import draw_figure, save_figure
from cumex.plots.notice import MAX_FIGURE_INCHES
from cumex.plots.style import RC_PARAMS, order_style
from cumex.results import MethodResult, SteadyState
from cumex.study import solve_point

LIMIT = {"fixed_g_sqrtN": 0.61, "fixed_kappa_over_N": 0.44}


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures are closed after each test (pyplot keeps them; more than 20 open is a warning, an error here)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def made_up(order: str, N: float, r: float, mf_constant: bool) -> float:
    """Distinct made-up values; mean-field independent of N when ``mf_constant`` (as under fixed κ/N)."""
    if order == "1" and mf_constant:
        return 0.44 + 0.01 * r
    return 0.2 + 0.05 * int(order == "2") + 0.1 * r + 0.3 / N


def study(Ns, ratios=(0.75,), orders=("exact", "1", "2"), scalings=("fixed_g_sqrtN", "fixed_kappa_over_N"),
          limit: bool = False, n_stable=lambda order, N, r: 1) -> xr.Dataset:
    points = []
    for s in scalings:
        for o in orders:
            for N in Ns:
                for r in ratios:
                    obs = {name: 0.0 for name in OBSERVABLES}
                    obs["central_population"] = made_up(o, N, r, mf_constant=True)
                    k = n_stable(o, N, r)
                    states = [SteadyState(obs, True, 1e-12)] * k or [SteadyState(obs, False, 1e-12)]
                    points.append(central_spin_point(MethodResult(states, states[0], True, "ok"), order=o, scaling=s, N=N, pump_ratio=r))
        if limit:
            for r in ratios:
                obs = {name: 0.0 for name in OBSERVABLES}
                obs["central_population"] = LIMIT[s]
                state = SteadyState(obs, True, 1e-12)
                result = MethodResult([state], state, True, "ok")
                points.append(central_spin_point(result, order="limit", scaling=s, N=math.inf, pump_ratio=r))
    return assemble(points)


def labels(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels()]


def star(ax):
    return [line for line in ax.get_lines() if line.get_marker() == "*"]


def test_convergence_defaults_to_log_n_with_the_limit_at_infinity() -> None:
    Ns = (1, 2, 5, 20, 100, 1000)
    ds = study(Ns, limit=True)
    fig = draw_figure(ds, "convergence", {"pump_ratio": 0.75})
    for ax, scaling in zip(fig.axes, ("fixed_g_sqrtN", "fixed_kappa_over_N")):
        assert ax.get_xscale() == "log"
        tick_labels = labels(ax.xaxis)
        assert all(tick_labels) and tick_labels[-1] == r"$\infty$"
        assert not ax.xaxis.get_minorticklocs().size  # every tick labelled: no minor ticks
        ticks = ax.get_xticks()
        assert ticks[-1] > 2 * max(Ns) and ax.get_xlim()[1] > ticks[-1]  # ∞ beyond the largest N, inside the axes
        (marker,) = [line for line in star(ax) if "limit" in line.get_label()]
        assert marker.get_xdata()[0] == pytest.approx(ticks[-1]) and marker.get_ydata()[0] == pytest.approx(LIMIT[scaling])
        levels = [line for line in ax.get_lines() if line.get_linestyle() == "--" and np.allclose(line.get_ydata(), LIMIT[scaling])]
        assert levels
        exact = next(line for line in ax.get_lines() if line.get_label() == "exact")
        np.testing.assert_allclose(exact.get_xdata(), Ns)  # N itself, not 1/N
        np.testing.assert_allclose(exact.get_ydata(), [made_up("exact", N, 0.75, True) for N in Ns])


def test_inverse_n_is_the_papers_view_and_auto_uses_it_for_a_narrow_span() -> None:
    wide = study((1, 2, 5, 20, 100, 1000), limit=True)
    narrow = study((2, 4, 8), limit=True)
    for ds, choice in ((wide, "inverse_n"), (narrow, "auto")):
        ax = draw_figure(ds, "convergence", {"pump_ratio": 0.75, "n_axis": choice}).axes[0]
        assert ax.get_xscale() == "linear" and ax.get_xlabel() == "$1/N$"
        (marker,) = [line for line in star(ax) if "limit" in line.get_label()]
        assert list(marker.get_xdata()) == [0.0]
        assert all(labels(ax.xaxis))


def test_mean_field_limit_is_marked_only_where_the_scalings_limit_is_mean_field() -> None:
    # no limit order: fixed κ/N has limit "mean_field" and the (made-up) mean-field line is constant in N
    ds = study((1, 3, 10, 30, 100, 300))
    assert MODEL.scaling("fixed_kappa_over_N").limit == "mean_field" and MODEL.scaling("fixed_g_sqrtN").limit != "mean_field"
    ax_g, ax_k = draw_figure(ds, "convergence", {"pump_ratio": 0.75}).axes
    assert not star(ax_g) and labels(ax_g.xaxis)[-1] != r"$\infty$"
    (marker,) = star(ax_k)
    assert "mean-field" in marker.get_label() and labels(ax_k.xaxis)[-1] == r"$\infty$"
    assert marker.get_ydata()[0] == pytest.approx(made_up("1", 1, 0.75, True))


def test_n_axis_choice_is_validated() -> None:
    base = {"study": "a", "grids": [{"scalings": ["fixed_g_sqrtN"], "orders": ["1"], "N": [2, 4], "pump_ratios": [0.75]}]}
    assert validate_study({**copy.deepcopy(base), "figures": {"n_axis": "inverse_n"}})["figures"]["n_axis"] == "inverse_n"
    with pytest.raises(CumexInputError, match="figures.n_axis"):
        validate_study({**copy.deepcopy(base), "figures": {"n_axis": "log"}})
    with pytest.raises(CumexInputError, match="figures.n_axis.*log_n"):
        check_figures(MODEL, {"n_axis": "1/N"})


def test_error_figure_on_log_axes() -> None:
    ax = draw_figure(study((1, 3, 10, 30, 100, 300)), "error", {"pump_ratio": 0.75}).axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log" and all(labels(ax.xaxis))
    mf = next(line for line in ax.get_lines() if line.get_label() == "mean-field (MF)")
    Ns = np.array([1, 3, 10, 30, 100, 300])
    np.testing.assert_allclose(mf.get_ydata(), np.abs(0.44 + 0.0075 - (0.275 + 0.3 / Ns)), rtol=1e-9)


def test_one_pump_ratio_gives_a_notice_not_a_one_column_figure() -> None:
    fig = draw_figure(study((1, 2, 5)), "pump_ratio", {"N": 5})
    assert not fig.axes
    text = " ".join(t.get_text() for t in fig.texts)
    assert "one value of pump ratio" in text and "0.75" in text
    assert fig.get_size_inches()[1] <= MAX_FIGURE_INCHES[1]


def test_map_with_one_row_becomes_lines_and_says_why_and_that_it_is_uniform() -> None:
    fig = draw_figure(study((1, 10, 100, 1000)), "stability")
    assert len(fig.axes) == 2  # a panel per scaling, not a 1-row strip of maps
    title = fig.get_suptitle()
    assert "Only" in title and "0.75" in title and "drawn as lines" in title and "one stable steady state" in title
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and all(labels(ax.xaxis))
    exact = next(line for line in ax.get_lines() if line.get_label() == "exact")
    np.testing.assert_allclose(exact.get_ydata(), 1)


def test_map_axes_are_numeric_uneven_and_log_and_every_tick_labelled() -> None:
    ratios = (0.2, 0.5, 0.55)
    Ns = (1, 10, 100, 1000)
    ds = study(Ns, ratios=ratios, orders=("exact", "1"), n_stable=lambda o, N, r: 2 if (o == "1" and r > 0.5) else 1)
    fig = draw_figure(ds, "stability")
    ax = fig.axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylim() == pytest.approx((0.05, 0.575))  # halfway to the neighbours
    assert ax.get_xscale() == "log"
    assert ax.get_xlim() == pytest.approx((10**-0.5, 10**3.5))  # geometric midpoints of 1, 10, 100, 1000
    assert all(labels(ax.xaxis)) and all(labels(ax.yaxis)) and not ax.xaxis.get_minorticklocs().size
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    np.testing.assert_array_equal(mesh.get_array().reshape(len(ratios), len(Ns)), 1)  # exact: one state
    assert "Uniform" not in fig.get_suptitle()  # mean-field has two states above 0.5: not uniform


def test_map_counts_beyond_three_get_their_own_colours_and_integer_axes_their_values() -> None:
    Ns = (2, 3, 4)
    ds = study(Ns, ratios=(0.2, 0.5, 0.8), orders=("1",), n_stable=lambda o, N, r: 2 * N if r > 0.4 else 1)
    fig = draw_figure(ds, "stability")
    ax = fig.axes[0]
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    shown = mesh.get_array().reshape(3, len(Ns))
    np.testing.assert_array_equal(shown[1:], [[4, 6, 7], [4, 6, 7]])  # 8 states: the top level "7 or more"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:8] == ["0", "1", "2", "3", "4", "5", "6", "7 or more"]
    colours = {tuple(h.get_facecolor()) for h in fig.legends[0].legend_handles[:8]}
    assert len(colours) == 8
    assert labels(fig.axes[-1].xaxis) == ["2", "3", "4"]  # the bottom row: N's values, not 2.5


def test_map_size_is_bounded_with_many_columns() -> None:
    orders = ("exact", "1", "2", "3", "4", "5", "6", "3_broken")
    fig = draw_figure(study((1, 2, 4), ratios=(0.5, 0.75), orders=orders), "stability")
    width, height = fig.get_size_inches()
    assert len(fig.axes) == 2 * len(orders)
    assert width <= MAX_FIGURE_INCHES[0] + 1e-9 and height <= MAX_FIGURE_INCHES[1] + 1e-9


def test_every_order_has_its_own_colour_and_marker() -> None:
    orders = ["exact", "limit", "1", "2", "3", "4", "5", "6", "7", "8"]
    styles = {(order_style(o)["color"].lower(), order_style(o)["marker"]) for o in orders}
    assert len(styles) == len(orders)
    assert len({order_style(o)["marker"] for o in orders[2:]}) == len(orders) - 2


@pytest.fixture(scope="module")
def mean_field_points() -> list[xr.Dataset]:
    return [solve_point(order="1", scaling=s, N=N, pump_ratio=r)
            for s, N in (("fixed_kappa_over_N", 50), ("fixed_g_sqrtN", 20)) for r in (0.4, 0.6, 0.75, 0.95)]


def test_closed_form_mean_field_equals_the_mean_field_solver(mean_field_points) -> None:
    for ds in mean_field_points:
        pick = {d: 0 for d in ds["central_population"].dims}
        p = {k: float(ds[k].isel({d: 0 for d in ds[k].dims}).item()) for k in ("g", "kappa", "gamma_up", "gamma_down")}
        N, r = float(ds["N"].values[0]), float(ds["pump_ratio"].values[0])
        closed = mean_field_population(r, p["g"], p["kappa"], N, p["gamma_up"] + p["gamma_down"])
        assert float(closed) == pytest.approx(float(ds["central_population"].isel(pick).item()), abs=1e-8)


def test_pump_ratio_figure_draws_the_closed_form_and_says_when_r_c_is_off_axis(mean_field_points) -> None:
    ds = assemble([p for p in mean_field_points if p.attrs.get("scaling", str(p["scaling"].values[0])) == "fixed_kappa_over_N"
                   and float(p["pump_ratio"].values[0]) >= 0.6])
    ax = draw_figure(ds, "pump_ratio", {"N": 50}).axes[0]
    curve = next(line for line in ax.get_lines() if line.get_label() == "mean-field, closed form")
    lo, hi = ax.get_xlim()
    assert curve.get_xdata().min() == pytest.approx(lo) and curve.get_xdata().max() == pytest.approx(hi)
    rc = mean_field_threshold(0.75, 50 / 16, 50, 2.0)
    assert rc < lo  # the grid starts at 0.6, above R_c ≈ 0.528
    assert not [line for line in ax.get_lines() if line.get_label().startswith("MF threshold")]
    assert any("left of the axis" in t.get_text() and f"{rc:.3g}" in t.get_text() for t in ax.texts)


def test_pdf_embeds_truetype_fonts_and_math_uses_the_text_font(tmp_path) -> None:
    fig = draw_figure(study((1, 10, 100), limit=True), "convergence", {"pump_ratio": 0.75})
    save_figure(fig, [tmp_path / "c.pdf"])
    pdf = (tmp_path / "c.pdf").read_bytes()
    # Type 42: TrueType programs embedded (matplotlib writes them as CID fonts, /CIDFontType2 + /FontFile2)
    assert b"/FontFile2" in pdf and (b"/CIDFontType2" in pdf or b"/TrueType" in pdf)
    assert b"/Type3" not in pdf
    # text and mathematics in DejaVu Sans (math italics: DejaVu Sans Oblique); only the sized radical of
    # g sqrt(N) comes from matplotlib's STIX size fonts
    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont /([\w+-]+)", pdf)}
    assert {b"DejaVuSans", b"DejaVuSans-Oblique"} <= fonts
    assert all(f.startswith((b"DejaVuSans", b"STIXSize")) for f in fonts)
    assert RC_PARAMS["pdf.fonttype"] == 42 and RC_PARAMS["mathtext.fontset"] == "dejavusans"
    from matplotlib import font_manager, rc_context

    with rc_context(RC_PARAMS):
        text_font = font_manager.findfont(font_manager.FontProperties(family=RC_PARAMS["font.family"]))
    assert "DejaVuSans" in text_font  # the family mathtext's dejavusans set uses


def test_tavis_cummings_closed_form_mean_field_equals_its_solver() -> None:
    from cumex.models.tavis_cummings import mean_field_photon_number_per_N
    from cumex.models.tavis_cummings import mean_field_threshold as tc_threshold

    for N, r in ((20, 0.5), (20, 0.6), (200, 0.95)):
        ds = solve_point("tavis_cummings", "1", "fixed_g_sqrtN", N=N, pump_ratio=r)
        g = float(ds["g"].values.ravel()[0])
        assert tc_threshold(g, 1.0, N, 0.5) == pytest.approx(0.5 * (1 + 0.5 / (4 * 0.81)))  # g²N = 0.81
        solved = float(ds["photon_number_per_N"].values.ravel()[0])
        assert float(mean_field_photon_number_per_N(r, g, 1.0, N, 0.5)) == pytest.approx(solved, abs=1e-9)


def test_many_line_panels_wrap_into_rows_not_a_strip() -> None:
    scalings = ("fixed_g_sqrtN", "fixed_kappa_over_N", "fixed_gN", "none")
    fig = draw_figure(study((1, 4, 16, 64), scalings=scalings), "convergence", {"pump_ratio": 0.75})
    assert len(fig.axes) == 4
    width, height = fig.get_size_inches()
    assert width <= MAX_FIGURE_INCHES[0] and height <= MAX_FIGURE_INCHES[1] and width / height < 3
    rows = {ax.get_subplotspec().rowspan.start for ax in fig.axes}
    assert rows == {0, 1}
    assert all(ax.get_ylabel() for ax in fig.axes if ax.get_subplotspec().is_first_col())
