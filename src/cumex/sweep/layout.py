"""A batch's results laid out as one dataset, as ``assemble([solve_point(...) for each point])`` would.

Building an ``xarray.Dataset`` per point and assembling them costs ~25 ms a point, more than a continued
solve; here each point's variables (:func:`cumex.dataset.point_variables`, the one schema) go straight into
plain-array tables that :func:`cumex.assemble.assemble` combines, so one ``Dataset`` is built per batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from cumex.assemble import assemble
from cumex.dataset import point_variables
from cumex.models import Model, get_model
from cumex.table import Table

__all__ = ["batch_dataset"]


def _table(data: Mapping[str, tuple], coords: Mapping[str, object], attrs: dict) -> Table:
    tc: dict[str, tuple[tuple[str, ...], np.ndarray, dict]] = {}
    for name, c in coords.items():
        if isinstance(c, tuple):  # (dim or dims, values[, attrs])
            dims = tuple(c[0]) if isinstance(c[0], tuple) else (c[0],)
            tc[name] = (dims, np.asarray(c[1]), dict(c[2]) if len(c) > 2 else {})
        else:
            tc[name] = ((), np.asarray(c), {})
    tv = {name: (tuple(d), np.asarray(v), dict(a)) for name, (d, v, a) in data.items()}
    return Table(tc, tv, attrs)


def batch_dataset(points: Sequence, model: str | Model, order: str, scaling: str,
                  overrides: Mapping[str, object] | None = None) -> xr.Dataset:
    """One dataset of the :class:`cumex.sweep.BatchPoint` s ``points`` (order label, scaling given)."""
    spec = get_model(model)
    tables = []
    for bp in points:
        data, coords, attrs = point_variables(
            bp.result, model=spec, order=order, scaling=scaling, point=spec.axis_values(bp.point), params=bp.params,
            overrides=dict(overrides or {}), settings=bp.settings, solve_seconds=bp.seconds)
        tables.append(_table(data, coords, attrs))
    return assemble(tables)
