"""The U(1)-reduced permutation-symmetric operator basis of the central spin model.

Operators on one central spin-1/2 and N identical satellites that are invariant under any permutation of
the satellites are spanned by |c⟩⟨d| ⊗ Sym(n), c, d ∈ {0, 1} (0 = down, 1 = up), where

    Sym(n) = Σ_{arrangements} ⊗_{sites} |a_s⟩⟨b_s|

and n = (n00, n01, n10, n11) counts the satellites whose single-site factor is |a⟩⟨b| = |0⟩⟨0|, |0⟩⟨1|,
|1⟩⟨0|, |1⟩⟨1| (n00 + n01 + n10 + n11 = N); the sum runs over the M(n) = N!/(n00! n01! n10! n11!) distinct
placements. Two normalisations are used:

    A(n) = Sym(n) / M(n)                     (the average over placements; the Liouvillian is derived here)
    B(n) = Sym(n) / √(C(N, m_ket) C(N, m_bra)) = s(n) A(n),   s(n) = M(n) / √(C(N, m_ket) C(N, m_bra)),

with m_ket = n10 + n11 and m_bra = n01 + n11 the satellite excitations of ket and bra. States are stored as
ρ = Σ w(c, d, n) |c⟩⟨d| ⊗ B(n). Why B: on k = 0 diagonal elements B = A has trace 1, so w there are the
probabilities of (central state, number of excited satellites); and |ρ_ab| ≤ √(ρ_aa ρ_bb) gives
|w(n)| ≤ √(P(m_ket) P(m_bra)) ≤ 1 for every element. In the A normalisation a coherence coefficient carries
the factor M(n)/C(N, m) = C(m, n10) C(N − m, n01), which grows like e^N and destroys the solve beyond N ~ 300.
In A, a sum of one-site maps acts as Σ_s S_s A(n) = Σ_{t,t'} n_t S_{t't} A(n − e_t + e_t') (the n_t sites of
type t each move to type t'); in B the same entries are multiplied by s(n)/s(n − e_t + e_t').

U(1) sector. The model conserves ket excitations minus bra excitations, c − d + n10 − n01. The steady state
and the dynamics from any U(1)-invariant initial state live in the sector where this charge vanishes, i.e.
n01 − n10 = c − d. Four blocks, each labelled by (k, n11) with k = min(n01, n10):

    block (c, d)   n01    n10    n00                 range
    (0, 0), (1, 1)  k      k      N − 2k − n11        0 ≤ k ≤ ⌊N/2⌋,       0 ≤ n11 ≤ N − 2k
    (1, 0)          k + 1  k      N − 2k − 1 − n11    0 ≤ k ≤ ⌊(N−1)/2⌋,   0 ≤ n11 ≤ N − 2k − 1
    (0, 1)          k      k + 1  N − 2k − 1 − n11    same as (1, 0)

A diagonal block has Σ_k (N − 2k + 1) = ⌊(N+2)²/4⌋ elements, an off-diagonal one ⌊(N+1)²/4⌋, so the
dimension is

    D(N) = 2⌊(N+2)²/4⌋ + 2⌊(N+1)²/4⌋ = (N + 1)(N + 2)           (10,302 at N = 100)

against 4·C(N+3, 3) = O(N³) for the whole permutation-symmetric space (707,404 at N = 100).

Hermitian conjugation maps |c⟩⟨d| ⊗ A(n00, n01, n10, n11) to |d⟩⟨c| ⊗ A(n00, n10, n01, n11): the (0, 1) block
is the conjugate of the (1, 0) block at the same (k, n11), and the coefficients of the diagonal blocks of a
Hermitian operator are real. The solver uses this to work with D real unknowns (s(n) is symmetric under n01 ↔ n10).

Element index (vectorised, closed form): within a diagonal block the slice k starts at k(N + 2 − k), within an
off-diagonal one at k(N + 1 − k); the blocks are stored in the order (0,0), (1,1), (1,0), (0,1).

Truncated basis. Because every block is stored in increasing k, the elements with k ≤ K form a prefix of each
block; ``SectorBasis(N, kmax=K)`` keeps only these prefixes ((K + 1)(N + 1 − K) diagonal and (K + 1)(N − K)
off-diagonal elements per block, i.e. coherence order a = n01 + n10 ≤ 2K + 1) with the same index formula.
The steady state's weight falls steeply with a (see :mod:`.steady`), which the coherence-cutoff solve uses.

Windowed basis. ``WindowBasis(N, lo, hi)`` keeps, on each ladder line k ≤ K = len(lo) − 1, only the elements
whose satellite excitation number m = n11 + k (that of the ket of a diagonal element and of the (0,1) block's
ket) lies in [lo[k], hi[k]], in every block the same (so the (0, 1) block is still the conjugate of the
(1, 0) block element by element). Why: the steady state's excitation distribution is a peak of width ~√N
(standard deviation 8 at N = 1000, r = 0.95), so most of the strip 0 ≤ m ≤ N carries coefficients below
10⁻³⁰ of the largest; leaving them out shrinks the problem ~√N-fold and removes the entries e^{±2000} of the
rescaled generator far from the state (see :mod:`.steady`). Storage: blocks in the order of ``BLOCKS``, lines
in increasing k, n11 increasing; ``index`` returns −1 for an element outside the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import gammaln

__all__ = ["SectorBasis", "WindowBasis", "dimension", "BLOCKS"]

#: storage order of the central-spin blocks (c, d)
BLOCKS: tuple[tuple[int, int], ...] = ((0, 0), (1, 1), (1, 0), (0, 1))


def dimension(N: int) -> int:
    """D(N) = (N + 1)(N + 2): number of elements of the U(1)-reduced basis."""
    return (N + 1) * (N + 2)


@dataclass(frozen=True)
class SectorBasis:
    """Index arithmetic of the U(1)-reduced permutation-symmetric basis for N satellites."""

    N: int
    kmax: int | None = None  # keep only k ≤ kmax (None: the whole sector)

    @property
    def truncated(self) -> bool:
        """True when kmax removes elements, i.e. kmax < ⌊N/2⌋ or kmax < ⌊(N − 1)/2⌋."""
        return self.kmax is not None and self.kmax < max(self.N // 2, (self.N - 1) // 2)

    def _k_top(self, diagonal: bool) -> int:
        full = self.N // 2 if diagonal else (self.N - 1) // 2
        return full if self.kmax is None else min(full, self.kmax)

    @property
    def diag_size(self) -> int:
        K = self._k_top(True)
        return (K + 1) * (self.N + 1 - K)  # = ⌊(N+2)²/4⌋ for K = ⌊N/2⌋

    @property
    def off_size(self) -> int:
        K = self._k_top(False)
        return max(K + 1, 0) * (self.N - K)  # = ⌊(N+1)²/4⌋ for K = ⌊(N−1)/2⌋

    @property
    def dim(self) -> int:
        return 2 * self.diag_size + 2 * self.off_size

    def block_offset(self, c: int, d: int) -> int:
        """Index of the first element of block (c, d)."""
        sizes = [self.diag_size, self.diag_size, self.off_size, self.off_size]
        b = BLOCKS.index((c, d))
        return int(sum(sizes[:b]))

    def block_slice(self, c: int, d: int) -> slice:
        start = self.block_offset(c, d)
        return slice(start, start + (self.diag_size if c == d else self.off_size))

    def block_labels(self, diagonal: bool) -> tuple[np.ndarray, np.ndarray]:
        """(k, n11) of every element of a diagonal or off-diagonal block, in storage order."""
        top = self.N if diagonal else self.N - 1  # n11 ≤ top − 2k
        kmax = self._k_top(diagonal)
        if kmax < 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        k_all = np.arange(kmax + 1, dtype=np.int64)
        lengths = top - 2 * k_all + 1
        k = np.repeat(k_all, lengths)
        starts = np.cumsum(lengths) - lengths
        n11 = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)
        return k, n11

    def labels(self) -> dict[str, np.ndarray]:
        """Arrays c, d, n00, n01, n10, n11 of length D, one entry per basis element in storage order.

        Computed once per basis and shared: treat the arrays as read-only.
        """
        return self._labels

    @cached_property
    def _labels(self) -> dict[str, np.ndarray]:
        out: dict[str, list[np.ndarray]] = {key: [] for key in ("c", "d", "n00", "n01", "n10", "n11")}
        for c, d in BLOCKS:
            k, n11 = self.block_labels(c == d)
            n01 = k + (1 if c - d == 1 else 0)
            n10 = k + (1 if d - c == 1 else 0)
            out["c"].append(np.full(k.size, c, dtype=np.int64))
            out["d"].append(np.full(k.size, d, dtype=np.int64))
            out["n00"].append(self.N - n01 - n10 - n11)
            out["n01"].append(n01)
            out["n10"].append(n10)
            out["n11"].append(n11)
        labels = {key: np.concatenate(v) for key, v in out.items()}
        for arr in labels.values():
            arr.flags.writeable = False
        return labels

    def index(self, c: np.ndarray, d: np.ndarray, n01: np.ndarray, n10: np.ndarray, n11: np.ndarray) -> np.ndarray:
        """Storage index of sector elements (arrays broadcast; labels are assumed to lie in the sector)."""
        c = np.asarray(c)
        d = np.asarray(d)
        k = np.minimum(n01, n10)
        diag = c == d
        within = np.where(diag, k * (self.N + 2 - k), k * (self.N + 1 - k)) + n11
        offset = np.select(
            [diag & (c == 0), diag & (c == 1), c > d],
            [0, self.diag_size, 2 * self.diag_size],
            default=2 * self.diag_size + self.off_size,
        )
        return (offset + within).astype(np.int64)

    def full_index(self) -> np.ndarray:
        """Index in ``SectorBasis(N)`` of every element of this (possibly truncated) basis, in storage order."""
        lab = self.labels()
        return SectorBasis(self.N).index(lab["c"], lab["d"], lab["n01"], lab["n10"], lab["n11"])

    def log_scale(self) -> np.ndarray:
        """ln s(n) for every element: B(n) = s(n) A(n) (see the module docstring)."""
        return _log_scale(self.labels(), self.N)

    def line(self, c: int, d: int, k: int) -> tuple[slice, np.ndarray]:
        """(slice of the elements of block (c, d) on ladder line k, their n11), n11 increasing."""
        start = self.block_offset(c, d)
        top = self.N - 2 * k - (0 if c == d else 1)  # n11 ≤ top
        if k > self._k_top(c == d) or top < 0:
            return slice(start, start), np.zeros(0, dtype=np.int64)
        first = k * (self.N + 2 - k) if c == d else k * (self.N + 1 - k)
        return slice(start + first, start + first + top + 1), np.arange(top + 1, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class WindowBasis:
    """The elements of ``SectorBasis(N, K)`` with lo[k] ≤ n11 + k ≤ hi[k] on each line k ≤ K = len(lo) − 1
    (module docstring). Same interface as :class:`SectorBasis` where the solver needs it."""

    N: int
    lo: np.ndarray
    hi: np.ndarray

    @property
    def kmax(self) -> int:
        return int(len(self.lo)) - 1

    @property
    def truncated(self) -> bool:
        return True

    @cached_property
    def _lines(self) -> dict[bool, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per block kind (diagonal?): first n11, count and start (within the block) of every line k."""
        out = {}
        k = np.arange(self.kmax + 1, dtype=np.int64)
        lo, hi = np.asarray(self.lo, dtype=np.int64), np.asarray(self.hi, dtype=np.int64)
        for diagonal in (True, False):
            top = self.N - 2 * k - (0 if diagonal else 1)
            first = np.maximum(lo - k, 0)
            last = np.minimum(hi - k, top)
            count = np.maximum(last - first + 1, 0)
            out[diagonal] = (first, count, np.cumsum(count) - count)
        return out

    @property
    def diag_size(self) -> int:
        return int(self._lines[True][1].sum())

    @property
    def off_size(self) -> int:
        return int(self._lines[False][1].sum())

    @property
    def dim(self) -> int:
        return 2 * self.diag_size + 2 * self.off_size

    block_offset = SectorBasis.block_offset  # the same layout of blocks
    block_slice = SectorBasis.block_slice

    def line(self, c: int, d: int, k: int) -> tuple[slice, np.ndarray]:
        """(slice of the elements of block (c, d) on ladder line k, their n11), n11 increasing."""
        start = self.block_offset(c, d)  # type: ignore[misc]  # SectorBasis' method on the same fields
        if k > self.kmax:
            return slice(start, start), np.zeros(0, dtype=np.int64)
        first, count, begin = (arr[k] for arr in self._lines[c == d])
        return slice(start + int(begin), start + int(begin + count)), np.arange(first, first + count, dtype=np.int64)

    def labels(self) -> dict[str, np.ndarray]:
        return self._labels

    @cached_property
    def _labels(self) -> dict[str, np.ndarray]:
        out: dict[str, list[np.ndarray]] = {key: [] for key in ("c", "d", "n00", "n01", "n10", "n11")}
        for c, d in BLOCKS:
            first, count, begin = self._lines[c == d]
            k = np.repeat(np.arange(count.size, dtype=np.int64), count)
            n11 = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(begin, count) + np.repeat(first, count)
            n01 = k + (1 if c - d == 1 else 0)
            n10 = k + (1 if d - c == 1 else 0)
            out["c"].append(np.full(k.size, c, dtype=np.int64))
            out["d"].append(np.full(k.size, d, dtype=np.int64))
            out["n00"].append(self.N - n01 - n10 - n11)
            out["n01"].append(n01)
            out["n10"].append(n10)
            out["n11"].append(n11)
        labels = {key: np.concatenate(v) for key, v in out.items()}
        for arr in labels.values():
            arr.flags.writeable = False
        return labels

    def index(self, c: np.ndarray, d: np.ndarray, n01: np.ndarray, n10: np.ndarray, n11: np.ndarray) -> np.ndarray:
        """Storage index of sector elements, −1 for those outside the window (arrays broadcast)."""
        c, d, n01, n10, n11 = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in (c, d, n01, n10, n11)))
        k = np.minimum(n01, n10)
        diag = c == d
        kc = np.clip(k, 0, self.kmax)
        out = np.full(k.shape, -1, dtype=np.int64)
        for diagonal in (True, False):
            first, count, begin = self._lines[diagonal]
            rel = n11 - first[kc]
            ok = (diag == diagonal) & (k <= self.kmax) & (rel >= 0) & (rel < count[kc])
            offset = np.select(
                [c == 0, c == 1] if diagonal else [c > d, c < d],
                [0, self.diag_size] if diagonal else [2 * self.diag_size, 2 * self.diag_size + self.off_size],
            )
            out = np.where(ok, offset + begin[kc] + rel, out)
        return out

    def full_index(self) -> np.ndarray:
        """Index in ``SectorBasis(N)`` of every element, in storage order."""
        lab = self.labels()
        return SectorBasis(self.N).index(lab["c"], lab["d"], lab["n01"], lab["n10"], lab["n11"])

    def log_scale(self) -> np.ndarray:
        return _log_scale(self.labels(), self.N)


def _log_scale(lab: dict[str, np.ndarray], N: int) -> np.ndarray:
    """ln s(n) of labelled elements (:class:`SectorBasis`)."""
    m_ket = lab["n10"] + lab["n11"]
    m_bra = lab["n01"] + lab["n11"]
    # s = C(m_ket, n10) C(N − m_ket, n01) √(C(N, m_ket)/C(N, m_bra)), written so that no term is O(N ln N)
    return (
        _log_binom(m_ket, lab["n10"])
        + _log_binom(N - m_ket, lab["n01"])
        + 0.5 * (_log_binom(N, m_ket) - _log_binom(N, m_bra))
    )


def _log_binom(n: np.ndarray | int, k: np.ndarray) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    k = np.asarray(k, dtype=float)
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
