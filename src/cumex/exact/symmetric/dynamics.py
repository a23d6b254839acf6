"""Exact finite-N dynamics in the whole permutation-symmetric space (no U(1) restriction).

dr/dt = L r with L the real form of the generator (:mod:`.generator`); observables along the trajectory are
the functionals of :mod:`.observables`. Two integrators: Arnoldi steps with observable-only dense output
(:mod:`.krylov`, default) and scipy's ``expm_multiply`` on the real form (truncated Taylor series, Al-Mohy &
Higham), chunked over the equally spaced grid. Neither keeps the states of the grid.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
import scipy.sparse.linalg as spla

from cumex.errors import CumexInputError
from cumex.exact.symmetric.krylov import krylov_observe
from cumex.exact.symmetric.model import CentralSpinModel
from cumex.exact.symmetric.problem import SymmetricProblem, build_problem
from cumex.exact.symmetric.settings import read_settings
from cumex.exact.symmetric.states import ProductState
from cumex.exact.threads import blas_threads

__all__ = ["evolve", "evolve_problem", "check_times"]


def check_times(times: object) -> np.ndarray:
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0):
        raise CumexInputError("times", times, "a non-empty, finite, non-decreasing 1-d array")
    return t


def _expm_grid(
    problem: SymmetricProblem, r0: np.ndarray, times: np.ndarray, chunk: int
) -> tuple[np.ndarray, np.ndarray]:
    L, G = problem.L, problem.G
    out = np.empty((times.size, G.shape[0]))
    out[0] = G @ r0
    r = r0
    dt = np.diff(times)
    equal = dt.size > 0 and np.allclose(dt, dt[0], rtol=1e-12, atol=0.0)
    k = 0
    while k < times.size - 1:
        if equal:
            stop = min(k + chunk, times.size - 1)
            states = spla.expm_multiply(L, r, start=0.0, stop=times[stop] - times[k], num=stop - k + 1, endpoint=True)
            out[k + 1 : stop + 1] = (G @ states[1:].T).T
            r, k = states[-1], stop
        else:
            r = r if dt[k] == 0 else spla.expm_multiply(L * dt[k], r)
            out[k + 1] = G @ r
            k += 1
    return out, r


def evolve_problem(
    problem: SymmetricProblem,
    initial: ProductState | np.ndarray,
    times: object,
    settings: Mapping[str, object] | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, float]]:
    """(observables at the times, final state r, info) for a built problem."""
    used = read_settings(settings, "dynamics")
    times = check_times(times)
    r0 = problem.initial_vector(initial)
    t0 = time.perf_counter()
    info: dict[str, float] = {"dim": problem.basis.dim, "nnz": problem.L.nnz, "build_seconds": problem.build_seconds}
    with blas_threads(used["blas_threads"]):  # type: ignore[arg-type]
        if used["method"] == "krylov":
            tol, dim = float(used["tol"]), int(used["krylov_dim"])  # type: ignore[arg-type, call-overload]
            values, stats, r = krylov_observe(problem.L, r0, times, problem.G, tol=tol, krylov_dim=dim, return_state=True)  # type: ignore[misc]
            info.update({k: float(v) for k, v in stats.items()})
        else:
            values, r = _expm_grid(problem, r0, times, int(used["expm_chunk"]))  # type: ignore[call-overload]
    info["evolve_seconds"] = time.perf_counter() - t0
    return problem.observables(values), r, info


def evolve(
    model: CentralSpinModel,
    N: int,
    initial: ProductState | np.ndarray,
    times: object,
    settings: Mapping[str, object] | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Observables (:data:`.observables.OBSERVABLE_NAMES`) of the N-bath-spin model along exp(tL) from ``initial``.

    ``initial``: a :class:`.states.ProductState` (e.g. :func:`.states.carollo_initial_state`) at times[0], or a
    real r vector in the coordinates of the default problem. Returns (times, {name: array over times}).
    """
    used = read_settings(settings, "dynamics")
    problem = build_problem(model, N, used["reference_population"])  # type: ignore[arg-type]
    times = check_times(times)
    obs, _, _ = evolve_problem(problem, initial, times, used)
    return times, obs
