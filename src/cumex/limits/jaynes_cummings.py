"""Exact solution of an :class:`~cumex.limits.model.OpenJaynesCummings` model with an adaptive Fock cutoff.

The cutoff n_fock (boson levels 0..n_fock−1) starts at ``limit_fock_start`` and grows by half until the
population of the top ``limit_fock_levels`` levels is below ``limit_fock_tol`` (default 10⁻¹²) — in the
steady state, and for dynamics at every output time (the initial state's thermal tail included). It never
exceeds ``limit_fock_max``; a result whose weight is still above the tolerance there is reported, not hidden
(``converged`` False, ``truncation_weight`` in its info).

Observables (names as at finite N where one exists; τ is the central spin, σ0 in the Fowler-Wright model):

    central_population (1 + ⟨τ^z⟩)/2,  sz_central, sx_central, sy_central ⟨τ^α⟩
    sz_satellite       p, the bath polarisation (unchanged at N = ∞)
    corr_central_satellite_re/_im, corr_satellite_satellite   0 at N = ∞; their rescaled limits are
    sqrtN_corr_central_satellite_re/_im    lim √N ⟨τ^+σ_k^-⟩ = √|p| ⟨τ^+ b⟩ (p < 0), √|p| ⟨τ^+ b†⟩ (p > 0)
    N_corr_satellite_satellite             lim N ⟨σ_k^+σ_l^-⟩ = |p|⟨b†b⟩ − Γ↑/Γ_T (p < 0), − Γ↓/Γ_T (p > 0)
    boson_number ⟨b†b⟩;  quadrature ⟨q⟩, q = (b + b†)/√2 ↔ q_N = √2 Re⟨S^-⟩/√(|p|N)
    quadrature_variance ⟨Q²⟩, quadrature_fourth_moment ⟨Q⁴⟩, quadrature_fourth_cumulant ⟨Q⁴⟩ − 3⟨Q²⟩²,
    Q = q − ⟨q⟩ (the cumulant vanishes for every Gaussian state: a measure of non-Gaussianity)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from cumex.errors import CumexInputError
from cumex.exact.threads import blas_threads
from cumex.limits import fock
from cumex.limits.krylov import krylov_evolve
from cumex.limits.model import OpenJaynesCummings

__all__ = ["DEFAULT_SETTINGS", "read_settings", "observables_from", "jc_steady_state", "jc_evolve"]

DEFAULT_SETTINGS: dict[str, float] = {
    "limit_fock_tol": 1e-12,
    "limit_fock_start": 12,
    "limit_fock_max": 400,
    "limit_fock_levels": 2,
    "limit_residual_tol": 1e-8,
}


def read_settings(settings: Mapping[str, object] | None) -> dict[str, float]:
    """Defaults updated by the ``limit_*`` keys of ``settings`` (other keys belong to other methods)."""
    used = dict(DEFAULT_SETTINGS)
    for key, value in (settings or {}).items():
        if not key.startswith("limit_"):
            continue
        if key not in used:
            raise CumexInputError(f"settings.{key}", value, f"one of {', '.join(DEFAULT_SETTINGS)}")
        integer = key in ("limit_fock_start", "limit_fock_max", "limit_fock_levels")
        try:
            number = int(value) if integer and float(value) == int(value) else float(value)  # type: ignore[arg-type, call-overload]
        except (TypeError, ValueError):
            raise CumexInputError(f"settings.{key}", value, "a number") from None
        if integer and (not isinstance(number, int) or number < 1):
            raise CumexInputError(f"settings.{key}", value, "an integer >= 1")
        if not integer and not (math.isfinite(number) and number > 0):
            raise CumexInputError(f"settings.{key}", value, "a number > 0")
        used[key] = number
    if used["limit_fock_start"] <= used["limit_fock_levels"] or used["limit_fock_max"] < used["limit_fock_start"]:
        raise CumexInputError("settings.limit_fock_start", used["limit_fock_start"],
                              "limit_fock_levels < limit_fock_start <= limit_fock_max")
    return used


def observables_from(model: OpenJaynesCummings, vectors: np.ndarray, n_fock: int) -> dict[str, np.ndarray]:
    """Observables of the module docstring, one value per row of ``vectors`` (vec(ρ), row-major)."""
    e = fock.expectations(vectors, n_fock)
    tr = e["id"].real
    mean = {key: (val / tr) for key, val in e.items() if key not in ("id", "min_population")}
    m1, m2, m3, m4 = (mean[f"q{k}"].real for k in (1, 2, 3, 4))
    var = m2 - m1**2
    q4 = m4 - 4 * m3 * m1 + 6 * m2 * m1**2 - 3 * m1**4
    absp = abs(model.polarisation)
    corr = mean["tp_bd"] if model.counter_rotating else mean["tp_b"]
    other = (1.0 - model.bath_up_population) if model.counter_rotating else model.bath_up_population
    zeros = np.zeros_like(tr)
    return {
        "central_population": (1.0 + mean["tz"].real) / 2.0,
        "sz_central": mean["tz"].real,
        "sx_central": mean["tx"].real,
        "sy_central": mean["ty"].real,
        "sz_satellite": zeros + model.polarisation,
        "corr_central_satellite_re": zeros,
        "corr_central_satellite_im": zeros,
        "corr_satellite_satellite": zeros,
        "sqrtN_corr_central_satellite_re": math.sqrt(absp) * corr.real,
        "sqrtN_corr_central_satellite_im": math.sqrt(absp) * corr.imag,
        "N_corr_satellite_satellite": absp * mean["n"].real - other,
        "boson_number": mean["n"].real,
        "quadrature": m1,
        "quadrature_variance": var,
        "quadrature_fourth_moment": q4,
        "quadrature_fourth_cumulant": q4 - 3 * var**2,
        "trace": tr,
        "min_population": e["min_population"] / tr,
    }


def _next_cutoff(pops: np.ndarray, n: int, weight: float, used: Mapping[str, float]) -> int:
    """A larger cutoff from the geometric tail of the level populations ``pops`` (length n): the levels
    below the top decay by x per level, so ~log(tol/weight)/log(x) more levels (+2) reach the tolerance.
    Falls back to growing by half where no clean geometric tail is seen."""
    levels = int(used["limit_fock_levels"])
    hi = n - levels - 1
    lo = max(hi - 4, 0)
    fallback = max(n + 8, int(math.ceil(1.5 * n)))
    new = fallback
    if hi > lo and pops[hi] > 0 and pops[lo] > 0 and weight > 0:
        x = (pops[hi] / pops[lo]) ** (1.0 / (hi - lo))
        if 0 < x < 0.95:
            new = n + 2 + int(math.ceil(math.log(used["limit_fock_tol"] / weight) / math.log(x)))
            new = min(max(new, n + 2), fallback)
    return int(min(used["limit_fock_max"], new))


def jc_steady_state(model: OpenJaynesCummings, used: Mapping[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """(observables, info) of the steady state at the smallest adequate cutoff (info: n_fock, truncation_weight,
    residual ‖L vec ρ‖_∞, min_population, cutoff_converged 1/0)."""
    n = int(used["limit_fock_start"])
    levels = int(used["limit_fock_levels"])
    with blas_threads(1):
        while True:
            L = fock.liouvillian(model, n)
            x, residual = fock.steady_vector(L, 2 * n)
            pops = fock.level_populations(x, n)[0]
            weight = float(pops[n - levels:].sum())
            done = weight < used["limit_fock_tol"]
            if done or n >= used["limit_fock_max"]:
                break
            n = _next_cutoff(pops, n, weight, used)
        obs = {k: float(v[0]) for k, v in observables_from(model, x, n).items()}
        min_eig = float(np.linalg.eigvalsh(x.reshape(2 * n, 2 * n)).min())
    info = {"n_fock": float(n), "truncation_weight": weight, "residual": residual,
            "min_population": obs.pop("min_population"), "min_eigenvalue": min_eig, "cutoff_converged": float(done)}
    obs.pop("trace")
    return obs, info


def _initial_cutoff(model: OpenJaynesCummings, used: Mapping[str, float]) -> int:
    """Smallest n (≥ start) whose thermal tail beyond n − levels is below the tolerance."""
    x = model.thermal_occupation / (1.0 + model.thermal_occupation)
    levels = int(used["limit_fock_levels"])
    need = levels + (math.ceil(math.log(used["limit_fock_tol"]) / math.log(x)) if x > 0 else 0)  # Σ_{m≥k} = x^k
    return int(min(used["limit_fock_max"], max(used["limit_fock_start"], need)))


def jc_evolve(
    model: OpenJaynesCummings,
    times: np.ndarray,
    central0: np.ndarray,
    used: Mapping[str, float],
    n_start: int = 0,
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Observables along ρ(t) from central0 ⊗ (the bath's thermal boson state), and info as for the steady state
    (truncation_weight: its maximum over the output times). ``n_start`` is a first guess of the cutoff (e.g. the
    steady state's, which the late-time states need), raised to the initial state's own need."""
    n = int(min(used["limit_fock_max"], max(_initial_cutoff(model, used), n_start)))
    levels = int(used["limit_fock_levels"])
    with blas_threads(1):
        while True:
            L = fock.liouvillian(model, n)
            v0 = fock.product_state(central0, fock.thermal_boson(n, model.thermal_occupation))
            V = krylov_evolve(L, v0, times)
            pops = fock.level_populations(V, n)
            weights = pops[:, n - levels:].sum(axis=1)
            weight = float(weights.max())
            done = weight < used["limit_fock_tol"]
            if done or n >= used["limit_fock_max"]:
                break
            n = _next_cutoff(pops.max(axis=0), n, weight, used)
        obs = observables_from(model, V, n)
    obs["truncation_weight"] = weights
    info = {"n_fock": float(n), "truncation_weight": weight, "min_population": float(obs["min_population"].min()),
            "max_trace_error": float(np.abs(obs["trace"] - 1.0).max()), "cutoff_converged": float(done)}
    return obs, info
