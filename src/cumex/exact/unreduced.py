"""Test oracle: the permutation-symmetric Liouvillian WITHOUT the U(1) restriction (N ≲ 30).

Basis: |c⟩⟨d| ⊗ Sym(n) for all four (c, d) and all count vectors n = (n00, n01, n10, n11), Σ n = N:
4·C(N+3, 3) elements. Coordinates z(n) = x(n) √M(n), where ρ = Σ x(n) |c⟩⟨d| ⊗ Sym(n) and M(n) is the
number of placements, i.e. coefficients on the Hilbert–Schmidt-orthonormal elements Sym(n)/√M(n).

The generator is assembled generically, independently of :mod:`.liouvillian`: every term of the master
equation is a product (central map) ⊗ (one-site satellite map) whose 4×4 matrices are computed from the
Pauli matrices (XρY on |a⟩⟨b| gives Σ X[a',a] Y[b,b'] |a'⟩⟨b'|). A sum over satellites of a one-site map S
acts on Sym(n) as Σ_t [S_tt n_t Sym(n) + Σ_{t'≠t} S_{t't} (n_t' + 1) Sym(n − e_t + e_t')] (a placement
with one site changed from t to t' arises from n_t' + 1 placements of n); in z coordinates the factor of the
t ≠ t' entries becomes √(n_t (n_t' + 1)).
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.special import gammaln

from cumex.models.central_spin import CentralSpinParameters

__all__ = ["UnreducedBasis", "unreduced_liouvillian", "unreduced_steady_state", "unreduced_observables", "to_reduced"]

_SP = np.array([[0.0, 0.0], [1.0, 0.0]])  # σ⁺ = |1⟩⟨0|, basis (|0⟩ down, |1⟩ up)
_SM = _SP.T.copy()
_SZ = np.diag([-1.0, 1.0])
_I = np.eye(2)
_PAIRS = [(a, b) for a in (0, 1) for b in (0, 1)]  # one-site element |a⟩⟨b| has type index 2a + b


def _sandwich(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """4×4 matrix of ρ ↦ X ρ Y on the elements |a⟩⟨b| (column: source type, row: target type)."""
    S = np.zeros((4, 4), dtype=complex)
    for (a, b), (a2, b2) in itertools.product(_PAIRS, _PAIRS):
        S[2 * a2 + b2, 2 * a + b] = X[a2, a] * Y[b, b2]
    return S


def _commutator(H: np.ndarray) -> np.ndarray:
    return -1j * (_sandwich(H, _I) - _sandwich(_I, H))


def _dissipator(x: np.ndarray) -> np.ndarray:
    xdx = x.conj().T @ x
    return _sandwich(x, x.conj().T) - 0.5 * _sandwich(xdx, _I) - 0.5 * _sandwich(_I, xdx)


class UnreducedBasis:
    """All elements (c, d, n00, n01, n10, n11), with a lookup table for their index."""

    def __init__(self, N: int):
        self.N = N
        counts = [n for n in itertools.product(range(N + 1), repeat=3) if sum(n) <= N]  # (n01, n10, n11)
        cnt = np.array(counts, dtype=np.int64).reshape(-1, 3)
        cd = np.repeat(np.arange(4), len(counts))
        self.c = cd // 2
        self.d = cd % 2
        self.n = np.zeros((cd.size, 4), dtype=np.int64)  # columns: types 00, 01, 10, 11
        self.n[:, 1:] = np.tile(cnt, (4, 1))
        self.n[:, 0] = N - self.n[:, 1:].sum(axis=1)
        self.dim = cd.size
        self._lookup = np.full(4 * (N + 1) ** 3, -1, dtype=np.int64)
        self._lookup[self._key(self.c, self.d, self.n)] = np.arange(self.dim)

    def _key(self, c: np.ndarray, d: np.ndarray, n: np.ndarray) -> np.ndarray:
        N1 = self.N + 1
        return ((2 * c + d) * N1 + n[:, 1]) * N1 ** 2 + n[:, 2] * N1 + n[:, 3]

    def index(self, c: np.ndarray, d: np.ndarray, n: np.ndarray) -> np.ndarray:
        return self._lookup[self._key(c, d, n)]

    def log_placements(self) -> np.ndarray:
        """ln M(n) = ln N! − Σ_t ln n_t!"""
        return gammaln(self.N + 1) - gammaln(self.n + 1).sum(axis=1)


def unreduced_liouvillian(params: CentralSpinParameters, basis: UnreducedBasis | None = None) -> sp.csr_matrix:
    basis = basis or UnreducedBasis(params.N)
    central = _commutator(0.5 * params.omega * _SZ) + params.kappa * _dissipator(_SM)
    satellite = (
        _commutator(0.5 * params.epsilon * _SZ)
        + params.gamma_up * _dissipator(_SP)
        + params.gamma_down * _dissipator(_SM)
    )
    g = params.g
    # (central map, satellite one-site map) pairs of −ig Σ_n [σ0⁺σn⁻ + σ0⁻σn⁺, ρ]
    coupling = [
        (-1j * g * _sandwich(_SP, _I), _sandwich(_SM, _I)),
        (-1j * g * _sandwich(_SM, _I), _sandwich(_SP, _I)),
        (1j * g * _sandwich(_I, _SP), _sandwich(_I, _SM)),
        (1j * g * _sandwich(_I, _SM), _sandwich(_I, _SP)),
    ]
    terms = [(central, None), (np.eye(4), satellite)] + coupling
    rows, cols, vals = [], [], []
    src = np.arange(basis.dim)
    cd_src = 2 * basis.c + basis.d
    for C, S in terms:
        for cd_to, cd_from in itertools.product(range(4), range(4)):
            if C[cd_to, cd_from] == 0:
                continue
            sel = cd_src == cd_from
            c_to = np.full(sel.sum(), cd_to // 2)
            d_to = np.full(sel.sum(), cd_to % 2)
            n = basis.n[sel]
            if S is None:
                rows.append(basis.index(c_to, d_to, n))
                cols.append(src[sel])
                vals.append(np.full(sel.sum(), C[cd_to, cd_from]))
                continue
            for t_to, t_from in itertools.product(range(4), range(4)):
                if S[t_to, t_from] == 0:
                    continue
                ok = n[:, t_from] > 0
                n_new = n[ok].copy()
                if t_to == t_from:
                    factor = n[ok, t_from].astype(float)
                else:
                    n_new[:, t_from] -= 1
                    n_new[:, t_to] += 1
                    factor = np.sqrt(n[ok, t_from] * (n[ok, t_to] + 1.0))
                rows.append(basis.index(c_to[ok], d_to[ok], n_new))
                cols.append(src[sel][ok])
                vals.append(C[cd_to, cd_from] * S[t_to, t_from] * factor)
    return sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(basis.dim, basis.dim)
    ).tocsr()


def _trace_weights(basis: UnreducedBasis) -> np.ndarray:
    """Tr of each element in z coordinates: √M(n) for c = d and n01 = n10 = 0, else 0."""
    diag = (basis.c == basis.d) & (basis.n[:, 1] == 0) & (basis.n[:, 2] == 0)
    return np.where(diag, np.exp(0.5 * basis.log_placements()), 0.0)


def unreduced_steady_state(params: CentralSpinParameters) -> tuple[np.ndarray, UnreducedBasis]:
    """z of the steady state (trace 1): least-squares-free solve with one equation replaced by Tr ρ = 1."""
    basis = UnreducedBasis(params.N)
    L = unreduced_liouvillian(params, basis).tolil()
    tw = _trace_weights(basis)
    row = int(np.argmax(tw))
    L[row, :] = tw
    rhs = np.zeros(basis.dim, dtype=complex)
    rhs[row] = 1.0
    z = spla.spsolve(L.tocsc(), rhs)
    return z / (tw @ z), basis


def _one_body(basis: UnreducedBasis, tr_site: np.ndarray) -> np.ndarray:
    """Tr[Sym(n) Σ_s O_s]/√M(n) for each element, with tr_site[t] = Tr[|a⟩⟨b| O] (central part traced apart).

    A placement contributes only when every other site is diagonal: either all sites diagonal (then
    Σ_s gives n00 O_00 + n11 O_11) or exactly one off-diagonal site of type t (then it gives O_t).
    """
    n = basis.n
    M = np.exp(basis.log_placements())
    all_diag = (n[:, 1] == 0) & (n[:, 2] == 0)
    val = np.where(all_diag, n[:, 0] * tr_site[0] + n[:, 3] * tr_site[3], 0.0)
    val = val + np.where((n[:, 1] == 1) & (n[:, 2] == 0), tr_site[1], 0.0)
    val = val + np.where((n[:, 1] == 0) & (n[:, 2] == 1), tr_site[2], 0.0)
    return val * M / np.sqrt(M)


def unreduced_observables(z: np.ndarray, basis: UnreducedBasis) -> dict[str, float]:
    N = basis.N
    n = basis.n
    sqrtM = np.exp(0.5 * basis.log_placements())
    tr_of = lambda O: np.array([O[b, a] for a, b in _PAIRS])  # Tr[|a⟩⟨b| O] = ⟨b|O|a⟩  # noqa: E731
    diag = basis.c == basis.d
    p_up = float(np.real(z[(basis.c == 1) & (basis.d == 1)] @ np.where(
        (n[:, 1] == 0) & (n[:, 2] == 0), sqrtM, 0.0)[(basis.c == 1) & (basis.d == 1)]))
    sz_sat = float(np.real((z * np.where(diag, _one_body(basis, tr_of(_SZ)), 0.0)).sum())) / N
    # ⟨σ0⁺σn⁻⟩: Tr[|c⟩⟨d| σ0⁺] = ⟨d|σ⁺|c⟩ nonzero for c = 0, d = 1
    cs = complex((z * np.where((basis.c == 0) & (basis.d == 1), _one_body(basis, tr_of(_SM)), 0.0)).sum()) / N
    # ⟨σn⁺σm⁻⟩, n ≠ m: placements with exactly one |0⟩⟨1| site (Tr[·σ⁺] = 1) and one |1⟩⟨0| site
    pair = diag & (n[:, 1] == 1) & (n[:, 2] == 1)
    ss = float(np.real((z[pair] * sqrtM[pair]).sum())) / (N * (N - 1)) if N >= 2 else float("nan")
    return {
        "central_population": p_up,
        "sz_central": 2.0 * p_up - 1.0,
        "sz_satellite": sz_sat,
        "corr_central_satellite_re": cs.real,
        "corr_central_satellite_im": cs.imag,
        "corr_satellite_satellite": ss,
    }


def to_reduced(z: np.ndarray, basis: UnreducedBasis, reduced_labels: dict[str, np.ndarray]) -> np.ndarray:
    """w coordinates (B(n) = Sym(n)/√(C(N, m_ket) C(N, m_bra))) of the U(1)-sector elements listed."""
    n = np.stack([reduced_labels[k] for k in ("n00", "n01", "n10", "n11")], axis=1)
    idx = basis.index(reduced_labels["c"], reduced_labels["d"], n)
    N = basis.N
    log_c = lambda m: gammaln(N + 1) - gammaln(m + 1) - gammaln(N - m + 1)  # noqa: E731
    m_ket, m_bra = n[:, 2] + n[:, 3], n[:, 1] + n[:, 3]
    log_m = basis.log_placements()[idx]
    return z[idx] * np.exp(0.5 * (log_c(m_ket) + log_c(m_bra)) - 0.5 * log_m)
