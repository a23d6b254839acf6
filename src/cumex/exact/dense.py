"""Dense Lindbladians: the one brute-force builder every small-system oracle uses.

Vectorisation convention (column stacking): vec(ρ)[i + d·j] = ρ[i, j], so vec(AρB) = (Bᵀ ⊗ A) vec(ρ) and

    L = −i (1 ⊗ H − Hᵀ ⊗ 1) + Σ_k γ_k [ L̄_k ⊗ L_k − ½ (1 ⊗ L_k†L_k) − ½ ((L_k†L_k)ᵀ ⊗ 1) ]

for dρ/dt = −i[H, ρ] + Σ_k γ_k D[L_k]ρ, D[x]ρ = xρx† − {x†x, ρ}/2 (ħ = 1). :func:`many_to_one_operators`
builds H and the jumps of a many-to-one model from its operator data (``cumex.operators.many_to_one``: a
central spin-½ and N satellites spin-½, each H term c·h(0) ⊗ Σ_n s(n), each jump on the central site or
on every satellite individually) on the full 2^(N+1)-dimensional Hilbert space, for N ≲ 6.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["lindbladian", "steady_state", "many_to_one_operators", "PAULI"]

#: single-site operators in the basis (|↓⟩, |↑⟩): σ^+ = |↑⟩⟨↓|
PAULI: dict[str, np.ndarray] = {
    "I": np.eye(2),
    "Z": np.diag([-1.0, 1.0]),
    "P": np.array([[0.0, 0.0], [1.0, 0.0]]),
    "M": np.array([[0.0, 1.0], [0.0, 0.0]]),
}


def lindbladian(H, jumps: Sequence[tuple[float, object]]) -> sp.csr_matrix:
    """The Lindbladian of H and (rate, L) jumps as a sparse matrix on column-stacked vec(ρ)."""
    H = sp.csr_matrix(H, dtype=complex)
    d = H.shape[0]
    one = sp.identity(d, dtype=complex, format="csr")
    L = -1j * (sp.kron(one, H) - sp.kron(H.T, one))
    for rate, op in jumps:
        op = sp.csr_matrix(op, dtype=complex)
        nn = (op.conj().T @ op).tocsr()
        L = L + rate * (sp.kron(op.conj(), op) - 0.5 * sp.kron(one, nn) - 0.5 * sp.kron(nn.T, one))
    return sp.csr_matrix(L)


def steady_state(L) -> np.ndarray:
    """The unique steady state ρ (trace 1, Hermitian part) of L: the null vector with one row replaced
    by the trace condition, solved densely."""
    L = np.asarray(L.todense() if sp.issparse(L) else L, dtype=complex)
    d = int(round(np.sqrt(L.shape[0])))
    A = L.copy()
    b = np.zeros(d * d, dtype=complex)
    A[0, :] = 0.0
    A[0, [i + d * i for i in range(d)]] = 1.0
    b[0] = 1.0
    rho = np.linalg.solve(A, b).reshape(d, d, order="F")
    return 0.5 * (rho + rho.conj().T)


def _site_operator(label_of_site: Mapping[int, str], n_sites: int) -> sp.csr_matrix:
    out = sp.identity(1, format="csr")
    for site in range(n_sites):
        out = sp.kron(out, PAULI[label_of_site.get(site, "I")], format="csr")
    return out


def many_to_one_operators(operators, N: int, values: Mapping[str, float]) -> tuple[sp.csr_matrix, list[tuple[float, sp.csr_matrix]]]:
    """(H, jumps) of a many-to-one model (site 0 central, 1..N satellites) at concrete ``values``."""
    n_sites = N + 1
    values = {**dict(values), "N": float(N)}
    dim = 2**n_sites
    H = sp.csr_matrix((dim, dim), dtype=complex)
    for term in operators.hamiltonian:
        c = complex(term.coefficient.evaluate(values))
        if term.satellite == "I":
            H = H + c * _site_operator({0: term.central}, n_sites)
            continue
        for n in range(1, n_sites):
            H = H + c * _site_operator({0: term.central, n: term.satellite}, n_sites)
    jumps = []
    for jump in operators.jumps:
        rate = float(values[jump.rate])
        sites = [0] if jump.site == "central" else range(1, n_sites)
        jumps += [(rate, _site_operator({s: jump.operator}, n_sites)) for s in sites]
    return H, jumps
