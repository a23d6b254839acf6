"""One LMG-dimer point end to end: solve, classify the attractor, lay out and write the dataset."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from cumex.errors import CumexInputError
from cumex.io import combine, read_dataset, write_dataset
from cumex.lmg.dataset import solve_point

FAST = {"t_transient": 200.0, "t_window": 300.0, "n_starts": 1, "t_lyapunov": 50.0}


def _value(ds: xr.Dataset, name: str):
    return ds[name].values.ravel()[0]


@pytest.mark.parametrize("lam", [0.3, 0.45])
def test_j0_below_half_g_is_a_stable_fixed_point(lam):
    ds = solve_point("1", {"J": 0, "lambda": lam}, FAST)
    assert _value(ds, "attractor") == "fixed_point" and _value(ds, "n_stable") == 1
    assert _value(ds, "Z_B") == pytest.approx(1.0, abs=1e-9)
    assert _value(ds, "Z_A") == pytest.approx(-1.0, abs=1e-9)


@pytest.mark.parametrize("lam", [1.0, 1.4])
def test_j0_above_half_g_is_a_limit_cycle(lam):
    # at J = 0 the orbit belongs to a neutral family (integration error drifts it along the family
    # at a rate set by rtol), so this needs tight tolerances; just above λ = 0.5 g the orbits pass
    # close to the saddle (the normal state) and their detection is not reliable yet
    ds = solve_point("1", {"J": 0, "lambda": lam}, {"rtol": 1e-12, "atol": 1e-14, "n_starts": 0})
    assert _value(ds, "attractor") == "limit_cycle" and _value(ds, "n_stable") == 0
    assert np.isfinite(_value(ds, "period")) and _value(ds, "period") > 0
    assert _value(ds, "Z_B_amplitude") > 0.1
    # the cycle's Z_B averages close to 0 (the paper's infinite-temperature value), within its error
    assert abs(_value(ds, "Z_B")) < 0.05


def test_dataset_layout_roundtrip_and_combine(tmp_path):
    paths = []
    for J in (-1.5, 1.5):
        for lam in (0.2, 0.4):
            ds = solve_point("1", {"J": J, "lambda": str(lam)}, FAST)
            assert _value(ds, "attractor") == "bistable" and _value(ds, "n_stable") == 2
            paths.append(write_dataset(ds, tmp_path / f"p_{J}_{lam}.nc"))
    one = read_dataset(paths[0])
    assert json.loads(one.attrs["parameters"]) == {"J": -1.5, "lambda": 0.2, "g": 1.0, "gamma": 0.5, "S": 4.0}
    assert "cumex_version" in one.attrs
    grid = combine(paths)
    assert grid["Z_B"].dims == ("order", "S", "J", "lambda") and grid["Z_B"].shape == (1, 1, 2, 2)
    assert np.isinf(grid["S"].values[0])
    # the stable fixed points are stored among the states, stable first
    assert one["state_stable"].values.ravel()[:2].tolist() == [1.0, 1.0]


def test_exact_point():
    ds = solve_point("exact", {"J": 0.0, "lambda": 0.0, "S": 2})
    assert _value(ds, "Z_B") == pytest.approx(1.0, abs=1e-12)
    assert _value(ds, "S") == 2.0 and _value(ds, "converged") == 1


def test_bad_input_names_the_key():
    with pytest.raises(CumexInputError, match="order"):
        solve_point("2", {"J": 0})
    with pytest.raises(CumexInputError, match="set.lambda"):
        solve_point("1", {"lambda": -1})
    with pytest.raises(CumexInputError, match="settings.n_fixed_point_starts"):
        solve_point("1", {"J": 0}, {"n_fixed_point_starts": 0})
