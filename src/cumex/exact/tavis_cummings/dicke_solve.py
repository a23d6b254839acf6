"""Steady state on the Dicke basis of :mod:`.dicke`: GMRES preconditioned by block Gauss–Seidel sweeps in E.

Equation. L x = 0 with Tr x = 1 is written as the nonsingular system (L + u tᵀ) x = u, t = the trace functional
(1 on the populations), u = one population's unit vector: L is trace preserving (tᵀL = 0), so tᵀu = 1 forces
tᵀx = 1 and then L x = 0; the steady state is unique, so L + u tᵀ is invertible.

Structure used. Inside a block (l, E) the generator is the Sylvester operator B_b(x) = −i(H_b x − x H_b†),
H_b = H − (i/2)K (:func:`.dicke.block_hamiltonian_parts`); every other term (κ a ρ a†, the local Γ↑, Γ↓ jumps)
changes E by ±1. So in the order of increasing E the generator is block tridiagonal, L = Lo + D + Up, with D
block diagonal and exactly invertible: with H_b = V Λ V⁻¹, B_b⁻¹(y) = V [(V⁻¹ y V⁻†)/(−i(λ_a − λ̄_b))] V†
(Im λ < 0: every state decays). The blocks of one E are padded to a common size with decoupled dummy states
and inverted in one batched product. Preconditioner: one symmetric Gauss–Seidel sweep, M = (D + Lo) D⁻¹ (D + Up)
(forward in E, then backward), which carries the jumps' random walk along E within one application; the
rank-one term is left to GMRES. ``preconditioner="jacobi"`` uses D alone (more iterations; kept for checks).

GMRES: flexible (the preconditioned vectors are kept) for the eigenvector blocks, plain for the LU blocks
(half the stored vectors), right preconditioned, restarted, classical Gram–Schmidt with one
re-orthogonalisation (BLAS-2 products on the stored Krylov basis). Stops when the true residual
‖(L + u tᵀ)x − u‖₂ ≤ rtol (‖u‖ = 1). Reported: the iterations, ‖L x‖_∞ of the final trace-1 x
(the solve error), and the condition of the eigenvector bases.

Block solves. Default (``block_solve="lu"``): each E slice's diagonal block of L (which is D_E) is factorised
once by sparse LU with partial pivoting (SuperLU through its ILU driver with nothing dropped, for a smaller
address-space reservation) and the factors are reused; that is backward stable. The eigenvector
formula above (``block_solve="eig"``) is not: H_b is non-normal (decay K varies along p) and the condition of
V grows with N (largest sampled: 5.5e6 at N = 30, 2e8 at N = 40, 9e10 at N = 60), the block inverse then
loses digits and GMRES stagnated at N = 60; with the LU blocks N = 60 converges (same operator, same residual
test). The two agree to rounding where V is well conditioned (same iteration counts at N = 20).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cumex.exact.tavis_cummings.dicke import DickeBasis, dicke_generator
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.exact.threads import blas_threads

__all__ = ["SlicePreconditioner", "gmres", "solve_dicke", "DickeSolve"]


class SlicePreconditioner:
    """Block-diagonal inverse D⁻¹ per E slice and the symmetric Gauss–Seidel sweep (module docstring).

    ``block_solve="lu"`` (default): each slice's diagonal block L[E, E] (= D_E: no other term keeps E) is
    factorised once by sparse LU with partial pivoting and the factors are reused at every application
    (backward stable, whatever the non-normality of H_b). ``block_solve="eig"``: the batched eigenvector
    Sylvester inverse (module docstring), which loses digits with the condition of V (kept for checks).
    """

    def __init__(self, params: TavisCummingsParameters, basis: DickeBasis, L: sp.csr_matrix,
                 block_solve: str = "lu") -> None:
        if block_solve not in ("lu", "eig"):
            raise ValueError(f"block_solve must be 'lu' or 'eig', got {block_solve!r}")
        import scipy.sparse.linalg as spla

        blk = basis.blocks
        self.dim = basis.dim
        self.cond = 1.0
        self.block_solve = block_solve
        self.slices: list[tuple] = []
        self.lus: list = []
        if block_solve == "eig" and basis.coherence is not None:
            raise ValueError("block_solve='eig' needs the whole blocks (coherence=None)")
        ends = blk["start"] + blk["size"]
        for E in np.unique(blk["E"]):
            sel = np.flatnonzero(blk["E"] == E)
            lo, hi = int(blk["start"][sel].min()), int(ends[sel].max())
            if block_solve == "eig":
                self.slices.append(self._eig_slice(params, basis, E, sel, lo, hi))
            else:
                self.slices.append((lo, hi))
                # the exact LU (nothing dropped at drop_tol 0, partial pivoting) through SuperLU's ILU driver, whose
                # first workspace is fill_factor × nnz: splu reserves ~20× nnz of address space per slice (N = 30:
                # 0.8 GiB of VmSize for 0.1 GiB of factors), which broke the 8 GiB RLIMIT_AS at N = 60
                self.lus.append(spla.spilu(L[lo:hi, lo:hi].tocsc(), drop_tol=0.0, fill_factor=4.0, drop_rule="basic",
                                           diag_pivot_thresh=1.0, permc_spec="MMD_AT_PLUS_A"))  # less fill than COLAMD
        # couplings of slice k to slices k − 1 and k + 1 (every off-diagonal term moves E by one)
        bounds = [(s[0], s[1]) for s in self.slices]
        self.lower, self.upper = [], []
        for k, (lo, hi) in enumerate(bounds):
            rows = L[lo:hi]
            self.lower.append(rows[:, bounds[k - 1][0]:bounds[k - 1][1]].tocsr() if k > 0 else None)
            self.upper.append(rows[:, bounds[k + 1][0]:bounds[k + 1][1]].tocsr() if k + 1 < len(bounds) else None)

    def _eig_slice(self, params: TavisCummingsParameters, basis: DickeBasis, E, sel, lo: int, hi: int) -> tuple:
        blk = basis.blocks
        N, D = params.N, basis.dim
        n = int(blk["n"][sel].max())
        c = sel.size
        i = np.arange(n)
        valid = i[None, :] < blk["n"][sel][:, None]  # (c, n)
        p = blk["p_lo"][sel][:, None] + i[None, :]
        e = E - p
        l = blk["l"][sel][:, None]
        K = params.kappa * p + params.gamma_down * e + params.gamma_up * (N - e)
        H = np.zeros((c, n, n), dtype=complex)
        H[:, i, i] = np.where(valid, params.omega * p + params.epsilon * (e - N / 2) - 0.5j * K, -1j)
        if n > 1:
            both = valid[:, :-1] & valid[:, 1:]
            cc = np.sqrt(np.maximum((e[:, :-1] - l) * (N - l - e[:, :-1] + 1), 0).astype(float))
            off = np.where(both, params.g * np.sqrt(p[:, :-1] + 1.0) * cc, 0.0)
            H[:, i[1:], i[:-1]] = off
            H[:, i[:-1], i[1:]] = off
        lam, V = np.linalg.eig(H)
        Vinv = np.linalg.inv(V)
        self.cond = max(self.cond, float(np.max(np.linalg.norm(V, 2, axis=(1, 2)) * np.linalg.norm(Vinv, 2, axis=(1, 2)))))
        inv_den = 1.0 / (-1j * (lam[:, :, None] - np.conj(lam[:, None, :])))
        nb = blk["n"][sel]
        ok = valid[:, :, None] & valid[:, None, :]
        local = blk["start"][sel][:, None, None] + i[None, :, None] * nb[:, None, None] + i[None, None, :]
        idx = np.where(ok, local, D)  # D: a zero slot for dummies
        return (lo, hi, idx - lo, ok, V, Vinv, np.conj(np.swapaxes(V, 1, 2)),
                np.conj(np.swapaxes(Vinv, 1, 2)), inv_den)

    def _solve_slice(self, k: int, y: np.ndarray) -> np.ndarray:
        if self.block_solve == "lu":
            return self.lus[k].solve(np.asarray(y, dtype=complex))
        lo, hi, idx, ok, V, Vinv, Vh, Vinvh, inv_den = self.slices[k]
        padded = np.concatenate([y, [0.0]])
        Y = padded[np.where(ok, idx, hi - lo)]
        X = V @ (((Vinv @ Y) @ Vinvh) * inv_den) @ Vh
        out = np.empty(hi - lo, dtype=complex)
        out[idx[ok]] = X[ok]
        return out

    def jacobi(self, r: np.ndarray) -> np.ndarray:
        return np.concatenate([self._solve_slice(k, r[s[0]:s[1]]) for k, s in enumerate(self.slices)])

    def forward(self, r: np.ndarray) -> np.ndarray:
        """x = (D + Lo)⁻¹ r: one forward sweep in E."""
        z: list[np.ndarray] = []
        for k, s in enumerate(self.slices):
            rhs = r[s[0]:s[1]] if k == 0 else r[s[0]:s[1]] - self.lower[k] @ z[k - 1]
            z.append(self._solve_slice(k, rhs))
        return np.concatenate(z)

    def sgs(self, r: np.ndarray) -> np.ndarray:
        """x = M⁻¹ r for M = (D + Lo) D⁻¹ (D + Up): forward sweep, then backward sweep."""
        K = len(self.slices)
        part = [r[s[0]:s[1]] for s in self.slices]
        z: list[np.ndarray] = [np.empty(0)] * K
        for k in range(K):  # (D + Lo) z = r
            rhs = part[k] if k == 0 else part[k] - self.lower[k] @ z[k - 1]
            z[k] = self._solve_slice(k, rhs)
        x: list[np.ndarray] = [np.empty(0)] * K
        for k in range(K - 1, -1, -1):  # (D + Up) x = D z  ⇔  x_k = z_k − D⁻¹ Up x_{k+1}
            x[k] = z[k] if k == K - 1 else z[k] - self._solve_slice(k, self.upper[k] @ x[k + 1])
        return np.concatenate(x)


def gmres(A, M, b: np.ndarray, rtol: float, restart: int, maxiter: int, x0: np.ndarray | None = None,
          flexible: bool = True):
    """Restarted right-preconditioned GMRES for A x = b (A, M callables): returns x, iterations, ‖b − A x‖₂.

    Flexible (default): the preconditioned vectors z_k = M(v_k) are stored and x = x0 + Σ y_k z_k, so the
    minimised residual is exactly that of the returned x even when M loses digits (ill-conditioned blocks)
    and is then not quite linear; plain right preconditioning diverged at N = 60 with the eigenvector blocks.
    ``flexible=False`` (for a linear M, e.g. the LU blocks) keeps only the Krylov basis V and forms
    x = x0 + M(V y) once per cycle: half the memory (restart + 1 vectors instead of 2 restart + 1).
    """
    n = b.size
    x = np.zeros(n, dtype=complex) if x0 is None else x0.astype(complex)
    r = b - A(x)
    beta = float(np.linalg.norm(r))
    nb = float(np.linalg.norm(b))
    its = 0
    while beta > rtol * nb and its < maxiter:
        m = min(restart, maxiter - its)
        V = np.empty((m + 1, n), dtype=complex)
        Z = np.empty((m, n), dtype=complex) if flexible else None
        Hm = np.zeros((m + 1, m), dtype=complex)
        V[0] = r / beta
        y = np.zeros(0)
        for k in range(m):
            z = M(V[k])
            if Z is not None:
                Z[k] = z
            w = A(z)
            del z
            h = np.conj(V[: k + 1] @ np.conj(w))  # V* w without copying V
            w -= V[: k + 1].T @ h
            h2 = np.conj(V[: k + 1] @ np.conj(w))  # re-orthogonalise (classical Gram–Schmidt twice)
            w -= V[: k + 1].T @ h2
            Hm[: k + 1, k] = h + h2
            Hm[k + 1, k] = np.linalg.norm(w)
            its += 1
            g = np.zeros(k + 2, dtype=complex)
            g[0] = beta
            y = np.linalg.lstsq(Hm[: k + 2, : k + 1], g, rcond=None)[0]
            est = float(np.linalg.norm(g - Hm[: k + 2, : k + 1] @ y))
            if Hm[k + 1, k] == 0 or est <= 0.5 * rtol * nb:
                break
            V[k + 1] = w / Hm[k + 1, k]
        del w
        x = x + (Z[: y.size].T @ y if Z is not None else M(V[: y.size].T @ y))
        del V, Z
        r = b - A(x)
        beta = float(np.linalg.norm(r))
    return x, its, beta


class CoarseCorrection:
    """Two-level preconditioner: symmetric Gauss–Seidel, then an exact solve on one unknown per block.

    Coarse space: block b's shape s_b (the block of a current iterate, scaled to trace 1; the block's
    populations uniform where the iterate has no usable trace). Restriction R: the trace of each block;
    prolongation P: x_b = c_b s_b; coarse operator A_c = R A P (sparse LU). The jumps' random walk over
    (j, E), whose slow relaxation sets the Gauss–Seidel iteration count, is then solved exactly (iterative
    aggregation–disaggregation for Markov chains, here with quantum blocks).
    """

    def __init__(self, basis: DickeBasis, L: sp.csr_matrix, t: np.ndarray, u: np.ndarray, x: np.ndarray,
                 smoother) -> None:
        import scipy.sparse.linalg as spla

        lab = basis.labels
        blk = lab["block"]
        nb = basis.blocks["n"].size
        pops = lab["p"] == lab["q"]
        tr = np.bincount(blk, weights=np.where(pops, x.real, 0.0), minlength=nb)
        scale = np.abs(x).max()
        good = tr > 1e-14 * scale
        uniform = np.where(pops, 1.0 / basis.blocks["n"][blk], 0.0)
        shape = np.where(good[blk], x / np.where(good, tr, 1.0)[blk], uniform)
        self.P = sp.csr_matrix((shape, (np.arange(basis.dim), blk)), shape=(basis.dim, nb))
        self.R = sp.csr_matrix((np.where(pops, 1.0, 0.0), (blk, np.arange(basis.dim))), shape=(nb, basis.dim))
        Ac = (self.R @ (L @ self.P)).tocsc()
        anchor = int(blk[np.flatnonzero(u)[0]])
        Ac = Ac + sp.csc_matrix((np.ones(nb), (np.full(nb, anchor), np.arange(nb))), shape=(nb, nb))
        self.lu = spla.splu(Ac.tocsc())
        self.A = lambda z: L @ z + u * (t @ z)  # noqa: E731
        self.smoother = smoother

    def __call__(self, r: np.ndarray) -> np.ndarray:
        x = self.smoother(r)
        x = x + self.P @ self.lu.solve(self.R @ (r - self.A(x)))
        return x


@dataclass
class DickeSolve:
    x: np.ndarray
    basis: DickeBasis
    info: dict[str, float]
    operators: tuple | None = None  # (L, preconditioner, t, u) with keep=True: pass as ``reuse`` on the same basis


def solve_dicke(
    params: TavisCummingsParameters,
    basis: DickeBasis,
    *,
    rtol: float = 1e-12,
    restart: int = 30,
    maxiter: int = 3000,
    preconditioner: str = "sgs",
    x0: np.ndarray | None = None,
    threads: int | None = 1,
    coarse: bool = True,
    warmup: int = 20,
    block_solve: str = "lu",
    keep: bool = False,
    reuse: DickeSolve | None = None,
    generator: sp.csr_matrix | None = None,
) -> DickeSolve:
    """Trace-1 steady state x on ``basis`` (module docstring); info: iterations, seconds, solve residual.

    ``keep``: the result holds the generator and the factorised preconditioner; ``reuse`` (a kept result on the
    same basis, same parameters) skips building them again (e.g. to polish a solve to a tighter rtol);
    ``generator``: L on ``basis`` if already known (e.g. restricted from a larger basis)."""
    if preconditioner not in ("sgs", "forward", "jacobi"):
        raise ValueError(f"preconditioner must be 'sgs' or 'jacobi', got {preconditioner!r}")
    with blas_threads(threads):
        t0 = time.perf_counter()
        pops = basis.populations()
        if reuse is not None and reuse.operators is not None and reuse.operators[1] is not None and reuse.basis == basis:
            L, P, t, u = reuse.operators
        else:
            L = dicke_generator(params, basis) if generator is None else generator
            lab = basis.labels
            t = np.zeros(basis.dim)
            t[pops] = 1.0
            # u: the population without photons nearest the uncoupled excitation number
            target = params.pump_ratio * params.N
            anchor = int(pops[np.argmin(np.abs(lab["e"][pops] - target) + 1e3 * lab["p"][pops] + 1e-3 * lab["l"][pops])])
            u = np.zeros(basis.dim, dtype=complex)
            u[anchor] = 1.0
            P = SlicePreconditioner(params, basis, L, block_solve)
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        A = lambda z: L @ z + u * (t @ z)  # noqa: E731
        M = {"sgs": P.sgs, "forward": P.forward, "jacobi": P.jacobi}[preconditioner]
        flexible = block_solve != "lu"  # the LU block solves are a linear M
        its = 0
        if coarse:
            if x0 is None:  # a first cycle for the shapes of the coarse space
                x0, its, _ = gmres(A, M, u, rtol, restart, warmup, None, flexible)
            M = CoarseCorrection(basis, L, t, u, x0, M)
        x, its2, res2 = gmres(A, M, u, rtol, restart, maxiter, x0, flexible)
        its += its2
        solve = time.perf_counter() - t0
        x = x / x[pops].sum()
        residual = float(np.abs(L @ x).max())
    info = {
        "unknowns": float(basis.dim),
        "iterations": float(its),
        "converged_solve": float(res2 <= rtol),
        "gmres_residual": res2,
        "build_seconds": build,
        "solve_seconds": solve,
        "solve_residual": residual,
        "preconditioner_condition": P.cond,
        "nnz": float(L.nnz),
    }
    return DickeSolve(x=x, basis=basis, info=info, operators=(L, P, t, u) if keep else None)
