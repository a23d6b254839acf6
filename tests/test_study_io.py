"""The per-point dataset layout, atomic writes, combining a grid, and input errors at the public edge."""

import json
import math

import numpy as np
import pytest
from synthetic import OBSERVABLES, central_spin_point

from cumex.errors import CumexInputError
from cumex.io import combine, format_float, read_dataset, write_dataset
from cumex.results import MethodResult, SteadyState
from cumex.study import solve_point


def _fake_point(N, r, p0, order="2", scaling="fixed_kappa_over_N", converged=True):
    obs = {name: 0.0 for name in OBSERVABLES} | {"central_population": p0, "sz_central": 2 * p0 - 1}
    states = [SteadyState(obs, True, 1e-13), SteadyState(obs, False, 1e-12)] if converged else []
    result = MethodResult(states, states[0] if converged else None, converged, "ok" if converged else "error: x")
    return central_spin_point(
        result, order=order, scaling=scaling, N=N, pump_ratio=r, overrides={}, settings={"seed": 0},
        solve_seconds=0.1,
    )


def test_format_float_is_canonical():
    assert format_float(0.1 + 0.2) == "0.3"
    assert format_float(1 / 16) == "0.0625"
    assert format_float(-0.0) == "0"
    assert format_float(3.0) == "3"


def test_dataset_carries_grid_and_parameters():
    ds = _fake_point(20, 0.75, 0.4)
    for dim in ("scaling", "order", "N", "pump_ratio"):
        assert ds.sizes[dim] == 1
    assert int(ds.n_steady_states.squeeze()) == 2 and int(ds.n_stable.squeeze()) == 1
    params = json.loads(ds.attrs["parameters"])
    assert params["kappa"] == pytest.approx(20 / 16, rel=1e-15)
    assert float(ds.kappa.squeeze()) == pytest.approx(20 / 16, rel=1e-15)
    assert params["gamma_up"] == pytest.approx(1.5, rel=1e-15)
    assert "git_commit" in ds.attrs and "cumex_version" in ds.attrs
    assert ds.central_population.attrs["units"] == "1"


def test_round_trip_and_combine(tmp_path):
    paths = []
    for N in (5, 10):
        for r in (0.25, 0.75):
            p0 = N * 0.01 + r
            path = tmp_path / f"N{N}_r{format_float(r)}.nc"
            write_dataset(_fake_point(N, r, p0, converged=not (N == 10 and r == 0.25)), path)
            paths.append(path)
    assert not list(tmp_path.glob("*.part")), "temporary files must not remain"
    one = read_dataset(paths[0])
    assert str(one.status.values.ravel()[0]) == "ok"
    grid = combine(paths)
    assert dict(grid.sizes)["N"] == 2 and dict(grid.sizes)["pump_ratio"] == 2
    value = float(grid.central_population.sel(N=5, pump_ratio=0.75).squeeze())
    assert value == pytest.approx(0.05 + 0.75, abs=1e-15)
    failed = grid.sel(N=10, pump_ratio=0.25).squeeze()
    assert int(failed.converged) == 0 and math.isnan(float(failed.central_population))
    assert str(failed.status.values) == "error" and str(failed.status_detail.values) == "error: x"


def test_write_is_atomic_on_failure(tmp_path):
    target = tmp_path / "point.nc"

    ds = _fake_point(5, 0.5, 0.1)
    ds.attrs["bad"] = {"not": "storable"}  # netCDF cannot store a dict attribute
    with pytest.raises(TypeError):
        write_dataset(ds, target)
    assert not target.exists()
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"scaling": "fixed_g"}, "scaling"),
        ({"N": 0}, "N"),
        ({"pump_ratio": 1.5}, "pump_ratio"),
        ({"order": "15"}, "order"),
        ({"model": "dicke"}, "model"),
        ({"overrides": {"gN": 2.0}}, "set.gN"),
        ({"settings": {"timeout_seconds": -1}}, "settings.timeout_seconds"),
    ],
)
def test_bad_input_names_the_key(kwargs, key):
    with pytest.raises(CumexInputError) as err:
        solve_point(**{"scaling": "fixed_kappa_over_N", **kwargs})
    assert err.value.key == key
    assert str(err.value).startswith(f"{key}: got ")


def test_rewritten_strings_are_not_truncated(tmp_path):
    """A combined dataset written back keeps every string whole, whatever width the first file had."""
    short = tmp_path / "a.nc"
    long = tmp_path / "b.nc"
    write_dataset(_fake_point(5, 0.5, 0.1, scaling="fixed_gN", order="1"), short)
    write_dataset(_fake_point(5, 0.5, 0.1, scaling="fixed_kappa_over_N", order="exact"), long)
    grid = combine([short, long])
    write_dataset(grid, tmp_path / "grid.nc")
    back = read_dataset(tmp_path / "grid.nc")
    assert sorted(back.scaling.values.tolist()) == ["fixed_gN", "fixed_kappa_over_N"]
    assert sorted(back.order.values.tolist()) == ["1", "exact"]


def test_written_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    path = write_dataset(_fake_point(5, 0.5, 0.1), tmp_path / "p.nc")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_attractor_of_the_physical_state_is_recorded():
    ds = _fake_point(5, 0.5, 0.1)
    assert str(ds.attractor.values.ravel()[0]) == "fixed_point"
    assert np.isnan(float(ds.attractor_period.squeeze()))
