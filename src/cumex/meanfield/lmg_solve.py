"""The mean-field engine of the LMG dimer: every fixed point, its stability, and the physical attractor.

Every fixed point of eqs. 6-11 on the spin spheres (:func:`fixed_points`), then the attractor analysis
of :mod:`cumex.steady.attractors`; the physical observables are those of the attractor reached from
the normal state with a small seed (:func:`cumex.meanfield.lmg_dimer.initial_state`), time-averaged
over the averaging window on a limit cycle or an irregular attractor (with the block standard errors
``error_<name>`` and the half ranges ``amplitude_<name>`` in the physical state's info).
The mean-field equations do not depend on S: the result is the S → ∞ limit (S = inf in the data).

Fixed points: the generic layer for conserved quantities, :func:`cumex.steady.constrained.
find_constrained_fixed_points`, on :func:`cumex.meanfield.lmg_dimer.constrained_system` (the two unit
spheres; the Z2 images of each root added; at J = 0 rotation orbits counted once). Its starts are the
physical initial state, the four poles and ``n_fixed_point_starts`` random states drawn with
``fixed_point_seed`` (the layer's ``n_random`` and ``seed``). (The generic Newton engine of
:mod:`cumex.steady.analysis` is not used: the conserved spin lengths make its square Jacobian
singular at every root.) The engine's own finder that this replaced counted a J = 0 orbit twice when
both in-plane radii are equal (e.g. 8 instead of 6 fixed points at J = 0, λ ≥ 1.125); ``n_stable`` is
unchanged.

Stable here means asymptotically stable: every tangent-space eigenvalue (the two conserved-length
directions, and at J = 0 the rotation orbit, removed) has real part < 0. The counts of Kothe & Kirton's
Fig. 2 are of attracting states, and only an asymptotically stable fixed point attracts its
neighbourhood. The generic layer also labels centres (eigenvalues on the imaginary axis, semisimple)
as neutrally stable; such a state is reported with stable = False and its label in
``SteadyState.info["kind"]`` (asymptotically_stable, neutrally_stable, marginal_jordan or unstable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cumex.errors import CumexInputError
from cumex.meanfield.lmg_dimer import constrained_system, fixed_point_starts, mean_field_system, observables
from cumex.models.lmg_dimer import LMGDimerParameters
from cumex.results import MethodResult, SteadyState
from cumex.steady.attractors import DEFAULT_SETTINGS as ATTRACTOR_SETTINGS
from cumex.steady.attractors import analyse_attractors, read_settings
from cumex.steady.constrained import ConstrainedFixedPoint, find_constrained_fixed_points

__all__ = ["FIXED_POINT_DEFAULTS", "ATTRACTING", "default_settings", "check_settings", "fixed_points",
           "solve_mean_field"]

#: multi-start root finding: random starts on the spheres (besides the seeded normal state and the poles)
FIXED_POINT_DEFAULTS: dict[str, int] = {"n_fixed_point_starts": 96, "fixed_point_seed": 0}


#: the generic layer's label of a stable state in LMG's sense (module docstring)
ATTRACTING = "asymptotically_stable"
#: roots closer than this (relative) are one: near a degenerate root they scatter by ~tol^(1/3)
_MERGE_TOL = 1e-4


@dataclass(frozen=True)
class _Candidate:
    """What the attractor analysis reads of a fixed point: where it is and whether it attracts."""

    x: np.ndarray
    stable: bool


def fixed_points(p: LMGDimerParameters, n_starts: int = FIXED_POINT_DEFAULTS["n_fixed_point_starts"],
                 seed: int = FIXED_POINT_DEFAULTS["fixed_point_seed"]) -> list[ConstrainedFixedPoint]:
    """Every fixed point found (module docstring), attracting ones first, then by largest growth rate."""
    analysis = find_constrained_fixed_points(constrained_system(p), fixed_point_starts(), n_random=n_starts,
                                             seed=seed, merge_tol=_MERGE_TOL)
    return sorted(analysis.fixed_points, key=lambda fp: (fp.kind != ATTRACTING, fp.stability.max_real_eigenvalue))


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
    fps = fixed_points(p, n_starts, seed)
    system = mean_field_system(p)
    report = analyse_attractors(system, [_Candidate(fp.x, fp.kind == ATTRACTING) for fp in fps], cfg)
    states = [
        SteadyState(observables(fp.x), fp.kind == ATTRACTING, fp.residual,
                    {"max_real_eigenvalue": fp.stability.max_real_eigenvalue,
                     # the directions removed before classifying: 2 conserved lengths (+ 1 rotation orbit at J = 0)
                     "neutral_modes": float(len(fp.x) - len(fp.stability.eigenvalues)), "kind": fp.kind})  # type: ignore[dict-item]
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
    converged = physical is not None and not att.message.startswith("integration failed")  # type: ignore[union-attr]
    status = f"ok: {report.attractor}" if converged else f"failed: {att.message if att else 'no attractor'}"
    used = {**cfg, "n_fixed_point_starts": n_starts, "fixed_point_seed": seed}
    return MethodResult(states, physical if converged else None, converged, status, used,  # type: ignore[arg-type]
                        attractor=report.attractor if converged else "none")
