"""Figures are drawn from the dataset alone: what is plotted equals the data, failed points are marked."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from matplotlib.collections import QuadMesh
from synthetic import OBSERVABLES, central_spin_point

from cumex.models.central_spin import mean_field_threshold
from cumex.plots import FIGURES, plot_convergence, plot_error, plot_pump_ratio, plot_stability, save_figure
from cumex.results import MethodResult, SteadyState

SCALINGS = ("fixed_g_sqrtN", "fixed_kappa_over_N")
ORDERS = ("exact", "1", "2")
NS = (1, 2, 4, 50)
RATIOS = (0.25, 0.5, 0.75)
OFFSET = {"exact": 0.0, "1": 0.1, "2": 0.05}
FAILED = {("fixed_g_sqrtN", "2", 4, 0.75), ("fixed_kappa_over_N", "exact", 2, 0.75)}
MISSING = {("fixed_kappa_over_N", "1", 50, 0.25)}  # never part of the study


def p0(order: str, N: int, r: float) -> float:
    """Made-up values, distinct per point, so that a plotted line can be traced back to the data."""
    return 0.2 + OFFSET[order] + 0.1 * r + 0.3 / N


def point(scaling: str, order: str, N: int, r: float) -> xr.Dataset:
    if (scaling, order, N, r) in FAILED:
        result = MethodResult([], None, False, "error: synthetic failure")
    else:
        obs = {name: 0.0 for name in OBSERVABLES}
        obs["central_population"] = p0(order, N, r)
        states = [SteadyState(obs, True, 1e-12)] + [SteadyState(obs, False, 1e-12)] * (order == "1")
        result = MethodResult(states, states[0], True, "ok")
    return central_spin_point(result, order=order, scaling=scaling, N=N, pump_ratio=r)


@pytest.fixture(scope="module")
def study() -> xr.Dataset:
    points = [
        point(s, o, N, r) for s in SCALINGS for o in ORDERS for N in NS for r in RATIOS if (s, o, N, r) not in MISSING
    ]
    return xr.combine_by_coords(
        points, combine_attrs="drop_conflicts", data_vars="all", coords="different", compat="no_conflicts", join="outer"
    )


def lines_by_label(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


def failed_markers(ax) -> list[float]:
    return sorted(x for line in ax.get_lines() if line.get_marker() == "x" for x in line.get_xdata())


def test_convergence_plots_the_data(study: xr.Dataset) -> None:
    fig = plot_convergence(study, pump_ratio=0.75)
    axes = fig.axes
    assert len(axes) == len(SCALINGS)
    for ax, scaling in zip(axes, SCALINGS):
        lines = lines_by_label(ax)
        for order, label in (("exact", "exact"), ("1", "mean-field (MF)"), ("2", "cumulants, order 2 (C2)")):
            solved = [N for N in NS if (scaling, order, N, 0.75) not in FAILED]
            np.testing.assert_allclose(lines[label].get_xdata(), [1 / N for N in solved], rtol=1e-12)
            np.testing.assert_allclose(lines[label].get_ydata(), [p0(order, N, 0.75) for N in solved], rtol=1e-12)
        expected_failed = [1 / N for (s, o, N, r) in FAILED if s == scaling and r == 0.75]
        np.testing.assert_allclose(failed_markers(ax), sorted(expected_failed))
        assert ax.get_xlabel() == "$1/N$" and "p_0" in axes[0].get_ylabel()


def test_convergence_title_reads_scaling_constants_from_data(study: xr.Dataset) -> None:
    titles = [ax.get_title() for ax in plot_convergence(study).axes]
    assert r"g\sqrt{N} = 3" in titles[0] and r"\kappa = 1" in titles[0]
    assert r"\kappa/N = 0.0625" in titles[1] and "g = 0.75" in titles[1]


def test_error_is_distance_to_exact(study: xr.Dataset) -> None:
    ax = plot_error(study, pump_ratio=0.75).axes[1]  # fixed_kappa_over_N: exact failed at N = 2
    mf = lines_by_label(ax)["mean-field (MF)"]
    np.testing.assert_allclose(mf.get_xdata(), [1, 4, 50])
    np.testing.assert_allclose(mf.get_ydata(), [OFFSET["1"]] * 3, rtol=1e-9)
    assert 2.0 in failed_markers(ax)


def test_pump_ratio_figure_and_mean_field_threshold(study: xr.Dataset) -> None:
    fig = plot_pump_ratio(study, N=50)
    ax = fig.axes[1]
    lines = lines_by_label(ax)
    # MF at (fixed_kappa_over_N, N=50, r=0.25) is not part of the study: absent, not drawn
    np.testing.assert_allclose(lines["mean-field (MF)"].get_xdata(), [0.5, 0.75])
    # R_c = (1 + Gamma_T kappa / (4 g^2 N)) / 2 ~ 0.528 at N = 50, kappa/N = 1/16, g = 3/4 (issue 2)
    rc = lines[r"MF threshold $R_c$"].get_xdata()[0]
    assert rc == pytest.approx(0.528, abs=1e-3)
    assert mean_field_threshold(0.75, 50 / 16, 50, 2.0) == pytest.approx(0.5 + 0.5 * 2 * 50 / 16 / (4 * 0.5625 * 50))


def test_stability_map_counts_and_hatches_failures(study: xr.Dataset) -> None:
    fig = plot_stability(study)
    axes = fig.axes
    assert len(axes) == len(SCALINGS) * len(ORDERS)
    for i, scaling in enumerate(SCALINGS):
        for j, order in enumerate(ORDERS):
            ax = axes[i * len(ORDERS) + j]
            mesh, *hatch = [c for c in ax.collections if isinstance(c, QuadMesh) or c.get_hatch()]
            values = np.ma.masked_invalid(mesh.get_array()).reshape(len(RATIOS), len(NS))
            for a, r in enumerate(RATIOS):
                for b, N in enumerate(NS):
                    key = (scaling, order, N, r)
                    if key in FAILED or key in MISSING:
                        assert values.mask[a, b]
                    else:
                        assert values[a, b] == 1  # one stable state in every synthetic point
            n_failed = sum(1 for k in FAILED if k[:2] == (scaling, order))
            assert bool(hatch) == bool(n_failed)


def test_every_figure_saves_non_empty_files(study: xr.Dataset, tmp_path) -> None:
    for name, function in FIGURES.items():
        paths = [tmp_path / f"{name}.png", tmp_path / f"{name}.pdf"]
        save_figure(function(study), paths)
        for path in paths:
            assert path.stat().st_size > 5000
        assert not list(tmp_path.glob(".*.part"))
