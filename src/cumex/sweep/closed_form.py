"""Closed-form steady states of the central spin mean-field equations (order 1), as Newton starts.

Equations (:mod:`cumex.handwritten.central_spin`, eqs. 3–6 with ⟨σ0^α σn^β⟩ ≈ ⟨σ0^α⟩⟨σn^β⟩),
a = ⟨σ0^+⟩, b = ⟨σn^+⟩, z0 = ⟨σ0^z⟩, zn = ⟨σn^z⟩:

    dz0/dt = -κ(1 + z0) + 4gN Im(a b̄),          dzn/dt = -Γ_T zn + Γ_Δ - 4g Im(a b̄),
    da/dt  = (iω - κ/2) a - igN z0 b,           db/dt  = (iε - Γ_T/2) b - ig zn a.

Steady states rotate, a(t) = a e^{iνt}, b(t) = b e^{iνt}. Either a = b = 0 (the normal state
z0 = -1, zn = Γ_Δ/Γ_T), or, from the b equation, b = -ig zn a / (i(ν - ε) + Γ_T/2) and then the a
equation gives (i(ν - ω) + κ/2)(i(ν - ε) + Γ_T/2) = -g²N z0 zn. Its imaginary part fixes
ν = (ωΓ_T + εκ)/(Γ_T + κ), its real part z0 zn = -c with c = [κΓ_T/4 - (ν - ω)(ν - ε)]/(g²N).
With the population balance κ(1 + z0) = N(Γ_Δ - Γ_T zn) this is the quadratic

    (NΓ_T/κ) zn² + (1 - NΓ_Δ/κ) zn - c = 0,

whose roots have product -cκ/(NΓ_T) < 0. Im(a b̄) = (Γ_Δ - Γ_T zn)/(4g) = g zn |a|² (Γ_T/2)/((Γ_T/2)² + (ν - ε)²)
gives |a|², which must be positive: only the positive root zn with zn < Γ_Δ/Γ_T lases (the negative one
has z0 < -1). This is the paper's threshold r > R_c = (1 + Γ_T κ/(4g²N))/2 at ω = ε. The lasing state is
returned in the gauge a real ≥ 0.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["central_spin_mean_field_states", "central_spin_order2_states"]


def central_spin_mean_field_states(params: Mapping[str, float]) -> list[tuple[np.ndarray, float]]:
    """[(x, ν)]: the normal state, and the lasing state where it exists, in the unknowns of
    :func:`cumex.handwritten.central_spin.mean_field_system` (⟨σ0^z⟩, ⟨σn^z⟩, Re/Im⟨σ0^+⟩, Re/Im⟨σn^+⟩)."""
    N, w, e, g, k = (float(params[n]) for n in ("N", "omega", "epsilon", "g", "kappa"))
    gT = float(params["gamma_up"]) + float(params["gamma_down"])
    gD = float(params["gamma_up"]) - float(params["gamma_down"])
    states = [(np.array([-1.0, gD / gT, 0.0, 0.0, 0.0, 0.0]), 0.0)]
    if not (g != 0.0 and N > 0 and k > 0 and gT > 0):
        return states
    nu = (w * gT + e * k) / (gT + k)
    c = (k * gT / 4.0 - (nu - w) * (nu - e)) / (g * g * N)
    A, B = N * gT / k, 1.0 - N * gD / k
    disc = B * B + 4.0 * A * c
    if disc < 0:
        return states
    zn = (-B + np.sqrt(disc)) / (2.0 * A)
    im_ab = (gD - gT * zn) / (4.0 * g)
    if zn <= 0:
        return states
    a2 = im_ab * ((gT / 2.0) ** 2 + (nu - e) ** 2) / (g * zn * gT / 2.0)
    if not a2 > 0:
        return states
    a = np.sqrt(a2) + 0j
    b = -1j * g * zn * a / (1j * (nu - e) + gT / 2.0)
    states.append((np.array([-c / zn, zn, a.real, a.imag, b.real, b.imag]), float(nu)))
    return states


def central_spin_order2_states(params: Mapping[str, float]) -> list[tuple[np.ndarray, float]]:
    """[(x, 0)]: every real zero of the second-order U(1) equations
    (:func:`cumex.handwritten.central_spin.order2_system`, unknowns ⟨σ0^z⟩, ⟨σn^z⟩, Re/Im⟨σ0^+σn^-⟩,
    ⟨σn^+σm^-⟩), admissible or not.

    Steady state of eqs. (3), (4), (11) and the real part of (10), as functions of z0 = ⟨σ0^z⟩:
    Im c = κ(1 + z0)/(4gN), zn = (Γ_Δ - 4g Im c)/Γ_T, Re c = -δ Im c/K with K = (κ + Γ_T)/2 and
    δ = ω - ε, s = 2g zn Im c/Γ_T. The imaginary part of (10),
    δ Re c - K Im c + (g/2)(zn - z0) - g(N - 1) z0 s = 0, is then a cubic in z0 (quadratic at N = 1).
    """
    N, w, e, g, k = (float(params[n]) for n in ("N", "omega", "epsilon", "g", "kappa"))
    gT = float(params["gamma_up"]) + float(params["gamma_down"])
    gD = float(params["gamma_up"]) - float(params["gamma_down"])
    if not (g != 0.0 and N > 0 and gT > 0 and k + gT > 0):
        return []
    P = np.polynomial.Polynomial
    half_K, delta = 0.5 * (k + gT), w - e
    ci = P([k / (4 * g * N), k / (4 * g * N)])
    zn = (gD - 4 * g * ci) / gT
    s = (2 * g / gT) * zn * ci
    z0 = P([0.0, 1.0])
    eq = -(delta * delta / half_K + half_K) * ci + 0.5 * g * (zn - z0) - g * (N - 1) * z0 * s
    out = []
    for root in eq.trim().roots():
        if abs(complex(root).imag) > 1e-8 * max(1.0, abs(complex(root))):
            continue
        r = float(complex(root).real)
        c_im = float(ci(r))
        out.append((np.array([r, float(zn(r)), -delta * c_im / half_K, c_im, float(s(r))]), 0.0))
    return out
