"""Test oracle: the central spin model in the full 2^(N+1)-dimensional Hilbert space (N ≤ 6).

Same master equation as :mod:`.liouvillian`, built from Pauli matrices with Kronecker products and no use
of permutation symmetry. Superoperators act on column-stacked vec(ρ): vec(AρB) = (Bᵀ ⊗ A) vec(ρ).
Site 0 is the central spin, sites 1..N the satellites; the single-site basis is (|0⟩ = down, |1⟩ = up).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.linalg import expm
from scipy.special import comb

from cumex.errors import CumexInputError
from cumex.exact.basis import SectorBasis
from cumex.exact.threads import blas_threads
from cumex.models.central_spin import CentralSpinParameters

__all__ = ["MAX_N", "full_operators", "full_liouvillian", "full_steady_state", "full_observables", "full_evolve", "reduced_to_full"]

MAX_N = 6

_SP = sp.csr_matrix(np.array([[0.0, 0.0], [1.0, 0.0]]))  # σ⁺ = |1⟩⟨0|
_SM = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]]))  # σ⁻ = |0⟩⟨1|
_SZ = sp.csr_matrix(np.diag([-1.0, 1.0]))


def _site(op: sp.spmatrix, site: int, n_sites: int) -> sp.csr_matrix:
    out = sp.identity(1, format="csr")
    for s in range(n_sites):
        out = sp.kron(out, op if s == site else sp.identity(2), format="csr")
    return out


def full_operators(N: int) -> dict[str, list[sp.csr_matrix]]:
    """Lists of σ⁺, σ⁻, σ^z on every site 0..N (site 0 central)."""
    if not 1 <= N <= MAX_N:
        raise CumexInputError("N", N, f"1..{MAX_N} for the brute-force oracle")
    n = N + 1
    return {
        "sp": [_site(_SP, s, n) for s in range(n)],
        "sm": [_site(_SM, s, n) for s in range(n)],
        "sz": [_site(_SZ, s, n) for s in range(n)],
    }


def full_liouvillian(params: CentralSpinParameters) -> sp.csr_matrix:
    ops = full_operators(params.N)
    sp_, sm, sz = ops["sp"], ops["sm"], ops["sz"]
    H = 0.5 * params.omega * sz[0]
    for s in range(1, params.N + 1):
        H = H + 0.5 * params.epsilon * sz[s] + params.g * (sp_[0] @ sm[s] + sm[0] @ sp_[s])
    dim = H.shape[0]
    eye = sp.identity(dim, format="csr")
    L = -1j * (sp.kron(eye, H) - sp.kron(H.T, eye))
    jumps = [(params.kappa, sm[0])]
    jumps += [(params.gamma_up, sp_[s]) for s in range(1, params.N + 1)]
    jumps += [(params.gamma_down, sm[s]) for s in range(1, params.N + 1)]
    for rate, x in jumps:
        xdx = (x.conj().T @ x).tocsr()
        L = L + rate * (sp.kron(x.conj(), x) - 0.5 * sp.kron(eye, xdx) - 0.5 * sp.kron(xdx.T, eye))
    return L.tocsr()


def _excitations(dim: int) -> np.ndarray:
    return np.array([bin(i).count("1") for i in range(dim)])


def full_steady_state(params: CentralSpinParameters) -> np.ndarray:
    """Density matrix of the steady state (unique for these rates), trace 1.

    The generator conserves (excitations of the ket) − (excitations of the bra), so the steady state is
    found among the vec(ρ) entries ρ_ij with equal excitation numbers of i and j (the restriction is
    checked: no entry of L leads out of that set); the rest of ρ is zero.
    """
    L = full_liouvillian(params).tocsc()
    dim = 2 ** (params.N + 1)
    exc = _excitations(dim)
    i, j = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    vec_index = (i + dim * j).ravel()  # column stacking
    inside = vec_index[(exc[i] == exc[j]).ravel()]
    outside = np.setdiff1d(np.arange(dim * dim), inside)
    if L[outside][:, inside].count_nonzero() != 0:
        raise AssertionError("the Liouvillian leaves the zero-charge sector")
    A = L[inside][:, inside].tolil()
    diag_pos = np.flatnonzero(np.isin(inside, np.arange(dim) * (dim + 1)))
    A[0, :] = 0.0
    A[0, diag_pos] = 1.0  # replace one equation by Tr ρ = 1
    rhs = np.zeros(inside.size, dtype=complex)
    rhs[0] = 1.0
    vec = np.zeros(dim * dim, dtype=complex)
    with blas_threads(1):
        vec[inside] = spla.spsolve(A.tocsc(), rhs)
    rho = vec.reshape(dim, dim, order="F")
    return rho / np.trace(rho)


def full_observables(rho: np.ndarray, N: int) -> dict[str, float]:
    ops = full_operators(N)
    ev = lambda op: complex(np.trace(op @ rho))  # noqa: E731
    p_up = ev(ops["sp"][0] @ ops["sm"][0]).real
    cs = ev(ops["sp"][0] @ ops["sm"][1])
    return {
        "central_population": p_up,
        "sz_central": ev(ops["sz"][0]).real,
        "sz_satellite": ev(ops["sz"][1]).real,
        "corr_central_satellite_re": cs.real,
        "corr_central_satellite_im": cs.imag,
        "corr_satellite_satellite": ev(ops["sp"][1] @ ops["sm"][2]).real if N >= 2 else float("nan"),
    }


def full_evolve(params: CentralSpinParameters, rho0: np.ndarray, times: np.ndarray) -> list[np.ndarray]:
    """Density matrices at the given times (times[0] is the time of rho0), by exact exponentiation."""
    L = full_liouvillian(params).toarray()
    dim = rho0.shape[0]
    if dim > 16:
        raise CumexInputError("rho0", f"dimension {dim}", "N <= 3 for dense exponentiation")
    vec = rho0.reshape(-1, order="F")
    out = []
    t_prev = times[0]
    for t in times:
        with blas_threads(1):
            vec = expm(L * (t - t_prev)) @ vec
        t_prev = t
        out.append(vec.reshape(dim, dim, order="F"))
    return out


def reduced_to_full(w: np.ndarray, N: int) -> np.ndarray:
    """The 2^(N+1)-dimensional density matrix of a reduced state w (site 0 = most significant bit).

    Element ((c, a), (d, b)) with satellite bit strings a, b equals w(c, d, n)/√(C(N, |a|) C(N, |b|)) where n
    counts the site types of (a, b), and 0 outside the U(1) sector (definition of B(n) in :mod:`.basis`).
    """
    if not 1 <= N <= MAX_N + 2:
        raise CumexInputError("N", N, f"1..{MAX_N + 2} to build a full density matrix")
    basis = SectorBasis(N)
    strings = np.arange(2**N)
    bits = (strings[:, None] >> np.arange(N)[None, :]) & 1
    a = np.repeat(bits, 2**N, axis=0)  # all (a, b) pairs, a major
    b = np.tile(bits, (2**N, 1))
    n01 = ((a == 0) & (b == 1)).sum(axis=1)
    n10 = ((a == 1) & (b == 0)).sum(axis=1)
    n11 = ((a == 1) & (b == 1)).sum(axis=1)
    norm = np.sqrt(comb(N, a.sum(axis=1)) * comb(N, b.sum(axis=1)))
    dim = 2 ** (N + 1)
    rho = np.zeros((dim, dim), dtype=complex)
    ia = np.repeat(strings, 2**N)
    ib = np.tile(strings, 2**N)
    for c in (0, 1):
        for d in (0, 1):
            ok = (n01 - n10) == (c - d)
            idx = basis.index(np.full(ok.sum(), c), np.full(ok.sum(), d), n01[ok], n10[ok], n11[ok])
            rho[c * 2**N + ia[ok], d * 2**N + ib[ok]] = w[idx] / norm[ok]
    return rho
