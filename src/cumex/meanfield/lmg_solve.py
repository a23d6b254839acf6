"""The mean-field engine of the LMG dimer: every fixed point, its stability, and the physical attractor.

Every fixed point of eqs. 6-11 on the spin spheres (:mod:`cumex.meanfield.lmg_fixed_points`), then the
attractor analysis of :mod:`cumex.steady.attractors`; the physical observables are those of the attractor
reached from the normal state with a small seed (:func:`cumex.meanfield.lmg_dimer.initial_state`),
time-averaged over the averaging window on a limit cycle or an irregular attractor (with the block
standard errors ``error_<name>`` and the half ranges ``amplitude_<name>`` in the physical state's info).
The mean-field equations do not depend on S: the result is the S → ∞ limit (S = inf in the data).

(The generic Newton engine of :mod:`cumex.steady.analysis` is not used for the fixed points: the two
conserved spin lengths make its square Jacobian singular at every root, which the constrained,
over-determined iteration of :mod:`cumex.meanfield.lmg_fixed_points` avoids.)
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from cumex.errors import CumexInputError
from cumex.meanfield.lmg_dimer import mean_field_system
from cumex.meanfield.lmg_fixed_points import find_fixed_points
from cumex.models.lmg_dimer import LMGDimerParameters
from cumex.results import MethodResult, SteadyState
from cumex.steady.attractors import DEFAULT_SETTINGS as ATTRACTOR_SETTINGS
from cumex.steady.attractors import analyse_attractors, read_settings

__all__ = ["FIXED_POINT_DEFAULTS", "default_settings", "check_settings", "solve_mean_field"]

#: multi-start root finding: random starts on the spheres (besides the seeded normal state and the poles)
FIXED_POINT_DEFAULTS: dict[str, int] = {"n_fixed_point_starts": 96, "fixed_point_seed": 0}


def default_settings() -> dict[str, object]:
    """Every setting the engine reads, with its default."""
    return {**FIXED_POINT_DEFAULTS, **ATTRACTOR_SETTINGS}


def _int_setting(settings: Mapping[str, object], key: str, minimum: int) -> int:
    value = settings.get(key, FIXED_POINT_DEFAULTS[key])
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise CumexInputError(f"settings.{key}", value, f"an integer >= {minimum}")
    return int(value)


def check_settings(settings: Mapping[str, object]) -> None:
    """Raise :class:`CumexInputError` naming the first bad setting of this engine."""
    read_settings(settings)
    _int_setting(settings, "n_fixed_point_starts", 1)
    _int_setting(settings, "fixed_point_seed", 0)


def solve_mean_field(p: LMGDimerParameters, settings: Mapping[str, object] | None = None) -> MethodResult:
    """One mean-field point (see the module docstring); bad settings raise :class:`CumexInputError`."""
    settings = dict(settings or {})
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
        at_rest = att.kind == "fixed_point"
        physical = SteadyState(
            dict(att.averages), at_rest, float(np.abs(system.rhs(att.x_end)).max()) if at_rest else float("nan"),
            {"period": att.period, "lyapunov": att.lyapunov, "window": att.window,
             **{f"error_{k}": v for k, v in att.errors.items()}, **{f"amplitude_{k}": v for k, v in att.amplitude.items()}},
        )
    converged = physical is not None and not att.message.startswith("integration failed")
    status = f"ok: {report.attractor}" if converged else f"failed: {att.message if att else 'no attractor'}"
    used = {**cfg, "n_fixed_point_starts": n_starts, "fixed_point_seed": seed}
    return MethodResult(states, physical if converged else None, converged, status, used,
                        attractor=report.attractor if converged else "none")
