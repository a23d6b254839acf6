"""One LMG-dimer point through the one door (cumex.study.solve_point): solve, classify the attractor,
lay out in the common schema, write, and combine; mean-field carries S = inf, exact its S."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import xarray as xr

from cumex.cli import main
from cumex.errors import CumexInputError
from cumex.io import combine, read_dataset, write_dataset
from cumex.study import solve_point, solve_result

FAST = {"t_transient": 200.0, "t_window": 300.0, "n_starts": 1, "t_lyapunov": 50.0}


def _value(ds: xr.Dataset, name: str):
    return ds[name].values.ravel()[0]


@pytest.mark.parametrize("lam", [0.3, 0.45])
def test_j0_below_half_g_is_a_stable_fixed_point(lam):
    ds = solve_point("lmg_dimer", "1", J=0, lambda_=lam, settings=FAST)
    assert _value(ds, "attractor") == "fixed_point" and _value(ds, "n_stable") == 1
    assert _value(ds, "Z_B") == pytest.approx(1.0, abs=1e-9)
    assert _value(ds, "Z_A") == pytest.approx(-1.0, abs=1e-9)
    assert _value(ds, "status") == "ok" and _value(ds, "converged") == 1


@pytest.mark.parametrize("lam", [1.0, 1.4])
def test_j0_above_half_g_is_a_limit_cycle(lam):
    # at J = 0 the orbit belongs to a neutral family (integration error drifts it along the family
    # at a rate set by rtol), so this needs tight tolerances; just above λ = 0.5 g the orbits pass
    # close to the saddle (the normal state) and their detection is not reliable yet
    settings = {"rtol": 1e-12, "atol": 1e-14, "n_starts": 0}
    result, params, _, _ = solve_result("lmg_dimer", "1", settings=settings, J=0, **{"lambda": lam})
    assert result.attractor_kind == "limit_cycle" and result.n_stable == 0
    # the cycle's half peak-to-peak range of Z_B (engine info; the common schema stores the period)
    assert result.physical.info["amplitude_Z_B"] > 0.1
    ds = solve_point("lmg_dimer", "1", J=0, lambda_=lam, settings=settings)
    assert _value(ds, "attractor") == "limit_cycle" and _value(ds, "n_stable") == 0
    assert np.isfinite(_value(ds, "attractor_period")) and _value(ds, "attractor_period") > 0
    # the cycle's Z_B averages close to 0 (the paper's infinite-temperature value), within its error
    assert abs(_value(ds, "Z_B")) < 0.05
    assert 0 <= _value(ds, "Z_B_error") < 0.05


def test_dataset_layout_roundtrip_and_combine(tmp_path):
    paths = []
    for J in (-1.5, 1.5):
        for lam in (0.2, 0.4):
            ds = solve_point("lmg_dimer", "1", J=J, lambda_=lam, settings=FAST)
            assert _value(ds, "attractor") == "bistable" and _value(ds, "n_stable") == 2
            paths.append(write_dataset(ds, tmp_path / f"p_{J}_{lam}.nc"))
    one = read_dataset(paths[0])
    # mean-field is the S -> infinity limit: the point carries S = inf, in its coordinate and parameters
    assert json.loads(one.attrs["parameters"]) == {"J": -1.5, "lambda": 0.2, "g": 1.0, "gamma": 0.5, "S": math.inf}
    assert "cumex_version" in one.attrs
    grid = combine(paths)
    assert grid["Z_B"].dims == ("scaling", "order", "J", "lambda", "S") and grid["Z_B"].shape == (1, 1, 2, 2, 1)
    assert np.isinf(grid["S"].values[0])
    # the stable fixed points are stored among the states, stable first
    assert one["state_stable"].values.ravel()[:2].tolist() == [1.0, 1.0]
    assert int(_value(one, "n_steady_states")) >= 2


def test_exact_point():
    ds = solve_point("lmg_dimer", "exact", J=0.0, lambda_=0.0, S=2)
    assert _value(ds, "Z_B") == pytest.approx(1.0, abs=1e-12)
    assert _value(ds, "S") == 2.0 and _value(ds, "converged") == 1
    assert _value(ds, "attractor") == "fixed_point" and _value(ds, "n_stable") == 1


def test_cli_mean_field_without_S_is_the_infinite_S_limit(tmp_path, capsys):
    out = tmp_path / "mf.nc"
    assert main(["solve", "lmg_dimer", "--order", "1", "--set", "J=0", "--set", "lambda=0.2", "--out", str(out)]) == 0
    ds = read_dataset(out)
    assert np.isinf(ds["S"].values).all() and np.isinf(ds["S"].values[0]) and ds["S"].values[0] > 0
    assert _value(ds, "Z_B") == pytest.approx(1.0, abs=1e-9)  # the normal state, stable at J = 0, λ < γ
    # an explicit S for mean-field is refused (the order fixes it), as is S = inf for the exact solver
    assert main(["solve", "lmg_dimer", "--order", "1", "--S", "3", "--out", str(out)]) == 2
    assert main(["solve", "lmg_dimer", "--order", "exact", "--S", "inf", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "S: got 3" in err and "fixes S = inf" in err and "finite spin length" in err


def test_bad_input_names_the_key():
    with pytest.raises(CumexInputError, match="order"):
        solve_point("lmg_dimer", "2", J=0)
    with pytest.raises(CumexInputError, match="lambda"):
        solve_point("lmg_dimer", "1", lambda_=-1)
    with pytest.raises(CumexInputError, match="settings.n_fixed_point_starts"):
        solve_point("lmg_dimer", "1", J=0, settings={"n_fixed_point_starts": 0})
