"""The Tavis–Cummings generator in the total-angular-momentum (Dicke) basis of the emitters, U(1) sector.

Master equation as in :mod:`.parameters` (D[x]ρ = xρx† − {x†x, ρ}/2, local Γ↑ D[σn^+], Γ↓ D[σn^-], κ D[a]).

Basis. N spins ½ decompose as ⊕_j V_j ⊗ C^{d_j}, d_j = (2j + 1) N!/((N/2 + j + 1)! (N/2 − j)!); an operator
invariant under permutations of the emitters is ⊕_j X_j ⊗ 1_{d_j}. Labels: l = N/2 − j (0..⌊N/2⌋) and the
emitter excitation e = m + N/2 ∈ [l, N − l]. The generator conserves ket minus bra excitations, so the steady
state has p + e = q + e' =: E on both sides: ρ = Σ_{l,E} Σ_{p,q} x(l, E, p, q) |p, e⟩⟨q, e'| ⊗ 1_{d_j}/d_j with
e = E − p, e' = E − q. Why this normalisation: Tr ρ = Σ x(l, E, p, p), and x(l, E, p, p) is the probability of
(j, p photons, e excitations), so |x| ≤ 1. One block (l, E) holds the p with 0 ≤ p ≤ F and l ≤ E − p ≤ N − l:
n ≤ min(F + 1, 2j + 1) photon numbers, n² elements. The dimension, Σ n², equals that of the U(1) sector of
:mod:`.basis` (both span the same operators); what changes is the structure:

* H = ωa†a + εJ_z + g(a†J^- + aJ^+) keeps j and E: it acts inside each block as −i(H_b x − x H_b) with H_b
  tridiagonal in p, ⟨p + 1, e − 1|H|p, e⟩ = g √(p + 1) c(e), c(e) = √((j + m)(j − m + 1)) = √((e − l)(N − l − e + 1)).
* the anticommutators are diagonal: K = κp + Γ↓e + Γ↑(N − e) (Σσn^+σn^- = J_z + N/2 = e).
* κ a ρ a†: (l, E, p, q) → (l, E − 1, p − 1, q − 1) with κ √(pq).
* local jumps Σ_n σn^- ρ σn^+ (Γ↓; E → E − 1) and Σ_n σn^+ ρ σn^- (Γ↑; E → E + 1) keep p, q and move j by
  0, ±1. Derivation: for invariant X, Σ_n σn^- X σn^+ = N·Sym(σ_N^- X σ_N^+) (Sym = average over
  permutations). Coupling emitter N to the other N − 1 (total j₁ = j ± ½, multiplicity d^{N−1}_{j₁}) and
  projecting with Tr[Sym(Z) W] = Tr[Z W] for invariant W gives, in the x normalisation,

      x'(l', E − 1, p, q) += Γ↓ N Σ_{j₁} (d^{N−1}_{j₁}/d^N_j) M_{j₁}(m) M_{j₁}(m') x(l, E, p, q),
      M_{j₁}(m) = ⟨j', m − 1 | j₁, m − ½; ½, −½⟩ ⟨j₁, m − ½; ½, ½ | j, m⟩          (Clebsch–Gordan, Condon–Shortley)

  with j' = j₁ ± ½; for Γ↑ the same with m ± 1, m + ½ and the spin-½ projections swapped. A product of two
  coefficients of the same (j₁, j') keeps the sign convention out of the result. Trace preservation,
  Σ_{j₁, j'} N (d^{N−1}_{j₁}/d^N_j) M_{j₁}(m)² = e, is a test.

Elements are stored block after block, blocks in increasing E (then l), so that the elements of one E form a
contiguous slice, in each block row-major in (p, q) (in the band |p − q| ≤ K with a coherence cutoff); the key
(E, l, p, q) is one mixed-radix integer searched in sorted keys, −1 outside the basis (transitions out of a truncated basis dropped;
with the Fock cutoff that is exactly the truncated mode a with a†|F⟩ = 0, trace preserving).

Emitter window (optional, :class:`EmitterWindow`). Only the elements whose ket AND bra emitter labels lie in
a per-l interval, e, e' ∈ [e_lo(l), e_hi(l)] for l_lo ≤ l ≤ l_hi, are kept (the steady state of N ≫ 1 emitters
lives on a patch of width ~√N in (l, e)). H, κ a ρ a† and the anticommutators keep (l, e, e') of their source
(H moves p and e together inside a block; κ lowers p, q and E, keeping e, e'), so only the local jumps leave
a window, and only they are dropped at its edge. Trace preservation: the trace tᵀx = Σ x(l, E, p, p) is fed only
by population columns (H from a coherence |p, e⟩⟨p + 1, e − 1| reaches the two populations with its own
labels, ±i g √(p + 1) c(e), which cancel; jumps keep p ≠ q). So for each population source the rate of the
dropped jumps is removed from its loss, K/2 + K/2 on the diagonal (:func:`dicke_generator`, square case):
the column sums over the populations are then exactly 0, and the truncated generator is the rate matrix of
the jumps inside the window on the populations (a jump that would leave is replaced by staying). The
coherences keep their full decay (they carry no trace). Without a window the basis is the full one above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln

from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters

__all__ = ["DickeBasis", "EmitterWindow", "dicke_generator", "log_degeneracy", "local_jump_terms",
           "local_jump_arrays"]


def log_degeneracy(N: int, j: np.ndarray | float) -> np.ndarray:
    """ln d^N_j, d^N_j = (2j + 1) N!/((N/2 + j + 1)! (N/2 − j)!); −inf where j is not allowed for N."""
    j = np.asarray(j, dtype=float)
    ok = (j >= 0) & (j <= N / 2) & (np.abs((N / 2 - j) - np.round(N / 2 - j)) < 1e-9)
    jj = np.where(ok, j, 0.0)
    out = np.log(2 * jj + 1) + gammaln(N + 1.0) - gammaln(N / 2 + jj + 2) - gammaln(N / 2 - jj + 1)
    return np.where(ok, out, -np.inf)


def _cg_half(j1: float, J: np.ndarray | float, M: np.ndarray, s: float) -> np.ndarray:
    """⟨j₁, M − s; ½, s | J, M⟩ for J = j₁ ± ½, s = ±½ (0 where |M − s| > j₁ or |M| > J)."""
    M = np.asarray(M, dtype=float)
    den = 2 * j1 + 1
    if J > j1:  # J = j1 + 1/2
        val = np.sqrt(np.maximum(j1 + M + 0.5, 0) / den) if s > 0 else np.sqrt(np.maximum(j1 - M + 0.5, 0) / den)
    else:  # J = j1 − 1/2
        val = -np.sqrt(np.maximum(j1 - M + 0.5, 0) / den) if s > 0 else np.sqrt(np.maximum(j1 + M + 0.5, 0) / den)
    inside = (np.abs(M - s) <= j1 + 1e-9) & (np.abs(M) <= J + 1e-9)
    return np.where(inside, val, 0.0)


def _degeneracy_ratio(N: int, j, j1):
    """N d^{N−1}_{j₁}/d^N_j in closed form: (2j + 2)/(2j + 1) (N/2 − j) for j₁ = j + ½ and
    2j/(2j + 1) (N/2 + j + 1) for j₁ = j − ½ (the factorials of :func:`log_degeneracy` cancel). j may be an
    array (then j₁ − j is one of ±½ for all of it).

    Why not exp of a difference of :func:`log_degeneracy`: those logs are ~N ln N, so the difference carries an
    absolute rounding error ~1e-16 N ln N (7e-12 at N = 2000), a relative error of every jump rate that moved p0↑
    of the central spin by 9e-11 at N = 2000 (fixed g√N, r = 0.75; the ladder route, whose rates are integers,
    and the excitation balance κ p0↑ = N(Γ↑ − Γ_T p_sat) both showed it)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # 2j + 1 = 0 only where j₁ = j − ½ does not exist
        if np.all(np.asarray(j1) > np.asarray(j)):
            return (2 * j + 2) / (2 * j + 1) * (N / 2 - j)
        return 2 * j / (2 * j + 1) * (N / 2 + j + 1)


def local_jump_terms(N: int, l: int, up: bool) -> list[tuple[int, float, Callable[..., np.ndarray]]]:
    """The terms (l', ratio, f) of Σ_n σn^∓ ρ σn^± from block j = N/2 − l: coefficient ratio·f(e)·f(e').

    ``up`` False: σ^- (e → e − 1), True: σ^+ (e → e + 1); ratio = N d^{N−1}_{j₁}/d^N_j; f maps e to M_{j₁}(m).
    """
    j = N / 2 - l
    s_in, s_out = (0.5, -0.5) if not up else (-0.5, 0.5)  # spin-½ projection of emitter N before, after
    dm = -1 if not up else 1
    out = []
    for j1 in (j + 0.5, j - 0.5):
        if j1 < 0 or j1 > (N - 1) / 2 + 1e-9:
            continue
        ratio = float(_degeneracy_ratio(N, j, j1))
        for jp in (j1 + 0.5, j1 - 0.5):
            if jp < 0:
                continue

            def f(e, j1=j1, jp=jp):
                m = np.asarray(e, dtype=float) - N / 2
                return _cg_half(j1, jp, m + dm, s_out) * _cg_half(j1, j, m, s_in)

            out.append((int(round(N / 2 - jp)), ratio, f))
    return out


def _cg_half_arrays(j1: np.ndarray, upper: bool, M: np.ndarray, s: float) -> np.ndarray:
    """:func:`_cg_half` for arrays of j₁, with J = j₁ + ½ (``upper``) or j₁ − ½ for every element."""
    with np.errstate(divide="ignore", invalid="ignore"):
        den = 2 * j1 + 1
        plus, minus = np.sqrt(np.maximum(j1 + M + 0.5, 0) / den), np.sqrt(np.maximum(j1 - M + 0.5, 0) / den)
    if upper:
        val, J = (plus if s > 0 else minus), j1 + 0.5
    else:
        val, J = (-minus if s > 0 else plus), j1 - 0.5
    inside = (np.abs(M - s) <= j1 + 1e-9) & (np.abs(M) <= J + 1e-9)
    return np.where(inside, val, 0.0)


def local_jump_arrays(N: int, l: np.ndarray, e: np.ndarray, e2: np.ndarray,
                      up: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`local_jump_terms` for every element (l, e, e') at once: per channel (j₁ = j ± ½, j' = j₁ ± ½), the
    target row l' and the coefficient ratio·f(e)·f(e') (0 where the channel does not exist). One call per
    channel instead of one per row l and channel (the generator at N = 10,000 had 27,000 such calls)."""
    l = np.asarray(l)
    j = N / 2 - l.astype(float)
    s_in, s_out = (0.5, -0.5) if not up else (-0.5, 0.5)
    dm = -1 if not up else 1
    m, m2 = np.asarray(e, dtype=float) - N / 2, np.asarray(e2, dtype=float) - N / 2
    out = []
    for a in (0.5, -0.5):
        j1 = j + a
        exists = (j1 >= 0) & (j1 <= (N - 1) / 2 + 1e-9)
        ratio = _degeneracy_ratio(N, j, j1)
        # ⟨j₁, m − s_in; ½, s_in | j, m⟩ of the ket and the bra: the same for both channels j' of this j₁
        ket_in, bra_in = _cg_half_arrays(j1, a < 0, m, s_in), _cg_half_arrays(j1, a < 0, m2, s_in)
        for b in (0.5, -0.5):
            ok = exists & (j1 + b >= 0)
            with np.errstate(invalid="ignore"):
                ket = _cg_half_arrays(j1, b > 0, m + dm, s_out) * ket_in
                bra = _cg_half_arrays(j1, b > 0, m2 + dm, s_out) * bra_in
                coef = np.where(ok, ratio * ket * bra, 0.0)
            out.append((l - int(round(a + b)), coef))
    return out


@dataclass(frozen=True)
class EmitterWindow:
    """Emitter labels kept (module docstring): l_lo ≤ l ≤ l_lo + len(e_lo) − 1 and e_lo[i] ≤ e ≤ e_hi[i] for
    l = l_lo + i (clipped to the multiplet, l ≤ e ≤ N − l, by the basis). Tuples, so that the basis hashes."""

    l_lo: int
    e_lo: tuple[int, ...]
    e_hi: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.e_lo) != len(self.e_hi) or len(self.e_lo) == 0 or self.l_lo < 0:
            raise ValueError("EmitterWindow needs l_lo >= 0 and e_lo, e_hi of one common, non-zero length")

    @property
    def l_hi(self) -> int:
        return self.l_lo + len(self.e_lo) - 1

    @classmethod
    def from_arrays(cls, l_lo: int, e_lo, e_hi) -> EmitterWindow:
        return cls(int(l_lo), tuple(int(v) for v in e_lo), tuple(int(v) for v in e_hi))

    def bounds(self, N: int) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) of e for every l = 0..⌊N/2⌋, clipped to the multiplet; lo > hi where l is outside."""
        n_l = N // 2 + 1
        l = np.arange(n_l)
        lo, hi = l.copy(), N - l
        inside = (l >= self.l_lo) & (l <= self.l_hi)
        idx = np.clip(l - self.l_lo, 0, len(self.e_lo) - 1)
        lo = np.where(inside, np.maximum(lo, np.asarray(self.e_lo)[idx]), 1)
        hi = np.where(inside, np.minimum(hi, np.asarray(self.e_hi)[idx]), 0)
        return lo, hi

    def grown(self, N: int, by: int) -> EmitterWindow:
        """The window larger by ``by`` layers on every side: row l gets the e-interval of the rows within
        ``by`` of it, widened by ``by`` (so that it holds every state ``by`` local jumps away, which move l and e
        together); rows beyond the old ones copy the edge rows."""
        l_lo, l_hi = max(self.l_lo - by, 0), min(self.l_hi + by, N // 2)
        old_lo, old_hi = np.asarray(self.e_lo), np.asarray(self.e_hi)
        e_lo, e_hi = [], []
        for l in range(l_lo, l_hi + 1):
            near = np.arange(max(l - by - self.l_lo, 0), min(l + by - self.l_lo, len(old_lo) - 1) + 1)
            if near.size == 0:  # beyond the old rows by more than ``by`` (cannot happen): the nearest edge row
                near = np.array([0 if l < self.l_lo else len(old_lo) - 1])
            e_lo.append(old_lo[near].min() - by)
            e_hi.append(old_hi[near].max() + by)
        return EmitterWindow.from_arrays(l_lo, e_lo, e_hi)


@dataclass(frozen=True)
class DickeBasis:
    """Blocks (l, E) of N emitters and Fock levels 0..fock (module docstring), optionally inside an emitter
    ``window`` (None: every l and e); ``coherence`` K keeps only the elements with |p − q| ≤ K (the blocks
    become bands; None: no cutoff)."""

    N: int
    fock: int
    window: EmitterWindow | None = None
    coherence: int | None = None

    @cached_property
    def _e_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Per l: the allowed e interval (the multiplet l..N − l, intersected with the window)."""
        if self.window is None:
            l = np.arange(self.n_l)
            return l, self.N - l
        return self.window.bounds(self.N)

    @property
    def n_l(self) -> int:
        return self.N // 2 + 1

    @property
    def n_E(self) -> int:
        return self.N + self.fock + 1

    @cached_property
    def blocks(self) -> dict[str, np.ndarray]:
        """Per block: l, E, p_lo, n (photon numbers p_lo..p_lo + n − 1) and start (first storage index)."""
        e_lo, e_hi = self._e_bounds
        if self.window is None:
            E, l = (x.ravel() for x in np.meshgrid(np.arange(self.n_E), np.arange(self.n_l), indexing="ij"))
        else:  # only the rows and E of the window (the full lattice has ~N²/2 sites)
            rows = np.flatnonzero(e_lo <= e_hi)
            counts = e_hi[rows] - e_lo[rows] + self.fock + 1
            l = np.repeat(rows, counts)
            E = np.repeat(e_lo[rows], counts) + np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
            srt = np.lexsort((l, E))
            E, l = E[srt], l[srt]
        p_lo = np.maximum(0, E - e_hi[l])
        p_hi = np.minimum(self.fock, E - e_lo[l])
        n = p_hi - p_lo + 1
        keep = n > 0
        out = {"l": l[keep], "E": E[keep], "p_lo": p_lo[keep], "n": n[keep]}
        out["size"] = out["n"] ** 2 - self._outside_band(out["n"])  # elements of the block
        out["start"] = np.concatenate([[0], np.cumsum(out["size"])[:-1]])
        for x in out.values():
            x.flags.writeable = False
        return out

    def _outside_band(self, n: np.ndarray) -> np.ndarray:
        """Elements of an n × n block with |p − q| > K: (n − K − 1)(n − K) where n > K + 1."""
        if self.coherence is None:
            return np.zeros_like(n)
        m = np.maximum(n - self.coherence - 1, 0)
        return m * (m + 1)

    @property
    def dim(self) -> int:
        return int(self.blocks["size"].sum())

    @cached_property
    def labels(self) -> dict[str, np.ndarray]:
        """Arrays l, E, p, q, e, e2 (= E − q) of every element in storage order (read-only)."""
        b = self.blocks
        K = int(b["n"].max(initial=1)) if self.coherence is None else self.coherence
        row_blk = np.repeat(np.arange(b["n"].size), b["n"])  # one entry per row p of every block
        i = np.arange(row_blk.size) - np.repeat(np.cumsum(b["n"]) - b["n"], b["n"])  # p − p_lo
        q_lo = np.maximum(i - K, 0)
        length = np.minimum(i + K, b["n"][row_blk] - 1) - q_lo + 1  # the row's q in the band
        blk = np.repeat(row_blk, length)
        k = np.arange(blk.size) - np.repeat(np.cumsum(length) - length, length)
        p = b["p_lo"][blk] + np.repeat(i, length)
        q = b["p_lo"][blk] + np.repeat(q_lo, length) + k
        l, E = b["l"][blk], b["E"][blk]
        out = {"l": l, "E": E, "p": p, "q": q, "e": E - p, "e2": E - q, "block": blk}
        for x in out.values():
            x.flags.writeable = False
        return out

    def _key(self, l, E, p, q):
        r_f = self.fock + 1
        return ((np.asarray(E, dtype=np.int64) * self.n_l + l) * r_f + p) * r_f + q

    @cached_property
    def _sorted(self) -> np.ndarray:
        lab = self.labels
        keys = self._key(lab["l"], lab["E"], lab["p"], lab["q"])
        assert np.all(np.diff(keys) > 0)  # storage order is key order
        return keys

    def index(self, l, E, p, q) -> np.ndarray:
        """Storage index of each (l, E, p, q) (arrays broadcast), −1 outside the basis."""
        l, E, p, q = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in (l, E, p, q)))
        e_lo, e_hi = self._e_bounds
        ok_l = (l >= 0) & (l < self.n_l)
        lc = np.where(ok_l, l, 0)
        lo, hi = e_lo[lc], e_hi[lc]
        valid = (
            ok_l & (p >= 0) & (p <= self.fock) & (q >= 0) & (q <= self.fock)
            & (E - p >= lo) & (E - p <= hi) & (E - q >= lo) & (E - q <= hi)
        )
        if self.coherence is not None:
            valid &= np.abs(p - q) <= self.coherence
        keys = self._sorted
        key = self._key(np.where(valid, l, 0), np.where(valid, E, 0), np.where(valid, p, 0), np.where(valid, q, 0))
        pos = np.clip(np.searchsorted(keys, key), 0, keys.size - 1)
        return np.where(valid & (keys[pos] == key), pos, -1)

    def boundary(self) -> np.ndarray:
        """Mask over the elements with a local jump (l → l' ∈ {l − 1, l, l + 1}, e, e' → e ± 1, e' ± 1) that
        stays in the multiplets but leaves the window (the jumps dropped there); all False without a window."""
        if self.window is None:
            return np.zeros(self.dim, dtype=bool)
        lab = self.labels
        l, e, e2 = lab["l"], lab["e"], lab["e2"]
        lo, hi = self._e_bounds
        out = np.zeros(self.dim, dtype=bool)
        for dl in (-1, 0, 1):
            lp = l + dl
            ok_l = (lp >= 0) & (lp < self.n_l)
            lc = np.where(ok_l, lp, 0)
            for de in (-1, 1):
                a, b = e + de, e2 + de
                physical = ok_l & (a >= lc) & (a <= self.N - lc) & (b >= lc) & (b <= self.N - lc)
                inside = (a >= lo[lc]) & (a <= hi[lc]) & (b >= lo[lc]) & (b <= hi[lc])
                out |= physical & ~inside
        return out

    def populations(self) -> np.ndarray:
        """Indices of the elements with p = q (the probabilities of (j, p, e))."""
        lab = self.labels
        return np.flatnonzero(lab["p"] == lab["q"])


def _exchange(N: int, l: np.ndarray, e: np.ndarray) -> np.ndarray:
    """c(e) = ⟨e − 1|J^-|e⟩ = √((e − l)(N − l − e + 1)) (0 outside the multiplet)."""
    return np.sqrt(np.maximum((e - l) * (N - l - e + 1), 0).astype(float))


def block_hamiltonian_parts(params: TavisCummingsParameters, basis: DickeBasis, b: int) -> np.ndarray:
    """H_eff = H − (i/2)K of block b (n × n, in p_lo..p_lo + n − 1): the block-diagonal part is −i(H_eff x − x H_eff†)."""
    blk = basis.blocks
    N, l, E, p0, n = params.N, int(blk["l"][b]), int(blk["E"][b]), int(blk["p_lo"][b]), int(blk["n"][b])
    p = np.arange(p0, p0 + n)
    e = E - p
    K = params.kappa * p + params.gamma_down * e + params.gamma_up * (N - e)
    H = np.diag(params.omega * p + params.epsilon * (e - N / 2) - 0.5j * K)
    off = params.g * np.sqrt(p[:-1] + 1.0) * _exchange(N, np.full(n - 1, l), e[:-1])  # ⟨p+1, e−1|H|p, e⟩
    H[np.arange(1, n), np.arange(n - 1)] = off
    H[np.arange(n - 1), np.arange(1, n)] = off
    return H


def dicke_generator(
    params: TavisCummingsParameters, source: DickeBasis, target: DickeBasis | None = None
) -> sp.csr_matrix:
    """Matrix of dx/dt = L x from ``source`` to rows on ``target`` (default the same; a larger target gives the
    action of the less truncated generator, used for the residual). Square on a windowed basis: the jumps
    that leave the window are dropped with their loss on the populations (module docstring), so that
    tᵀL = 0 exactly; with a larger target nothing is compensated (the rows outside carry the leaks)."""
    square = target is None or target == source
    target = target or source
    if target.N != source.N or source.N != params.N:
        raise ValueError("source, target and params must have the same N")
    N = params.N
    lab = source.labels
    l, E, p, q, e, e2 = (lab[k] for k in ("l", "E", "p", "q", "e", "e2"))
    src = np.arange(source.dim, dtype=np.int64)
    rows, cols, vals = [], [], []

    compensate = square and source.window is not None
    kept_loss = np.zeros(source.dim)  # per population source: the rate of its jumps dropped at the window

    def add(sel, tl, tE, tp, tq, value, jump=False):
        t_idx = target.index(tl, tE, tp, tq)
        inside = t_idx >= 0
        value = np.broadcast_to(np.asarray(value, dtype=complex), t_idx.shape)
        rows.append(t_idx[inside].astype(np.int32))  # int32: a third less memory while the COO list grows
        cols.append(sel[inside].astype(np.int32))
        vals.append(value[inside])
        if jump and compensate:
            out = ~inside & (p[sel] == q[sel])
            np.add.at(kept_loss, sel[out], value[out].real)

    K = lambda pp, ee: params.kappa * pp + params.gamma_down * ee + params.gamma_up * (N - ee)  # noqa: E731
    diag = -1j * (params.omega * (p - q) + params.epsilon * (e - e2)) - 0.5 * (K(p, e) + K(q, e2))
    add(src, l, E, p, q, diag)
    g = params.g
    # −i H x: (p, e) → (p + 1, e − 1) with g √(p + 1) c(e), and (p, e) → (p − 1, e + 1) with g √p c(e + 1)
    add(src, l, E, p + 1, q, -1j * g * np.sqrt(p + 1.0) * _exchange(N, l, e))
    add(src, l, E, p - 1, q, -1j * g * np.sqrt(p.astype(float)) * _exchange(N, l, e + 1))
    # +i x H on the bra side, the same with q, e'
    add(src, l, E, p, q + 1, 1j * g * np.sqrt(q + 1.0) * _exchange(N, l, e2))
    add(src, l, E, p, q - 1, 1j * g * np.sqrt(q.astype(float)) * _exchange(N, l, e2 + 1))
    sel = np.flatnonzero((p > 0) & (q > 0))
    add(sel, l[sel], E[sel] - 1, p[sel] - 1, q[sel] - 1, params.kappa * np.sqrt((p[sel] * q[sel]).astype(float)))
    for up, rate in ((False, params.gamma_down), (True, params.gamma_up)):
        if rate == 0:
            continue
        for lp, coef in local_jump_arrays(N, l, e, e2, up):
            nz = np.flatnonzero(coef != 0)
            add(nz, lp[nz], E[nz] + (1 if up else -1), p[nz], q[nz], rate * coef[nz], jump=True)
    if compensate:
        add(src, l, E, p, q, kept_loss)
    L = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(target.dim, source.dim))
    return L.tocsr()
