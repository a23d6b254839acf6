"""Exact steady state of the LMG dimer for spin length S (Hilbert space (2S+1)², Liouville space (2S+1)⁴).

Master equation (see :mod:`cumex.models.lmg_dimer`):

    dρ/dt = -i[H, ρ] + (γ/S) (D[S_A^-]ρ + D[S_B^+]ρ),   D[x]ρ = x ρ x† - {x†x, ρ}/2,
    H = -J (S_A^x)²/S - g S_A^z - J (S_B^x)²/S - g S_B^z + λ (S_A^+ S_B^- + S_A^- S_B^+)/(2S).

Basis |k_A, k_B⟩ with m = S - k (k = 0 is spin up). Symmetry used: H conserves the parity of
k_A + k_B (S_x² moves k by 0 or ±2, the exchange term moves k_A and k_B by ±1 in opposite
directions), and each jump operator flips it. So the Liouvillian conserves
(parity of the ket) - (parity of the bra) mod 2, and the steady state, whose trace lives in the sector
where the two parities agree, is found in that sector alone (half the Liouville space).

The Liouvillian is assembled sparse in the row-major vectorisation vec(ρ)[i d + j] = ρ_ij, where
vec(A ρ B) = (A ⊗ Bᵀ) vec(ρ); the steady state solves L vec(ρ) = 0 with one equation replaced by
ρ_nn = 1 on the normal state n = |A down, B up⟩, then is normalised (ILU-preconditioned GMRES).

:func:`solve` is the engine of the order "exact": the unique steady state counts as one stable steady
state (attractor "fixed_point"); it is converged when the full Liouvillian's residual is below
:data:`RESIDUAL_TOL`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, gmres, spilu, spsolve

from cumex.errors import CumexInputError
from cumex.models.lmg_dimer import LMGDimerParameters
from cumex.results import MethodResult, SteadyState

__all__ = ["spin_operators", "hamiltonian_and_jumps", "liouvillian", "steady_state", "ExactResult", "solve_exact", "solve"]

#: the largest residual max |L vec(ρ)| of an accepted steady state
RESIDUAL_TOL = 1e-8


def spin_operators(S: float) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
    """(S^z, S^+, S^-) for spin S in the basis m = S, S-1, ..., -S."""
    dim = int(round(2 * S)) + 1
    m = S - np.arange(dim)
    sz = sp.diags(m)
    # ⟨m+1|S^+|m⟩ = sqrt(S(S+1) - m(m+1)): row k-1, column k
    plus = sp.diags(np.sqrt(S * (S + 1) - m[1:] * (m[1:] + 1)), offsets=1)
    return sz.tocsr(), plus.tocsr(), plus.T.tocsr()


def hamiltonian_and_jumps(p: LMGDimerParameters) -> tuple[sp.csr_matrix, list[sp.csr_matrix]]:
    """H and the jump operators (rates included: sqrt(γ/S) S_A^-, sqrt(γ/S) S_B^+) on the two spins."""
    S = p.S
    sz, splus, sminus = spin_operators(S)
    sx = 0.5 * (splus + sminus)
    one = sp.identity(sz.shape[0], format="csr")
    h_single = -p.J * (sx @ sx) / S - p.g * sz
    H = sp.kron(h_single, one) + sp.kron(one, h_single)
    H = H + p.lam / (2 * S) * (sp.kron(splus, sminus) + sp.kron(sminus, splus))
    rate = np.sqrt(p.gamma / S)
    jumps = [rate * sp.kron(sminus, one), rate * sp.kron(one, splus)]
    return H.tocsr(), [j.tocsr() for j in jumps]


def _solve_sparse(A: sp.csc_matrix, b: np.ndarray) -> np.ndarray:
    """GMRES with an incomplete-LU preconditioner; a direct sparse LU if that does not converge.

    The Liouvillian of two collective spins couples its (2S+1)⁴ entries like a 4-d lattice, so a
    complete LU fills in almost densely beyond S ≈ 4; the incomplete one stays cheap.
    """
    try:
        ilu = spilu(A, drop_tol=1e-3, fill_factor=30, permc_spec="MMD_AT_PLUS_A")
        precond = LinearOperator(A.shape, ilu.solve, dtype=complex)
        x, info = gmres(A, b, M=precond, rtol=1e-13, atol=0.0, restart=100, maxiter=300)
        if info == 0 and np.abs(A @ x - b).max() < 1e-10:
            return x
    except RuntimeError:  # a singular incomplete factor
        pass
    return spsolve(A, b, permc_spec="MMD_AT_PLUS_A")


def _parity(S: float) -> np.ndarray:
    dim = int(round(2 * S)) + 1
    k = np.arange(dim)
    return ((k[:, None] + k[None, :]) % 2).ravel()


def liouvillian(p: LMGDimerParameters, sector: bool = True) -> tuple[sp.csr_matrix, np.ndarray]:
    """The Liouvillian (row-major vectorisation) and the indices of vec(ρ) it acts on.

    With ``sector`` True only the block where ket and bra parity agree (module docstring) is kept.
    """
    H, jumps = hamiltonian_and_jumps(p)
    d = H.shape[0]
    one = sp.identity(d, format="csr")
    L = -1j * (sp.kron(H, one) - sp.kron(one, H.T))
    for c in jumps:
        cdc = (c.conj().T @ c).tocsr()
        L = L + sp.kron(c, c.conj()) - 0.5 * sp.kron(cdc, one) - 0.5 * sp.kron(one, cdc.T)
    L = L.tocsr()
    if not sector:
        return L, np.arange(d * d)
    par = _parity(p.S)
    keep = np.flatnonzero((par[:, None] == par[None, :]).ravel())
    return L[keep][:, keep].tocsr(), keep


def steady_state(p: LMGDimerParameters) -> np.ndarray:
    """The steady-state density matrix ρ, shape ((2S+1)², (2S+1)²)."""
    L, keep = liouvillian(p)
    dim = int(round(2 * p.S)) + 1
    d = dim * dim
    # fix ρ on the normal state |A down, B up⟩ (k_A = 2S, k_B = 0), which has weight everywhere in
    # the phase diagram, to 1 and normalise afterwards: a single-entry row keeps the LU sparse (a
    # dense trace row fills it in)
    normal = (dim - 1) * dim
    row = int(np.flatnonzero(keep == normal * d + normal)[0])
    A = L.tolil()
    A[row, :] = 0
    A[row, row] = 1.0
    b = np.zeros(len(keep), dtype=complex)
    b[row] = 1.0
    x = _solve_sparse(A.tocsc(), b)
    rho = np.zeros(d * d, dtype=complex)
    rho[keep] = x
    rho = rho.reshape(d, d)  # type: ignore[assignment]
    rho = 0.5 * (rho + rho.conj().T)
    return rho / np.trace(rho).real


@dataclass
class ExactResult:
    rho: np.ndarray
    observables: dict[str, float]
    #: max |L vec(ρ)| of the full Liouvillian at the solution
    residual: float


def solve_exact(p: LMGDimerParameters) -> ExactResult:
    """Steady state and normalised magnetisations Z = ⟨S^z⟩/S, X, Y of both spins, and the purity."""
    rho = steady_state(p)
    sz, splus, sminus = spin_operators(p.S)
    one = sp.identity(sz.shape[0], format="csr")
    ops = {
        "X_A": sp.kron(0.5 * (splus + sminus), one), "Y_A": sp.kron(-0.5j * (splus - sminus), one), "Z_A": sp.kron(sz, one),
        "X_B": sp.kron(one, 0.5 * (splus + sminus)), "Y_B": sp.kron(one, -0.5j * (splus - sminus)), "Z_B": sp.kron(one, sz),
    }
    obs = {name: float(np.real(np.sum(op.toarray().T * rho))) / p.S for name, op in ops.items()}
    obs["purity"] = float(np.real(np.sum(rho * rho.conj())))
    L, _ = liouvillian(p, sector=False)
    residual = float(np.abs(L @ rho.ravel()).max())
    return ExactResult(rho=rho, observables=obs, residual=residual)


def solve(p: LMGDimerParameters, settings: Mapping[str, object] | None = None) -> MethodResult:
    """The exact steady state of one point as a :class:`MethodResult` (``settings``: none are read).

    Raises :class:`CumexInputError` for S = inf (the exact solver needs a finite spin length).
    """
    if not np.isfinite(p.S):
        raise CumexInputError("S", p.S, "a finite spin length 1/2, 1, 3/2, ... for the exact solver (inf is mean-field's)")
    result = solve_exact(p)
    state = SteadyState(dict(result.observables), True, result.residual, {})
    ok = result.residual < RESIDUAL_TOL
    status = "ok: exact" if ok else f"inaccurate: residual {result.residual:.3g} >= {RESIDUAL_TOL:g}"
    return MethodResult([state], state if ok else None, ok, status, {}, attractor="fixed_point" if ok else "none")
