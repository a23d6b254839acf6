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

from cumex.errors import CumexInputError
from cumex.models.central_spin import CentralSpinParameters

__all__ = ["MAX_N", "full_operators", "full_liouvillian", "full_steady_state", "full_observables", "full_evolve"]

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


def full_steady_state(params: CentralSpinParameters) -> np.ndarray:
    """Density matrix of the steady state (unique for these rates), trace 1."""
    L = full_liouvillian(params).tolil()
    dim = int(round(np.sqrt(L.shape[0])))
    L[0, :] = 0.0
    L[0, np.arange(dim) * (dim + 1)] = 1.0  # replace one equation by Tr ρ = 1
    rhs = np.zeros(L.shape[0], dtype=complex)
    rhs[0] = 1.0
    vec = spla.spsolve(L.tocsc(), rhs)
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
    vec = rho0.reshape(-1, order="F")
    out = []
    t_prev = times[0]
    for t in times:
        vec = expm(L * (t - t_prev)) @ vec
        t_prev = t
        out.append(vec.reshape(dim, dim, order="F"))
    return out
