"""The open central spin model of Fowler-Wright et al. (2023), as data.

One central spin-1/2 (site 0) couples to N identical satellite spin-1/2 (sites n = 1..N):

    H = (ω/2) σ0^z + Σ_n [ (ε/2) σn^z + g (σ0^+ σn^- + σ0^- σn^+) ]

    dρ/dt = -i[H, ρ] + κ D[σ0^-]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ ),
    D[x]ρ = x ρ x† - {x† x, ρ}/2                                      (ħ = 1)

so κ, Γ↑ and Γ↓ are population rates (a single excited central spin decays as e^{-κ t}).
Derived rates: Γ_T = Γ↑ + Γ↓, Γ_Δ = Γ↑ - Γ↓, pump ratio r = Γ↑ / Γ_T.
The model is invariant under σ^± → e^{±iθ} σ^± on every site (a U(1) symmetry; the conserved
charge is the total excitation number of ket minus bra).

Scalings with N (each maps N and base parameters to concrete g and κ):

    fixed_g_sqrtN       g = g_sqrtN / √N,    κ fixed          (Fig. 2a: g_sqrtN = 3, κ = 1)
    fixed_kappa_over_N  κ = kappa_over_N · N, g fixed          (Fig. 2b, 2c: κ/N = 1/16, g = 3/4)
    fixed_gN            g = gN / N,          κ fixed          (Carollo 2023 mean-field scaling)
    none                g and κ fixed

Defaults elsewhere: ω = ε = 1, Γ_T = 2, r = 0.75.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Mapping

from cumex.errors import CumexInputError

__all__ = [
    "CentralSpinParameters",
    "SCALINGS",
    "BASE_DEFAULTS",
    "SCALING_DEFAULTS",
    "resolve_parameters",
    "allowed_overrides",
]


@dataclass(frozen=True)
class CentralSpinParameters:
    """Concrete parameters of one central-spin grid point (rates as in the module docstring)."""

    N: int
    omega: float
    epsilon: float
    g: float
    kappa: float
    gamma_up: float
    gamma_down: float

    @property
    def gamma_T(self) -> float:
        return self.gamma_up + self.gamma_down

    @property
    def gamma_delta(self) -> float:
        return self.gamma_up - self.gamma_down

    @property
    def pump_ratio(self) -> float:
        return self.gamma_up / self.gamma_T

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


#: Parameters that do not depend on the scaling.
BASE_DEFAULTS: dict[str, float] = {"omega": 1.0, "epsilon": 1.0, "gamma_T": 2.0}

#: Per scaling: its base parameters and their defaults.
SCALING_DEFAULTS: dict[str, dict[str, float]] = {
    "fixed_g_sqrtN": {"g_sqrtN": 3.0, "kappa": 1.0},
    "fixed_kappa_over_N": {"kappa_over_N": 1.0 / 16.0, "g": 0.75},
    "fixed_gN": {"gN": 3.0, "kappa": 1.0},
    "none": {"g": 0.75, "kappa": 1.0},
}


def _g_kappa(scaling: str, N: int, p: Mapping[str, float]) -> tuple[float, float]:
    if scaling == "fixed_g_sqrtN":
        return p["g_sqrtN"] / math.sqrt(N), p["kappa"]
    if scaling == "fixed_kappa_over_N":
        return p["g"], p["kappa_over_N"] * N
    if scaling == "fixed_gN":
        return p["gN"] / N, p["kappa"]
    return p["g"], p["kappa"]


SCALINGS: tuple[str, ...] = tuple(SCALING_DEFAULTS)


def allowed_overrides(scaling: str) -> list[str]:
    """Names a user may set with ``--set NAME=VALUE`` for this scaling."""
    return sorted({*BASE_DEFAULTS, *SCALING_DEFAULTS[scaling]})


def resolve_parameters(
    N: int,
    scaling: str,
    pump_ratio: float,
    overrides: Mapping[str, float] | None = None,
) -> CentralSpinParameters:
    """Map (N, scaling, pump ratio, overrides) to concrete parameters.

    Raises :class:`CumexInputError` naming the key and what is allowed for an unknown scaling, an
    override that the scaling does not use, N < 1, a pump ratio outside [0, 1] or a rate ≤ 0.
    """
    if scaling not in SCALING_DEFAULTS:
        raise CumexInputError("scaling", scaling, f"one of {', '.join(SCALINGS)}")
    if isinstance(N, bool) or not isinstance(N, int) or N < 1:
        raise CumexInputError("N", N, "an integer >= 1")
    pump_ratio = float(pump_ratio)
    if not 0.0 <= pump_ratio <= 1.0:
        raise CumexInputError("pump_ratio", pump_ratio, "a number in [0, 1]")
    params = {**BASE_DEFAULTS, **SCALING_DEFAULTS[scaling]}
    for key, value in (overrides or {}).items():
        if key not in params:
            raise CumexInputError(
                f"set.{key}", value, f"a parameter of scaling {scaling!r}: {', '.join(allowed_overrides(scaling))}"
            )
        try:
            params[key] = float(value)
        except (TypeError, ValueError):
            raise CumexInputError(f"set.{key}", value, "a real number") from None
        if not math.isfinite(params[key]):
            raise CumexInputError(f"set.{key}", value, "a finite real number")
    if params["gamma_T"] <= 0:
        raise CumexInputError("set.gamma_T", params["gamma_T"], "a number > 0")
    g, kappa = _g_kappa(scaling, N, params)
    if kappa <= 0:
        raise CumexInputError("set.kappa", kappa, "a decay rate > 0 (after scaling with N)")
    return CentralSpinParameters(
        N=N,
        omega=params["omega"],
        epsilon=params["epsilon"],
        g=g,
        kappa=kappa,
        gamma_up=pump_ratio * params["gamma_T"],
        gamma_down=(1.0 - pump_ratio) * params["gamma_T"],
    )
