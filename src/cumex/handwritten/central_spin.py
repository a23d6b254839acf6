"""Hand-written mean-field (order 1) and second-order cumulant (order 2) equations of the central spin model.

Model and conventions (as in :mod:`cumex.models.central_spin`, ħ = 1):

    H = (ω/2) σ0^z + Σ_n [ (ε/2) σn^z + g (σ0^+ σn^- + σ0^- σn^+) ],      n = 1..N
    dρ/dt = -i[H, ρ] + κ D[σ0^-]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ ),
    D[x]ρ = x ρ x† - {x† x, ρ}/2,   Γ_T = Γ↑ + Γ↓,   Γ_Δ = Γ↑ - Γ↓,

with all parameters already concrete (the N-scaling has been applied by ``resolve_parameters``).
Heisenberg equations d⟨A⟩/dt = ⟨i[H, A] + Σ_L γ_L (L† A L - {L† L, A}/2)⟩, derived here by hand
(and checked in the tests against the Lindbladian of N = 3 satellites on product states):

    d⟨σ0^z⟩/dt = -κ(⟨σ0^z⟩ + 1) + 4gN Im⟨σ0^+ σn^-⟩                                   (3)
    d⟨σn^z⟩/dt = -Γ_T ⟨σn^z⟩ + Γ_Δ - 4g Im⟨σ0^+ σn^-⟩                                   (4)
    d⟨σ0^+⟩/dt = (iω - κ/2)⟨σ0^+⟩ - igN ⟨σ0^z σn^+⟩                                     (5)
    d⟨σn^+⟩/dt = (iε - Γ_T/2)⟨σn^+⟩ - ig ⟨σ0^+ σn^z⟩                                     (6)
    d⟨σ0^+σn^-⟩/dt = (i(ω-ε) - (κ+Γ_T)/2)⟨σ0^+σn^-⟩ + (ig/2)(⟨σn^z⟩ - ⟨σ0^z⟩)
                     - ig(N-1)⟨σ0^z σm^+ σn^-⟩                                            (10)
    d⟨σn^+σm^-⟩/dt = -Γ_T ⟨σn^+σm^-⟩ + ig(⟨σ0^- σn^+ σm^z⟩ - ⟨σ0^+ σn^z σm^-⟩)      (n ≠ m)   (11)

The (ig/2)(⟨σn^z⟩ - ⟨σ0^z⟩) term of (10) comes from [σ0^-σn^+, σ0^+σn^-] = P0↓Pn↑ - P0↑Pn↓ =
(σn^z - σ0^z)/2. Equations (3)–(6) and (10) agree with the paper's text. The paper's extracted
eq. (11) is garbled (two lines, one for ⟨σ0^+σn^-⟩ with a "Γ_m" and ⟨σ0^z⟩); our derivation gives
the second line: with the third cumulants set to zero and U(1) symmetry, ⟨σ0^+ σn^z σm^-⟩ ≈
⟨σ0^+σm^-⟩⟨σn^z⟩, so d⟨σn^+σm^-⟩/dt = -Γ_T⟨σn^+σm^-⟩ + 2g⟨σn^z⟩ Im⟨σ0^+σn^-⟩.

Order 1 (mean-field, symmetry-broken): ⟨σ0^α σn^β⟩ ≈ ⟨σ0^α⟩⟨σn^β⟩ in (3)–(6). Unknowns
x = (⟨σ0^z⟩, ⟨σn^z⟩, Re⟨σ0^+⟩, Im⟨σ0^+⟩, Re⟨σn^+⟩, Im⟨σn^+⟩); ⟨σ0^+⟩ and ⟨σn^+⟩ have U(1) charge +1,
so a lasing state rotates at a frequency ν (ν = ω when ω = ε).

Order 2 (U(1)-symmetric): charged moments vanish and the third cumulants are set to zero:
⟨σ0^z σm^+ σn^-⟩ ≈ ⟨σ0^z⟩⟨σn^+σm^-⟩. Unknowns x = (⟨σ0^z⟩, ⟨σn^z⟩, Re⟨σ0^+σn^-⟩,
Im⟨σ0^+σn^-⟩, ⟨σn^+σm^-⟩), the last real by permutation symmetry. At N = 1 the (N-1) term drops and
the equations for the first four unknowns are exact (no moment on three sites exists).

Zeros of the closed equations outside the physical bounds (the order-2 polynomial system has such
spurious roots, e.g. ⟨σ0^z⟩ > 1) are set aside by the steady-state analysis (``admissible``).

Initial state: central spin down (⟨σ0^z⟩ = -1), satellites at their uncoupled steady state
⟨σn^z⟩ = Γ_Δ/Γ_T, correlations zero; mean-field adds the seed ⟨σ0^+⟩ = MEAN_FIELD_SEED = 10^-3
(real) so that the lasing instability can develop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from cumex.errors import CumexInputError
from cumex.models.central_spin import CentralSpinParameters
from cumex.results import MethodResult
from cumex.steady.analysis import analyse
from cumex.steady.system import RealODESystem

__all__ = [
    "MEAN_FIELD_SEED",
    "MEAN_FIELD_NAMES",
    "ORDER2_NAMES",
    "mean_field_system",
    "order2_system",
    "solve_mean_field",
    "solve_order2",
]

#: size of the real symmetry-breaking seed ⟨σ0^+⟩ in the mean-field initial state
MEAN_FIELD_SEED = 1e-3

MEAN_FIELD_NAMES = ["<s0z>", "<snz>", "Re<s0+>", "Im<s0+>", "Re<sn+>", "Im<sn+>"]
ORDER2_NAMES = ["<s0z>", "<snz>", "Re<s0+ sn->", "Im<s0+ sn->", "<sn+ sm->"]


def _check(params: CentralSpinParameters) -> CentralSpinParameters:
    if not isinstance(params, CentralSpinParameters):
        raise CumexInputError("params", params, "a CentralSpinParameters (see cumex.models.central_spin)")
    return params


def _observables(z0: float, zn: float, c_re: float, c_im: float, s: float) -> dict[str, float]:
    return {
        "central_population": 0.5 * (1.0 + z0),
        "sz_central": z0,
        "sz_satellite": zn,
        "corr_central_satellite_re": c_re,
        "corr_central_satellite_im": c_im,
        "corr_satellite_satellite": s,
    }


def _bloch_ball(rng: np.random.Generator, k: int) -> np.ndarray:
    """k points uniform in the Bloch ball, as (⟨σz⟩, Re⟨σ+⟩, Im⟨σ+⟩) with ⟨σ+⟩ = (⟨σx⟩ + i⟨σy⟩)/2."""
    v = rng.normal(size=(k, 3))
    v *= (rng.uniform(size=(k, 1)) ** (1.0 / 3.0)) / np.linalg.norm(v, axis=1, keepdims=True)
    return np.column_stack([v[:, 2], v[:, 0] / 2.0, v[:, 1] / 2.0])


#: slack on the physical bounds, for rounding in states that sit on them (e.g. ⟨σ0^z⟩ = -1)
_BOUND_SLACK = 1e-9


def _mean_field_admissible(x: np.ndarray) -> bool:
    """Each spin's Bloch vector in the unit ball: ⟨σz⟩² + 4|⟨σ+⟩|² ≤ 1."""
    z0, zn, ar, ai, br, bi = x
    return bool(z0**2 + 4 * (ar**2 + ai**2) <= 1 + _BOUND_SLACK and zn**2 + 4 * (br**2 + bi**2) <= 1 + _BOUND_SLACK)


def _order2_admissible(x: np.ndarray) -> bool:
    """|⟨σ0^z⟩|, |⟨σn^z⟩|, |⟨σ0^+σn^-⟩|, |⟨σn^+σm^-⟩| ≤ 1 (each is the mean of an operator of norm 1)."""
    z0, zn, cr, ci, s = x
    return bool(max(abs(z0), abs(zn), np.hypot(cr, ci), abs(s)) <= 1 + _BOUND_SLACK)


def _meta(params: CentralSpinParameters, order: int, variant: str) -> dict[str, object]:
    return {"model": "central_spin", "order": order, "variant": variant, "source": "handwritten", **params.as_dict()}


def mean_field_system(params: CentralSpinParameters) -> RealODESystem:
    """Mean-field equations (3)–(6) with ⟨σ0^α σn^β⟩ ≈ ⟨σ0^α⟩⟨σn^β⟩, as a symmetry-broken RealODESystem."""
    p = _check(params)
    N, w, e, g, k = p.N, p.omega, p.epsilon, p.g, p.kappa
    gT, gD = p.gamma_T, p.gamma_delta

    def rhs(x: np.ndarray) -> np.ndarray:
        z0, zn, ar, ai, br, bi = x
        im_ab = ai * br - ar * bi  # Im(⟨σ0^+⟩⟨σn^-⟩)
        return np.array([
            -k * (1.0 + z0) + 4.0 * g * N * im_ab,
            -gT * zn + gD - 4.0 * g * im_ab,
            -0.5 * k * ar - w * ai + g * N * z0 * bi,
            w * ar - 0.5 * k * ai - g * N * z0 * br,
            -0.5 * gT * br - e * bi + g * zn * ai,
            e * br - 0.5 * gT * bi - g * zn * ar,
        ])

    def jacobian(x: np.ndarray) -> np.ndarray:
        z0, zn, ar, ai, br, bi = x
        gN = g * N
        return np.array([
            [-k, 0.0, -4 * gN * bi, 4 * gN * br, 4 * gN * ai, -4 * gN * ar],
            [0.0, -gT, 4 * g * bi, -4 * g * br, -4 * g * ai, 4 * g * ar],
            [gN * bi, 0.0, -0.5 * k, -w, 0.0, gN * z0],
            [-gN * br, 0.0, w, -0.5 * k, -gN * z0, 0.0],
            [0.0, g * ai, 0.0, g * zn, -0.5 * gT, -e],
            [0.0, -g * ar, -g * zn, 0.0, e, -0.5 * gT],
        ])

    def observables(x: np.ndarray) -> dict[str, float]:
        z0, zn, ar, ai, br, bi = (float(v) for v in x)
        # ⟨σ0^+⟩⟨σn^-⟩ and |⟨σn^+⟩|²: mean-field has no connected correlations
        return _observables(z0, zn, ar * br + ai * bi, ai * br - ar * bi, br * br + bi * bi)

    def sample_states(rng: np.random.Generator, count: int) -> np.ndarray:
        c, s = _bloch_ball(rng, count), _bloch_ball(rng, count)
        return np.column_stack([c[:, 0], s[:, 0], c[:, 1], c[:, 2], s[:, 1], s[:, 2]])

    G = np.zeros((6, 6))
    for re, im in ((2, 3), (4, 5)):  # ⟨σ0^+⟩ and ⟨σn^+⟩ carry charge +1
        G[im, re], G[re, im] = 1.0, -1.0
    return RealODESystem(
        names=list(MEAN_FIELD_NAMES),
        rhs=rhs,
        jacobian=jacobian,
        observables=observables,
        initial_state=np.array([-1.0, gD / gT, MEAN_FIELD_SEED, 0.0, 0.0, 0.0]),
        sample_states=sample_states,
        rotation=G,
        admissible=_mean_field_admissible,
        meta=_meta(p, 1, "broken"),
    )


def order2_system(params: CentralSpinParameters) -> RealODESystem:
    """Second-order U(1)-symmetric cumulant equations (3), (4), (10), (11) as a RealODESystem."""
    p = _check(params)
    N, g, k = p.N, p.g, p.kappa
    gT, gD = p.gamma_T, p.gamma_delta
    delta = p.omega - p.epsilon
    half_K = 0.5 * (k + gT)

    def rhs(x: np.ndarray) -> np.ndarray:
        z0, zn, cr, ci, s = x
        return np.array([
            -k * (1.0 + z0) + 4.0 * g * N * ci,
            -gT * zn + gD - 4.0 * g * ci,
            -half_K * cr - delta * ci,
            delta * cr - half_K * ci + 0.5 * g * (zn - z0) - g * (N - 1) * z0 * s,
            -gT * s + 2.0 * g * zn * ci,
        ])

    def jacobian(x: np.ndarray) -> np.ndarray:
        z0, zn, cr, ci, s = x
        return np.array([
            [-k, 0.0, 0.0, 4.0 * g * N, 0.0],
            [0.0, -gT, 0.0, -4.0 * g, 0.0],
            [0.0, 0.0, -half_K, -delta, 0.0],
            [-0.5 * g - g * (N - 1) * s, 0.5 * g, delta, -half_K, -g * (N - 1) * z0],
            [0.0, 2.0 * g * ci, 0.0, 2.0 * g * zn, -gT],
        ])

    def observables(x: np.ndarray) -> dict[str, float]:
        return _observables(*(float(v) for v in x))

    def sample_states(rng: np.random.Generator, count: int) -> np.ndarray:
        # moments of phase-averaged product states: physical and U(1)-symmetric
        c, s = _bloch_ball(rng, count), _bloch_ball(rng, count)
        a = c[:, 1] + 1j * c[:, 2]
        b = s[:, 1] + 1j * s[:, 2]
        ab = a * np.conj(b)
        return np.column_stack([c[:, 0], s[:, 0], ab.real, ab.imag, np.abs(b) ** 2])

    return RealODESystem(
        names=list(ORDER2_NAMES),
        rhs=rhs,
        jacobian=jacobian,
        observables=observables,
        initial_state=np.array([-1.0, gD / gT, 0.0, 0.0, 0.0]),
        sample_states=sample_states,
        rotation=None,
        admissible=_order2_admissible,
        meta=_meta(p, 2, "u1"),
    )


def solve_mean_field(
    params: CentralSpinParameters,
    settings: Mapping[str, object] | None = None,
    guesses: Sequence[np.ndarray] = (),
) -> MethodResult:
    """Every mean-field steady state, its stability and the physical one (see :func:`cumex.steady.analyse`)."""
    return analyse(mean_field_system(params), settings, guesses)


def solve_order2(
    params: CentralSpinParameters,
    settings: Mapping[str, object] | None = None,
    guesses: Sequence[np.ndarray] = (),
) -> MethodResult:
    """Every second-order (U(1)) steady state, its stability and the physical one."""
    return analyse(order2_system(params), settings, guesses)
