"""The driven-dissipative Tavis–Cummings model as operator data for the cumulant engine (:mod:`cumex.cumulants`).

    H = ω a†a + Σ_n [ (ε/2) σn^z + g (a† σn^- + a σn^+) ]
    dρ/dt = -i[H, ρ] + κ D[a]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ ),   D[x]ρ = xρx† - {x†x, ρ}/2

One cavity mode a (the central site) and N identical two-level emitters (the satellites), as in
Fowler-Wright et al. (Fig. 3b: g√N = 9/10, ε = ω = κ = 1, Γ_T = Γ↑ + Γ↓ = 1/2, Γ↑ = 3Γ_T/4); g√N fixed
gives a well-defined N → ∞ limit. Parameter names: omega, epsilon, g, kappa, gamma_up, gamma_down (values
are taken as given; N is the number of emitters). U(1) symmetry a → e^{-iθ} a, σ^- → e^{-iθ} σ^-.

Mean field (order 1, rotating at ν = (ωΓ_T + εκ)/(κ + Γ_T)): lasing when
Γ_Δ/Γ_T > κΓ_T/(4g²N)·[1 + (2(ω - ε)/(κ + Γ_T))²], with Γ_Δ = Γ↑ - Γ↓; at resonance ⟨σz⟩ = κΓ_T/(4g²N)
and ⟨a†a⟩ = N(Γ_Δ - Γ_T⟨σz⟩)/(2κ) above threshold.

Initial state: cavity empty (⟨a⟩ = 0; the broken variants start from the seed ⟨a⟩ = 10⁻³), emitters at
their uncoupled steady state ⟨σz⟩ = Γ_Δ/Γ_T, no coherence.

Observables: photon_number ⟨a†a⟩, photon_number_per_N ⟨a†a⟩/N, sz_satellite ⟨σn^z⟩,
corr_photon_satellite_re/_im ⟨a†σn^-⟩, corr_satellite_satellite ⟨σn^+σm^-⟩ (n ≠ m), and
photon_number_variance ⟨(a†a)²⟩ - ⟨a†a⟩² = ⟨a†²a²⟩ + ⟨a†a⟩ - ⟨a†a⟩² from order 4 (NaN below: there
⟨a†²a²⟩ would be the closure's Gaussian guess, not a moment of the expansion).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from cumex.operators.many_to_one import HamiltonianTerm, Jump, ManyToOneModel, Observable
from cumex.operators.polynomial import Poly

__all__ = ["TAVIS_CUMMINGS", "tavis_cummings_model", "PARAMETERS"]

PARAMETERS = ("omega", "epsilon", "g", "kappa", "gamma_up", "gamma_down")


def _initial_sites(p: Mapping[str, float]) -> tuple[dict[str, complex], dict[str, complex]]:
    """Cavity in the vacuum; emitters at their uncoupled steady state ⟨σz⟩ = Γ_Δ/Γ_T, ⟨σ+⟩ = 0."""
    gamma_t = p["gamma_up"] + p["gamma_down"]
    return {"a": 0.0}, {"Z": (p["gamma_up"] - p["gamma_down"]) / gamma_t, "P": 0.0}


def tavis_cummings_model() -> ManyToOneModel:
    g = Poly.symbol("g")
    photon = ("Aa", ())
    return ManyToOneModel(
        name="tavis_cummings",
        parameters=PARAMETERS,
        hamiltonian=(
            HamiltonianTerm(Poly.symbol("omega"), "Aa", "I"),
            HamiltonianTerm(Poly.symbol("epsilon", Fraction(1, 2)), "I", "Z"),
            HamiltonianTerm(g, "A", "M"),
            HamiltonianTerm(g, "a", "P"),
        ),
        jumps=(
            Jump("kappa", "central", "a"),
            Jump("gamma_up", "satellite", "P"),
            Jump("gamma_down", "satellite", "M"),
        ),
        observables={
            "photon_number": Observable("Aa", ()),
            "photon_number_per_N": Observable("Aa", (), n_power=-1),
            "sz_satellite": Observable("I", ("Z",)),
            "corr_photon_satellite_re": Observable("A", ("M",), "re"),
            "corr_photon_satellite_im": Observable("A", ("M",), "im"),
            "corr_satellite_satellite": Observable("I", ("P", "M"), "re"),
            "photon_number_variance": Observable(
                "AAaa", (), extra=((1.0, (photon,)), (-1.0, (photon, photon))), min_order=4
            ),
        },
        initial_sites=_initial_sites,
        central="boson",
        default_seed=1e-3,
    )


TAVIS_CUMMINGS: ManyToOneModel = tavis_cummings_model()
