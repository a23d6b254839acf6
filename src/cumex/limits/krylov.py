"""exp(tL)v at many output times by Arnoldi (Krylov) steps with an a-posteriori error estimate.

One Arnoldi basis V_m (m vectors, Hessenberg H_m, next coefficient h = H[m, m−1]) of the current state v
serves every output time of a step τ: exp(sL)v ≈ ‖v‖ V_m exp(sH_m) e₁ for 0 < s ≤ τ, with the standard error
estimate ‖v‖ h |e_mᵀ exp(sH_m) e₁| (Saad 1992). τ is halved until the estimate at s = τ is below
``tol``·‖v‖, and doubled again for the next step. A Liouvillian of the Jaynes–Cummings limit has a 1-norm
of ~10², which makes Taylor-based expm_multiply spend ~10⁴ products on t ∈ [0, 4]; a Krylov step of
m = 40 covers a time ~0.5 there, so the same trajectory takes a few hundred products.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from cumex.exact.threads import blas_threads

__all__ = ["krylov_evolve"]


def _arnoldi(L: sp.csr_matrix, v: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(V: m_eff rows, H_m: m_eff × m_eff, h_next) with Gram–Schmidt twice, stopping at breakdown."""
    V = np.zeros((m, v.size), dtype=complex)  # basis vectors as rows (contiguous)
    H = np.zeros((m + 1, m), dtype=complex)
    V[0] = v / np.linalg.norm(v)
    for j in range(m):
        w = L @ V[j]
        for _ in range(2):  # re-orthogonalise once: the basis must stay orthonormal to rounding
            c = (V[: j + 1] @ w.conj()).conj()  # ⟨V_k, w⟩ without conjugating the basis
            w = w - c @ V[: j + 1]
            H[: j + 1, j] += c
        h = np.linalg.norm(w)
        H[j + 1, j] = h
        if h < 1e-14 * max(1.0, np.abs(H[: j + 1, j]).max()):  # invariant subspace: exact from here
            return V[: j + 1], H[: j + 1, : j + 1], 0.0
        if j + 1 < m:
            V[j + 1] = w / h
    return V, H[:m, :m], float(H[m, m - 1].real)


def _propagate(Hm: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Columns exp(s Hm) e₁ for increasing offsets s; equal spacings reuse one small exponential."""
    cols = np.empty((Hm.shape[0], offsets.size), dtype=complex)
    cache: dict[float, np.ndarray] = {}
    prev, y = 0.0, np.eye(Hm.shape[0], 1, dtype=complex)[:, 0]
    for k, s in enumerate(offsets):
        d = float(s - prev)
        key = round(d, 12)
        if key not in cache:
            cache[key] = sla.expm(d * Hm)
        y = cache[key] @ y
        cols[:, k] = y
        prev = s
    return cols


def krylov_evolve(L: sp.csr_matrix, v0: np.ndarray, times: np.ndarray, m: int = 40, tol: float = 1e-13) -> np.ndarray:
    """Rows exp((t_i − t_0)L) v0 for increasing ``times`` (row 0 is v0); one BLAS thread (small products)."""
    with blas_threads(1):
        return _krylov_evolve(L, v0, times, m, tol)


def _krylov_evolve(L: sp.csr_matrix, v0: np.ndarray, times: np.ndarray, m: int, tol: float) -> np.ndarray:
    times = np.asarray(times, dtype=float)
    out = np.empty((times.size, v0.size), dtype=complex)
    out[0] = v0
    v, t_now, i = np.asarray(v0, dtype=complex), float(times[0]), 1
    step = max(times[-1] - times[0], 1e-300) / 8.0
    m = min(m, v0.size)
    while i < times.size:
        if times[i] <= t_now:  # repeated output time
            out[i] = v
            i += 1
            continue
        beta = float(np.linalg.norm(v))
        V, Hm, h_next = _arnoldi(L, v, m)
        tau = min(2.0 * step, times[-1] - t_now)
        while True:
            y = sla.expm(tau * Hm)[:, 0]
            if h_next * abs(y[-1]) <= tol or tau < 1e-12:
                break
            tau *= 0.5
        step = tau
        t_end = times[-1] if tau == times[-1] - t_now else t_now + tau
        j = int(np.searchsorted(times, t_end, side="right"))
        if j > i:
            out[i:j] = beta * (_propagate(Hm, times[i:j] - t_now).T @ V)
        v = beta * (y @ V)
        t_now, i = t_end, j
    return out
