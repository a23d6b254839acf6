"""Central-spin models as data: one central spin-½ coupled to N identical bath spins-½, no U(1) assumed.

Master equation (ħ = 1), sites: central spin c, bath spins k = 1..N, single-site basis (|0⟩ = down, |1⟩ = up):

    dρ/dt = −i[H, ρ] + Σ_j γ_j D[L_j]ρ + Σ_k Σ_l Γ_l D[J_l^(k)]ρ,     D[x]ρ = x ρ x† − {x†x, ρ}/2,

    H = h0 ⊗ 1 + Σ_k h_b^(k) + g_N Σ_i c_i A_i ⊗ Σ_k B_i^(k),          g_N = N^(−coupling_power),

with h0, h_b Hermitian 2×2 matrices, central jumps L_j with rates γ_j, single-site bath jumps J_l with rates
Γ_l (each acting on every bath spin individually), and the exchange written as a sum of (2×2 central
operator A_i) ⊗ (Σ_k 2×2 bath operator B_i) with complex coefficients c_i; the sum must be Hermitian.

Carollo's driven central spin (PRL 131, 227102 (2023), Eqs. (1)-(2); :func:`carollo_model`): Pauli
matrices τ_α without a factor ½, H_τ = Σ_α ω_α τ_α, H_int = g (τ⁺S⁻ + τ⁻S⁺), g = g0/√N, central gain
γ↑ D[τ⁺] and loss γ↓ D[τ⁻], bath pump Γ↑ D[σ_k⁺] and loss Γ↓ D[σ_k⁻]. The paper writes the Heisenberg
form dX/dt = i[H, X] + ...; its adjoint is the Schrödinger form above. Fig. 2 uses γ↑ = 0.8, γ↓ = 0.1,
Γ↑ = 0.2, Γ↓ = 1, w_x = 2 w_z = 1, g0 = 4 (in units of the reference rate γ). The transverse drive ω_x τ^x
breaks the U(1) symmetry σ^± → e^{±iθ}σ^± of the exchange.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cumex.errors import CumexInputError
from cumex.models.central_spin import CentralSpinParameters

__all__ = [
    "SIGMA_X",
    "SIGMA_Y",
    "SIGMA_Z",
    "SIGMA_PLUS",
    "SIGMA_MINUS",
    "IDENTITY",
    "CentralSpinModel",
    "carollo_model",
    "fowler_wright_model",
    "bath_steady_state",
]

# single-site basis (|0⟩ = down, |1⟩ = up): σ⁺ = |1⟩⟨0|, σ^z = diag(−1, 1), σ⁺ = (σ^x + iσ^y)/2
SIGMA_PLUS = np.array([[0.0, 0.0], [1.0, 0.0]], dtype=complex)
SIGMA_MINUS = SIGMA_PLUS.T.copy()
SIGMA_X = SIGMA_PLUS + SIGMA_MINUS
SIGMA_Y = -1j * (SIGMA_PLUS - SIGMA_MINUS)
SIGMA_Z = np.diag([-1.0, 1.0]).astype(complex)
IDENTITY = np.eye(2, dtype=complex)


def _matrix(key: str, value: object, hermitian: bool = False) -> np.ndarray:
    try:
        m = np.asarray(value, dtype=complex)
    except (TypeError, ValueError):
        raise CumexInputError(key, value, "a 2×2 complex matrix") from None
    if m.shape != (2, 2) or not np.all(np.isfinite(m)):
        raise CumexInputError(key, value, "a finite 2×2 complex matrix")
    if hermitian and np.abs(m - m.conj().T).max() > 1e-14 * max(1.0, np.abs(m).max()):
        raise CumexInputError(key, value, "a Hermitian 2×2 matrix")
    return m


def _rate(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value >= 0):
        raise CumexInputError(key, value, "a finite rate >= 0")
    return float(value)


@dataclass(frozen=True)
class CentralSpinModel:
    """A central-spin model (module docstring). Matrices are validated and stored as complex 2×2 arrays.

    central_jumps, bath_jumps: tuples of (rate, 2×2 jump operator); coupling: tuple of
    (coefficient, central operator A, bath operator B) for g_N Σ_i c_i A_i ⊗ Σ_k B_i^(k).
    """

    central_hamiltonian: np.ndarray
    bath_hamiltonian: np.ndarray
    central_jumps: tuple = ()
    bath_jumps: tuple = ()
    coupling: tuple = ()
    coupling_power: float = 0.0
    name: str = field(default="central_spin_model", compare=False)

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731  (frozen dataclass)
        set_("central_hamiltonian", _matrix("central_hamiltonian", self.central_hamiltonian, hermitian=True))
        set_("bath_hamiltonian", _matrix("bath_hamiltonian", self.bath_hamiltonian, hermitian=True))
        for kind in ("central_jumps", "bath_jumps"):
            jumps = []
            for i, item in enumerate(self.__getattribute__(kind)):
                if not isinstance(item, (tuple, list)) or len(item) != 2:
                    raise CumexInputError(f"{kind}[{i}]", item, "a pair (rate, 2×2 matrix)")
                jumps.append((_rate(f"{kind}[{i}].rate", item[0]), _matrix(f"{kind}[{i}].operator", item[1])))
            set_(kind, tuple(jumps))
        terms = []
        for i, item in enumerate(self.coupling):
            if not isinstance(item, (tuple, list)) or len(item) != 3:
                raise CumexInputError(f"coupling[{i}]", item, "a triple (coefficient, 2×2 central op, 2×2 bath op)")
            try:
                coef = complex(item[0])
            except (TypeError, ValueError):
                raise CumexInputError(f"coupling[{i}].coefficient", item[0], "a complex number") from None
            if not np.isfinite(coef):
                raise CumexInputError(f"coupling[{i}].coefficient", item[0], "a finite complex number")
            terms.append((coef, _matrix(f"coupling[{i}].central", item[1]), _matrix(f"coupling[{i}].bath", item[2])))
        set_("coupling", tuple(terms))
        two_site = sum((c * np.kron(a, b) for c, a, b in self.coupling), np.zeros((4, 4), dtype=complex))
        if np.abs(two_site - two_site.conj().T).max() > 1e-13 * max(1.0, np.abs(two_site).max()):
            raise CumexInputError("coupling", "non-Hermitian sum", "Σ_i c_i A_i ⊗ B_i Hermitian")
        p = self.coupling_power
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p):
            raise CumexInputError("coupling_power", p, "a finite real number")
        set_("coupling_power", float(p))

    def coupling_scale(self, N: int) -> float:
        """g_N = N^(−coupling_power)."""
        return float(N) ** (-self.coupling_power)


def bath_steady_state(model: CentralSpinModel) -> np.ndarray:
    """The 2×2 steady state of one uncoupled bath spin (h_b and the bath jumps alone).

    Solved from the 4×4 single-site Lindbladian on row-major vec(ρ) (vec(XρY) = (X ⊗ Yᵀ) vec ρ) with the
    trace condition appended (least squares; exact when the single-site steady state is unique).
    """
    one = np.eye(2)
    h = model.bath_hamiltonian
    gen = -1j * (np.kron(h, one) - np.kron(one, h.T))
    for rate, x in model.bath_jumps:
        xdx = x.conj().T @ x
        gen += rate * (np.kron(x, x.conj()) - 0.5 * np.kron(xdx, one) - 0.5 * np.kron(one, xdx.T))
    system = np.vstack([gen, np.array([[1.0, 0.0, 0.0, 1.0]])])
    rhs = np.zeros(5, dtype=complex)
    rhs[4] = 1.0
    vec, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    rho = vec.reshape(2, 2)
    return 0.5 * (rho + rho.conj().T)


def carollo_model(
    omega_x: float = 1.0,
    omega_z: float = 0.5,
    g0: float = 4.0,
    gamma_up_central: float = 0.8,
    gamma_down_central: float = 0.1,
    gamma_up: float = 0.2,
    gamma_down: float = 1.0,
    omega_y: float = 0.0,
) -> CentralSpinModel:
    """Carollo's driven central spin (module docstring); defaults are those of his Fig. 2, g = g0/√N."""
    for key, value in (("omega_x", omega_x), ("omega_y", omega_y), ("omega_z", omega_z), ("g0", g0)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise CumexInputError(key, value, "a finite real number")
    return CentralSpinModel(
        central_hamiltonian=omega_x * SIGMA_X + omega_y * SIGMA_Y + omega_z * SIGMA_Z,
        bath_hamiltonian=np.zeros((2, 2)),
        central_jumps=((gamma_up_central, SIGMA_PLUS), (gamma_down_central, SIGMA_MINUS)),
        bath_jumps=((gamma_up, SIGMA_PLUS), (gamma_down, SIGMA_MINUS)),
        coupling=((g0, SIGMA_PLUS, SIGMA_MINUS), (g0, SIGMA_MINUS, SIGMA_PLUS)),
        coupling_power=0.5,
        name="carollo",
    )


def fowler_wright_model(params: CentralSpinParameters) -> CentralSpinModel:
    """The U(1)-symmetric model of :mod:`cumex.models.central_spin` at its concrete g (coupling_power 0):
    H = (ω/2)σ0^z + Σ_n [(ε/2)σn^z + g(σ0⁺σn⁻ + σ0⁻σn⁺)], κ D[σ0⁻], Γ↑ D[σn⁺], Γ↓ D[σn⁻]."""
    return CentralSpinModel(
        central_hamiltonian=0.5 * params.omega * SIGMA_Z,
        bath_hamiltonian=0.5 * params.epsilon * SIGMA_Z,
        central_jumps=((params.kappa, SIGMA_MINUS),),
        bath_jumps=((params.gamma_up, SIGMA_PLUS), (params.gamma_down, SIGMA_MINUS)),
        coupling=((params.g, SIGMA_PLUS, SIGMA_MINUS), (params.g, SIGMA_MINUS, SIGMA_PLUS)),
        coupling_power=0.0,
        name="fowler_wright",
    )
