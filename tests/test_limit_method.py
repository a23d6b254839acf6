"""The N -> infinity limit as a value of the order axis: N = inf in the data, one point per (scaling, pump
ratio) in a study, the engine's own result, and drawn at 1/N = 0 in the convergence figure."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cumex import solve_point
from cumex.assemble import assemble
from cumex.config import grid_points, validate_study
from cumex.errors import CumexInputError
from cumex.limits.api import solve_limit
from cumex.plots import plot_convergence


def test_limit_point_is_at_N_infinity_and_equals_the_engine() -> None:
    ds = solve_point(order="limit", scaling="fixed_g_sqrtN", pump_ratio=0.6, overrides={"g_sqrtN": 2.0})
    assert math.isinf(ds["N"].item()) and ds["status"].item() == "ok"
    direct = solve_limit("central_spin", "fixed_g_sqrtN", {"pump_ratio": 0.6, "g_sqrtN": 2.0})
    assert ds["central_population"].item() == pytest.approx(direct.physical.observables["central_population"], abs=1e-14)


def test_limit_approaches_exact_at_large_N() -> None:
    """p0(N) - p0(inf) falls like 1/N (the engine's own tests fit the slope; here: halving from N = 100 to 200)."""
    limit = solve_point(order="limit", scaling="fixed_g_sqrtN", pump_ratio=0.75)["central_population"].item()
    errors = [abs(solve_point(order="exact", scaling="fixed_g_sqrtN", N=N, pump_ratio=0.75)["central_population"].item() - limit)
              for N in (100, 200)]
    assert errors[1] / errors[0] == pytest.approx(0.5, abs=0.1)


def test_study_expands_limit_once_and_refuses_scaling_none() -> None:
    config = validate_study({"study": "l", "grids": [{"scalings": ["fixed_g_sqrtN"], "orders": ["exact", "limit"],
                                                      "N": [2, 4, 8], "pump_ratios": [0.4, 0.75]}]})
    limits = [p for p in grid_points(config) if p.order == "limit"]
    assert len(limits) == 2 and all(math.isinf(p.values[0]) for p in limits)
    with pytest.raises(CumexInputError, match=r"grids\[0\].orders\[1\]"):
        validate_study({"study": "l", "grids": [{"scalings": ["none"], "orders": ["exact", "limit"], "N": [2], "pump_ratios": [0.5]}]})


def test_convergence_figure_draws_the_limit_at_one_over_N_zero() -> None:
    points = [solve_point(order="exact", scaling="fixed_g_sqrtN", N=N, pump_ratio=0.75) for N in (2, 4, 8)]
    points.append(solve_point(order="limit", scaling="fixed_g_sqrtN", pump_ratio=0.75))
    ds = assemble(points)
    ax = plot_convergence(ds, pump_ratio=0.75).axes[0]
    marker = next(line for line in ax.get_lines() if "limit" in line.get_label())
    assert list(marker.get_xdata()) == [0.0]
    limit = ds["central_population"].sel(order="limit", N=np.inf).item()
    assert marker.get_ydata()[0] == pytest.approx(limit, abs=1e-15)
    levels = [line for line in ax.get_lines() if line.get_linestyle() == "--" and np.allclose(line.get_ydata(), limit)]
    assert levels  # the dashed level of the limit across the panel
