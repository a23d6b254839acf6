"""When no stable steady state is reached: follow the trajectory onto its attractor and average there.

:func:`cumex.steady.analysis.analyse` calls :func:`attractor_of_physical_state` when the trajectory from
the initial state does not settle on a linearly stable fixed point. The attractor classification and the
time averages are those of :func:`cumex.steady.attractors.follow` (explicit DOP853 at tight tolerances,
which resolves oscillations that BDF's numerical damping hides); this module only chooses where to start
and on which time scales to look:

- start: if the relaxation was *held* at an unstable fixed point x* (BDF damped its unstable mode), x*
  plus a kick of relative size ``KICK`` along the real part of its fastest-growing eigenvector, signed
  by the side of x* on which the relaxation ended (the exact flow leaves x* there); otherwise the state
  where the relaxation stopped (already near the attractor).
- time scales: with λ = a ± ib (a > 0, b ≠ 0) the leading eigenvalue of the unstable state nearest to
  the start, the expected period is P = 2π/b: sampling step P/100, averaging window 200 P, transient
  20 P + 15/c (c the slowest decay rate at x*: other modes decay by e^-15), plus 1.5 ln(1/KICK)/a when
  the start is still near x* (the time a kick needs to grow to O(1), with a margin), at most the
  attractor module's default transient; follow() may widen the window up to t_max = transient + 1600 P.
  Without such an estimate the defaults of
  :mod:`cumex.steady.attractors` apply. Any ``attractor_<key>`` setting (e.g. ``attractor_t_window``)
  overrides the choice of ``<key>``.
- cost guard: explicit integration takes ~ρ(J)·t steps (t up to t_max); above ``attractor_max_work``
  (default :data:`MAX_WORK`) the attractor is not followed and the status says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.linalg

from cumex.errors import CumexInputError
from cumex.steady import attractors
from cumex.steady.attractors import Attractor
from cumex.steady.integrate import Relaxation
from cumex.steady.symmetry import distance_modulo_rotation
from cumex.steady.system import RealODESystem

__all__ = ["KICK", "PREFIX", "MAX_WORK", "attractor_settings", "leading_mode", "attractor_of_physical_state"]

#: relative size of the kick off a held unstable fixed point (≫ the integrator's atol, ≪ the state)
KICK = 1e-3
#: prefix of the analysis settings passed on to :mod:`cumex.steady.attractors`
PREFIX = "attractor_"
#: default of ``attractor_max_work``: the largest ρ(J)·t attempted (t: the longest follow() may run,
#: its t_max). Explicit integration needs ~ρ(J)·t steps; with rates ∝ N (fixed κ/N) the cost grows with
#: N. Measured: ~1.5e-4 s per unit of ρ·t actually integrated (order 5, 31 unknowns), so 1e7 bounds a
#: point at roughly half an hour in the worst case; order 5 at N = 2,600 (period 14) is estimated at
#: 1.7e6 (t_max 4000) and takes about a minute, order 6 at N = 2,000 about 2e4.
MAX_WORK = 1e7


def attractor_settings(settings: Mapping[str, object] | None) -> dict[str, object]:
    """The ``attractor_<key>`` entries of ``settings`` as ``{key: value}`` (checked by the attractor module,
    except ``max_work``, checked here)."""
    out = {k[len(PREFIX):]: v for k, v in (settings or {}).items() if k.startswith(PREFIX)}
    attractors.read_settings(out)  # raises CumexInputError naming the key
    if "max_work" in out:
        value = out["max_work"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise CumexInputError(PREFIX + "max_work", value, "a positive number")
    return out


def _work(system: RealODESystem, x: np.ndarray, cfg: Mapping[str, float | int]) -> float:
    """ρ(J(x)) · t, t the longest follow() may integrate: steps an explicit integrator needs, up to a constant."""
    with np.errstate(all="ignore"):
        rho = float(np.max(np.abs(np.linalg.eigvals(np.asarray(system.jacobian(x), dtype=float)))))
    t = max(float(cfg["t_transient"]) + float(cfg["t_window"]), float(cfg.get("t_max", 0.0)))
    return rho * t if np.isfinite(rho) else float("inf")


def leading_mode(system: RealODESystem, x: np.ndarray, nu: float = 0.0) -> tuple[complex, np.ndarray, np.ndarray]:
    """(λ, right eigenvector, left eigenvector) of the eigenvalue of J - νG with the largest real part."""
    A = np.asarray(system.jacobian(x), dtype=float)
    if system.rotation is not None and nu != 0.0:
        A = A - nu * system.rotation
    w, vl, vr = scipy.linalg.eig(A, left=True, right=True)
    k = int(np.argmax(w.real))
    return complex(w[k]), vr[:, k], vl[:, k]


def _slowest_decay(system: RealODESystem, x: np.ndarray, nu: float) -> float:
    """Smallest decay rate |Re λ| among the decaying modes of J - νG at x (how long transients last)."""
    A = np.asarray(system.jacobian(x), dtype=float)
    if system.rotation is not None and nu != 0.0:
        A = A - nu * system.rotation
    rates = -np.linalg.eigvals(A).real
    rates = rates[np.isfinite(rates) & (rates > 1e-12 * max(1.0, float(np.abs(A).max())))]
    return float(rates.min()) if rates.size else 1.0


def _nearest_unstable(system: RealODESystem, fixed_points: Sequence[object], x: np.ndarray,
                      preferred: int | None) -> object | None:
    unstable = [fp for fp in fixed_points if not fp.stable]  # type: ignore[attr-defined]
    if preferred is not None and not fixed_points[preferred].stable:  # type: ignore[attr-defined]
        return fixed_points[preferred]
    if not unstable:
        return None
    d = [distance_modulo_rotation(fp.x, x, system.rotation) for fp in unstable]  # type: ignore[attr-defined]
    return unstable[int(np.argmin(d))]


def attractor_of_physical_state(
    system: RealODESystem,
    fixed_points: Sequence[object],
    relaxation: Relaxation,
    trajectory_index: int | None,
    settings: Mapping[str, object] | None = None,
) -> Attractor | None:
    """The attractor the physical trajectory reaches (see the module docstring), or None if there is no start.

    ``fixed_points`` are objects with ``x``, ``nu``, ``stable`` (e.g. :class:`cumex.steady.analysis.FixedPoint`).
    """
    if not np.all(np.isfinite(relaxation.x)):
        return None
    user = attractor_settings(settings)
    max_work = float(user.pop("max_work", MAX_WORK))  # type: ignore[arg-type]
    fp = _nearest_unstable(system, fixed_points, relaxation.x, trajectory_index)
    cfg: dict[str, object] = {}
    start = np.asarray(relaxation.x, dtype=float)
    label = "end of the relaxation"
    if fp is not None:
        x_star = np.asarray(fp.x, dtype=float)  # type: ignore[attr-defined, type-var]
        with np.errstate(all="ignore"):
            lam, v, w = leading_mode(system, x_star, float(getattr(fp, "nu", 0.0)))
        if np.isfinite(lam) and lam.real > 0.0:
            if abs(lam.imag) > 0.0:
                period = 2.0 * np.pi / abs(lam.imag)
                transient = 20.0 * period + 15.0 / _slowest_decay(system, x_star, float(getattr(fp, "nu", 0.0)))
                near = np.linalg.norm(start - x_star) <= 1e-3 * max(1.0, float(np.linalg.norm(x_star)))
                if relaxation.held or near:  # still has to grow from ~KICK to O(1): ln(1/KICK) e-folds, +50 %
                    transient += 1.5 * np.log(1.0 / KICK) / lam.real
                t_transient = min(transient, float(attractors.DEFAULT_SETTINGS["t_transient"]))
                cfg = {"dt": period / 100.0, "t_window": 200.0 * period, "t_transient": t_transient,
                       "t_lyapunov": 200.0 * period, "lyapunov_interval": 5.0 * period}
                if "t_max" in attractors.DEFAULT_SETTINGS:  # follow() may extend the window up to t_max
                    cfg["t_max"] = t_transient + 8.0 * 200.0 * period
            if relaxation.held:
                direction = np.real(v) if np.linalg.norm(np.real(v)) > 1e-3 * np.linalg.norm(v) else np.imag(v)
                direction = direction / np.linalg.norm(direction)
                side = float(np.real(np.vdot(w, start - x_star)))
                sign = -1.0 if side < 0.0 and lam.imag == 0.0 else 1.0
                start = x_star + sign * KICK * max(1.0, float(np.linalg.norm(x_star))) * direction
                label = f"unstable fixed point + kick {KICK:g} along its leading mode (λ = {lam:.4g})"
    cfg.update(user)
    work = _work(system, start, attractors.read_settings(cfg))
    if work > max_work:
        return Attractor("irregular", "initial", start, message=(
            f"not attempted: estimated work ρ(J)·t = {work:.3g} > {PREFIX}max_work = {max_work:.3g} "
            "(explicit integration of stiff rates; raise the setting to allow it)"))
    attractor = attractors.follow(system, start, cfg, start="initial")
    attractor.message = f"from the {label}: {attractor.message}"
    return attractor
