"""The LMG-dimer study: config checks, row batching, figures, and (slow) the workflow end to end."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from cumex.errors import CumexInputError
from cumex.io import read_dataset
from cumex.lmg.study import axis_values, cut_axis, solve_cut, solve_row, validate_study
from cumex.plots.lmg import plot_cuts, plot_stability_diagram

ROOT = Path(__file__).resolve().parents[1]
FAST = {"n_fixed_point_starts": 32, "n_starts": 0, "t_transient": 100.0, "t_window": 100.0, "t_max": 200.0, "t_lyapunov": 10.0}


def tiny_study(name: str = "lmg_tiny") -> dict:
    return {
        "study": name,
        "parameters": {"g": 1.0, "gamma": 0.5},
        "grid": {"J": {"start": -1.5, "stop": 1.5, "num": 3}, "lambda": {"start": 0.0, "stop": 0.3, "num": 2}},
        "cuts": {"a": {"lambda": 0.3}},
        "exact": {"S": [1], "points": 3},
        "settings": FAST,
        "figures": {"formats": ["png"]},
    }


def test_shipped_config_is_valid_and_large_enough():
    cfg = validate_study(yaml.safe_load((ROOT / "config" / "lmg_dimer.yaml").read_text())["lmg_dimer"])
    J, lam = axis_values(cfg, "J"), axis_values(cfg, "lambda")
    assert len(J) >= 81 and len(lam) >= 61
    assert (J.min(), J.max(), lam.min(), lam.max()) == (-2.0, 2.0, 0.0, 1.5)
    assert cfg["parameters"]["gamma"] == 0.5 * cfg["parameters"]["g"]
    for cut in cfg["cuts"]:  # every cut lies on a grid line, so mean-field comes from the grid
        fixed, value, _, _ = cut_axis(cfg, cut)
        assert np.isclose(axis_values(cfg, fixed), value).any()


@pytest.mark.parametrize(
    "change, key",
    [
        ({"colour": 1}, "lmg_dimer.colour"),
        ({"grid": {"J": {"start": 0, "stop": 1, "num": 0}, "lambda": {"start": 0, "stop": 1, "num": 2}}}, "lmg_dimer.grid.J.num"),
        ({"grid": {"J": {"start": 0, "stop": 1, "num": 2}, "lambda": {"start": -1, "stop": 1, "num": 2}}}, "lmg_dimer.grid.lambda"),
        ({"parameters": {"J": 1.0}}, "lmg_dimer.parameters.J"),
        ({"cuts": {"a": {"S": 1}}}, "lmg_dimer.cuts.a"),
        ({"exact": {"S": [0.7]}}, "lmg_dimer.exact.S"),
    ],
)
def test_bad_study_names_the_key(change, key):
    with pytest.raises(CumexInputError, match=key.replace(".", r"\.")):
        validate_study({**tiny_study(), **change})


def test_row_and_cut_batches_and_figures(tmp_path):
    row = solve_row(1.5, [0.0, 0.3], {"g": 1.0, "gamma": 0.5}, FAST)
    assert row["n_stable"].shape == (1, 1, 1, 2)
    assert row["attractor"].values.ravel().tolist() == ["bistable", "bistable"]  # J = 1.5 > J_c(λ) (eq. 12)
    other = solve_row(0.0, [0.0, 0.3], {"g": 1.0, "gamma": 0.5}, FAST)
    grid = xr.combine_by_coords([row, other], combine_attrs="drop_conflicts")
    cut = solve_cut(1.0, {"lambda": 0.3}, "J", [0.0, 1.5], {"g": 1.0, "gamma": 0.5})
    assert cut["Z_B"].shape == (1, 1, 2, 1)
    a = plot_stability_diagram(grid, tmp_path / "s.png")
    b = plot_cuts(grid, cut, {"a": {"lambda": 0.3}}, tmp_path / "c.png")
    assert a.stat().st_size > 1000 and b.stat().st_size > 1000


@pytest.mark.slow
def test_workflow_end_to_end(tmp_path):
    if shutil.which("snakemake") is None:
        pytest.fail("snakemake is not installed")
    config = tmp_path / "tiny.yaml"
    config.write_text(yaml.safe_dump({"lmg_dimer": tiny_study()}))
    subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "workflow" / "rules" / "lmg.smk"), "--configfile", str(config),
         "--cores", "2", "-q"],
        cwd=tmp_path, check=True, capture_output=True, text=True,
    )
    results = tmp_path / "results" / "lmg_tiny"
    mf = read_dataset(results / "meanfield.nc")
    assert mf["n_stable"].sizes == {"order": 1, "S": 1, "J": 3, "lambda": 2}
    # J = ±1.5 beyond J_c: two stable states; J = 0 at λ ≤ 0.3: the normal state alone
    assert mf["n_stable"].sel(J=0.0).values.ravel().tolist() == [1, 1]
    assert mf["n_stable"].sel(J=1.5).values.ravel().tolist() == [2, 2]
    assert (results / "figures" / "stability.png").exists() and (results / "figures" / "cuts.png").exists()
