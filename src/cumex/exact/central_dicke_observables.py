"""Central-spin observables and physical checks of a trace-1 x on the F = 1 Dicke basis (:mod:`.central_dicke`).

ρ = Σ x(l, E, p, q) |p, e⟩⟨q, e'| ⊗ 1_{d_j}/d_j with p = central spin (1 = up), e = E − p, e' = E − q
(:mod:`cumex.exact.tavis_cummings.dicke`). The multiplicity trace gives Tr[ρ |p, e⟩⟨q, e'| ⊗ 1] = x, so:

* P[c, m] = Σ_l x(l, m + c, c, c): probability of central state c and m excited satellites (J_z + N/2 = m);
  central_population p0↑ = Σ_m P[1, m], sz_central = 2p0↑ − 1;
* sz_satellite = ⟨J_z⟩·2/N = Σ P[c, m] (2m − N)/N;
* ⟨σ0^+σn^-⟩ = ⟨σ0^+ J^-⟩/N (permutation symmetry): σ0^+ J^- maps |0, e⟩ → c(e)|1, e − 1⟩ with
  c(e) = √((e − l)(N − l − e + 1)), so ⟨σ0^+J^-⟩ = Tr[σ0^+J^- ρ] = Σ x(l, E, 0, 1) c(e) over the elements
  |0, e⟩⟨1, e − 1| (p = 0, q = 1, e = E), i.e. ⟨1, e − 1|σ0^+J^-|0, e⟩ x — the same expression as
  ⟨a†σn^-⟩ of :mod:`.tavis_cummings.dicke_steady` at F = 1 (checked against the ladder route in the tests);
* ⟨σn^+σm^-⟩ (n ≠ m) = (⟨J^+J^-⟩ − ⟨Σ_n σn^+σn^-⟩)/(N(N − 1)) = Σ x(l, E, p, p)(c(e)² − e)/(N(N − 1)).

Checks (as :mod:`cumex.exact.checks`, with P from above): P ≥ −tol, p0↑ ∈ [0, 1], |Tr − 1| of the raw
solution ≤ tol, real populations, Hermiticity x(l, E, q, p) = conj x(l, E, p, q), and the two two-site reduced
states positive: p(1, 0) p(0, 1) ≥ |⟨σ0^+σn^-⟩|² and p(01) ≥ |⟨σn^+σm^-⟩|.
"""

from __future__ import annotations

import numpy as np

from cumex.exact.checks import BOUND_TOL, distribution_problems
from cumex.exact.tavis_cummings.dicke import DickeBasis, _exchange

__all__ = ["central_dicke_distribution", "central_dicke_observables", "central_dicke_problems"]


def central_dicke_distribution(x: np.ndarray, basis: DickeBasis) -> np.ndarray:
    """P[c, m] of the module docstring, shape (2, N + 1)."""
    lab = basis.labels
    pops = basis.populations()
    P = np.zeros((2, basis.N + 1))
    np.add.at(P, (lab["p"][pops], lab["e"][pops]), x[pops].real)
    return P


def central_dicke_observables(x: np.ndarray, basis: DickeBasis) -> dict[str, float]:
    """The central spin's observables (:func:`cumex.exact.observables.observables` names) of a trace-1 x."""
    N = basis.N
    lab = basis.labels
    P = central_dicke_distribution(x, basis)
    p_up = float(P[1].sum())
    m = np.arange(N + 1)
    sz_sat = float((P.sum(axis=0) * (2 * m - N)).sum() / N)
    sel = np.flatnonzero((lab["p"] == 0) & (lab["q"] == 1))
    corr = complex((x[sel] * _exchange(N, lab["l"][sel], lab["e"][sel])).sum() / N)
    if N >= 2:
        pops = basis.populations()
        l, e = lab["l"][pops], lab["e"][pops]
        pair = float((x[pops].real * (_exchange(N, l, e) ** 2 - e)).sum() / (N * (N - 1)))
    else:
        pair = float("nan")
    return {
        "central_population": p_up,
        "sz_central": 2.0 * p_up - 1.0,
        "sz_satellite": sz_sat,
        "corr_central_satellite_re": corr.real,
        "corr_central_satellite_im": corr.imag,
        "corr_satellite_satellite": pair,
    }


def central_dicke_problems(x: np.ndarray, basis: DickeBasis, trace_error: float, tol: float = BOUND_TOL) -> list[str]:
    """Descriptions of the bounds of the module docstring that the trace-1 x breaks (empty: none): those of
    :func:`cumex.exact.checks.distribution_problems`, and Hermiticity of x."""
    if not np.all(np.isfinite(x)):
        return ["non-finite coefficients"]
    lab = basis.labels
    imag = float(np.abs(x[basis.populations()].imag).max())
    problems = distribution_problems(central_dicke_distribution(x, basis), central_dicke_observables(x, basis),
                                     trace_error, imag, tol)
    conj = basis.index(lab["l"], lab["E"], lab["q"], lab["p"])
    herm = float(np.abs(x - np.conj(x[conj])).max())
    if not herm <= tol:
        problems.append(f"not Hermitian ({herm:.3g})")
    return problems
