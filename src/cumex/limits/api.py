"""Public edge of :mod:`cumex.limits`: the N → ∞ limit of a (model, scaling) as a steady state or as dynamics.

    (central_spin, fixed_g_sqrtN)          open Jaynes–Cummings model (:mod:`.model`), solved exactly
    (central_spin, fixed_kappa_over_N)     N → ∞ mean-field state (:mod:`.meanfield`)
    (central_spin, fixed_gN)               N → ∞ mean-field state: the normal state
    (driven_central_spin, fixed_g_sqrtN)  open Jaynes–Cummings model (Carollo's eq. 9)
    (driven_central_spin, fixed_gN)       the central spin alone (Carollo's Theorem 2 with the bath in Ω_SS)
    scaling none (g, κ fixed)              no limit: CumexInputError

Concrete Jaynes–Cummings models (:func:`limit_model`; master equation and rates in :mod:`.model`):

    central_spin (τ = σ0):  h = (0, 0, ω/2), γ↑ = 0, γ↓ = κ, bath field ε_b = ε, λ = g_sqrtN √|p|,
        p = 2r − 1 (r the pump ratio); r < 1/2: H ∋ ε b†b + λ(σ0^+ b + σ0^- b†), κ_loss = Γ↓/|p|,
        κ_gain = Γ↑/|p|; r > 1/2: H ∋ −ε b†b + λ(σ0^+ b† + σ0^- b), κ_loss = Γ↑/|p|, κ_gain = Γ↓/|p|.
        At the defaults (Γ_T = 2, r = 0.75, g_sqrtN = 3, κ = 1): λ = 3/√2, κ_loss = 3, κ_gain = 1.
    driven_central_spin:   h = (ω_x, ω_y, ω_z), γ↑, γ↓ as given, no bath field, λ = g0 √|p|. At Fig. 2:
        ε = −p = 2/3, λ = 4√(2/3), κ_loss = Γ↓/ε = 1.5 (= Carollo's Γ_+ + Γ↑/ε), κ_gain = Γ↑/ε = 0.3.

Initial states for dynamics: the central spin in ``initial`` ("up", "down" or a 2×2 density matrix) and the
bath in its own steady product state Ω_SS, which in the Jaynes–Cummings limit is the thermal boson state
of :attr:`OpenJaynesCummings.thermal_occupation` (not the vacuum). Defaults: "down" for central_spin (the
study's initial state, :mod:`cumex.exact.dynamics`), "up" for Carollo's model (his Fig. 2).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.linalg as sla

from cumex.errors import CumexInputError
from cumex.limits import meanfield
from cumex.limits.jaynes_cummings import jc_evolve, jc_steady_state, read_settings
from cumex.limits.model import OpenJaynesCummings, emergent_jaynes_cummings
from cumex.limits.parameters import carollo_parameters, central_spin_base, check_model_scaling
from cumex.results import MethodResult, SteadyState

__all__ = ["limit_model", "solve_limit", "evolve_limit"]


def limit_model(model_name: str, scaling: str, params: Mapping[str, float] | None = None) -> OpenJaynesCummings:
    """The emergent open Jaynes–Cummings model of a (model, g = g_sqrtN/√N scaling) with concrete parameters."""
    params = dict(params or {})
    if check_model_scaling(model_name, scaling) != "jaynes_cummings":
        raise CumexInputError("scaling", scaling, "fixed_g_sqrtN (the only scaling with a Jaynes-Cummings limit)")
    if model_name == "central_spin":
        base, _ = central_spin_base(scaling, params)
        return emergent_jaynes_cummings(h_x=0.0, h_y=0.0, h_z=base.omega / 2.0, gamma_up_central=0.0,
                                        gamma_down_central=base.kappa, bath_pump=base.gamma_up,
                                        bath_loss=base.gamma_down, bath_frequency=base.epsilon, coupling_sqrtN=base.g)
    p = carollo_parameters(params)
    return emergent_jaynes_cummings(h_x=p["omega_x"], h_y=p["omega_y"], h_z=p["omega_z"],
                                    gamma_up_central=p["gamma_up_central"], gamma_down_central=p["gamma_down_central"],
                                    bath_pump=p["gamma_up"], bath_loss=p["gamma_down"], bath_frequency=0.0,
                                    coupling_sqrtN=p["g0"])


def _result(states: list[SteadyState], used: dict[str, object]) -> MethodResult:
    physical = states[0]
    problems = []
    if physical.info.get("cutoff_converged", 1.0) != 1.0:
        problems.append(f"Fock truncation weight {physical.info['truncation_weight']:.3g} above limit_fock_tol "
                        f"at limit_fock_max = {used['limit_fock_max']}")
    if not physical.residual <= float(used["limit_residual_tol"]):  # type: ignore[arg-type]
        problems.append(f"residual {physical.residual:.3g} above limit_residual_tol")
    p0 = physical.observables["central_population"]
    if not (-1e-10 <= p0 <= 1 + 1e-10 and physical.info.get("min_population", 0.0) >= -1e-10):
        problems.append("a population outside [0, 1]")
    if not physical.info.get("min_eigenvalue", 0.0) >= -1e-10:
        problems.append(f"density matrix not positive (eigenvalue {physical.info['min_eigenvalue']:.3g})")
    if problems:
        return MethodResult(states, physical, False, "inaccurate: " + "; ".join(problems), used)
    return MethodResult(states, physical, True, "ok", used)


def _lone_spin(model_name: str, params: Mapping[str, float],
               scaling: str) -> tuple[tuple[float, float, float], float, float, float]:
    """(h, γ↑, γ↓, bath polarisation) of the central spin alone (the g ~ 1/N limits)."""
    if model_name == "central_spin":
        base, _ = central_spin_base(scaling, params)
        return (0.0, 0.0, base.omega / 2.0), 0.0, base.kappa, base.gamma_delta / base.gamma_T
    p = carollo_parameters(params)
    total = p["gamma_up"] + p["gamma_down"]
    if total <= 0:
        raise CumexInputError("set.gamma_up + gamma_down", total, "a total bath rate > 0")
    return ((p["omega_x"], p["omega_y"], p["omega_z"]), p["gamma_up_central"], p["gamma_down_central"],
            (p["gamma_up"] - p["gamma_down"]) / total)


def _spin_observables(rho: np.ndarray, polarisation: float) -> dict[str, float]:
    z = float((rho[1, 1] - rho[0, 0]).real)
    return {"central_population": (1.0 + z) / 2.0, "sz_central": z, "sx_central": float(2 * rho[0, 1].real),
            "sy_central": float(2 * rho[0, 1].imag), "sz_satellite": polarisation,
            "corr_central_satellite_re": 0.0, "corr_central_satellite_im": 0.0, "corr_satellite_satellite": 0.0}


def solve_limit(model_name: str, scaling: str, params: Mapping[str, float] | None = None,
                settings: Mapping[str, object] | None = None) -> MethodResult:
    """The N → ∞ steady state of (model, scaling) (module docstring), as a MethodResult.

    ``params``: for central_spin ``pump_ratio`` and the scaling's overrides (omega, epsilon, gamma_T, g_sqrtN,
    kappa, kappa_over_N, g, gN); for driven_central_spin omega_x/y/z, g0, gamma_up_central, gamma_down_central,
    gamma_up, gamma_down. ``settings``: the ``limit_*`` keys of :mod:`.jaynes_cummings`.
    """
    params = dict(params or {})
    kind = check_model_scaling(model_name, scaling)
    used: dict[str, object] = dict(read_settings(settings))
    used["limit_kind"] = kind
    if kind == "jaynes_cummings":
        model = limit_model(model_name, scaling, params)
        obs, info = jc_steady_state(model, used)  # type: ignore[arg-type]
        return _result([SteadyState(obs, True, info["residual"], info)], used)
    if model_name == "central_spin":
        base, _ = central_spin_base(scaling, params)
        states = meanfield.kappa_over_N_states(base) if scaling == "fixed_kappa_over_N" else meanfield.fixed_gN_states(base)
        return _result(states, used)
    h, up, down, pol = _lone_spin(model_name, params, scaling)
    if up + down <= 0:
        raise CumexInputError("set.gamma_up_central + gamma_down_central", up + down, "a total central rate > 0")
    rho, residual = meanfield.lone_spin_steady(h, up, down)
    return _result([SteadyState(_spin_observables(rho, pol), True, residual, {})], used)


def _central_state(initial: object) -> np.ndarray:
    if isinstance(initial, str):
        if initial not in ("up", "down"):
            raise CumexInputError("initial", initial, "'up', 'down' or a 2x2 density matrix")
        return np.diag([0.0, 1.0] if initial == "up" else [1.0, 0.0]).astype(complex)
    rho = np.asarray(initial, dtype=complex)
    ok = rho.shape == (2, 2) and np.allclose(rho, rho.conj().T, atol=1e-12) and abs(np.trace(rho) - 1) < 1e-12
    if not ok or np.linalg.eigvalsh(rho).min() < -1e-12:
        raise CumexInputError("initial", initial, "'up', 'down' or a 2x2 density matrix (Hermitian, trace 1, PSD)")
    return rho


def _times(times: object) -> np.ndarray:
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0):
        raise CumexInputError("times", times, "a non-empty increasing 1-d array of finite times")
    return t


def evolve_limit(model_name: str, scaling: str, params: Mapping[str, float] | None, times: object,
                 initial: object = None, settings: Mapping[str, object] | None = None,
                 ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(times, name -> array) of the N → ∞ dynamics from ``initial`` ⊗ Ω_SS (module docstring); times[0] is the
    time of the initial state. The dict also carries ``truncation_weight`` (per time), ``min_population`` (the
    smallest diagonal element of ρ(t)) and ``n_fock``.

    At fixed_kappa_over_N the limit has no dynamics on the O(1) time scale (κ = N·kappa_over_N diverges):
    CumexInputError.
    """
    params = dict(params or {})
    kind = check_model_scaling(model_name, scaling)
    t = _times(times)
    if scaling == "fixed_kappa_over_N":
        raise CumexInputError("scaling", scaling, "fixed_g_sqrtN or fixed_gN for dynamics (at fixed_kappa_over_N the "
                              "central decay rate diverges with N)")
    rho0 = _central_state(("down" if model_name == "central_spin" else "up") if initial is None else initial)
    used = read_settings(settings)
    if kind == "jaynes_cummings":
        model = limit_model(model_name, scaling, params)
        _, steady_info = jc_steady_state(model, used)  # its cutoff (+1) is the first guess for the late times
        obs, info = jc_evolve(model, t, rho0, used, n_start=int(steady_info["n_fock"]) + 1)
        obs.pop("trace")
        obs["n_fock"] = np.full(t.size, info["n_fock"])
        return t, obs
    h, up, down, pol = _lone_spin(model_name, params, scaling)
    L = meanfield.lone_spin_liouvillian(h, up, down)
    rows = [_spin_observables((sla.expm(L * (ti - t[0])) @ rho0.reshape(-1)).reshape(2, 2), pol) for ti in t]
    out = {key: np.array([r[key] for r in rows]) for key in rows[0]}
    out["truncation_weight"] = np.zeros(t.size)
    out["min_population"] = np.minimum(out["central_population"], 1.0 - out["central_population"])
    return t, out
