"""N → ∞ mean-field limits: Fowler-Wright's central spin at fixed_kappa_over_N and fixed_gN, a lone central spin.

Mean-field equations of the central spin model (conventions of :mod:`cumex.models.central_spin`;
s0 = ⟨σ0^-⟩, sn = ⟨σn^-⟩, z0 = ⟨σ0^z⟩, zn = ⟨σn^z⟩):

    ds0/dt = −(iω + κ/2) s0 + i g N z0 sn          dz0/dt = −κ(1 + z0) + 4gN Im(s0* sn)
    dsn/dt = −(iε + Γ_T/2) sn + i g zn s0          dzn/dt = −Γ_T zn + Γ_Δ − 4g Im(s0* sn)

A lasing state s0 = A e^{−iνt}, sn = B e^{−iνt} needs [i(ω−ν) + κ/2][i(ε−ν) + Γ_T/2] = −g²N z0 zn, so
ν = (ωΓ_T + εκ)/(Γ_T + κ) and κΓ_T/4 − (ω−ν)(ε−ν) = −g²N z0 zn; with B = i g zn A/(Γ_T/2 + i(ε−ν)) the
populations give κ(1 + z0) = N(Γ_Δ − Γ_T zn) and κ(1 + z0) = 2g²N Γ_T zn |A|²/(Γ_T²/4 + (ε−ν)²).

fixed_kappa_over_N (κ = kN, g fixed): as N → ∞, ν → ε, (ω−ν)(ε−ν)/N → 0 (exactly 0 at ω = ε, where the
finite-N mean-field state is N-independent), hence

    z0 zn = −kΓ_T/(4g²),   k(1 + z0) = Γ_Δ − Γ_T zn
    ⇒ k z0² − (Γ_Δ − k) z0 − kΓ_T²/(4g²) = 0,  z0 = [(Γ_Δ − k) − √((Γ_Δ − k)² + k²Γ_T²/g²)]/(2k)

(the root with z0 < 0, as z0 zn < 0 and zn > 0 is needed for |A|² ≥ 0), |A|² = kΓ_T(1 + z0)/(8g² zn),
B = 2i g zn A/Γ_T, so ⟨σ0^+σn^-⟩ = A*B = i k(1 + z0)/(4g) and ⟨σn^+σm^-⟩ = |B|² = k zn (1 + z0)/(2Γ_T).
It exists above R_c = (1 + Γ_T k/(4g²))/2 (pump ratio), where it is the stable state and the normal state
(z0 = −1, zn = Γ_Δ/Γ_T, no coherence) is unstable; below R_c only the normal state exists and is stable.

fixed_gN (g = gN/N, κ fixed): the satellites feel g s0 → 0 (Carollo's Lemma 1), their coherence decays and
so does the central spin's; R_c = (1 + Γ_T κ N/(4 gN²))/2 → ∞. The limit is the normal state, stable.
Carollo's model at g = g0/N (Theorem 2, bath in Ω_SS with ⟨σ^±⟩ = 0): the central spin evolves alone under
H_τ and its own dissipators; :func:`lone_spin_liouvillian` is that 4×4 generator.
"""

from __future__ import annotations

import math

import numpy as np

from cumex.models.central_spin import CentralSpinParameters
from cumex.results import SteadyState

__all__ = ["kappa_over_N_states", "fixed_gN_states", "lone_spin_liouvillian", "lone_spin_steady"]


def _fw_observables(z0: float, zn: float, c_re: float, c_im: float, s: float) -> dict[str, float]:
    return {"central_population": (1.0 + z0) / 2.0, "sz_central": z0, "sz_satellite": zn,
            "corr_central_satellite_re": c_re, "corr_central_satellite_im": c_im, "corr_satellite_satellite": s}


def _normal(base: CentralSpinParameters, stable: bool) -> SteadyState:
    zn = base.gamma_delta / base.gamma_T
    return SteadyState(_fw_observables(-1.0, zn, 0.0, 0.0, 0.0), stable, 0.0, {"frequency": 0.0, "lasing": 0.0})


def kappa_over_N_states(base: CentralSpinParameters) -> list[SteadyState]:
    """Every N → ∞ mean-field steady state at fixed_kappa_over_N (``base`` resolved at N = 1: κ = k), stable first."""
    k, g, GT, GD = base.kappa, base.g, base.gamma_T, base.gamma_delta
    threshold = (1.0 + GT * k / (4.0 * g * g)) / 2.0
    if base.pump_ratio <= threshold:
        return [_normal(base, stable=True)]
    z0 = ((GD - k) - math.sqrt((GD - k) ** 2 + (k * GT / g) ** 2)) / (2.0 * k)
    zn = (GD - k * (1.0 + z0)) / GT
    A = math.sqrt(k * GT * (1.0 + z0) / (8.0 * g * g * zn))
    B = 2j * g * zn * A / GT
    # residual of the limiting (κ/N-rescaled, rotating-frame) equations: a check of the closed form
    im = (np.conj(A) * B).imag
    res = max(abs(-(k / 2) * A + 1j * g * z0 * B), abs(-(GT / 2) * B + 1j * g * zn * A),
              abs(-k * (1 + z0) + 4 * g * im), abs(-GT * zn + GD - 4 * g * im))
    lasing = SteadyState(_fw_observables(z0, zn, 0.0, k * (1.0 + z0) / (4.0 * g), k * zn * (1.0 + z0) / (2.0 * GT)),
                         True, float(res), {"frequency": base.epsilon, "lasing": 1.0, "threshold": threshold})
    return [lasing, _normal(base, stable=False)]


def fixed_gN_states(base: CentralSpinParameters) -> list[SteadyState]:
    """The N → ∞ mean-field steady state at fixed_gN: the normal state."""
    return [_normal(base, stable=True)]


_SM = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)  # τ^- = |0⟩⟨1|, |0⟩ = down
# τ^x, τ^y, τ^z in the (down, up) basis: τ^y = −i(τ^+ − τ^-) has ⟨down|τ^y|up⟩ = +i
_PAULI = (np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, 1j], [-1j, 0]]), np.diag([-1.0, 1.0]).astype(complex))


def lone_spin_liouvillian(h: tuple[float, float, float], gamma_up: float, gamma_down: float) -> np.ndarray:
    """4×4 generator (row-major vec) of dρ/dt = −i[h·τ, ρ] + γ↑ D[τ^+]ρ + γ↓ D[τ^-]ρ."""
    H = sum(c * s for c, s in zip(h, _PAULI))
    eye = np.eye(2)
    L = -1j * (np.kron(H, eye) - np.kron(eye, H.T))  # type: ignore[union-attr]
    for rate, c in ((gamma_up, _SM.T.copy()), (gamma_down, _SM)):
        cdc = c.conj().T @ c
        L = L + rate * (np.kron(c, c.conj()) - 0.5 * np.kron(cdc, eye) - 0.5 * np.kron(eye, cdc.T))
    return L


def lone_spin_steady(h: tuple[float, float, float], gamma_up: float, gamma_down: float) -> tuple[np.ndarray, float]:
    """(2×2 steady density matrix, ‖Lρ‖_∞) of :func:`lone_spin_liouvillian` (needs γ↑ + γ↓ > 0 to be unique)."""
    L = lone_spin_liouvillian(h, gamma_up, gamma_down)
    A = L.copy()
    A[0] = np.eye(2).reshape(-1)  # trace row replaces the first equation
    rhs = np.zeros(4, dtype=complex)
    rhs[0] = 1.0
    x = np.linalg.solve(A, rhs)
    return x.reshape(2, 2), float(np.abs(L @ x).max())
