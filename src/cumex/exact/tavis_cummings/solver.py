"""``solve_exact(params, settings)``: the exact steady state of the Tavis–Cummings model as a MethodResult.

Settings read (all optional; keys of other methods are ignored, an unknown ``exact_*`` key is rejected):

    exact_method           "dicke" (default: the Dicke basis of :mod:`.dicke` with the coherence cutoff |p − q| ≤ K,
                           GMRES with block Gauss–Seidel, :mod:`.dicke_steady`) or "sector_lu" (the
                           (n00, n01, n10, n11) basis with the coherence cutoff a ≤ C and one sparse LU per attempt,
                           :mod:`.steady`)
    exact_rtol             GMRES tolerance of the "dicke" method on ‖(L + u tᵀ)x − u‖₂ (default 1e-12)
    exact_restart          GMRES restart length of the "dicke" method (default 30)
    exact_maxiter          GMRES iterations allowed per solve of the "dicke" method (default 5000)
    exact_fock_tol         largest accepted weight P(p = F) of the top Fock level (default 1e-12)
    exact_fock_start       first Fock cutoff F (default null: from the mean-field photon number)
    exact_fock_step        the Fock error is measured against the solve at F − step (default 2)
    exact_fock_error_tol   "dicke": converged only if that Fock error of the checked observables is below
                           (default 1e-10)
    exact_coherence_tol    accepted change of the checked observables over one coherence step (default 1e-10)
    exact_coherence_step   growth of the coherence cutoff (C or K) per attempt and the step of the error solve (default 2)
    exact_coherence_max    largest C (or K) tried (default null: no cap, i.e. no truncation at the end)
    exact_coherence_leak_tol  "dicke": K grows until the untruncated generator's rate into |p − q| = K + 1 is
                           below (default 1e-10)
    exact_window_tol       "dicke": the emitter window holds the (l, e) whose population exceeds this (after the first
                           probe solve, 2 layers of margin; default 1e-16; 0: no window)
    exact_window_error_tol "dicke": converged only if the window error (change against the window at 1e3 × that
                           tolerance) is below (default 1e-10)
    (exact_coherence_start and exact_refine apply to "sector_lu" only)
    exact_coherence_start  first coherence cutoff C (default 4)
    exact_refine           iterative-refinement steps with the LU factors (default 3)
    exact_residual_tol     converged only if the residual of the untruncated generator is below (default 1e-9)
    exact_blas_threads     BLAS threads during the factorisation (default 1; null: library default)

The exact steady state is unique, so the result holds one state, stable and physical. It is converged and
"ok" only if the residual, the truncation errors and the physical bounds all pass: populations in [0, 1]
(to 1e-10), trace 1 with real trace, Hermiticity, variance ≥ 0 and the Cauchy–Schwarz bounds
|⟨a†σ^-⟩|² ≤ ⟨a†a⟩⟨σ^+σ^-⟩ and |⟨σn^+σm^-⟩| ≤ ⟨σ^+σ^-⟩ = (1 + ⟨σ^z⟩)/2. A numerical failure is reported with
converged = False, never raised.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from cumex.errors import CumexInputError
from cumex.exact.tavis_cummings.dicke_steady import steady_state_dicke
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.exact.tavis_cummings.steady import TCSteadyResult, steady_state
from cumex.results import MethodResult, SteadyState

__all__ = ["solve_exact", "read_settings", "DEFAULT_SETTINGS", "bound_violations"]

DEFAULT_SETTINGS: dict[str, object] = {
    "exact_method": "dicke",
    "exact_rtol": 1e-12,
    "exact_restart": 30,
    "exact_maxiter": 5000,
    "exact_fock_tol": 1e-12,
    "exact_fock_start": None,
    "exact_fock_step": 2,
    "exact_fock_error_tol": 1e-10,
    "exact_coherence_tol": 1e-10,
    "exact_coherence_start": 4,
    "exact_coherence_step": 2,
    "exact_coherence_max": None,
    "exact_coherence_leak_tol": 1e-10,
    "exact_window_tol": 1e-16,
    "exact_window_error_tol": 1e-10,
    "exact_refine": 3,
    "exact_residual_tol": 1e-9,
    "exact_blas_threads": 1,
}
_BOUND_TOL = 1e-10


def _int(key: str, value: object, minimum: int, optional: bool = False) -> None:
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CumexInputError(key, value, f"an integer >= {minimum}" + (" or null" if optional else ""))


def _positive(key: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise CumexInputError(key, value, "a number > 0")


def read_settings(settings: Mapping[str, object] | None) -> dict[str, object]:
    """The settings with defaults filled in; CumexInputError names a bad or unknown ``exact_*`` key."""
    settings = dict(settings or {})
    for key in settings:
        if key.startswith("exact_") and key not in DEFAULT_SETTINGS:
            raise CumexInputError(
                key, settings[key], f"a setting of the Tavis-Cummings exact solver: {', '.join(DEFAULT_SETTINGS)}"
            )
    out = {**DEFAULT_SETTINGS, **{k: v for k, v in settings.items() if k in DEFAULT_SETTINGS}}
    if out["exact_method"] not in ("dicke", "sector_lu"):
        raise CumexInputError("exact_method", out["exact_method"], "dicke or sector_lu")
    _int("exact_restart", out["exact_restart"], 2)
    _int("exact_maxiter", out["exact_maxiter"], 1)
    for key in ("exact_fock_tol", "exact_coherence_tol", "exact_residual_tol", "exact_rtol", "exact_fock_error_tol",
                "exact_coherence_leak_tol", "exact_window_error_tol"):
        _positive(key, out[key])
    value = out["exact_window_tol"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise CumexInputError("exact_window_tol", value, "a number in [0, 1)")
    _int("exact_fock_start", out["exact_fock_start"], 2, optional=True)
    _int("exact_fock_step", out["exact_fock_step"], 1)
    _int("exact_coherence_start", out["exact_coherence_start"], 1)
    _int("exact_coherence_step", out["exact_coherence_step"], 1)
    _int("exact_coherence_max", out["exact_coherence_max"], 1, optional=True)
    _int("exact_refine", out["exact_refine"], 0)
    _int("exact_blas_threads", out["exact_blas_threads"], 1, optional=True)
    return out


def bound_violations(obs: Mapping[str, float], info: Mapping[str, float], tol: float = _BOUND_TOL) -> list[str]:
    """Physical bounds broken by a state (empty when all hold; see the module docstring)."""
    out = []
    if info["min_population"] < -tol or info["max_population"] > 1 + tol:
        out.append(f"population outside [0, 1] ({info['min_population']:.3g}, {info['max_population']:.3g})")
    if info["max_imag_population"] > tol or info["trace_imag"] > tol:
        out.append("complex populations or trace")
    if not info["hermiticity_error"] <= tol:
        out.append(f"non-Hermitian state ({info['hermiticity_error']:.3g})")
    up = 0.5 * (1 + obs["sz_satellite"])
    n = obs["photon_number"]
    if not -tol <= up <= 1 + tol or n < -tol:
        out.append("<sigma^z> or <a^dag a> out of range")
    if obs["photon_number_variance"] < -tol:
        out.append("negative photon-number variance")
    corr2 = obs["corr_photon_satellite_re"] ** 2 + obs["corr_photon_satellite_im"] ** 2
    if corr2 > n * up + tol:
        out.append("|<a^dag sigma^->|^2 > <a^dag a><sigma^+ sigma^->")
    pair = obs["corr_satellite_satellite"]
    if pair == pair and abs(pair) > up + tol:  # NaN at N = 1
        out.append("|<sigma_n^+ sigma_m^->| > <sigma^+ sigma^->")
    return out


def _state(res: TCSteadyResult, seconds: float) -> SteadyState:
    info = dict(res.info)
    info["solve_seconds"] = seconds
    return SteadyState(observables=dict(res.observables), stable=True, residual=res.residual, info=info)


def solve_exact(params: TavisCummingsParameters, settings: Mapping[str, object] | None = None) -> MethodResult:
    """Exact steady state of one grid point (:mod:`cumex.exact.tavis_cummings.steady`)."""
    used = read_settings(settings)
    t0 = time.perf_counter()
    try:
        if used["exact_method"] == "dicke":
            res = steady_state_dicke(
                params,
                fock_tol=float(used["exact_fock_tol"]),  # type: ignore[arg-type]
                fock_start=used["exact_fock_start"],  # type: ignore[arg-type]
                fock_step=int(used["exact_fock_step"]),  # type: ignore[call-overload]
                coherence_tol=float(used["exact_coherence_tol"]),  # type: ignore[arg-type]
                coherence_leak_tol=float(used["exact_coherence_leak_tol"]),  # type: ignore[arg-type]
                coherence_step=int(used["exact_coherence_step"]),  # type: ignore[call-overload]
                coherence_max=used["exact_coherence_max"],  # type: ignore[arg-type]
                window_tol=float(used["exact_window_tol"]),  # type: ignore[arg-type]
                rtol=float(used["exact_rtol"]),  # type: ignore[arg-type]
                restart=int(used["exact_restart"]),  # type: ignore[call-overload]
                maxiter=int(used["exact_maxiter"]),  # type: ignore[call-overload]
                threads=used["exact_blas_threads"],  # type: ignore[arg-type]
            )
        else:
            res = steady_state(
                params,
                fock_tol=float(used["exact_fock_tol"]),  # type: ignore[arg-type]
                fock_start=used["exact_fock_start"],  # type: ignore[arg-type]
                fock_step=int(used["exact_fock_step"]),  # type: ignore[call-overload]
                coherence_tol=float(used["exact_coherence_tol"]),  # type: ignore[arg-type]
                coherence_start=int(used["exact_coherence_start"]),  # type: ignore[call-overload]
                coherence_step=int(used["exact_coherence_step"]),  # type: ignore[call-overload]
                coherence_max=used["exact_coherence_max"],  # type: ignore[arg-type]
                refine=int(used["exact_refine"]),  # type: ignore[call-overload]
                threads=used["exact_blas_threads"],  # type: ignore[arg-type]
            )
    except (RuntimeError, MemoryError, ValueError, FloatingPointError) as exc:  # singular factor, out of memory
        return MethodResult([], None, False, f"failed: {type(exc).__name__}: {exc}", used)
    state = _state(res, time.perf_counter() - t0)
    problems = bound_violations(state.observables, state.info)
    if not res.residual <= float(used["exact_residual_tol"]):  # type: ignore[arg-type]
        problems.append(f"residual {res.residual:.3g} above exact_residual_tol")
    if state.info.get("converged_solve", 1.0) < 1.0:
        problems.append(f"GMRES stopped at residual {state.info['gmres_residual']:.3g} above exact_rtol")
    if not state.info["fock_top_weight"] <= float(used["exact_fock_tol"]):  # type: ignore[arg-type]
        problems.append(f"Fock top-level weight {state.info['fock_top_weight']:.3g} above exact_fock_tol")
    if used["exact_method"] == "dicke" and not state.info["fock_error"] <= float(used["exact_fock_error_tol"]):  # type: ignore[arg-type]
        problems.append(f"Fock truncation error {state.info['fock_error']:.3g} above exact_fock_error_tol")
    if used["exact_method"] == "dicke" and not state.info["window_error"] <= float(used["exact_window_error_tol"]):  # type: ignore[arg-type]
        problems.append(f"emitter window error {state.info['window_error']:.3g} above exact_window_error_tol")
    if not state.info["coherence_error"] <= float(used["exact_coherence_tol"]):  # type: ignore[arg-type]
        problems.append(f"coherence truncation error {state.info['coherence_error']:.3g} above exact_coherence_tol")
    if problems:
        return MethodResult([state], state, False, "inaccurate: " + "; ".join(problems), used)
    return MethodResult([state], state, True, "ok", used)
