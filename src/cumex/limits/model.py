"""The open Jaynes–Cummings model that a central spin system becomes as N → ∞ at g = g_sqrtN/√N.

Finite-N model (one central spin τ, N bath spins σ_k, ħ = 1, D[x]ρ = xρx† − {x†x, ρ}/2):

    H   = h_x τ^x + h_y τ^y + h_z τ^z + Σ_k (ε_b/2) σ_k^z + g (τ^+ S^- + τ^- S^+),   S^± = Σ_k σ_k^±
    dρ/dt = −i[H, ρ] + γ↑ D[τ^+]ρ + γ↓ D[τ^-]ρ + Σ_k ( Γ↑ D[σ_k^+]ρ + Γ↓ D[σ_k^-]ρ ),   g = g_sqrtN/√N.

Limit (Carollo, PRL 131, 227102 (2023), eqs. 5–9, extended here to an inverted bath and a bath field ε_b):
the bath spins keep their own steady product state Ω_SS (Lemma 1), with polarisation

    p = ⟨σ_k^z⟩ = (Γ↑ − Γ↓)/(Γ↑ + Γ↓)    (Carollo's ε = −p > 0 for Γ↑ < Γ↓),

and the central spin couples only to the fluctuation operator S^∓/√(|p|N), which becomes a boson b because
[S^-, S^+]/N = −m_z → −p (law of large numbers on Ω_SS). For p < 0 (uninverted bath) b = S^-/√(|p|N);
for p > 0 (inverted bath, pump ratio > 1/2) [S^-, S^+] has the other sign, so the annihilator is
b = S^+/√(|p|N). The limit is a spin ⊗ boson Lindblad equation

    H̃ = h_x τ^x + h_y τ^y + h_z τ^z + ω_b b†b + λ C,     λ = g_sqrtN √|p|,
        C = τ^+ b + τ^- b†   (p < 0),    C = τ^+ b† + τ^- b   (p > 0, counter-rotating: g τ^+ S^- = λ τ^+ b†),
    dρ/dt = −i[H̃, ρ] + γ↑ D[τ^+]ρ + γ↓ D[τ^-]ρ + κ_loss D[b]ρ + κ_gain D[b†]ρ.

Rates, derived from the bath dissipators' action on the fluctuations (Heisenberg picture, one site:
n = σ^+σ^-, d n = −Γ_T n + Γ↑, d σ^- = −(Γ_T/2)σ^-, Γ_T = Γ↑ + Γ↓; distinct sites factorise):

    p < 0:  d b = −(Γ_T/2) b,   d b†b = −Γ_T b†b + Γ↑/|p|
            ⇒ κ_loss − κ_gain = Γ_T, κ_gain = Γ↑/|p|, hence κ_loss = Γ↓/|p|, κ_gain = Γ↑/|p|;
    p > 0:  b†b = S^-S^+/(|p|N), d(1 − n) = −Γ_T(1 − n) + Γ↓
            ⇒ κ_loss = Γ↑/|p|, κ_gain = Γ↓/|p|.

(Carollo writes κ↓ = Γ_+ + Γ↑/ε, which equals Γ↓/ε.) These also reproduce d b² = −Γ_T b², so the quadratic
map is fixed. The bath field gives i[(ε_b/2)Σσ^z, σ^∓] = ∓iε_b σ^∓, hence ω_b = ε_b for p < 0 and ω_b = −ε_b
for p > 0. The bath's own steady state Ω_SS maps to the thermal state of the boson dissipator,
n_th = κ_gain/(κ_loss − κ_gain) = Γ↑/(|p|Γ_T) for p < 0 (Carollo's Proposition 1; its printed
ρ_β = e^{−βω a†a}/(1 − e^{−βω}) has the normalisation inverted: it is (1 − e^{−βω}) e^{−βω a†a}) and
Γ↓/(|p|Γ_T) for p > 0. It is *not* the vacuum. At p = 0 (Γ↑ = Γ↓) the fluctuations are not bosonic: no limit.

Bath quantities in the limit: ⟨σ_k^z⟩ = p; the quadrature q_N = (S^- + S^+)/√(2|p|N) → q = (b + b†)/√2 in
both cases; √N ⟨τ^+σ_k^-⟩ → √|p| ⟨τ^+ b⟩ (p < 0) or √|p| ⟨τ^+ b†⟩ (p > 0); N ⟨σ_k^+σ_l^-⟩ (k ≠ l) →
|p|⟨b†b⟩ − Γ↑/Γ_T (p < 0) or |p|⟨b†b⟩ − Γ↓/Γ_T (p > 0), from ⟨S^+S^-⟩ = N⟨n⟩ + N(N−1)⟨σ_k^+σ_l^-⟩.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from cumex.errors import CumexInputError

__all__ = ["OpenJaynesCummings", "emergent_jaynes_cummings"]


@dataclass(frozen=True)
class OpenJaynesCummings:
    """One central spin τ ⊗ one boson b (master equation in the module docstring)."""

    h_x: float
    h_y: float
    h_z: float
    omega_b: float
    coupling: float
    counter_rotating: bool
    gamma_up_central: float
    gamma_down_central: float
    boson_loss: float
    boson_gain: float
    #: signed bath polarisation p = ⟨σ_k^z⟩ (unchanged at N = ∞)
    polarisation: float
    #: bath population Γ↑/Γ_T
    bath_up_population: float

    @property
    def thermal_occupation(self) -> float:
        """⟨b†b⟩ of the bath's own steady state Ω_SS (stationary state of the boson dissipator alone)."""
        return self.boson_gain / (self.boson_loss - self.boson_gain)

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def _rate(key: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise CumexInputError(key, value, "a finite rate >= 0")
    return value


def emergent_jaynes_cummings(
    *,
    h_x: float,
    h_y: float,
    h_z: float,
    gamma_up_central: float,
    gamma_down_central: float,
    bath_pump: float,
    bath_loss: float,
    bath_frequency: float,
    coupling_sqrtN: float,
) -> OpenJaynesCummings:
    """The N → ∞ open Jaynes–Cummings model of the finite-N model in the module docstring.

    Arguments: the central Hamiltonian h_α τ^α (Pauli matrices, no factor 1/2), the central rates γ↑ (D[τ^+])
    and γ↓ (D[τ^-]), the bath rates Γ↑ = ``bath_pump`` (D[σ_k^+]) and Γ↓ = ``bath_loss`` (D[σ_k^-]), the bath
    field ε_b (H ∋ (ε_b/2) σ_k^z) and g_sqrtN = g√N. Raises CumexInputError when Γ↑ = Γ↓ (no limit).
    """
    for key, value in (("h_x", h_x), ("h_y", h_y), ("h_z", h_z), ("bath_frequency", bath_frequency),
                       ("coupling_sqrtN", coupling_sqrtN)):
        if not math.isfinite(float(value)):
            raise CumexInputError(key, value, "a finite real number")
    up, down = _rate("bath_pump", bath_pump), _rate("bath_loss", bath_loss)
    total = up + down
    if total <= 0:
        raise CumexInputError("bath_pump + bath_loss", total, "a total bath rate > 0")
    p = (up - down) / total
    if abs(p) < 1e-12:
        raise CumexInputError("bath_pump / (bath_pump + bath_loss)", up / total,
                              "a pump ratio != 1/2 (an unpolarised bath has no bosonic fluctuation limit)")
    inverted = p > 0
    return OpenJaynesCummings(
        h_x=float(h_x),
        h_y=float(h_y),
        h_z=float(h_z),
        omega_b=-float(bath_frequency) if inverted else float(bath_frequency),
        coupling=float(coupling_sqrtN) * math.sqrt(abs(p)),
        counter_rotating=inverted,
        gamma_up_central=_rate("gamma_up_central", gamma_up_central),
        gamma_down_central=_rate("gamma_down_central", gamma_down_central),
        boson_loss=(up if inverted else down) / abs(p),
        boson_gain=(down if inverted else up) / abs(p),
        polarisation=p,
        bath_up_population=up / total,
    )
