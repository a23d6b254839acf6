"""The open multimode Dicke model of Carollo & Lesanovsky (PRL 2021) as data: parameters, the
large-spin mapping f^M and the closed forms of the pattern-retrieval transition (eqs. 10-12).

Model (ħ = 1; N_sp spin-1/2, M bosonic modes; the paper's eqs. 1-2 written as a master equation):

    H = Ω Σ_k σ_x^(k) + Σ_μ Ω_μ a_μ† a_μ + (g0/√N_sp) Σ_μ Σ_k G_{μ,k} (a_μ + a_μ†) σ_z^(k),
    dρ/dt = -i[H, ρ] + Σ_μ κ_μ D[a_μ]ρ,        D[x]ρ = x ρ x† - {x† x, ρ}/2,

with patterns G_{μ,k} = ±1 drawn independently with equal probability; κ_μ is the loss rate of the
amplitude-squared (⟨n_μ⟩ decays at κ_μ, ⟨a_μ⟩ at κ_μ/2). Modes and patterns are labelled μ = 1..M as
in the paper (its sums run over μ = 1..M), so the default Ω_μ = Ω(μ + 2) gives Ω_1 = 3Ω, ..., Ω_M = (M + 2)Ω.

Mapping to large spins (paper Fig. 2 and supplement Fig. S1). Spins with the same column
(G_{1,k}, ..., G_{M,k}) couple identically to every mode; as N_sp → ∞ each of the 2^M columns holds
N_sp/2^M spins. ``ungauged``: these 2^M groups are the large spins, group k (k = 0..2^M-1) has
f_{μ,k} = +1 if bit (M-μ) of k is 0 else -1 (row μ = 1 is the most significant bit: all +1 first, as in
Fig. S1). ``gauge_reduced``: the gauge transformation σ_z → -σ_z (a π rotation about x, which leaves
Ω σ_x unchanged) on the spins with G_{1,k} = -1 makes row 1 all +1, merging the groups k and
its complement: 2^(M-1) groups of N = N_sp/2^(M-1) spins, f_{1,k} = 1 and rows μ = 2..M the bits of
k (most significant first), as in Fig. 2. In both, H_int = (g/√N) Σ_{μ,k} f_{μ,k}(a_μ + a_μ†) S_{z,k} with
N the group size and g = g0 √(N/N_sp) (= g0/√(2^(M-1)) for gauge_reduced, the paper's eq. 3). The rows
of f are orthogonal: Σ_k f_{μ,k} f_{ν,k} = n_groups δ_{μν} (supplement eq. S26).

Closed forms (derived in :mod:`cumex.meanfield.multimode_dicke_equations`; they agree with eqs. 10-12):
a state aligned with pattern ν, m_{z,k} = f_{ν,k}|z|, m_{y,k} = 0, is stationary with
m_{x,k} = -Ω D_ν/(2 g0² Ω_ν), D_ν = Ω_ν² + κ_ν²/4, so on the unit sphere

    |z|² = 1 - (Ω/Ω_ν)² D_ν² / (4 g0⁴)              (eq. 12),
    g_crit,ν = √( (Ω/(2Ω_ν)) D_ν )                  (the g0 where |z| reaches 0),
    |α_ν|² = 2^(M-1) g0² |z|² / D_ν                 (α = a/√N, N = N_sp/2^(M-1): the paper's normalisation).

Typo in the supplement: eq. S28 reads x_k = ±√(s² - |z|); with m_T² = x² + y² + z² = s² and y = 0 it
is x_k = ±√(s² - |z|²) (the following |z|² relation, and eq. 12, use the squared form).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cumex.errors import CumexInputError

__all__ = ["MAPPINGS", "DEFAULTS", "MultimodeDickeParameters", "resolve_parameters", "pattern_matrix",
           "g_crit", "overlap_closed_form", "mode_occupation_closed_form"]

MAPPINGS = ("gauge_reduced", "ungauged")
#: omega_modes None: Ω_μ = Ω(μ + 2), μ = 1..M; kappa a number (all modes) or a list of M rates
DEFAULTS: dict[str, object] = {"M": 4, "omega": 0.5, "omega_modes": None, "kappa": 1.0, "g0": 1.0}


@dataclass(frozen=True)
class MultimodeDickeParameters:
    M: int
    omega: float
    #: Ω_μ for μ = 1..M (index 0 is mode 1)
    omega_modes: tuple[float, ...]
    kappa: tuple[float, ...]
    g0: float

    def as_dict(self) -> dict[str, object]:
        return {"M": self.M, "omega": self.omega, "omega_modes": list(self.omega_modes),
                "kappa": list(self.kappa), "g0": self.g0}


def _positive(key: str, value: object, allow_zero: bool = False) -> float:
    allowed = "a finite real number >= 0" if allow_zero else "a finite real number > 0"
    if isinstance(value, bool):
        raise CumexInputError(key, value, allowed)
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CumexInputError(key, value, allowed) from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise CumexInputError(key, value, allowed)
    return v


def _per_mode(key: str, value: object, M: int) -> tuple[float, ...]:
    if np.ndim(value) == 0:  # type: ignore[arg-type]
        return (_positive(key, value),) * M
    values = list(value)  # type: ignore[call-overload]
    if len(values) != M:
        raise CumexInputError(key, value, f"a number or a list of M = {M} numbers > 0")
    return tuple(_positive(f"{key}[{i}]", v) for i, v in enumerate(values))


def resolve_parameters(params: Mapping[str, object] | None = None) -> MultimodeDickeParameters:
    """Defaults updated by ``params``; raises :class:`CumexInputError` naming the bad key.

    Ω, Ω_μ, κ_μ must be > 0 (the paper's "all rates positive"; the closed forms assume it), g0 ≥ 0."""
    p = dict(DEFAULTS)
    for key, value in (params or {}).items():
        if key not in DEFAULTS:
            raise CumexInputError(key, value, f"a parameter of multimode_dicke: {', '.join(DEFAULTS)}")
        p[key] = value
    M = p["M"]
    if isinstance(M, bool) or not isinstance(M, (int, np.integer)) or not 1 <= int(M) <= 8:
        raise CumexInputError("M", M, "an integer from 1 to 8 (number of modes and patterns)")
    M = int(M)
    omega = _positive("omega", p["omega"])
    modes = p["omega_modes"]
    omega_modes = tuple(omega * (mu + 2) for mu in range(1, M + 1)) if modes is None else _per_mode("omega_modes", modes, M)
    return MultimodeDickeParameters(M, omega, omega_modes, _per_mode("kappa", p["kappa"], M), _positive("g0", p["g0"], True))


def pattern_matrix(M: int, mapping: str = "gauge_reduced") -> np.ndarray:
    """f^M, shape (M, n_groups): +1/-1 coupling of large spin k to mode μ (row μ-1), as described above."""
    if mapping not in MAPPINGS:
        raise CumexInputError("mapping", mapping, " or ".join(MAPPINGS))
    if mapping == "ungauged":
        k = np.arange(2**M)
        return np.array([1 - 2 * ((k >> (M - mu)) & 1) for mu in range(1, M + 1)], dtype=float)
    k = np.arange(2 ** (M - 1))
    rows = [np.ones(len(k))] + [1 - 2 * ((k >> (M - mu)) & 1) for mu in range(2, M + 1)]
    return np.array(rows, dtype=float)


def _D(p: MultimodeDickeParameters) -> np.ndarray:
    return np.asarray(p.omega_modes) ** 2 + (np.asarray(p.kappa) / 2) ** 2


def g_crit(p: MultimodeDickeParameters) -> np.ndarray:
    """g_crit,μ = √((Ω/(2Ω_μ)) (Ω_μ² + κ_μ²/4)) for μ = 1..M (shape (M,))."""
    return np.sqrt(p.omega / (2 * np.asarray(p.omega_modes)) * _D(p))


def overlap_closed_form(p: MultimodeDickeParameters) -> np.ndarray:
    """|ξ_μ| = |z| of eq. 12 for the state aligned with pattern μ, 0 below g_crit,μ (shape (M,))."""
    if p.g0 == 0:
        return np.zeros(p.M)
    z2 = 1.0 - (p.omega / np.asarray(p.omega_modes)) ** 2 * _D(p) ** 2 / (4 * p.g0**4)
    return np.sqrt(np.clip(z2, 0.0, None))


def mode_occupation_closed_form(p: MultimodeDickeParameters) -> np.ndarray:
    """|α_μ|² = 2^(M-1) g0² |z|²/D_μ with α = a/√(N_sp/2^(M-1)), for the state aligned with pattern μ."""
    return 2.0 ** (p.M - 1) * p.g0**2 * overlap_closed_form(p) ** 2 / _D(p)
