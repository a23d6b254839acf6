"""``solve(params, settings)`` for the order "exact": the U(1)-reduced permutation-symmetric steady state.

Settings read (all optional; other keys belong to other methods and are ignored, except unknown ``exact_*``):

    exact_method      "auto" (default: "coherence_cutoff" up to N = 4000, "dicke" above, where the ladder's
                      memory grows like N² and its lasing points are "inaccurate", and "dicke" too where mean
                      field's collective coherence N|s|² reaches 13.5, where the ladder is "inaccurate" already
                      at N ≤ 4000 (module text below); the Dicke route took ≤ 59 s and
                      2.7 GB at N = 10,000, ≤ 139 s and 5.2 GB at N = 20,000), "coherence_cutoff" (unknowns up to a
                      coherence ladder index K grown until the conditioned tail is below exact_cutoff_tol), "full"
                      (the whole sector) or "dicke" (the emitters' Dicke basis on an adaptive window,
                      :mod:`.central_dicke`: Tavis–Cummings at Fock cutoff 1; right at high pump and large N, where
                      the ladder reports "inaccurate")
    exact_fallback    "dicke" (default): a coherence-cutoff or full solve reported "inaccurate" or "unphysical"
                      (not "failed": an exception or memory is reported as it is) is repeated with
                      exact_method "dicke" (info["fallback_dicke"] = 1, the first status is logged); null: no retry
    exact_dicke_boundary_tol  the dicke window grows until the population weight on elements whose jumps
                      leave it is at most this (default 1e-14); then it is grown once more and the change of
                      the observables (info["window_error"]) must be below exact_cutoff_tol
    exact_cutoff_tol  the coherence cutoff stops when no observable changed by more than this between two
                      successive cutoffs K (both solves settled; default 1e-12)
    exact_cutoff_start  first ladder index K tried by the coherence cutoff (default 8; raised as needed)
    exact_cutoff_floor  also stop when two successive changes are below this and no longer falling (a
                      round-off floor above exact_cutoff_tol, seen at N ≥ 1000; default 1e-10)
    exact_cutoff_max  largest K tried (default null: up to the whole sector); reaching it unconverged is
                      reported as not converged
    exact_ordering    "nested_dissection" (default) or a SuperLU ordering: COLAMD, MMD_ATA, MMD_AT_PLUS_A
    exact_refine      at most this many steps of iterative refinement after the LU solve, stopped when the
                      residual no longer halves (default 10)
    exact_q_tol       re-solve while logit of the reference excitation fraction moves more (default 0.1)
    exact_max_passes  at most this many factorisations (default 4)
    exact_residual_tol  the state counts as converged when ‖L w‖_∞ is below this (default 1e-9)
    exact_blas_threads  BLAS threads during the factorisation (default 1; null: library default)
    exact_window      true (default): the coherence cutoff also keeps, on each ladder line, only the window of
                      satellite excitation numbers that carries the state (:class:`.basis.WindowBasis`);
                      false: the whole strip 0 ≤ m ≤ N (slower; an independent second route)

Why the coherence cutoff stays the default, with the Dicke route as fallback (measured, benchmarks/
exact_accuracy.py --dicke, both niced on 2 shared cores at load 7–9): where both are ok the ladder is the
faster, at N = 1000 fixed κ/N, r = 0–0.75, 0.2–34 s against 0.3–190 s, at N = 2000, r = 0–0.7, 0.2–96 s
against 0.3–315 s (the Dicke route solves ≥ 2 windows of 10⁵–10⁶ unknowns; its first-window guess was since
improved, 27 s at N = 1000, r = 0.65); both agree there to ≤ 1e-11 in p0↑. Where the ladder reports
"inaccurate" (fixed κ/N, lasing, N ≥ 2000) the Dicke route is ok (N = 2000, 4000, 10,000 at r = 0.95), so
the fallback turns those points into results at the cost of the ladder's failed attempt. That attempt is
skipped where it is known to fail: the ladder's conditioning is set by how far up the coherence ladder the
lasing state reaches, measured by mean field's N|s|² (:func:`.central_dicke_window.mean_field_coherence`).
Over the 189 points of benchmarks/exact_accuracy.py it was ok up to N|s|² = 13.0 (N = 2000, r = 0.75) and
at 14.3 (N = 1000, r = 1; 4.4e-12 off the Dicke value), "inaccurate" from 13.7 (N = 4000, r = 0.65) and at
every point above 14.3 (N = 2000, r ≥ 0.8: 16.1–28.6; N = 4000, r ≥ 0.7), where it spent up to 600 s before
the fallback. So "auto" takes the Dicke route from N|s|² = 13.5 (``AUTO_DICKE_COHERENCE``); the fallback stays.

The exact steady state is unique and is the long-time state from any initial state, so the result holds one
state, marked stable and physical. A numerical failure is reported with converged = False, never raised.
Status: "ok"; "unphysical: …" when the state breaks a bound of :mod:`.checks` (a population outside [0, 1]
beyond 1e-10, trace ≠ 1, a non-positive two-site reduced state); "inaccurate: …" when the residual is above
exact_residual_tol, the reference fraction q or the ladder balance did not settle within exact_max_passes,
or the cutoff did not converge below exact_cutoff_max; "failed: out of memory …" (with the estimate of
:func:`.memory.estimate_memory_bytes`) or "failed: <error>" when the solve raised.
Why the bounds are checked although the residual is: ‖L w‖_∞ is the residual in the bounded coordinates,
where the generator is exponentially ill-conditioned; at N = 1000, r = 0.95 a truncated state with residual
2e-14 had p0↑ off by 0.4 (see :mod:`.steady`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from cumex.errors import CumexInputError
from cumex.exact.checks import physical_problems
from cumex.exact.memory import estimate_memory_bytes
from cumex.exact.observables import observables
from cumex.exact.steady import METHODS, ORDERINGS, steady_state
from cumex.models.central_spin import CentralSpinParameters
from cumex.results import MethodResult, SteadyState

__all__ = ["solve", "solve_dicke_route", "DEFAULT_SETTINGS", "read_settings", "ALL_METHODS", "resolved_method",
           "AUTO_DICKE_N", "AUTO_DICKE_COHERENCE", "dicke_state"]

#: the methods of :mod:`.steady`, the Dicke-basis route of :mod:`.central_dicke`, and the choice between them
ALL_METHODS = (*METHODS, "dicke", "auto")

#: above this N, exact_method "auto" is the Dicke route (module docstring)
AUTO_DICKE_N = 4000
#: from this mean-field collective coherence N|s|² on, "auto" is the Dicke route at any N (module docstring)
AUTO_DICKE_COHERENCE = 13.5


def resolved_method(params: CentralSpinParameters, method: object) -> str:
    """The method that ``exact_method`` = ``method`` runs at these parameters ("auto" resolved by N and by mean
    field's collective coherence, module docstring)."""
    if method == "auto":
        from cumex.exact.central_dicke_window import mean_field_coherence

        ladder_fails = mean_field_coherence(params) >= AUTO_DICKE_COHERENCE
        return "dicke" if params.N > AUTO_DICKE_N or ladder_fails else "coherence_cutoff"
    return str(method)

_log = logging.getLogger(__name__)

DEFAULT_SETTINGS: dict[str, object] = {
    "exact_method": "auto",
    "exact_fallback": "dicke",
    "exact_dicke_boundary_tol": 1e-14,
    "exact_cutoff_tol": 1e-12,
    "exact_cutoff_start": 8,
    "exact_cutoff_max": None,
    "exact_cutoff_floor": 1e-10,
    "exact_ordering": "nested_dissection",
    "exact_refine": 10,
    "exact_q_tol": 0.1,
    "exact_max_passes": 4,
    "exact_residual_tol": 1e-9,
    "exact_blas_threads": 1,
    "exact_window": True,
}


def _int(key: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CumexInputError(key, value, f"an integer >= {minimum}")
    return value


def _positive(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise CumexInputError(key, value, "a number > 0")
    return float(value)


def read_settings(settings: Mapping[str, object] | None) -> dict[str, object]:
    """The exact solver's settings with defaults filled in; CumexInputError names a bad one."""
    settings = dict(settings or {})
    for key in settings:
        if key.startswith("exact_") and key not in DEFAULT_SETTINGS:
            raise CumexInputError(key, settings[key], f"a setting of the exact solver: {', '.join(DEFAULT_SETTINGS)}")
    out = {**DEFAULT_SETTINGS, **{k: v for k, v in settings.items() if k in DEFAULT_SETTINGS}}
    if out["exact_method"] not in ALL_METHODS:
        raise CumexInputError("exact_method", out["exact_method"], f"one of {', '.join(ALL_METHODS)}")
    if out["exact_fallback"] not in (None, "dicke"):
        raise CumexInputError("exact_fallback", out["exact_fallback"], "dicke or null")
    _positive("exact_dicke_boundary_tol", out["exact_dicke_boundary_tol"])
    _positive("exact_cutoff_tol", out["exact_cutoff_tol"])
    _int("exact_cutoff_start", out["exact_cutoff_start"], 1)
    _positive("exact_cutoff_floor", out["exact_cutoff_floor"])
    if out["exact_cutoff_max"] is not None:
        _int("exact_cutoff_max", out["exact_cutoff_max"], 1)
    if out["exact_ordering"] not in ORDERINGS:
        raise CumexInputError("exact_ordering", out["exact_ordering"], f"one of {', '.join(ORDERINGS)}")
    _int("exact_refine", out["exact_refine"], 0)
    _int("exact_max_passes", out["exact_max_passes"], 1)
    _positive("exact_q_tol", out["exact_q_tol"])
    _positive("exact_residual_tol", out["exact_residual_tol"])
    if not isinstance(out["exact_window"], bool):
        raise CumexInputError("exact_window", out["exact_window"], "true or false")
    if out["exact_blas_threads"] is not None:
        _int("exact_blas_threads", out["exact_blas_threads"], 1)
    return out


def solve(params: CentralSpinParameters, settings: Mapping[str, object] | None = None) -> MethodResult:
    """Exact steady state of one grid point (see :mod:`cumex.exact.steady`, :mod:`cumex.exact.central_dicke`).
    The result's settings keep the requested exact_method ("auto" stays "auto"); the route that ran is in the
    states' info (``method_dicke`` = 1 for the Dicke route)."""
    used = read_settings(settings)
    requested = used["exact_method"]
    result = _solve_resolved(params, {**used, "exact_method": resolved_method(params, requested)})
    result.settings["exact_method"] = requested
    return result


def _solve_resolved(params: CentralSpinParameters, used: dict[str, object]) -> MethodResult:
    if used["exact_method"] == "dicke":
        return solve_dicke_route(params, used)
    first = _solve_ladder(params, used)
    if not first.status.startswith(("inaccurate", "unphysical")) or used["exact_fallback"] != "dicke":
        return first
    second = solve_dicke_route(params, used)
    for state in second.states:  # info holds numbers only: the first status goes to the log
        state.info["fallback_dicke"] = 1.0
        if first.states:
            state.info["fallback_first_seconds"] = float(first.states[0].info.get("solve_seconds", float("nan")))
    _log.info("exact N=%d: %s; solved again with exact_method dicke: %s", params.N, first.status, second.status)
    return second


def dicke_state(params: CentralSpinParameters, used: Mapping[str, object]):
    """The Dicke route's steady state (:class:`cumex.exact.central_dicke.CentralDickeResult`) with the settings
    ``used`` (:func:`read_settings` output), as :func:`solve_dicke_route` runs it; raises what it raises."""
    from cumex.exact.central_dicke import steady_state_central_dicke

    return steady_state_central_dicke(
        params,
        boundary_tol=float(used["exact_dicke_boundary_tol"]),  # type: ignore[arg-type]
        window_tol=float(used["exact_cutoff_tol"]),  # type: ignore[arg-type]
        refine=int(used["exact_refine"]),  # type: ignore[call-overload]
        threads=used["exact_blas_threads"],  # type: ignore[arg-type]
    )


def solve_dicke_route(params: CentralSpinParameters, used: dict[str, object]) -> MethodResult:
    """The "dicke" method with the settings ``used`` (:func:`read_settings` output): status as :func:`solve`'s;
    "inaccurate" also when the window did not converge (boundary weight or window error too large)."""
    from cumex.exact.central_dicke_observables import central_dicke_observables, central_dicke_problems

    t0 = time.perf_counter()
    try:
        res = dicke_state(params, used)
    except MemoryError:
        need = estimate_memory_bytes(params, {**used, "exact_method": "dicke"}) / 2.0**30
        return MethodResult([], None, False, f"failed: out of memory (estimated peak {need:.1f} GiB)", dict(used))
    except (RuntimeError, ValueError, FloatingPointError) as exc:  # singular factor
        return MethodResult([], None, False, f"failed: {type(exc).__name__}: {exc}", dict(used))
    info = dict(res.info)
    info["method_dicke"] = 1.0
    info["solve_seconds"] = time.perf_counter() - t0
    state = SteadyState(observables=central_dicke_observables(res.x, res.basis), stable=True,
                        residual=res.residual, info=info)
    unphysical = central_dicke_problems(res.x, res.basis, res.trace_error)
    if unphysical:
        return MethodResult([state], state, False, "unphysical: " + "; ".join(unphysical), dict(used))
    problems = []
    if not res.residual <= float(used["exact_residual_tol"]):  # type: ignore[arg-type]
        problems.append(f"residual {res.residual:.3g} above exact_residual_tol")
    if not info["window_converged"]:
        problems.append(f"window not converged: boundary weight {info['boundary_weight']:.3g}, "
                        f"window error {info['window_error']:.3g}")
    if problems:
        return MethodResult([state], state, False, "inaccurate: " + "; ".join(problems), dict(used))
    return MethodResult([state], state, True, "ok", dict(used))


def _solve_ladder(params: CentralSpinParameters, used: dict[str, object]) -> MethodResult:
    t0 = time.perf_counter()
    try:
        res = steady_state(
            params,
            method=str(used["exact_method"]),
            cutoff_tol=float(used["exact_cutoff_tol"]),  # type: ignore[arg-type]
            cutoff_start=int(used["exact_cutoff_start"]),  # type: ignore[call-overload]
            cutoff_max=used["exact_cutoff_max"],  # type: ignore[arg-type]
            cutoff_floor=float(used["exact_cutoff_floor"]),  # type: ignore[arg-type]
            ordering=str(used["exact_ordering"]),
            refine=int(used["exact_refine"]),  # type: ignore[call-overload]
            q_tol=float(used["exact_q_tol"]),  # type: ignore[arg-type]
            max_passes=int(used["exact_max_passes"]),  # type: ignore[call-overload]
            threads=used["exact_blas_threads"],  # type: ignore[arg-type]
            window=bool(used["exact_window"]),
        )
    except MemoryError:
        need = estimate_memory_bytes(params, used) / 2.0**30
        return MethodResult([], None, False, f"failed: out of memory (estimated peak {need:.1f} GiB)", used)
    except (RuntimeError, ValueError, FloatingPointError) as exc:  # singular factor
        return MethodResult([], None, False, f"failed: {type(exc).__name__}: {exc}", used)
    info = dict(res.info)
    info["solve_seconds"] = time.perf_counter() - t0
    state = SteadyState(observables=observables(res.w, res.basis), stable=True, residual=res.residual, info=info)
    unphysical = physical_problems(res.w, res.basis, res.trace_error)
    if unphysical:
        return MethodResult([state], state, False, "unphysical: " + "; ".join(unphysical), used)
    problems = []
    if not res.residual <= float(used["exact_residual_tol"]):  # type: ignore[arg-type]
        problems.append(f"residual {res.residual:.3g} above exact_residual_tol")
    if not info["settled"]:
        problems.append(f"q or the ladder balance not settled in {int(info['passes'])} passes")
    if not info["cutoff_converged"]:
        where = "changes stall (round-off)" if info.get("cutoff_stalled") else "at exact_cutoff_max"
        problems.append(f"cutoff not converged: {where}, last change {info['cutoff_change']:.3g}")
    if problems:
        return MethodResult([state], state, False, "inaccurate: " + "; ".join(problems), used)
    return MethodResult([state], state, True, "ok", used)
