"""The Tavis–Cummings generator on the bases of :mod:`.basis` (master equation in :mod:`.parameters`).

Derivation on ρ = Σ y(p, q, n) |p⟩⟨q| ⊗ A(n), A(n) = Sym(n)/M(n): a sum over emitters of one-site maps S
acts as Σ_s S_s A(n) = Σ_{t,t'} n_t S_{t't} A(n − e_t + e_t') (the n_t sites of type t each become type t',
:mod:`cumex.exact.basis`). With t → t' one emitter changing type and p, q the photon labels:

    diagonal   −iω(p − q) − iε(n10 − n01) − (κ/2)(p + q) − Γ↓ n11 − Γ↑ n00 − (Γ_T/2)(n01 + n10)
    κ √(pq)        p, q → p − 1, q − 1                      (a ρ a†)
    Γ↓ n11         11 → 00                                  (σ⁻ ρ σ⁺)
    Γ↑ n00         00 → 11                                  (σ⁺ ρ σ⁻)
    −ig √(p+1) n_t   p → p + 1;  10 → 00, 11 → 01           (a† σ⁻ ρ)
    −ig √p n_t       p → p − 1;  00 → 10, 01 → 11           (a σ⁺ ρ)
    +ig √q n_t       q → q − 1;  00 → 01, 10 → 11           (ρ a† σ⁻: ⟨q|a† = √q ⟨q − 1|, |b⟩⟨0|σ⁻ = |b⟩⟨1|)
    +ig √(q+1) n_t   q → q + 1;  01 → 00, 11 → 10           (ρ a σ⁺)

On the stored coefficients w of B(n) = s(n) A(n) each entry is multiplied by s(source)/s(target). A
transition whose target is not in the target basis is dropped; with the Fock cutoff this is exactly the
master equation of the truncated operators a (a†|F⟩ = 0), which stays trace preserving, and with the
coherence cutoff it is the projection onto a ≤ A. Built in one COO construction, no loop over elements.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cumex.exact.tavis_cummings.basis import TCBasis, log_binom
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters

__all__ = ["generator"]

_TYPES = ("n00", "n01", "n10", "n11")


def _log_s(N: int, n01: np.ndarray, n10: np.ndarray, n11: np.ndarray) -> np.ndarray:
    m_ket, m_bra = n10 + n11, n01 + n11
    return log_binom(m_ket, n10) + log_binom(N - m_ket, n01) + 0.5 * (log_binom(N, m_ket) - log_binom(N, m_bra))


def generator(
    params: TavisCummingsParameters, source: TCBasis, target: TCBasis | None = None
) -> sp.csr_matrix:
    """Matrix of dw/dt = L w from coefficients on ``source`` to rows on ``target`` (default: the same basis).

    A target basis larger than the source (one more Fock level and coherence order) gives the action of the
    untruncated generator on a vector supported on ``source``: used for the reported residual.
    """
    target = target or source
    if target.N != source.N or source.N != params.N:
        raise ValueError("source, target and params must have the same N")
    N = params.N
    lab = source.labels
    p, q = lab["p"], lab["q"]
    n = {t: lab[t] for t in _TYPES}
    src = np.arange(source.dim, dtype=np.int64)
    log_s = _log_s(N, n["n01"], n["n10"], n["n11"])
    g = params.g
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    def add(mask: np.ndarray, dp: int, dq: int, lose: str | None, gain: str | None, amp: np.ndarray | complex) -> None:
        sel = np.flatnonzero(mask)
        if sel.size == 0:
            return
        new = {t: n[t][sel].copy() for t in _TYPES}
        value = np.broadcast_to(np.asarray(amp, dtype=complex), mask.shape)[sel]
        if lose is not None and gain is not None:
            value = value * new[lose]  # n_t sites of the source type
            new[lose] = new[lose] - 1
            new[gain] = new[gain] + 1
            value = value * np.exp(log_s[sel] - _log_s(N, new["n01"], new["n10"], new["n11"]))
        t_idx = target.index(p[sel] + dp, q[sel] + dq, new["n01"], new["n10"], new["n11"])
        inside = t_idx >= 0
        rows.append(t_idx[inside])
        cols.append(src[sel][inside])
        vals.append(value[inside])

    always = np.ones(source.dim, dtype=bool)
    diag = (
        -1j * params.omega * (p - q)
        - 1j * params.epsilon * (n["n10"] - n["n01"])
        - 0.5 * params.kappa * (p + q)
        - params.gamma_down * n["n11"]
        - params.gamma_up * n["n00"]
        - 0.5 * params.gamma_T * (n["n01"] + n["n10"])
    )
    add(always, 0, 0, None, None, diag)
    add((p > 0) & (q > 0), -1, -1, None, None, params.kappa * np.sqrt(p * q.astype(float)))
    add(n["n11"] > 0, 0, 0, "n11", "n00", params.gamma_down)
    add(n["n00"] > 0, 0, 0, "n00", "n11", params.gamma_up)
    ket_up = -1j * g * np.sqrt(p + 1.0)
    ket_down = -1j * g * np.sqrt(p.astype(float))
    bra_down = 1j * g * np.sqrt(q.astype(float))
    bra_up = 1j * g * np.sqrt(q + 1.0)
    add(n["n10"] > 0, 1, 0, "n10", "n00", ket_up)
    add(n["n11"] > 0, 1, 0, "n11", "n01", ket_up)
    add((p > 0) & (n["n00"] > 0), -1, 0, "n00", "n10", ket_down)
    add((p > 0) & (n["n01"] > 0), -1, 0, "n01", "n11", ket_down)
    add((q > 0) & (n["n00"] > 0), 0, -1, "n00", "n01", bra_down)
    add((q > 0) & (n["n10"] > 0), 0, -1, "n10", "n11", bra_down)
    add(n["n01"] > 0, 0, 1, "n01", "n00", bra_up)
    add(n["n11"] > 0, 0, 1, "n11", "n10", bra_up)
    return sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(target.dim, source.dim)
    ).tocsr()
