"""A result file as plain NumPy arrays, and the fast reader that aggregation uses.

A study of 100,000 grid points leaves thousands of per-job files. Through ``xarray.open_dataset`` one
small file costs 6-15 ms (index building, lazy-array wrappers, CF decoding of 34 variables), so
10,000 files would take minutes. Per-job files are therefore written as NetCDF3 (see
:func:`cumex.io.write_dataset`) and read here with SciPy's NetCDF3 reader into a :class:`Table` of plain
arrays, about 1 ms per file.

Only the two CF encodings cumex's files use are decoded here, exactly as xarray decodes them: UTF-8
character arrays (``_Encoding``, trailing ``string{n}`` dimension) and a NaN ``_FillValue`` on floats
(decoding it is the identity). A file that is not NetCDF3, or that carries any other encoding (scale
factors, time units, integer fill values, ...), is read through xarray instead, so the result never
depends on which path read a file (tests/test_table.py checks that both give identical datasets).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from scipy.io import netcdf_file

from cumex.integrity import DamagedFileError, verify
from cumex.io import read_dataset

__all__ = ["Table", "read_table"]

Variable = tuple[tuple[str, ...], np.ndarray, dict[str, Any]]

# attributes that make xarray transform the stored values: such files go through xarray
_TRANSFORMING = {"scale_factor", "add_offset", "missing_value", "_Unsigned", "calendar", "dtype", "valid_range",
                 "valid_min", "valid_max"}
_TIME_UNITS = {"days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"}


@dataclass
class Table:
    """Coordinates, data variables (each ``(dims, values, attrs)``) and global attributes of one file."""

    coords: dict[str, Variable]
    data_vars: dict[str, Variable]
    attrs: dict[str, Any]

    @classmethod
    def from_dataset(cls, ds: xr.Dataset) -> Table:
        def plain(var) -> Variable:
            return tuple(var.dims), var.values, dict(var.attrs)

        return cls(
            {str(name): plain(c) for name, c in ds.coords.items()},
            {str(name): plain(v) for name, v in ds.data_vars.items()},
            dict(ds.attrs),
        )

    def values(self, name: str, dims: tuple[str, ...]) -> np.ndarray:
        """The values of variable ``name`` with its axes in the order ``dims``."""
        own, values, _ = self.data_vars.get(name) or self.coords[name]
        return values if own == dims else np.transpose(values, [own.index(d) for d in dims])


class _NeedsXarray(Exception):
    """The file uses an encoding the fast path does not decode."""


def read_table(path: str | os.PathLike) -> Table:
    """Read one result file into a :class:`Table` (fast for NetCDF3, through xarray otherwise).

    Raises OSError naming the file when neither reader can read it (missing, truncated, not NetCDF), and
    :class:`cumex.integrity.DamagedFileError` (an OSError) when its content does not match its checksum.
    """
    try:
        with netcdf_file(path, "r", mmap=False) as nc:
            table = _decode(nc)
    except (TypeError, _NeedsXarray):  # SciPy raises TypeError for a file that is not NetCDF3
        pass
    except Exception as exc:  # noqa: BLE001 (a damaged file fails anywhere in SciPy's parser)
        raise DamagedFileError(os.fspath(path), f"cannot read result file ({exc!r})") from exc
    else:
        variables = [(name, dims, values, attrs) for name, (dims, values, attrs) in {**table.coords, **table.data_vars}.items()]
        verify(os.fspath(path), variables, table.attrs)
        return table
    try:
        return Table.from_dataset(read_dataset(path))
    except DamagedFileError:
        raise
    except (ValueError, OSError) as exc:
        raise OSError(f"cannot read result file {os.fspath(path)}: {exc}") from exc


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _decode(nc: netcdf_file) -> Table:
    coord_names: set[str] = set()
    variables: dict[str, Variable] = {}
    for name, var in nc.variables.items():
        attrs = {key: _text(value) for key, value in var._attributes.items()}  # xarray reads the same field
        dims, data = tuple(var.dimensions), var.data
        if _TRANSFORMING & attrs.keys() or attrs.get("units") in _TIME_UNITS or " since " in str(attrs.get("units", "")):
            raise _NeedsXarray(name)
        fill = attrs.pop("_FillValue", None)
        if fill is not None and not (data.dtype.kind == "f" and np.isnan(fill)):
            raise _NeedsXarray(name)
        encoding = attrs.pop("_Encoding", None)
        if data.dtype.kind == "S":
            if encoding != "utf-8" or data.dtype.itemsize != 1 or not dims or not dims[-1].startswith("string"):
                raise _NeedsXarray(name)
            width = data.shape[-1]
            chars = np.ascontiguousarray(data).view(f"S{width}").reshape(data.shape[:-1])
            data, dims = np.char.decode(chars, "utf-8").astype(object), dims[:-1]
        elif encoding is not None:
            raise _NeedsXarray(name)
        else:
            data = data.astype(data.dtype.newbyteorder("="), copy=False)  # NetCDF3 stores big-endian
        coord_names.update(attrs.pop("coordinates", "").split())
        if dims == (name,):
            coord_names.add(name)
        variables[name] = (dims, data, attrs)
    coords = {name: v for name, v in variables.items() if name in coord_names}
    data_vars = {name: v for name, v in variables.items() if name not in coord_names}
    return Table(coords, data_vars, {key: _text(value) for key, value in nc._attributes.items()})
