"""Follow one steady-state branch through a sequence of systems (e.g. increasing N) by Newton continuation.

Each point starts Newton (``cumex.steady.newton_root``, exact Jacobian, rotating frame for broken
symmetry) from the previous point's solution, so the branch is followed smoothly even where it is
unstable and a long-time integration would leave it (the fifth-order U(1) branch of the central spin
model at fixed κ/N loses stability near N ≈ 2,000, which is where QuantumCumulants' time integration
became noisy in the paper's Fig. 3a inset).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cumex.steady import classify_stability, newton_root
from cumex.steady.system import RealODESystem

__all__ = ["BranchPoint", "follow_branch"]

_log = logging.getLogger(__name__)


@dataclass
class BranchPoint:
    x: np.ndarray
    nu: float
    residual: float
    stable: bool
    max_real_eigenvalue: float
    observables: dict[str, float]


def _solve(system: RealODESystem, x: np.ndarray, nu: float | None, residual_tol: float):
    if system.rotation is None:
        root_x, root_nu, residual = _plain_newton(system, x)
        return (root_x, root_nu, residual) if residual <= residual_tol else None
    root = newton_root(system, x, nu0=nu, residual_tol=residual_tol)
    return None if root is None else (root.x, root.nu, root.residual)


def follow_branch(
    system_at: Callable[[float], RealODESystem],
    values: Sequence[float],
    x0: np.ndarray,
    residual_tol: float = 1e-10,
    max_jump: float = 0.02,
    max_depth: int = 16,
) -> list[BranchPoint | None]:
    """Newton continuation in a scalar (e.g. N, in log steps) through ``values``, starting near ``x0``.

    Between successive values the step is halved (geometrically) until Newton converges from the
    previous solution with a relative change of x at most ``max_jump``, so the branch is not left
    for another one. A value that cannot be reached is None; the next one restarts from the last success.
    """
    out: list[BranchPoint | None] = []
    x = np.asarray(x0, dtype=float)
    nu: float | None = None
    prev: float | None = None

    def step(a: float | None, b: float, x: np.ndarray, nu: float | None, depth: int):
        got = _solve(system_at(b), x, nu, residual_tol)
        jump = np.inf if got is None else np.linalg.norm(got[0] - x) / max(np.linalg.norm(x), 1e-300)  # type: ignore[operator]
        if got is not None and (a is None or jump <= max_jump):
            return got
        if a is None or depth >= max_depth:
            return got if a is None else None
        mid = float(np.sqrt(a * b)) if a > 0 and b > 0 else 0.5 * (a + b)
        _log.debug("continuation %g -> %g: step halved at %g (depth %d)", a, b, mid, depth + 1)
        half = step(a, mid, x, nu, depth + 1)
        if half is None:
            return None
        return step(mid, b, half[0], half[1], depth + 1)

    for value in values:
        got = step(prev, float(value), x, nu, 0)
        if got is None:
            _log.info("continuation step %d/%d to %g: not reached", len(out) + 1, len(values), float(value))
            out.append(None)
            continue
        root_x, root_nu, residual = got
        system = system_at(float(value))
        stab = classify_stability(system, root_x, root_nu)
        out.append(
            BranchPoint(root_x, root_nu, residual, stab.stable, stab.max_real_eigenvalue, system.observables(root_x))
        )
        _log.info("continuation step %d/%d to %g: residual %.3g, %s", len(out), len(values), float(value), residual,
                  "stable" if stab.stable else "unstable")
        x, nu, prev = root_x, root_nu, float(value)
    return out


def _plain_newton(system: RealODESystem, x: np.ndarray, max_iter: int = 50) -> tuple[np.ndarray, float, float]:
    """Undamped Newton until the step stops shrinking; the residual max|F| is judged by the caller
    (an absolute tolerance, so at N = 10^6, where rates are ~10^5, round-off sets its floor)."""
    best_x, best_r = x, float(np.max(np.abs(system.rhs(x))))
    for _ in range(max_iter):
        try:
            step = np.linalg.solve(system.jacobian(x), -system.rhs(x))
        except np.linalg.LinAlgError:
            break
        x = x + step
        r = float(np.max(np.abs(system.rhs(x))))
        if not np.isfinite(r):
            break
        if r < best_r:
            best_x, best_r = x, r
        if np.max(np.abs(step)) <= 1e-15 * max(1.0, float(np.max(np.abs(x)))):
            break
    return best_x, 0.0, best_r
