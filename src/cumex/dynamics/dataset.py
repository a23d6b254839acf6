"""One grid point's :class:`~cumex.dynamics.traces.TimeTraces` as an ``xarray.Dataset`` of the common schema.

The layout is that of :mod:`cumex.dataset` with a ``time`` dimension: dimensions ``(scaling, order, *model
axes)``, each of length 1 in a point's file (so :func:`cumex.assemble.assemble` combines a study's files as
for steady studies), and ``time`` (coordinate ``time`` in the model's ``time_units``; times[0] is the time of
the model's initial state). Variables:

    <observable>      (…, time) each of the model's observables along the trajectory (NaN where the method
                      does not give it, e.g. the quadrature moments of cumulant orders)
    converged         1 if the run succeeded and every physical bound held (cumex.dynamics.traces), else 0
    status, status_detail   short code (ok, inaccurate, failed, timeout, error) and the solver's words
    solve_seconds     wall time of the run
    <concrete parameter>    every concrete parameter of the point (after scaling with N)

Attributes as in :mod:`cumex.dataset` (model, parameters, overrides, solver settings, provenance) and
``study_type = "dynamics"``. Written with :func:`cumex.io.write_dataset` like every result file.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from cumex.dataset import grid_coordinates, grid_dims, observable_attrs, run_variables
from cumex.dynamics.traces import TimeTraces
from cumex.io import provenance, to_json
from cumex.models.spec import Model

__all__ = ["traces_dataset", "STUDY_TYPE_ATTR"]

STUDY_TYPE_ATTR = "study_type"


def traces_dataset(
    traces: TimeTraces,
    *,
    model: Model,
    order: str,
    scaling: str,
    point: Mapping[str, float],
    params: Mapping[str, float],
    overrides: Mapping[str, object],
    settings: Mapping[str, object],
    solve_seconds: float,
) -> xr.Dataset:
    """Lay out one point's traces (module docstring); ``point`` holds the axis values."""
    dims = grid_dims(model)
    shape = (1,) * len(dims)
    times = np.asarray(traces.times, dtype=float)

    coords = grid_coordinates(model, order, scaling, point)
    coords["time"] = ("time", times, {"long_name": "time since the initial state", "units": model.time_units,
                                      "description": "time since the model's initial state (t = 0)", "standard_name": "time"})
    data: dict[str, tuple] = {}
    for obs in model.observables:
        if obs.dim:  # vector observables have no dynamics here
            continue
        values = traces.observables.get(obs.name)
        trace = np.full(times.size, np.nan) if values is None or len(values) != times.size else values
        data[obs.name] = (dims + ("time",), np.asarray(trace, dtype=float).reshape(shape + (times.size,)),
                          observable_attrs(obs, "along the trajectory"))
    data.update(run_variables(model, traces.converged, traces.status, solve_seconds, params, what="run"))
    attrs = {
        "title": f"cumex {model.name} dynamics, order {order}",
        "Conventions": "CF-1.10",
        "history": f"evolved by cumex.dynamics.evolve_dataset ({model.title})",
        "model": model.name,
        STUDY_TYPE_ATTR: "dynamics",
        "parameters": to_json(dict(params)),
        "overrides": to_json(dict(overrides)),
        "solver_settings": to_json({**dict(settings), **dict(traces.settings)}),
        "run_info": to_json(dict(traces.info)),
        **provenance(),
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)
