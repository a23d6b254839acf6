"""The LMG dimer of Kothe & Kirton (2025), as data: parameters, defaults and their validation.

Two collective spins of length S: A is dissipative (loses excitations), B is driven (gains them),

    H = H_LMG^A + H_LMG^B + H_PT,     H_LMG = -J Sx²/S - g Sz,
    H_PT = λ (S_A^+ S_B^- + S_A^- S_B^+) / (2S) = λ (S_A^x S_B^x + S_A^y S_B^y) / S,

    dρ/dt = -i[H, ρ] + (γ/S) ( D[S_A^-]ρ + D[S_B^+]ρ ),   D[x]ρ = x ρ x† - {x† x, ρ}/2   (ħ = 1).

With these scalings the mean-field equations for the normalised moments X = ⟨Sx⟩/S, ... do not depend
on S (see :mod:`cumex.meanfield.lmg_dimer`): they are the S → ∞ limit, so mean-field points carry S = inf
(``method_axes``); S only matters for the exact solver (Hilbert space (2S+1)², :mod:`cumex.exact.lmg_dimer`).
The figures are Fig. 2 (``stability``: the mean-field stability count over (J, λ) with eqs. 12, 13 and the
Hopf line from ``decorations``) and Fig. 3 (``cuts``: Z_B along cuts, a line per spin length S).
Defaults follow the paper's figures: g = 1 (the energy unit), γ = 0.5 g, S = 4.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cumex.errors import CumexInputError
from cumex.models.spec import Axis, FigureSpec, Model, ObservableInfo, Quantity, Scaling

__all__ = ["MODEL", "LMGDimerParameters", "DEFAULTS", "PARAMETER_NAMES", "resolve_parameters"]

#: user-facing parameter names (``lambda`` is a Python keyword, so the field is ``lam``) and defaults
DEFAULTS: dict[str, float] = {"J": 0.0, "lambda": 0.0, "g": 1.0, "gamma": 0.5, "S": 4.0}
PARAMETER_NAMES: tuple[str, ...] = tuple(DEFAULTS)


@dataclass(frozen=True)
class LMGDimerParameters:
    """Concrete parameters of one LMG-dimer point (conventions in the module docstring)."""

    J: float
    lam: float
    g: float
    gamma: float
    #: spin length, an integer or half-integer >= 1/2 (used by the exact solver only)
    S: float

    def as_dict(self) -> dict[str, float]:
        return {"J": self.J, "lambda": self.lam, "g": self.g, "gamma": self.gamma, "S": self.S}


def _number(key: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CumexInputError(f"set.{key}", value, "a real number") from None
    if not math.isfinite(number):
        raise CumexInputError(f"set.{key}", value, "a finite real number")
    return number


def resolve_parameters(overrides: Mapping[str, object] | None = None) -> LMGDimerParameters:
    """Defaults updated by ``overrides`` (numbers or numeric strings, as given on the command line).

    Raises :class:`CumexInputError` for an unknown name, a non-number, γ ≤ 0, λ < 0, or an S that is
    not a positive integer or half-integer.
    """
    params = dict(DEFAULTS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULTS:
            raise CumexInputError(f"set.{key}", value, f"a parameter of lmg_dimer: {', '.join(PARAMETER_NAMES)}")
        params[key] = _number(key, value)
    if params["gamma"] <= 0:
        raise CumexInputError("set.gamma", params["gamma"], "a rate > 0")
    if params["lambda"] < 0:
        raise CumexInputError("set.lambda", params["lambda"], "a coupling >= 0 (its sign can be gauged away)")
    two_s = 2.0 * params["S"]
    if two_s < 1 or two_s != round(two_s):
        raise CumexInputError("set.S", params["S"], "a spin length 1/2, 1, 3/2, ...")
    return LMGDimerParameters(J=params["J"], lam=params["lambda"], g=params["g"], gamma=params["gamma"], S=params["S"])


def _check_spin_length(p: Mapping[str, float]) -> None:
    if p["lambda"] < 0:
        raise CumexInputError("lambda", p["lambda"], "a coupling >= 0 (its sign can be gauged away)")
    two_s = 2.0 * p["S"]
    if not math.isinf(p["S"]) and (two_s < 1 or two_s != round(two_s)):
        raise CumexInputError("S", p["S"], "a spin length 1/2, 1, 3/2, ... (inf: the mean-field limit)")


def _parameter(ds, name: str, default: float) -> float:
    """A concrete parameter of the panel's data (one value: the study fixes it), else its default."""
    if name not in ds:
        return default
    values = np.asarray(ds[name].values, dtype=float)
    values = values[np.isfinite(values)]
    return float(values[0]) if values.size else default


def _boundaries(ax, panel, fixed) -> None:
    """Eq. 12 (±J_c(λ)), the exact Hopf line λ_H(J) of the normal state and eq. 13 as printed (its
    lowest order in J, drawn for |J| < g/2), from :mod:`cumex.meanfield.lmg_boundaries`."""
    from matplotlib import patheffects

    from cumex.meanfield import lmg_boundaries as bd

    g, gamma = _parameter(panel, "g", 1.0), _parameter(panel, "gamma", 0.5)
    (j_lo, j_hi), (l_lo, l_hi) = ax.get_xlim(), ax.get_ylim()
    lam = np.linspace(max(l_lo, 0.0), l_hi, 400)
    jc = bd.j_critical(lam, g, gamma)
    ax.plot(jc, lam, "k--", lw=1.2, label="eq. 12: $|J| = J_c(\\lambda)$")
    ax.plot(-jc, lam, "k--", lw=1.2)
    J = np.linspace(j_lo, j_hi, 400)
    outline = [patheffects.withStroke(linewidth=2.2, foreground="k")]  # white with a black edge: seen on every colour
    ax.plot(J, bd.lambda_hopf(J, g, gamma), "w-", lw=1.0, path_effects=outline, label="Hopf line of the normal state")
    small = np.abs(J) < 0.5 * g
    ax.plot(J[small], bd.lambda_critical_eq13(J[small], g), "k:", lw=1.5, label="eq. 13 (lowest order in $J$)")
    ax.set_xlim(j_lo, j_hi)
    ax.set_ylim(l_lo, l_hi)


def _scaling_title(ds, scaling: str) -> str:
    return rf"$g = {_parameter(ds, 'g', 1.0):.4g}$, $\gamma = {_parameter(ds, 'gamma', 0.5):.4g}\,g$"


def _cost(method: str, point: Mapping[str, float]) -> tuple[float, float]:
    """(seconds, MB) of one point on one core, with a margin: mean-field integrates up to t_max on
    cycles; exact solves a sparse system of (2S+1)⁴/2 unknowns."""
    if method == "exact":
        if not math.isfinite(float(point["S"])):
            return 0.0, 0.0  # nothing to estimate: the exact solver refuses S = inf (CumexInputError)
        size = (2 * float(point["S"]) + 1) ** 4
        # S = 4 takes up to ~50 s where the ILU-preconditioned iteration falls back to a sparse LU
        return 0.5 + 8e-3 * size, 300 + 0.05 * size
    return 5.0, 300


#: the paper's Fig. 3 cuts: (a) small lambda, (b) J = 0 through the PT transition, (c) lambda through the
#: cycle regions, (d) J inside the LMG phase at lambda = 0
FIG3_CUTS = ({"lambda": 0.2}, {"J": 0.0}, {"lambda": 1.0}, {"J": 1.5})

MODEL = Model(
    name="lmg_dimer",
    title="LMG dimer with PT-symmetric loss and gain (Kothe & Kirton 2025)",
    description=__doc__ or "",
    axes=(
        Axis("J", "an LMG nonlinearity J (in units of g)", units="g", default=0.0, label=r"$J/g$", symbol="J"),
        Axis("lambda", "an inter-spin coupling lambda (in units of g)", units="g", minimum=0.0, default=0.0,
             label=r"$\lambda/g$", symbol=r"\lambda"),
        Axis("S", "a spin length 1/2, 1, 3/2, ... (inf: mean-field, the S -> infinity limit)", minimum=0.5, default=4.0,
             allow_infinite=True, multiple_of=0.5, label=r"spin length $S$", symbol="S"),
    ),
    parameters=(
        Quantity("g", 1.0, "field g (the energy unit)"),
        Quantity("gamma", 0.5, "loss/gain rate gamma", units="g", minimum=0.0, exclusive=True),
    ),
    scalings=(Scaling("none", "parameters fixed; the mean-field equations do not depend on S"),),
    concrete=lambda p: {"J": p["J"], "lambda": p["lambda"], "g": p["g"], "gamma": p["gamma"], "S": p["S"]},
    concrete_parameters=(
        Quantity("g", 1.0, "field g"),
        Quantity("gamma", 0.5, "loss/gain rate gamma", units="g"),
    ),
    observables=(
        ObservableInfo("X_A", "<S_A^x>/S"), ObservableInfo("Y_A", "<S_A^y>/S"),
        ObservableInfo("Z_A", "magnetisation of the lossy spin A, <S_A^z>/S", label=r"$Z_A = \langle S_A^z\rangle/S$"),
        ObservableInfo("X_B", "<S_B^x>/S"), ObservableInfo("Y_B", "<S_B^y>/S"),
        ObservableInfo("Z_B", "magnetisation of the driven spin B, <S_B^z>/S", label=r"$Z_B = \langle S_B^z\rangle/S$"),
        ObservableInfo("purity", "purity Tr rho^2 of the exact steady state"),
    ),
    headline="Z_B",
    engines={"exact": "cumex.engines:LMG_EXACT", "1": "cumex.engines:LMG_MEAN_FIELD"},
    max_order=1,
    # at most 20 fixed points were found on a 17 x 11 survey of the study's (J, lambda) range; stable ones come first
    state_slots=24,
    error_observables=("Z_A", "Z_B"),
    time_units="1/g",
    # mean-field is the S -> infinity limit: its points carry S = inf
    method_axes={"1": {"S": math.inf}},
    figures=(
        FigureSpec("stability", "map", x="J", y="lambda", decoration="boundaries", caption=(
            "Mean-field stability count of the LMG dimer over :math:`(J/g, \\lambda/g)` (Kothe & Kirton 2025, "
            "Fig. 2): colour = number of linearly stable fixed points (the zero modes of the conserved spin "
            "lengths, and at :math:`J = 0` of the rotation about z, do not count). Where none is stable the "
            "trajectory from the seeded normal state reaches a limit cycle (hatched //) or an irregular "
            "attractor (hatched xx). Dashed: eq. 12, :math:`|J| = J_c(\\lambda)`, where the normal state loses "
            "stability to the LMG phases; white: the exact Hopf line of the normal state; dotted: eq. 13 as "
            "printed, its lowest order in :math:`J` (for :math:`\\gamma = g/2`).")),
        FigureSpec("cuts", "series", x="J", y="lambda", observable="Z_B", lines="S", panels=FIG3_CUTS, caption=(
            "Magnetisation :math:`Z_B = \\langle S_B^z\\rangle/S` of the driven spin along cuts through the phase "
            "diagram (Kothe & Kirton 2025, Fig. 3), one panel per cut (the fixed coordinate in its title): "
            "mean-field (:math:`S = \\infty`, a line; on a limit cycle or irregular attractor its time average, "
            "with a band of ± its block standard error) against the exact steady state for each spin length "
            ":math:`S` (dots). Crosses on the lower edge mark solves that failed.")),
    ),
    decorations={"boundaries": _boundaries, "scaling_title": _scaling_title},
    figure_defaults={"S": math.inf},
    size_axis=None,
    validate=_check_spin_length,
    cost=_cost,
)
