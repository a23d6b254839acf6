"""Every steady state of a :class:`RealODESystem`, its stability, and the physical one.

:func:`find_steady_states` runs damped Newton (exact Jacobian) from

  (a) user guesses (continuation from a neighbouring grid point, a lower-order solution),
  (b) the system's fixed initial state,
  (c) ``n_random`` random physical states from ``system.sample_states`` (seeded: deterministic),

keeps the true zeros (residual ≤ ``residual_tol``) inside the physical bounds (``system.admissible``;
zeros outside them are spurious roots of the closure, set aside and counted in the status), merges
duplicates (distance ≤ ``merge_tol`` × |x|,
measured modulo the phase rotation for symmetry-broken systems) and classifies each by the
eigenvalues of J - νG (:mod:`cumex.steady.stability`). The physical state is found by integrating
from the initial state until it settles (:func:`cumex.steady.integrate.relax`) and Newton-polishing
the end point; it is identified among the states found, or added. A trajectory held at a linearly
unstable state for longer than 50 e-folding times of its growing mode is stopped: the exact flow
cannot stay there, BDF's damping of a fast oscillatory mode (Re λ ≪ |Im λ|) keeps it (the order-6
central-spin Hopf branch at large N). :func:`analyse` wraps this into a
:class:`cumex.results.MethodResult` and, when no stable state is reached, averages over the attractor
(:mod:`cumex.steady.fallback`). Neither raises for a numerical failure.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cumex.errors import CumexInputError
from cumex.results import MethodResult, SteadyState
from cumex.steady.fallback import attractor_of_physical_state, attractor_settings
from cumex.steady.integrate import Relaxation, relax
from cumex.steady.newton import Root, newton_root
from cumex.steady.stability import Stability, classify_stability
from cumex.steady.symmetry import best_rotation, distance_modulo_rotation, is_symmetric, rotate
from cumex.steady.system import RealODESystem

__all__ = ["FixedPoint", "SteadyStateAnalysis", "find_steady_states", "analyse", "DEFAULT_SETTINGS", "read_settings",
           "recording_analyses"]

#: settings of the steady-state analysis and their defaults (``t_chunk`` None: 50 natural time scales)
DEFAULT_SETTINGS: dict[str, object] = {
    "n_random": 8,
    # named rng_seed, not seed: the cumulant engine's "seed" is the symmetry-breaking amplitude
    "rng_seed": 0,
    "residual_tol": 1e-10,
    "merge_tol": 1e-6,
    "stability_tol": 1e-9,
    "t_chunk": None,
    "max_chunks": 60,
    "settle_tol": 1e-7,
    # no stable state reached: follow the trajectory onto its attractor (cumex.steady.fallback)
    "attractors": True,
}

#: a perturbation of relative size ≥ e^-50 ≈ 2e-22 (below any rounding error) of an unstable mode grows
#: to O(1) in 50 e-folding times; a trajectory held at an unstable state longer is an integrator artefact
HOLD_E_FOLDS = 50.0

#: where :func:`analyse` appends (system, analysis) of each call, inside :func:`recording_analyses`
_RECORD: contextvars.ContextVar[list | None] = contextvars.ContextVar("cumex_steady_record", default=None)


@contextlib.contextmanager
def recording_analyses():
    """Within the block, every :func:`analyse` call appends (system, SteadyStateAnalysis) to the list
    yielded: the states' unknowns x, which a :class:`MethodResult` does not carry, for a caller that
    continues them to a neighbouring grid point (:mod:`cumex.sweep`) without changing the engines."""
    record: list = []
    token = _RECORD.set(record)
    try:
        yield record
    finally:
        _RECORD.reset(token)


@dataclass
class FixedPoint:
    """One steady state: x (in a gauge where it is stationary), frequency ν, residual, stability."""

    x: np.ndarray
    nu: float
    residual: float
    stability: Stability
    symmetric: bool
    #: which starts reached it, e.g. ["guess 0", "initial", "random 3", "trajectory"]
    sources: list[str] = field(default_factory=list)

    @property
    def stable(self) -> bool:
        return self.stability.stable


@dataclass
class SteadyStateAnalysis:
    fixed_points: list[FixedPoint]
    #: index into fixed_points of the state reached from the initial state, or None
    physical_index: int | None
    relaxation: Relaxation | None
    converged: bool
    status: str
    settings: dict[str, object]
    #: zeros of F outside the physical bounds (``system.admissible`` False): spurious closure roots
    discarded: list[Root] = field(default_factory=list)
    #: index into fixed_points of the state Newton reaches from the trajectory's end (stable or not)
    trajectory_index: int | None = None

    @property
    def physical(self) -> FixedPoint | None:
        return None if self.physical_index is None else self.fixed_points[self.physical_index]

    @property
    def n_stable(self) -> int:
        return sum(fp.stable for fp in self.fixed_points)


def read_settings(settings: Mapping[str, object] | None) -> dict[str, object]:
    """The analysis settings (defaults filled in); keys this module does not know are left to others.

    Raises :class:`CumexInputError` for a bad value of a known key.
    """
    out = dict(DEFAULT_SETTINGS)
    for key, value in (settings or {}).items():
        if key not in DEFAULT_SETTINGS:
            continue
        if key in {"n_random", "rng_seed", "max_chunks"}:
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise CumexInputError(key, value, "an integer >= 0")
            out[key] = int(value)
        elif key == "t_chunk" and value is None:
            out[key] = None
        elif key == "attractors":
            if not isinstance(value, (bool, np.bool_)):
                raise CumexInputError(key, value, "true or false")
            out[key] = bool(value)
        else:
            try:
                v = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise CumexInputError(key, value, "a positive real number") from None
            if not (math.isfinite(v) and v > 0):
                raise CumexInputError(key, value, "a positive real number")
            out[key] = v
    return out


def _same(a: np.ndarray, b: np.ndarray, system: RealODESystem, tol: float) -> bool:
    scale = max(1.0, float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    return distance_modulo_rotation(a, b, system.rotation) <= tol * scale


def _add(system: RealODESystem, found: list[FixedPoint], root: Root, source: str, cfg: dict[str, object],
         classify: Callable[[np.ndarray, float], Stability] | None = None) -> int:
    """Add a root unless it duplicates a known state (a new one classified by ``classify``(x, ν), default
    :func:`classify_stability`); return its index."""
    symmetric = system.rotation is None or is_symmetric(root.x, system.rotation)
    for i, fp in enumerate(found):
        # a broken state just past its bifurcation is close to the symmetric one but distinct
        if fp.symmetric == symmetric and _same(fp.x, root.x, system, float(cfg["merge_tol"])):  # type: ignore[arg-type]
            fp.sources.append(source)
            if root.residual < fp.residual:  # keep the better-polished copy
                fp.x, fp.nu, fp.residual = root.x, root.nu, root.residual
            return i
    if classify is None:
        stab = classify_stability(system, root.x, root.nu, float(cfg["stability_tol"]))  # type: ignore[arg-type]
    else:
        stab = classify(root.x, root.nu)
    found.append(FixedPoint(root.x, root.nu, root.residual, stab, symmetric, [source]))
    return len(found) - 1


def _in_linear_neighbourhood(system: RealODESystem, x: np.ndarray, fp: FixedPoint, rel_tol: float = 0.05) -> bool:
    """True when the flow at x is that of the linearisation about the stable state fp, to rel_tol.

    Then a trajectory at x converges to fp even though it has not settled yet (slow approach near a
    bifurcation). Compared in the frame co-rotating with fp and with fp rotated onto x's phase.
    """
    if not fp.stable:
        return False
    G = system.rotation
    theta, _ = best_rotation(fp.x, x, G)
    xs = rotate(fp.x, G, theta) if G is not None else fp.x
    with np.errstate(all="ignore"):
        f = np.asarray(system.rhs(x), dtype=float)
        A = np.asarray(system.jacobian(xs), dtype=float)
        if G is not None:
            f = f - fp.nu * (G @ x)
            A = A - fp.nu * G
        lin = A @ (x - xs)
    norm = float(np.linalg.norm(f))
    return bool(np.isfinite(norm)) and float(np.linalg.norm(f - lin)) <= rel_tol * norm


class _TrajectoryVetting:
    """Newton from a slow trajectory point, cached: does it land on a stable state, and if not, how long
    can the exact flow stay there (``HOLD_E_FOLDS`` e-folding times of the fastest-growing mode)?"""

    def __init__(self, system: RealODESystem, tol: float, stability_tol: float):
        self.system, self.tol, self.stability_tol = system, tol, stability_tol
        self._key: tuple[bytes, float] | None = None
        self._value: Stability | None = None

    def _stability(self, x: np.ndarray, nu: float) -> Stability | None:
        key = (np.asarray(x, dtype=float).tobytes(), float(nu))
        if key != self._key:
            root = newton_root(self.system, x, nu0=nu, residual_tol=self.tol)
            ok = root is not None and (self.system.admissible is None or self.system.admissible(root.x))
            self._value = classify_stability(self.system, root.x, root.nu, self.stability_tol) if ok else None  # type: ignore[union-attr]
            self._key = key
        return self._value

    def accept(self, x: np.ndarray, nu: float) -> bool:
        st = self._stability(x, nu)
        return st is not None and st.stable

    def hold_limit(self, x: np.ndarray, nu: float) -> float:
        st = self._stability(x, nu)
        if st is None or not (np.isfinite(st.max_real_eigenvalue) and st.max_real_eigenvalue > 0.0):
            return float("inf")
        return HOLD_E_FOLDS / st.max_real_eigenvalue


def collect_roots(system: RealODESystem, sourced: Sequence[tuple[str, Root | None]],
                  cfg: dict[str, object], admissible: Sequence[bool] | None = None,
                  classify: Callable[[np.ndarray, float], Stability] | None = None,
                  ) -> tuple[list[FixedPoint], list[Root]]:
    """The distinct fixed points among Newton's roots (each with its start's name; None: no root) and the
    distinct zeros outside the physical bounds, set aside. Shared by the point and the batched analyses;
    the batched one gives ``system.admissible`` of each root (``admissible``) and the stability of the new
    states (``classify``, see :func:`_add`) computed for many points at once."""
    found: list[FixedPoint] = []
    discarded: list[Root] = []
    for i, (source, root) in enumerate(sourced):
        if root is None:
            continue
        inside = admissible[i] if admissible is not None else system.admissible is None or system.admissible(root.x)
        if not inside:
            if not any(_same(d.x, root.x, system, float(cfg["merge_tol"])) for d in discarded):  # type: ignore[arg-type]
                discarded.append(root)
            continue
        _add(system, found, root, source, cfg, classify)
    return found, discarded


def find_steady_states(
    system: RealODESystem,
    guesses: Sequence[np.ndarray] = (),
    settings: Mapping[str, object] | None = None,
    find_physical: bool = True,
    *,
    n_random: int | None = None,
    seed: int | None = None,
) -> SteadyStateAnalysis:
    """All steady states reached from the starts, each classified, and the physical one.

    ``settings`` keys are those of :data:`DEFAULT_SETTINGS`; the keywords ``n_random`` and ``seed``
    (the random-start generator's seed, ``rng_seed`` in settings) override them when given.
    """
    overrides = {k: v for k, v in (("n_random", n_random), ("rng_seed", seed)) if v is not None}
    cfg = read_settings({**dict(settings or {}), **overrides})
    tol = float(cfg["residual_tol"])  # type: ignore[arg-type]
    notes: list[str] = []
    starts: list[tuple[str, np.ndarray]] = []
    for i, g in enumerate(guesses):
        g = np.asarray(g, dtype=float)
        if g.shape != (system.size,):
            notes.append(f"guess {i} ignored (shape {g.shape}, expected ({system.size},))")
            continue
        starts.append((f"guess {i}", g))
    starts.append(("initial", np.asarray(system.initial_state, dtype=float)))
    n_random = int(cfg["n_random"])  # type: ignore[call-overload]
    if n_random:
        rng = np.random.default_rng(int(cfg["rng_seed"]))  # type: ignore[call-overload]
        for i, s in enumerate(np.atleast_2d(system.sample_states(rng, n_random))):
            starts.append((f"random {i}", np.asarray(s, dtype=float)))

    found, discarded = collect_roots(system, [(source, newton_root(system, x0, residual_tol=tol)) for source, x0 in starts], cfg)

    physical_index: int | None = None
    trajectory_index: int | None = None
    relaxation: Relaxation | None = None
    if find_physical:
        vetting = _TrajectoryVetting(system, tol, float(cfg["stability_tol"]))  # type: ignore[arg-type]
        relaxation = relax(
            system,
            system.initial_state,
            t_chunk=cfg["t_chunk"],  # type: ignore[arg-type]
            max_chunks=int(cfg["max_chunks"]),  # type: ignore[call-overload]
            settle_tol=float(cfg["settle_tol"]),  # type: ignore[arg-type]
            accept=vetting.accept,
            hold_limit=vetting.hold_limit,
        )
        root = newton_root(system, relaxation.x, nu0=relaxation.nu, residual_tol=tol)
        if root is not None and system.admissible is not None and not system.admissible(root.x):
            notes.append("the trajectory's end polishes to a state outside the physical bounds")
            root = None
        k = None if root is None else _add(system, found, root, "trajectory", cfg)
        trajectory_index = k
        if k is not None and relaxation.settled:
            physical_index = k
        elif k is not None and _in_linear_neighbourhood(system, relaxation.x, found[k]):
            # critical slowing down: still creeping towards a stable state whose linear flow it follows
            physical_index = k
            notes.append(f"trajectory slow ({relaxation.message}) but in the linear neighbourhood of stable state {k}")
        elif relaxation.settled:
            notes.append(f"trajectory from the initial state {relaxation.message} but Newton from its end failed")
        elif relaxation.held:
            notes.append(
                f"trajectory from the initial state {relaxation.message}: the state is linearly unstable, "
                "its unstable mode is damped by the integrator, not by the flow; no stable steady state reached"
            )
        else:
            notes.append(
                f"trajectory from the initial state did not settle ({relaxation.message}): "
                "no stable steady state reached (limit cycle or other attractor?)"
            )
    n_stable = sum(fp.stable for fp in found)
    summary = f"{len(found)} steady state(s) found from {len(starts)} starts, {n_stable} stable"
    if discarded:
        summary += f" ({len(discarded)} zero(s) outside the physical bounds set aside)"
    if find_physical and physical_index is not None:
        fp = found[physical_index]
        summary += f"; physical: state {physical_index} ({'stable' if fp.stable else 'UNSTABLE'}, {relaxation.message})"  # type: ignore[union-attr]
    converged = physical_index is not None if find_physical else bool(found)
    status = "; ".join([("ok: " if converged else "failed: ") + summary, *notes])
    return SteadyStateAnalysis(found, physical_index, relaxation, converged, status, cfg, discarded, trajectory_index)


def _steady_state(system: RealODESystem, fp: FixedPoint) -> SteadyState:
    obs = {k: float(v) for k, v in system.observables(fp.x).items()}
    info = {
        "max_real_eigenvalue": fp.stability.max_real_eigenvalue,
        "neutral_modes": float(fp.stability.neutral_modes),
        "frequency": fp.nu,
        "symmetry_broken": 0.0 if fp.symmetric else 1.0,
    }
    return SteadyState(observables=obs, stable=fp.stable, residual=fp.residual, info=info)


def analyse(
    system: RealODESystem,
    settings: Mapping[str, object] | None = None,
    guesses: Sequence[np.ndarray] = (),
) -> MethodResult:
    """:func:`find_steady_states` as a :class:`MethodResult` (observables from ``system.observables``).

    When the trajectory from the initial state reaches no linearly stable steady state (and the
    ``attractors`` setting is true, the default), it is followed onto its attractor
    (:mod:`cumex.steady.fallback`): on a limit cycle or an irregular attractor ``physical`` holds the
    observables' time averages (``stable`` False, ``residual`` NaN; ``info``: period, largest Lyapunov
    exponent, averaging window, ``error_<name>`` block errors of the averages, ``amplitude_<name>`` half
    peak-to-peak), ``converged`` is True and ``status`` starts with "ok: limit_cycle" or "ok: irregular".
    ``result.attractor`` names what the physical trajectory reaches: fixed_point, bistable (the
    physical state is one of ≥ 2 stable states), limit_cycle or irregular (absent when it failed).
    """
    attractor_settings(settings)  # bad attractor_* settings raise here, before any work
    try:
        analysis = find_steady_states(system, guesses=guesses, settings=settings)
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError, ZeroDivisionError) as exc:
        return MethodResult([], None, False, f"failed: steady-state analysis raised {exc!r}", read_settings(settings))
    states = [_steady_state(system, fp) for fp in analysis.fixed_points]
    physical = None if analysis.physical_index is None else states[analysis.physical_index]
    result = MethodResult(
        states=states,
        physical=physical,
        converged=analysis.converged,
        status=analysis.status,
        settings=dict(analysis.settings),
    )
    if physical is not None:
        result.attractor = "bistable" if analysis.n_stable >= 2 else "fixed_point"
    record = _RECORD.get()
    if record is not None:
        record.append((system, analysis))
    relaxation = analysis.relaxation
    if physical is None and analysis.settings["attractors"] and relaxation is not None and not relaxation.settled:
        _use_attractor(system, analysis, result, settings)
    return result


def _use_attractor(system: RealODESystem, analysis: SteadyStateAnalysis, result: MethodResult,
                   settings: Mapping[str, object] | None) -> None:
    """Fill ``result.physical`` with the time averages over the attractor the trajectory reaches."""
    try:
        att = attractor_of_physical_state(system, analysis.fixed_points, analysis.relaxation,  # type: ignore[arg-type]
                                          analysis.trajectory_index, settings)
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError, ZeroDivisionError, ValueError) as exc:
        result.status += f"; attractor analysis raised {exc!r}"
        return
    if att is None or not att.averages or "integration failed" in att.message:
        result.status += f"; attractor analysis gave no averages ({att.message if att else 'no start'})"
        return
    info = {"period": att.period, "lyapunov": att.lyapunov, "window": att.window,
            **{f"error_{k}": float(v) for k, v in att.errors.items()},
            **{f"amplitude_{k}": float(v) for k, v in att.amplitude.items()}}
    if att.kind == "fixed_point":
        # settled after all (e.g. onto a stable state the Newton starts missed): polish and keep it
        root = newton_root(system, att.x_end, residual_tol=float(analysis.settings["residual_tol"]))  # type: ignore[arg-type]
        if root is None or (system.admissible is not None and not system.admissible(root.x)):
            result.status += f"; attractor analysis settled ({att.message}) but Newton from its end failed"
            return
        k = _add(system, analysis.fixed_points, root, "attractor", analysis.settings)
        fp = analysis.fixed_points[k]
        result.states = [_steady_state(system, f) for f in analysis.fixed_points]
        if not fp.stable:
            result.status += f"; attractor analysis settled on unstable state {k} ({att.message})"
            return
        result.physical, result.converged = result.states[k], True
        n_stable = sum(f.stable for f in analysis.fixed_points)
        result.status = (f"ok: physical: stable state {k}, reached by the attractor analysis ({att.message}); "
                         f"{len(analysis.fixed_points)} steady state(s) now known, {n_stable} stable; before it: "
                         + result.status.split(": ", 1)[1])
        result.attractor = "bistable" if analysis.n_stable >= 2 else "fixed_point"
        return
    averaged = SteadyState(observables={k: float(v) for k, v in att.averages.items()}, stable=False,
                           residual=float("nan"), info=info)
    what = (f"a limit cycle of period {att.period:.6g}" if att.kind == "limit_cycle"
            else f"an irregular attractor (largest Lyapunov exponent {att.lyapunov:.3g})")
    result.physical, result.converged = averaged, True
    result.status = (f"ok: {att.kind}: no stable steady state; the trajectory reaches {what}, observables are "
                     f"time averages over {att.window:.6g} ({att.message}); " + result.status.split(": ", 1)[1])
    result.attractor = att.kind
