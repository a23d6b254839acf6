"""Steady state on the Dicke basis (:mod:`.dicke`, :mod:`.dicke_solve`) with adaptive Fock, coherence and window cutoffs.

The basis is the U(1) sector of the permutation-symmetric operators (every j, every emitter coherence
|j, e⟩⟨j, e'|, photon coherences |p⟩⟨q| with p, q ≤ F) cut in three ways, each chosen adaptively and each
with its error measured by a second solve:

* Fock, as in :mod:`.steady`: P(p = F) ≤ ``fock_tol`` (F from a parabola fitted to ln P(p), see
  :func:`_raise_fock`); the Fock error of the observables is their change between F and F − ``fock_step``.
* Emitter window (:class:`.dicke.EmitterWindow`): after the first, unwindowed probe solve, the (l, e) whose
  population Σ_p P(l, e, p) exceeds ``window_tol`` (1e-16), grown by 2 layers; the window error is the change
  against the window at 1e3 × window_tol. At Fig. 3b parameters every (l, e) carries more than 1e-16 up to
  N = 60 (measured), so the window is the whole basis there; it only acts at larger N.
* Coherence: only the elements with |p − q| ≤ K (in a block (l, E), e − e' = q − p, so this bounds the photon
  and the emitter coherence at once). Their size falls geometrically with |p − q| (max |x| over |p − q| = k,
  Fig. 3b parameters: N = 30: 1e-3 at k = 8, 6e-7 at 16; N = 60: 2e-6 at 16, 1e-8 at 24), and the
  observables' error of the cut falls faster, about like the square of the edge max |x(|p − q| = K)|
  (N = 30, K = 12/16/20: edge 1.3e-5/5.7e-7/1.5e-8, change of ⟨a†a⟩/N from the uncut basis
  5.7e-9/7.9e-12/5.2e-15). The reported residual is that of the untruncated generator, and the cut's part of
  it, the leak max |(L x)(|p − q| = K + 1)| ≈ g √p c(e) × edge, is far larger than the observables' error.
  K is grown until the leak is ≤ ``coherence_leak_tol`` (the edge target extrapolated on the log-slope of the
  edge profile; the first solve is uncut and, when its Fock cutoff passes, kept uncut), and the coherence
  error is then measured as the change of the checked observables between K and K − ``coherence_step``; K
  grows by that step until the change is ≤ ``coherence_tol``. K ≥ F is no cut at all (reported
  coherence_cutoff −1, coherence_error 0). At the default tolerances the cut removes few elements at N ≤ 60
  (the leak criterion asks for an edge ~1e-12, K ≈ 0.7 F): measured in benchmarks/exact_tavis_cummings.py.

Order of the solves. The first probe solve (GMRES to ``probe_rtol`` = 1e-8) chooses the cutoffs, the next
ones (to ``rtol``) start from the previous solution embedded in the new basis and check them; if the loose
first probe is accepted as it is, it is solved again to ``rtol`` reusing its generator and LU factors (and
its cutoffs checked again). The error solves at F − 2 and K − 2 start from the
restriction of the accepted state and use the restriction of its generator (a smaller Fock or coherence
cutoff drops exactly the transitions out of it, so that is its generator); they take a few iterations.

Observables on x (ρ = Σ x |p, e⟩⟨q, e'| ⊗ 1_{d_j}/d_j, Tr over the multiplicity gives x itself):
P(j, p, e) = x(l, E, p, p); ⟨a†σn^-⟩ = ⟨a†J^-⟩/N = Σ x(l, E, p, p + 1) √(p + 1) c(e)/N (element |p, e⟩⟨p + 1, e − 1|);
⟨σn^+σm^-⟩ (n ≠ m) = (⟨J^+J^-⟩ − ⟨Σσn^+σn^-⟩)/(N(N − 1)) = Σ x(l, E, p, p)(c(e)² − e)/(N(N − 1)).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from cumex.exact.tavis_cummings.dicke import DickeBasis, EmitterWindow, _exchange, dicke_generator
from cumex.exact.tavis_cummings.dicke_solve import solve_dicke
from cumex.exact.tavis_cummings.observables import observable_values
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.exact.tavis_cummings.steady import CHECKED, TCSteadyResult

__all__ = ["dicke_observables", "steady_state_dicke", "embed", "coherence_profile", "population_window"]

_log = logging.getLogger(__name__)


def dicke_observables(x: np.ndarray, basis: DickeBasis) -> dict[str, float]:
    """The observables of :data:`cumex.exact.tavis_cummings.observables.OBSERVABLE_NAMES` of a trace-1 x."""
    N = basis.N
    lab = basis.labels
    pops = basis.populations()
    w = x[pops].real
    p, e, l = lab["p"][pops], lab["e"][pops], lab["l"][pops]
    Pp = np.bincount(p, weights=w, minlength=basis.fock + 1)
    sz = float((w * (2 * e - N)).sum() / N)
    sel = np.flatnonzero(lab["q"] == lab["p"] + 1)
    corr = complex((x[sel] * np.sqrt(lab["p"][sel] + 1.0) * _exchange(N, lab["l"][sel], lab["e"][sel])).sum() / N)
    pair = float((w * (_exchange(N, l, e) ** 2 - e)).sum() / (N * (N - 1))) if N >= 2 else float("nan")
    return observable_values(Pp, N, sz, corr, pair)


def embed(x: np.ndarray, old: DickeBasis, new: DickeBasis) -> np.ndarray:
    """x of ``old`` on ``new``: shared elements copied, the others 0 (a start vector for the next solve)."""
    lab = old.labels
    where = new.index(lab["l"], lab["E"], lab["p"], lab["q"])
    out = np.zeros(new.dim, dtype=complex)
    out[where[where >= 0]] = x[where >= 0]
    return out


def coherence_profile(x: np.ndarray, basis: DickeBasis) -> np.ndarray:
    """max |x| over the elements with |p − q| = k, for k = 0..max."""
    lab = basis.labels
    d = np.abs(lab["p"] - lab["q"])
    out = np.zeros(int(d.max()) + 1)
    np.maximum.at(out, d, np.abs(x))
    return out


def _ext(basis: DickeBasis) -> DickeBasis:
    """One more Fock level and coherence: every term of the untruncated generator moves p, q by at most one."""
    K, W = basis.coherence, basis.window
    return DickeBasis(basis.N, basis.fock + 1, None if W is None else W.grown(basis.N, 1),
                      coherence=None if K is None else K + 1)


def population_window(x: np.ndarray, basis: DickeBasis, tol: float, margin: int) -> EmitterWindow | None:
    """The emitter window (per l an e-interval) of the (l, e) with Σ_p P(l, e, p) > tol, grown by ``margin``
    layers on every side (:meth:`EmitterWindow.grown`); None when that is every (l, e)."""
    N = basis.N
    lab, pops = basis.labels, basis.populations()
    P = np.zeros((N // 2 + 1, N + 1))
    np.add.at(P, (lab["l"][pops], lab["e"][pops]), np.abs(x[pops].real))
    rows = np.flatnonzero((P > tol).any(axis=1))
    if rows.size == 0:
        return None
    rows = np.arange(rows.min(), rows.max() + 1)
    e_lo, e_hi = [], []
    for l in rows:
        e = np.flatnonzero(P[l] > tol)
        e_lo.append(e.min() if e.size else N // 2)
        e_hi.append(e.max() if e.size else N // 2)
    win = EmitterWindow.from_arrays(int(rows[0]), e_lo, e_hi).grown(N, margin)
    lo, hi = win.bounds(N)
    every_l = np.arange(N // 2 + 1)
    return None if np.all(lo <= every_l) and np.all(hi >= N - every_l) else win


def _diagnostics(params: TavisCummingsParameters, basis: DickeBasis, x: np.ndarray) -> dict[str, float]:
    lab = basis.labels
    pops = basis.populations()
    tr = complex(x[pops].sum())
    conj = basis.index(lab["l"], lab["E"], lab["q"], lab["p"])
    herm = float(np.abs(x - np.conj(x[conj])).max())
    ext = _ext(basis)
    r = np.abs(dicke_generator(params, basis, ext) @ x)  # the untruncated generator
    residual = float(r.max())
    # leak: the rate into the elements the coherence cut leaves out (|p − q| = K + 1)
    leak = float(r[np.abs(ext.labels["p"] - ext.labels["q"]) > basis.coherence].max(initial=0.0)) if basis.coherence is not None else 0.0
    Pp = np.bincount(lab["p"][pops], weights=x[pops].real, minlength=basis.fock + 1)
    prof = coherence_profile(x, basis)
    return {
        "trace_imag": float(abs(tr.imag / tr.real)) if tr.real != 0 else float("inf"),
        "hermiticity_error": herm,
        "min_population": float(x[pops].real.min()),
        "max_population": float(x[pops].real.max()),
        "max_imag_population": float(np.abs(x[pops].imag).max()),
        "fock_top_weight": float(Pp[-1]),
        "coherence_edge": float(prof[-1]) if basis.coherence is not None else 0.0,
        "coherence_leak": leak,
        "residual": residual,
    }


def _restricted_generator(res, basis: DickeBasis):
    """L on ``basis`` ⊂ res.basis as rows and columns of res's generator: a smaller Fock or coherence cutoff
    drops exactly the transitions out of it, so the restriction is its generator (tests/test_tc_dicke_cutoff.py)."""
    lab = basis.labels
    idx = res.basis.index(lab["l"], lab["E"], lab["p"], lab["q"])
    if res.operators is None or np.any(idx < 0):
        return None
    return res.operators[0][idx][:, idx].tocsr()


def _solve(params, F, K, x_prev, prev_basis, opts, keep=False, reuse=None, diagnose=True, window=None):
    basis = DickeBasis(params.N, F, window, coherence=None if K is None or K >= min(F, params.N) else K)  # blocks ≤ min(F, N) + 1 wide
    x0 = None if x_prev is None else embed(x_prev, prev_basis, basis)
    generator = None
    if reuse is not None and reuse.basis != basis:
        generator, reuse = _restricted_generator(reuse, basis), None
    res = solve_dicke(params, basis, x0=x0, keep=keep, reuse=reuse, generator=generator, **opts)
    x = res.x
    conj = basis.index(basis.labels["l"], basis.labels["E"], basis.labels["q"], basis.labels["p"])
    info = {**res.info, **(_diagnostics(params, basis, x) if diagnose else {"fock_top_weight": float("nan"),
                                                                            "coherence_edge": float("nan")})}
    x = 0.5 * (x + np.conj(x[conj]))  # the Hermitian part (the anti-Hermitian one is round-off, reported)
    _log.info("N=%d F=%d K=%s: unknowns=%d iterations=%d %.1f s, P(F)=%.1e edge=%.1e n/N=%.15f", params.N, F,
              basis.coherence, info["unknowns"], info["iterations"], info["build_seconds"] + info["solve_seconds"],
              info["fock_top_weight"], info["coherence_edge"], dicke_observables(x, basis)["photon_number_per_N"])
    return basis, x, info, res if keep else None


def _raise_fock(Pp: np.ndarray, F: int, tol: float) -> int:
    """Next F where P(p) is extrapolated to reach tol, plus one; at least F + 2, at most 2F.

    ln P(p) bends down (the decay per level grows: N = 60, ×0.2 per level at p ≈ 24, ×0.25 at 44), so a
    straight line overshoots: a parabola fitted to ln P over levels F − 16..F − 3 (the top ones are distorted
    by the cutoff) is used where it bends down (N = 40 from F = 25: P = 1e-12 predicted at p = 33.0, found at
    33), else the log-slope over F − 8..F − 3 extrapolated from P(F)."""
    lo, hi = max(F - 16, 0), max(F - 3, 1)
    p = np.arange(lo, hi + 1)
    if p.size >= 6 and np.all(Pp[p] > 0):
        c = np.polyfit(p, np.log(Pp[p]), 2)
        disc = c[1] ** 2 - 4 * c[0] * (c[2] - np.log(tol))
        if c[0] < 0 and disc >= 0:
            root = (-c[1] - np.sqrt(disc)) / (2 * c[0])  # the larger root (c[0] < 0)
            return int(min(max(np.ceil(root) + 1, F + 2), 2 * F))
    lo, hi = max(F - 8, 0), max(F - 3, 1)
    if not (0 < Pp[hi] < Pp[lo]) or not Pp[F] > 0:
        return 2 * F
    slope = (np.log(Pp[hi]) - np.log(Pp[lo])) / (hi - lo)
    return int(min(max(F + np.ceil((np.log(tol) - np.log(Pp[F])) / slope) + 1, F + 2), 2 * F))


def _choose_coherence(prof: np.ndarray, K: int | None, tol: float, step: int) -> int:
    """K for the next attempt from the edge profile of the last solve (cut at K, or uncut: K None).

    The last 2 entries of a cut profile are distorted by the cut; below that the first k from which the
    profile stays ≤ tol is taken, else the log-slope over the 5 reliable entries before is extrapolated."""
    top = len(prof) - 1 - (2 if K is not None else 0)
    ok = np.flatnonzero(prof[: top + 1] > tol)
    if ok.size == 0 or ok[-1] < top:
        return max(int(ok[-1]) + 1 if ok.size else 1, step + 1)
    lo = max(top - 5, 0)
    if not 0 < prof[top] < prof[lo]:
        return 2 * len(prof)
    slope = (np.log(prof[top]) - np.log(prof[lo])) / (top - lo)
    return int(max(top + np.ceil((np.log(tol) - np.log(prof[top])) / slope) + 1, (K or 0) + step))


def _change(a: dict[str, float], b: dict[str, float]) -> float:
    return max(abs(a[k] - b[k]) for k in CHECKED if np.isfinite(a[k]) and np.isfinite(b[k]))


def steady_state_dicke(
    params: TavisCummingsParameters,
    *,
    fock_tol: float = 1e-12,
    fock_start: int | None = None,
    fock_step: int = 2,
    coherence_tol: float = 1e-10,
    coherence_leak_tol: float = 1e-10,
    coherence_step: int = 2,
    coherence_max: int | None = None,
    rtol: float = 1e-12,
    probe_rtol: float = 1e-8,
    window_tol: float = 1e-16,
    window_margin: int = 2,
    window_check: float = 1e3,
    restart: int = 30,
    maxiter: int = 5000,
    threads: int | None = 1,
) -> TCSteadyResult:
    """Steady state with the adaptive Fock and coherence cutoffs (module docstring); ``w`` is x on the Dicke basis.

    ``coherence_max`` caps K (None: no cap; K ≥ F is the uncut basis, reported coherence_cutoff −1).
    ``window_tol`` > 0: after the first (unwindowed) probe, the emitter window of the (l, e) whose population
    (summed over p) exceeds it, grown by ``window_margin`` layers; its error is the change of the observables
    against the window at ``window_check`` × window_tol ("window_error"; 0 without a window, NaN when that
    window is not smaller, i.e. not measured).
    ``probe_rtol``: GMRES tolerance of the first solve, which chooses the cutoffs (module docstring); every
    other solve goes to ``rtol``.
    info as :func:`cumex.exact.tavis_cummings.steady.steady_state`: "coherence_error" (change of the checked
    observables between K − coherence_step and K; 0 when uncut), "fock_error" (between F − fock_step and F),
    their ⟨a†a⟩/N parts, "coherence_edge" (max |x| at |p − q| = K), "coherence_leak", plus "iterations" (GMRES, all solves)
    and "solve_residual" (‖L x‖_∞ on the final basis).
    """
    N = params.N
    if fock_start is None:
        from cumex.handwritten.tavis_cummings import mean_field_photon_number

        nbar = mean_field_photon_number(params)
        fock_start = max(6, int(np.ceil(nbar + 8 * np.sqrt(nbar + 1.0))) + 4)
    F = max(int(fock_start), fock_step + 1)
    K_cap = 10**9 if coherence_max is None else int(coherence_max)
    opts = {"rtol": rtol, "restart": restart, "maxiter": maxiter, "threads": threads}
    totals = {"seconds": 0.0, "iterations": 0.0, "attempts": 0, "converged": 1.0}

    kept = None  # the probe solve's operators, reused when it is polished on the same basis

    W: EmitterWindow | None = None  # the emitter window, from the first probe's populations

    def run(F, K, x_prev, prev_basis, probe=False, error=False, window="current"):
        # probe: choose the cutoffs (loose rtol, operators kept); polish: reuse them; error: restrict them
        nonlocal kept
        if probe:
            kept = None  # free the last basis's operators before building the next
        if error and kept is not None and kept.operators is not None:
            # an error solve restricts the accepted generator only, and no later solve is on the accepted basis:
            # its LU factors are freed before the error solve factorises its own (N = 80 ran out of 8 GiB)
            kept.operators = (kept.operators[0], None, *kept.operators[2:])
        loose = probe and totals["attempts"] == 0  # only the first probe: the next one is usually accepted
        # error solves start from the restricted accepted state and take a few iterations: a short restart keeps
        # their GMRES basis (reserved in full, counted by the address-space cap) small
        o = {**opts, "rtol": max(rtol, probe_rtol)} if loose else {**opts, "restart": min(restart, 10)} if error else opts
        out = _solve(params, F, K, x_prev, prev_basis, o,
                     keep=not error, reuse=None if probe else kept, diagnose=not error,
                     window=W if window == "current" else window)
        if not error:
            kept = out[3]
        totals["seconds"] += out[2]["build_seconds"] + out[2]["solve_seconds"]
        totals["iterations"] += out[2]["iterations"]
        totals["attempts"] += 1
        totals["converged"] = min(totals["converged"], out[2]["converged_solve"])
        return out[:3]

    K: int | None = None  # the first solve is uncut: its profile shows where the coherences fall below the edge tol
    x: Any = None  # the solution and its basis, set by the first probe solve
    basis: Any = None
    polished = False  # the cutoffs are chosen on probe solves (rtol probe_rtol), the accepted one is polished
    while True:
        if polished:
            polished = False
        else:
            basis, x, info = run(F, K, x, basis, probe=True)
            if totals["attempts"] == 1 and window_tol > 0:
                W = population_window(x, basis, window_tol, window_margin)
        fock_ok = info["fock_top_weight"] <= fock_tol
        cut = basis.coherence is not None
        coherence_ok = not cut or info["coherence_leak"] <= coherence_leak_tol or basis.coherence >= K_cap
        if fock_ok and coherence_ok:  # an uncut solve has no coherence error: it is kept even if a cut would do
            if probe_rtol <= rtol or info["gmres_residual"] <= rtol:
                break
            basis, x, info = run(F, basis.coherence, x, basis)  # polish on the same basis, then check again
            polished = True
            continue
        # the edge that leaks coherence_leak_tol/2: from this solve's leak/edge ratio, uncut from a bound on the
        # coupling out of the edge, g √(F + 1) c(e) ≤ g √(F + 1) (N/2 + 1)
        ratio = info["coherence_leak"] / info["coherence_edge"] if cut and info["coherence_edge"] > 0 else \
            params.g * np.sqrt(F + 1.0) * (N / 2 + 1)
        K_new = min(_choose_coherence(coherence_profile(x, basis), basis.coherence, 0.5 * coherence_leak_tol / ratio,
                                      coherence_step), K_cap)
        if not fock_ok:
            lab, pops = basis.labels, basis.populations()
            Pp = np.abs(np.bincount(lab["p"][pops], weights=x[pops].real, minlength=F + 1))
            F = _raise_fock(Pp, F, 0.1 * fock_tol)
        K = K_new if not cut else (basis.coherence if coherence_ok else max(K_new, basis.coherence + coherence_step))
    obs = dicke_observables(x, basis)
    coherence_error, coherence_error_n = 0.0, 0.0
    if basis.coherence is not None:  # measured against K − step; K raised until the change passes
        lb, lx, _ = run(F, basis.coherence - coherence_step, x, basis, error=True)
        low = dicke_observables(lx, lb)
        while True:
            coherence_error = _change(obs, low)
            coherence_error_n = abs(obs["photon_number_per_N"] - low["photon_number_per_N"])
            K = basis.coherence
            if K is None:  # grown to the uncut basis
                coherence_error, coherence_error_n = 0.0, 0.0
                break
            if coherence_error <= coherence_tol or K + coherence_step > K_cap:
                break
            low = obs
            basis, x, info = run(F, K + coherence_step, x, basis)
            obs = dicke_observables(x, basis)
    lb, lx, _ = run(F - fock_step, basis.coherence, x, basis, error=True)
    lower = dicke_observables(lx, lb)
    window_error, window_error_n = 0.0, 0.0
    if basis.window is not None:  # against the window of the (l, e) above window_check × window_tol (smaller)
        coarse = population_window(x, basis, window_check * window_tol, window_margin)
        if coarse is None or coarse == basis.window:  # no smaller window to compare with: not measured
            window_error, window_error_n = float("nan"), float("nan")
        else:
            kept = None  # a smaller window compensates other jumps: its generator is not a restriction
            lb, lx, _ = run(F, basis.coherence, x, basis, error=True, window=coarse)
            low = dicke_observables(lx, lb)
            window_error = _change(obs, low)
            window_error_n = abs(obs["photon_number_per_N"] - low["photon_number_per_N"])
    residual = info.pop("residual")
    info.update(
        {
            "dimension": info["unknowns"],
            "fock_cutoff": float(F),
            "coherence_cutoff": -1.0 if basis.coherence is None else float(basis.coherence),
            "factor_seconds": info["solve_seconds"],
            "coherence_error": coherence_error,
            "coherence_error_photon_number_per_N": coherence_error_n,
            "fock_error": _change(obs, lower),
            "fock_error_photon_number_per_N": abs(obs["photon_number_per_N"] - lower["photon_number_per_N"]),
            "window_error": window_error,
            "window_error_photon_number_per_N": window_error_n,
            "window_unknowns_fraction": basis.dim / DickeBasis(N, F, coherence=basis.coherence).dim,
            "attempts": float(totals["attempts"]),
            "iterations": totals["iterations"],
            "converged_solve": totals["converged"],  # 1 when every GMRES solve reached rtol
            "total_solver_seconds": totals["seconds"],
        }
    )
    return TCSteadyResult(w=x, basis=basis, observables=obs, residual=residual, info=info)
