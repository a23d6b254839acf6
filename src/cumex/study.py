"""Solve one grid point of a study and return it as an ``xarray.Dataset``.

This is the single entry point the command line and the Snakemake workflow share. A grid point of the
central spin model is (scaling, order, N, pump_ratio) plus parameter overrides and solver settings
(see :mod:`cumex.models.central_spin` for the master equation and scalings, :mod:`cumex.methods` for
the orders). The dataset has those four grid values as length-1 dimension coordinates, so
``xarray.combine_by_coords`` rebuilds a study's grid from its files without parsing file names.

Bad input raises :class:`cumex.errors.CumexInputError`. A numerical failure (or a timeout) never
raises: the point is returned with ``converged = False``, NaN observables and a ``status`` saying why.
"""

from __future__ import annotations

import logging
import signal
import time
import traceback
from contextlib import contextmanager
from typing import Mapping

import numpy as np
import xarray as xr

from cumex.errors import CumexInputError
from cumex.io import provenance, to_json
from cumex.methods import solver_for, validate_order
from cumex.models.central_spin import CentralSpinParameters, resolve_parameters
from cumex.results import OBSERVABLES, MethodResult

__all__ = ["MODELS", "solve_point", "result_to_dataset"]

log = logging.getLogger(__name__)

MODELS = ("central_spin",)
GRID_DIMS = ("scaling", "order", "N", "pump_ratio")
#: how many steady states per point are stored individually (n_steady_states counts them all)
STATE_SLOTS = 8

_PARAMETER_ATTRS = {
    "omega": ("central spin frequency omega", "1"),
    "epsilon": ("satellite frequency epsilon", "1"),
    "g": ("central-satellite coupling g (after scaling with N)", "1"),
    "kappa": ("central spin decay rate kappa (after scaling with N)", "1"),
    "gamma_up": ("satellite pump rate Gamma_up", "1"),
    "gamma_down": ("satellite loss rate Gamma_down", "1"),
}


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float | None):
    """Raise _Timeout after ``seconds`` of wall time (main thread only; no limit when None)."""
    if not seconds:
        yield
        return

    def handler(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_settings(settings: Mapping[str, object]) -> dict[str, object]:
    settings = dict(settings)
    timeout = settings.get("timeout_seconds")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise CumexInputError("settings.timeout_seconds", timeout, "a number of seconds > 0, or null for no limit")
    return settings


def solve_point(
    model: str = "central_spin",
    order: str = "exact",
    scaling: str = "fixed_kappa_over_N",
    N: int = 10,
    pump_ratio: float = 0.75,
    overrides: Mapping[str, float] | None = None,
    settings: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Solve one grid point and return its dataset (see the module docstring).

    ``settings`` go to the method's solver; ``settings["timeout_seconds"]`` bounds the wall time of the
    solve (the point is then recorded with status ``"timeout"``), ``settings["engine"]`` picks the
    hand-written or derived equations for orders 1 and 2.
    """
    if model not in MODELS:
        raise CumexInputError("model", model, f"one of {', '.join(MODELS)}")
    order = validate_order(order)
    params = resolve_parameters(N, scaling, pump_ratio, overrides)
    settings = _check_settings(settings or {})
    solver = solver_for(order, engine=str(settings.get("engine", "auto")))

    start = time.perf_counter()
    try:
        with _time_limit(settings.get("timeout_seconds")):
            result = solver(params, settings)
    except CumexInputError:
        raise
    except _Timeout:
        result = MethodResult([], None, False, f"timeout after {settings['timeout_seconds']} s", dict(settings))
    except Exception as exc:  # a numerical failure is data, not a crash
        log.error("solve failed at %s order=%s N=%s r=%s:\n%s", scaling, order, N, pump_ratio, traceback.format_exc())
        result = MethodResult([], None, False, f"error: {type(exc).__name__}: {exc}", dict(settings))
    seconds = time.perf_counter() - start
    return result_to_dataset(
        result, model=model, order=order, scaling=scaling, pump_ratio=float(pump_ratio), params=params,
        overrides=dict(overrides or {}), settings=settings, solve_seconds=seconds,
    )


def _grid_array(value) -> np.ndarray:
    return np.full((1, 1, 1, 1), value)


def result_to_dataset(
    result: MethodResult,
    *,
    model: str,
    order: str,
    scaling: str,
    pump_ratio: float,
    params: CentralSpinParameters,
    overrides: Mapping[str, float],
    settings: Mapping[str, object],
    solve_seconds: float,
) -> xr.Dataset:
    """Lay out one point's :class:`MethodResult` as a dataset with length-1 grid coordinates."""
    coords = {
        "scaling": ("scaling", [scaling]),
        "order": ("order", [order]),
        "N": ("N", [params.N], {"long_name": "number of satellite spins"}),
        "pump_ratio": ("pump_ratio", [pump_ratio], {"long_name": "pump ratio Gamma_up / Gamma_T", "units": "1"}),
        "model": model,
    }
    physical = result.physical
    data: dict[str, tuple] = {}
    for name, (long_name, units) in OBSERVABLES.items():
        value = np.nan if physical is None else float(physical.observables.get(name, np.nan))
        data[name] = (GRID_DIMS, _grid_array(value), {"long_name": long_name + " in the physical steady state", "units": units})

    data["n_steady_states"] = (GRID_DIMS, _grid_array(result.n_steady_states), {"long_name": "number of steady states found"})
    data["n_stable"] = (GRID_DIMS, _grid_array(result.n_stable), {"long_name": "number of linearly stable steady states"})
    data["converged"] = (GRID_DIMS, _grid_array(np.int8(result.converged)), {"long_name": "1 if the solve succeeded, else 0"})
    data["residual"] = (GRID_DIMS, _grid_array(float(result.residual)), {"long_name": "residual of the steady-state equations at the physical state"})
    data["status"] = (GRID_DIMS, np.full((1, 1, 1, 1), result.status, dtype=object), {"long_name": "solver status"})
    # what the physical trajectory reaches (cumex.steady.analysis): fixed_point, bistable, limit_cycle, irregular
    attractor = str(result.settings.get("attractor", "fixed_point" if physical is not None and physical.stable else ""))
    data["attractor"] = (GRID_DIMS, np.full((1, 1, 1, 1), attractor, dtype=object), {"long_name": "attractor reached from the fixed initial state (observables are time averages on a cycle)"})
    period = np.nan if physical is None else float(physical.info.get("period", np.nan))
    data["attractor_period"] = (GRID_DIMS, _grid_array(period), {"long_name": "period of the limit cycle reached (NaN if none)", "units": "1"})
    data["solve_seconds"] = (GRID_DIMS, _grid_array(solve_seconds), {"long_name": "wall time of the solve", "units": "s"})
    for name, (long_name, units) in _PARAMETER_ATTRS.items():
        data[name] = (GRID_DIMS, _grid_array(float(getattr(params, name))), {"long_name": long_name, "units": units})

    # every steady state found, along a `state` dimension of fixed length STATE_SLOTS padded with NaN:
    # a length that varied between files would make combine_by_coords concatenate along it
    states = result.states[:STATE_SLOTS]
    n_slots = STATE_SLOTS
    state_dims = GRID_DIMS + ("state",)

    def per_state(values) -> np.ndarray:
        padded = np.full(n_slots, np.nan)
        padded[: len(states)] = values
        return padded.reshape(1, 1, 1, 1, -1)

    for name in OBSERVABLES:
        data[f"state_{name}"] = (
            state_dims, per_state([s.observables.get(name, np.nan) for s in states]),
            {"long_name": f"{name} of each steady state found (NaN pads)"},
        )
    data["state_stable"] = (
        state_dims, per_state([float(s.stable) for s in states]),
        {"long_name": "1 if the steady state is linearly stable, 0 if not (NaN pads)"},
    )
    data["state_residual"] = (
        state_dims, per_state([s.residual for s in states]), {"long_name": "residual of each steady state"},
    )
    coords["state"] = ("state", np.arange(n_slots))

    attrs = {
        "title": f"cumex {model} steady state, order {order}",
        "Conventions": "CF-1.10",
        "model": model,
        "parameters": to_json(params.as_dict()),
        "overrides": to_json(dict(overrides)),
        "solver_settings": to_json({**dict(settings), **dict(result.settings)}),
        **provenance(),
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)
