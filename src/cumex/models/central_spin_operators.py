"""The open central spin model as operator data for the cumulant engine (:mod:`cumex.cumulants`).

    H = (ω/2) σ0^z + Σ_n [ (ε/2) σn^z + g (σ0^+ σn^- + σ0^- σn^+) ]
    dρ/dt = -i[H, ρ] + κ D[σ0^-]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ ),   D[x]ρ = xρx† - {x†x, ρ}/2

(see :mod:`cumex.models.central_spin` for the parameters and their scalings with N; N enters the
engine as the number of satellites). Parameter names match ``CentralSpinParameters`` fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from cumex.operators.many_to_one import HamiltonianTerm, Jump, ManyToOneModel, Observable
from cumex.operators.polynomial import Poly

__all__ = ["CENTRAL_SPIN", "central_spin_model"]

_HALF = Fraction(1, 2)


def _initial_sites(p: Mapping[str, float]) -> tuple[dict[str, complex], dict[str, complex]]:
    """Central spin down; satellites at their uncoupled steady state ⟨σz⟩ = Γ_Δ/Γ_T, ⟨σ+⟩ = 0."""
    gamma_t = p["gamma_up"] + p["gamma_down"]
    return {"Z": -1.0, "P": 0.0}, {"Z": (p["gamma_up"] - p["gamma_down"]) / gamma_t, "P": 0.0}


def central_spin_model() -> ManyToOneModel:
    g = Poly.symbol("g")
    return ManyToOneModel(
        name="central_spin",
        parameters=("omega", "epsilon", "g", "kappa", "gamma_up", "gamma_down"),
        hamiltonian=(
            HamiltonianTerm(Poly.symbol("omega", _HALF), "Z", "I"),
            HamiltonianTerm(Poly.symbol("epsilon", _HALF), "I", "Z"),
            HamiltonianTerm(g, "P", "M"),
            HamiltonianTerm(g, "M", "P"),
        ),
        jumps=(
            Jump("kappa", "central", "M"),
            Jump("gamma_up", "satellite", "P"),
            Jump("gamma_down", "satellite", "M"),
        ),
        observables={
            "central_population": Observable("Z", (), "re", 0.5, 0.5),
            "sz_central": Observable("Z", ()),
            "sz_satellite": Observable("I", ("Z",)),
            "corr_central_satellite_re": Observable("P", ("M",), "re"),
            "corr_central_satellite_im": Observable("P", ("M",), "im"),
            "corr_satellite_satellite": Observable("I", ("P", "M"), "re"),
        },
        initial_sites=_initial_sites,
    )


CENTRAL_SPIN: ManyToOneModel = central_spin_model()
