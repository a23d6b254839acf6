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

__all__ = ["MODEL", "mean_field_photon_number_per_N", "mean_field_threshold"]

_G = Quantity("g", 0.9 / math.sqrt(10.0), "cavity-emitter coupling g", units="omega")


def _concrete(p: Mapping[str, float]) -> dict[str, float]:
    return {"N": p["N"], "omega": p["omega"], "epsilon": p["epsilon"], "g": p["g"], "kappa": p["kappa"],
            "gamma_up": p["pump_ratio"] * p["gamma_T"], "gamma_down": (1.0 - p["pump_ratio"]) * p["gamma_T"]}


def mean_field_threshold(g: float, kappa: float, N: float, gamma_T: float) -> float:
    """Mean-field lasing threshold in the pump ratio at resonance ω = ε: Γ_Δ/Γ_T > κΓ_T/(4g²N), i.e.
    R_c = (1 + κΓ_T/(4g²N))/2 (Γ_Δ = Γ↑ − Γ↓ = Γ_T(2r − 1))."""
    return 0.5 * (1.0 + kappa * gamma_T / (4.0 * g * g * N))


def mean_field_photon_number_per_N(pump_ratio, g: float, kappa: float, N: float, gamma_T: float):
    """Closed-form mean-field <a†a>/N at resonance ω = ε (stable branch).

    Mean field (α = <a>, β = <σn^->, z = <σn^z>): dα/dt = −i g N β − κα/2, dβ/dt = i g z α − Γ_T β/2
    give a lasing state (α ≠ 0) only with z = κΓ_T/(4g²N); the excitation balance κ<a†a> = N(Γ_Δ − Γ_T z)/2
    then gives <a†a>/N = (Γ_Δ − Γ_T z)/(2κ) above R_c (:func:`mean_field_threshold`), 0 below it.
    """
    import numpy as np

    r = np.asarray(pump_ratio, dtype=float)
    z = kappa * gamma_T / (4.0 * g * g * N)
    n = (gamma_T * (2.0 * r - 1.0) - gamma_T * z) / (2.0 * kappa)
    return np.where(r > mean_field_threshold(g, kappa, N, gamma_T), n, 0.0)


def _threshold_line(ax, panel, fixed: Mapping[str, float]) -> None:
    """R_c (or a note that it is off the axis) and the closed-form mean-field <a†a>/N, at resonance only."""
    import numpy as np

    from cumex.plots.closed_form import draw_threshold_and_curve
    from cumex.plots.slicing import first_finite

    def first(name):
        return first_finite(panel[name].values)

    g, kappa, gamma_T = first("g"), first("kappa"), first("gamma_up") + first("gamma_down")
    if not (np.isclose(first("omega"), first("epsilon")) and np.isfinite(g * kappa * gamma_T) and g != 0):
        return
    N = float(fixed["N"])
    draw_threshold_and_curve(ax, mean_field_threshold(g, kappa, N, gamma_T),
                             lambda r: mean_field_photon_number_per_N(np.clip(r, 0.0, 1.0), g, kappa, N, gamma_T))


def _cost(method: str, point: Mapping[str, float]) -> tuple[float, float]:
    """(seconds, MB) of one point. Exact: the (j, m) Dicke-basis GMRES solve with the adaptive Fock, coherence
    and window cutoffs, fitted to benchmarks/exact_tavis_cummings.py (CPU s and peak RSS at load 6-9,
    2026-12-02: N = 20: 2.7 s, 282 MB; 40: 28 s, 1.06 GB; 60: 133 s, 3.4 GB; the fit is within 15 %)."""
    N = float(point["N"])
    if method == "exact":
        return 0.5 + 6.7e-5 * N**3.55, 170 + 0.0098 * N**3.1
    return 0.5, 500


_KAPPA_SHOWN = (r"\kappa", lambda d: d["kappa"])

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
        Quantity("omega", 1.0, "cavity frequency omega", units="omega"),
        Quantity("epsilon", 1.0, "emitter splitting epsilon", units="omega"),
        Quantity("kappa", 1.0, "photon loss rate kappa", units="omega", minimum=0.0, exclusive=True),
        Quantity("gamma_T", 0.5, "total emitter rate Gamma_up + Gamma_down", units="omega", minimum=0.0, exclusive=True),
    ),
    scalings=(
        Scaling("fixed_g_sqrtN", "g = g_sqrtN / sqrt(N) (Fig. 3b: g sqrt(N) = 9/10)",
                (Quantity("g_sqrtN", 0.9, "g * sqrt(N) under fixed_g_sqrtN", units="omega"),),
                lambda p: {"g": p["g_sqrtN"] / math.sqrt(p["N"])},
                shown=((r"g\sqrt{N}", lambda d: d["g"] * d["N"] ** 0.5), _KAPPA_SHOWN)),
        Scaling("fixed_gN", "g = gN / N", (Quantity("gN", 0.9, "g * N under fixed_gN", units="omega"),),
                lambda p: {"g": p["gN"] / p["N"]}, shown=(("gN", lambda d: d["g"] * d["N"]), _KAPPA_SHOWN)),
        Scaling("none", "g fixed", (_G,), shown=(("g", lambda d: d["g"]), _KAPPA_SHOWN)),
    ),
    concrete=_concrete,
    concrete_parameters=(
        Quantity("omega", 1.0, "cavity frequency omega", units="omega"),
        Quantity("epsilon", 1.0, "emitter splitting epsilon", units="omega"),
        Quantity("g", 0.28, "cavity-emitter coupling g (after scaling with N)", units="omega"),
        Quantity("kappa", 1.0, "photon loss rate kappa", units="omega"),
        Quantity("gamma_up", 0.375, "emitter pump rate Gamma_up", units="omega"),
        Quantity("gamma_down", 0.125, "emitter loss rate Gamma_down", units="omega"),
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
    energy_units="omega",
    time_units="1/omega",
    engines={
        "exact": "cumex.engines:EXACT_TAVIS_CUMMINGS",
        "1": "cumex.engines:MEAN_FIELD_TAVIS_CUMMINGS",
        "cumulant": "cumex.engines:CUMULANTS",
    },
    max_order=6,
    figures=(
        FigureSpec("convergence", "series", x="N", x_transform="inverse", caption=(
            "Scaled photon number <a^dagger a>/N against N (log N, or 1/N with figures.n_axis: inverse_n) at the "
            "pump ratio of the title, a panel per scaling, a line "
            "per method (mean-field MF, cumulant order M = CM); exact results are dots. Compare Fowler-Wright et al., "
            "PRL 2023, Fig. 3(b).")),
        FigureSpec("error", "error", x="N", caption="Absolute error of <a^dagger a>/N of each approximate method against N."),
        FigureSpec("pump_ratio", "series", x="pump_ratio", decoration="threshold", caption=(
            "<a^dagger a>/N against the pump ratio at fixed N; the dashed grey line is the mean-field threshold "
            "R_c = (1 + kappa Gamma_T/(4 g^2 N))/2 and the thin line the closed-form mean-field <a^dagger a>/N "
            "(at resonance omega = epsilon; a note in the panel when R_c is off the axis).")),
        FigureSpec("stability", "map", x="N", y="pump_ratio", caption=(
            "Number of linearly stable steady states over N and the pump ratio, a row per scaling, a column per method.")),
    ),
    figure_defaults={"pump_ratio": 0.75, "N": None},
    decorations={"threshold": _threshold_line},
    operators=TAVIS_CUMMINGS,
    cost=_cost,
)
