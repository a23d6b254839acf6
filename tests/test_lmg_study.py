"""The LMG-dimer study through the generic layers: the shipped study, config checks, its two figures
drawn from the data (Kothe & Kirton 2025, Figs. 2 and 3), and a tiny study through Snakemake."""

from __future__ import annotations

import copy
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from matplotlib.collections import QuadMesh

from cumex.assemble import assemble
from cumex.config import grid_points, plan_batches, settings_for, validate_study
from cumex.errors import CumexInputError
from cumex.io import read_dataset
from cumex.meanfield import lmg_boundaries as bd
from cumex.plots import draw_figure
from cumex.study import solve_point

ROOT = Path(__file__).resolve().parents[1]
FAST = {"n_fixed_point_starts": 32, "n_starts": 0, "t_transient": 100.0, "t_window": 100.0, "t_max": 200.0, "t_lyapunov": 10.0}
TINY = {
    "study": "lmg_tiny",
    "model": "lmg_dimer",
    "grids": [
        # mean-field: S is fixed to inf by the model (may be omitted)
        {"orders": ["1"], "J_range": {"start": -1.5, "stop": 1.5, "num": 3}, "lambda": [0.0, 0.3, 1.0]},
        {"orders": ["exact"], "S": [1, 2], "J_range": {"start": -1.5, "stop": 1.5, "num": 3}, "lambda": [0.3]},
    ],
    "parameters": {"g": 1.0, "gamma": 0.5},
    "settings": FAST,
    "batching": {"group_by": "J", "points_per_job": 0},
    "figures": {"formats": ["png"], "panels": {"cuts": [{"lambda": 0.3}]}},
}


def extend_default(study: dict) -> dict:
    """``study`` as Snakemake reads it: --configfile extends config/config.yaml (mappings merged, lists replaced)."""
    base = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    merged = copy.deepcopy(base)
    for key, value in study.items():
        merged[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return validate_study(merged)


def test_shipped_study_is_valid_and_the_paper_size():
    cfg = extend_default(yaml.safe_load((ROOT / "config" / "lmg_dimer.yaml").read_text()))
    points = grid_points(cfg)
    mf = [dict(zip(("J", "lambda", "S"), p.values)) for p in points if p.order == "1"]
    J = sorted({p["J"] for p in mf})
    lam = sorted({p["lambda"] for p in mf})
    assert len(mf) == 81 * 61 == len(J) * len(lam) and {p["S"] for p in mf} == {math.inf}
    assert (J[0], J[-1], lam[0], lam[-1]) == (-2.0, 2.0, 0.0, 1.5)
    assert cfg["parameters"]["gamma"] == 0.5 * cfg["parameters"]["g"]
    exact = [dict(zip(("J", "lambda", "S"), p.values)) for p in points if p.order == "exact"]
    assert {p["S"] for p in exact} == {1.0, 2.0, 3.0, 4.0}
    for cut in cfg["figures"]["panels"]["cuts"]:  # every cut lies on a mean-field grid line and has its exact points
        (fixed, value), = cut.items()
        assert value in (J if fixed == "J" else lam)
        for S in (1.0, 2.0, 3.0, 4.0):
            assert sum(p[fixed] == value and p["S"] == S for p in exact) >= 41
    # one job per J row: 81 mean-field rows and the exact rows of the cuts
    batches = plan_batches(cfg)
    assert sum(b.order == "1" for b in batches.values()) == 81
    assert all(len(b.values) == 61 for b in batches.values() if b.order == "1")


@pytest.mark.parametrize(
    "change, key",
    [
        ({"grids": [{"orders": ["1"], "J": [0.0], "lambda": [0.0], "colour": [1]}]}, "grids[0].colour"),
        ({"grids": [{"orders": ["1"], "J": [0.0], "lambda_range": {"start": -1, "stop": 1, "num": 2}}]}, "grids[0].lambda_range.start"),
        ({"grids": [{"orders": ["exact"], "J": [0.0], "lambda": [0.0], "S": [0.7]}], "settings": {}}, "grids[0].S[0]"),
        ({"grids": [{"orders": ["exact"], "J": [0.0], "lambda": [0.0]}], "settings": {}}, "grids[0].S"),  # only mean-field fixes S
        ({"grids": [{"orders": ["2"], "J": [0.0], "lambda": [0.0]}]}, "grids[0].orders[0]"),
        ({"parameters": {"J": 1.0}}, "parameters.J"),
        ({"figures": {"panels": {"cuts": [{"colour": 1}]}}}, "figures.panels.cuts[0].colour"),
        ({"figures": {"panels": {"cuts": [{"lambda": -1}]}}}, "figures.panels.cuts[0].lambda"),
        ({"figures": {"panels": {"stability": [{"J": 0}]}}}, "figures.panels.stability"),
        ({"figures": {"pump_ratio": 0.75}}, "figures.pump_ratio"),
        ({"batching": {"group_by": "N"}}, "batching.group_by"),
    ],
)
def test_bad_study_names_the_key(change, key):
    with pytest.raises(CumexInputError, match=key.replace(".", r"\.").replace("[", r"\[").replace("]", r"\]")):
        validate_study({**copy.deepcopy(TINY), **change})


@pytest.fixture(scope="module")
def tiny_dataset():
    """The tiny study solved point by point (no Snakemake), assembled on its union grid."""
    cfg = validate_study(copy.deepcopy(TINY))
    points = [solve_point("lmg_dimer", p.order, overrides=cfg["parameters"], settings=settings_for(p.order, FAST, "lmg_dimer"),
                          **dict(zip(("J", "lambda", "S"), p.values)))
              for p in grid_points(cfg)]
    return assemble(points)


def test_stability_map_is_numeric_hatched_and_decorated(tiny_dataset):
    ds = tiny_dataset
    assert ds["n_stable"].dims == ("scaling", "order", "J", "lambda", "S")
    fig = draw_figure(ds, "stability")
    (ax,) = fig.axes  # exact has no points at S = inf: mean-field's column only
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    mf = ds.sel(scaling="none", order="1", S=math.inf)
    # numeric cells centred on the grid values (J step 1.5)
    assert ax.get_xlim() == pytest.approx((-2.25, 2.25))
    np.testing.assert_array_equal(mesh.get_array().reshape(3, 3), np.minimum(mf["n_stable"].transpose("lambda", "J").values, 3))
    # J = ±1.5 beyond J_c(λ) (eq. 12): the two LMG fixed points; J = 0, λ ≤ 0.3 < γ: the normal state alone
    assert mf["n_stable"].sel(J=1.5, **{"lambda": 0.0}).item() == 2 and mf["n_stable"].sel(J=0.0, **{"lambda": 0.3}).item() == 1
    # at J = 0, λ = 1 > γ no fixed point is stable: the cell is hatched as a cycle or irregular attractor
    kind = str(mf["attractor"].sel(J=0.0, **{"lambda": 1.0}).item())
    assert kind in ("limit_cycle", "irregular") and mf["n_stable"].sel(J=0.0, **{"lambda": 1.0}).item() == 0
    assert any(c.get_hatch() for c in ax.collections if not isinstance(c, QuadMesh))
    # uneven lambda 0, 0.3, 1.0 is drawn true (cells reach halfway to the neighbours), so decorations sit right
    assert ax.get_ylim() == pytest.approx((-0.15, 1.35))
    assert ax.get_lines()


def test_stability_map_draws_boundaries_on_a_uniform_grid(tiny_dataset):
    ds = tiny_dataset.sel({"lambda": [0.0, 0.3]})  # uniform in lambda now
    ax = draw_figure(ds, "stability").axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    eq12 = lines["eq. 12: $|J| = J_c(\\lambda)$"]
    # the boundary sits in data coordinates: at λ = 0, J_c = (γ² + g²)/(2g) = 0.625 g (closed form)
    lam, J = eq12.get_ydata(), eq12.get_xdata()
    assert np.interp(0.0, lam, J) == pytest.approx((0.5**2 + 1) / 2, rel=1e-3)
    assert "Hopf line of the normal state" in lines and "eq. 13 (lowest order in $J$)" in lines
    hopf = lines["Hopf line of the normal state"]
    assert np.interp(0.0, hopf.get_xdata(), hopf.get_ydata()) == pytest.approx(0.5, rel=1e-3)  # λ_H(0) = γ (400 samples)
    assert bd.lambda_hopf(0.0, 1.0, 0.5) == pytest.approx(0.5)


def test_cuts_draw_mean_field_line_and_exact_dots_per_S(tiny_dataset):
    ds = tiny_dataset
    fig = draw_figure(ds, "cuts", {"panels": {"cuts": [{"lambda": 0.3}, {"J": 1.5}]}})
    axes = [ax for ax in fig.axes if ax.get_lines()]
    assert len(axes) == 2 and "0.3" in axes[0].get_title()
    lines = {line.get_label(): line for line in axes[0].get_lines()}
    mf = lines["mean-field (MF), $S = \\infty$"]
    np.testing.assert_allclose(mf.get_xdata(), [-1.5, 0.0, 1.5])
    np.testing.assert_allclose(mf.get_ydata(), ds["Z_B"].sel(order="1", S=math.inf, **{"lambda": 0.3}).values.ravel())
    for S in (1, 2):
        dots = lines[f"exact, $S = {S}$"]
        assert dots.get_marker() == "o" and dots.get_linestyle() == "None"
        np.testing.assert_allclose(dots.get_ydata(), ds["Z_B"].sel(order="exact", S=float(S), **{"lambda": 0.3}).values.ravel())
    # the cut at J = 1.5 sweeps lambda: the mean-field line over the grid's three lambda values
    other = {line.get_label(): line for line in axes[1].get_lines()}
    np.testing.assert_allclose(other["mean-field (MF), $S = \\infty$"].get_xdata(), [0.0, 0.3, 1.0])
    assert "exact, $S = 1$" in other  # the exact point at (J, λ) = (1.5, 0.3)


@pytest.mark.slow
def test_tiny_study_through_snakemake(tmp_path):
    """`snakemake --configfile` with no target: the generic rules solve, aggregate and plot an LMG study
    (slow: ~100 s on the loaded 2-core machine, mostly Snakemake's and Python's start-up per job)."""
    config = tmp_path / "tiny.yaml"
    config.write_text(yaml.safe_dump(TINY))
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path),
         "--configfile", str(config), "--cores", "2", "-q"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    results = tmp_path / "results" / "lmg_tiny"
    ds = read_dataset(results / "dataset.nc")
    assert {"J", "lambda", "S"} <= set(ds["n_stable"].dims)
    assert (ds["converged"].sel(order="1", S=math.inf) == 1).all()
    # J = ±1.5 beyond J_c: two stable states; J = 0 at λ ≤ 0.3: the normal state alone
    n = ds["n_stable"].sel(scaling="none", order="1", S=math.inf)
    assert n.sel(J=0.0, **{"lambda": [0.0, 0.3]}).values.tolist() == [1, 1]
    assert n.sel(J=1.5, **{"lambda": [0.0, 0.3]}).values.tolist() == [2, 2]
    # the workflow's values equal a direct solve (exact is deterministic)
    direct = solve_point("lmg_dimer", "exact", J=0.0, lambda_=0.3, S=2, overrides=TINY["parameters"])
    assert ds["Z_B"].sel(scaling="none", order="exact", J=0.0, S=2.0, **{"lambda": 0.3}).item() == pytest.approx(
        direct["Z_B"].values.item(), abs=1e-12)
    for name in ("stability", "cuts"):
        assert (results / "figures" / f"{name}.png").stat().st_size > 5000
