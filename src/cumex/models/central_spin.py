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

Defaults elsewhere: ω = ε = 1, Γ_T = 2, r = 0.75. Grid axes: N (satellites) and pump_ratio.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from cumex.errors import CumexInputError
from cumex.models.central_spin_operators import CENTRAL_SPIN
from cumex.models.spec import Axis, FigureSpec, Model, ObservableInfo, Quantity, Scaling

__all__ = [
    "MODEL",
    "CentralSpinParameters",
    "SCALINGS",
    "BASE_DEFAULTS",
    "SCALING_DEFAULTS",
    "resolve_parameters",
    "allowed_overrides",
    "mean_field_threshold",
    "mean_field_population",
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


_G = Quantity("g", 0.75, "central-satellite coupling g", units="omega")
_KAPPA = Quantity("kappa", 1.0, "central spin decay rate kappa", units="omega", minimum=0.0, exclusive=True)

_G_SHOWN = ("g", lambda d: d["g"])
_KAPPA_SHOWN = (r"\kappa", lambda d: d["kappa"])
_G_SQRT_N = (r"g\sqrt{N}", lambda d: d["g"] * d["N"] ** 0.5)
_G_N = ("gN", lambda d: d["g"] * d["N"])
_KAPPA_OVER_N = (r"\kappa/N", lambda d: d["kappa"] / d["N"])

_SCALINGS = (
    Scaling("fixed_g_sqrtN", "g = g_sqrtN / sqrt(N), kappa fixed (Fig. 2a; N -> infinity: open Jaynes-Cummings limit)",
            (Quantity("g_sqrtN", 3.0, "g * sqrt(N) under fixed_g_sqrtN", units="omega"), _KAPPA),
            lambda p: {"g": p["g_sqrtN"] / math.sqrt(p["N"])}, limit="jaynes_cummings", shown=(_G_SQRT_N, _KAPPA_SHOWN)),
    Scaling("fixed_kappa_over_N", "kappa = kappa_over_N * N, g fixed (Figs. 2b-d, 3a)",
            (Quantity("kappa_over_N", 1.0 / 16.0, "kappa / N under fixed_kappa_over_N", units="omega", minimum=0.0, exclusive=True), _G),
            lambda p: {"kappa": p["kappa_over_N"] * p["N"]}, limit="mean_field", shown=(_KAPPA_OVER_N, _G_SHOWN)),
    Scaling("fixed_gN", "g = gN / N, kappa fixed (Carollo 2023: mean-field limit)",
            (Quantity("gN", 3.0, "g * N under fixed_gN", units="omega"), _KAPPA),
            lambda p: {"g": p["gN"] / p["N"]}, limit="mean_field", shown=(_G_N, _KAPPA_SHOWN)),
    Scaling("none", "g and kappa fixed", (_G, _KAPPA), shown=(_G_SHOWN, _KAPPA_SHOWN)),
)

_BASE = (
    Quantity("omega", 1.0, "central spin frequency omega", "omega"),
    Quantity("epsilon", 1.0, "satellite frequency epsilon", "omega"),
    Quantity("gamma_T", 2.0, "total satellite rate Gamma_up + Gamma_down", units="omega", minimum=0.0, exclusive=True),
)

#: Parameters that do not depend on the scaling.
BASE_DEFAULTS: dict[str, float] = {q.name: q.default for q in _BASE}
#: Per scaling: its base parameters and their defaults.
SCALING_DEFAULTS: dict[str, dict[str, float]] = {s.name: {q.name: q.default for q in s.parameters} for s in _SCALINGS}
SCALINGS: tuple[str, ...] = tuple(SCALING_DEFAULTS)


def _concrete(p: Mapping[str, float]) -> dict[str, float]:
    return {
        "N": p["N"], "omega": p["omega"], "epsilon": p["epsilon"], "g": p["g"], "kappa": p["kappa"],
        "gamma_up": p["pump_ratio"] * p["gamma_T"], "gamma_down": (1.0 - p["pump_ratio"]) * p["gamma_T"],
    }


def _validate(p: Mapping[str, float]) -> None:
    if not p["kappa"] > 0:
        raise CumexInputError("set.kappa", p["kappa"], "a decay rate > 0 (after scaling with N)")


def mean_field_threshold(g: float, kappa: float, N: float, gamma_T: float) -> float:
    """Mean-field lasing threshold R_c = (1 + Γ_T κ / (4 g² N)) / 2 at resonance ω = ε (paper eq. 9)."""
    return 0.5 * (1.0 + gamma_T * kappa / (4.0 * g * g * N))


def mean_field_population(pump_ratio, g: float, kappa: float, N: float, gamma_T: float):
    """Closed-form mean-field central population p0 = (1 + z0)/2 at resonance ω = ε (stable branch).

    Mean-field equations (rotating frame, α = <σ0^->, β = <σn^->, z0 = <σ0^z>, zn = <σn^z>):
    dα/dt = i g N z0 β − κα/2, dβ/dt = i g zn α − Γ_T β/2, dz0/dt = 4gN Im(α*β) − κ(1 + z0),
    dzn/dt = −4g Im(α*β) + Γ_Δ − Γ_T zn. Below R_c (:func:`mean_field_threshold`) the normal state
    α = β = 0, z0 = −1 is the steady state: p0 = 0. Above it the lasing state has z0 zn = −c with
    c = Γ_T κ/(4g²N), and κ(1 + z0)/N = Γ_Δ − Γ_T zn, i.e. k z0² + (k − Γ_Δ) z0 − Γ_T c = 0 (k = κ/N,
    Γ_Δ = Γ_T(2r − 1)); its negative root, z0 = −2Γ_T c / ((Γ_Δ − k) + √((Γ_Δ − k)² + 4kΓ_T c)), equals −1
    at r = R_c and is the branch continuous with the normal state. Depends on N only through κ/N and g²N.
    """
    import numpy as np

    r = np.asarray(pump_ratio, dtype=float)
    k = kappa / N
    c = gamma_T * kappa / (4.0 * g * g * N)
    delta = gamma_T * (2.0 * r - 1.0)
    z0 = -2.0 * gamma_T * c / ((delta - k) + np.sqrt((delta - k) ** 2 + 4.0 * k * gamma_T * c))
    return np.where(r > mean_field_threshold(g, kappa, N, gamma_T), 0.5 * (1.0 + z0), 0.0)


def _threshold_line(ax, panel, fixed: Mapping[str, float]) -> None:
    """The mean-field threshold R_c of the panel's parameters as a dashed line (or a note that it is off
    the axis), and the closed-form mean-field population over the whole axis (at resonance only)."""
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
                             lambda r: mean_field_population(np.clip(r, 0.0, 1.0), g, kappa, N, gamma_T))


def _cost(method: str, point: Mapping[str, float]) -> tuple[float, float]:
    """(seconds, MB) of one point on one core, the largest measured where it depends on more than N (the
    workflow's job requests use the per-point estimates of cumex.exact.memory instead). Exact ("auto", whole
    solves in fresh processes, load 0.5–1.6, 2026-12-02; benchmarks/exact_scaling.py): at lasing points of
    fixed κ/N, 0.73 GB / 11 s at N = 2000 (the ladder, r = 0.75), 1.3 GB / 30 s at 4000 (the Dicke route,
    r = 0.7), 2.7 GB / 59 s at 10,000 and 5.2 GB / 139 s at 20,000 (r = 0.75), i.e. 200 + 0.25 N MB and
    60 (N/10⁴)^1.2 s (elsewhere up to 10× less). Cumulant order
    M at N = 30 (``cumex solve``, CPU s with ~2.5 s of imports, load ~9): 3.0 (M = 6), 6.0 (10), 24 (12), and
    wall 58 s (13), 158 s (14): the analysis grows ~2.6× per order beyond M ≈ 10."""
    N = float(point["N"])
    if method == "exact":
        return 0.5 + 60.0 * (N / 1e4) ** 1.2, 200 + 0.25 * N
    if method in ("1", "limit"):  # the limit solves a few-mode problem: as cheap as mean-field
        return 0.5, 600
    M = int(method.split("_")[0])
    return 0.3 + 0.002 * M**3 + 2.3e-4 * 2.6**M, 600


MODEL = Model(
    name="central_spin",
    title="open central spin model (Fowler-Wright et al. 2023)",
    description=__doc__ or "",
    axes=(
        Axis("N", "a number of satellite spins", integer=True, minimum=1, default=10, allow_infinite=True,
             label=r"number of satellites $N$", symbol="N"),
        Axis("pump_ratio", "a pump ratio Gamma_up / Gamma_T", minimum=0.0, maximum=1.0, default=0.75, list_key="pump_ratios",
             label=r"pump ratio $\Gamma_\uparrow/\Gamma_T$", symbol=r"\Gamma_\uparrow/\Gamma_T"),
    ),
    parameters=_BASE,
    scalings=_SCALINGS,
    concrete=_concrete,
    concrete_parameters=(
        Quantity("omega", 1.0, "central spin frequency omega", units="omega"),
        Quantity("epsilon", 1.0, "satellite frequency epsilon", units="omega"),
        Quantity("g", 0.75, "central-satellite coupling g (after scaling with N)", units="omega"),
        Quantity("kappa", 1.0, "central spin decay rate kappa (after scaling with N)", units="omega"),
        Quantity("gamma_up", 1.5, "satellite pump rate Gamma_up", units="omega"),
        Quantity("gamma_down", 0.5, "satellite loss rate Gamma_down", units="omega"),
    ),
    observables=(
        ObservableInfo("central_population", "central spin excited-state population (1 + <sigma_0^z>)/2",
                       label=r"central population $p_0^{\uparrow} = (1 + \langle\sigma_0^z\rangle)/2$"),
        ObservableInfo("sz_central", "central spin polarisation <sigma_0^z>"),
        ObservableInfo("sz_satellite", "satellite polarisation <sigma_n^z>"),
        ObservableInfo("corr_central_satellite_re", "Re <sigma_0^+ sigma_n^->"),
        ObservableInfo("corr_central_satellite_im", "Im <sigma_0^+ sigma_n^->"),
        ObservableInfo("corr_satellite_satellite", "<sigma_n^+ sigma_m^-> for n != m"),
    ),
    headline="central_population",
    energy_units="omega",
    time_units="1/omega",
    engines={
        "exact": "cumex.engines:EXACT_CENTRAL_SPIN",
        "1": "cumex.engines:HANDWRITTEN_CENTRAL_SPIN",
        "2": "cumex.engines:HANDWRITTEN_CENTRAL_SPIN",
        "cumulant": "cumex.engines:CUMULANTS",
        "limit": "cumex.engines:LIMIT",
    },
    max_order=14,
    state_slots=8,
    figures=(
        FigureSpec("convergence", "series", x="N", x_transform="inverse", caption=(
            r"Central-spin population :math:`p_0^\uparrow = (1 + \langle\sigma_0^z\rangle)/2` against :math:`N` at "
            "the pump ratio given in the title, one panel per scaling of the parameters with :math:`N`, one line per "
            "method (mean-field MF, cumulant expansion of order M = CM); exact results are dots. :math:`N` is on a log "
            "axis where it spans more than a decade, the :math:`N \\to \\infty` value (the exact limit, or a "
            "mean-field line independent of :math:`N` where the limit is mean-field) a star at the tick "
            ":math:`\\infty` beyond the axis break, with a dashed level; with ``figures.n_axis: inverse_n`` (or a "
            "narrower span) against :math:`1/N`, :math:`N \\to \\infty` on the left. "
            "Crosses on the lower edge mark grid points whose solve failed. Compare Fowler-Wright et al., PRL 2023, Fig. 2(a, b).")),
        FigureSpec("error", "error", x="N", caption=(
            r"Absolute error :math:`|p_0^\uparrow - p_0^{\uparrow,\mathrm{exact}}|` of each approximate method against "
            "the number of satellites :math:`N` (log axes), at the pump ratio given in the title, one panel per scaling. Crosses "
            "on the lower edge mark points where the method or the exact solve failed. Compare Fowler-Wright et al., "
            "PRL 2023, Fig. 2(d).")),
        FigureSpec("pump_ratio", "series", x="pump_ratio", decoration="threshold", caption=(
            r"Central-spin population :math:`p_0^\uparrow` against the pump ratio :math:`\Gamma_\uparrow/\Gamma_T` at "
            "the fixed :math:`N` given in the title, one panel per scaling, one line per method (exact: dots, or a "
            "line when densely sampled). The dashed grey line is the mean-field threshold "
            r":math:`R_c = (1 + \Gamma_T\kappa/(4g^2N))/2` (at resonance, :math:`\omega = \epsilon`; a note in the "
            "panel when it lies off the axis); below it the mean-field population vanishes. The thin line is the "
            "closed-form mean-field population (stable branch), drawn between the grid's pump ratios too. Compare "
            "Fowler-Wright et al., PRL 2023, Fig. 2(c).")),
        FigureSpec("stability", "map", x="N", y="pump_ratio", caption=(
            "Number of linearly stable steady states found at each grid point of :math:`N` and pump ratio, one row "
            "per scaling and one column per method. A symmetry-broken (lasing) solution has one neutral phase mode, "
            "which does not count as unstable. Hatched cells: the solve failed; white cells: not part of the study.")),
    ),
    dynamics_figures=(
        FigureSpec("traces", "trace", x="time", observables=("central_population", "sz_satellite", "corr_central_satellite_re"),
                   caption=("p0(t), <sigma_n^z>(t) and Re<sigma_0^+ sigma_n^->(t) from central spin down with the satellites "
                            "in their uncoupled steady state: a row per method, a line per N, the N -> infinity limit "
                            "dashed (fixed_g_sqrtN: open Jaynes-Cummings; fixed_gN: the lone central spin).")),
        FigureSpec("deviation", "deviation", x="N", observables=("central_population",), caption=(
            "Largest deviation of p0(t) from the N -> infinity limit over the time window against N (log-log), with the "
            "fitted power law of each method.")),
    ),
    decorations={"threshold": _threshold_line},
    figure_defaults={"pump_ratio": 0.75, "N": None},
    operators=CENTRAL_SPIN,
    default_scaling="fixed_kappa_over_N",
    validate=_validate,
    cost=_cost,
)


def allowed_overrides(scaling: str) -> list[str]:
    """Names a user may set with ``--set NAME=VALUE`` for this scaling."""
    return sorted(MODEL.parameters_of(scaling))


def resolve_parameters(
    N: int,
    scaling: str,
    pump_ratio: float,
    overrides: Mapping[str, float] | None = None,
) -> CentralSpinParameters:
    """Map (N, scaling, pump ratio, overrides) to concrete parameters (:meth:`Model.resolve`).

    Raises :class:`CumexInputError` naming the key and what is allowed for an unknown scaling, an
    override that the scaling does not use, N < 1, a pump ratio outside [0, 1] or a rate ≤ 0.
    """
    return CentralSpinParameters(**MODEL.resolve(scaling, {"N": N, "pump_ratio": pump_ratio}, overrides))  # type: ignore[arg-type]
