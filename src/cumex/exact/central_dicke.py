"""Exact central-spin steady state on the emitters' Dicke basis: Tavis–Cummings with Fock cutoff F = 1.

Mapping. The central spin's master equation (:mod:`cumex.models.central_spin`, D[x]ρ = xρx† − {x†x, ρ}/2)

    dρ/dt = −i[H, ρ] + κ D[σ0^-]ρ + Σ_n (Γ↑ D[σn^+] + Γ↓ D[σn^-])ρ,
    H = (ω/2)σ0^z + Σ_n [(ε/2)σn^z + g(σ0^+σn^- + σ0^-σn^+)],

is the Tavis–Cummings equation of :mod:`cumex.exact.tavis_cummings.parameters` (H_TC = ωa†a + εJ_z +
g(a†J^- + aJ^+), κ D[a], the same local Γ↑, Γ↓) with the mode truncated to {|0⟩, |1⟩}: there a = |0⟩⟨1| = σ0^-
(|1⟩ = central spin up), a† = σ0^+, a†a = |1⟩⟨1| = (σ0^z + 1)/2, so ωa†a = (ω/2)σ0^z + ω/2 (a constant, which
drops out of the commutator), εJ_z = Σ_n (ε/2)σn^z and g(a†J^- + aJ^+) = g Σ_n (σ0^+σn^- + σ0^-σn^+). The
Fock truncation of :mod:`.tavis_cummings.dicke` (a†|F⟩ = 0 dropped) is exactly this two-level algebra and is
trace preserving, so :class:`~cumex.exact.tavis_cummings.dicke.DickeBasis` (N, 1) spans the central spin's
U(1) sector; nothing is approximated by the mapping.

Window. The steady state lives on a patch of width ~√N of the (l, e) plane (l = N/2 − j, e = J_z + N/2), so we
solve on an :class:`~cumex.exact.tavis_cummings.dicke.EmitterWindow`, whose truncated generator is trace
preserving (jumps leaving it are replaced by staying, :mod:`.tavis_cummings.dicke`). First window
(:mod:`.central_dicke_window`): where mean field does not lase, the band where the product state of the
mean-field satellite inversion z has weight above the tolerance; where it lases, a box around the mean-field
(j, m) (j from the Bloch length |r|, derived there) or, from N = 2000 on, the support of the steady state of a
quarter-size copy (κ scaled with N, which keeps the mean-field state) mapped to N (means ×4, widths ×2). After
each solve every edge whose population weight (summed along the edge) exceeds ``boundary_tol`` moves out by
the layers the log-slope of its last 4 layers says are needed (far from fitting at least a quarter of the
width), and edges that do not leak shrink to the support (populations above 1e-6 ``boundary_tol``, plus 5
layers). Check: once a window fits (boundary weight ≤ ``boundary_tol``), a second window is solved, its trimmed
copy (populations above 1e-3 ``boundary_tol`` plus 2 layers) when that keeps ≤ 85 % of it, else the window grown
by ``check_layers`` on every side; a trimmed copy that leaks up to 100 ``boundary_tol`` is still compared (its
change bounds the larger window's truncation, which leaks less), a deeper cut is replaced by the grown check.
The change of the observables between the two is the reported window error ("window_error"); the solve is
``converged`` when it is ≤ ``window_tol`` (1e-12); the larger window is reported.

Linear solve. L x = 0, tᵀx = 1 (t: 1 on the populations) with the equation of the most probable population
replaced by the trace (tᵀL = 0, so that row is the negative sum of the other population rows: nothing is
lost), sparse LU (SuperLU, complex) in the geometric nested-dissection order of the (l, E) lattice
(:mod:`.ordering`; every term moves l and E by at most 1) with diagonal (static) pivots, then iterative
refinement with the residual in extended precision and the same factors (at most ``refine`` steps, while the
correction falls tenfold); threshold pivoting (1e-2) only when the refined residual stays above 1e-14 ‖A‖ ‖y‖. Why not the
GMRES of :mod:`.tavis_cummings.dicke_solve`: measured below, the direct solve is faster at every size tried and
needs no convergence criterion. Residual: ‖L x‖_∞ with L the generator of the window grown by one layer
("residual_grown", its rows outside carry the leaks), and of the window itself ("residual").

Exact trace preservation: the population diagonal is set to minus the sum of its jump rates
(:func:`exactly_trace_preserving`); without it the anchor choice moved the observables by 1.5e-11 at N = 1000.

Measured (2 shared cores, load 2–8, one BLAS thread; SuperLU's dense kernels thrash with more on a loaded
machine: 17 s instead of 0.3 s for one N = 100 factorisation):

* direct LU against GMRES (:func:`cumex.exact.tavis_cummings.dicke_solve.solve_dicke`, rtol 1e-13) on the same
  final window: N = 500, fixed κ/N, r = 0.95 (2e4 elements): 0.5 s vs 1.4 s (45 iterations); N = 500,
  fixed g√N, r = 0.75 (1.1e5 elements): 4.4 s vs 121 s (571 iterations), p0↑ equal to 9e-12.
* fixed κ/N, r = 0.95 (load ~2.5): N = 1000 in 4.8 s (p0↑ = 0.469144669047, the value quoted in issue 16),
  N = 2000 in 5.7 s / 0.6 GB, N = 4000 in 14.5 s / 1.0 GB, N = 10,000 in 132 s / 2.9 GB (3 windows, 5.8e5
  real unknowns, 1.5e8 factor entries; before the product-state first window and the trimmed check);
  window errors ≤ 2e-16, residuals ‖L x‖_∞ ≤ 1e-14 on the window, ≤ 1e-11 with one layer more.
* 2026-12-02, after the static pivots, the support-shrinking growth and the quarter-size prediction (load 1–1.6,
  whole process wall / peak RSS, ``steady_state_central_dicke``), N = 10,000: fixed κ/N r = 0.3 / 0.75 / 0.95
  14 / 59 / 33 s, 0.67 / 2.7 / 1.2 GB; fixed g√N 15 / 22 / 11 s, 0.66 / 0.95 / 0.36 GB; N = 20,000: fixed κ/N
  18 / 139 / 53 s, 0.83 / 5.2 / 2.2 GB; fixed g√N 21 / 34 / 15 s, 0.84 / 1.4 / 0.50 GB; every point 2 windows
  (the predicted or first one and its check), window errors ≤ 6e-15. The same N = 10,000, r = 0.75 point took
  442 s and 10.7 GB before (7 windows; one factorisation of 166 s from threshold pivoting).
* The routes agree: :mod:`benchmarks.exact_accuracy` ``--dicke``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cumex.exact.central_dicke_window import grow_window, initial_window, lasing, scaled_window, smaller_copy, trim_window
from cumex.exact.ordering import grid_nested_dissection
from cumex.exact.tavis_cummings.dicke import DickeBasis, EmitterWindow, dicke_generator
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.exact.threads import blas_threads
from cumex.models.central_spin import CentralSpinParameters

__all__ = [
    "CentralDickeResult",
    "exactly_trace_preserving",
    "as_tavis_cummings",
    "initial_window",
    "solve_window",
    "steady_state_central_dicke",
]

_log = logging.getLogger(__name__)

#: from this N on, a lasing point's first window is predicted from a quarter-size copy (one solve at N/4)
_PREDICT_MIN_N = 2000
#: the copy's populations above this fraction of the boundary tolerance are mapped (:func:`scaled_window`)
_PREDICT_LEVEL = 1e-5
#: a trimmed check window may leak up to this many times the boundary tolerance (see the window loop)
_TRIM_LEAK = 100.0


@dataclass
class CentralDickeResult:
    """Trace-1 x on ``basis`` (a :class:`DickeBasis` with fock = 1) and diagnostics."""

    x: np.ndarray
    basis: DickeBasis
    residual: float  # ‖L x‖_∞ of the generator of the window grown by one layer
    trace_error: float  # |tᵀx − 1| of the raw solution
    info: dict[str, float] = field(default_factory=dict)


def as_tavis_cummings(params: CentralSpinParameters) -> TavisCummingsParameters:
    """The Tavis–Cummings parameters whose F = 1 truncation is this central spin (module docstring)."""
    return TavisCummingsParameters(N=params.N, omega=params.omega, epsilon=params.epsilon, g=params.g,
                                   kappa=params.kappa, gamma_up=params.gamma_up, gamma_down=params.gamma_down)


def exactly_trace_preserving(L: sp.csr_matrix, basis: DickeBasis) -> sp.csr_matrix:
    """L with each population column's diagonal set to minus the sum of its other population-row entries.

    Why: tᵀL = 0 holds only to rounding (the jump rates are sums of Clebsch–Gordan products, ~1e-14 of the
    largest rate), and then L has no exact null vector: which equation the trace replaces changed the
    observables by 1.5e-11 at N = 1000, r = 0.95. With the loss defined as the sum of the jump rates (what it
    is), the dropped equation is the negative sum of the others to the last bit and the anchor drops out.
    """
    L = L.tocsc(copy=True)
    is_pop = np.zeros(basis.dim, dtype=bool)
    is_pop[basis.populations()] = True
    col = np.repeat(np.arange(basis.dim), np.diff(L.indptr))
    on_pop = is_pop[L.indices] & is_pop[col]
    offdiag = on_pop & (L.indices != col)
    rate_sum = np.bincount(col[offdiag], weights=L.data[offdiag].real, minlength=basis.dim)
    diag = on_pop & (L.indices == col)
    L.data[diag] = -rate_sum[col[diag]] + 1j * L.data[diag].imag
    return L.tocsr()


def _real_form(L: sp.csr_matrix, basis: DickeBasis) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Real form of L on Hermitian x: unknowns r = (populations, Re x01, Im x01) with x01 = x(l, E, 0, 1) and
    x10 = conj x01; rows Re of the population equations and Re, Im of the x01 equations (the x10 ones are their
    conjugates). Returns (R, T, kind): x = T r (complex), kind 0/1/2 per real unknown (population, Re, Im).

    At ω = ε the Re x01 unknowns are dropped when they are decoupled (the two off-diagonal blocks of R exactly
    zero; then Re x01 = 0 in the unique steady state): the coupling carries a factor i, so it links the
    populations to Im x01 only, and Re x01 to Im x01 only through the detuning.
    """
    lab = basis.labels
    pops = basis.populations()
    c01 = np.flatnonzero((lab["p"] == 0) & (lab["q"] == 1))
    c10 = basis.index(lab["l"][c01], lab["E"][c01], 1, 0)
    n_p, n_c = pops.size, c01.size
    rows = np.r_[pops, c01, c10, c01, c10]
    cols = np.r_[np.arange(n_p), n_p + np.arange(n_c), n_p + np.arange(n_c), n_p + n_c + np.arange(n_c),
                 n_p + n_c + np.arange(n_c)]
    vals = np.r_[np.ones(n_p + 2 * n_c), 1j * np.ones(n_c), -1j * np.ones(n_c)].astype(complex)
    T = sp.csr_matrix((vals, (rows, cols)), shape=(basis.dim, n_p + 2 * n_c))
    M = (L @ T).tocsr()
    R = sp.vstack([M[pops].real, M[c01].real, M[c01].imag]).tocsr()
    kind = np.r_[np.zeros(n_p, dtype=int), np.ones(n_c, dtype=int), np.full(n_c, 2)]
    re = kind == 1
    coupled = abs(R[re][:, ~re]).sum() + abs(R[~re][:, re]).sum()
    if coupled == 0:
        R = R[~re][:, ~re].tocsr()
        T = T[:, np.flatnonzero(~re)].tocsr()
        kind = kind[~re]
    return R, T, kind


#: a static-pivot solve is kept when its refined residual is below this fraction of ‖A‖_∞ ‖y‖_∞
_STATIC_PIVOT_RES = 1e-14


def _factor_refined(A: sp.csc_matrix, rhs: np.ndarray, refine: int, pivoting: float):
    """(factors, y in long double, ‖rhs − A y‖_∞, refinement steps): SuperLU in the given (nested-dissection)
    order, diagonal pivots unless one falls below ``pivoting`` times its column's largest entry, then refinement
    with the residual in extended precision (80-bit; cheap next to the factorisation), at most ``refine`` steps.

    Why static pivots first (``pivoting`` 0): threshold pivoting (1e-2) swapped rows on one window of N = 10,000
    (fixed κ/N, r = 0.75) and its factors grew 6× (7.4e8 entries, 166 s against 1.3e8, 13 s with the diagonal;
    the same window a few layers smaller had no swaps); the refined residual tells when the diagonal fails."""
    try:
        lu = spla.splu(A, permc_spec="NATURAL", diag_pivot_thresh=pivoting, options={"SymmetricMode": True})
    except RuntimeError:
        if pivoting > 0:
            raise
        return None, np.zeros(A.shape[0], dtype=np.longdouble), float("inf"), 0
    A_ext = A.astype(np.longdouble)
    rhs_ext = rhs.astype(np.longdouble)
    y = lu.solve(rhs).astype(np.longdouble)
    res = float(np.abs(rhs_ext - A_ext @ y).max())
    steps = 0
    last = float("inf")
    for _ in range(refine):
        d = lu.solve((rhs_ext - A_ext @ y).astype(float))
        if not np.all(np.isfinite(d)):
            return lu, y, float("inf"), steps
        y = y + d
        steps += 1
        res = float(np.abs(rhs_ext - A_ext @ y).max())
        size = float(np.abs(d).max())
        # stop at the double-precision floor of the correction or when it no longer falls tenfold
        if not size > 1e-15 * float(np.abs(y).max()) or not size < 0.1 * last:
            break
        last = size
    return lu, y, res, steps


def solve_window(
    params: CentralSpinParameters, basis: DickeBasis, *, refine: int = 5, anchor: int | None = None,
    threads: int | None = 1,
) -> tuple[np.ndarray, dict[str, float]]:
    """Steady state of the (windowed) generator on ``basis`` by sparse LU (module docstring): (trace-1 x, info).

    ``anchor``: storage index of the population whose equation is replaced by the trace (default: the
    population nearest the window's centre without a central excitation).
    """
    t0 = time.perf_counter()
    L = exactly_trace_preserving(dicke_generator(as_tavis_cummings(params), basis), basis)
    R, T, kind = _real_form(L, basis)
    pops = basis.populations()
    lab = basis.labels
    if anchor is None:
        el, ll = lab["e"][pops], lab["l"][pops]
        centre = np.array([0.5 * (ll.min() + ll.max()), 0.5 * (el.min() + el.max())])
        anchor = int(pops[np.argmin(np.abs(ll - centre[0]) + np.abs(el - centre[1]) + 1e3 * lab["p"][pops])])
    a = int(np.searchsorted(pops, anchor))  # the anchor's real unknown (populations come first, in order)
    n = R.shape[0]
    # lattice coordinates (l, E) of each real unknown: the element its column of T writes to
    Tc = T.tocsc()
    elem = Tc.indices[Tc.indptr[:-1]]
    order = grid_nested_dissection(np.vstack([lab["l"][elem], lab["E"][elem]]), 1, 64, a)
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    Rc = R.tocoo()
    keep = Rc.row != a
    t_idx = np.arange(pops.size)
    rows = np.concatenate([pos[Rc.row[keep]], np.full(t_idx.size, pos[a])])
    cols = np.concatenate([pos[Rc.col[keep]], pos[t_idx]])
    vals = np.concatenate([Rc.data[keep], np.ones(t_idx.size)])
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))
    rhs = np.zeros(n)
    rhs[pos[a]] = 1.0
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    with blas_threads(threads):
        pivoting = 0.0
        lu, y, res, steps = _factor_refined(A, rhs, refine, pivoting)
        a_norm = float(abs(A).sum(axis=1).max())
        if not res <= _STATIC_PIVOT_RES * a_norm * float(np.abs(y).max()):
            pivoting = 1e-2  # static pivots not accurate enough even after refinement: threshold pivoting
            lu, y, res, steps = _factor_refined(A, rhs, refine, pivoting)
        assert lu is not None, "threshold pivoting raises rather than returning no factors"
        factor = time.perf_counter() - t0
    r = np.empty(n, dtype=np.longdouble)
    r[order] = y
    tr = float(r[t_idx].sum())
    r = r / r[t_idx].sum()
    x = T @ r.astype(float)
    L_ext = L.astype(np.clongdouble)
    T_ext = T.astype(np.clongdouble)
    info = {
        "unknowns": float(n),
        "complex_elements": float(basis.dim),
        "nnz": float(A.nnz),
        "factor_nnz": float(lu.nnz),
        "build_seconds": build,
        "factor_seconds": factor,
        "solve_seconds": time.perf_counter() - t0,
        "refine_steps": float(steps),
        "pivot_threshold": pivoting,
        "linear_residual": res,
        "trace_error": abs(tr - 1.0),
        "residual": float(np.abs(L_ext @ (T_ext @ r.astype(np.clongdouble))).max()),
        "real_coherence_dropped": float(np.count_nonzero(kind == 1) == 0),
    }
    return x, info


def _observable_vector(x: np.ndarray, basis: DickeBasis) -> dict[str, float]:
    from cumex.exact.central_dicke_observables import central_dicke_observables

    return central_dicke_observables(x, basis)


def steady_state_central_dicke(
    params: CentralSpinParameters,
    *,
    boundary_tol: float = 1e-14,
    window_tol: float = 1e-12,
    check_layers: int | None = None,
    max_windows: int = 8,
    spread: float | None = None,
    window: EmitterWindow | None = None,
    refine: int = 5,
    threads: int | None = 1,
    check: bool = True,
) -> CentralDickeResult:
    """Steady state with the adaptive window (module docstring). ``window``: start there instead of the
    mean-field estimate. info: "windows" solved, "boundary_weight" (final window), "window_error" (change of
    the observables against the window grown by ``check_layers``, default max(3, ⌈√N/4⌉)), "window_converged"
    (boundary weight ≤ boundary_tol and window error ≤ window_tol), timings, sizes and residuals."""
    N = params.N
    check_by = check_layers if check_layers is not None else max(3, int(np.ceil(np.sqrt(N) / 4)))
    totals = {"build_seconds": 0.0, "factor_seconds": 0.0, "solve_seconds": 0.0, "prediction_seconds": 0.0}
    if window is None and spread is None and N >= _PREDICT_MIN_N and lasing(params):
        t0 = time.perf_counter()  # the first window from the state of a quarter-size copy (central_dicke_window)
        small = steady_state_central_dicke(smaller_copy(params, N // 4), boundary_tol=boundary_tol,
                                           window_tol=window_tol, refine=refine, threads=threads, check=False)
        window = scaled_window(small.basis, small.x, N, _PREDICT_LEVEL * boundary_tol)
        totals["prediction_seconds"] = time.perf_counter() - t0
    win = window or initial_window(params, spread, boundary_tol)
    history: list[tuple[DickeBasis, np.ndarray, dict[str, float]]] = []
    anchor_label = None
    fitted = False  # the previous window's boundary weight was ≤ boundary_tol
    trimmed = False  # the current window is the trimmed copy of an oversized fitting one
    checked = False  # two successive fitting windows (the second grown from the first) were solved
    for _ in range(max_windows):
        basis = DickeBasis(N, 1, win)
        anchor = None
        if anchor_label is not None:  # the most probable population of the previous window
            idx = int(basis.index(*anchor_label)[()])
            anchor = idx if idx >= 0 else None
        x, info = solve_window(params, basis, refine=refine, anchor=anchor, threads=threads)
        for k in ("build_seconds", "factor_seconds", "solve_seconds"):
            totals[k] += info[k]
        history.append((basis, x, info))
        pops = basis.populations()
        a = int(pops[np.argmax(x[pops].real)])
        anchor_label = tuple(int(basis.labels[k][a]) for k in ("l", "E", "p", "q"))
        nxt, boundary = grow_window(basis, x, boundary_tol)
        _log.info("central dicke N=%d: window l %d..%d, %d unknowns, boundary weight %.2g, %.2f s", N,
                  win.l_lo, win.l_hi, basis.dim, boundary, info["solve_seconds"] + info["build_seconds"])
        if nxt is not None and trimmed and boundary <= _TRIM_LEAK * boundary_tol:
            # the trimmed check leaks a little more than tol: its change against the larger, fitting window
            # still bounds that window's truncation (which leaks less), so compare them
            checked = True
            break
        if nxt is not None and trimmed:  # the trim cut into the state: check by growing the fitting window
            history.pop()
            fitting = history[-1][0].window
            assert fitting is not None, "a windowed basis"
            win, trimmed = fitting.grown(N, check_by), False
            continue
        if nxt is not None:
            win, fitted, trimmed = nxt, False, False
            continue
        if fitted:  # this window fits too: compare it with the previous fitting one
            checked = True
            break
        if not check:  # the first fitting window is all that is asked for (a prediction's support)
            break
        fitted = True
        smaller = None if trimmed else trim_window(basis, x, boundary_tol)
        if smaller is not None:  # oversized: the second window is the trimmed one, the first is reported
            win, trimmed = smaller, True
        else:
            win = win.grown(N, check_by)
    if checked and trimmed and len(history) >= 2:
        history[-1], history[-2] = history[-2], history[-1]  # report the larger window, compared with the trimmed
    basis, x, info = history[-1]
    obs = _observable_vector(x, basis)
    if checked:
        prev = _observable_vector(history[-2][1], history[-2][0])
        change = max(abs(obs[k] - prev[k]) for k in obs if np.isfinite(obs[k]))
    else:
        change = float("inf")
    _, boundary = grow_window(basis, x, boundary_tol)
    window = basis.window
    assert window is not None, "a windowed basis"
    grown = DickeBasis(N, 1, window.grown(N, 1))
    residual = float(np.abs(dicke_generator(as_tavis_cummings(params), basis, grown) @ x).max())
    info = {
        **info,
        **totals,
        "windows": float(len(history)),
        "boundary_weight": boundary,
        "window_error": change,
        "window_converged": float(checked and boundary <= boundary_tol and change <= window_tol),
        "residual_grown": residual,
        "l_lo": float(window.l_lo),
        "l_hi": float(window.l_hi),
        "dimension": float(basis.dim),
    }
    return CentralDickeResult(x=x, basis=basis, residual=residual, trace_error=info["trace_error"], info=info)
