"""Solve one LMG-dimer point by mean-field attractor analysis (order "1") or exactly (order "exact").

Order "1": every fixed point of eqs. 6-11 on the spin spheres (:mod:`cumex.lmg.fixed_points`), then
the attractor analysis of :mod:`cumex.steady.attractors`; the physical observables are those of the
attractor reached from the normal state with a small seed (:func:`cumex.lmg.meanfield.initial_state`),
time-averaged over the averaging window on a limit cycle or an irregular attractor.

Order "exact": the unique steady state of the master equation for spin length S
(:mod:`cumex.lmg.exact`); it counts as one stable steady state, attractor "fixed_point".

(The generic Newton engine of :mod:`cumex.steady.analysis` is not used for the mean-field fixed
points: the two conserved spin lengths make its square Jacobian singular at every root, which the
constrained, over-determined iteration of :mod:`cumex.lmg.fixed_points` avoids.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from cumex.errors import CumexInputError
from cumex.lmg.exact import solve_exact
from cumex.lmg.fixed_points import FixedPoint, find_fixed_points
from cumex.lmg.meanfield import mean_field_system
from cumex.models.lmg_dimer import LMGDimerParameters
from cumex.results import MethodResult, SteadyState
from cumex.steady.attractors import AttractorReport, analyse_attractors, read_settings

__all__ = ["ORDERS", "FIXED_POINT_DEFAULTS", "LMGResult", "solve", "validate_order"]

ORDERS = ("1", "exact")
FIXED_POINT_DEFAULTS: dict[str, int] = {"n_fixed_point_starts": 96, "fixed_point_seed": 0}


def validate_order(order: object) -> str:
    order = str(order)
    if order not in ORDERS:
        raise CumexInputError("order", order, "'1' (mean-field) or 'exact' for lmg_dimer")
    return order


@dataclass
class LMGResult:
    method: MethodResult
    #: None for the exact order
    attractors: AttractorReport | None
    fixed_points: list[FixedPoint] = field(default_factory=list)


def _int_setting(settings: Mapping[str, object], key: str, minimum: int) -> int:
    value = settings.get(key, FIXED_POINT_DEFAULTS[key])
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise CumexInputError(f"settings.{key}", value, f"an integer >= {minimum}")
    return int(value)


def _solve_mean_field(p: LMGDimerParameters, settings: Mapping[str, object]) -> LMGResult:
    n_starts = _int_setting(settings, "n_fixed_point_starts", 1)
    seed = _int_setting(settings, "fixed_point_seed", 0)
    cfg = read_settings(settings)
    if p.J == 0:
        # at J = 0 the cycles form a neutral family (U(1) symmetry): integration error drifts a
        # trajectory along it at a rate set by rtol, so tighten the tolerances there
        cfg["rtol"], cfg["atol"] = min(cfg["rtol"], 1e-12), min(cfg["atol"], 1e-14)
    fps = find_fixed_points(p, n_starts=n_starts, seed=seed)
    system = mean_field_system(p)
    report = analyse_attractors(system, fps, cfg)
    states = [
        SteadyState(fp.observables(), fp.stable, fp.residual,
                    {"max_real_eigenvalue": fp.max_real_eigenvalue, "neutral_modes": float(fp.neutral_modes)})
        for fp in fps
    ]
    att = report.physical
    physical = None
    if att is not None and att.averages:
        physical = SteadyState(
            dict(att.averages), att.kind == "fixed_point", float(np.abs(system.rhs(att.x_end)).max()) if att.kind == "fixed_point" else float("nan"),
            {"period": att.period, "lyapunov": att.lyapunov, "window": att.window,
             **{f"error_{k}": v for k, v in att.errors.items()}, **{f"amplitude_{k}": v for k, v in att.amplitude.items()}},
        )
    converged = physical is not None and not att.message.startswith("integration failed")
    status = f"ok: {report.attractor}" if converged else f"failed: {att.message if att else 'no attractor'}"
    used = {**{k: v for k, v in cfg.items()}, "n_fixed_point_starts": n_starts, "fixed_point_seed": seed}
    return LMGResult(MethodResult(states, physical, converged, status, used), report, fps)


def _solve_exact(p: LMGDimerParameters, settings: Mapping[str, object]) -> LMGResult:
    result = solve_exact(p)
    state = SteadyState(dict(result.observables), True, result.residual, {})
    ok = result.residual < 1e-8
    return LMGResult(MethodResult([state], state, ok, "ok: exact" if ok else f"failed: residual {result.residual:.3g}", {}), None, [])


def solve(order: str, params: LMGDimerParameters, settings: Mapping[str, object] | None = None) -> LMGResult:
    """Solve one point (see the module docstring); bad settings raise :class:`CumexInputError`."""
    order = validate_order(order)
    settings = dict(settings or {})
    return _solve_mean_field(params, settings) if order == "1" else _solve_exact(params, settings)
