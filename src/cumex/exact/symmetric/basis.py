"""The permutation-symmetric operator basis |c⟩⟨d| ⊗ Sym(n) without any U(1) restriction.

A bath-spin one-site element |a⟩⟨b| has type t = 2a + b (0: |0⟩⟨0|, 1: |0⟩⟨1|, 2: |1⟩⟨0|, 3: |1⟩⟨1|).
Sym(n), n = (n0, n1, n2, n3) with Σ n_t = N, is the sum of the M(n) = N!/Π n_t! distinct tensor products
with n_t sites of type t. Elements e = (c, d, n): 4·C(N+3, 3) of them, index e = (2c + d)·S + rank(n),
S = C(N+3, 3), rank = lexicographic position of (n1, n2, n3) among the triples with n1 + n2 + n3 ≤ N:

    rank = T(N) − T(N − n1) + n2 (N − n1 + 1) − n2 (n2 − 1)/2 + n3,      T(k) = (k+1)(k+2)(k+3)/6.

Coordinates. ρ = Σ_e x_e E_e. The Hilbert–Schmidt-orthonormal coefficients are z_e = x_e √M(n); we use
ζ_e = z_e σ(n), σ(n) = Π_t s_t^{n_t}, s_t = (p_a p_b)^{−1/4} with a reference one-site population
(p_1 = p, p_0 = 1 − p): ζ are the coefficients in the basis orthonormal for ⟨A, B⟩ = Tr[A† Ω^{−1/2} B Ω^{−1/2}],
Ω = 1 ⊗ ω^{⊗N}, ω = diag(1 − p, p). The product state 1 ⊗ ω^{⊗N} then has ζ² = binomial probabilities (norm 1)
and the trace functional has entries √(C(N, m) p^m (1 − p)^{N−m}) ≤ 1, whereas in z the trace weights √M(n)
reach 10²² at N = 150 while the state's z are 10⁻¹¹. p = ½ gives ζ = 2^{N/2} z.

Hermitian conjugation maps e = (c, d, n0, n1, n2, n3) to e† = (d, c, n0, n2, n1, n3) with the same σ, so
ζ_{e†} = conj(ζ_e) for Hermitian ρ. e is "self" when e = e†, "canonical" when index(e) < index(e†).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import gammaln

__all__ = ["SymmetricBasis", "dimension"]


def dimension(N: int) -> int:
    """4·C(N+3, 3)."""
    return 4 * math.comb(N + 3, 3)


def _tetra(k: np.ndarray) -> np.ndarray:
    return (k + 1) * (k + 2) * (k + 3) // 6


class SymmetricBasis:
    """Elements of the basis (module docstring) with vectorised index arithmetic and coordinate scales."""

    def __init__(self, N: int, reference_population: float = 0.5):
        if isinstance(N, bool) or not isinstance(N, int) or N < 1:
            from cumex.errors import CumexInputError

            raise CumexInputError("N", N, "an integer >= 1")
        self.N = N
        self.block = math.comb(N + 3, 3)
        self.dim = 4 * self.block
        self.reference_population = float(reference_population)
        # all (n1, n2, n3) with n1 + n2 + n3 <= N in rank order
        parts = []
        for n1 in range(N + 1):
            k = N - n1
            n2 = np.repeat(np.arange(k + 1), np.arange(k + 1, 0, -1))
            start = np.concatenate([[0], np.cumsum(np.arange(k + 1, 0, -1))[:-1]])
            n3 = np.arange(n2.size) - np.repeat(start, np.arange(k + 1, 0, -1))
            parts.append(np.stack([np.full(n2.size, n1), n2, n3], axis=1))
        tri = np.concatenate(parts).astype(np.int64)
        #: counts (n0, n1, n2, n3) of one block, shape (S, 4), in rank order
        self.counts = np.column_stack([N - tri.sum(axis=1), tri])
        p = self.reference_population
        pop = np.array([1.0 - p, p])
        #: log s_t for t = 0..3
        self.log_site_scale = np.array([-0.25 * math.log(pop[a] * pop[b]) for a in (0, 1) for b in (0, 1)])

    # --- index arithmetic -------------------------------------------------------------------------------
    def rank(self, n: np.ndarray) -> np.ndarray:
        """Rank of count vectors n (shape (..., 4)) within a block."""
        N = self.N
        n1, n2, n3 = n[..., 1], n[..., 2], n[..., 3]
        return _tetra(N) - _tetra(N - n1) + n2 * (N - n1 + 1) - n2 * (n2 - 1) // 2 + n3  # type: ignore[arg-type]

    def conjugate_index(self) -> np.ndarray:
        """index(e†) for every element e, in index order."""
        n = self.counts[:, [0, 2, 1, 3]]
        r = self.rank(n)
        out = np.empty(self.dim, dtype=np.int64)
        for cd in range(4):
            cd_dag = 2 * (cd % 2) + cd // 2
            out[cd * self.block : (cd + 1) * self.block] = cd_dag * self.block + r
        return out

    # --- scales -----------------------------------------------------------------------------------------
    def log_placements(self) -> np.ndarray:
        """ln M(n) for one block."""
        return gammaln(self.N + 1) - gammaln(self.counts + 1).sum(axis=1)

    def log_sigma(self) -> np.ndarray:
        """ln σ(n) for one block."""
        return self.counts @ self.log_site_scale

    def site_scale_ratio(self, t_to: int, t_from: int) -> float:
        """s_{t_to}/s_{t_from}: the factor a one-site transition t_from → t_to picks up in ζ coordinates."""
        return math.exp(self.log_site_scale[t_to] - self.log_site_scale[t_from])
