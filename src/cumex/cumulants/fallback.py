"""A minimal physical-steady-state finder, used only while ``cumex.steady.analyse`` is unavailable.

Long-time integration (SciPy BDF with the exact Jacobian) from the system's fixed initial state, then
Newton polishing. A symmetry-broken state rotates, x(t) = expm(ν t G) x*, so it is polished as a zero of
F(x) - ν G x with the phase fixed by (G x_T)·(x - x_T) = 0. Stability: no eigenvalue of J - ν G with
real part above ``tol`` except the neutral phase mode.
"""

from __future__ import annotations

import time
from typing import Mapping

import numpy as np
from scipy.integrate import solve_ivp

from cumex.results import MethodResult, SteadyState
from cumex.steady.system import RealODESystem

__all__ = ["physical_state", "analyse_fallback"]


def _newton(system: RealODESystem, x: np.ndarray, rotating: bool, tol: float, iters: int = 60):
    G = system.rotation if rotating else None
    n = system.size
    nu = 0.0
    if G is not None:
        gx = G @ x
        nu = float(gx @ system.rhs(x) / (gx @ gx))
        anchor, direction = x.copy(), gx / np.linalg.norm(gx)
    for _ in range(iters):
        F = system.rhs(x) - (nu * (G @ x) if G is not None else 0.0)
        J = system.jacobian(x) - (nu * G if G is not None else 0.0)
        if G is not None:
            F = np.append(F, direction @ (x - anchor))
            J = np.block([[J, -(G @ x)[:, None]], [direction[None, :], np.zeros((1, 1))]])
        if np.max(np.abs(F)) < tol:
            break
        step = np.linalg.lstsq(J, -F, rcond=None)[0]
        x = x + step[:n]
        if G is not None:
            nu += step[n]
    F = system.rhs(x) - (nu * (G @ x) if G is not None else 0.0)
    return x, nu, float(np.max(np.abs(F)))


def physical_state(system: RealODESystem, t_end: float = 400.0, tol: float = 1e-11):
    """(x, ν, residual) of the state reached from ``system.initial_state`` at long times."""
    sol = solve_ivp(
        lambda t, x: system.rhs(x), (0.0, t_end), system.initial_state, method="BDF",
        jac=lambda t, x: system.jacobian(x), rtol=1e-9, atol=1e-11,
    )
    x = sol.y[:, -1]
    G = system.rotation
    rotating = G is not None and np.linalg.norm(G @ x) > 1e-6 * max(1.0, np.linalg.norm(x))
    return _newton(system, x, rotating, tol)


def analyse_fallback(system: RealODESystem, settings: Mapping[str, object]) -> MethodResult:
    start = time.perf_counter()
    x, nu, residual = physical_state(system, float(settings.get("t_end", 400.0)))
    J = system.jacobian(x) - (nu * system.rotation if system.rotation is not None else 0.0)
    eig = np.linalg.eigvals(J)
    real = np.sort(eig.real)[::-1]
    neutral = 1 if nu != 0.0 else 0
    max_real = float(real[neutral]) if len(real) > neutral else -np.inf
    converged = residual < 1e-8
    state = SteadyState(
        observables=system.observables(x),
        stable=bool(max_real < 1e-9),
        residual=residual,
        info={"max_real_eigenvalue": max_real, "neutral_modes": neutral, "frequency": nu},
    )
    return MethodResult(
        states=[state] if converged else [],
        physical=state if converged else None,
        converged=converged,
        status="ok (fallback: integration + Newton)" if converged else f"not converged (residual {residual:.2e})",
        settings={"engine": "cumex.cumulants.fallback", "solve_seconds": time.perf_counter() - start},
    )
