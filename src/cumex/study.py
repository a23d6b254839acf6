"""Solve one grid point of any model and return it as an ``xarray.Dataset``.

This is the single entry point the command line and the Snakemake workflow share. A grid point is
(model, scaling, order, one value per model axis) plus parameter overrides and solver settings: the
model (:mod:`cumex.models`) resolves the concrete parameters, :mod:`cumex.methods` picks the engine,
:mod:`cumex.dataset` lays the result out in the common schema (grid values as length-1 coordinates).

Bad input raises :class:`cumex.errors.CumexInputError`. A numerical failure (or a timeout) never
raises: the point is returned with ``converged = 0``, NaN observables and a ``status`` saying why.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping

import xarray as xr

from cumex.dataset import to_dataset
from cumex.errors import CumexInputError
from cumex.integrity import DamagedFileError
from cumex.methods import check_settings, engine_for, parse_method
from cumex.models import Model, get_model
from cumex.results import MethodResult
from cumex.timeouts import SolveDied, SolveTimeout, run_with_time_limit, time_limit

__all__ = ["solve_point", "solve_result"]

log = logging.getLogger(__name__)


def solve_result(
    model: str | Model = "central_spin",
    order: str = "exact",
    scaling: str | None = None,
    overrides: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    **point: object,
) -> tuple[MethodResult, dict[str, float], dict[str, object], float]:
    """Solve one point: (result, concrete parameters, resolved settings, seconds). See :func:`solve_point`."""
    spec = get_model(model)
    scaling = scaling or spec.scaling_default
    method = parse_method(order, spec)
    point = _method_point(spec, method, point)
    params = spec.resolve(scaling, point, overrides)
    used = check_settings(spec, [method], settings or {})
    given = dict(settings or {})
    engine = engine_for(spec, method, str(used["engine"]))
    timeout = used.get("timeout_seconds")
    start = time.perf_counter()
    too_big = _memory_refusal(spec, method.label, params)
    if too_big:
        return MethodResult([], None, False, too_big, given), params, used, 0.0
    context = {"scaling": scaling, "point": spec.axis_values(point), "overrides": dict(overrides or {})}
    try:
        if timeout and not engine.interruptible:  # one compiled call may run for minutes: a child process
            result = run_with_time_limit(lambda: engine.solve(spec, method, params, given, **context), float(timeout))  # type: ignore[arg-type]
        else:
            with time_limit(timeout):  # type: ignore[arg-type]
                result = engine.solve(spec, method, params, given, **context)
    except (CumexInputError, DamagedFileError):  # bad input, or a damaged input file: not a result
        raise
    except SolveTimeout:
        result = MethodResult([], None, False, f"timeout after {timeout} s", given)
    except SolveDied as exc:
        result = MethodResult([], None, False, f"failed: {exc}", given)
    except Exception as exc:  # a numerical failure is data, not a crash
        log.error("solve failed at %s %s order=%s %s:\n%s", spec.name, scaling, order, point, traceback.format_exc())
        result = MethodResult([], None, False, f"error: {type(exc).__name__}: {exc}", given)
    return result, params, used, time.perf_counter() - start


def _method_point(spec: Model, method, point: Mapping[str, object]) -> dict[str, object]:
    """``point`` with the axis values the method fixes (``Model.point_for``); the N -> infinity limit is a
    point at N = inf whatever N is given."""
    point = spec.point_for(method.label, point)
    if method.kind == "limit" and spec.size_axis:
        point = {**point, spec.size_axis: float("inf")}
    return point


def available_memory_mb() -> float:
    """MemAvailable of /proc/meminfo in MB (inf where the system does not say)."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("inf")


def _memory_refusal(model: Model, label: str, params: Mapping[str, float]) -> str:
    """A status refusing the solve when the model's estimate of its memory exceeds what is available."""
    if model.cost is None or label == "limit":
        return ""
    need = model.cost(label, params)[1]
    have = available_memory_mb()
    if need > have:
        return (f"failed: refused before solving: the {label} solve needs about {need / 1024:.3g} GiB "
                f"(the model's estimate), {have / 1024:.3g} GiB are available")
    return ""


def solve_point(
    model: str | Model = "central_spin",
    order: str = "exact",
    scaling: str | None = None,
    overrides: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    **point: object,
) -> xr.Dataset:
    """Solve one grid point and return its dataset (see the module docstring).

    ``point`` gives the model's axis values by name (central spin: ``N=50, pump_ratio=0.75``; LMG dimer:
    ``J=1.0, lambda_=0.5`` — a trailing underscore is dropped, for Python keywords); axes not given take
    the model's defaults, or the value the order fixes (``Model.method_axes``: the LMG dimer's
    mean-field carries S = inf; a different value for such an axis raises). ``scaling`` defaults to the
    model's default scaling. ``settings`` go to the engine;
    ``settings["timeout_seconds"]`` bounds the wall time of the solve (the point is then recorded with
    status ``timeout``; engines with long compiled calls run in a child process that is killed then,
    :mod:`cumex.timeouts`), ``settings["engine"]`` picks hand-written or derived equations where a model
    has both.
    """
    spec = get_model(model)
    method = parse_method(order, spec)
    point = _method_point(spec, method, {k.rstrip("_"): v for k, v in point.items()})
    scaling = scaling or spec.scaling_default
    result, params, used, seconds = solve_result(spec, order, scaling, overrides, settings, **point)
    values = spec.axis_values(point)
    return to_dataset(
        result, model=spec, order=method.label, scaling=scaling, point=values, params=params,
        overrides=dict(overrides or {}), settings=used, solve_seconds=seconds,
    )
