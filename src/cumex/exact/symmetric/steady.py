"""Steady state in the whole permutation-symmetric space: L r = 0, Tr ρ = 1, as one sparse linear system.

The trace functional is the left null vector of L (Tr L[ρ] = 0 for every ρ). Replacing the equation of the
element with the largest trace weight (a diagonal element, weight ≤ 1 in ζ coordinates) by Tr ρ = 1 gives a
regular system when the steady state is unique: the dropped equation is the combination of the others that
the null vector defines, and the trace row fixes the scale. Solved by sparse LU (SuperLU, column ordering
``ordering``; default a geometric nested dissection, :mod:`.ordering`) or by GMRES with an incomplete-LU
preconditioner, then refined with the same factors.

Checks reported in ``info`` (and failing the status when violated): the residual ‖L r‖_∞ of the unmodified
generator (r real coordinates of the trace-1 state, :mod:`.basis`; its entries are ≤ 1 for the product
reference state), |Tr ρ − 1|, the populations P(c, m) = probability of central state c with m bath spins up
(each in [0, 1]), the central and single-bath-spin Bloch vectors (length ≤ 1), and with
``representation="complex"`` the Hermiticity error max_e |ζ_e − conj ζ_{e†}| (zero by construction in the
real form). The exact steady state is unique here, so the result holds one state, marked stable.

Reach. The basis is a 3-D simplex, so LU fill grows like that of 3-D grids. Measured for Carollo's model on
the shared 2-core machine (load 5-15): nested dissection N = 20: 3.7e6 factor entries, 6 s; N = 30: 2.1e7,
29 s; N = 40: 7.3e7, 80 s, 1.75 GB peak (COLAMD: 4.0e6, 2.4e7 / 45 s, 9.8e7 / 333 s). GMRES + ILU(1e-5):
N = 30 in 48 s. Beyond N ≈ 50 use the long-time limit of :mod:`.dynamics` instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cumex.exact.ordering import grid_nested_dissection
from cumex.exact.symmetric.generator import liouvillian
from cumex.exact.symmetric.model import CentralSpinModel
from cumex.exact.symmetric.problem import SymmetricProblem, build_problem
from cumex.exact.symmetric.settings import read_settings
from cumex.exact.symmetric.states import covector_to_real, to_complex, to_real, trace_covector
from cumex.exact.threads import blas_threads
from cumex.results import MethodResult, SteadyState

__all__ = ["steady_state", "solve_problem", "steady_vector"]

_BOUND_TOL = 1e-10


def _bordered(L: sp.csr_matrix, row: int, trace_row: np.ndarray) -> sp.csc_matrix:
    keep = np.ones(L.shape[0])
    keep[row] = 0.0
    nz = np.nonzero(trace_row)[0]
    border = sp.csr_matrix((trace_row[nz], (np.full(nz.size, row), nz)), shape=L.shape)
    return (sp.diags(keep) @ L + border).tocsc()


def _lu(A: sp.csc_matrix, used: Mapping[str, object], coords: np.ndarray, row: int):
    """SuperLU factors and a solve function; nested dissection as a symmetric permutation."""
    if used["ordering"] != "nested_dissection":
        lu = spla.splu(A, permc_spec=str(used["ordering"]))
        return lu, lu.solve
    p = grid_nested_dissection(np.asarray(coords).T, last=row)  # coords: one row per unknown
    lu = spla.splu(A[p][:, p].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=1e-2, options={"SymmetricMode": True})

    def solve(rhs: np.ndarray) -> np.ndarray:
        y = lu.solve(rhs[p])
        out = np.empty_like(y)
        out[p] = y
        return out

    return lu, solve


def _linear_solve(
    A: sp.csc_matrix, b: np.ndarray, used: Mapping[str, object], coords: np.ndarray, row: int
) -> tuple[np.ndarray, dict[str, float]]:
    info: dict[str, float] = {}
    if used["method"] == "lu":
        lu, solve = _lu(A, used, coords, row)
        info["factor_nnz"] = float(lu.L.nnz + lu.U.nnz)
        x = solve(b)
    else:
        spec = "COLAMD" if used["ordering"] == "nested_dissection" else str(used["ordering"])
        ilu = spla.spilu(A, drop_tol=used["ilu_drop_tol"], fill_factor=used["ilu_fill_factor"], permc_spec=spec)
        info["factor_nnz"] = float(ilu.L.nnz + ilu.U.nnz)
        M = spla.LinearOperator(A.shape, matvec=ilu.solve, dtype=A.dtype)

        def solve(rhs: np.ndarray) -> np.ndarray:
            out, code = spla.gmres(
                A, rhs, M=M, rtol=used["gmres_tol"], restart=used["gmres_restart"], maxiter=used["gmres_maxiter"]
            )
            info["gmres_code"] = float(code)
            return out

        x = solve(b)
    for _ in range(int(used["refine"])):  # type: ignore[call-overload]
        res = b - A @ x
        if np.abs(res).max() == 0.0:
            break
        x = x + solve(res)
    return x, info


def steady_vector(
    problem: SymmetricProblem, settings: Mapping[str, object] | None = None
) -> tuple[np.ndarray, dict[str, float]]:
    """(r, info): the real coordinates of the solution, normalised to trace 1. Raises on a failed solve."""
    used = read_settings(settings, "steady")
    basis, conj = problem.basis, problem.conj
    tr = trace_covector(basis)
    row = int(np.argmax(tr))
    n = basis.counts
    # invariant under e ↔ e† (n1 ↔ n2), which the real form couples; each changes by ≤ 1 per transition
    coords = np.tile(np.column_stack([n[:, 1] + n[:, 2], np.minimum(n[:, 1], n[:, 2]), n[:, 3]]), (4, 1))
    with blas_threads(used["blas_threads"]):  # type: ignore[arg-type]
        if used["representation"] == "complex":
            Lc = liouvillian(problem.model, basis, "complex")
            b = np.zeros(basis.dim, dtype=complex)
            b[row] = 1.0
            zeta, info = _linear_solve(_bordered(Lc, row, tr.astype(complex)), b, used, coords, row)
            info["hermiticity_error"] = float(np.abs(zeta - zeta[conj].conj()).max())
            r = to_real(zeta, conj)
        else:
            b = np.zeros(basis.dim)
            b[row] = 1.0
            r, info = _linear_solve(_bordered(problem.L, row, covector_to_real(tr, conj).real), b, used, coords, row)
            info["hermiticity_error"] = 0.0
    trace = float((problem.G[[0]] @ r)[0])
    if not np.isfinite(trace) or trace == 0.0:
        raise FloatingPointError(f"trace of the solution {trace}")
    return r / trace, info


def solve_problem(problem: SymmetricProblem, settings: Mapping[str, object] | None = None) -> MethodResult:
    """Steady state of a built problem (module docstring)."""
    used = read_settings(settings, "steady")
    t0 = time.perf_counter()
    basis, conj = problem.basis, problem.conj
    tr = trace_covector(basis)
    try:
        r, info = steady_vector(problem, used)
    except (RuntimeError, MemoryError, ValueError, FloatingPointError) as exc:  # singular factor, out of memory
        return MethodResult([], None, False, f"failed: {type(exc).__name__}: {exc}", used)
    herm = info["hermiticity_error"]
    values = problem.G @ r
    obs = {k: float(v) for k, v in problem.observables(values).items()}
    residual = float(np.abs(problem.L @ r).max())
    zeta = to_complex(r, conj)
    diag = tr != 0
    populations = (tr[diag] * zeta[diag]).real
    central_bloch = float(np.sqrt(obs["sx_central"] ** 2 + obs["sy_central"] ** 2 + obs["sz_central"] ** 2))
    bath_bloch = float(np.sqrt((2 * obs["sminus_re"]) ** 2 + (2 * obs["sminus_im"]) ** 2 + obs["sz_satellite"] ** 2))
    info.update(
        dim=float(basis.dim), nnz=float(problem.L.nnz), residual_2norm=float(np.linalg.norm(problem.L @ r)),
        trace_error=abs(complex(tr @ zeta).real - 1.0), hermiticity_error=herm,
        min_population=float(populations.min()), max_population=float(populations.max()),
        central_bloch_length=central_bloch, bath_bloch_length=bath_bloch,
        reference_population=basis.reference_population, solve_seconds=time.perf_counter() - t0,
        build_seconds=problem.build_seconds,
    )
    state = SteadyState(observables=obs, stable=True, residual=residual, info=info)
    problems = []
    if not residual <= float(used["residual_tol"]):  # type: ignore[arg-type]
        problems.append(f"residual {residual:.3g} above residual_tol")
    if not info["trace_error"] <= _BOUND_TOL:
        problems.append(f"trace error {info['trace_error']:.3g}")
    if not (info["min_population"] >= -_BOUND_TOL and info["max_population"] <= 1 + _BOUND_TOL):
        problems.append(f"population outside [0, 1]: [{info['min_population']:.3g}, {info['max_population']:.3g}]")
    if not (central_bloch <= 1 + _BOUND_TOL and bath_bloch <= 1 + _BOUND_TOL):
        problems.append(f"Bloch vector longer than 1: central {central_bloch:.12g}, bath {bath_bloch:.12g}")
    if not herm <= _BOUND_TOL:
        problems.append(f"non-Hermitian solution: {herm:.3g}")
    if "gmres_code" in info and info["gmres_code"] != 0:
        problems.append(f"GMRES did not converge (code {int(info['gmres_code'])})")
    if problems:
        return MethodResult([state], state, False, "inaccurate: " + "; ".join(problems), used)
    return MethodResult([state], state, True, "ok", used)


def steady_state(model: CentralSpinModel, N: int, settings: Mapping[str, object] | None = None) -> MethodResult:
    """The unique steady state of ``model`` with N bath spins; observables as in :mod:`.observables`."""
    used = read_settings(settings, "steady")
    return solve_problem(build_problem(model, N, used["reference_population"]), used)  # type: ignore[arg-type]
