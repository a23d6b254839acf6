"""Assemble central-spin grid points from many datasets into one dataset on the full (scaling, order, N, pump_ratio) grid.

Each input dataset holds some grid points (a hypercube of its own; points it does not hold have
``converged`` NaN). The output's coordinates are the sorted union of the inputs'; grid points no input
holds are NaN (``converged`` NaN, ``status`` empty), so any union of grids -- ragged or not -- combines,
which ``xarray.combine_by_coords`` cannot do for batches of unequal shape. Values are copied by index,
so assembling thousands of files takes seconds.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import xarray as xr

__all__ = ["GRID_DIMS", "assemble"]

GRID_DIMS = ("scaling", "order", "N", "pump_ratio")


def _fill(dtype: np.dtype):
    if dtype.kind in "OUS":
        return np.dtype(object), ""
    return np.result_type(dtype, np.float64), np.nan


def assemble(datasets: Sequence[xr.Dataset]) -> xr.Dataset:
    """One dataset on the union grid of ``datasets`` (see the module docstring)."""
    if not datasets:
        raise ValueError("assemble: no datasets given")
    first = datasets[0]
    axes = {d: np.unique(np.concatenate([ds.variables[d].values for ds in datasets])) for d in GRID_DIMS}
    if axes["scaling"].dtype.kind in "US":
        axes["scaling"] = axes["scaling"].astype(object)
        axes["order"] = axes["order"].astype(object)
    extra = {d: first[d].values for d in first.dims if d not in GRID_DIMS}
    shape = {**{d: len(v) for d, v in axes.items()}, **{d: len(v) for d, v in extra.items()}}

    arrays: dict[str, np.ndarray] = {}
    for name, var in first.data_vars.items():
        dtype, fill = _fill(var.dtype)
        arrays[name] = np.full([shape[d] for d in var.dims], fill, dtype=dtype)
    attrs = dict(first.attrs)
    positions = {d: {v: i for i, v in enumerate(axes[d].tolist())} for d in GRID_DIMS}
    for ds in datasets:
        index = {d: np.array([positions[d][v] for v in ds.variables[d].values.tolist()]) for d in GRID_DIMS}
        # only points the dataset really holds (a batch file may carry NaN holes of its own)
        held = ~np.isnan(np.asarray(ds.variables["converged"].transpose(*GRID_DIMS).values, dtype=float))
        all_held = bool(held.all())
        for name in arrays:
            var = ds.variables[name]
            dims = first[name].dims
            values = var.values if var.dims == dims else var.transpose(*dims).values
            idx = np.ix_(*[index[d] if d in index else np.arange(shape[d]) for d in dims])
            if all_held:
                arrays[name][idx] = values
                continue
            mask = np.broadcast_to(held.reshape(held.shape + (1,) * (values.ndim - held.ndim)), values.shape)
            block = arrays[name][idx]
            block[mask] = values[mask]
            arrays[name][idx] = block
        attrs = {k: v for k, v in attrs.items() if k in ds.attrs and _same(ds.attrs[k], v)}

    coords = {d: (d, axes[d], first[d].attrs) for d in GRID_DIMS}
    coords.update({d: (d, v, first[d].attrs) for d, v in extra.items()})
    for name, coord in first.coords.items():
        if name not in coords and coord.ndim == 0:
            coords[name] = coord.values.item()
    data = {name: (var.dims, arrays[name], var.attrs) for name, var in first.data_vars.items()}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def _same(a, b) -> bool:
    try:
        return bool(np.all(a == b))
    except Exception:  # noqa: BLE001 (attributes of exotic types: treat as different)
        return False
