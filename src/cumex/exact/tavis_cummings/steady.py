"""Steady state of the Tavis–Cummings generator on a truncated U(1) sector, with adaptive cutoffs.

Truncations (:mod:`.basis`): Fock levels p, q ≤ F, and coherence order a = n01 + n10 ≤ C (this also bounds
the photon coherence |p − q| ≤ a). The Fock cutoff is the master equation of the truncated mode (trace
preserving); the coherence cutoff projects out the elements with a > C. Neither is a symmetry, so both are
chosen adaptively and their errors are measured:

* Fock: the steady state's weight of the top level, P(p = F), must be ≤ ``fock_tol``; F is raised by
  extrapolating the log-slope of P(p) over the last levels to fock_tol/100 (margin: P(F) grows with C) and
  the solve is repeated at the same C; the coherence comparisons go on against the last solve before it.
  The Fock error of the observables is measured
  as their change between the final F and F − ``fock_step`` (same C).
* Coherence: C grows until the largest change of the checked observables (⟨a†a⟩/N, ⟨σ^z⟩, ⟨σ+σ-⟩,
  ⟨a†σ^-⟩) between the last two cutoffs is ≤ ``coherence_tol``; that change is reported as the coherence
  error. C grows by ``coherence_step``, or, once two changes show a geometric decay, by the multiple of it
  (at most 4) that the decay predicts for a change of tol/10. The measured convergence is geometric but
  slow (the change of ⟨a†a⟩/N falls by about ×1/20 per step of 2, N = 10..20, Fig. 3b parameters), so the
  reported difference over-estimates the error of the final solve; C = N is no truncation at all. With the
  default tolerance 1e-10 the loop ends on the whole sector (C = N) at every N ≤ 24 we ran: the cutoff
  does not pay off at reachable N, but it keeps the solve bounded and its error measured when capped
  (``coherence_max``).

Why the coherence cutoff converges slowly here (unlike the central spin model of :mod:`cumex.exact.steady`):
in the lasing state every emitter carries an O(1) coherence with the field (|⟨a†σ^-⟩|/√⟨a†a⟩ stays finite at
fixed g√N), so the weight of the elements with a coherent emitters is spread like a binomial in a with mean
∝ N, and the photon coherences |p⟩⟨p + δ| paired with them reach δ ~ √⟨a†a⟩ ∝ √N. The sector is a 4-D grid
(p, δ, k, n11) of about (F + 1) N² F/4 elements, whose LU fill grows much faster than that of the 2-D
central-spin grid.

Solve. L w = 0 with the equation of one population replaced by Tr ρ = 1, as one sparse LU (SuperLU, natural
pivoting order after the grid nested dissection of :mod:`.ordering` on the coordinates (p, q, k, n11)),
refined with the same factors. By default in the real coordinates of Hermitian operators (one element of
each conjugate pair, as in :func:`cumex.exact.liouvillian.hermitian_real_form`): D real unknowns instead of
D complex ones, and at ω = ε about D/2 real unknowns (:func:`_resonant_map`; 5× faster than the complex
LU at N = 10). Reported residual: ‖L_ext w‖_∞ where L_ext maps the solution
to the basis with one more Fock level and coherence order, i.e. the rate of change of every coefficient under
the *untruncated* generator (transitions change F and a by at most one).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cumex.exact.ordering import grid_nested_dissection
from cumex.exact.tavis_cummings.basis import TCBasis
from cumex.exact.tavis_cummings.liouvillian import generator
from cumex.exact.tavis_cummings.observables import observables, population_table
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.exact.threads import blas_threads

__all__ = ["TCSteadyResult", "solve_on_basis", "steady_state", "CHECKED"]

_log = logging.getLogger(__name__)

#: observables whose change decides the coherence cutoff
CHECKED = ("photon_number_per_N", "sz_satellite", "corr_satellite_satellite", "corr_photon_satellite_im",
           "corr_photon_satellite_re")


@dataclass
class TCSteadyResult:
    """Trace-1 steady state w on ``basis`` with its observables and diagnostics."""

    w: np.ndarray
    basis: TCBasis
    observables: dict[str, float]
    residual: float
    info: dict[str, float] = field(default_factory=dict)


def _hermitian_map(basis: TCBasis) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """T: real coordinates r → complex w of a Hermitian operator, and the element behind each real coordinate.

    Hermitian conjugation maps (p, q; n01, n10) to (q, p; n10, n01) with w → conj w (s(n) is symmetric under
    n01 ↔ n10). Real coordinates: (Re w, Im w) of one element of every conjugate pair ("rep", the one with
    the smaller index), then w of the self-conjugate elements (p = q, n01 = n10; real). Returns T, rep, self
    and, per real coordinate, the index of its element.
    """
    conj = basis.conjugate()
    idx = np.arange(basis.dim)
    rep, selfc = idx[idx < conj], idx[idx == conj]
    nr = rep.size
    j = np.arange(nr)
    rows = np.concatenate([rep, conj[rep], rep, conj[rep], selfc])
    cols = np.concatenate([j, j, nr + j, nr + j, 2 * nr + np.arange(selfc.size)])
    vals = np.concatenate([np.ones(2 * nr), 1j * np.ones(nr), -1j * np.ones(nr), np.ones(selfc.size)])
    T = sp.csr_matrix((vals, (rows, cols)), shape=(basis.dim, basis.dim))
    return T, rep, selfc, np.concatenate([rep, rep, selfc])


def _resonant_map(basis: TCBasis) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """At ω = ε on the U(1) sector: T from real coordinates to w = i^a v, v real, v(conjugate) = (−1)^a v(rep).

    Why: in the sector the diagonal −iω(p − q) − iε(n10 − n01) = −i(ω − ε)(p − q) vanishes, so every entry of
    the generator is real except the exchange terms, which are imaginary and change a = n01 + n10 by ±1.
    With w = i^a v the generator on v is real, and so is its (unique) null vector; Hermiticity, conj w(rep) =
    w(conjugate), then gives v(conjugate) = (−1)^a v(rep). Unknowns: one real number per conjugate pair and per
    self-conjugate element, about D/2 instead of D real (or D complex) ones.
    """
    conj = basis.conjugate()
    a = basis.coherence_order()
    idx = np.arange(basis.dim)
    rep, selfc = idx[idx < conj], idx[idx == conj]
    phase = (1j) ** (a % 4)
    j = np.arange(rep.size)
    rows = np.concatenate([rep, conj[rep], selfc])
    cols = np.concatenate([j, j, rep.size + np.arange(selfc.size)])
    vals = np.concatenate([phase[rep], phase[conj[rep]] * (-1.0) ** a[rep], phase[selfc]])
    T = sp.csr_matrix((vals, (rows, cols)), shape=(basis.dim, rep.size + selfc.size))
    return T, rep, selfc, np.concatenate([rep, selfc])


def _factor_and_solve(A: sp.csc_matrix, rhs: np.ndarray, refine: int, threads: int | None):
    with blas_threads(threads):
        lu = spla.splu(A, permc_spec="NATURAL", diag_pivot_thresh=1e-2, options={"SymmetricMode": True})
        x = lu.solve(rhs)
        for _ in range(refine):
            r = rhs - A @ x
            if not np.abs(r).max() > 1e-15:
                break
            x = x + lu.solve(r)
    return lu, x


def solve_on_basis(
    params: TavisCummingsParameters, basis: TCBasis, refine: int = 3, threads: int | None = 1, form: str = "real"
) -> TCSteadyResult:
    """One sparse LU solve on a fixed basis (module docstring); raises RuntimeError on a singular factor.

    ``form="real"`` (default) solves for the D real coordinates of a Hermitian operator (:func:`_hermitian_map`;
    Hermiticity then holds by construction and half the complex unknowns go), at ω = ε for about D/2 real
    coordinates (:func:`_resonant_map`); ``form="complex"`` solves the
    D complex equations as they stand and reports how far the solution is from Hermitian.
    """
    if form not in ("real", "complex"):
        raise ValueError(f"form must be 'real' or 'complex', got {form!r}")
    t0 = time.perf_counter()
    L = generator(params, basis)
    lab = basis.labels
    pops = basis.diagonal_elements()
    # the replaced equation: the population with p = 0 and n11 nearest the uncoupled excitation (never tiny
    # compared with the others, so the remaining equations keep full rank)
    target_m = int(round(params.pump_ratio * params.N))
    row = int(pops[np.argmin(np.abs(lab["n11"][pops] - target_m) + 1000 * lab["p"][pops])])
    resonant = form == "real" and basis.sector and params.omega == params.epsilon
    if resonant:
        T, rep, selfc, element = _resonant_map(basis)
        # rows divided by i^a as well: (L w)(row) = i^{a(row)} (G v)(row) with G real
        row_phase = sp.diags((-1j) ** (basis.coherence_order() % 4))
        LT = (row_phase @ L @ T).tocsr()
        M = sp.vstack([LT[rep], LT[selfc]], format="coo")
        if np.abs(M.data.imag).max(initial=0.0) > 1e-12 * np.abs(M.data).max(initial=1.0):
            raise RuntimeError("resonant real form: the scaled generator is not real")
        M = sp.coo_matrix((M.data.real, (M.row, M.col)), shape=M.shape)
        where = np.full(basis.dim, -1)
        where[selfc] = rep.size + np.arange(selfc.size)
        row_r, pops_r = int(where[row]), where[pops]
    elif form == "real":
        T, rep, selfc, element = _hermitian_map(basis)
        LT = (L @ T).tocsr()
        M = sp.vstack([LT[rep].real, LT[rep].imag, LT[selfc].real], format="coo")
        n_rep = rep.size
        where = np.full(basis.dim, -1)
        where[selfc] = 2 * n_rep + np.arange(selfc.size)
        row_r, pops_r = int(where[row]), where[pops]
    else:
        M, element, row_r, pops_r = L.tocoo(), np.arange(basis.dim), row, pops
    k = np.minimum(lab["n01"], lab["n10"])[element]
    coords = np.stack([lab["p"][element], lab["q"][element], k, lab["n11"][element]])
    order = grid_nested_dissection(coords, last=row_r)
    pos = np.empty_like(order)
    pos[order] = np.arange(order.size)
    use = M.row != row_r
    rows = np.concatenate([pos[M.row[use]], np.full(pops_r.size, pos[row_r])])
    cols = np.concatenate([pos[M.col[use]], pos[pops_r]])
    vals = np.concatenate([M.data[use], np.ones(pops_r.size)])
    n = element.size
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))
    rhs = np.zeros(n, dtype=A.dtype)
    rhs[pos[row_r]] = 1.0
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    lu, x = _factor_and_solve(A, rhs, refine, threads)
    factor = time.perf_counter() - t0
    w = np.empty_like(x)
    w[order] = x
    if form == "real":
        w = T @ w
    tr = complex(w[pops].sum())
    w = w / tr
    # Hermitian part: the generator preserves Hermiticity; the anti-Hermitian part measures round-off
    conj = basis.conjugate()
    herm_error = float(np.abs(w - np.conj(w[conj])).max()) if np.all(conj >= 0) else float("nan")
    if np.all(conj >= 0):
        w = 0.5 * (w + np.conj(w[conj]))
    ext = TCBasis(basis.N, basis.fock + 1, None if basis.coherence is None else basis.coherence + 1, basis.sector,
                  None if basis.photon_coherence is None else basis.photon_coherence + 1)
    residual = float(np.abs(generator(params, basis, ext) @ w).max())
    P = population_table(w, basis)
    Pp = P.real.sum(axis=1)
    info = {
        "unknowns": float(n),  # real or complex unknowns of the factorised system
        "dimension": float(basis.dim),
        "fock_cutoff": float(basis.fock),
        "coherence_cutoff": float(-1 if basis.coherence is None or basis.coherence >= basis.N else basis.coherence),
        "build_seconds": build,
        "factor_seconds": factor,
        "fill_ratio": float(lu.nnz / A.nnz),
        "trace_imag": float(abs(tr.imag / tr.real)) if tr.real != 0 else float("inf"),
        "hermiticity_error": herm_error,
        "min_population": float(P.real.min()),
        "max_population": float(P.real.max()),
        "max_imag_population": float(np.abs(P.imag).max()),
        "fock_top_weight": float(Pp[-1]),
    }
    return TCSteadyResult(w=w, basis=basis, observables=observables(w, basis), residual=residual, info=info)


def _next_fock(Pp: np.ndarray, F: int, tol: float) -> int:
    """F for the next attempt: the log-slope of P(p) over the top levels extrapolated to tol (×1.25 + 2)."""
    back = min(4, F)
    lo, hi = Pp[F - back], Pp[F]
    if not (0 < hi < lo):
        return 2 * F
    slope = (np.log(hi) - np.log(lo)) / back
    step = 1.25 * (np.log(tol) - np.log(hi)) / slope + 2
    return int(min(max(F + np.ceil(step), F + 2), 2 * F))


def _change(a: dict[str, float], b: dict[str, float]) -> float:
    return max(abs(a[k] - b[k]) for k in CHECKED if np.isfinite(a[k]) and np.isfinite(b[k]))


def steady_state(
    params: TavisCummingsParameters,
    *,
    fock_tol: float = 1e-12,
    fock_start: int | None = None,
    fock_step: int = 2,
    coherence_tol: float = 1e-10,
    coherence_start: int = 4,
    coherence_step: int = 2,
    coherence_max: int | None = None,
    refine: int = 3,
    threads: int | None = 1,
    form: str = "real",
) -> TCSteadyResult:
    """Steady state with adaptive Fock and coherence cutoffs (module docstring).

    ``fock_start`` None: F = ⌈n̄ + 8√(n̄ + 1)⌉ + 4 with n̄ the mean-field photon number (never below 6).
    ``coherence_max`` (default N) stops the growth of C; ``info["coherence_error"]`` then says how far it got.
    info: "coherence_error" (change of the checked observables over the last coherence step; 0 when C = N),
    "fock_error" (their change between F − fock_step and F), "fock_top_weight" (P(p = F)), "attempts".
    """
    N = params.N
    if fock_start is None:
        from cumex.handwritten.tavis_cummings import mean_field_photon_number

        nbar = mean_field_photon_number(params)
        fock_start = max(6, int(np.ceil(nbar + 8 * np.sqrt(nbar + 1.0))) + 4)
    F = int(fock_start)
    C_max = N if coherence_max is None else min(int(coherence_max), N)
    C = min(int(coherence_start), C_max)
    attempts = 0
    seconds = 0.0
    previous: TCSteadyResult | None = None
    changes: list[float] = []
    while True:
        res = solve_on_basis(params, TCBasis(N, F, C if C < N else None), refine, threads, form)
        attempts += 1
        seconds += res.info["build_seconds"] + res.info["factor_seconds"]
        _log.info("N=%d attempt %d: F=%d C=%d unknowns=%d %.1f s, photon_number_per_N=%.15f, P(F)=%.1e",
                  N, attempts, F, C, res.info["unknowns"], res.info["build_seconds"] + res.info["factor_seconds"],
                  res.observables["photon_number_per_N"], res.info["fock_top_weight"])
        Pp = population_table(res.w, res.basis).real.sum(axis=1)
        if Pp[-1] > fock_tol:  # Fock cutoff too low: raise F and solve again at the same C
            # aim 100× below the tolerance (P(F) grows with C). The C ladder is kept: the observables' change
            # from the solve at the lower F is of the order of P(F), far below the coherence changes
            F = _next_fock(np.abs(Pp), F, 1e-2 * fock_tol)
            continue
        if C >= C_max:
            coherence_error = 0.0 if C >= N else (float("nan") if previous is None else _change(res.observables, previous.observables))
            break
        step = coherence_step
        if previous is not None:
            change = _change(res.observables, previous.observables)
            if change <= coherence_tol:
                coherence_error = change
                break
            changes.append(change)
            if len(changes) >= 2 and 0 < changes[-1] < changes[-2]:
                # geometric decay per step extrapolated to the step whose change is tol/10 (a jump saves solves)
                rate = changes[-1] / changes[-2]
                steps = np.log(coherence_tol / 10 / changes[-1]) / np.log(rate)
                step = int(min(max(np.ceil(steps), 1), 4)) * coherence_step
        previous = res
        C = min(C + step, C_max)
    lower = solve_on_basis(params, TCBasis(N, F - fock_step, C if C < N else None), refine, threads, form)
    seconds += lower.info["build_seconds"] + lower.info["factor_seconds"]
    res.info.update(
        {
            "coherence_error": coherence_error,
            "fock_error": _change(res.observables, lower.observables),
            "fock_error_photon_number_per_N": abs(res.observables["photon_number_per_N"] - lower.observables["photon_number_per_N"]),
            "attempts": float(attempts + 1),
            "total_solver_seconds": seconds,
        }
    )
    return res
