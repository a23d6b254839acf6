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
    status, status_detail   short code (ok, inaccurate, failed, timeout, error) and the solver's words;
    status_flag             the code as a number 0..4 (CF flag_values / flag_meanings, as on converged)
    residual                residual of the steady-state equations at the physical state
    solve_seconds           wall time of the solve
    <concrete parameter>    every concrete parameter of the point (after scaling with N)
    state_<observable>, state_stable, state_residual, state_max_real_eigenvalue   per steady state

Coordinates: scaling, order (string labels, see :data:`ORDER_DESCRIPTION`) with the auxiliary integer
``cumulant_order``, the model's axes, ``state`` (and a vector observable's own dimension).

CF attributes on every variable: a short ``long_name``, the full ``description``, ``units`` on every numeric
variable in the model's units (:data:`UNITS_NOTE`; "1" for the dimensionless, "s" for wall time; text
variables have none) and ``flag_values``/``flag_meanings`` on the 0/1 and code variables. Global attributes:
title, Conventions, history, model, energy_units, the point's parameters and overrides (JSON), the
resolved solver settings with every default (JSON, ``solver_settings``) and provenance
(:func:`cumex.io.provenance`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from cumex.io import provenance, to_json
from cumex.models.spec import Model
from cumex.results import ATTRACTORS, STATUS_CODES, MethodResult, status_code

__all__ = ["to_dataset", "point_variables", "observable_attrs", "grid_coordinates", "run_variables", "grid_dims", "cumulant_order",
           "ORDER_DESCRIPTION", "UNITS_NOTE"]

#: what the ``order`` coordinate holds and how to select by it (also in README.md)
ORDER_DESCRIPTION = (
    "method label, a string: 'exact', 'limit' (N -> infinity), '1' (mean-field), '2'..'12' (cumulant order M), "
    "'M_broken' (symmetry-broken order M). Select with a string, ds.sel(order='2'); ds.sel(order=2) finds no "
    "label. By number: ds.sel(order=ds.order[ds.cumulant_order == 2]) (the U(1) and the broken order M alike)"
)
#: the units convention of every file
UNITS_NOTE = (
    "energies and rates are in units of the model's energy unit (global attribute energy_units: the parameter "
    "that is 1 by default, e.g. omega), times in its inverse (e.g. 1/omega); '1' marks a dimensionless quantity "
    "(expectation values, counts, ratios)"
)


def cumulant_order(order: str) -> int:
    """M of an order label ("3" and "3_broken" -> 3; "1", mean-field, -> 1); 0 for "exact" and "limit"."""
    head = str(order).split("_", 1)[0]
    return int(head) if head.isdigit() else 0


def _short(description: str) -> str:
    """A short long_name from a description: up to its first parenthesis or comma, without an article."""
    text = description.split(" (", 1)[0].split(", ", 1)[0].strip()
    for article in ("a ", "an "):
        if text.startswith(article):
            text = text[len(article):]
    return text


def _attrs(long_name: str, description: str, units: str | None = None, **flags) -> dict[str, object]:
    """CF attributes: a short long_name, the full description, units (none for text variables), flags."""
    out: dict[str, object] = {"long_name": long_name, "description": description}
    if units is not None:
        out["units"] = units
    out.update(flags)
    return out


def observable_attrs(obs, where: str) -> dict[str, object]:
    """CF attributes of an observable's variable: its short long_name, its description followed by ``where``
    (e.g. "along the trajectory"), its units."""
    return _attrs(obs.long_name or _short(obs.description), f"{obs.description} {where}", obs.units)


def grid_dims(model: Model) -> tuple[str, ...]:
    """The dimensions of a model's results: scaling, order and the model's axes."""
    return ("scaling", "order", *model.axis_names)


def grid_coordinates(model: Model, order: str, scaling: str, point: Mapping[str, float]) -> dict[str, object]:
    """One point's coordinates (scaling, order, its cumulant_order, model, the model's axes), CF-described;
    shared by the steady and the dynamics layouts."""
    coords: dict[str, object] = {
        "scaling": ("scaling", [scaling], _attrs("scaling", "how the parameters scale with N: " + "; ".join(
            f"{s.name}: {s.description}" for s in model.scalings))),
        "order": ("order", [order], _attrs("method", ORDER_DESCRIPTION)),
        "cumulant_order": ("order", np.array([cumulant_order(order)], dtype=np.int8),
                           _attrs("cumulant order M", "M of the order label 'M' or 'M_broken' (1: mean-field); "
                                  "0 for the methods that truncate nothing ('exact', 'limit')", "1")),
        "model": ((), model.name, _attrs("model", model.title)),
    }
    for axis in model.axes:
        coords[axis.name] = (axis.name, [point[axis.name]], _attrs(_short(axis.description), axis.description, axis.units))
    return coords


def run_variables(model: Model, converged: bool, status: str, solve_seconds: float, params: Mapping[str, float],
                  what: str = "solve") -> dict[str, tuple]:
    """One point's outcome (converged, status, status_flag, status_detail, solve_seconds) and its concrete
    parameters, CF-described; shared by the steady and the dynamics layouts (``what``: "solve" or "run")."""
    dims = grid_dims(model)
    shape = (1,) * len(dims)

    def scalar(value, dtype=None) -> np.ndarray:
        return np.full(shape, value, dtype=dtype)

    data: dict[str, tuple] = {}
    data["converged"] = (dims, scalar(np.int8(converged)), _attrs(
        f"{what} succeeded", f"1 if the {what} succeeded, else 0 (NaN in a study: not one of its points)",
        flag_values=np.array([0, 1], dtype=np.int8), flag_meanings="not_converged converged"))
    data["status"] = (dims, scalar(status_code(status), dtype=object), _attrs(
        "solver status", "short code: " + ", ".join(STATUS_CODES) + " (the number in status_flag; the words in status_detail)"))
    data["status_flag"] = (dims, scalar(np.int8(STATUS_CODES.index(status_code(status)))), _attrs(
        "solver status code", "the status as a number (NaN in a study: not one of its points)",
        flag_values=np.arange(len(STATUS_CODES), dtype=np.int8), flag_meanings=" ".join(STATUS_CODES)))
    data["status_detail"] = (dims, scalar(status, dtype=object), _attrs("solver status in words", "the solver's own message"))
    data["solve_seconds"] = (dims, scalar(solve_seconds), _attrs(f"{what} time", f"wall time of the {what}", "s"))
    for q in model.concrete_parameters:
        data[q.name] = (dims, scalar(float(params.get(q.name, np.nan))), _attrs(_short(q.description), q.description, q.units))
    return data


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

    E, T = model.energy_units, model.time_units
    coords = grid_coordinates(model, order, scaling, point)

    physical = result.physical
    info = {} if physical is None else physical.info
    data: dict[str, tuple] = {}
    for obs in model.observables:
        attrs = observable_attrs(obs, "in the physical state (the time average on a cycle)")
        if obs.dim:  # a vector observable along its own dimension
            found = {} if physical is None else physical.observables
            values = [float(found.get(f"{obs.name}_{k}", np.nan)) for k in range(1, obs.size + 1)]
            data[obs.name] = (dims + (obs.dim,), np.array(values).reshape(shape + (obs.size,)), attrs)
            coords[obs.dim] = (obs.dim, np.arange(1, obs.size + 1),
                               _attrs(f"{obs.dim} index", f"index mu of the {obs.dim} (1..{obs.size})", "1"))
            continue
        value = np.nan if physical is None else float(physical.observables.get(obs.name, np.nan))
        data[obs.name] = (dims, scalar(value), attrs)
    for name in model.error_observables:
        data[f"{name}_error"] = (dims, scalar(float(info.get(f"error_{name}", np.nan))),
                                 _attrs(f"standard error of {name}", f"block standard error of the time average of {name}",
                                        model.observable(name).units))
    data["n_steady_states"] = (dims, scalar(result.n_steady_states), _attrs("steady states found", "number of steady states found", "1"))
    data["n_stable"] = (dims, scalar(result.n_stable), _attrs(
        "stable steady states", "number of linearly stable steady states (neutral modes of symmetries and conserved quantities "
        "do not count against stability)", "1"))
    data["attractor"] = (dims, scalar(result.attractor_kind, dtype=object), _attrs(
        "attractor", "attractor reached from the fixed initial state: " + ", ".join(ATTRACTORS)
        + " (on a cycle the observables are time averages)"))
    data["attractor_period"] = (dims, scalar(float(info.get("period", np.nan))),
                                _attrs("limit-cycle period", "period of the limit cycle reached (NaN if none)", T))
    data["residual"] = (dims, scalar(float(result.residual)), _attrs(
        "residual", "residual of the steady-state equations at the physical state (largest |d/dt| of an unknown)", E))
    data.update(run_variables(model, result.converged, result.status, solve_seconds, params))

    slots = model.state_slots
    states = result.states[:slots]
    state_dims = dims + ("state",)

    def per_state(values) -> np.ndarray:
        padded = np.full(slots, np.nan)
        padded[: len(states)] = values
        return padded.reshape(shape + (slots,))

    for obs in (o for o in model.observables if not o.dim):
        data[f"state_{obs.name}"] = (state_dims, per_state([s.observables.get(obs.name, np.nan) for s in states]),
                                     _attrs(f"{obs.name} of each steady state", f"{obs.description} of each steady state found (NaN pads)",
                                            obs.units))
    data["state_stable"] = (state_dims, per_state([float(s.stable) for s in states]), _attrs(
        "steady state stable", "1 if the steady state is linearly stable, 0 if not (NaN pads)",
        flag_values=np.array([0.0, 1.0]), flag_meanings="unstable stable"))
    data["state_residual"] = (state_dims, per_state([s.residual for s in states]),
                              _attrs("residual of each steady state", "residual of the steady-state equations at each state (NaN pads)", E))
    data["state_max_real_eigenvalue"] = (state_dims, per_state([s.info.get("max_real_eigenvalue", np.nan) for s in states]), _attrs(
        "largest real part of the eigenvalues", "largest real part of the Jacobian eigenvalues that count for stability (NaN pads)", E))
    coords["state"] = ("state", np.arange(slots), _attrs("steady state slot", f"index of a steady state found (at most {slots} kept)", "1"))

    prov = provenance()
    attrs = {
        "title": f"cumex: {model.title}",
        "Conventions": "CF-1.10",
        "history": f"{prov['created']} solved by cumex {prov['cumex_version']} (cumex.study.solve_point: {model.name}, "
                   f"order {order}, scaling {scaling}, " + ", ".join(f"{a}={point[a]}" for a in model.axis_names) + ")",
        "model": model.name,
        "energy_units": E,
        "units_note": UNITS_NOTE,
        "parameters": to_json(dict(params)),
        "overrides": to_json(dict(overrides)),
        "solver_settings": to_json({**dict(settings), **dict(result.settings)}),
        **prov,
    }
    return data, coords, attrs
