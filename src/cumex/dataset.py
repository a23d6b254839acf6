"""One grid point's :class:`~cumex.results.MethodResult` as an ``xarray.Dataset`` of the common schema.

Every model's result files share one layout. Dimensions: ``(scaling, order, *model axes)``, each of
length 1 in a point's file (so ``xarray.combine_by_coords`` or :func:`cumex.assemble.assemble` rebuild
a study's grid from its files without parsing file names), and ``state`` for the steady states found
(a fixed number of slots per model, NaN padded). Variables:

    <observable>            the model's observables in the physical state (time averages on a cycle);
                            a vector observable along its own dimension (multimode Dicke: ``pattern``)
    <observable>_error      block standard error of such a time average (models that ask for it)
    n_steady_states         steady states found;  n_stable: linearly stable ones (neutral modes of
                            symmetries and conserved quantities do not count against stability)
    attractor               fixed_point / bistable / limit_cycle / irregular / none
    attractor_period        period of the limit cycle reached (NaN if none)
    converged               1 if the solve succeeded, 0 if not (NaN in an assembled study: not solved)
    status, status_detail   short code (ok, inaccurate, failed, timeout, error) and the solver's words
    residual                residual of the steady-state equations at the physical state
    solve_seconds           wall time of the solve
    <concrete parameter>    every concrete parameter of the point (after scaling with N)
    state_<observable>, state_stable, state_residual, state_max_real_eigenvalue   per steady state

Attributes: model, title, Conventions, the point's parameters and overrides (JSON), the resolved solver
settings (JSON) and provenance (:func:`cumex.io.provenance`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from cumex.io import provenance, to_json
from cumex.models.spec import Model
from cumex.results import MethodResult, status_code

__all__ = ["to_dataset", "point_variables", "grid_dims"]


def grid_dims(model: Model) -> tuple[str, ...]:
    """The dimensions of a model's results: scaling, order and the model's axes."""
    return ("scaling", "order", *model.axis_names)


def to_dataset(
    result: MethodResult,
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
    """Lay out one point's result (see the module docstring); ``point`` holds the axis values."""
    data, coords, attrs = point_variables(result, model=model, order=order, scaling=scaling, point=point,
                                          params=params, overrides=overrides, settings=settings,
                                          solve_seconds=solve_seconds)
    return xr.Dataset(data, coords=coords, attrs=attrs)


def point_variables(
    result: MethodResult,
    *,
    model: Model,
    order: str,
    scaling: str,
    point: Mapping[str, float],
    params: Mapping[str, float],
    overrides: Mapping[str, object],
    settings: Mapping[str, object],
    solve_seconds: float,
) -> tuple[dict[str, tuple], dict[str, object], dict[str, object]]:
    """(data variables, coordinates, attributes) of :func:`to_dataset` as plain arrays, before xarray
    (building an ``xarray.Dataset`` costs ~10 ms; a batch lays out many points at once, cumex.sweep)."""
    dims = grid_dims(model)
    shape = (1,) * len(dims)

    def scalar(value, dtype=None) -> np.ndarray:
        return np.full(shape, value, dtype=dtype)

    coords: dict[str, object] = {"scaling": ("scaling", [scaling]), "order": ("order", [order]), "model": model.name}
    for axis in model.axes:
        coords[axis.name] = (axis.name, [point[axis.name]], {"long_name": axis.description, "units": axis.units})

    physical = result.physical
    info = {} if physical is None else physical.info
    data: dict[str, tuple] = {}
    for obs in model.observables:
        attrs = {"long_name": obs.description + " in the physical state", "units": obs.units}
        if obs.dim:  # a vector observable along its own dimension
            found = {} if physical is None else physical.observables
            values = [float(found.get(f"{obs.name}_{k}", np.nan)) for k in range(1, obs.size + 1)]
            data[obs.name] = (dims + (obs.dim,), np.array(values).reshape(shape + (obs.size,)), attrs)
            coords[obs.dim] = (obs.dim, np.arange(1, obs.size + 1))
            continue
        value = np.nan if physical is None else float(physical.observables.get(obs.name, np.nan))
        data[obs.name] = (dims, scalar(value), attrs)
    for name in model.error_observables:
        data[f"{name}_error"] = (dims, scalar(float(info.get(f"error_{name}", np.nan))),
                                 {"long_name": f"block standard error of the time average of {name}",
                                  "units": model.observable(name).units})
    data["n_steady_states"] = (dims, scalar(result.n_steady_states), {"long_name": "number of steady states found"})
    data["n_stable"] = (dims, scalar(result.n_stable), {"long_name": "number of linearly stable steady states"})
    data["attractor"] = (dims, scalar(result.attractor_kind, dtype=object),
                         {"long_name": "attractor reached from the fixed initial state (observables are time averages on a cycle)"})
    data["attractor_period"] = (dims, scalar(float(info.get("period", np.nan))),
                                {"long_name": "period of the limit cycle reached (NaN if none)", "units": model.time_units})
    data["converged"] = (dims, scalar(np.int8(result.converged)),
                         {"long_name": "1 if the solve succeeded, else 0 (NaN in a study: not one of its points)"})
    data["status"] = (dims, scalar(status_code(result.status), dtype=object), {"long_name": "solver status code"})
    data["status_detail"] = (dims, scalar(result.status, dtype=object), {"long_name": "solver status in words"})
    data["residual"] = (dims, scalar(float(result.residual)), {"long_name": "residual of the steady-state equations at the physical state"})
    data["solve_seconds"] = (dims, scalar(solve_seconds), {"long_name": "wall time of the solve", "units": "s"})
    for q in model.concrete_parameters:
        data[q.name] = (dims, scalar(float(params.get(q.name, np.nan))), {"long_name": q.description, "units": q.units})

    slots = model.state_slots
    states = result.states[:slots]
    state_dims = dims + ("state",)

    def per_state(values) -> np.ndarray:
        padded = np.full(slots, np.nan)
        padded[: len(states)] = values
        return padded.reshape(shape + (slots,))

    for obs in (o for o in model.observables if not o.dim):
        data[f"state_{obs.name}"] = (state_dims, per_state([s.observables.get(obs.name, np.nan) for s in states]),
                                     {"long_name": f"{obs.name} of each steady state found (NaN pads)", "units": obs.units})
    data["state_stable"] = (state_dims, per_state([float(s.stable) for s in states]),
                            {"long_name": "1 if the steady state is linearly stable, 0 if not (NaN pads)"})
    data["state_residual"] = (state_dims, per_state([s.residual for s in states]), {"long_name": "residual of each steady state"})
    data["state_max_real_eigenvalue"] = (state_dims, per_state([s.info.get("max_real_eigenvalue", np.nan) for s in states]),
                                         {"long_name": "largest real part of the Jacobian eigenvalues that count for stability"})
    coords["state"] = ("state", np.arange(slots))

    global_attrs: dict[str, object] = {
        "title": f"cumex {model.name} steady state, order {order}",
        "Conventions": "CF-1.10",
        "history": f"solved by cumex.study.solve_point ({model.title})",
        "model": model.name,
        "parameters": to_json(dict(params)),
        "overrides": to_json(dict(overrides)),
        "solver_settings": to_json({**dict(settings), **dict(result.settings)}),
        **provenance(),
    }
    return data, coords, global_attrs
