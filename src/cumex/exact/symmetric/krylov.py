"""exp(tL) r on an output grid by Arnoldi steps with observable-only dense output.

One step from time t: Arnoldi with classical Gram–Schmidt, re-orthogonalised when a pass removes more than
half of the vector ("twice is enough"), gives L V_m = V_m H_m + h_{m+1,m} v_{m+1} e_mᵀ. With the
(m+1)×(m+1) matrix H̄ = [[H_m, 0], [h_{m+1,m} e_mᵀ, 0]],

    exp(τL) r ≈ β V_{m+1} exp(τH̄) e_1,       β = ‖r‖,

for all τ in (0, h]; the last component of exp(τH̄) e_1 is β h_{m+1,m} τ e_mᵀ φ_1(τH_m) e_1, the first term
of the error of the uncorrected approximation (Saad 1992), used as a conservative error estimate of the
corrected one. A step is accepted when that estimate is ≤ tol·β·h/T (T the whole interval), so the errors
accumulate to at most ~tol·β. Only the functionals G r are wanted at the output times, so G V_{m+1} (a few
rows) is formed once per step and each output time costs one small matrix exponential; the state itself is
advanced only at the step's end. The basis is built until it can reach the end of the interval or has
``krylov_dim`` vectors; the step is the largest h (bisection on log h) that passes the test.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.linalg import expm

__all__ = ["krylov_observe", "KrylovStats"]


class KrylovStats(dict):
    """Counters of one run: steps, matvecs, reorthogonalisations, max_dim, max_error_estimate."""


def _arnoldi_step(L: sp.spmatrix, V: np.ndarray, H: np.ndarray, j: int, stats: dict) -> float:
    """Adds V[j+1] (returns h_{j+1,j}; 0 on breakdown)."""
    w = L @ V[j]
    basis = V[: j + 1]
    norm0 = np.linalg.norm(w)
    coef = basis @ w
    w -= coef @ basis
    norm1 = np.linalg.norm(w)
    if norm1 < 0.5 * norm0:
        stats["reorthogonalisations"] += 1
        extra = basis @ w
        w -= extra @ basis
        coef += extra
        norm1 = np.linalg.norm(w)
    H[: j + 1, j] = coef
    H[j + 1, j] = norm1
    if norm1 <= 1e-14 * max(norm0, 1e-300):  # type: ignore[operator]
        return 0.0
    V[j + 1] = w / norm1
    return norm1  # type: ignore[return-value]


def _augmented(H: np.ndarray, m: int) -> np.ndarray:
    Hb = np.zeros((m + 1, m + 1))
    Hb[: m + 1, :m] = H[: m + 1, :m]
    return Hb


def krylov_observe(
    L: sp.spmatrix,
    r0: np.ndarray,
    times: np.ndarray,
    G: sp.spmatrix,
    tol: float = 1e-11,
    krylov_dim: int = 30,
    return_state: bool = False,
) -> tuple[np.ndarray, KrylovStats] | tuple[np.ndarray, KrylovStats, np.ndarray]:
    """G exp((t − t0)L) r0 at every t in times (increasing, t0 = times[0]); shape (len(times), rows of G)."""
    times = np.asarray(times, dtype=float)
    D = r0.size
    m_max = int(min(krylov_dim, D))
    out = np.empty((times.size, G.shape[0]))
    out[0] = G @ r0
    r = np.array(r0, dtype=float)
    t, k = times[0], 1
    span = max(times[-1] - times[0], 1e-300)
    V = np.empty((m_max + 1, D))
    H = np.zeros((m_max + 1, m_max))
    stats = KrylovStats(steps=0, matvecs=0, reorthogonalisations=0, max_dim=0, max_error_estimate=0.0)
    # the functionals touch few coordinates: G V needs only those columns of V
    G = sp.csr_matrix(G)
    cols = np.unique(G.indices)
    G_cols = G[:, cols].toarray()
    h_prev = None
    while k < times.size:
        beta = np.linalg.norm(r)
        remaining = times[-1] - t
        if beta == 0.0:
            out[k:] = 0.0
            break
        V[0] = r / beta
        H[:] = 0.0
        m, exact = 0, False

        def est(h: float, m: int, beta: float = beta) -> float:  # type: ignore[assignment]
            with np.errstate(over="ignore", invalid="ignore"):  # a too long trial step may overflow: rejected
                value = beta * abs(expm(h * _augmented(H, m))[m, 0])
            return value if np.isfinite(value) else math.inf

        while m < m_max:
            hn = _arnoldi_step(L, V, H, m, stats)
            stats["matvecs"] += 1
            m += 1
            if hn == 0.0:
                exact = True
                break
            if m >= 4 and m % 2 == 0 and est(remaining, m) <= tol * beta * remaining / span:
                break
        stats["max_dim"] = max(stats["max_dim"], m)
        if exact:
            h, err = remaining, 0.0
        elif est(remaining, m) <= tol * beta * remaining / span:
            h, err = remaining, est(remaining, m)
        else:
            lo, hi = 0.0, remaining
            if h_prev is not None and h_prev < remaining and est(h_prev, m) <= tol * beta * h_prev / span:
                lo = h_prev
            for _ in range(40):
                mid = math.sqrt(lo * hi) if lo > 0 else hi / 8.0
                if est(mid, m) <= tol * beta * mid / span:
                    lo = mid
                else:
                    hi = mid
                if lo > 0 and hi / lo < 1.02:
                    break
            if lo == 0.0:
                raise FloatingPointError(f"Krylov step below {hi:.3g} at t = {t:.6g} (dimension {m})")
            h, err = lo, est(lo, m)
        stats["max_error_estimate"] = max(stats["max_error_estimate"], err / beta)
        size = m + 1 if not exact else m
        Hb = _augmented(H, m)[:size, :size]
        Vb = V[:size]
        GV = G_cols @ Vb[:, cols].T
        t_end = t + h
        last = k
        while last < times.size and times[last] <= t_end * (1 + 1e-15) + 1e-300:
            last += 1
        for i in range(k, last):
            y = beta * expm((times[i] - t) * Hb)[:, 0]
            out[i] = GV @ y
        if last == times.size:  # the step ends at the final time
            if return_state:
                r = (beta * expm((times[-1] - t) * Hb)[:, 0]) @ Vb
            k = last
            t = times[-1]
            stats["steps"] += 1
            break
        r = (beta * expm(h * Hb)[:, 0]) @ Vb
        k, t = last, t_end
        h_prev = h
        stats["steps"] += 1
    if return_state:
        return out, stats, r
    return out, stats
