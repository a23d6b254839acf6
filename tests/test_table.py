"""cumex.table.read_table: the fast NetCDF3 path gives exactly what xarray gives, and falls back to xarray."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from scipy.io import netcdf_file
from synthetic import OBSERVABLES, central_spin_point

from cumex.assemble import assemble, assemble_files
from cumex.io import dataset_checksum, read_dataset, write_dataset
from cumex.results import MethodResult, SteadyState
from cumex.study import solve_point
from cumex.table import read_table


def _point(N: int, r: float, status: str = "ok", converged: bool = True) -> xr.Dataset:
    if converged:
        obs = {name: N + r + k / 10 for k, name in enumerate(OBSERVABLES)}
        result = MethodResult([SteadyState(obs, True, 1e-13)], SteadyState(obs, True, 1e-13), True, status)
    else:
        result = MethodResult([], None, False, status)
    return central_spin_point(
        result, order="2", scaling="fixed_kappa_over_N", N=N, pump_ratio=r, overrides={"g": 0.5}, settings={},
        solve_seconds=0.25,
    )


@pytest.fixture(scope="module")
def batch_files(tmp_path_factory) -> list[Path]:
    """Per-job files as the solve rule writes them: real solves, a failed point, non-ASCII status text."""
    folder = tmp_path_factory.mktemp("batches")
    real = assemble([solve_point(order=order, N=3, pump_ratio=r) for order in ("1", "2") for r in (0.25, 0.75)])
    mixed = assemble([_point(5, 0.25, "ok: Γ↑ and κ"), _point(5, 0.75, "error: singular", converged=False)])
    wide = assemble([_point(8, 0.5, "ok " + "x" * 300)])  # longer strings than the other files
    return [write_dataset(ds, folder / f"b{i}.nc", format="NETCDF3_64BIT") for i, ds in enumerate((real, mixed, wide))]


def test_fast_path_reads_what_xarray_reads(batch_files) -> None:
    for path in batch_files:
        table, ds = read_table(path), read_dataset(path)
        assert set(table.coords) | set(table.data_vars) == set(ds.variables)
        assert set(table.coords) == set(ds.coords)
        assert table.attrs == ds.attrs
        for name, (dims, values, attrs) in {**table.coords, **table.data_vars}.items():
            assert dims == ds[name].dims, name
            assert attrs == ds[name].attrs, name
            np.testing.assert_array_equal(values, ds[name].values, err_msg=name)  # NaN equal to NaN


def test_assembled_files_identical_to_assembled_xarray_reads(batch_files) -> None:
    fast = assemble_files(batch_files)
    slow = assemble([read_dataset(p) for p in batch_files])
    xr.testing.assert_identical(fast, slow)
    ours = fast.sel(scaling="fixed_kappa_over_N", order="2")
    assert ours["status_detail"].sel(N=5, pump_ratio=0.25).item().endswith("Γ↑ and κ")
    assert len(ours["status_detail"].sel(N=8, pump_ratio=0.5).item()) == 303
    assert ours["converged"].sel(N=5, pump_ratio=0.75).item() == 0
    assert np.isnan(ours["central_population"].sel(N=5, pump_ratio=0.75).item())
    assert np.isnan(ours["converged"].sel(N=8, pump_ratio=0.25).item())  # a point no file holds


def test_netcdf4_files_go_through_xarray(tmp_path: Path, batch_files) -> None:
    ds = read_dataset(batch_files[1])
    nc4 = write_dataset(ds, tmp_path / "nc4.nc")  # NETCDF4: SciPy cannot read it
    xr.testing.assert_identical(assemble_files([nc4]), assemble([read_dataset(nc4)]))


def test_other_encodings_go_through_xarray(tmp_path: Path) -> None:
    # a packed variable (scale_factor) must be unpacked, as xarray does, not returned raw
    path = tmp_path / "packed.nc"
    ds = _point(4, 0.5)
    ds["central_population"].encoding.update({"dtype": "int16", "scale_factor": 0.01, "_FillValue": -999})
    ds.attrs["cumex_checksum"] = dataset_checksum(ds)  # as write_dataset would: the file is a cumex file
    ds.to_netcdf(path, engine="scipy")
    with netcdf_file(path, "r", mmap=False) as nc:
        assert nc.variables["central_population"].data.dtype.kind == "i"  # stored packed
    table = read_table(path)
    np.testing.assert_allclose(table.values("central_population", ("scaling", "order", "N", "pump_ratio")), 4.5)


def test_per_job_format_refuses_integers_beyond_32_bit(tmp_path: Path) -> None:
    ds = _point(4, 0.5).assign(big=((), np.int64(2**40)))
    with pytest.raises(ValueError):
        write_dataset(ds, tmp_path / "big.nc", format="NETCDF3_64BIT")
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


def test_unknown_format_named_in_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NETCDF3_64BIT"):
        write_dataset(_point(4, 0.5), tmp_path / "x.nc", format="HDF9")


def test_unreadable_file_named_in_error(tmp_path: Path, batch_files) -> None:
    truncated = tmp_path / "truncated.nc"
    truncated.write_bytes(batch_files[0].read_bytes()[:200])
    garbage = tmp_path / "garbage.nc"
    garbage.write_text("not a netcdf file")
    for path in (truncated, garbage, tmp_path / "missing.nc"):
        with pytest.raises(OSError, match=path.name):
            read_table(path)
