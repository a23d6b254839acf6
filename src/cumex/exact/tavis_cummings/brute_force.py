"""Test oracle: the Tavis–Cummings model in the full Hilbert space (Fock levels 0..F ⊗ N two-level emitters).

Same master equation as :mod:`.parameters`, built from truncated ladder operators with Kronecker products and
no use of permutation or U(1) symmetry. Superoperators act on column-stacked vec(ρ):
vec(AρB) = (Bᵀ ⊗ A) vec(ρ). Emitter basis per site (|0⟩ = ground, |1⟩ = excited); the cavity is the first factor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cumex.errors import CumexInputError
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters

__all__ = ["MAX_N", "full_operators", "full_liouvillian", "full_steady_state", "full_observables"]

MAX_N = 5

_SP = sp.csr_matrix(np.array([[0.0, 0.0], [1.0, 0.0]]))  # σ⁺ = |1⟩⟨0|
_SM = _SP.T.tocsr()
_SZ = sp.csr_matrix(np.diag([-1.0, 1.0]))


def full_operators(N: int, fock: int) -> dict[str, Any]:
    """a (truncated at Fock level ``fock``) and lists of σ⁺, σ⁻, σ^z on every emitter, as sparse matrices."""
    if not 1 <= N <= MAX_N:
        raise CumexInputError("N", N, f"1..{MAX_N} for the brute-force oracle")
    a1 = sp.diags(np.sqrt(np.arange(1, fock + 1, dtype=float)), 1, format="csr")

    def site(op: sp.spmatrix | None, s: int) -> sp.csr_matrix:
        out = a1 if op is None else sp.identity(fock + 1, format="csr")
        for t in range(N):
            out = sp.kron(out, op if (op is not None and t == s) else sp.identity(2), format="csr")
        return out

    return {
        "a": site(None, -1),
        "sp": [site(_SP, s) for s in range(N)],
        "sm": [site(_SM, s) for s in range(N)],
        "sz": [site(_SZ, s) for s in range(N)],
    }


def full_liouvillian(params: TavisCummingsParameters, fock: int) -> sp.csr_matrix:
    ops = full_operators(params.N, fock)
    a = ops["a"]
    ad = a.T.tocsr()
    H = params.omega * (ad @ a)
    for s in range(params.N):
        H = H + 0.5 * params.epsilon * ops["sz"][s] + params.g * (ad @ ops["sm"][s] + a @ ops["sp"][s])
    dim = H.shape[0]
    eye = sp.identity(dim, format="csr")
    L = -1j * (sp.kron(eye, H) - sp.kron(H.T, eye))
    jumps = [(params.kappa, a)] + [(params.gamma_up, x) for x in ops["sp"]] + [(params.gamma_down, x) for x in ops["sm"]]
    for rate, J in jumps:
        JdJ = (J.conj().T @ J).tocsr()
        L = L + rate * (sp.kron(J.conj(), J) - 0.5 * sp.kron(eye, JdJ) - 0.5 * sp.kron(JdJ.T, eye))
    return L.tocsr()


def full_steady_state(params: TavisCummingsParameters, fock: int) -> np.ndarray:
    """Density matrix of the unique steady state (trace row replacing the first equation, sparse LU)."""
    L = full_liouvillian(params, fock).tolil()
    dim = int(round(np.sqrt(L.shape[0])))
    trace_row = np.zeros(dim * dim)
    trace_row[:: dim + 1] = 1.0
    L[0, :] = trace_row
    rhs = np.zeros(dim * dim, dtype=complex)
    rhs[0] = 1.0
    x = spla.spsolve(L.tocsc(), rhs)
    rho = x.reshape(dim, dim, order="F")
    return 0.5 * (rho + rho.conj().T)


def full_observables(rho: np.ndarray, params: TavisCummingsParameters, fock: int) -> dict[str, float]:
    """The observables of :mod:`.observables` from a full density matrix (emitters 0 and 1 for pairs)."""
    ops = full_operators(params.N, fock)
    a = ops["a"]
    ad = a.T.tocsr()
    n_op = ad @ a

    def ev(op: sp.spmatrix) -> complex:
        return complex(np.trace(op @ rho))

    n1 = ev(n_op).real
    n2 = ev(n_op @ n_op).real
    nn = ev(ad @ ad @ a @ a).real
    corr = sum(ev(ad @ x) for x in ops["sm"]) / params.N
    pair = ev(ops["sp"][0] @ ops["sm"][1]).real if params.N >= 2 else float("nan")
    return {
        "photon_number": n1,
        "photon_number_per_N": n1 / params.N,
        "sz_satellite": sum(ev(x).real for x in ops["sz"]) / params.N,
        "corr_photon_satellite_re": corr.real,
        "corr_photon_satellite_im": corr.imag,
        "corr_satellite_satellite": pair,
        "photon_number_variance": n2 - n1 * n1,
        "g2": nn / (n1 * n1),
    }
