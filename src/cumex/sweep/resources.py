"""Memory and wall time of one solve job (a batch of points), for the workflow's resource requests.

Fitted to measurements on this project's machine (peak resident memory ``ru_maxrss`` of the job's process;
``tests/test_sweep_resources.py`` re-measures small points and checks the estimate within 2×):

- every job: the interpreter with numpy, scipy, xarray and cumex imported, ``BASE_MB`` (157–163 MB measured
  for batches of orders 1, 2 and 4; the exact solver's ``cumex.exact.memory`` counts 110 MiB of it);
- exact central spin: :func:`cumex.exact.memory.estimate_memory_bytes` of the point's concrete parameters
  plus the rest of ``BASE_MB``, and :func:`cumex.exact.memory.estimate_seconds` for its time (both from the
  route "auto" takes and mean field's prediction of its size);
- ODE orders solved by continuation (:mod:`cumex.sweep`): ``BASE_MB`` and a little for the compiled system;
  time: the full analysis (the model's cost estimate) at a fraction of the points — ``FULL_FRACTION_CLOSED``
  of them where the model has the states in closed form (1–2 % measured: thresholds and row changes),
  ``STARTS_FRACTION`` of its cost at every point for derived orders (the starts are kept, the integration
  is skipped: 0.5 of the point-by-point time measured at order 4) — plus ``CONTINUED_SECONDS`` a point;
- anything else: the model's own cost estimate (``Model.cost``).

A job never asks more than ``MEMORY_CAP_MB`` or ``RUNTIME_CAP_MINUTES`` (the documented cap: larger studies
set ``exact_cutoff_max`` from :func:`cumex.exact.largest_cutoff_within`, or run on nodes that have it);
Snakemake doubles the request on each retry (``workflow/rules/common.smk``), up to the cap.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

from cumex.methods import engine_for, parse_method
from cumex.models import Model, get_model

__all__ = ["BASE_MB", "MEMORY_CAP_MB", "RUNTIME_CAP_MINUTES", "job_memory_mb", "job_seconds", "job_resources"]

BASE_MB = 170.0
MEMORY_CAP_MB = 250_000
RUNTIME_CAP_MINUTES = 7 * 24 * 60
#: a job's start-up: imports, the study check, reading the compiled system
STARTUP_SECONDS = 3.0
FULL_FRACTION_CLOSED = 0.03
STARTS_FRACTION = 0.6
CONTINUED_SECONDS = 0.004
LIMIT_SECONDS = 10.0


@functools.cache
def _continuable(engine_name: str) -> tuple[bool, bool]:
    """(solved by continuation, from a closed form) for an engine."""
    from cumex.sweep.batch import CLOSED_FORMS, SYSTEM_BUILDERS

    return engine_name in SYSTEM_BUILDERS, any(k[0] == engine_name for k in CLOSED_FORMS)


def _point_memory_mb(spec: Model, label: str, engine_name: str, params: Mapping[str, float] | None,
                     axes: Mapping[str, float], dynamics: bool = False) -> float:
    if dynamics:  # evolved point by point, no continuation: the model's own estimate
        cost = spec.dynamics_cost or spec.cost
        return float(cost(label, axes)[1]) if cost is not None else 1000.0
    if engine_name == "exact_central_spin" and params is not None:
        from cumex.engines import _central_spin_params
        from cumex.exact.memory import estimate_memory_bytes

        return estimate_memory_bytes(_central_spin_params(params)) / 2**20 + BASE_MB - 110.0
    continued, _ = _continuable(engine_name)
    if continued and int(label.split("_")[0]) <= 6:
        return 1.25 * BASE_MB
    return float(spec.cost(label, axes)[1]) if spec.cost is not None else 1000.0


def _points(spec: Model, order: str, scaling: str | None, points: Sequence[Mapping[str, object]],
            overrides: Mapping[str, object] | None, engine: str):
    """(order label, engine name, concrete parameters or None, axis values) of each point; the concrete
    parameters are resolved only where the memory estimate reads them (the exact central spin)."""
    method = parse_method(order, spec)
    name = engine_for(spec, method, engine).name
    scaling = scaling or spec.scaling_default
    fixed = dict(spec.method_axes.get(method.label, {}))
    for p in points:
        axes = {**{k.rstrip("_"): v for k, v in p.items()}, **fixed}
        params = spec.resolve(scaling, axes, overrides) if name == "exact_central_spin" else None
        yield method.label, name, params, axes


def job_memory_mb(model: str | Model, order: str, scaling: str | None, points: Sequence[Mapping[str, object]],
                  overrides: Mapping[str, object] | None = None, engine: str = "auto", dynamics: bool = False) -> int:
    """Peak memory of a job solving (``dynamics``: evolving) ``points`` one after another, in MB: its
    largest point's (capped)."""
    spec = get_model(model)
    need = max((_point_memory_mb(spec, label, name, params, axes, dynamics) if label != "limit" else 1.5 * BASE_MB
                for label, name, params, axes in _points(spec, order, scaling, points, overrides, engine)),
               default=BASE_MB)
    return int(math.ceil(min(max(need, BASE_MB), MEMORY_CAP_MB)))


def job_seconds(model: str | Model, order: str, scaling: str | None, points: Sequence[Mapping[str, object]],
                overrides: Mapping[str, object] | None = None, engine: str = "auto", dynamics: bool = False) -> float:
    """Estimated wall time of the job on one core, in seconds (module docstring)."""
    spec = get_model(model)
    total = STARTUP_SECONDS
    for label, name, params, axes in _points(spec, order, scaling, points, overrides, engine):
        if label == "limit":  # a small Fock-space solve (cumex.limits); models' cost estimates omit it
            total += LIMIT_SECONDS
            continue
        if dynamics:
            cost = spec.dynamics_cost or spec.cost
            total += float(cost(label, axes)[0]) if cost is not None else 600.0
            continue
        if name == "exact_central_spin" and params is not None:
            from cumex.engines import _central_spin_params
            from cumex.exact.memory import estimate_seconds

            total += estimate_seconds(_central_spin_params(params))
            continue
        full = float(spec.cost(label, axes)[0]) if spec.cost is not None else 600.0
        continued, closed = _continuable(name)
        if not continued:
            total += full
        elif closed:
            total += FULL_FRACTION_CLOSED * full + CONTINUED_SECONDS
        else:
            total += STARTS_FRACTION * full + CONTINUED_SECONDS
    return total


def job_resources(model: str | Model, order: str, scaling: str | None, points: Sequence[Mapping[str, object]],
                  overrides: Mapping[str, object] | None = None, engine: str = "auto",
                  attempt: int = 1, dynamics: bool = False) -> tuple[int, int]:
    """(mem_mb, runtime in minutes) to request for attempt ``attempt`` (doubling each retry, capped): the
    memory estimate, and 1.5 times the time estimate rounded up to whole minutes (at least 2)."""
    mem = min(job_memory_mb(model, order, scaling, points, overrides, engine, dynamics) * attempt, MEMORY_CAP_MB)
    minutes = max(2, math.ceil(1.5 * job_seconds(model, order, scaling, points, overrides, engine, dynamics) / 60.0))
    return int(mem), int(min(minutes * attempt, RUNTIME_CAP_MINUTES))
