"""Multimode Dicke pattern retrieval through the one door: the dataset's overlaps equal eq. 12, patterns
beyond M are NaN, and the model's g_crit lines are the engine's closed form."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cumex import solve_point
from cumex.meanfield.multimode_dicke_model import g_crit, overlap_closed_form, resolve_parameters
from cumex.models.multimode_dicke import critical_couplings


@pytest.mark.parametrize("g0", [0.7, 1.2])
def test_overlaps_equal_eq_12(g0: float) -> None:
    ds = solve_point(model="multimode_dicke", order="1", g0=g0, M=3, settings={"count_fixed_points": False})
    assert ds["status"].item() == "ok"
    closed = overlap_closed_form(resolve_parameters({"M": 3, "g0": g0}))
    assert ds["overlap"].dims[-1] == "pattern" and list(ds["pattern"].values) == list(range(1, 9))
    for mu in (1, 2, 3):
        assert ds["overlap"].sel(pattern=mu).item() == pytest.approx(closed[mu - 1], abs=1e-8)
    assert all(math.isnan(ds["overlap"].sel(pattern=mu).item()) for mu in range(4, 9))


def test_counts_and_critical_couplings() -> None:
    ds = solve_point(model="multimode_dicke", order="1", g0=1.0, M=2)
    assert ds["n_steady_states"].item() >= ds["n_stable"].item() >= 1
    np.testing.assert_allclose(critical_couplings(0.5, 1.0, 4), g_crit(resolve_parameters({"M": 4})), rtol=1e-14)


def test_study_figures_draw_a_line_per_pattern(tmp_path: Path) -> None:
    from cumex.assemble import assemble
    from cumex.plots import draw_figure, save_figure

    ds = assemble([solve_point(model="multimode_dicke", order="1", g0=g0, M=2, settings={"count_fixed_points": False})
                   for g0 in (0.5, 0.8, 1.1)])
    ax = draw_figure(ds, "overlap").axes[0]
    lines = [line for line in ax.get_lines() if "pattern" in line.get_label()]
    assert len(lines) == 2  # patterns 1 and 2; 3..8 are NaN at M = 2
    np.testing.assert_allclose(lines[0].get_ydata(), ds["overlap"].sel(pattern=1).values.ravel(), rtol=1e-12)
    save_figure(draw_figure(ds, "mode_occupation"), [tmp_path / "m.png"])
    assert (tmp_path / "m.png").stat().st_size > 5000
