"""Assemble grid points from many files into one dataset on the full grid of the study.

The grid dimensions are those of the ``converged`` variable (``scaling, order, *model axes``, see
:mod:`cumex.dataset`); other dimensions (``state``) are carried along unchanged.

Each input (a dataset, or a :class:`cumex.table.Table` read from a file) holds some grid points, a
hypercube of its own; points it does not hold have ``converged`` NaN. The output's coordinates are the
sorted union of the inputs'; grid points no input holds are NaN (``converged`` NaN, ``status`` empty),
so any union of grids -- ragged or not -- combines, which ``xarray.combine_by_coords`` cannot do for
batches of unequal shape. Values are copied by index into preallocated arrays, so assembling 10,000
files takes seconds (benchmarks/workflow.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
import xarray as xr

from cumex.table import Table, read_table

__all__ = ["assemble", "assemble_files"]


def _fill(dtype: np.dtype):
    if dtype.kind in "OUS":
        return np.dtype(object), ""
    return np.result_type(dtype, np.float64), np.nan


def assemble_files(paths: Iterable[str | os.PathLike]) -> xr.Dataset:
    """Read result files (per-job NetCDF3 files fast, anything else through xarray) and assemble them."""
    return assemble([read_table(p) for p in paths])


def assemble(parts: Sequence[xr.Dataset | Table]) -> xr.Dataset:
    """One dataset on the union grid of ``parts`` (see the module docstring)."""
    if not parts:
        raise ValueError("assemble: no datasets given")
    tables = [p if isinstance(p, Table) else Table.from_dataset(p) for p in parts]
    first = tables[0]
    grid_dims = tuple(first.data_vars["converged"][0])
    axes = {d: np.unique(np.concatenate([t.coords[d][1] for t in tables])) for d in grid_dims}
    for d in ("scaling", "order"):
        axes[d] = axes[d].astype(object)
    dims_used = {d for dims, _, _ in first.data_vars.values() for d in dims}
    extra = {d: first.coords[d][1] for d in sorted(dims_used - set(grid_dims))}
    shape = {**{d: len(v) for d, v in axes.items()}, **{d: len(v) for d, v in extra.items()}}

    arrays: dict[str, np.ndarray] = {}
    for name, (dims, values, _) in first.data_vars.items():
        dtype, fill = _fill(values.dtype)
        arrays[name] = np.full([shape[d] for d in dims], fill, dtype=dtype)
    attrs = dict(first.attrs)
    positions = {d: {v: i for i, v in enumerate(axes[d].tolist())} for d in grid_dims}
    for table in tables:
        index = {d: np.array([positions[d][v] for v in table.coords[d][1].tolist()]) for d in grid_dims}
        # only points the file really holds (a batch file may carry NaN holes of its own)
        held = ~np.isnan(np.asarray(table.values("converged", grid_dims), dtype=float))
        all_held = bool(held.all())
        for name, (dims, _, _) in first.data_vars.items():
            values = table.values(name, dims)
            idx = np.ix_(*[index[d] if d in index else np.arange(shape[d]) for d in dims])
            if all_held:
                arrays[name][idx] = values
                continue
            mask = np.broadcast_to(held.reshape(held.shape + (1,) * (values.ndim - held.ndim)), values.shape)
            block = arrays[name][idx]
            block[mask] = values[mask]
            arrays[name][idx] = block
        attrs = {k: v for k, v in attrs.items() if k in table.attrs and _same(table.attrs[k], v)}

    coords = {d: (d, axes[d], first.coords[d][2]) for d in grid_dims}
    coords.update({d: (d, v, first.coords[d][2]) for d, v in extra.items()})
    for name, (dims, values, _) in first.coords.items():
        if name not in coords and not dims:
            coords[name] = values.item()
    data = {name: (dims, arrays[name], var_attrs) for name, (dims, _, var_attrs) in first.data_vars.items()}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def _same(a, b) -> bool:
    try:
        return bool(np.all(a == b))
    except Exception:  # noqa: BLE001 (attributes of exotic types: treat as different)
        return False
