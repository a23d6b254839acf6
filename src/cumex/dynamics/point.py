"""Evolve one grid point of any model from its initial state: the dynamics counterpart of :mod:`cumex.study`.

``evolve_point(model, scaling, order, point, times, settings)`` resolves the point exactly as a steady solve
does (:meth:`cumex.models.Model.resolve`; the limit at N = inf), picks the engine the model names for the
order (:func:`cumex.methods.engine_for`) and calls its ``evolve`` (:mod:`cumex.dynamics.engines`). Where
the engine of an order has no dynamics and the setting ``engine`` is ``auto``, the derived cumulant
equations of that order serve (the central spin's hand-written orders 1 and 2 equal them coefficient by
coefficient); an order no engine can evolve raises :class:`~cumex.errors.CumexInputError` naming the order
and the orders that can. Bad input raises; a numerical failure or a timeout is a result
(``converged`` False, a status saying why).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping

import xarray as xr

from cumex.dynamics.traces import TimeTraces, check_times, checked, failed_traces
from cumex.errors import CumexInputError
from cumex.integrity import DamagedFileError
from cumex.methods import Method, engine_for, parse_method
from cumex.models import Model, get_model
from cumex.timeouts import SolveDied, SolveTimeout, run_with_time_limit, time_limit

__all__ = ["dynamics_engine", "dynamics_orders", "known_dynamics_settings", "check_dynamics_settings",
           "evolve_point", "evolve_result", "evolve_dataset"]

log = logging.getLogger(__name__)


def dynamics_orders(model: Model) -> str:
    """The orders of ``model`` that have dynamics, in words (for error messages)."""
    out = []
    for key in ("exact", "limit"):
        if key in model.engines and _load(model.engines[key]).evolve is not None:
            out.append(key)
    if "cumulant" in model.engines:
        out.append(f"1..{model.max_order} and M_broken" if model.u1_symmetric else f"M_broken, M = 1..{model.max_order}")
    return ", ".join(out) or "none"


def _load(reference: str):
    from cumex.methods import _load as load

    return load(reference)


def dynamics_engine(model: Model, method: Method, engine: str = "auto"):
    """The engine that evolves ``method`` for ``model`` (see the module docstring)."""
    chosen = engine_for(model, method, engine)
    if chosen.evolve is None and engine == "auto" and method.kind == "cumulant" and "cumulant" in model.engines:
        chosen = engine_for(model, method, "derived")
    if chosen.evolve is None:
        raise CumexInputError("order", method.label, f"an order with dynamics for {model.name}: {dynamics_orders(model)} "
                              f"({chosen.name} has no time evolution)")
    return chosen


def known_dynamics_settings(model: Model, methods, engine: str = "auto") -> dict[str, object]:
    """Every setting the dynamics of ``methods`` read, with defaults (plus timeout_seconds and engine)."""
    from cumex.engines import COMMON_SETTINGS

    known: dict[str, object] = dict(COMMON_SETTINGS)
    for method in methods:
        known.update(dynamics_engine(model, method, engine).evolve_defaults())
    return known


def check_dynamics_settings(model: Model, methods, settings: Mapping[str, object], key: str = "settings") -> dict[str, object]:
    """``settings`` checked for the dynamics of ``methods`` (unknown keys and bad values raise, naming the key);
    returns them with every default filled in."""
    from cumex.methods import check_settings

    settings = dict(settings)
    engine = settings.get("engine", "auto")
    if engine not in {"auto", "handwritten", "derived"}:
        raise CumexInputError(f"{key}.engine", engine, "'auto', 'handwritten' or 'derived'")
    methods = list(methods)
    known = known_dynamics_settings(model, methods, str(engine))
    for name, value in settings.items():
        if name not in known:
            raise CumexInputError(f"{key}.{name}", value, "a dynamics setting of the methods in use: " + ", ".join(sorted(known)))
    check_settings(model, [], {k: v for k, v in settings.items() if k in ("timeout_seconds", "engine")}, key)
    for method in methods:
        dynamics_engine(model, method, str(engine)).evolve_check(settings)
    return {**known, **settings}


def evolve_result(
    model: str | Model, order: str, scaling: str | None, point: Mapping[str, object], times: object,
    settings: Mapping[str, object] | None = None, overrides: Mapping[str, object] | None = None,
) -> tuple[TimeTraces, dict[str, float], dict[str, object], float, dict[str, float]]:
    """(traces, concrete parameters, resolved settings, seconds, axis values) of one point."""
    spec = get_model(model)
    scaling = scaling or spec.scaling_default
    method = parse_method(order, spec)
    point = spec.point_for(method.label, {k.rstrip("_"): v for k, v in point.items()})
    if method.kind == "limit" and spec.size_axis:
        point = {**point, spec.size_axis: float("inf")}
    params = spec.resolve(scaling, point, overrides)
    used = check_dynamics_settings(spec, [method], settings or {})
    engine = dynamics_engine(spec, method, str(used["engine"]))
    t = check_times(times)
    values = spec.axis_values(point)
    context = {"scaling": scaling, "point": values, "overrides": dict(overrides or {})}
    given = {k: v for k, v in used.items() if k not in ("timeout_seconds", "engine")}
    timeout = used.get("timeout_seconds")
    start = time.perf_counter()
    try:
        run = lambda: engine.evolve(spec, method, params, t, given, **context)  # noqa: E731
        if timeout and not engine.interruptible:  # long compiled calls: a child process that can be killed
            traces = run_with_time_limit(run, float(timeout))  # type: ignore[arg-type]
        else:
            with time_limit(timeout):  # type: ignore[arg-type]
                traces = run()
        traces = checked(traces)
    except (CumexInputError, DamagedFileError):
        raise
    except SolveTimeout:
        traces = failed_traces(t, f"timeout after {timeout} s", given)
    except SolveDied as exc:
        traces = failed_traces(t, f"failed: {exc}", given)
    except Exception as exc:  # a numerical failure is data, not a crash
        log.error("evolve failed at %s %s order=%s %s:\n%s", spec.name, scaling, order, point, traceback.format_exc())
        traces = failed_traces(t, f"error: {type(exc).__name__}: {exc}", given)
    return traces, params, used, time.perf_counter() - start, values


def evolve_point(model: str | Model, scaling: str | None, order: str, point: Mapping[str, object], times: object,
                 settings: Mapping[str, object] | None = None,
                 overrides: Mapping[str, object] | None = None) -> TimeTraces:
    """The time traces of one grid point (module docstring): ``point`` holds axis values by name (N, ...),
    ``times`` the output times (times[0] is the time of the initial state), ``settings`` the engine's
    dynamics settings and ``timeout_seconds``, ``overrides`` the model's base parameters."""
    return evolve_result(model, order, scaling, point, times, settings, overrides)[0]


def evolve_dataset(model: str | Model = "central_spin", order: str = "exact", scaling: str | None = None,
                   times: object = None, overrides: Mapping[str, object] | None = None,
                   settings: Mapping[str, object] | None = None, **point: object) -> xr.Dataset:
    """One point's time traces as a dataset of the common schema with a ``time`` dimension
    (:func:`cumex.dynamics.dataset.traces_dataset`); keywords as :func:`cumex.study.solve_point`."""
    from cumex.dynamics.dataset import traces_dataset

    if times is None:
        raise CumexInputError("times", None, "the output times (e.g. cumex.dynamics.time_grid(4.0, 801))")
    spec = get_model(model)
    scaling = scaling or spec.scaling_default
    traces, params, used, seconds, values = evolve_result(spec, order, scaling, point, times, settings, overrides)
    return traces_dataset(traces, model=spec, order=parse_method(order, spec).label, scaling=scaling, point=values,
                          params=params, overrides=dict(overrides or {}), settings=used, solve_seconds=seconds)
