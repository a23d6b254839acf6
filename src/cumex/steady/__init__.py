"""Steady states and attractors of real ODE systems (mean-field and cumulant equations).

Public entry points: :func:`find_steady_states` (every steady state found, its stability and the
physical one) and :func:`analyse` (the same as a :class:`cumex.results.MethodResult`; when no stable
state is reached it averages over the attractor the trajectory reaches, see :mod:`cumex.steady.fallback`);
:func:`integrate_trajectory` is the hook for attractor classification (:mod:`cumex.steady.attractors`).
"""

from cumex.steady.analysis import DEFAULT_SETTINGS, FixedPoint, SteadyStateAnalysis, analyse, find_steady_states
from cumex.steady.integrate import Trajectory, integrate_trajectory, relax
from cumex.steady.newton import Root, newton_root
from cumex.steady.stability import Stability, classify_stability
from cumex.steady.system import RealODESystem

__all__ = [
    "RealODESystem",
    "find_steady_states",
    "analyse",
    "DEFAULT_SETTINGS",
    "FixedPoint",
    "SteadyStateAnalysis",
    "integrate_trajectory",
    "relax",
    "Trajectory",
    "newton_root",
    "Root",
    "classify_stability",
    "Stability",
]
