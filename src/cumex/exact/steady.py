"""Steady state of the reduced Liouvillian: a sparse LU solve in well-conditioned coordinates.

Why a second scaling. In the bounded coordinates w of :mod:`.basis` the generator is far from normal: the
satellite pump/loss chain drifts towards its mean excitation number, and the central–satellite exchange
moves coherences up and down the ladder k with weights ~k and ~N. Its smallest non-zero singular value then
falls like e^{−cN} (2·10⁻¹ at N = 20, 2·10⁻⁴ at N = 60 for the Fig. 2b parameters) although the spectral gap
stays ~1: at N ≳ 300 an LU solve returns a vector with residual 10⁻¹³ that is not the steady state. We solve
instead for u = e^λ w with

    λ(n) = ½ ln s(n) − ¼ [ln π_q(m_ket) + ln π_q(m_bra)],      π_q = Binomial(N, q),

i.e. Hilbert–Schmidt-orthonormal coefficients (where −i[H, ·] is anti-Hermitian) times the √π factor that
symmetrises the birth–death chain of satellite excitations. With q equal to the steady-state excitation
fraction the second singular value stays O(1) (1.5 at N = 20…60). q starts at the pump ratio Γ↑/Γ_T and is
replaced by the excitation fraction of the solution; we re-solve until logit(q) moves by less than ``q_tol``.
λ is shifted to 0 at the most probable population and clipped from below at ``_LAMBDA_MIN`` (so that e^{−λ}
stays finite; it is not clipped from above: e^{−λ} underflowing to 0 there is harmless, while clipping broke
the symmetrisation at N ≳ 2500); any diagonal similarity is exact, so this only affects conditioning.

The singular system L u = 0, Tr ρ = 1 is made regular by replacing the equation of the most probable
population by the trace condition (the trace functional is the left null vector of L and is non-zero
there, so the remaining equations have full rank when the steady state is unique). We factor the real
D×D form of L on Hermitian operators (:func:`.liouvillian.hermitian_real_form`; at ω = ε without the Re q10
unknowns, see :func:`_real_system`) with SuperLU in nested-dissection order (:mod:`.ordering`) and refine
iteratively with the same factors.

Coherence cutoff (the default, ``method="coherence_cutoff"``). The ladder index k = min(n01, n10) counts
pairs of satellite coherences |0⟩⟨1|, |1⟩⟨0|; the exchange creates or removes one at a time. We solve with
the unknowns k ≤ K only, the others fixed at 0. This is a truncation, not a symmetry, and the state is
extremely sensitive to it: at N = 1000, r = Γ↑/Γ_T = 0.95 (fixed_kappa_over_N), K = 20 leaves a residual of
2e-14 with p0↑ off by 0.43, and at N = 2000 the truncated states at K = 8, 12, 16 agree with each other to
3e-8 at p0↑ = −0.018 (a different, false state: the lasing state's weight in the natural gauge peaks at
k ≈ 0.044 N). So K is accepted by what it is for: the cutoff stops when no observable changed by more than
``cutoff_tol`` (1e-12) between two successive cutoffs, both settled (q, ladder balance, window) and both
with the balanced profile at K below 1e-3 (the false states have it ≈ 1). The next K is the larger of the
change-rate rule (:func:`.ladder.next_cutoff`) and the profile rule (:func:`.ladder.profile_cutoff`: ×1.5
while the profile at K is above 1e-2, else its log extrapolated to 1e-7).

Window (``window=True``, default). On each line k only the satellite excitation numbers m = n11 + k that
carry the state are kept (:class:`.basis.WindowBasis`): the distribution of m is a peak of width ~√N, and at
N = 1000, r = 0.95 the coefficients above 1e-30 of the largest lie in m ∈ [746, 1000]. The first window is
±15 binomial standard deviations around qN (line k reaching k lower); after each attempt it becomes the
extent of |u| ≥ 1e-20 of the largest plus a quarter (:func:`.ladder.next_window`), and an attempt whose
values reach its window's edge is repeated at the same K on the wider window. The basis solved on holds one
more layer (line K + 1, m ± 1 of the neighbouring lines) whose rows carry the leaks, so the residual is that
of the exact generator. Cost at N = 1000, r = 0.95: 3 s instead of 38 s (the same observables to 1e-12).

Where this basis stops (measured, issue 16). In the lasing regime at fixed κ/N the solve is limited by
conditioning, not by truncation. Condition estimates (1-norm, SuperLU factors) of the balanced, windowed
system at r = 0.95: 2.7e7 at N = 1000, 4e13 at N = 2000 (unchanged from K = 100 to 160, and with the
unwindowed strip); the smallest singular vector sits on the populations (k = 0, m ≈ qN − 2σ), the
corresponding left vector on lines k ≈ 20–35: the equations of the coherence lines that carry the state
determine the populations only through a chain amplified by e^{μ_k − μ_{k−1}} per line (the ladder shifts
reach μ = −44 at N = 1000 and −99 at N = 2000). No diagonal gauge helps: in the near-normal natural gauge
the populations are e^{−99} of the state's largest coefficient. At N = 2000 the observables of successive
K scatter by ~1e-7 although the tail is below 1e-19 and the residual 1e-14; at N = 4000 nothing is left.
The cutoff then stops with ``info["cutoff_stalled"]`` = 1 (tail below 1e-20 at two K, change not falling)
and :func:`cumex.exact.solver.solve` reports "inaccurate". The cure is another basis: the collective Dicke
basis of :mod:`.central_dicke`, where the lasing state is compact (exact_method "dicke", the fallback of these
statuses, and "auto" above N = 4000 or where mean field's N|s|² ≥ 13.5, :mod:`.solver`).

Ladder balancing. ½ ln s(n) does not balance the ladder k: in the natural gauge the largest |u| on line k
exceeds that of the populations by up to e^{41.5} (k ≈ 44, N = 1000, r = 0.95). After each pass every line k
whose largest |u| exceeds the populations' gets an extra shift −ln(excess) (an exact diagonal similarity;
:func:`.ladder.balanced_shifts`) and the solve is repeated until no line exceeds them by more than 1e3. When
K grows, the new lines start with the shift of the last reliable old line (:func:`.ladder.extend_shifts`).

Reported residual: ‖L w‖_∞ = max over the D complex components of dw/dt for the trace-1 state w in the
bounded B(n) coordinates (|w| ≤ 1), i.e. the largest rate of change of any coefficient. It is a weak test
of accuracy (the example above: 2e-14 with p0↑ off by 0.43), which is why :func:`cumex.exact.solver.solve`
also checks physical bounds (:mod:`.checks`) and reports ``info["settled"]`` and ``info["cutoff_converged"]``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.stats import binom

from cumex.errors import CumexInputError
from cumex.exact.basis import SectorBasis, WindowBasis, dimension
from cumex.exact.ladder import (
    balanced_shifts,
    extend_shifts,
    extend_window,
    initial_window,
    next_cutoff,
    next_window,
    profile_cutoff,
    tail_profile,
)
from cumex.exact.liouvillian import hermitian_real_form, real_to_complex, reduced_liouvillian
from cumex.exact.observables import excitation_distribution, observables, trace
from cumex.exact.ordering import nested_dissection
from cumex.exact.threads import blas_threads
from cumex.models.central_spin import CentralSpinParameters

__all__ = ["SteadyResult", "steady_state", "solver_log_scale", "ORDERINGS", "METHODS"]

_log = logging.getLogger(__name__)

#: "coherence_cutoff" (default: only ladder indices k ≤ K, K grown until the tail is negligible) or "full"
METHODS = ("coherence_cutoff", "full")

#: "nested_dissection" (:mod:`.ordering`, symmetric pivoting) or one of SuperLU's own column orderings
ORDERINGS = ("nested_dissection", "COLAMD", "MMD_ATA", "MMD_AT_PLUS_A")
_LAMBDA_MIN = -600.0  # e^{−λ} stays finite; e^{−λ} underflowing to 0 for large λ > 0 is harmless
_Q_MIN = 1e-3
_TAIL_MAX = 1e-3  # an attempt whose balanced profile at K is above this is not a candidate (ladder.profile_cutoff)


@dataclass
class SteadyResult:
    """The steady state w (complex sector vector, trace 1) and diagnostics of its computation."""

    w: np.ndarray
    basis: SectorBasis | WindowBasis
    residual: float  # ‖L w‖_∞ with L the generator on the bounded coordinates w (|w| ≤ 1)
    trace_error: float  # |Tr ρ − 1| of the raw solution before normalisation
    info: dict[str, float] = field(default_factory=dict)


def solver_log_scale(basis: SectorBasis | WindowBasis, q: float) -> np.ndarray:
    """λ(n) of the module docstring, shifted to 0 at the most probable k = 0 population and clipped."""
    lab = basis.labels()
    m_ket = lab["n10"] + lab["n11"]
    m_bra = lab["n01"] + lab["n11"]
    log_pi = binom.logpmf(np.arange(basis.N + 1), basis.N, q)
    lam = 0.5 * basis.log_scale() - 0.25 * (log_pi[m_ket] + log_pi[m_bra])
    sl, n11 = basis.line(0, 0, 0)
    lam -= lam[sl.start + int(np.argmax(log_pi[n11]))]  # the most probable population of block (0, 0)
    # no upper clip: a clip at +600 (so that e^{λ} stays finite) broke the symmetrisation wherever
    # ln π_q < −2400, which at N = 3000 left residuals of 3e-4; e^{λ} itself is never formed
    return np.maximum(lam, _LAMBDA_MIN)


def _logit(q: float) -> float:
    return float(np.log(q / (1.0 - q)))


@dataclass
class _RealSystem:
    """The real form R of L as COO arrays, the unknowns kept, and the grid coordinates of each unknown."""

    row: np.ndarray
    col: np.ndarray
    data: np.ndarray
    keep: np.ndarray  # indices (into the D real coordinates) of the unknowns solved for
    a: np.ndarray  # n01 + n10 of each real coordinate
    b: np.ndarray  # n11 of each real coordinate


def _real_system(
    L: sp.csr_matrix, basis: SectorBasis | WindowBasis, resonant: bool, solve: np.ndarray | None = None
) -> _RealSystem:
    """Real form of L on Hermitian operators; at ω = ε the Re q10 unknowns are dropped.

    Why: the coupling carries a factor i, so in real coordinates it links the populations only to Im q10;
    Re q10 is linked to Im q10 only through the detuning −i(ω − ε). At resonance Re q10 obeys a closed
    homogeneous equation of decaying modes, so it vanishes in the steady state (Re⟨σ0⁺σn⁻⟩ = 0) and a quarter
    of the unknowns can be left out. ``solve``: a mask over the complex elements; the others are fixed at 0
    (the coherence cutoff and window: the basis holds one more layer, whose rows carry the leaks).
    """
    R = hermitian_real_form(L, basis).tocoo()
    nd, no = basis.diag_size, basis.off_size
    lab = basis.labels()
    real_rows = np.r_[0 : 2 * nd + no, 2 * nd : 2 * nd + no]
    keep = np.r_[0 : 2 * nd, 2 * nd + no : 2 * nd + 2 * no] if resonant else np.arange(basis.dim)
    a = (lab["n01"] + lab["n10"])[real_rows]
    if solve is not None:  # coherence cutoff and window: the unknowns outside are fixed at 0
        keep = keep[solve[real_rows][keep]]
    return _RealSystem(R.row.astype(np.int64), R.col.astype(np.int64), R.data, keep, a, lab["n11"][real_rows])


def _solve_once(
    system: _RealSystem, basis: SectorBasis | WindowBasis, q: float, ordering: str, refine: int, mu: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, float, int]:
    """One factorisation at reference fraction q: returns (w, u, factor seconds, fill ratio, entries of L + U).

    u is the solution in the conditioned real coordinates (length D of ``basis``, 0 where not solved for).
    """
    lam = solver_log_scale(basis, q)
    lab = basis.labels()
    lam = lam + mu[np.minimum(lab["n01"], lab["n10"])]  # ladder balancing (module docstring)
    nd, no = basis.diag_size, basis.off_size
    # real coordinates (p00, p11, Re q10, Im q10) and their λ
    lam_r = np.concatenate([lam[: 2 * nd + no], lam[2 * nd : 2 * nd + no]])
    keep = system.keep
    solved = np.zeros(basis.dim, dtype=bool)
    solved[keep] = True
    line0 = [np.arange(basis.dim)[basis.line(c, c, 0)[0]] for c in (0, 1)]
    cand = line0[0][solved[line0[0]]]
    row = int(cand[np.argmin(lam[cand])])  # the most probable population of block (0, 0): its equation → trace
    # position of each kept real coordinate in the solved system; the nested-dissection order is applied here
    if ordering == "nested_dissection":
        order = keep[nested_dissection(system.a[keep], system.b[keep], last=row)]
    else:
        order = keep
    pos = np.full(basis.dim, -1, dtype=np.int64)
    pos[order] = np.arange(order.size)
    r, c = system.row, system.col
    use = (pos[r] >= 0) & (pos[c] >= 0) & (r != row)
    data = system.data[use] * np.exp(lam_r[r[use]] - lam_r[c[use]])  # e^λ R e^{−λ}, no overflow
    # trace row: Σ_{c, n11} w(c, c; 0, n11) = Σ e^{−λ} u
    tr_idx = np.concatenate(line0)
    tr_idx = tr_idx[solved[tr_idx]]
    rows = np.concatenate([pos[r[use]], np.full(tr_idx.size, pos[row])])
    cols = np.concatenate([pos[c[use]], pos[tr_idx]])
    vals = np.concatenate([data, np.exp(-lam_r[tr_idx])])
    n = order.size
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))
    rhs = np.zeros(n)
    rhs[pos[row]] = 1.0
    t0 = time.perf_counter()
    if ordering == "nested_dissection":
        # symmetric permutation already applied; pivots stay on the diagonal unless < 1e-2 of the column maximum
        lu = spla.splu(A, permc_spec="NATURAL", diag_pivot_thresh=1e-2, options={"SymmetricMode": True})
    else:
        lu = spla.splu(A, permc_spec=ordering)
    seconds = time.perf_counter() - t0
    x = lu.solve(rhs)
    # iterative refinement with the same factors, at most ``refine`` steps, stopped when the residual of the
    # scaled system no longer halves. Why adaptive: at N = 3000 (cutoff K = 40) one step left a residual
    # of 1e-6 of the generator (pivot growth under the threshold pivoting), six steps 3e-11.
    res = np.abs(rhs - A @ x).max()
    for _ in range(refine):
        x_new = x + lu.solve(rhs - A @ x)
        res_new = np.abs(rhs - A @ x_new).max()
        if not res_new < res:
            break
        x, done, res = x_new, res_new < 0.5 * res, res_new
        if not done:
            break
    fill = lu.nnz / A.nnz  # entries stored in the factors (lu.L/lu.U would copy them out)
    u = np.zeros(basis.dim)
    u[order] = x
    w = real_to_complex(u * np.exp(-lam_r), basis)
    return w, u, seconds, fill, int(lu.nnz)


def _solve_on(
    params: CentralSpinParameters, basis: SectorBasis | WindowBasis, solve: np.ndarray | None, q: float,
    mu: np.ndarray | None, ordering: str, refine: int, q_tol: float, max_passes: int, threads: int | None,
) -> tuple[np.ndarray, sp.csr_matrix, dict[str, float], float, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Passes of :func:`_solve_once` on one basis until q and the ladder balance settle.

    ``solve``: mask of the elements solved for (None: all). ``mu``: ladder shifts of an earlier attempt
    (extended to new lines by :func:`.ladder.extend_shifts`). Returns (raw w, L, info, final q, ladder shifts,
    tail profile, (|u|, k, m) of the solved real coordinates); ``info["settled"]`` is 1 when the last pass
    moved q by at most ``q_tol`` in logit and no ladder line exceeded the populations by more than 1e3.
    """
    t0 = time.perf_counter()
    L = reduced_liouvillian(params, basis)
    system = _real_system(L, basis, resonant=params.omega == params.epsilon, solve=solve)
    build = time.perf_counter() - t0
    factor_s = 0.0
    n_k = int(system.a.max()) // 2 + 1
    mu = np.zeros(n_k) if mu is None else extend_shifts(mu, n_k)
    m = np.arange(params.N + 1)
    change = float("nan")
    passes = 0
    settled = False
    k_real = system.a // 2
    for passes in range(1, max_passes + 1):
        with blas_threads(threads):
            w, u, sec, fill, lu_nnz = _solve_once(system, basis, q, ordering, refine, mu)
        factor_s += sec
        prof = tail_profile(u, k_real)
        mu, balanced = balanced_shifts(u, k_real, mu)
        P = excitation_distribution(w, basis).sum(axis=0)
        tr = trace(w, basis).real
        q_new = float(np.clip((P * m).sum() / (tr * params.N), _Q_MIN, 1.0 - _Q_MIN)) if tr > 0 else q
        change, q = abs(_logit(q_new) - _logit(q)), q_new
        settled = bool(np.isfinite(change) and change <= q_tol and balanced)
        _log.debug("exact N=%d pass %d: q = %.6g, logit change %.3g, factorised in %.2f s", params.N, passes, q, change, sec)
        if settled or not np.isfinite(change):
            break
    info = {
        "unknowns": float(system.keep.size),
        "nnz": float(L.nnz),
        "build_seconds": build,
        "factor_seconds": factor_s,
        "fill_ratio": fill,
        "factor_nnz": float(lu_nnz),
        "passes": float(passes),
        "q_change": change,
        "settled": float(settled),
    }
    kept = system.keep
    return w, L, info, q, mu, prof, (u[kept], k_real[kept], system.b[kept] + k_real[kept])


def _attempt_basis(N: int, lo: np.ndarray, hi: np.ndarray) -> tuple[WindowBasis, np.ndarray]:
    """The basis of one cutoff attempt (the window plus one layer: line K + 1 and m ± 1, which carry the rows
    of the transitions leaving the window, so that the residual is the exact generator's) and the mask of
    the elements solved for (the window itself)."""
    K = lo.size - 1
    # transitions change k and m by at most one each: line k of the layer covers lines k − 1, k, k + 1, m ± 1
    big = np.iinfo(np.int64).max // 4
    lo_p, hi_p = np.r_[big, lo, big, big], np.r_[-big, hi, -big, -big]  # lines −1 … K + 2
    outer_lo = np.minimum(np.minimum(lo_p[:-2], lo_p[1:-1]), lo_p[2:]) - 1
    outer_hi = np.maximum(np.maximum(hi_p[:-2], hi_p[1:-1]), hi_p[2:]) + 1
    outer = WindowBasis(N, outer_lo, outer_hi)
    lab = outer.labels()
    k = np.minimum(lab["n01"], lab["n10"])
    m = lab["n11"] + k
    kc = np.minimum(k, K)
    return outer, (k <= K) & (m >= lo[kc]) & (m <= hi[kc])


def _observable_vector(w: np.ndarray, basis: SectorBasis | WindowBasis) -> np.ndarray:
    """The observables of the trace-1 state w as an array (NaN entries, e.g. pair correlations at N = 1, dropped)."""
    values = np.array(list(observables(w, basis).values()))
    return values[np.isfinite(values)]


def steady_state(
    params: CentralSpinParameters,
    *,
    method: str = "coherence_cutoff",
    ordering: str = "nested_dissection",
    refine: int = 10,
    q_tol: float = 0.1,
    max_passes: int = 4,
    threads: int | None = 1,
    cutoff_tol: float = 1e-12,
    cutoff_start: int = 8,
    cutoff_max: int | None = None,
    cutoff_floor: float = 1e-10,
    window: bool = True,
) -> SteadyResult:
    """Steady state of the central spin model (module docstring).

    SuperLU raises RuntimeError on an exactly singular factor; :func:`cumex.exact.solver.solve` reports
    that as a failed point.

    ``method``: "full" solves on the whole sector; "coherence_cutoff" (see the module docstring) solves with
    the unknowns of ladder index k ≤ K only, K = ``cutoff_start`` first, raised (:func:`.ladder.next_cutoff`) until
    no observable changed by more than ``cutoff_tol`` from the previous K (both passes settled), until K
    covers the sector (then it is the full solve), or until K = ``cutoff_max`` (``info["cutoff_converged"]``
    = 0 then). The returned ``basis`` is ``SectorBasis(N, K + 1)`` (w = 0 at k = K + 1, which carries the
    rows of the neglected transitions, so that ``residual`` is that of the exact generator).
    ``info["cutoff_k"]`` is the final K (−1: no cutoff), ``info["cutoff_change"]`` the last change of the
    observables, ``info["cutoff_tail"]`` the largest |u| at k = K over the largest |u| (diagnostic only),
    ``info["cutoff_attempts"]`` the truncated solves made. When round-off keeps the changes above
    ``cutoff_tol`` (they stop falling), the cutoff also stops once two successive changes are below
    ``cutoff_floor`` and the last is not a tenth of the one before; ``info["cutoff_change"]`` is then that
    floor.

    ``window``: keep only the window of satellite excitations per line (module docstring; the returned
    ``basis`` is then a :class:`.basis.WindowBasis`, ``info["window_fits"]`` says whether the last attempt's
    values stayed inside it); False: the whole strip. ``info["cutoff_stalled"]`` = 1 when the cutoff stopped
    because the changes stalled above ``cutoff_floor`` with the tail gone (reported not converged).

    ``q_tol`` is the largest change of logit(q) = ln(q/(1 − q)) of the reference excitation fraction
    accepted without a new pass (a mismatch δ leaves a drift δ/2 per excitation in the scaled generator);
    ``threads`` caps the BLAS threads of the factorisation (None: no cap); ``info["passes"]`` says how
    many factorisations were made in the last attempt, ``info["q_change"]`` the last change and
    ``info["settled"]`` whether q and the ladder shifts settled within ``max_passes``.
    """
    if method not in METHODS:
        raise CumexInputError("exact_method", method, f"one of {', '.join(METHODS)}")
    q = float(np.clip(params.pump_ratio, _Q_MIN, 1.0 - _Q_MIN))
    K = max(int(cutoff_start), 1) if method == "coherence_cutoff" else None
    totals = {"build_seconds": 0.0, "factor_seconds": 0.0, "passes": 0.0}
    tail = 0.0
    mu: np.ndarray | None = None
    history: list[tuple[int, float]] = []  # (previous K, largest change of an observable from it to this K)
    previous: tuple[int, np.ndarray, bool, float] | None = None  # K, observables, "settled", tail of the previous attempt
    cutoff_converged = True
    stalled = False
    attempts = 0
    lo = hi = np.zeros(0, dtype=np.int64)
    window_fits = True
    while True:
        basis: SectorBasis | WindowBasis = SectorBasis(params.N, None if K is None else K + 1)
        solve: np.ndarray | None = None
        if not basis.truncated:  # the cutoff covers the whole sector: plain full solve
            K, basis = None, SectorBasis(params.N)
        elif window:
            assert K is not None  # a truncated basis has a cutoff
            lo, hi = initial_window(params.N, q, K) if lo.size == 0 else extend_window(lo, hi, params.N, K)
            basis, solve = _attempt_basis(params.N, lo, hi)
        else:
            lab = basis.labels()
            solve = np.minimum(lab["n01"], lab["n10"]) <= K
        w, L, info, q, mu, prof, (u, k_u, m_u) = _solve_on(
            params, basis, solve, q, mu, ordering, refine, q_tol, max_passes, threads
        )
        for key in totals:
            totals[key] += info[key]
        if K is None:
            tail, change = 0.0, 0.0
            break
        tail = float(prof[K])
        attempts += 1
        if window:
            lo, hi, window_fits = next_window(u, k_u, m_u, lo, hi, params.N)
        tr_k = trace(w, basis)
        obs = _observable_vector(w / tr_k, basis) if abs(tr_k) > 0 else np.full(1, np.nan)
        # an attempt counts when q, the ladder balance and the window settled and the state has decayed at K
        settled = bool(info["settled"]) and window_fits and tail <= _TAIL_MAX
        change = float(np.abs(obs - previous[1]).max()) if previous is not None else float("inf")
        if not np.isfinite(change):
            change = float("inf")
        _log.info("exact N=%d: cutoff K=%d, observables changed by %.3g, %d passes, %.2f s factorising so far",
                  params.N, K, change, int(info["passes"]), totals["factor_seconds"])
        if previous is not None:
            history.append((previous[0], change))
            if previous[2] and settled and change <= cutoff_tol:
                break
            # round-off floor: the last two changes are both below cutoff_floor and no longer falling
            if previous[2] and settled and len(history) >= 2 and max(history[-2][1], change) <= cutoff_floor:
                if change > 0.1 * history[-2][1]:
                    break
            # round-off above the floor: the tail is long gone (< 1e-20 at both K) and the change is not falling;
            # more lines cannot help (N = 2000, r = 0.95: changes ~1e-7 from K = 111 to the whole sector)
            if previous[2] and settled and previous[3] < 1e-20 and tail < 1e-20 and len(history) >= 2:
                if change > 0.1 * history[-2][1]:
                    cutoff_converged, stalled = False, True
                    break
        if cutoff_max is not None and K >= cutoff_max and window_fits:
            cutoff_converged = False
            break
        previous = (K, obs, settled, tail)
        if window_fits:  # else the same K again on the wider window
            K = max(next_cutoff(K, history, cutoff_tol), profile_cutoff(prof, K))
        if cutoff_max is not None:
            K = min(K, cutoff_max)
    info["window_fits"] = float(window_fits)
    tr = trace(w, basis)
    trace_error = float(abs(tr - 1.0))
    w = w / tr
    residual = float(np.abs(L @ w).max())
    P = excitation_distribution(w, basis)
    info.update(totals)
    info.update(
        {
            "dimension": float(dimension(params.N)),
            "q_reference": q,
            "trace_error": trace_error,
            "min_population": float(P.min()),
            "max_imag_population": float(np.abs(w[: 2 * basis.diag_size].imag).max()),
            "cutoff_k": float(-1 if K is None else K),
            "cutoff_tail": tail,
            "cutoff_attempts": float(attempts),
            "cutoff_change": change,
            "cutoff_converged": float(cutoff_converged),
            "cutoff_stalled": float(stalled),
        }
    )
    return SteadyResult(w=w, basis=basis, residual=residual, trace_error=trace_error, info=info)
