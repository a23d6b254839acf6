"""Observables of a stored state ρ = Σ w(p, q, n) |p⟩⟨q| ⊗ B(n) (see :mod:`.basis`).

    Tr[|p⟩⟨q| ⊗ B(n)] = δ_pq when n01 = n10 = 0 (there B = A, the placement average), else 0
        → P(p, n11) = w(p, p; 0, 0, n11): probability of p photons and n11 excited emitters
    ⟨a†a⟩ = Σ p P(p),  ⟨(a†a)²⟩ = Σ p² P(p),  ⟨a†a†aa⟩ = Σ p(p − 1) P(p),  ⟨σn^z⟩ = Σ (2 n11 − N)/N P(·, n11)
    ⟨a† σn^-⟩ = (1/N) Σ_n Tr[ρ a† σn^-]: Tr[|p⟩⟨q| a†] = √(p + 1) δ_{q, p+1} and one emitter factor |1⟩⟨0|
        (n10 = 1, n01 = 0, Tr[|1⟩⟨0| σ^-] = 1), every placement giving 1 in Σ_n; with
        s(n) = √((n11 + 1)(N − n11)) there:  ⟨a† σ^-⟩ = (1/N) Σ w(p, p + 1; 0, 1, n11) √(p + 1) √((n11 + 1)(N − n11))
    ⟨σn^+ σm^-⟩ (n ≠ m): one |0⟩⟨1| and one |1⟩⟨0| factor, p = q, s = m(N − m) with m = n11 + 1:
        Σ w(p, p; 1, 1, n11) m (N − m)/(N(N − 1))
"""

from __future__ import annotations

import numpy as np

from cumex.exact.tavis_cummings.basis import TCBasis

__all__ = ["OBSERVABLE_NAMES", "population_table", "trace", "observables", "observable_values"]

OBSERVABLE_NAMES = (
    "photon_number",
    "photon_number_per_N",
    "sz_satellite",
    "corr_photon_satellite_re",
    "corr_photon_satellite_im",
    "corr_satellite_satellite",
    "photon_number_variance",
    "g2",
)


def population_table(w: np.ndarray, basis: TCBasis) -> np.ndarray:
    """P[p, n11] (complex as stored; real for a Hermitian state), shape (F + 1, N + 1)."""
    lab = basis.labels
    idx = basis.diagonal_elements()
    P = np.zeros((basis.fock + 1, basis.N + 1), dtype=complex)
    P[lab["p"][idx], lab["n11"][idx]] = w[idx]
    return P


def trace(w: np.ndarray, basis: TCBasis) -> complex:
    return complex(w[basis.diagonal_elements()].sum())


def observables(w: np.ndarray, basis: TCBasis) -> dict[str, float]:
    """Observables of the trace-1 state w (names in :data:`OBSERVABLE_NAMES`)."""
    N = basis.N
    P = population_table(w, basis).real
    Pp = P.sum(axis=1)
    sz = float((P.sum(axis=0) * (2 * np.arange(N + 1) - N)).sum() / N)
    lab = basis.labels
    sel = np.flatnonzero((lab["q"] == lab["p"] + 1) & (lab["n01"] == 0) & (lab["n10"] == 1))
    m = lab["n11"][sel].astype(float)
    corr = complex((w[sel] * np.sqrt(lab["p"][sel] + 1.0) * np.sqrt((m + 1) * (N - m))).sum() / N)
    if N >= 2:
        sel = np.flatnonzero((lab["q"] == lab["p"]) & (lab["n01"] == 1) & (lab["n10"] == 1))
        m = lab["n11"][sel] + 1.0
        pair = float((w[sel].real * m * (N - m)).sum() / (N * (N - 1)))
    else:
        pair = float("nan")  # no pair of emitters
    return observable_values(Pp, N, sz, corr, pair)


def observable_values(photon_distribution: np.ndarray, N: int, sz: float, corr: complex, pair: float) -> dict[str, float]:
    """The observables of :data:`OBSERVABLE_NAMES` from the photon-number distribution P(p), p = 0..F, the
    satellite ⟨σn^z⟩, ⟨a†σn^-⟩ and ⟨σn^+σm^-⟩ (one dict for every basis the state is stored on)."""
    photons = np.arange(photon_distribution.size, dtype=float)
    n1 = float(photons @ photon_distribution)
    n2 = float((photons**2) @ photon_distribution)
    nn = float((photons * (photons - 1)) @ photon_distribution)
    return {
        "photon_number": n1,
        "photon_number_per_N": n1 / N,
        "sz_satellite": sz,
        "corr_photon_satellite_re": corr.real,
        "corr_photon_satellite_im": corr.imag,
        "corr_satellite_satellite": pair,
        "photon_number_variance": n2 - n1 * n1,
        "g2": nn / (n1 * n1) if n1 > 0 else float("nan"),
    }
