"""What every engine's time evolution returns: observables along the output times, and their physical check.

:class:`TimeTraces` is the dynamics counterpart of :class:`cumex.results.MethodResult`: the output times
(``times[0]`` is the time of the model's initial state), each observable as an array over them (names as
in the model's ``observables``), whether the run succeeded, a status (``ok``, ``inaccurate: ...``,
``failed: ...``, ``timeout ...``, ``error: ...``; :func:`cumex.results.status_code`), the settings used and
scalar diagnostics (``info``: cutoffs, Krylov steps, the largest trace error, ...).

:func:`physical_problems` holds every trace to the bounds a density matrix implies; a run that breaks one
is never ``ok`` (:func:`checked`): populations in [0, 1] and spin expectations in [−1, 1] within 10⁻¹⁰, the
central Bloch vector no longer than 1 + 10⁻¹⁰ (where ⟨τ^x⟩, ⟨τ^y⟩, ⟨τ^z⟩ are all known), Tr ρ = 1 within
10⁻⁸ (where the engine reports ``trace``), the smallest diagonal element of ρ ≥ −10⁻¹⁰ (``min_population``),
and every value finite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cumex.errors import CumexInputError

__all__ = ["TimeTraces", "time_grid", "check_times", "physical_problems", "checked", "failed_traces", "BOUND_TOL",
           "TRACE_TOL"]

BOUND_TOL = 1e-10
TRACE_TOL = 1e-8
#: observables bounded by [-1, 1] (spin-1/2 expectations of Pauli matrices)
_PAULI = ("sz_central", "sx_central", "sy_central", "sz_satellite")


@dataclass
class TimeTraces:
    """Observables of one grid point along ``times`` (module docstring)."""

    times: np.ndarray
    observables: dict[str, np.ndarray]
    converged: bool = True
    status: str = "ok"
    settings: dict[str, object] = field(default_factory=dict)
    info: dict[str, float] = field(default_factory=dict)


def time_grid(stop: object, num: object) -> np.ndarray:
    """``num`` equally spaced output times from 0 to ``stop`` (both included), as a study's ``times`` says."""
    if isinstance(stop, bool) or not isinstance(stop, (int, float)) or not (math.isfinite(stop) and stop > 0):
        raise CumexInputError("times.stop", stop, "a finite time > 0 (in the model's time units)")
    if isinstance(num, bool) or not isinstance(num, int) or num < 2:
        raise CumexInputError("times.num", num, "an integer >= 2 (output times, both ends included)")
    return np.linspace(0.0, float(stop), num)


def check_times(times: object) -> np.ndarray:
    """``times`` as a 1-d float array: non-empty, finite, increasing."""
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise CumexInputError("times", times, "a non-empty, finite, strictly increasing 1-d array of times")
    return t


def physical_problems(observables: dict[str, np.ndarray]) -> list[str]:
    """The physical bounds (module docstring) the traces break, in words (empty: none)."""
    problems = []
    for name, values in observables.items():
        if not np.all(np.isfinite(values)) and name.startswith(("sz_", "sx_", "sy_", "central_population")):
            problems.append(f"{name} not finite")
    pop = observables.get("central_population")
    if pop is not None and np.all(np.isfinite(pop)) and not (pop.min() >= -BOUND_TOL and pop.max() <= 1 + BOUND_TOL):
        problems.append(f"central_population outside [0, 1] (range {pop.min():.3g} .. {pop.max():.3g})")
    for name in _PAULI:
        v = observables.get(name)
        if v is not None and np.all(np.isfinite(v)) and np.abs(v).max() > 1 + BOUND_TOL:
            problems.append(f"|{name}| > 1 (max {np.abs(v).max():.3g})")
    if all(k in observables for k in _PAULI[:3]):
        length = np.sqrt(sum(observables[k] ** 2 for k in _PAULI[:3]))
        if np.all(np.isfinite(length)) and length.max() > 1 + BOUND_TOL:
            problems.append(f"central Bloch vector longer than 1 (length {length.max():.6g})")
    tr = observables.get("trace")
    if tr is not None and not np.abs(tr - 1.0).max() <= TRACE_TOL:
        problems.append(f"trace off 1 by {np.abs(tr - 1.0).max():.3g}")
    low = observables.get("min_population")
    if low is not None and not low.min() >= -BOUND_TOL:
        problems.append(f"a diagonal element of the density matrix below 0 ({low.min():.3g})")
    return problems


def checked(traces: TimeTraces) -> TimeTraces:
    """``traces`` with its status made ``inaccurate`` (converged False) when a physical bound is broken."""
    problems = physical_problems(traces.observables)
    if problems:
        traces.status = ("inaccurate: " if traces.status == "ok" else traces.status + "; ") + "; ".join(problems)
        traces.converged = False
    return traces


def failed_traces(times: np.ndarray, status: str, settings: dict[str, object] | None = None) -> TimeTraces:
    """A run that produced nothing (timeout, numerical failure): no observables, converged False."""
    return TimeTraces(np.asarray(times, dtype=float), {}, False, status, dict(settings or {}))
