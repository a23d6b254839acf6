"""What a :class:`RealODESystem` does at long times: fixed points, limit cycles, irregular attractors.

Input: the system and the fixed points found for it (any objects with ``.x`` and ``.stable``, e.g.
from :func:`cumex.steady.analysis.find_steady_states`, or the LMG engine's in :mod:`cumex.meanfield.lmg_solve`).

Classification of a grid point (``AttractorReport.attractor``):

- ``fixed_point``: exactly one linearly stable fixed point;
- ``bistable``: two or more stable fixed points (multistability);
- otherwise the system is integrated from its physical initial state and ``n_starts`` sampled states
  (after a transient ``t_transient``, over an averaging window ``t_window``, sampled every ``dt``):
  ``limit_cycle`` if the trajectory from the physical initial state returns to itself (period and
  amplitude reported), ``irregular`` if it does not (largest Lyapunov exponent reported), and
  ``fixed_point`` if it settles after all (e.g. on a marginal fixed point). While the return
  distance (below) keeps halving from one window to the next, the integration goes on, up to
  ``t_max``: near a Hopf line a trajectory approaches its cycle over thousands of time units; a
  window holding fewer than three periods is doubled (again up to ``t_max``).

Periodicity is judged on U(1)-invariant coordinates when ``system.rotation`` is set (a state rotating
rigidly under the symmetry is stationary there; a cycle seen in a rotating frame is periodic there
while the lab-frame coordinates are quasi-periodic): the charge-0 coordinates and the bilinears
Re/Im(z_i z̄_j) of charged pairs of equal charge. The return test: successive upward crossings of the
probe's mean, compared at lags m = 1..4 (period-m orbits); periodic when the probe vector returns to
within ``period_tol`` of its range and successive lag-m return times agree to ``period_tol``, over at least
three periods spanning most of the window.

Time averages are taken over the window (over a whole number of periods on a limit cycle); the error
estimate is the standard error of the means of ``n_blocks`` consecutive blocks. It falls like 1/T
on a cycle sampled over a non-integer number of periods and like 1/√T on a chaotic attractor.

The largest Lyapunov exponent is estimated à la Benettin: the variational equation dv/dt = J(x) v is
integrated along the trajectory and v renormalised every ``lyapunov_interval``; the exponent is the
mean log growth rate over ``t_lyapunov``. Conserved quantities and continuous symmetries only add
zero exponents, so they do not bias the largest one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

from cumex.errors import CumexInputError
from cumex.steady.system import RealODESystem

__all__ = [
    "ATTRACTOR_KINDS",
    "INTEGRATORS",
    "DEFAULT_SETTINGS",
    "Attractor",
    "AttractorReport",
    "read_settings",
    "integrate",
    "time_average",
    "invariant_probe",
    "detect_period",
    "largest_lyapunov",
    "follow",
    "analyse_attractors",
]

ATTRACTOR_KINDS = ("fixed_point", "bistable", "limit_cycle", "irregular")

DEFAULT_SETTINGS: dict[str, float | int] = {
    "t_transient": 400.0,
    "t_window": 400.0,
    "dt": 0.05,
    "n_starts": 2,
    "n_blocks": 8,
    "period_tol": 2e-2,
    "settle_tol": 1e-7,
    "t_max": 4000.0,
    "t_lyapunov": 200.0,
    "lyapunov_interval": 5.0,
    "rtol": 1e-9,
    "atol": 1e-11,
    "seed": 0,
}
_INT_KEYS = {"n_starts", "n_blocks", "seed"}


def read_settings(settings: Mapping[str, object] | None) -> dict[str, float | int]:
    """Defaults updated by the known keys of ``settings`` (others are left to other modules)."""
    out = dict(DEFAULT_SETTINGS)
    for key, value in (settings or {}).items():
        if key not in DEFAULT_SETTINGS:
            continue
        if key in _INT_KEYS:
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise CumexInputError(f"settings.{key}", value, "an integer >= 0")
            out[key] = int(value)
        else:
            try:
                number = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise CumexInputError(f"settings.{key}", value, "a positive real number") from None
            if not (np.isfinite(number) and number > 0):
                raise CumexInputError(f"settings.{key}", value, "a positive real number")
            out[key] = number
    if out["n_blocks"] < 2:
        raise CumexInputError("settings.n_blocks", out["n_blocks"], "an integer >= 2")
    return out


@dataclass
class Attractor:
    """Where one trajectory ends up, and averages over it."""

    kind: str
    start: str
    x_end: np.ndarray
    period: float = float("nan")
    #: half the peak-to-peak range of each observable over the window
    amplitude: dict[str, float] = field(default_factory=dict)
    lyapunov: float = float("nan")
    averages: dict[str, float] = field(default_factory=dict)
    errors: dict[str, float] = field(default_factory=dict)
    #: length of the averaging window actually used (a whole number of periods on a cycle)
    window: float = float("nan")
    message: str = ""


@dataclass
class AttractorReport:
    attractor: str
    n_fixed_points: int
    n_stable: int
    #: the attractor reached from the physical initial state
    physical: Attractor | None
    #: attractors reached from the other starts (only when no fixed point is stable)
    others: list[Attractor] = field(default_factory=list)
    settings: dict[str, float | int] = field(default_factory=dict)


#: the integrators :func:`follow` may use: explicit DOP853 (the default: it resolves fast oscillations that
#: an implicit method's damping would hide) or implicit Radau IIA (order 5, exact Jacobian) for stiff systems
#: whose attractor is slow against their fastest decay (rates ∝ N at large N), where DOP853's steps
#: ~1/ρ(J) would make the run unaffordable
INTEGRATORS = ("DOP853", "Radau")


def integrate(system: RealODESystem, x0: np.ndarray, t_end: float, t_eval: np.ndarray | None = None,
              rtol: float = 1e-9, atol: float = 1e-11, method: str = "DOP853"):
    """Integrate dx/dt = F(x) with ``method`` (:data:`INTEGRATORS`; default explicit 8th-order DOP853)."""
    if method not in INTEGRATORS:
        raise CumexInputError("method", method, " or ".join(INTEGRATORS))
    jac = {"jac": lambda t, x: system.jacobian(x)} if method == "Radau" else {}
    return solve_ivp(lambda t, x: system.rhs(x), (0.0, float(t_end)), np.asarray(x0, dtype=float),
                     method=method, t_eval=t_eval, rtol=rtol, atol=atol, **jac)


def time_average(values: np.ndarray, n_blocks: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 of uniformly sampled ``values`` and its block standard error."""
    values = np.asarray(values, dtype=float)
    usable = (len(values) // n_blocks) * n_blocks
    blocks = values[len(values) - usable :].reshape((n_blocks, -1) + values.shape[1:]).mean(axis=1)
    return values.mean(axis=0), blocks.std(axis=0, ddof=1) / np.sqrt(n_blocks)


def invariant_probe(system: RealODESystem, x: np.ndarray) -> np.ndarray:
    """Coordinates of the states x (shape (k, n)) that the system's U(1) rotation leaves unchanged."""
    x = np.atleast_2d(x)
    G = system.rotation
    if G is None:
        return x
    uncharged = [i for i in range(x.shape[1]) if not np.any(G[i]) and not np.any(G[:, i])]
    pairs = [(i, j, G[j, i]) for i in range(x.shape[1]) for j in range(x.shape[1]) if G[j, i] > 0 and i != j]
    columns = [x[:, i] for i in uncharged]
    for a, (i, j, q) in enumerate(pairs):
        za = x[:, i] + 1j * x[:, j]
        for (k, l, r) in pairs[a:]:
            if np.isclose(q, r):
                prod = za * np.conj(x[:, k] + 1j * x[:, l])
                columns += [prod.real, prod.imag]
    return np.stack(columns, axis=1)


def detect_period(t: np.ndarray, probe: np.ndarray, period_tol: float = 2e-3, max_lag: int = 4) -> tuple[float, float]:
    """(period, relative return distance) of a sampled trajectory, or (nan, best distance) if none.

    Upward crossings of the mean by the probe component of largest variance are located by linear
    interpolation; the whole probe vector at crossing k+m is compared with that at crossing k.
    """
    probe = np.atleast_2d(probe.T).T
    scale = float(np.max(probe.max(axis=0) - probe.min(axis=0)))
    if scale == 0.0:
        return float("nan"), float("inf")
    c = int(np.argmax(probe.var(axis=0)))
    s = probe[:, c] - probe[:, c].mean()
    idx = np.flatnonzero((s[:-1] < 0) & (s[1:] >= 0))
    if len(idx) < 3:
        return float("nan"), float("inf")
    w = -s[idx] / (s[idx + 1] - s[idx])
    times = t[idx] + w * (t[idx + 1] - t[idx])
    points = probe[idx] + w[:, None] * (probe[idx + 1] - probe[idx])
    best = float("inf")
    span = t[-1] - t[0]
    for m in range(1, max_lag + 1):
        # at least three whole periods, spread over most of the window (not a burst of crossings
        # while the orbit lingers somewhere), with lag-m return times that agree
        if len(times) < 3 * m + 1 or times[-1] - times[0] < 0.6 * span:
            break
        dist = float(np.max(np.abs(points[m:] - points[:-m]))) / scale
        intervals = times[m:] - times[:-m]
        # successive return times agree (a slow drift along a neutral family of orbits is allowed)
        dist = max(dist, float(np.max(np.abs(np.diff(intervals[::m])), initial=0.0) / np.mean(intervals)))
        best = min(best, dist)
        if dist < period_tol:
            return float(np.mean(intervals)), dist
    return float("nan"), best


def largest_lyapunov(system: RealODESystem, x0: np.ndarray, t_total: float = 200.0, interval: float = 5.0,
                     rtol: float = 1e-9, atol: float = 1e-11, seed: int = 0, method: str = "DOP853") -> float:
    """Benettin estimate of the largest Lyapunov exponent from x0 (taken to be on the attractor)."""
    n = len(x0)
    rng = np.random.default_rng(seed)
    v = rng.normal(size=n)
    v /= np.linalg.norm(v)

    def fun(t, y):
        x, dv = y[:n], y[n:]
        return np.concatenate([system.rhs(x), system.jacobian(x) @ dv])

    extra = {}
    if method == "Radau":  # the variational system's Jacobian: [[J, 0], [dJ·v, J]], the dJ·v block neglected
        def jac(t, y):
            J = system.jacobian(y[:n])
            return np.block([[J, np.zeros((n, n))], [np.zeros((n, n)), J]])
        extra = {"jac": jac}

    y = np.concatenate([np.asarray(x0, dtype=float), v])
    total = 0.0
    steps = max(1, int(round(t_total / interval)))
    for _ in range(steps):
        sol = solve_ivp(fun, (0.0, interval), y, method=method, rtol=rtol, atol=atol, **extra)
        y = sol.y[:, -1]
        growth = np.linalg.norm(y[n:])
        total += np.log(growth)
        y[n:] /= growth
    return total / (steps * interval)


def follow(system: RealODESystem, x0: np.ndarray, settings: Mapping[str, object] | None = None,
           start: str = "initial", method: str = "DOP853") -> Attractor:
    """Integrate from x0 past the transient, then classify and average over the window (integrator
    ``method``, see :data:`INTEGRATORS`)."""
    cfg = read_settings(settings)
    pre = integrate(system, x0, cfg["t_transient"], rtol=cfg["rtol"], atol=cfg["atol"], method=method)
    if not pre.success or not np.all(np.isfinite(pre.y)):
        return Attractor("irregular", start, np.asarray(x0, float), message=f"integration failed: {pre.message}")
    x1 = pre.y[:, -1]
    t = np.arange(0.0, cfg["t_window"] + 0.5 * cfg["dt"], cfg["dt"])
    elapsed = cfg["t_transient"]
    previous = float("inf")
    while True:
        sol = integrate(system, x1, t[-1], t_eval=t, rtol=cfg["rtol"], atol=cfg["atol"], method=method)
        if not sol.success or not np.all(np.isfinite(sol.y)):
            return Attractor("irregular", start, x1, message=f"integration failed: {sol.message}")
        elapsed += t[-1]
        probe = invariant_probe(system, sol.y.T)
        if float(np.max(probe.max(axis=0) - probe.min(axis=0))) < cfg["settle_tol"]:
            period, dist = float("nan"), 0.0
            break
        period, dist = detect_period(t, probe, cfg["period_tol"])
        # slow approach to a cycle (e.g. near a Hopf line): keep going while the return distance
        # keeps halving, up to t_max; a chaotic orbit does not improve and stops here
        if np.isfinite(period) or elapsed + t[-1] > cfg["t_max"]:
            break
        if np.isinf(dist):
            # fewer than three periods in the window (long periods near a homoclinic orbit): widen it
            if elapsed + 2 * t[-1] > cfg["t_max"]:
                break
            t = np.arange(0.0, 2 * t[-1] + 0.5 * cfg["dt"], cfg["dt"])
        elif dist > 0.5 * previous:
            break
        previous = dist
        x1 = sol.y[:, -1]
    xs = sol.y.T
    obs_names = list(system.observables(xs[0]))
    obs = np.array([[system.observables(x)[k] for k in obs_names] for x in xs])
    probe = invariant_probe(system, xs)
    spread = float(np.max(probe.max(axis=0) - probe.min(axis=0)))
    amplitude = dict(zip(obs_names, 0.5 * (obs.max(axis=0) - obs.min(axis=0))))
    if spread < cfg["settle_tol"]:
        mean = obs[-1]
        return Attractor("fixed_point", start, xs[-1], amplitude=amplitude, averages=dict(zip(obs_names, mean)),
                         errors=dict(zip(obs_names, 0.5 * (obs.max(axis=0) - obs.min(axis=0)))), window=float(t[-1]),
                         message="settled")
    if np.isfinite(period):
        n_periods = int(t[-1] // period)
        blocks = min(cfg["n_blocks"], n_periods)
        if blocks >= 2:
            # a whole number of periods per block: block means agree up to the sampling error
            per_block = n_periods // blocks
            used = blocks * per_block * period
            keep = t >= t[-1] - used
            sel = obs[keep][: int(round(used / cfg["dt"]))]
            mean, err = time_average(sel, blocks)  # type: ignore[arg-type]
            window = used
        else:
            mean, err = time_average(obs, cfg["n_blocks"])  # type: ignore[arg-type]
            window = float(t[-1])
        return Attractor("limit_cycle", start, xs[-1], period=period, amplitude=amplitude,
                         averages=dict(zip(obs_names, mean)), errors=dict(zip(obs_names, err)), window=window,
                         message=f"returns to within {dist:.2g} of its range after t = {elapsed:g}")
    mean, err = time_average(obs, cfg["n_blocks"])  # type: ignore[arg-type]
    lyap = largest_lyapunov(system, xs[-1], cfg["t_lyapunov"], cfg["lyapunov_interval"], cfg["rtol"], cfg["atol"],
                            int(cfg["seed"]), method)
    return Attractor("irregular", start, xs[-1], lyapunov=lyap, amplitude=amplitude,
                     averages=dict(zip(obs_names, mean)), errors=dict(zip(obs_names, err)), window=float(t[-1]),
                     message=f"no return closer than {dist:.2g} of its range by t = {elapsed:g}")


def analyse_attractors(system: RealODESystem, fixed_points: Sequence[object],
                       settings: Mapping[str, object] | None = None) -> AttractorReport:
    """Classify one grid point from its fixed points and, if none is stable, its trajectories."""
    cfg = read_settings(settings)
    n_stable = sum(bool(fp.stable) for fp in fixed_points)  # type: ignore[attr-defined]
    physical = _reach_stable(system, fixed_points, cfg) if n_stable else None
    if physical is None:
        physical = follow(system, system.initial_state, cfg, start="initial")
    if n_stable >= 2:
        return AttractorReport("bistable", len(fixed_points), n_stable, physical, [], cfg)
    if n_stable == 1:
        return AttractorReport("fixed_point", len(fixed_points), n_stable, physical, [], cfg)
    rng = np.random.default_rng(int(cfg["seed"]))
    others = [follow(system, x, cfg, start=f"random {i}") for i, x in enumerate(system.sample_states(rng, int(cfg["n_starts"])))]
    kind = physical.kind if physical.kind in ATTRACTOR_KINDS else "irregular"
    return AttractorReport(kind, len(fixed_points), n_stable, physical, others, cfg)


def _reach_stable(system: RealODESystem, fixed_points: Sequence[object], cfg: Mapping[str, float | int],
                  snap_tol: float = 1e-4) -> Attractor | None:
    """The stable fixed point the physical initial state reaches within t_transient, or None."""
    sol = integrate(system, system.initial_state, cfg["t_transient"], rtol=cfg["rtol"], atol=cfg["atol"])
    if not sol.success:
        return None
    end = sol.y[:, -1]
    for k, fp in enumerate(fixed_points):
        x = np.asarray(fp.x, dtype=float)  # type: ignore[attr-defined, type-var]
        if fp.stable and np.abs(end - x).max() < snap_tol * max(1.0, float(np.abs(x).max())):  # type: ignore[attr-defined]
            obs = system.observables(x)
            return Attractor("fixed_point", "initial", x, amplitude={n: 0.0 for n in obs}, averages=dict(obs),
                             errors={n: 0.0 for n in obs}, window=0.0,
                             message=f"reached stable fixed point {k} within t = {cfg['t_transient']:g}")
    return None
