"""The LMG dimer of Kothe & Kirton (2025), as data: parameters, defaults and their validation.

Two collective spins of length S: A is dissipative (loses excitations), B is driven (gains them),

    H = H_LMG^A + H_LMG^B + H_PT,     H_LMG = -J Sx²/S - g Sz,
    H_PT = λ (S_A^+ S_B^- + S_A^- S_B^+) / (2S) = λ (S_A^x S_B^x + S_A^y S_B^y) / S,

    dρ/dt = -i[H, ρ] + (γ/S) ( D[S_A^-]ρ + D[S_B^+]ρ ),   D[x]ρ = x ρ x† - {x† x, ρ}/2   (ħ = 1).

With these scalings the mean-field equations for the normalised moments X = ⟨Sx⟩/S, ... do not depend
on S (see :mod:`cumex.lmg.meanfield`); S only matters for the exact solver (Hilbert space (2S+1)²).
Defaults follow the paper's figures: g = 1 (the energy unit), γ = 0.5 g, S = 4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from cumex.errors import CumexInputError

__all__ = ["LMGDimerParameters", "DEFAULTS", "PARAMETER_NAMES", "resolve_parameters"]

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
