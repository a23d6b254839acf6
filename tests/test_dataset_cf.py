"""CF hygiene of result files: every variable described, units in the model's units, flags, compression,
title and history, the resolved solver settings, and how the order coordinate is selected.

The checks run on a real assembled dataset (points of three methods solved, written as per-job NetCDF3
files, assembled and written as a study's dataset.nc is) and, for every registered model, on the layout
of a failed point (no solve needed). tests/test_workflow.py runs :func:`check_cf` on the workflow's own
dataset.nc too.
"""

from __future__ import annotations

import json
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr

from cumex.assemble import assemble, assemble_files
from cumex.dataset import cumulant_order, to_dataset
from cumex.io import read_dataset, write_dataset
from cumex.methods import engine_for, parse_method
from cumex.models import get_model, model_names
from cumex.results import STATUS_CODES, MethodResult
from cumex.study import solve_point

FLAGGED = ("converged", "status_flag", "state_stable")


def check_described(ds: xr.Dataset) -> None:
    """Every variable has a short long_name and a description; numeric ones that are not flags have units."""
    for name, var in ds.variables.items():
        assert var.attrs.get("long_name"), f"{name}: no long_name"
        assert len(var.attrs["long_name"]) <= 64, f"{name}: long_name is not short: {var.attrs['long_name']!r}"
        assert var.attrs.get("description"), f"{name}: no description"
        if var.dtype.kind in "fiu" and "flag_values" not in var.attrs:
            assert var.attrs.get("units"), f"{name}: no units"


def check_cf(ds: xr.Dataset, model) -> None:
    """Every variable has a short long_name and a description; numeric ones have units (the model's
    energy units for parameters, residuals and eigenvalues, its time units for periods); flags are
    consistent; global title, history and Conventions are there."""
    check_described(ds)
    energy = [q.name for q in model.concrete_parameters] + ["residual", "state_residual", "state_max_real_eigenvalue"]
    for name in energy:
        assert ds[name].attrs["units"] == model.energy_units != "1", name
    assert ds["attractor_period"].attrs["units"] == model.time_units == f"1/{model.energy_units}"
    for name in FLAGGED:
        attrs = ds[name].attrs
        values = np.asarray(attrs["flag_values"])
        assert values.dtype == ds[name].dtype, name  # CF: the variable's own type
        assert len(attrs["flag_meanings"].split()) == values.size, name
        held = ds[name].values[np.isfinite(ds[name].values.astype(float))]
        assert np.isin(held, values).all(), name
    assert ds["status_flag"].attrs["flag_meanings"].split() == list(STATUS_CODES)
    for field in ("title", "history", "Conventions"):
        assert ds.attrs.get(field), field


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> tuple[Path, xr.Dataset]:
    """A small study written like the workflow's: per-job NetCDF3 files, then the assembled dataset.nc."""
    folder = tmp_path_factory.mktemp("cf")
    jobs = []
    for order in ("exact", "1", "2"):
        points = [solve_point(model="central_spin", order=order, scaling="fixed_kappa_over_N", N=N, pump_ratio=0.75,
                              settings={} if order == "exact" else {"n_random": 2}) for N in (2, 3)]
        jobs.append(write_dataset(assemble(points), folder / f"{order}.nc", format="NETCDF3_64BIT"))
    path = write_dataset(assemble_files(jobs), folder / "dataset.nc")
    return path, read_dataset(path)


def test_real_dataset_is_described(study) -> None:
    check_cf(study[1], get_model("central_spin"))


def test_status_is_a_short_code_with_its_number_and_detail(study) -> None:
    ds = study[1]
    codes = ds["status"].values.ravel().tolist()
    assert set(codes) <= set(STATUS_CODES)
    assert [STATUS_CODES[int(k)] for k in ds["status_flag"].values.ravel()] == codes
    for code, detail in zip(codes, ds["status_detail"].values.ravel().tolist(), strict=True):
        assert detail.startswith(code) or code == "ok"


def test_compressed_and_no_fill_value_on_coordinates(study) -> None:
    with netCDF4.Dataset(study[0]) as nc:
        for name in ("N", "pump_ratio", "state"):
            assert "_FillValue" not in nc[name].ncattrs(), name
        for name in ("central_population", "converged", "residual", "state_stable"):
            assert nc[name].filters()["zlib"], name


def test_resolved_solver_settings_include_every_default(study) -> None:
    """dataset.nc holds, per order, the settings the solves used: the engine's defaults (read from the
    engine, not from the file) with the study's own setting on top."""
    model = get_model("central_spin")
    stored = json.loads(study[1].attrs["solver_settings_by_order"])
    assert sorted(stored) == ["1", "2", "exact"]
    for order, settings in stored.items():
        defaults = engine_for(model, parse_method(order), "auto").defaults()
        assert set(defaults) <= set(settings), order
        for key, value in defaults.items():
            assert settings[key] == (2 if key == "n_random" else value), (order, key)
        assert settings["timeout_seconds"] is None and settings["engine"] == "auto"


def test_history_records_the_solves_and_the_assembly(study) -> None:
    lines = study[1].attrs["history"].splitlines()
    assert any("solved by cumex" in line and "order exact" in line for line in lines)
    assert lines[-1].endswith("assembled by cumex.assemble from 3 parts")
    stamped = [line for line in lines if not line.startswith("... (")]  # records elided beyond six
    assert stamped == sorted(stamped, key=lambda line: line[:25])


def test_order_is_selected_by_label_or_through_cumulant_order(study) -> None:
    """The order coordinate holds string labels (documented in its attributes): ds.sel(order="2") works,
    ds.sel(order=2) does not; the integer auxiliary coordinate cumulant_order selects by number."""
    ds = study[1]
    assert ds["order"].values.tolist() == ["1", "2", "exact"]
    assert ds["cumulant_order"].values.tolist() == [1, 2, 0]
    assert "ds.sel(order='2')" in ds["order"].attrs["description"]
    by_label = ds.sel(order="2")["central_population"]
    by_number = ds.sel(order=ds["order"][ds["cumulant_order"] == 2])["central_population"].squeeze("order")
    xr.testing.assert_identical(by_label.drop_vars("cumulant_order"), by_number.drop_vars("cumulant_order"))
    with pytest.raises(KeyError):
        ds.sel(order=2)


def test_cumulant_order_of_every_label() -> None:
    assert [cumulant_order(o) for o in ("exact", "limit", "1", "2", "12", "3_broken")] == [0, 0, 1, 2, 12, 3]


@pytest.mark.parametrize("name", model_names())
def test_every_model_layout_is_described(name: str) -> None:
    """A failed point of each registered model (the layout only): every variable described, the model's
    parameters in its energy units, its axes' units declared."""
    model = get_model(name)
    order = "1"
    point = {a.name: (a.default if a.name not in model.method_axes.get(order, {}) else model.method_axes[order][a.name])
             for a in model.axes}
    result = MethodResult(states=[], physical=None, converged=False, status="failed: layout test")
    ds = to_dataset(result, model=model, order=order, scaling=model.scaling_names[0], point=point, params={}, overrides={},
                    settings={}, solve_seconds=0.0)
    check_cf(ds, model)
    assert int(ds["status_flag"].item()) == STATUS_CODES.index("failed")


@pytest.mark.parametrize(("name", "order"), [("driven_central_spin", "exact"), ("central_spin", "exact"), ("central_spin", "2")])
def test_dynamics_dataset_is_described(name: str, order: str) -> None:
    """A dynamics dataset (a real run at N = 3): every variable has a short long_name, a description and,
    when numeric and not a flag, units; time in the model's time units."""
    from cumex.dynamics import evolve_dataset, time_grid

    model = get_model(name)
    ds = evolve_dataset(name, order, times=time_grid(0.5, 3), N=3)
    check_described(ds)
    assert ds["time"].attrs["units"] == model.time_units
