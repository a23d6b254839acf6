"""Physical bounds that a computed steady state w (trace 1, :mod:`.basis` coordinates) must satisfy.

Necessary conditions for ρ ≥ 0, Tr ρ = 1, ρ = ρ†, all cheap (O(N)):

* populations P[c, m] ≥ 0 (probability of central state c and m excited satellites), p0↑ ∈ [0, 1];
* the raw solution's trace is 1 (the trace condition is one of the solved equations, so a deviation
  measures the accuracy of the linear solve) and the populations are real;
* positivity of two two-site reduced density matrices. U(1) makes each block diagonal in the excitation
  number, so positivity reduces to one 2×2 block each:
  central spin + one satellite, block {|1⟩_c|0⟩_s, |0⟩_c|1⟩_s}:  p(1, 0) p(0, 1) ≥ |⟨σ0⁺σn⁻⟩|²,
      p(1, 0) = Σ_m P[1, m] (N − m)/N,  p(0, 1) = Σ_m P[0, m] m/N;
  two satellites, block {|01⟩, |10⟩}:  p(01) ≥ |⟨σn⁺σm⁻⟩|,  p(01) = Σ_{c, m} P[c, m] m (N − m)/(N(N − 1)).

Why these and not only min P: a wrong state can keep every population non-negative while its coherences
break positivity; and a check of p0↑ alone misses compensating errors in P.
"""

from __future__ import annotations

import numpy as np

from cumex.exact.basis import SectorBasis, WindowBasis
from cumex.exact.observables import excitation_distribution, observables

__all__ = ["BOUND_TOL", "physical_problems", "distribution_problems"]

#: slack of every bound (a population may be −1e-10 from round-off, not more)
BOUND_TOL = 1e-10


def physical_problems(w: np.ndarray, basis: SectorBasis | WindowBasis, trace_error: float, tol: float = BOUND_TOL) -> list[str]:
    """Descriptions of the bounds of the module docstring that the trace-1 state w breaks (empty: none)."""
    if not np.all(np.isfinite(w)):
        return ["non-finite coefficients"]
    imag = float(np.abs(w[: 2 * basis.diag_size].imag).max())
    return distribution_problems(excitation_distribution(w, basis), observables(w, basis), trace_error, imag, tol)


def distribution_problems(P: np.ndarray, obs: dict[str, float], trace_error: float, imag: float,
                          tol: float = BOUND_TOL) -> list[str]:
    """The bounds of the module docstring from what every exact route gives: P[s, m], the probability of the
    central spin in s (0 down, 1 up) with m excited satellites; the observables; the trace error of the raw
    solution and the largest imaginary part of a population. Shared by the ladder and the Dicke route."""
    problems: list[str] = []
    N = P.shape[1] - 1
    if not P.min() >= -tol:
        problems.append(f"negative population {P.min():.3g}")
    p_up = obs["central_population"]
    if not -tol <= p_up <= 1.0 + tol:
        problems.append(f"central population {p_up:.6g} outside [0, 1]")
    if not trace_error <= tol:
        problems.append(f"trace of the raw solution off by {trace_error:.3g}")
    if not imag <= tol:
        problems.append(f"complex populations ({imag:.3g})")
    m = np.arange(N + 1)
    p10 = float((P[1] * (N - m)).sum() / N)
    p01 = float((P[0] * m).sum() / N)
    cs2 = obs["corr_central_satellite_re"] ** 2 + obs["corr_central_satellite_im"] ** 2
    if not cs2 <= p10 * p01 + tol:
        problems.append(f"central-satellite reduced state not positive (|<s0+ sn->|^2 = {cs2:.3g} > {p10 * p01:.3g})")
    if N >= 2:
        pair = float((P.sum(axis=0) * m * (N - m)).sum() / (N * (N - 1)))
        if not abs(obs["corr_satellite_satellite"]) <= pair + tol:
            problems.append(f"satellite-pair reduced state not positive (|<sn+ sm->| > {pair:.3g})")
    return problems
