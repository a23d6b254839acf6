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
        "sx_central": Observable("P", (), "re", 2.0),  # τ^x = τ^+ + τ^-: 2 Re⟨τ^+⟩
        "sy_central": Observable("P", (), "im", 2.0),  # τ^y = −i(τ^+ − τ^-): 2 Im⟨τ^+⟩
        "sz_satellite": Observable("I", ("Z",)),
        "corr_central_satellite_re": Observable("P", ("M",), "re"),
        "corr_central_satellite_im": Observable("P", ("M",), "im"),
    },
    initial_sites=_initial_sites,
)

_G0 = Quantity("g0", 4.0, "the coupling constant g0 of g = g0/sqrt(N) or g0/N", units="omega_x")

def symmetric_dimension(N: float) -> int:
    """Elements of the permutation-symmetric space without U(1): 4 C(N + 3, 3) (central 2x2 times the bath's)."""
    return 4 * math.comb(int(N) + 3, 3)


def _steady_cost(label: str, axes: Mapping[str, float]) -> tuple[float, float]:
    """(seconds, MB) of one point's steady state. Exact: a sparse LU on the symmetric space, fitted to fresh
    processes on this project's 2-core machine (N = 15, 25, 35: 2.6 s / 212 MB, 4.2 s / 414 MB, 16 s /
    1126 MB at load ~1; memory ~ D^1.44, time ~ D^2 for D = 4 C(N + 3, 3)). Cumulant orders: small."""
    if label != "exact" or not math.isfinite(axes.get("N", 10)):
        return 5.0, 250.0
    d = symmetric_dimension(axes.get("N", 10)) / 13104  # D at N = 25
    return 2.5 + 2.0 * d**2.0, 170.0 + 244.0 * d**1.44


def _dynamics_cost(label: str, axes: Mapping[str, float]) -> tuple[float, float]:
    """(seconds, MB) of evolving one point over Carollo's window (t = 4, 801 times). Exact: Krylov steps
    on the sparse generator, memory linear in D (the generator and the Krylov basis), fitted to
    benchmarks/dynamics.py (N = 80: 36.5 s; N = 150: 342 s, 3.65 GB; load 13-22, so times are generous)."""
    if label != "exact" or not math.isfinite(axes.get("N", 10)):
        return 10.0, 250.0
    dim = symmetric_dimension(axes.get("N", 10))
    return 2.5 + 36.5 * (dim / 367_524) ** 1.21, 170.0 + 1.49e-3 * dim


MODEL = Model(
    name="driven_central_spin",
    title="Carollo's driven central spin (PRL 2023, Fig. 2)",
    description=__doc__ or "",
    axes=(Axis("N", "a number of bath spins", integer=True, minimum=1, default=10, allow_infinite=True,
               label=r"number of bath spins $N$", symbol="N"),),
    parameters=(
        Quantity("omega_x", 1.0, "transverse field omega_x on the central spin", units="omega_x"),
        Quantity("omega_y", 0.0, "field omega_y on the central spin", units="omega_x"),
        Quantity("omega_z", 0.5, "longitudinal field omega_z on the central spin", units="omega_x"),
        Quantity("gamma_up_central", 0.8, "central gain rate", units="omega_x", minimum=0.0),
        Quantity("gamma_down_central", 0.1, "central loss rate", units="omega_x", minimum=0.0),
        Quantity("gamma_up", 0.2, "bath pump rate Gamma_up", units="omega_x", minimum=0.0),
        Quantity("gamma_down", 1.0, "bath loss rate Gamma_down", units="omega_x", minimum=0.0),
    ),
    scalings=(
        Scaling("fixed_g_sqrtN", "g = g0 / sqrt(N) (N -> infinity: open Jaynes-Cummings limit)", (_G0,),
                lambda p: {"g": p["g0"] / math.sqrt(p["N"])}, limit="jaynes_cummings",
                shown=((r"g\sqrt{N}", lambda d: d["g"] * d["N"] ** 0.5),)),
        Scaling("fixed_gN", "g = g0 / N (N -> infinity: the central spin alone)", (_G0,),
                lambda p: {"g": p["g0"] / p["N"]}, limit="mean_field",
                shown=(("gN", lambda d: d["g"] * d["N"]),)),
    ),
    concrete=lambda p: {k: p[k] for k in ("N", "omega_x", "omega_y", "omega_z", "g", "gamma_up_central",
                                          "gamma_down_central", "gamma_up", "gamma_down")},
    concrete_parameters=(
        Quantity("omega_x", 1.0, "transverse field omega_x", units="omega_x"),
        Quantity("omega_y", 0.0, "field omega_y", units="omega_x"),
        Quantity("omega_z", 0.5, "longitudinal field omega_z", units="omega_x"),
        Quantity("g", 1.26, "coupling g (after scaling with N)", units="omega_x"),
        Quantity("gamma_up_central", 0.8, "central gain rate", units="omega_x"),
        Quantity("gamma_down_central", 0.1, "central loss rate", units="omega_x"),
        Quantity("gamma_up", 0.2, "bath pump rate", units="omega_x"),
        Quantity("gamma_down", 1.0, "bath loss rate", units="omega_x"),
    ),
    observables=(
        ObservableInfo("sz_central", "central spin polarisation <tau^z>", label=r"$\langle\tau^z\rangle$"),
        ObservableInfo("central_population", "central spin excited-state population (1 + <tau^z>)/2"),
        ObservableInfo("sx_central", "<tau^x>"),
        ObservableInfo("sy_central", "<tau^y>"),
        ObservableInfo("sz_satellite", "bath spin polarisation <sigma_k^z>"),
        ObservableInfo("quadrature_mean", "bath quadrature q_N = sqrt(2) Re<S^-> / sqrt(|eps| N)",
                       label=r"$\langle q_N\rangle$"),
        ObservableInfo("quadrature_variance", "variance of the bath quadrature Q_N"),
        ObservableInfo("quadrature_central4", "fourth moment <Q_N^4> of the centred quadrature Q_N = q_N - <q_N>",
                       label=r"$\langle Q_N^4\rangle$", long_name="fourth central moment of the bath quadrature"),
        ObservableInfo("quadrature_cumulant4", "fourth cumulant <Q_N^4> - 3<Q_N^2>^2 of Q_N (0 for a Gaussian state)",
                       label=r"$\langle Q_N^4\rangle - 3\langle Q_N^2\rangle^2$"),
        ObservableInfo("corr_central_satellite_re", "Re <tau^+ sigma_k^->"),
        ObservableInfo("corr_central_satellite_im", "Im <tau^+ sigma_k^->"),
    ),
    headline="sz_central",
    energy_units="omega_x",
    time_units="1/omega_x",
    cost=_steady_cost,
    dynamics_cost=_dynamics_cost,
    engines={
        "exact": "cumex.engines:EXACT_SYMMETRIC",
        "cumulant": "cumex.engines:CUMULANTS",
        "limit": "cumex.engines:LIMIT",
    },
    max_order=6,
    figures=(
        FigureSpec("convergence", "series", x="N", x_transform="inverse", caption=(
            "<tau^z> of the steady state against N (log N; 1/N with figures.n_axis: inverse_n), a panel per scaling, a "
            "line per method; the exact N -> infinity limit is the marker at N = inf (or 1/N = 0) with its dashed "
            "level (Carollo 2023).")),
        FigureSpec("error", "error", x="N", caption="Absolute error of <tau^z> of each approximate method against N."),
    ),
    dynamics_figures=(
        FigureSpec("traces", "trace", x="time", observables=("sz_central", "quadrature_mean", "quadrature_central4",
                                                              "quadrature_cumulant4"), caption=(
            "Carollo 2023, Fig. 2a-c: <tau^z>(t), the bath quadrature <q_N>(t) (q_N = sqrt(2) Re S^- / sqrt(|eps| N)), "
            "the fourth moment <Q_N^4> of the centred quadrature and its fourth cumulant <Q_N^4> - 3<Q_N^2>^2 (zero for "
            "a Gaussian state), from central spin up with the bath in its own steady state; a line per N, the exact "
            "N -> infinity limit (open Jaynes-Cummings model) dashed.")),
        FigureSpec("deviation", "deviation", x="N", observables=("sz_central", "quadrature_mean", "quadrature_central4"),
                   caption=("Insets of Carollo's Fig. 2: the largest deviation from the N -> infinity limit over the "
                            "time window against N (log-log), with the fitted power law N^s of each method.")),
    ),
    operators=OPERATORS,
)
