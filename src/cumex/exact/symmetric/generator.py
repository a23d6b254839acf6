"""The permutation-symmetric generator in ζ coordinates (see :mod:`.basis`), vectorised sparse assembly.

Superoperators of one spin act on the row-major vec of a 2×2 operator (index 2a + b for |a⟩⟨b|):
vec(X ρ Y) = (X ⊗ Yᵀ) vec ρ. Every term of the master equation is (central 4×4 map C) ⊗ (bath map), the
bath map being the identity or a sum over sites Σ_k S^(k) of one 4×4 one-site map S. On Sym(n),

    Σ_k S^(k) Sym(n) = Σ_t S_tt n_t Sym(n) + Σ_{t'≠t} S_t't (n_t' + 1) Sym(n − e_t + e_t'),

(a placement of n' = n − e_t + e_t' arises from n'_t' = n_t' + 1 placements of n with one site changed).
With z = x √M(n) the t ≠ t' factor becomes √(n_t (n_t' + 1)) (M(n')/M(n) = n_t/(n_t' + 1)): the four-mode
boson form Σ S_t't a†_t' a_t. In ζ = z σ(n) it is multiplied by s_t'/s_t.

All terms are first summed into a central-only 4×4 matrix Kc and a tensor K[cd', cd, t', t] = Σ C ⊗ S, so
each matrix position is produced once (no duplicates to sum).

Real form. L maps Hermitian operators to Hermitian operators, so on the real coordinates
r_e = √2 Re ζ_e, r_{e†} = √2 Im ζ_e (e canonical) and r_e = ζ_e (e self) — an orthogonal change of
coordinates — it is a real matrix with about as many non-zeros as the complex one.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import scipy.sparse as sp

from cumex.exact.symmetric.basis import SymmetricBasis
from cumex.exact.symmetric.model import CentralSpinModel

__all__ = [
    "left",
    "right",
    "dissipator",
    "commutator",
    "liouvillian_tensors",
    "assemble",
    "real_form",
    "liouvillian",
]

_I2 = np.eye(2, dtype=complex)
_SQRT2 = math.sqrt(2.0)


def left(X: np.ndarray) -> np.ndarray:
    """ρ ↦ X ρ."""
    return np.kron(X, _I2)


def right(Y: np.ndarray) -> np.ndarray:
    """ρ ↦ ρ Y."""
    return np.kron(_I2, Y.T)


def commutator(H: np.ndarray) -> np.ndarray:
    """ρ ↦ −i[H, ρ]."""
    return -1j * (left(H) - right(H))


def dissipator(x: np.ndarray) -> np.ndarray:
    """ρ ↦ D[x]ρ = x ρ x† − {x†x, ρ}/2."""
    xdx = x.conj().T @ x
    return left(x) @ right(x.conj().T) - 0.5 * left(xdx) - 0.5 * right(xdx)


def liouvillian_tensors(model: CentralSpinModel, N: int) -> tuple[np.ndarray, np.ndarray]:
    """(Kc, K) of the master equation of ``model`` with N bath spins (module docstrings)."""
    Kc = commutator(model.central_hamiltonian)
    for rate, x in model.central_jumps:
        Kc = Kc + rate * dissipator(x)
    S = commutator(model.bath_hamiltonian)
    for rate, x in model.bath_jumps:
        S = S + rate * dissipator(x)
    K = np.einsum("ab,st->abst", np.eye(4), S)
    g = model.coupling_scale(N)
    for coef, A, B in model.coupling:
        # −i g c [A ⊗ B, ρ] = −i g c (A·)(B·) + i g c (·A)(·B)
        K = K + np.einsum("ab,st->abst", -1j * g * coef * left(A), left(B))
        K = K + np.einsum("ab,st->abst", 1j * g * coef * right(A), right(B))
    return Kc, K


def assemble(
    basis: SymmetricBasis,
    Kc: np.ndarray | None,
    K: np.ndarray | None,
    tol: float = 0.0,
    sources: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COO arrays (rows, cols, values) of Kc ⊗ 1 + Σ K[cd', cd, t', t] |cd'⟩⟨cd| ⊗ Σ_k |t'⟩⟨t|^(k) in ζ.

    Entries with |K| ≤ tol are skipped; no position appears twice. ``sources`` (block ranks) restricts the
    columns to those count vectors (all four cd blocks), e.g. for functionals with a known support.
    """
    S = basis.block
    n = basis.counts
    sources = np.arange(S) if sources is None else np.asarray(sources)
    Kc = np.zeros((4, 4), dtype=complex) if Kc is None else np.asarray(Kc, dtype=complex)
    K = np.zeros((4, 4, 4, 4), dtype=complex) if K is None else np.asarray(K, dtype=complex)
    idx_type = np.int32 if basis.dim < 2**31 - 1 else np.int64
    own = sources.astype(idx_type)
    rows, cols, vals = [], [], []
    nf = n[sources].astype(float)
    for cd_to, cd_from in itertools.product(range(4), range(4)):
        diag_k = np.array([K[cd_to, cd_from, t, t] for t in range(4)])
        if abs(Kc[cd_to, cd_from]) <= tol and np.all(np.abs(diag_k) <= tol):
            continue
        value = Kc[cd_to, cd_from] + nf @ np.where(np.abs(diag_k) > tol, diag_k, 0.0)
        keep = value != 0
        rows.append(own[keep] + idx_type(cd_to * S))
        cols.append(own[keep] + idx_type(cd_from * S))
        vals.append(value[keep])
    for t_to, t_from in itertools.product(range(4), range(4)):
        if t_to == t_from:
            continue
        block = K[:, :, t_to, t_from]
        if np.all(np.abs(block) <= tol):
            continue
        src = sources[n[sources, t_from] > 0]
        target = n[src].copy()
        target[:, t_from] -= 1
        target[:, t_to] += 1
        dst = basis.rank(target).astype(idx_type)
        factor = np.sqrt(n[src, t_from] * (n[src, t_to] + 1.0)) * basis.site_scale_ratio(t_to, t_from)
        src = src.astype(idx_type)
        for cd_to, cd_from in itertools.product(range(4), range(4)):
            if abs(block[cd_to, cd_from]) <= tol:
                continue
            rows.append(dst + idx_type(cd_to * S))  # type: ignore[operator]
            cols.append(src + idx_type(cd_from * S))
            vals.append(block[cd_to, cd_from] * factor)
    if not rows:
        return np.zeros(0, idx_type), np.zeros(0, idx_type), np.zeros(0, complex)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals).astype(complex)


def real_form(
    basis: SymmetricBasis, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, conj: np.ndarray | None = None
) -> sp.csr_matrix:
    """The real matrix on r coordinates (module docstring) of a Hermiticity-preserving complex COO map."""
    conj = basis.conjugate_index() if conj is None else conj
    keep = conj[rows] >= rows  # rows of canonical and self elements determine the (Hermitian) image
    i, j, v = rows[keep], cols[keep], vals[keep]
    ip = conj[i].astype(i.dtype)
    jconj = conj[j].astype(j.dtype)
    jc, jp = np.minimum(j, jconj), np.maximum(j, jconj)
    i_self, j_self = ip == i, jconj == j
    alpha = np.where(j_self, 1.0, 1.0 / _SQRT2)
    beta = np.where(j_self, 0.0, np.where(j < jconj, 1.0, -1.0) / _SQRT2) * 1j
    gamma = np.where(i_self, 1.0, _SQRT2)
    va, vb = v * alpha, v * beta
    parts = [
        (i, jc, gamma * va.real),
        (i, jp, np.where(j_self, 0.0, gamma * vb.real)),
        (ip, jc, np.where(i_self, 0.0, _SQRT2 * va.imag)),
        (ip, jp, np.where(i_self | j_self, 0.0, _SQRT2 * vb.imag)),
    ]
    r = np.concatenate([p[0] for p in parts])
    c = np.concatenate([p[1] for p in parts])
    x = np.concatenate([p[2] for p in parts])
    nz = x != 0
    return sp.csr_matrix((x[nz], (r[nz], c[nz])), shape=(basis.dim, basis.dim))


def liouvillian(model: CentralSpinModel, basis: SymmetricBasis, representation: str = "real") -> sp.csr_matrix:
    """The generator dζ/dt = L ζ ("complex") or dr/dt = L r ("real", see module docstring)."""
    Kc, K = liouvillian_tensors(model, basis.N)
    rows, cols, vals = assemble(basis, Kc, K)
    if representation == "complex":
        return sp.csr_matrix((vals, (rows, cols)), shape=(basis.dim, basis.dim))
    return real_form(basis, rows, cols, vals)
