"""Each engine's time evolution from the model's initial state (the ``evolve`` of :class:`cumex.engines.Engine`).

Every function is called as ``f(model, method, params, times, settings, scaling=..., point=..., overrides=...)``
with the point's concrete parameters and returns :class:`~cumex.dynamics.traces.TimeTraces` (observables by
the model's names, times[0] the time of the initial state). The initial state is the model's own
(``model.operators.initial_sites``: single-site ⟨σ^z⟩, ⟨σ^+⟩ of the central spin and of every satellite, a
product state; Carollo's: central spin up ⊗ every bath spin in its uncoupled steady state; Fowler-Wright's:
central spin down ⊗ the same). The master equation is the model's (ħ = 1):
dρ/dt = −i[H, ρ] + Σ_j γ_j D[L_j]ρ, D[x]ρ = xρx† − {x†x, ρ}/2.

    exact_symmetric      dr/dt = L r in the whole permutation-symmetric space (cumex.exact.symmetric):
                         Arnoldi steps (``exact_integrator: krylov``, error target ``krylov_tol`` relative to
                         ‖r‖, basis ≤ ``krylov_dim``) or scipy's expm_multiply in chunks of ``expm_chunk``
    exact_central_spin   the U(1)-reduced generator of cumex.exact (full sector), expm_multiply per interval
    cumulants            the compiled order-M equations dx/dt = F(x) (lab frame) from the product state,
                         scipy solve_ivp (``ode_method``, default DOP853; ``ode_rtol`` 1e-10, ``ode_atol``
                         1e-12; implicit methods get the exact Jacobian). The symmetry-breaking ``seed`` is 0
                         by default here: the exact initial state has none, and a U(1) model's broken
                         variant then follows the symmetric trajectory, as the exact state does
    limit                the N → ∞ limit (cumex.limits.evolve_limit: the open Jaynes–Cummings model with the
                         bath boson in its thermal state, or the lone central spin), ``limit_*`` settings
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from cumex.dynamics.traces import TimeTraces, check_times
from cumex.errors import CumexInputError

__all__ = [
    "SYMMETRIC_DEFAULTS", "CUMULANT_DEFAULTS", "ODE_METHODS", "initial_density_matrices",
    "evolve_exact_symmetric", "evolve_exact_central_spin", "evolve_cumulants", "evolve_limit_engine",
    "symmetric_defaults", "check_symmetric_settings", "cumulant_defaults", "check_cumulant_settings",
]

#: study setting -> the symmetric engine's dynamics setting (cumex.exact.symmetric.settings)
_SYMMETRIC_KEYS = {"exact_integrator": "method", "krylov_tol": "tol", "krylov_dim": "krylov_dim",
                   "expm_chunk": "expm_chunk", "blas_threads": "blas_threads",
                   "reference_population": "reference_population"}
SYMMETRIC_DEFAULTS: dict[str, object] = {"exact_integrator": "krylov", "krylov_tol": 1e-11, "krylov_dim": 30,
                                         "expm_chunk": 50, "blas_threads": 1, "reference_population": None}
ODE_METHODS = ("DOP853", "RK45", "Radau", "BDF", "LSODA")
CUMULANT_DEFAULTS: dict[str, object] = {"ode_method": "DOP853", "ode_rtol": 1e-10, "ode_atol": 1e-12, "seed": 0.0,
                                        "compiled": None, "cache_dir": None}


# -- settings ------------------------------------------------------------------------------------------
def symmetric_defaults() -> dict[str, object]:
    return dict(SYMMETRIC_DEFAULTS)


def _symmetric_used(settings: Mapping[str, object]) -> dict[str, object]:
    from cumex.exact.symmetric import read_settings

    own = {_SYMMETRIC_KEYS[k]: v for k, v in settings.items() if k in _SYMMETRIC_KEYS}
    try:
        return read_settings(own, "dynamics")
    except CumexInputError as exc:
        study_key = next(k for k, v in _SYMMETRIC_KEYS.items() if v == exc.key)
        raise CumexInputError(f"settings.{study_key}", exc.value, exc.allowed) from None


def check_symmetric_settings(settings: Mapping[str, object]) -> None:
    _symmetric_used(settings)


def cumulant_defaults() -> dict[str, object]:
    return dict(CUMULANT_DEFAULTS)


def _cumulant_used(settings: Mapping[str, object]) -> dict[str, object]:
    used = {**CUMULANT_DEFAULTS, **{k: v for k, v in settings.items() if k in CUMULANT_DEFAULTS}}
    if used["ode_method"] not in ODE_METHODS:
        raise CumexInputError("settings.ode_method", used["ode_method"], "one of " + ", ".join(ODE_METHODS))
    for key in ("ode_rtol", "ode_atol"):
        value = used[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
            raise CumexInputError(f"settings.{key}", value, "a finite tolerance > 0")
    seed = used["seed"]
    if isinstance(seed, bool) or not isinstance(seed, (int, float)) or not math.isfinite(seed):
        raise CumexInputError("settings.seed", seed, "a real number (symmetry-breaking seed of the initial state)")
    for key in ("compiled", "cache_dir"):
        if used[key] is not None and not isinstance(used[key], str):
            raise CumexInputError(f"settings.{key}", used[key], "a path (string) or null")
    return used


def check_cumulant_settings(settings: Mapping[str, object]) -> None:
    _cumulant_used(settings)


# -- the initial state -----------------------------------------------------------------------------------
def _site_matrix(site: Mapping[str, complex]) -> np.ndarray:
    """ρ of a spin-1/2 (basis down, up) from ⟨σ^z⟩ = Z and ⟨σ^+⟩ = ρ[0, 1] = P."""
    z, p = float(np.real(site["Z"])), complex(site["P"])
    return np.array([[(1 - z) / 2, p], [np.conj(p), (1 + z) / 2]], dtype=complex)


def initial_density_matrices(model, params: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """(central, satellite) 2×2 density matrices of the model's product initial state."""
    operators = getattr(model, "operators", None)
    if operators is None or operators.initial_sites is None or operators.central != "spin":
        raise CumexInputError("model", model.name, "a model whose operator data name a spin initial state (initial_sites)")
    central, satellite = operators.initial_sites(params)
    return _site_matrix(central), _site_matrix(satellite)


# -- exact ---------------------------------------------------------------------------------------------
def evolve_exact_symmetric(model, method, params, times, settings, **context) -> TimeTraces:
    from cumex.engines import symmetric_model_of
    from cumex.exact.symmetric import ProductState, build_problem, evolve_problem

    used = _symmetric_used(settings)
    t = check_times(times)
    central, bath = initial_density_matrices(model, params)
    problem = build_problem(symmetric_model_of(model, params), int(params["N"]), used["reference_population"])  # type: ignore[arg-type]
    obs, _, info = evolve_problem(problem, ProductState(central, bath), t, used)
    info["max_trace_error"] = float(np.abs(obs["trace"] - 1.0).max())
    return TimeTraces(t, {k: np.asarray(v, dtype=float) for k, v in obs.items()}, True, "ok",
                      {k: used[v] for k, v in _SYMMETRIC_KEYS.items()}, info)


def evolve_exact_central_spin(model, method, params, times, settings, **context) -> TimeTraces:
    """The U(1)-reduced engine's dynamics; its initial state is fixed (central spin down, satellites in their
    uncoupled steady state, :func:`cumex.exact.dynamics.initial_state`), so the model must name that one."""
    from cumex.engines import _central_spin_params
    from cumex.exact.basis import SectorBasis
    from cumex.exact.dynamics import evolve, initial_state
    from cumex.exact.observables import observables, trace

    t = check_times(times)
    central, bath = initial_density_matrices(model, params)
    r = params["gamma_up"] / (params["gamma_up"] + params["gamma_down"])
    if not (np.allclose(central, np.diag([1.0, 0.0])) and np.allclose(bath, np.diag([1 - r, r]))):
        raise CumexInputError("model", model.name, "for the U(1) exact dynamics, the initial state central spin down "
                              "with satellites in their uncoupled steady state")
    p = _central_spin_params(params)
    basis = SectorBasis(p.N)
    states = evolve(p, initial_state(p), t)
    rows = [observables(w, basis) for w in states]
    obs = {key: np.array([row[key] for row in rows], dtype=float) for key in rows[0]}
    obs["trace"] = np.array([trace(w, basis).real for w in states])
    return TimeTraces(t, obs, True, "ok", {}, {"dim": float(basis.dim), "max_trace_error": float(np.abs(obs["trace"] - 1).max())})


# -- cumulants -------------------------------------------------------------------------------------------
def evolve_cumulants(model, method, params, times, settings, **context) -> TimeTraces:
    from scipy.integrate import solve_ivp

    from cumex.cumulants.solver import model_system

    used = _cumulant_used(settings)
    t = check_times(times)
    system = model_system(model.name, method.label, dict(params),
                          {"seed": used["seed"], "compiled": used["compiled"], "cache_dir": used["cache_dir"]})
    implicit = used["ode_method"] in ("Radau", "BDF", "LSODA")
    with np.errstate(all="ignore"):
        sol = solve_ivp(lambda _, x: system.rhs(x), (t[0], t[-1]), system.initial_state, method=str(used["ode_method"]),
                        t_eval=t, rtol=float(used["ode_rtol"]), atol=float(used["ode_atol"]),  # type: ignore[arg-type]
                        **({"jac": lambda _, x: system.jacobian(x)} if implicit else {}))
    info = {"n_unknowns": float(system.size), "n_rhs": float(sol.nfev)}
    if not sol.success or sol.y.shape[1] != t.size:
        return TimeTraces(t, {}, False, f"failed: integration stopped at t = {sol.t[-1]:.4g}: {sol.message}", used, info)
    rows = [system.observables(x) for x in sol.y.T]
    obs = {key: np.array([row[key] for row in rows], dtype=float) for key in rows[0]}
    return TimeTraces(t, obs, True, "ok", used, info)


# -- the N -> infinity limit -----------------------------------------------------------------------------
def evolve_limit_engine(model, method, params, times, settings, *, scaling, point, overrides, **context) -> TimeTraces:
    from cumex.engines import limit_aliases
    from cumex.limits.api import evolve_limit
    from cumex.limits.jaynes_cummings import read_settings

    used = read_settings(settings)
    t = check_times(times)
    values = {**dict(overrides), **{k: v for k, v in point.items() if k != model.size_axis}}
    central, _ = initial_density_matrices(model, {**model.resolve(scaling, {**point, model.size_axis: 1}, overrides)})
    _, obs = evolve_limit(model.name, scaling, values, t, initial=central, settings=used)
    obs = {k: np.asarray(v, dtype=float) for k, v in obs.items()}
    obs.update(limit_aliases(obs))
    weight = float(obs.get("truncation_weight", np.zeros(1)).max())
    info = {"truncation_weight": weight, "n_fock": float(obs.get("n_fock", np.zeros(1))[0])}
    if weight >= float(used["limit_fock_tol"]):
        return TimeTraces(t, obs, False, f"inaccurate: Fock truncation weight {weight:.3g} above limit_fock_tol at "
                          f"limit_fock_max = {used['limit_fock_max']}", dict(used), info)
    return TimeTraces(t, obs, True, "ok", dict(used), info)
