"""Damped Newton on F(x) = 0, or on F(x) - ν G x = 0 with a phase gauge for symmetry-broken systems.

For a system with a rotation generator G the unknowns are (x, ν) and the equations are

    F(x) - ν G x = 0          (n equations: a state rotating at frequency ν)
    x[im of the gauge pair] = 0   (fixes the free phase)

with the exact Jacobian [[J - ν G, -G x], [e_im^T, 0]]. Steps are least-squares solutions of the
linearised equations (so a singular Jacobian, e.g. ν undetermined at a symmetric state, does not
break the iteration) with a backtracking line search on the residual norm. Never raises for a
numerical failure: a failed start returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cumex.steady.symmetry import ChargedPair, charged_pairs, frequency_estimate, is_symmetric, rotate
from cumex.steady.system import RealODESystem

__all__ = ["Root", "newton_root", "residual_norm", "acceptance_tolerance"]


@dataclass
class Root:
    """A zero of the steady-state equations: state x, frequency ν (0 when not rotating), residual."""

    x: np.ndarray
    nu: float
    residual: float
    iterations: int


def residual_norm(system: RealODESystem, x: np.ndarray, nu: float = 0.0) -> float:
    """max |F(x) - ν G x| (inf-norm)."""
    with np.errstate(all="ignore"):
        r = np.asarray(system.rhs(x), dtype=float)
        if system.rotation is not None and nu != 0.0:
            r = r - nu * (system.rotation @ x)
    return float(np.max(np.abs(r))) if np.all(np.isfinite(r)) else float("inf")


def acceptance_tolerance(system: RealODESystem, x: np.ndarray, residual_tol: float) -> float:
    """residual_tol, raised to the floating-point noise floor ~100 ε |J| |x| where that is larger.

    With rates that grow with N (κ = N/16 at N = 10^6) rounding alone leaves residuals above an
    absolute 1e-10; the floor keeps such exact zeros while still rejecting false ones.
    """
    with np.errstate(all="ignore"):
        J = np.asarray(system.jacobian(x), dtype=float)
    if not np.all(np.isfinite(J)):
        return residual_tol
    floor = 100.0 * np.finfo(float).eps * float(np.max(np.sum(np.abs(J), axis=1))) * max(1.0, float(np.max(np.abs(x))))
    return max(residual_tol, floor)


def _damped_newton(
    fun: Callable[[np.ndarray], np.ndarray],
    jac: Callable[[np.ndarray], np.ndarray],
    z: np.ndarray,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, float, int]:
    with np.errstate(all="ignore"):
        r = fun(z)
        f = float(np.linalg.norm(r)) if np.all(np.isfinite(r)) else np.inf
        it = 0
        for it in range(1, max_iter + 1):
            if f <= tol or not np.isfinite(f):
                break
            J = jac(z)
            if not np.all(np.isfinite(J)):
                return z, np.inf, it
            step = np.linalg.lstsq(J, -r, rcond=None)[0]
            t = 1.0
            accepted = False
            while t >= 1e-6:
                zn = z + t * step
                rn = fun(zn)
                fn = float(np.linalg.norm(rn)) if np.all(np.isfinite(rn)) else np.inf
                if fn < (1.0 - 1e-4 * t) * f:
                    z, r, f = zn, rn, fn
                    accepted = True
                    break
                t *= 0.5
            if not accepted:  # stalled: a local minimum of |F| that is not a zero, or at the noise floor
                break
    return z, f, it


def _gauge_pair(x: np.ndarray, pairs: list[ChargedPair]) -> ChargedPair:
    amplitudes = [np.hypot(x[p.re], x[p.im]) for p in pairs]
    return pairs[int(np.argmax(amplitudes))]


def newton_root(
    system: RealODESystem,
    x0: np.ndarray,
    nu0: float | None = None,
    residual_tol: float = 1e-10,
    max_iter: int = 100,
) -> Root | None:
    """A zero reached by damped Newton from x0 (with ν from ν0 or the phase drift at x0), or None."""
    x0 = np.asarray(x0, dtype=float)
    if x0.shape != (system.size,) or not np.all(np.isfinite(x0)):
        return None
    G = system.rotation
    pairs = charged_pairs(G) if G is not None else []
    n = system.size
    if not pairs:
        x, _, it = _damped_newton(
            lambda z: np.asarray(system.rhs(z), dtype=float),
            lambda z: np.asarray(system.jacobian(z), dtype=float),
            x0.copy(),
            max_iter,
            0.1 * residual_tol,
        )
        nu = 0.0
    else:
        if nu0 is None:
            with np.errstate(all="ignore"):
                nu0 = frequency_estimate(x0, np.asarray(system.rhs(x0), dtype=float), G)  # type: ignore[arg-type]
            nu0 = nu0 if np.isfinite(nu0) else 0.0
        gp = _gauge_pair(x0, pairs)
        # rotate the start so that the gauge pair is real: the gauge condition then holds at the start
        phase = np.arctan2(x0[gp.im], x0[gp.re])
        xs = rotate(x0, G, -phase / gp.charge)  # type: ignore[arg-type]

        def fun(z: np.ndarray) -> np.ndarray:
            x, nu = z[:n], z[n]
            return np.concatenate([np.asarray(system.rhs(x), dtype=float) - nu * (G @ x), [x[gp.im]]])

        def jac(z: np.ndarray) -> np.ndarray:
            x, nu = z[:n], z[n]
            A = np.zeros((n + 1, n + 1))
            A[:n, :n] = np.asarray(system.jacobian(x), dtype=float) - nu * G
            A[:n, n] = -(G @ x)
            A[n, gp.im] = 1.0
            return A

        z, _, it = _damped_newton(fun, jac, np.append(xs, nu0), max_iter, 0.1 * residual_tol)
        x, nu = z[:n], float(z[n])
        if is_symmetric(x, G):  # type: ignore[arg-type]
            # ν means nothing at a symmetric state: polish it as a plain zero of F
            x, _, it2 = _damped_newton(
                lambda y: np.asarray(system.rhs(y), dtype=float),
                lambda y: np.asarray(system.jacobian(y), dtype=float),
                x,
                max_iter,
                0.1 * residual_tol,
            )
            it += it2
            nu = 0.0
    res = residual_norm(system, x, nu)
    if not np.isfinite(res) or res > acceptance_tolerance(system, x, residual_tol):
        return None
    return Root(x=x, nu=nu, residual=res, iterations=it)
