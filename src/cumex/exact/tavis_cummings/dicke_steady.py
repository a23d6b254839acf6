"""Steady state on the Dicke basis (:mod:`.dicke`, :mod:`.dicke_solve`) with an adaptive Fock cutoff.

No coherence truncation: the basis is the whole U(1) sector of the permutation-symmetric operators (every j,
every emitter coherence |j, e⟩⟨j, e'|, every photon coherence |p⟩⟨q| with p, q ≤ F), so the only truncation is
the Fock cutoff, chosen as in :mod:`.steady`: P(p = F) ≤ ``fock_tol`` (F raised by extrapolating the log-slope
of P(p)), and the Fock error of the observables measured as their change between F and F − ``fock_step``.
Each solve after the first starts from the previous solution (embedded in, or restricted to, the new basis).

Observables on x (ρ = Σ x |p, e⟩⟨q, e'| ⊗ 1_{d_j}/d_j, Tr over the multiplicity gives x itself):
P(j, p, e) = x(l, E, p, p); ⟨a†σn^-⟩ = ⟨a†J^-⟩/N = Σ x(l, E, p, p + 1) √(p + 1) c(e)/N (element |p, e⟩⟨p + 1, e − 1|);
⟨σn^+σm^-⟩ (n ≠ m) = (⟨J^+J^-⟩ − ⟨Σσn^+σn^-⟩)/(N(N − 1)) = Σ x(l, E, p, p)(c(e)² − e)/(N(N − 1)).
"""

from __future__ import annotations

import logging

import numpy as np

from cumex.exact.tavis_cummings.dicke import DickeBasis, _exchange, dicke_generator
from cumex.exact.tavis_cummings.dicke_solve import solve_dicke
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.exact.tavis_cummings.steady import CHECKED, TCSteadyResult

__all__ = ["dicke_observables", "steady_state_dicke", "embed"]

_log = logging.getLogger(__name__)


def dicke_observables(x: np.ndarray, basis: DickeBasis) -> dict[str, float]:
    """The observables of :data:`cumex.exact.tavis_cummings.observables.OBSERVABLE_NAMES` of a trace-1 x."""
    N = basis.N
    lab = basis.labels
    pops = basis.populations()
    w = x[pops].real
    p, e, l = lab["p"][pops], lab["e"][pops], lab["l"][pops]
    Pp = np.bincount(p, weights=w, minlength=basis.fock + 1)
    photons = np.arange(basis.fock + 1, dtype=float)
    n1 = float(photons @ Pp)
    n2 = float((photons**2) @ Pp)
    nn = float((photons * (photons - 1)) @ Pp)
    sz = float((w * (2 * e - N)).sum() / N)
    sel = np.flatnonzero(lab["q"] == lab["p"] + 1)
    corr = complex((x[sel] * np.sqrt(lab["p"][sel] + 1.0) * _exchange(N, lab["l"][sel], lab["e"][sel])).sum() / N)
    pair = float((w * (_exchange(N, l, e) ** 2 - e)).sum() / (N * (N - 1))) if N >= 2 else float("nan")
    return {
        "photon_number": n1,
        "photon_number_per_N": n1 / N,
        "sz_satellite": sz,
        "corr_photon_satellite_re": corr.real,
        "corr_photon_satellite_im": corr.imag,
        "corr_satellite_satellite": pair,
        "photon_number_variance": n2 - n1 * n1,
        "g2": nn / (n1 * n1) if n1 > 0 else float("nan"),
    }


def embed(x: np.ndarray, old: DickeBasis, new: DickeBasis) -> np.ndarray:
    """x of ``old`` on ``new``: shared elements copied, the others 0 (a start vector for the next solve)."""
    lab = old.labels
    where = new.index(lab["l"], lab["E"], lab["p"], lab["q"])
    out = np.zeros(new.dim, dtype=complex)
    out[where[where >= 0]] = x[where >= 0]
    return out


def _diagnostics(params: TavisCummingsParameters, basis: DickeBasis, x: np.ndarray) -> dict[str, float]:
    lab = basis.labels
    pops = basis.populations()
    tr = complex(x[pops].sum())
    conj = basis.index(lab["l"], lab["E"], lab["q"], lab["p"])
    herm = float(np.abs(x - np.conj(x[conj])).max())
    ext = DickeBasis(basis.N, basis.fock + 1)
    residual = float(np.abs(dicke_generator(params, basis, ext) @ x).max())  # the generator with one more level
    Pp = np.bincount(lab["p"][pops], weights=x[pops].real, minlength=basis.fock + 1)
    return {
        "trace_imag": float(abs(tr.imag / tr.real)) if tr.real != 0 else float("inf"),
        "hermiticity_error": herm,
        "min_population": float(x[pops].real.min()),
        "max_population": float(x[pops].real.max()),
        "max_imag_population": float(np.abs(x[pops].imag).max()),
        "fock_top_weight": float(Pp[-1]),
        "residual": residual,
    }


def _solve(params, F, x_prev, prev_basis, rtol, restart, maxiter, threads):
    basis = DickeBasis(params.N, F)
    x0 = None if x_prev is None else embed(x_prev, prev_basis, basis)
    res = solve_dicke(params, basis, rtol=rtol, restart=restart, maxiter=maxiter, x0=x0, threads=threads)
    x = res.x
    conj = basis.index(basis.labels["l"], basis.labels["E"], basis.labels["q"], basis.labels["p"])
    info = {**res.info, **_diagnostics(params, basis, x)}
    x = 0.5 * (x + np.conj(x[conj]))  # the Hermitian part (the anti-Hermitian one is round-off, reported)
    return basis, x, info


def _raise_fock(Pp: np.ndarray, F: int, tol: float) -> int:
    """Next F: the log-slope of P(p) over levels F − 8..F − 3 (the top ones are distorted by the cutoff),
    extrapolated from P(F) to tol, plus one; at least F + 2, at most 2F."""
    lo, hi = max(F - 8, 0), max(F - 3, 1)
    if not (0 < Pp[hi] < Pp[lo]) or not Pp[F] > 0:
        return 2 * F
    slope = (np.log(Pp[hi]) - np.log(Pp[lo])) / (hi - lo)
    return int(min(max(F + np.ceil((np.log(tol) - np.log(Pp[F])) / slope) + 1, F + 2), 2 * F))


def steady_state_dicke(
    params: TavisCummingsParameters,
    *,
    fock_tol: float = 1e-12,
    fock_start: int | None = None,
    fock_step: int = 2,
    rtol: float = 1e-12,
    restart: int = 30,
    maxiter: int = 5000,
    threads: int | None = 1,
) -> TCSteadyResult:
    """Steady state with the adaptive Fock cutoff (module docstring); ``w`` of the result is x on the Dicke basis.

    info as :func:`cumex.exact.tavis_cummings.steady.steady_state` ("coherence_error" is 0: nothing truncated)
    plus "iterations" (GMRES, all solves), "solve_residual" (‖L x‖_∞ on the final basis).
    """
    N = params.N
    if fock_start is None:
        from cumex.handwritten.tavis_cummings import mean_field_photon_number

        nbar = mean_field_photon_number(params)
        fock_start = max(6, int(np.ceil(nbar + 8 * np.sqrt(nbar + 1.0))) + 4)
    F = max(int(fock_start), fock_step + 1)
    seconds, iterations, attempts, converged = 0.0, 0.0, 0, 1.0
    x, basis = None, None
    while True:
        basis, x, info = _solve(params, F, x, basis, rtol, restart, maxiter, threads)
        attempts += 1
        seconds += info["build_seconds"] + info["solve_seconds"]
        iterations += info["iterations"]
        converged = min(converged, info["converged_solve"])
        _log.info("N=%d attempt %d: F=%d unknowns=%d iterations=%d %.1f s, P(F)=%.1e", N, attempts, F,
                  info["unknowns"], info["iterations"], info["build_seconds"] + info["solve_seconds"],
                  info["fock_top_weight"])
        if info["fock_top_weight"] <= fock_tol:
            break
        lab = basis.labels
        pops = basis.populations()
        Pp = np.abs(np.bincount(lab["p"][pops], weights=x[pops].real, minlength=F + 1))
        F = _raise_fock(Pp, F, 0.1 * fock_tol)
    obs = dicke_observables(x, basis)
    lower_basis, lower_x, lower_info = _solve(params, F - fock_step, x, basis, rtol, restart, maxiter, threads)
    seconds += lower_info["build_seconds"] + lower_info["solve_seconds"]
    iterations += lower_info["iterations"]
    converged = min(converged, lower_info["converged_solve"])
    lower = dicke_observables(lower_x, lower_basis)
    residual = info.pop("residual")
    info.update(
        {
            "dimension": info["unknowns"],
            "fock_cutoff": float(F),
            "coherence_cutoff": -1.0,
            "factor_seconds": info["solve_seconds"],
            "coherence_error": 0.0,
            "fock_error": max(abs(obs[k] - lower[k]) for k in CHECKED if np.isfinite(obs[k])),
            "fock_error_photon_number_per_N": abs(obs["photon_number_per_N"] - lower["photon_number_per_N"]),
            "attempts": float(attempts + 1),
            "iterations": iterations,
            "converged_solve": converged,  # 1 when every GMRES solve reached rtol
            "total_solver_seconds": seconds,
        }
    )
    return TCSteadyResult(w=x, basis=basis, observables=obs, residual=residual, info=info)
