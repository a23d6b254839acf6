"""Operator bases of the Tavis–Cummings model: photon Fock dyads times permutation-symmetric emitter operators.

Operators on the cavity (Fock cutoff F: levels 0..F) and N identical emitters that are invariant under
permutations of the emitters are spanned by |p⟩⟨q| ⊗ Sym(n), where, as in :mod:`cumex.exact.basis`,
n = (n00, n01, n10, n11) counts the emitters whose single-site factor is |0⟩⟨0|, |0⟩⟨1|, |1⟩⟨0|, |1⟩⟨1|
(0 = ground, 1 = excited; Σ n = N) and Sym(n) sums over its M(n) = N!/(n00! n01! n10! n11!) placements.
States are stored as ρ = Σ w(p, q, n) |p⟩⟨q| ⊗ B(n) with the bounded normalisation

    B(n) = Sym(n)/√(C(N, m_ket) C(N, m_bra)),    m_ket = n10 + n11,  m_bra = n01 + n11,

so that on all-diagonal elements (n01 = n10 = 0) B is the average over placements (trace 1) and w(p, p; n) is
the probability of p photons and n11 excited emitters, and |w| ≤ 1 everywhere (|ρ_ab| ≤ √(ρ_aa ρ_bb)).

U(1) sector. a → e^{−iθ}a, σ^- → e^{−iθ}σ^- is a symmetry; the generator conserves the charge
(p − q) + (n10 − n01) of ket minus bra excitations, and the steady state (reached from any U(1)-invariant
state) lives in the sector where it vanishes: n01 − n10 = p − q =: δ. There the labels are (p, δ, k, n11)
with k = min(n01, n10):

    q = p − δ,  n01 = k + max(δ, 0),  n10 = k + max(−δ, 0),  a := n01 + n10 = 2k + |δ|,  n11 ≤ N − a.

a is the number of coherent emitter factors; it bounds the photon coherence |δ| ≤ a. Every coherent site
dephases at Γ_T/2 and the exchange g changes a by one, so the steady-state weight falls with a: the
truncated basis keeps a ≤ A (``coherence``). The dimension is then about (F + 1) N A²/2 instead of
(F + 1)² C(N + 3, 3) for the whole permutation-symmetric space (``sector=False``, the test oracle).

Element lookup: each label tuple is encoded in one integer key (mixed radix); ``index`` finds keys by
binary search in the sorted keys and returns −1 for labels outside the basis, which is how the generator
drops transitions that leave a truncated basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import gammaln

__all__ = ["TCBasis", "log_binom"]


def log_binom(n: np.ndarray | int, k: np.ndarray | int) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    k = np.asarray(k, dtype=float)
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


@dataclass(frozen=True)
class TCBasis:
    """Basis of N emitters and Fock levels 0..fock; the U(1) sector (``sector``) truncated at a ≤ ``coherence``."""

    N: int
    fock: int
    coherence: int | None = None  # keep n01 + n10 ≤ coherence (None: all)
    sector: bool = True
    photon_coherence: int | None = None  # keep |p − q| ≤ photon_coherence (None: all)

    @cached_property
    def labels(self) -> dict[str, np.ndarray]:
        """Arrays p, q, n00, n01, n10, n11 (read-only), one entry per element in storage order."""
        N, F = self.N, self.fock
        A = N if self.coherence is None else min(self.coherence, N)
        parts: list[np.ndarray] = []
        if self.sector:
            for delta in range(-min(A, F), min(A, F) + 1):
                p = np.arange(max(delta, 0), F + min(delta, 0) + 1)
                for k in range((A - abs(delta)) // 2 + 1):
                    a = 2 * k + abs(delta)
                    n11 = np.arange(N - a + 1)
                    P, M = np.meshgrid(p, n11, indexing="ij")
                    P, M = P.ravel(), M.ravel()  # type: ignore[assignment]
                    cols = [P, P - delta, np.full_like(P, k + max(delta, 0)), np.full_like(P, k + max(-delta, 0)), M]
                    parts.append(np.stack(cols))
        else:
            # every (n01, n10, n11) with sum ≤ N, every p, q
            n01, n10, n11 = (x.ravel() for x in np.meshgrid(*(np.arange(N + 1),) * 3, indexing="ij"))
            ok = (n01 + n10 + n11 <= N) & (n01 + n10 <= A)
            n01, n10, n11 = n01[ok], n10[ok], n11[ok]
            p, q = (x.ravel() for x in np.meshgrid(np.arange(F + 1), np.arange(F + 1), indexing="ij"))
            P = np.repeat(p, n01.size)  # type: ignore[assignment]
            Q = np.repeat(q, n01.size)
            parts.append(np.stack([P, Q, np.tile(n01, p.size), np.tile(n10, p.size), np.tile(n11, p.size)]))
        arr = np.concatenate(parts, axis=1).astype(np.int64)
        if self.photon_coherence is not None:
            arr = arr[:, np.abs(arr[0] - arr[1]) <= self.photon_coherence]
        out = {"p": arr[0], "q": arr[1], "n01": arr[2], "n10": arr[3], "n11": arr[4]}
        out["n00"] = N - out["n01"] - out["n10"] - out["n11"]
        for x in out.values():
            x.flags.writeable = False
        return out

    @property
    def dim(self) -> int:
        return int(self.labels["p"].size)

    def _key(self, p, q, n01, n10, n11) -> np.ndarray:
        r_f, r_n = self.fock + 1, self.N + 1
        return (((np.asarray(p) * r_f + q) * r_n + n01) * r_n + n10) * r_n + n11

    @cached_property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        lab = self.labels
        keys = self._key(lab["p"], lab["q"], lab["n01"], lab["n10"], lab["n11"])
        order = np.argsort(keys, kind="stable")
        return keys[order], order

    def index(self, p, q, n01, n10, n11) -> np.ndarray:
        """Storage index of each label tuple (arrays broadcast), −1 where it is not in the basis."""
        p, q, n01, n10, n11 = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in (p, q, n01, n10, n11)))
        valid = (
            (p >= 0) & (p <= self.fock) & (q >= 0) & (q <= self.fock)
            & (n01 >= 0) & (n10 >= 0) & (n11 >= 0) & (n01 + n10 + n11 <= self.N)
        )
        keys, order = self._sorted
        key = self._key(np.where(valid, p, 0), np.where(valid, q, 0), np.where(valid, n01, 0),
                        np.where(valid, n10, 0), np.where(valid, n11, 0))
        pos = np.clip(np.searchsorted(keys, key), 0, keys.size - 1)
        found = valid & (keys[pos] == key)
        return np.where(found, order[pos], -1)

    def conjugate(self) -> np.ndarray:
        """Index of the Hermitian-conjugate element (q, p; n01 ↔ n10) of every element (−1 if absent)."""
        lab = self.labels
        return self.index(lab["q"], lab["p"], lab["n10"], lab["n01"], lab["n11"])

    def coherence_order(self) -> np.ndarray:
        """a = n01 + n10 of every element."""
        return self.labels["n01"] + self.labels["n10"]

    def log_scale(self) -> np.ndarray:
        """ln s(n), B(n) = s(n) A(n) with A(n) = Sym(n)/M(n): s = M(n)/√(C(N, m_ket) C(N, m_bra))."""
        lab = self.labels
        m_ket = lab["n10"] + lab["n11"]
        m_bra = lab["n01"] + lab["n11"]
        # M/C(N, m_ket) = C(m_ket, n10) C(N − m_ket, n01): no O(N ln N) cancellation
        return (
            log_binom(m_ket, lab["n10"])
            + log_binom(self.N - m_ket, lab["n01"])
            + 0.5 * (log_binom(self.N, m_ket) - log_binom(self.N, m_bra))
        )

    def diagonal_elements(self) -> np.ndarray:
        """Indices of the elements with p = q and n01 = n10 = 0 (the populations)."""
        lab = self.labels
        return np.flatnonzero((lab["p"] == lab["q"]) & (lab["n01"] == 0) & (lab["n10"] == 0))
