r"""Mean-field theory of the driven-dissipative Tavis–Cummings model in closed form, with linear stability.

Model (:mod:`cumex.exact.tavis_cummings.parameters`, ħ = 1, D[x]ρ = xρx† − {x†x, ρ}/2):

    H = ω a†a + Σ_n [ (ε/2) σn^z + g (a† σn^- + a σn^+) ],
    dρ/dt = −i[H, ρ] + κ D[a]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ ),   Γ_T = Γ↑ + Γ↓,  z0 = (Γ↑ − Γ↓)/Γ_T.

Heisenberg equations (d⟨A⟩/dt = ⟨i[H, A] + Σ γ (L†AL − {L†L, A}/2)⟩; [a†a, a] = −a, [σ^+, σ^-] = σ^z,
[σ^-, σ^z] = 2σ^-, D†[σ^+]σ^z = 1 − σ^z, D†[σ^-]σ^z = −(1 + σ^z)) with the factorisation ⟨a σ^z⟩ ≈ αz,
⟨a† σ^-⟩ ≈ α* s, for α = ⟨a⟩, s = ⟨σn^-⟩, z = ⟨σn^z⟩ (the same for every emitter):

    dα/dt = −(iω + κ/2) α − i g N s
    ds/dt = −(iε + Γ_T/2) s + i g α z
    dz/dt = −Γ_T (z − z0) − 4 g Im(α* s)

Steady states. (i) Normal: α = s = 0, z = z0. (ii) Lasing: α = A e^{−iνt}, s = S e^{−iνt} with A ≠ 0. In the
frame rotating at ν the first two equations give S = (iκ/2 − (ω − ν)) A/(gN) and

    (Γ_T/2 + i(ε − ν)) (κ/2 + i(ω − ν)) = g² N z.

Its imaginary part fixes the frequency (cavity pulling), its real part the clamped inversion:

    ν = (κ ε + Γ_T ω)/(κ + Γ_T),      z_L = (κ Γ_T / (4 g² N)) [1 + 4 (ω − ε)²/(κ + Γ_T)²].

Photon balance d|α|²/dt = −κ|α|² + 2gN Im(α* s) = 0 and dz/dt = 0 give Γ_T (z0 − z_L) = 2κ|A|²/N, so

    |A|²/N = Γ_T (z0 − z_L)/(2κ),   α* s = |A|² (iκ/2 − (ω − ν))/(gN),

which exists iff z0 > z_L, i.e. above the threshold pump ratio r_c = (1 + z_L)/2 (with Fig. 3b's parameters
g√N = 0.9, κ = 1, Γ_T = 1/2, ω = ε: z_L = 0.154, r_c = 0.577; at r = 3/4, |A|²/N = 0.0864).

Linear stability. Real variables x = (Re α, Im α, Re s, Im s, z) in the frame rotating at ν (ν = 0 for the
normal state, whose stability is frame independent), Jacobian J written out in :func:`jacobian`. The normal
state's (α, s) block has det = (κ/2 + iω)(Γ_T/2 + iε) − g²N z0 for the eigenvalue 0 in the frame rotating at
the eigenfrequency: a pair of eigenvalues crosses the imaginary axis exactly when z0 = z_L, so the normal
state is stable below r_c and unstable above. The lasing state has one neutral mode (the U(1) phase,
direction (iα, is, 0)); it is stable when all other eigenvalues have negative real parts.

Physical state: the one reached from the initial state α = 10⁻⁶ (the symmetry-breaking seed), s = 0, z = z0.
From there the seed decays iff the normal state is stable; otherwise it grows and (the lasing state being the
only other steady state) the dynamics settle on the lasing state when it is stable. Both are checked against a
direct time integration in the tests. When neither is stable (a bad-cavity Lorenz–Haken instability, possible
for κ > 3Γ_T/2 far above threshold) there is no physical steady state and the result says so.

Observables (products of first moments; the cavity treated as a coherent state, so ⟨(a†a)²⟩ − ⟨a†a⟩² = |α|²
and g2 = 1 in the lasing state; g2 is undefined (NaN) in the normal state, where ⟨a†a⟩ = 0):
photon_number |α|², sz_satellite z, corr_photon_satellite α* s, corr_satellite_satellite |s|².
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cumex.errors import CumexInputError
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.results import MethodResult, SteadyState

__all__ = [
    "MEAN_FIELD_SEED",
    "lasing_frequency",
    "clamped_inversion",
    "threshold_pump_ratio",
    "mean_field_photon_number",
    "rhs",
    "jacobian",
    "steady_states",
    "solve_mean_field",
]

MEAN_FIELD_SEED = 1e-6
_NEUTRAL_TOL = 1e-9


def lasing_frequency(p: TavisCummingsParameters) -> float:
    """ν = (κε + Γ_T ω)/(κ + Γ_T)."""
    return (p.kappa * p.epsilon + p.gamma_T * p.omega) / (p.kappa + p.gamma_T)


def clamped_inversion(p: TavisCummingsParameters) -> float:
    """z_L = κΓ_T/(4g²N) · [1 + 4(ω − ε)²/(κ + Γ_T)²] (infinite at g = 0)."""
    if p.g == 0:
        return float("inf")
    return p.kappa * p.gamma_T / (4 * p.g**2 * p.N) * (1 + 4 * (p.omega - p.epsilon) ** 2 / (p.kappa + p.gamma_T) ** 2)


def threshold_pump_ratio(p: TavisCummingsParameters) -> float:
    """r_c = (1 + z_L)/2 (above 1: no lasing at any pump)."""
    return 0.5 * (1 + clamped_inversion(p))


def mean_field_photon_number(p: TavisCummingsParameters) -> float:
    """|α|² of the lasing state when it exists, else 0."""
    return max(p.N * p.gamma_T * (p.sz_uncoupled - clamped_inversion(p)) / (2 * p.kappa), 0.0)


def rhs(x: np.ndarray, p: TavisCummingsParameters, nu: float = 0.0) -> np.ndarray:
    """d/dt of x = (Re α, Im α, Re s, Im s, z) in the frame rotating at ν."""
    alpha, s, z = x[0] + 1j * x[1], x[2] + 1j * x[3], x[4]
    da = -(1j * (p.omega - nu) + 0.5 * p.kappa) * alpha - 1j * p.g * p.N * s
    ds = -(1j * (p.epsilon - nu) + 0.5 * p.gamma_T) * s + 1j * p.g * alpha * z
    dz = -p.gamma_T * (z - p.sz_uncoupled) - 4 * p.g * (np.conj(alpha) * s).imag
    return np.array([da.real, da.imag, ds.real, ds.imag, dz])


def _block(c: complex) -> np.ndarray:
    """Real 2×2 matrix of x ↦ c x on (Re x, Im x)."""
    return np.array([[c.real, -c.imag], [c.imag, c.real]])


def jacobian(x: np.ndarray, p: TavisCummingsParameters, nu: float = 0.0) -> np.ndarray:
    """∂ rhs/∂x at x (analytic; the tests compare with finite differences)."""
    ar, ai, sr, si, z = x
    g = p.g
    J = np.zeros((5, 5))
    J[0:2, 0:2] = _block(-(1j * (p.omega - nu) + 0.5 * p.kappa))
    J[0:2, 2:4] = _block(-1j * g * p.N)
    J[2:4, 2:4] = _block(-(1j * (p.epsilon - nu) + 0.5 * p.gamma_T))
    J[2:4, 0:2] = _block(1j * g * z)
    J[2:4, 4] = [-g * ai, g * ar]  # ∂(igαz)/∂z = igα
    J[4] = [-4 * g * si, 4 * g * sr, 4 * g * ai, -4 * g * ar, -p.gamma_T]  # Im(α* s) = ar si − ai sr
    return J


def _state(x: np.ndarray, p: TavisCummingsParameters, nu: float, neutral: int) -> SteadyState:
    ev = np.linalg.eigvals(jacobian(x, p, nu))
    order = np.argsort(np.abs(ev))
    rest = ev[order[neutral:]]  # the neutral (phase) mode of the lasing state is not a direction of instability
    max_re = float(rest.real.max())
    alpha, s, z = x[0] + 1j * x[1], x[2] + 1j * x[3], float(x[4])
    n = float(abs(alpha) ** 2)
    corr = complex(np.conj(alpha) * s)
    obs = {
        "photon_number": n,
        "photon_number_per_N": n / p.N,
        "sz_satellite": z,
        "corr_photon_satellite_re": corr.real,
        "corr_photon_satellite_im": corr.imag,
        "corr_satellite_satellite": float(abs(s) ** 2),
        "photon_number_variance": n,
        "g2": 1.0 if n > 0 else float("nan"),
    }
    info = {
        "max_real_eigenvalue": max_re,
        "neutral_modes": float(neutral),
        "frequency": nu,
        "neutral_eigenvalue": float(abs(ev[order[0]])) if neutral else 0.0,
    }
    residual = float(np.abs(rhs(x, p, nu)).max())
    return SteadyState(observables=obs, stable=max_re < 0, residual=residual, info=info)


def steady_states(p: TavisCummingsParameters) -> list[SteadyState]:
    """Every mean-field steady state: the normal state, and the lasing state (phase: α real > 0) when z0 > z_L."""
    states = [_state(np.array([0.0, 0.0, 0.0, 0.0, p.sz_uncoupled]), p, 0.0, neutral=0)]
    n = mean_field_photon_number(p)
    if n > 0:
        nu = lasing_frequency(p)
        A = np.sqrt(n)
        S = (0.5j * p.kappa - (p.omega - nu)) * A / (p.g * p.N)
        x = np.array([A, 0.0, S.real, S.imag, clamped_inversion(p)])
        states.append(_state(x, p, nu, neutral=1))
    return states


def solve_mean_field(params: TavisCummingsParameters, settings: Mapping[str, object] | None = None) -> MethodResult:
    """All mean-field steady states with their stability, and the physical one (module docstring).

    ``settings``: keys starting with ``mf_`` are reserved for this method and none is defined yet, so any
    such key is rejected; other keys belong to other methods and are ignored.
    """
    settings = dict(settings or {})
    for key in settings:
        if key.startswith("mf_"):
            raise CumexInputError(key, settings[key], "no mf_* setting is defined for the Tavis-Cummings mean field")
    states = steady_states(params)
    normal = states[0]
    if normal.stable:
        physical, status = normal, "ok"
    elif len(states) > 1 and states[1].stable:
        physical, status = states[1], "ok"
    else:
        physical, status = None, "failed: no stable mean-field steady state (the dynamics do not settle)"
    return MethodResult(states, physical, physical is not None, status, {"mf_seed": MEAN_FIELD_SEED})
