"""Damage to any result or compiled file is detected where it is read, and named; nothing damaged is used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cumex.assemble import assemble
from cumex.cumulants import cache
from cumex.integrity import DamagedFileError
from cumex.io import read_dataset, write_dataset
from cumex.study import solve_point
from cumex.table import read_table


@pytest.fixture(scope="module")
def job_file(tmp_path_factory) -> Path:
    ds = assemble([solve_point(order="2", N=n, pump_ratio=0.5) for n in (1, 2, 3)])
    return write_dataset(ds, tmp_path_factory.mktemp("jobs") / "b.nc", format="NETCDF3_64BIT")


def _damaged(path: Path, tmp: Path, edit) -> Path:
    data = bytearray(path.read_bytes())
    edit(data)
    out = tmp / f"damaged_{path.name}"
    out.write_bytes(bytes(data))
    return out


def test_clean_files_read_back(job_file: Path) -> None:
    table, ds = read_table(job_file), read_dataset(job_file)
    assert ds.attrs["cumex_checksum"] == table.attrs["cumex_checksum"]


def test_a_flipped_value_is_detected(job_file: Path, tmp_path: Path) -> None:
    value = np.asarray(read_dataset(job_file)["central_population"].values.ravel()[:1], dtype=">f8").tobytes()  # NetCDF3 is big-endian
    raw = job_file.read_bytes()
    assert raw.count(value) >= 1

    def flip(data: bytearray) -> None:
        data[raw.index(value) + 7] ^= 0x01  # the last bit of the mantissa: a relative change of 2e-16

    bad = _damaged(job_file, tmp_path, flip)
    for reader in (read_table, read_dataset):
        with pytest.raises(DamagedFileError, match=bad.name):
            reader(bad)


def test_zeroed_half_is_detected(job_file: Path, tmp_path: Path) -> None:
    def zero(data: bytearray) -> None:
        data[len(data) // 2:] = bytes(len(data) - len(data) // 2)

    bad = _damaged(job_file, tmp_path, zero)
    with pytest.raises(OSError, match=bad.name):
        read_table(bad)


def test_compiled_system_damage_is_detected_and_the_cache_rebuilds(tmp_path: Path) -> None:
    path = cache.cache_path("central_spin", 2, "u1", tmp_path)
    good = cache.compiled_system("central_spin", 2, "u1", tmp_path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["lin_coef"] = arrays["lin_coef"] * 1.000001  # a changed coefficient, checksum kept
    np.savez(path, **arrays)
    with pytest.raises(DamagedFileError, match=path.name):
        cache.load_compiled(path)
    path.write_bytes(path.read_bytes()[:200])  # truncated
    with pytest.raises(DamagedFileError, match=path.name):
        cache.load_compiled(path)
    cache._compiled_cached.cache_clear()
    rebuilt = cache.compiled_system("central_spin", 2, "u1", tmp_path)
    np.testing.assert_array_equal(rebuilt.lin_coef, good.lin_coef)


def test_a_damaged_compiled_input_fails_the_solve_instead_of_recording_a_result(tmp_path: Path) -> None:
    path = cache.write_compiled(tmp_path / "c.npz", "central_spin", 3, "u1")
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DamagedFileError, match="c.npz"):
        solve_point(order="3", N=4, pump_ratio=0.75, settings={"compiled": str(path)})
