"""Observables from a reduced state w: ρ = Σ w(c,d,n) |c⟩⟨d| ⊗ B(n) (see :mod:`.basis`).

With A(n) the average over the M(n) placements and B(n) = s(n) A(n):

    Tr[|c⟩⟨c| ⊗ A(n)] = 1 if n01 = n10 = 0, and there B = A (s = 1)
           → Tr ρ = Σ_{c, n11} w(c, c; k=0, n11),   p0↑ = Σ_{n11} w(1, 1; 0, n11)
    ⟨σn^z⟩ = (1/N) ⟨Σ_n σn^z⟩ and Σ_n σn^z = 2 n11 − N on a k = 0 element
           → Σ_{c, n11} w(c, c; 0, n11) (2 n11 − N) / N
    ⟨σ0⁺σn⁻⟩ = (1/N) Σ_n Tr[ρ σ0⁺σn⁻]: needs ⟨d|σ0⁺|c⟩ = δ_{c0}δ_{d1} (block (0,1)) and exactly one site
           |1⟩⟨0| with the rest diagonal (k = 0, n10 = 1, n01 = 0); each placement gives 1 in Σ_n, so
           Tr[A(n) Σ_n σn⁻] = 1 and, with s(n) = M/√(C(N, n11+1) C(N, n11)) = √((n11 + 1)(N − n11)),
           ⟨σ0⁺σn⁻⟩ = (1/N) Σ_{n11} w(0,1; 0, n11) √((n11 + 1)(N − n11)),  w(0,1) = conj w(1,0)
    ⟨σn⁺σm⁻⟩ (n ≠ m) needs one site |0⟩⟨1|, one |1⟩⟨0| (k = 1) and c = d; each placement gives 1 in
           Σ_{n≠m} (N(N − 1) terms), and s = C(m, 1) C(N − m, 1) = m(N − m) with m = n11 + 1:
           ⟨σn⁺σm⁻⟩ = Σ_{c, n11} w(c, c; 1, n11) m (N − m) / (N(N − 1)).
"""

from __future__ import annotations

import numpy as np

from cumex.exact.basis import SectorBasis, WindowBasis

__all__ = ["trace", "observables", "excitation_distribution"]


def trace(y: np.ndarray, basis: SectorBasis | WindowBasis) -> complex:
    return complex(sum(y[basis.line(c, c, 0)[0]].sum() for c in (0, 1)))


def excitation_distribution(y: np.ndarray, basis: SectorBasis | WindowBasis) -> np.ndarray:
    """P[c, m]: probability of central state c and m excited satellites (shape (2, N + 1); 0 outside a window)."""
    P = np.zeros((2, basis.N + 1))
    for c in (0, 1):
        sl, n11 = basis.line(c, c, 0)
        P[c, n11] = y[sl].real
    return P


def observables(y: np.ndarray, basis: SectorBasis | WindowBasis) -> dict[str, float]:
    """The :data:`cumex.results.OBSERVABLES` of the state y (not renormalised: pass a trace-1 y)."""
    N = basis.N
    P = excitation_distribution(y, basis)
    p_up = float(P[1].sum())
    m = np.arange(N + 1)
    sz_sat = float((P.sum(axis=0) * (2 * m - N)).sum() / N)
    sl, n11 = basis.line(1, 0, 0)  # k = 0 line of the (1,0) block
    corr_cs = complex((np.conj(y[sl]) * np.sqrt((n11 + 1.0) * (N - n11))).sum()) / N
    if N >= 2:
        corr_ss = 0.0
        for c in (0, 1):  # k = 1 lines: m = n11 + 1
            sl, n11 = basis.line(c, c, 1)
            m1 = n11 + 1.0
            corr_ss += float((y[sl].real * m1 * (N - m1)).sum())
        corr_ss /= N * (N - 1)
    else:
        corr_ss = float("nan")  # no pair of satellites
    return {
        "central_population": p_up,
        "sz_central": 2.0 * p_up - 1.0,
        "sz_satellite": sz_sat,
        "corr_central_satellite_re": corr_cs.real,
        "corr_central_satellite_im": corr_cs.imag,
        "corr_satellite_satellite": corr_ss,
    }
