"""Carollo's driven central spin (PRL 131, 227102 (2023), eqs. 1-2 and Fig. 2), as data.

A central spin-1/2 (Pauli matrices τ^a) and N bath spins-1/2 (σ_k), S^± = Σ_k σ_k^±, ħ = 1:

    H = ω_x τ^x + ω_y τ^y + ω_z τ^z + g (τ^+ S^- + τ^- S^+)
    dρ/dt = −i[H, ρ] + γ↑ D[τ^+]ρ + γ↓ D[τ^-]ρ + Σ_k ( Γ↑ D[σ_k^+]ρ + Γ↓ D[σ_k^-]ρ ),   D[x]ρ = xρx† − {x†x, ρ}/2

Defaults are his Fig. 2: ω_x = 1, ω_y = 0, ω_z = 0.5, g0 = 4, γ↑ = 0.8, γ↓ = 0.1, Γ↑ = 0.2, Γ↓ = 1. Where the
text is ambiguous: H_τ is written Σ_a ω_a τ^a with no factor 1/2 and Fig. 2 has no ω_y (we take 0); the
figure gives "g/γ = 4", which with g = g0/√N can only mean g0 = 4. Scalings with N:

    fixed_g_sqrtN   g = g0 / √N   (N → ∞: an open Jaynes–Cummings model of τ and a bath boson, cumex.limits)
    fixed_gN        g = g0 / N    (N → ∞: the central spin alone, the bath in its own steady state)

The transverse drive ω_x τ^x breaks the U(1) symmetry: the exact engine uses the whole permutation-symmetric
space (4·C(N+3, 3) elements, cumex.exact.symmetric) and cumulant orders exist only as M_broken.
Initial state (dynamics and the physical state): central spin up, every bath spin in its own steady state
⟨σ^z⟩ = (Γ↑ − Γ↓)/(Γ↑ + Γ↓). The bath quadrature is q_N = √2 Re⟨S^-⟩/√(|ε|N), ε = (Γ↑ − Γ↓)/(Γ↑ + Γ↓).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cumex.models.spec import Axis, FigureSpec, Model, ObservableInfo, Quantity, Scaling
from cumex.operators.many_to_one import HamiltonianTerm, Jump, ManyToOneModel, Observable
from cumex.operators.polynomial import Poly

__all__ = ["MODEL", "OPERATORS"]


def _initial_sites(p: Mapping[str, float]) -> tuple[dict[str, complex], dict[str, complex]]:
    """Central spin up; bath spins at their uncoupled steady state."""
    return {"Z": 1.0, "P": 0.0}, {"Z": (p["gamma_up"] - p["gamma_down"]) / (p["gamma_up"] + p["gamma_down"]), "P": 0.0}


_g = Poly.symbol("g")
OPERATORS = ManyToOneModel(
    name="driven_central_spin",
    parameters=("omega_x", "omega_y", "omega_z", "g", "gamma_up_central", "gamma_down_central", "gamma_up", "gamma_down"),
    hamiltonian=(
        # ω_x τ^x = ω_x (τ^+ + τ^-), ω_y τ^y = −i ω_y (τ^+ − τ^-)
        HamiltonianTerm(Poly.symbol("omega_x") + Poly.symbol("omega_y", 0, -1), "P", "I"),
        HamiltonianTerm(Poly.symbol("omega_x") + Poly.symbol("omega_y", 0, 1), "M", "I"),
        HamiltonianTerm(Poly.symbol("omega_z"), "Z", "I"),
        HamiltonianTerm(_g, "P", "M"),
        HamiltonianTerm(_g, "M", "P"),
    ),
    jumps=(
        Jump("gamma_up_central", "central", "P"),
        Jump("gamma_down_central", "central", "M"),
        Jump("gamma_up", "satellite", "P"),
        Jump("gamma_down", "satellite", "M"),
    ),
    observables={
        "central_population": Observable("Z", (), "re", 0.5, 0.5),
        "sz_central": Observable("Z", ()),
        "sz_satellite": Observable("I", ("Z",)),
        "corr_central_satellite_re": Observable("P", ("M",), "re"),
        "corr_central_satellite_im": Observable("P", ("M",), "im"),
    },
    initial_sites=_initial_sites,
)

_G0 = Quantity("g0", 4.0, "the coupling constant g0 of g = g0/sqrt(N) or g0/N")

MODEL = Model(
    name="driven_central_spin",
    title="Carollo's driven central spin (PRL 2023, Fig. 2)",
    description=__doc__ or "",
    axes=(Axis("N", "a number of bath spins", integer=True, minimum=1, default=10, allow_infinite=True,
               label=r"number of bath spins $N$", symbol="N"),),
    parameters=(
        Quantity("omega_x", 1.0, "transverse field omega_x on the central spin"),
        Quantity("omega_y", 0.0, "field omega_y on the central spin"),
        Quantity("omega_z", 0.5, "longitudinal field omega_z on the central spin"),
        Quantity("gamma_up_central", 0.8, "central gain rate", minimum=0.0),
        Quantity("gamma_down_central", 0.1, "central loss rate", minimum=0.0),
        Quantity("gamma_up", 0.2, "bath pump rate Gamma_up", minimum=0.0),
        Quantity("gamma_down", 1.0, "bath loss rate Gamma_down", minimum=0.0),
    ),
    scalings=(
        Scaling("fixed_g_sqrtN", "g = g0 / sqrt(N) (N -> infinity: open Jaynes-Cummings limit)", (_G0,),
                lambda p: {"g": p["g0"] / math.sqrt(p["N"])}, limit="jaynes_cummings"),
        Scaling("fixed_gN", "g = g0 / N (N -> infinity: the central spin alone)", (_G0,),
                lambda p: {"g": p["g0"] / p["N"]}, limit="mean_field"),
    ),
    concrete=lambda p: {k: p[k] for k in ("N", "omega_x", "omega_y", "omega_z", "g", "gamma_up_central",
                                          "gamma_down_central", "gamma_up", "gamma_down")},
    concrete_parameters=(
        Quantity("omega_x", 1.0, "transverse field omega_x"), Quantity("omega_y", 0.0, "field omega_y"),
        Quantity("omega_z", 0.5, "longitudinal field omega_z"), Quantity("g", 1.26, "coupling g (after scaling with N)"),
        Quantity("gamma_up_central", 0.8, "central gain rate"), Quantity("gamma_down_central", 0.1, "central loss rate"),
        Quantity("gamma_up", 0.2, "bath pump rate"), Quantity("gamma_down", 1.0, "bath loss rate"),
    ),
    observables=(
        ObservableInfo("sz_central", "central spin polarisation <tau^z>", label=r"$\langle\tau^z\rangle$"),
        ObservableInfo("central_population", "central spin excited-state population (1 + <tau^z>)/2"),
        ObservableInfo("sx_central", "<tau^x>"),
        ObservableInfo("sy_central", "<tau^y>"),
        ObservableInfo("sz_satellite", "bath spin polarisation <sigma_k^z>"),
        ObservableInfo("quadrature_mean", "bath quadrature q_N = sqrt(2) Re<S^-> / sqrt(|eps| N)"),
        ObservableInfo("quadrature_variance", "variance of the bath quadrature Q_N"),
        ObservableInfo("quadrature_cumulant4", "fourth cumulant of Q_N (0 for a Gaussian state)"),
        ObservableInfo("corr_central_satellite_re", "Re <tau^+ sigma_k^->"),
        ObservableInfo("corr_central_satellite_im", "Im <tau^+ sigma_k^->"),
    ),
    headline="sz_central",
    engines={
        "exact": "cumex.engines:EXACT_SYMMETRIC",
        "cumulant": "cumex.engines:CUMULANTS",
        "limit": "cumex.engines:LIMIT",
    },
    max_order=6,
    figures=(
        FigureSpec("convergence", "series", x="N", x_transform="inverse", caption=(
            "<tau^z> of the steady state against 1/N, a panel per scaling, a line per method; the exact N -> infinity "
            "limit is the marker at 1/N = 0 with its dashed level (Carollo 2023).")),
        FigureSpec("error", "error", x="N", caption="Absolute error of <tau^z> of each approximate method against N."),
    ),
    operators=OPERATORS,
)
