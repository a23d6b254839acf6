"""Multimode Dicke pattern retrieval (Carollo & Lesanovsky, PRL 2021), as data.

M bosonic modes a_μ couple to N_sp spins-½ through ±1 patterns G_{μ,k} (ħ = 1):

    H = Ω Σ_k σ_x^(k) + Σ_μ Ω_μ a_μ†a_μ + (g0/√N_sp) Σ_{μ,k} G_{μ,k} (a_μ + a_μ†) σ_z^(k),
    dρ/dt = −i[H, ρ] + Σ_μ κ_μ D[a_μ]ρ,   D[x]ρ = xρx† − {x†x, ρ}/2,

Ω_μ = Ω(μ + 2) (μ = 1..M), κ_μ = κ. By the paper's mapping the spins form 2^(M−1) large spins, each coupled
to every mode through f^M (:mod:`cumex.meanfield.multimode_dicke_model`, also the ungauged 2^M mapping);
mean-field (eqs. 7) is exact as N_sp → ∞ and is the only method. The spin lengths are conserved: fixed points
are found on the product of spheres and classified on its tangent space (:mod:`cumex.steady.constrained`);
stable = asymptotically or neutrally stable. Observables: the stationary overlap |ξ_μ| reached from the
state aligned with pattern μ (bosons empty; the paper's Fig. 3a) and the mode occupation |α_μ|² (Fig. 3b,
α = a/√N with N = N_sp/2^(M−1)), for μ = 1..8 (NaN beyond M). Pattern μ is retrieved above
g_crit,μ = √((Ω/(2Ω_μ))(Ω_μ² + κ_μ²/4)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cumex.models.spec import Axis, FigureSpec, Model, ObservableInfo, Quantity, Scaling

__all__ = ["MODEL", "MAX_PATTERNS", "critical_couplings"]

MAX_PATTERNS = 8


def critical_couplings(omega: float, kappa: float, M: int) -> list[float]:
    """g_crit,μ for μ = 1..M (Ω_μ = Ω(μ + 2), κ_μ = κ)."""
    return [math.sqrt(omega / (2 * omega * (mu + 2)) * ((omega * (mu + 2)) ** 2 + kappa**2 / 4)) for mu in range(1, M + 1)]


def _g_crit_lines(ax, panel, fixed: Mapping[str, float]) -> None:
    """Dotted vertical lines at each pattern's critical coupling (from the parameters in the data)."""
    from cumex.plots.slicing import first_finite

    def first(name):
        return first_finite(panel[name].values)

    M = int(fixed.get("M", first("M")))
    for mu, g in enumerate(critical_couplings(first("omega"), first("kappa"), M), 1):
        ax.axvline(g, color="0.5", linestyle=":", linewidth=0.9, label=r"$g_{\mathrm{crit},\mu}$" if mu == 1 else None)


MODEL = Model(
    name="multimode_dicke",
    title="multimode Dicke pattern retrieval (Carollo & Lesanovsky 2021)",
    description=__doc__ or "",
    axes=(
        Axis("g0", "a spin-boson coupling g0", minimum=0.0, default=1.0, label=r"coupling $g_0$", symbol="g_0"),
        Axis("M", "a number of modes and patterns (1..8)", integer=True, minimum=1, maximum=MAX_PATTERNS, default=4,
             label=r"patterns $M$", symbol="M"),
    ),
    parameters=(
        Quantity("omega", 0.5, "spin frequency Omega (the modes: Omega_mu = Omega (mu + 2))", minimum=0.0, exclusive=True),
        Quantity("kappa", 1.0, "mode loss rate kappa_mu (every mode)", minimum=0.0, exclusive=True),
    ),
    scalings=(Scaling("none", "mean-field, exact as N -> infinity: no scaling with N"),),
    concrete=lambda p: {"g0": p["g0"], "M": p["M"], "omega": p["omega"], "kappa": p["kappa"]},
    concrete_parameters=(Quantity("omega", 0.5, "spin frequency Omega"), Quantity("kappa", 1.0, "mode loss rate kappa")),
    observables=(
        ObservableInfo("overlap", "stationary overlap |xi_mu| reached from the state aligned with pattern mu",
                       label=r"overlap $|\xi_\mu|$", dim="pattern", size=MAX_PATTERNS),
        ObservableInfo("mode_occupation", "occupation |alpha_mu|^2 of mode mu reached from the state aligned with pattern mu",
                       label=r"mode occupation $|\alpha_\mu|^2$", dim="mode", size=MAX_PATTERNS),
    ),
    headline="overlap",
    engines={"1": "cumex.engines:MEAN_FIELD_MULTIMODE_DICKE"},
    max_order=1,
    state_slots=16,
    figures=(
        FigureSpec("overlap", "series", x="g0", observable="overlap", lines="pattern", decoration="g_crit", caption=(
            "Stationary overlap |xi_mu| reached from the state aligned with pattern mu against g0, a line per pattern, "
            "with the critical couplings g_crit,mu (dotted); compare Carollo & Lesanovsky 2021, Fig. 3a.")),
        FigureSpec("mode_occupation", "series", x="g0", observable="mode_occupation", lines="mode", decoration="g_crit",
                   caption=("Occupation |alpha_mu|^2 of mode mu reached from the state aligned with pattern mu against g0, "
                            "a line per mode, with g_crit,mu (dotted); compare Carollo & Lesanovsky 2021, Fig. 3b.")),
        FigureSpec("stability", "map", x="g0", y="M", caption=(
            "Number of stable (asymptotically or neutrally) mean-field fixed points over g0 and the number of "
            "patterns M; fixed points are counted on the product of spheres.")),
    ),
    decorations={"g_crit": _g_crit_lines},
    figure_defaults={"M": 4},
    size_axis=None,
    cost=lambda method, point: (60.0, 600.0),
)
