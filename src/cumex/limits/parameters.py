"""Parameters of the two models served by :mod:`cumex.limits`, read at the public edge.

``central_spin`` (Fowler-Wright et al., :mod:`cumex.models.central_spin`): keys ``pump_ratio`` (default
0.75) and the overrides that :func:`cumex.models.central_spin.resolve_parameters` accepts for the scaling.
They are checked by resolving at N = 1, where every scaling's concrete g and κ equal its N-independent
constants (g_sqrtN, kappa_over_N, gN).

``driven_central_spin`` (Carollo, PRL 131, 227102 (2023), eqs. 1–2):

    H = ω_x τ^x + ω_y τ^y + ω_z τ^z + g (τ^+ S^- + τ^- S^+),   τ^α Pauli matrices (no factor 1/2: the paper
        writes H_τ = Σ_α w_α τ_α),   g = g0/√N (``fixed_g_sqrtN``) or g = g0/N (``fixed_gN``),
    dρ/dt = −i[H, ρ] + γ↑ D[τ^+]ρ + γ↓ D[τ^-]ρ + Σ_k ( Γ↑ D[σ_k^+]ρ + Γ↓ D[σ_k^-]ρ ).

Defaults are the paper's Fig. 2 (in units of its reference rate γ): γ↑ = 0.8, γ↓ = 0.1, Γ↑ = 0.2, Γ↓ = 1,
w_x = 2 w_z = 1 (so ω_x = 1, ω_z = 0.5), no ω_y term, and "g/γ = 4", which with g = g0/√N can only mean
g0 = 4. The bath has no Hamiltonian of its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cumex.errors import CumexInputError
from cumex.models.central_spin import CentralSpinParameters, resolve_parameters

__all__ = ["MODELS", "CAROLLO_DEFAULTS", "CAROLLO_SCALINGS", "LIMIT_KIND", "check_model_scaling", "central_spin_base",
           "carollo_parameters"]

MODELS = ("central_spin", "driven_central_spin")

CAROLLO_DEFAULTS: dict[str, float] = {
    "omega_x": 1.0, "omega_y": 0.0, "omega_z": 0.5, "g0": 4.0,
    "gamma_up_central": 0.8, "gamma_down_central": 0.1, "gamma_up": 0.2, "gamma_down": 1.0,
}
CAROLLO_SCALINGS = ("fixed_g_sqrtN", "fixed_gN")

#: (model, scaling) -> kind of N → ∞ limit
LIMIT_KIND: dict[tuple[str, str], str] = {
    ("central_spin", "fixed_g_sqrtN"): "jaynes_cummings",
    ("central_spin", "fixed_gN"): "mean_field",
    ("central_spin", "fixed_kappa_over_N"): "mean_field",
    ("driven_central_spin", "fixed_g_sqrtN"): "jaynes_cummings",
    ("driven_central_spin", "fixed_gN"): "mean_field",
}


def check_model_scaling(model_name: str, scaling: str) -> str:
    """The kind of limit of (model, scaling); CumexInputError where there is none."""
    if model_name not in MODELS:
        raise CumexInputError("model", model_name, f"one of {', '.join(MODELS)}")
    if (model_name, scaling) not in LIMIT_KIND:
        allowed = [s for (m, s) in LIMIT_KIND if m == model_name]
        raise CumexInputError("scaling", scaling, f"a scaling with an N -> infinity limit for {model_name}: "
                              f"{', '.join(allowed)} (with g and kappa fixed the coupling grows without bound)")
    return LIMIT_KIND[(model_name, scaling)]


def central_spin_base(scaling: str, params: Mapping[str, float]) -> tuple[CentralSpinParameters, float]:
    """(parameters resolved at N = 1, pump ratio): g and κ there are the scaling's N-independent constants."""
    rest = dict(params)
    pump_ratio = rest.pop("pump_ratio", 0.75)
    return resolve_parameters(1, scaling, pump_ratio, rest), float(pump_ratio)


def carollo_parameters(params: Mapping[str, float]) -> dict[str, float]:
    """Defaults updated by ``params``; CumexInputError for an unknown key, a non-finite value or a rate < 0."""
    out = dict(CAROLLO_DEFAULTS)
    for key, value in params.items():
        if key not in out:
            raise CumexInputError(f"set.{key}", value, f"a parameter of driven_central_spin: {', '.join(out)}")
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            raise CumexInputError(f"set.{key}", value, "a real number") from None
        if not math.isfinite(out[key]):
            raise CumexInputError(f"set.{key}", value, "a finite real number")
        if key.startswith("gamma") and out[key] < 0:
            raise CumexInputError(f"set.{key}", value, "a rate >= 0")
    return out
