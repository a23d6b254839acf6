"""Time integration of a :class:`RealODESystem`: the trajectory hook and relaxation to a steady state.

:func:`integrate_trajectory` integrates dx/dt = F(x) - ν_frame G x (the equations seen from a frame
rotating at ν_frame; ν_frame = 0 is the lab frame) with SciPy's BDF and the exact Jacobian, and
returns the whole trajectory. Attractor classification (limit cycles, irregular attractors) builds
on it. Because F is equivariant under the rotation, the co-rotating frame describes exactly the same
physics, and a symmetry-broken state rotating at ν is stationary there, which lets BDF take large
steps instead of resolving the oscillation.

:func:`relax` integrates in chunks from a start until the state stops moving (in the frame that
follows the estimated phase drift), for picking the physical steady state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from cumex.steady.symmetry import frequency_estimate
from cumex.steady.system import RealODESystem

__all__ = ["Trajectory", "Relaxation", "integrate_trajectory", "relax", "natural_time_scale", "slowest_time_scale"]


@dataclass
class Trajectory:
    t: np.ndarray
    #: states, shape (len(t), n), in the frame rotating at nu_frame
    x: np.ndarray
    nu_frame: float
    success: bool
    message: str


@dataclass
class Relaxation:
    x: np.ndarray
    #: phase-drift frequency estimated at the end (0 for symmetric systems)
    nu: float
    settled: bool
    t_end: float
    #: inf-norm of dx/dt in the co-rotating frame at the end, divided by |J|∞
    drift: float
    message: str
    #: True when the run stopped because it stayed settled on a state that ``accept`` rejected for
    #: longer than ``hold_limit`` allows (the integrator damps that state's instability)
    held: bool = False


def _frame(system: RealODESystem, nu_frame: float):
    G = system.rotation
    if G is None or nu_frame == 0.0:
        return (lambda t, x: np.asarray(system.rhs(x), dtype=float)), (
            lambda t, x: np.asarray(system.jacobian(x), dtype=float)
        )
    return (lambda t, x: np.asarray(system.rhs(x), dtype=float) - nu_frame * (G @ x)), (
        lambda t, x: np.asarray(system.jacobian(x), dtype=float) - nu_frame * G
    )


def integrate_trajectory(
    system: RealODESystem,
    x0: np.ndarray,
    t_end: float,
    nu_frame: float = 0.0,
    t_eval: np.ndarray | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    method: str = "BDF",
) -> Trajectory:
    """Integrate from x0 over [0, t_end] in the frame rotating at ν_frame; never raises on failure."""
    fun, jac = _frame(system, nu_frame)
    try:
        with np.errstate(all="ignore"):
            sol = solve_ivp(fun, (0.0, float(t_end)), np.asarray(x0, dtype=float), method=method, jac=jac,
                            t_eval=t_eval, rtol=rtol, atol=atol)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        return Trajectory(np.array([0.0]), np.asarray(x0, dtype=float)[None, :], nu_frame, False, f"integration failed: {exc}")
    ok = bool(sol.success) and np.all(np.isfinite(sol.y))
    return Trajectory(sol.t, sol.y.T, nu_frame, ok, str(sol.message))  # type: ignore[arg-type]


def _decay_rates(system: RealODESystem, x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        eig = np.linalg.eigvals(np.asarray(system.jacobian(x), dtype=float))
    rates = np.abs(eig.real[np.isfinite(eig.real)])
    return rates[rates > 1e-12 * max(1.0, float(rates.max(initial=0.0)))]


def natural_time_scale(system: RealODESystem, x: np.ndarray) -> float:
    """1 / (median decay rate of the Jacobian at x): a time over which the dynamics moves appreciably."""
    rates = _decay_rates(system, x)
    return 1.0 / float(np.median(rates)) if rates.size else 1.0


def slowest_time_scale(system: RealODESystem, x: np.ndarray) -> float:
    """1 / (smallest non-zero decay rate of the Jacobian at x): the time the slowest mode needs. With
    rates spread over many decades (κ = N/16 beside Γ_T at N = 10^8) it is far beyond the median one."""
    rates = _decay_rates(system, x)
    return 1.0 / float(np.min(rates)) if rates.size else 1.0


def relax(
    system: RealODESystem,
    x0: np.ndarray,
    t_chunk: float | None = None,
    max_chunks: int = 60,
    settle_tol: float = 1e-7,
    t_max: float | None = None,
    accept: Callable[[np.ndarray, float], bool] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hold_limit: Callable[[np.ndarray, float], float] | None = None,
) -> Relaxation:
    """Integrate chunk by chunk until |dx/dt - ν G x|∞ ≤ settle_tol·|J|∞ and no longer growing.

    ν is re-estimated after each chunk. A steady state of F is also one of the BDF scheme, so the
    loose default rtol does not limit how close the end point gets; the caller polishes it with Newton.

    The first chunk lasts t_chunk (default 50 natural time scales τ at x0). When the drift changes
    by less than a factor 2 over a chunk (critical slowing down: slow growth out of an unstable state
    or slow approach to a stable one), the next chunk is twice as long, up to a total of t_max
    (default 10^5 τ). After 1000 τ the run stops early, as not settled, when the drift keeps going up and down
    (≥ 4 reversals over the last 6 chunks without the minimum falling by half: an oscillating
    attractor rather than a decaying spiral). A trajectory that has not
    settled is returned with settled = False and the state where it ended.

    ``accept(x, ν)``, if given, vets a settled state; when it returns False the integration goes on
    (used to pass through an unstable state that a small seed leaves only slowly).
    """
    x = np.asarray(x0, dtype=float).copy()
    G = system.rotation
    tau = natural_time_scale(system, x)
    if t_chunk is None:
        t_chunk = 50.0 * tau
    if t_max is None:
        t_max = max(1e5 * tau, 1e3 * slowest_time_scale(system, x))
    nu = 0.0
    if G is not None:
        with np.errstate(all="ignore"):
            nu = frequency_estimate(x, np.asarray(system.rhs(x), dtype=float), G)
        nu = nu if np.isfinite(nu) else 0.0
    t = 0.0
    drifts: list[float] = []
    drift = float("inf")
    chunk = float(t_chunk)
    held_since: float | None = None
    for _ in range(max_chunks):
        traj = integrate_trajectory(system, x, chunk, nu_frame=nu, rtol=rtol, atol=atol)
        if not traj.success:
            return Relaxation(x, nu, False, t, drift, f"integration failed at t = {t:.3g}: {traj.message}")
        x = traj.x[-1]
        t += chunk
        with np.errstate(all="ignore"):
            f = np.asarray(system.rhs(x), dtype=float)
            J = np.asarray(system.jacobian(x), dtype=float)
        if G is not None:
            nu = frequency_estimate(x, f, G)
            f = f - nu * (G @ x)
        scale = max(1.0, float(np.max(np.sum(np.abs(J), axis=1))))
        drift = float(np.max(np.abs(f))) / scale
        # settled: small and not growing (slow growth out of an unstable state has a growing drift)
        quiet = drift <= settle_tol and (not drifts or drift <= drifts[-1])
        if quiet and (accept is None or accept(x, nu)):
            return Relaxation(x, nu, True, t, drift, f"settled at t = {t:.3g}")
        if quiet and hold_limit is not None:
            held_since = t - chunk if held_since is None else held_since
            limit = hold_limit(x, nu)
            if t - held_since >= limit:
                return Relaxation(x, nu, False, t, drift, f"held at a rejected (unstable) state from t = {held_since:.3g} "
                                  f"to {t:.3g}, longer than the exact flow can stay ({limit:.3g})", held=True)
        else:
            held_since = None
        if not np.isfinite(drift):
            return Relaxation(x, nu, False, t, drift, f"state diverged by t = {t:.3g}")
        if drifts and 0.5 * drift < drifts[-1] < 2.0 * drift:  # ratio in (0.5, 2), safe when a drift is 0
            chunk *= 2.0
        drifts.append(drift)
        if len(drifts) >= 7 and t >= 1e3 * tau:  # give transients (relaxation oscillations) time to decay
            steps = np.sign(np.diff(drifts[-7:]))
            damped = min(drifts[-3:]) < 0.5 * min(drifts[-7:-3])  # a decaying spiral also goes up and down
            if np.sum(steps[1:] != steps[:-1]) >= 4 and not damped:
                return Relaxation(x, nu, False, t, drift, f"oscillating, not settled by t = {t:.3g} (relative drift {drift:.2g})")
        if t >= t_max:
            break
        chunk = min(chunk, t_max - t)
    return Relaxation(x, nu, False, t, drift, f"not settled by t = {t:.3g} (relative drift {drift:.2g})")
