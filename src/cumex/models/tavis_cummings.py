"""The driven-dissipative Tavis–Cummings model (Fowler-Wright et al. 2023, Fig. 3b and S2d), as data.

One cavity mode a and N identical two-level emitters n = 1..N (ħ = 1):

    H = ω a†a + Σ_n [ (ε/2) σn^z + g (a† σn^- + a σn^+) ]
    dρ/dt = −i[H, ρ] + κ D[a]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ ),   D[x]ρ = xρx† − {x†x, ρ}/2

κ is the photon loss rate, Γ↑, Γ↓ the emitter population rates, Γ_T = Γ↑ + Γ↓, pump ratio r = Γ↑/Γ_T.
U(1): a → e^{−iθ} a, σ^- → e^{−iθ} σ^- (charge a: −1, σ^-: −1). Scalings with N:

    fixed_g_sqrtN   g = g_sqrtN / √N   (the figures: g√N = 9/10)
    fixed_gN        g = gN / N
    none            g fixed

Defaults (the paper's figures): ε = ω = κ = 1, Γ_T = 1/2, r = 3/4. Headline observable: the scaled photon
number ⟨a†a⟩/N. Cumulant orders count operators (⟨a†a⟩ is second order, ⟨a†a σ^+σ^-⟩ fourth), which for
spin-½ sites is the site count of the central-spin model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cumex.models.spec import Axis, FigureSpec, Model, ObservableInfo, Quantity, Scaling
from cumex.models.tavis_cummings_operators import TAVIS_CUMMINGS

__all__ = ["MODEL"]

_G = Quantity("g", 0.9 / math.sqrt(10.0), "cavity-emitter coupling g")


def _concrete(p: Mapping[str, float]) -> dict[str, float]:
    return {"N": p["N"], "omega": p["omega"], "epsilon": p["epsilon"], "g": p["g"], "kappa": p["kappa"],
            "gamma_up": p["pump_ratio"] * p["gamma_T"], "gamma_down": (1.0 - p["pump_ratio"]) * p["gamma_T"]}


def _cost(method: str, point: Mapping[str, float]) -> tuple[float, float]:
    """(seconds, MB) of one point; exact measured in benchmarks/exact_tavis_cummings.py (a rough fit)."""
    N = float(point["N"])
    if method == "exact":
        return 0.1 + 2e-5 * N**3, 400 + 0.05 * N**2
    return 0.5, 500


MODEL = Model(
    name="tavis_cummings",
    title="driven-dissipative Tavis-Cummings model (Fowler-Wright et al. 2023, Fig. 3b)",
    description=__doc__ or "",
    axes=(
        Axis("N", "a number of emitters", integer=True, minimum=1, default=10, label=r"number of emitters $N$", symbol="N"),
        Axis("pump_ratio", "a pump ratio Gamma_up / Gamma_T", minimum=0.0, maximum=1.0, default=0.75, list_key="pump_ratios",
             label=r"pump ratio $\Gamma_\uparrow/\Gamma_T$", symbol=r"\Gamma_\uparrow/\Gamma_T"),
    ),
    parameters=(
        Quantity("omega", 1.0, "cavity frequency omega"),
        Quantity("epsilon", 1.0, "emitter splitting epsilon"),
        Quantity("kappa", 1.0, "photon loss rate kappa", minimum=0.0, exclusive=True),
        Quantity("gamma_T", 0.5, "total emitter rate Gamma_up + Gamma_down", minimum=0.0, exclusive=True),
    ),
    scalings=(
        Scaling("fixed_g_sqrtN", "g = g_sqrtN / sqrt(N) (Fig. 3b: g sqrt(N) = 9/10)",
                (Quantity("g_sqrtN", 0.9, "g * sqrt(N) under fixed_g_sqrtN"),), lambda p: {"g": p["g_sqrtN"] / math.sqrt(p["N"])}),
        Scaling("fixed_gN", "g = gN / N", (Quantity("gN", 0.9, "g * N under fixed_gN"),), lambda p: {"g": p["gN"] / p["N"]}),
        Scaling("none", "g fixed", (_G,)),
    ),
    concrete=_concrete,
    concrete_parameters=(
        Quantity("omega", 1.0, "cavity frequency omega"),
        Quantity("epsilon", 1.0, "emitter splitting epsilon"),
        Quantity("g", 0.28, "cavity-emitter coupling g (after scaling with N)"),
        Quantity("kappa", 1.0, "photon loss rate kappa"),
        Quantity("gamma_up", 0.375, "emitter pump rate Gamma_up"),
        Quantity("gamma_down", 0.125, "emitter loss rate Gamma_down"),
    ),
    observables=(
        ObservableInfo("photon_number_per_N", "scaled photon number <a^dagger a>/N", label=r"$\langle a^\dagger a\rangle/N$"),
        ObservableInfo("photon_number", "photon number <a^dagger a>"),
        ObservableInfo("sz_satellite", "emitter polarisation <sigma_n^z>"),
        ObservableInfo("corr_photon_satellite_re", "Re <a^dagger sigma_n^->"),
        ObservableInfo("corr_photon_satellite_im", "Im <a^dagger sigma_n^->"),
        ObservableInfo("corr_satellite_satellite", "<sigma_n^+ sigma_m^-> for n != m"),
        ObservableInfo("photon_number_variance", "photon-number variance <(a^dagger a)^2> - <a^dagger a>^2"),
    ),
    headline="photon_number_per_N",
    engines={
        "exact": "cumex.engines:EXACT_TAVIS_CUMMINGS",
        "1": "cumex.engines:MEAN_FIELD_TAVIS_CUMMINGS",
        "cumulant": "cumex.engines:CUMULANTS",
    },
    max_order=6,
    figures=(
        FigureSpec("convergence", "series", x="N", x_transform="inverse", caption=(
            "Scaled photon number <a^dagger a>/N against 1/N at the pump ratio of the title, a panel per scaling, a line "
            "per method (mean-field MF, cumulant order M = CM); exact results are dots. Compare Fowler-Wright et al., "
            "PRL 2023, Fig. 3(b).")),
        FigureSpec("error", "error", x="N", caption="Absolute error of <a^dagger a>/N of each approximate method against N."),
        FigureSpec("pump_ratio", "series", x="pump_ratio", caption="<a^dagger a>/N against the pump ratio at fixed N."),
        FigureSpec("stability", "map", x="N", y="pump_ratio", caption=(
            "Number of linearly stable steady states over N and the pump ratio, a row per scaling, a column per method.")),
    ),
    figure_defaults={"pump_ratio": 0.75, "N": None},
    operators=TAVIS_CUMMINGS,
    cost=_cost,
)
