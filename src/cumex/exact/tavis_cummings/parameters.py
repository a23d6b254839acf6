"""Concrete parameters of the driven-dissipative Tavis–Cummings model (one grid point).

One cavity mode a couples to N identical two-level emitters n = 1..N (ħ = 1):

    H = ω a†a + Σ_n [ (ε/2) σn^z + g (a† σn^- + a σn^+) ]

    dρ/dt = −i[H, ρ] + κ D[a]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ ),    D[x]ρ = x ρ x† − {x†x, ρ}/2

so κ is the photon loss rate (one photon decays as e^{−κt}) and Γ↑, Γ↓ are emitter population rates;
Γ_T = Γ↑ + Γ↓, pump ratio r = Γ↑/Γ_T, and the uncoupled emitter steady state has ⟨σ^z⟩ = (Γ↑ − Γ↓)/Γ_T.
The model is invariant under a → e^{−iθ} a, σn^- → e^{−iθ} σn^- (U(1); conserved: ket minus bra
excitation number a†a + Σ_n (σn^z + 1)/2).

Scalings with N used in Fowler-Wright et al. 2023 (Fig. 3b, Fig. S2d): fixed_g_sqrtN (g = g_sqrtN/√N,
g_sqrtN = 9/10), fixed_gN (g = gN/N) and none (g fixed); there ε = ω = κ = 1, Γ_T = 1/2, r = 3/4.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from cumex.errors import CumexInputError

__all__ = ["TavisCummingsParameters", "figure_parameters"]


@dataclass(frozen=True)
class TavisCummingsParameters:
    """N emitters, cavity frequency ω, emitter splitting ε, coupling g and the rates of the module docstring."""

    N: int
    omega: float
    epsilon: float
    g: float
    kappa: float
    gamma_up: float
    gamma_down: float

    def __post_init__(self) -> None:
        if isinstance(self.N, bool) or not isinstance(self.N, int) or self.N < 1:
            raise CumexInputError("N", self.N, "an integer >= 1 (a number of emitters)")
        for key in ("omega", "epsilon", "g", "kappa", "gamma_up", "gamma_down"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise CumexInputError(key, value, "a finite real number")
        if not self.kappa > 0:
            raise CumexInputError("kappa", self.kappa, "a photon loss rate > 0")
        if self.gamma_up < 0 or self.gamma_down < 0 or not self.gamma_T > 0:
            raise CumexInputError("gamma_up, gamma_down", (self.gamma_up, self.gamma_down), "rates >= 0, not both 0")

    @property
    def gamma_T(self) -> float:
        return self.gamma_up + self.gamma_down

    @property
    def pump_ratio(self) -> float:
        return self.gamma_up / self.gamma_T

    @property
    def sz_uncoupled(self) -> float:
        """⟨σ^z⟩ of an emitter without the cavity: (Γ↑ − Γ↓)/Γ_T."""
        return (self.gamma_up - self.gamma_down) / self.gamma_T

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def figure_parameters(
    N: int,
    scaling: str = "fixed_g_sqrtN",
    pump_ratio: float = 0.75,
    *,
    coupling: float | None = None,
    omega: float = 1.0,
    epsilon: float = 1.0,
    kappa: float = 1.0,
    gamma_T: float = 0.5,
) -> TavisCummingsParameters:
    """Parameters of Fig. 3b at N: ``coupling`` is g√N (default 9/10), gN or g for the three scalings."""
    if not 0.0 <= pump_ratio <= 1.0:
        raise CumexInputError("pump_ratio", pump_ratio, "a number in [0, 1]")
    if scaling == "fixed_g_sqrtN":
        g = (0.9 if coupling is None else coupling) / math.sqrt(N)
    elif scaling == "fixed_gN":
        g = (0.9 if coupling is None else coupling) / N
    elif scaling == "none":
        g = 0.9 if coupling is None else coupling
    else:
        raise CumexInputError("scaling", scaling, "one of fixed_g_sqrtN, fixed_gN, none")
    return TavisCummingsParameters(
        N=N, omega=omega, epsilon=epsilon, g=g, kappa=kappa,
        gamma_up=pump_ratio * gamma_T, gamma_down=(1.0 - pump_ratio) * gamma_T,
    )
