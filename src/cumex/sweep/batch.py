"""A batch of grid points of one (model, scaling, order), solved by continuation along its grid.

:func:`solve_batch` visits the points in a serpentine order through their grid (first axis slowest,
each further axis reversing direction on each pass, so that successive points are grid neighbours).
At the first point, and wherever a continuation step is refused (:mod:`cumex.sweep.step`: Newton fails,
a stability changes or an eigenvalue nears the imaginary axis, states merge or jump, a zero enters the
physical bounds, the point is bistable), the point is solved exactly as :func:`cumex.study.solve_result`
solves it alone — the full multi-start analysis with integration from the initial state. Elsewhere the
steady states of the nearest solved grid neighbour (one grid step away) are carried over by a few
Newton iterations and classified by the same stability test; the central spin mean-field takes its
states from the closed form (:mod:`cumex.sweep.closed_form`). Derived U(1) orders ≥ 3 (``states="starts"``)
run the point-by-point Newton starts at every point — the count of unstable closure roots they find
changes from point to point, so no continuation can predict it — but for the whole batch at once
(:mod:`cumex.sweep.multistart`: batched rhs, Jacobian and Newton steps), and take the physical state
from the neighbour (Newton from its physical state, also batched, replaces the integration). Engines
without ODE steady states (exact, limit, ...) are solved point by point. BLAS is held to one thread
while a batch is solved (its products are small; threads cost more than they give on a busy machine).

Each point's :class:`cumex.results.MethodResult` then has the same steady states (to the Newton tolerance),
the same stability, ``n_steady_states``, ``n_stable`` and physical state as the point-by-point analysis
(``tests/test_sweep_batch.py``); its status says which way it was solved ("continued ... beside ...").
The order of states along ``state`` is the neighbour's; a lone solve lists them in the order its starts
found them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cumex.methods import check_settings, engine_for, parse_method
from cumex.models import Model, get_model
from cumex.results import MethodResult
from cumex.steady.analysis import find_steady_states, read_settings, recording_analyses
from cumex.steady.system import RealODESystem
from cumex.sweep.batched import one_blas_thread
from cumex.sweep.closed_form import (
    central_spin_mean_field_states,
    central_spin_order2_states,
)
from cumex.sweep.step import (
    Anchor,
    anchor_from_analysis,
    continue_states,
    physical_from_neighbour,
)

__all__ = ["BatchPoint", "solve_batch", "solve_batch_datasets", "serpentine_order", "continuable"]


@dataclass
class BatchPoint:
    """One point of a batch: what :func:`cumex.study.solve_result` returns, and how it was solved."""

    point: dict[str, object]
    result: MethodResult
    params: dict[str, float]
    settings: dict[str, object]
    seconds: float
    #: "full" (the point-by-point analysis) or "continued"
    how: str
    #: why a continuation step was refused here ("" if none was tried or it was accepted)
    note: str = ""


def _central_spin_system(spec: Model, method, params, settings) -> RealODESystem:
    from cumex.engines import _central_spin_params
    from cumex.handwritten.central_spin import mean_field_system, order2_system

    build = mean_field_system if method.order == 1 else order2_system
    return build(_central_spin_params(params))


def _cumulant_system(spec: Model, method, params, settings) -> RealODESystem:
    from cumex.cumulants.solver import model_system

    return model_system(spec.name, method.label, dict(params), settings)


def _cumulant_guesses(spec: Model, method, params, settings) -> list[np.ndarray]:
    """The extra Newton starts :func:`cumex.cumulants.solver.solve_model_order` gives its analysis."""
    from cumex.cumulants.solver import lower_order_guesses

    if settings.get("lower_order_guess", method.symmetry == "u1" and method.order >= 3):
        return lower_order_guesses(method.label, dict(params), settings, spec.name)
    return []


#: engine name -> the extra Newton starts of its analysis (none if absent)
GUESSES: dict[str, Callable[..., list]] = {"cumulants": _cumulant_guesses}
#: engine name -> the bound ODE system its analysis solves (for the continuation steps)
SYSTEM_BUILDERS: dict[str, Callable[..., RealODESystem]] = {
    "handwritten_central_spin": _central_spin_system,
    "cumulants": _cumulant_system,
}
#: (engine name, order label) -> closed-form steady states [(x, ν)] in that system's unknowns
CLOSED_FORMS: dict[tuple[str, str], Callable[[Mapping[str, float]], list]] = {
    ("handwritten_central_spin", "1"): central_spin_mean_field_states,
    ("handwritten_central_spin", "2"): central_spin_order2_states,
}


def continuable(model: str | Model, order: str, settings: Mapping[str, object] | None = None) -> bool:
    """True when the order's engine solves ODE steady states that :func:`solve_batch` can continue."""
    spec = get_model(model)
    method = parse_method(order, spec)
    return engine_for(spec, method, str(dict(settings or {}).get("engine", "auto"))).name in SYSTEM_BUILDERS


def serpentine_order(points: Sequence[Mapping[str, object]], axes: Sequence[str]) -> tuple[list[int], np.ndarray]:
    """(visiting order, grid index of each point along each axis): lexicographic in the grid indices with
    every axis after the first reversed on alternate passes, so successive points are neighbours."""
    idx = np.zeros((len(points), len(axes)), dtype=int)
    for j, axis in enumerate(axes):
        values = [float(p[axis]) for p in points]  # type: ignore[arg-type]
        uniq = sorted(set(values))
        where = {v: i for i, v in enumerate(uniq)}
        idx[:, j] = [where[v] for v in values]

    def key(i: int) -> tuple[int, ...]:
        out, flip = [], 0
        for j in range(len(axes)):
            v = int(idx[i, j])
            out.append(-v if flip % 2 else v)
            flip += v
        return tuple(out)

    return sorted(range(len(points)), key=key), idx


def solve_batch(
    model: str | Model,
    order: str,
    scaling: str | None,
    points: Sequence[Mapping[str, object]],
    overrides: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    continuation: bool = True,
    states: str = "starts",
) -> list[BatchPoint]:
    """Solve ``points`` (axis values by name) of one (model, scaling, order); results in the given order.

    ``continuation=False`` solves every point alone (:func:`cumex.study.solve_result`). Where the model
    gives no closed form, ``states`` says how a continued point finds its steady states: "starts" (the
    default) runs the point-by-point Newton starts there, so it finds the same states, and takes only the
    physical one from the neighbour (no integration); "continued" keeps only the neighbour's states
    continued by Newton (faster; a state the starts would find elsewhere, e.g. an unstable one born away
    from the known ones, is missed until the next full analysis).
    """
    if states not in ("starts", "continued"):
        from cumex.errors import CumexInputError

        raise CumexInputError("states", states, "'starts' or 'continued'")
    from cumex.study import _method_point

    spec = get_model(model)
    scaling = scaling or spec.scaling_default
    method = parse_method(order, spec)
    given = dict(settings or {})
    used = check_settings(spec, [method], given)
    engine = engine_for(spec, method, str(used["engine"]))
    build = SYSTEM_BUILDERS.get(engine.name) if continuation else None
    closed = CLOSED_FORMS.get((engine.name, method.label))
    cfg = read_settings(given)
    full_points = [_method_point(spec, method, {k.rstrip("_"): v for k, v in p.items()}) for p in points]
    visit, grid = serpentine_order(full_points, spec.axis_names) if build else (list(range(len(points))), None)
    out: list[BatchPoint | None] = [None] * len(points)
    anchors: dict[int, Anchor] = {}
    # the derived orders' multi-start Newton, the same starts as point by point, run for all points at once
    start = time.perf_counter()
    batched = _batched_starts(spec, method, engine.name, scaling, full_points, overrides, given, visit) \
        if build is not None and closed is None and states == "starts" else None
    share = (time.perf_counter() - start) / max(1, len(points))  # each continued point's part of that
    with one_blas_thread():  # the per-point steps multiply small matrices (see cumex.sweep.multistart)
        _visit(visit, full_points, out, anchors, build, grid, spec, method, engine, closed, scaling, overrides, given,
               cfg, states, batched, used, order, share)
    return out  # type: ignore[return-value]


def _visit(visit, full_points, out, anchors, build, grid, spec, method, engine, closed, scaling, overrides, given,
           cfg, states, batched, used, order, share) -> None:
    """solve_batch's loop over the points in visiting order (fills ``out`` and ``anchors``)."""
    from cumex.study import solve_result

    for i in visit:
        point = full_points[i]
        start = time.perf_counter()
        got, note = None, ""
        if build is not None and grid is not None and anchors:
            near = _nearest(grid, i, anchors)
            if near is not None:
                got, note = _continued(spec, method, engine.name, closed, scaling, point, overrides, given, cfg,
                                       anchors[near], states, None if batched is None else batched[i])
        if got is not None:
            result, params, anchor = got
            out[i] = BatchPoint(point, result, params, used, time.perf_counter() - start + share, "continued")
        else:
            with recording_analyses() as record:
                result, params, used_i, seconds = solve_result(spec, order, scaling, overrides, given, **point)
            out[i] = BatchPoint(point, result, params, used_i, seconds, "full", note)
            anchor = anchor_from_analysis("", result, record[-1][1]) if (build and record) else None
        if anchor is not None:
            anchor.label = "the grid point " + " ".join(f"{a}={point[a]}" for a in spec.axis_names)
            anchors[i] = anchor
        elif i in anchors:
            del anchors[i]
        done = out[i]
        if done is not None and done.how == "continued":
            done.result.settings.setdefault("solve_seconds", done.seconds)


def _nearest(grid: np.ndarray, i: int, anchors: Mapping[int, Anchor]) -> int | None:
    """The anchor one grid step from point i (L1 distance of grid indices 1), the latest if several."""
    keys = np.fromiter(anchors.keys(), dtype=int)
    d = np.abs(grid[keys] - grid[i]).sum(axis=1)
    ok = np.nonzero(d == 1)[0]
    return int(keys[ok[-1]]) if ok.size else None


def _batched_starts(spec, method, engine, scaling, points, overrides, settings, visit):
    """[(analysis, system, roots)] per point from :func:`cumex.sweep.multistart.batch_analyses` (roots: Newton
    from the states of the point visited before, its usual neighbour), or None where
    the engine's analysis is not the one it reproduces (other engines, rotating systems, bad points)."""
    if engine != "cumulants" or method.symmetry != "u1" or method.order < 3:
        return None
    from cumex.sweep.multistart import batch_analyses

    try:
        values = [dict(spec.resolve(scaling, p, overrides)) for p in points]
        before: list[int | None] = [None] * len(points)
        for a, b in zip(visit[:-1], visit[1:]):
            before[b] = a
        return batch_analyses(spec.name, method.label, values, settings, before)
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError, ZeroDivisionError, ValueError, KeyError):
        return None  # point by point then: its own errors are reported there


def _continued(spec, method, engine, closed, scaling, point, overrides, settings, cfg, anchor, states, batched=None):
    """((result, params, next anchor), "") or (None, why the step was refused)."""
    try:
        params = spec.resolve(scaling, point, overrides)
        if batched is not None:  # the point's starts are solved already: take the physical state from the neighbour
            analysis, system, roots = batched
            result, nxt, why = physical_from_neighbour(system, analysis, anchor, cfg, roots=roots)
            return (None, why) if result is None else ((result, params, nxt), "")
        system = SYSTEM_BUILDERS[engine](spec, method, params, settings)
        if closed is not None:
            result, nxt, why = continue_states(system, anchor, cfg, closed(params))
        elif states == "continued":
            result, nxt, why = continue_states(system, anchor, cfg)
        else:
            guesses = GUESSES[engine](spec, method, params, settings) if engine in GUESSES else []
            analysis = find_steady_states(system, guesses, settings, find_physical=False)
            result, nxt, why = physical_from_neighbour(system, analysis, anchor, cfg)
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError, ZeroDivisionError, ValueError) as exc:
        return None, f"continuation raised {exc!r}"
    if result is None:
        return None, why
    return (result, params, nxt), ""


def solve_batch_datasets(
    model: str | Model,
    order: str,
    scaling: str | None,
    points: Sequence[Mapping[str, object]],
    overrides: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    continuation: bool = True,
    states: str = "starts",
):
    """:func:`solve_batch` with each point laid out as :func:`cumex.study.solve_point` lays it out."""
    from cumex.dataset import to_dataset

    spec = get_model(model)
    label = parse_method(order, spec).label
    scaling = scaling or spec.scaling_default
    return [
        to_dataset(bp.result, model=spec, order=label, scaling=scaling, point=spec.axis_values(bp.point),
                   params=bp.params, overrides=dict(overrides or {}), settings=bp.settings, solve_seconds=bp.seconds)
        for bp in solve_batch(spec, order, scaling, points, overrides, settings, continuation, states)
    ]
